# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rendered: each template as ansible.builtin.template's lookup renders it, run by a real
ansible-playbook from a role, as the roles use it."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import base64
import json
import os
import subprocess
import sys

import yaml

from conftest import REPO_ROOT

TEMPLATE = '''# {{ ansible_managed }}
{{ template_path | basename }}: {{ greeting }} {{ color | default('none') }}
{% for item in items %}{{ item }}
{% endfor %}

'''


def run_role(tmp_path, tasks):
    (tmp_path / 'collections' / 'ansible_collections' / 'modwsgi').mkdir(parents=True)
    (tmp_path / 'collections' / 'ansible_collections' / 'modwsgi' / 'deploy').symlink_to(REPO_ROOT)
    role = tmp_path / 'roles' / 'render'
    (role / 'templates').mkdir(parents=True)
    (role / 'tasks').mkdir()
    (role / 'templates' / 'page.j2').write_text(TEMPLATE)
    (role / 'tasks' / 'main.yml').write_text(yaml.safe_dump(tasks))
    out = tmp_path / 'out.json'
    playbook = tmp_path / 'playbook.yml'
    playbook.write_text(yaml.safe_dump([{
        'hosts': 'localhost', 'gather_facts': False,
        'vars': {'greeting': 'hello', 'items': ['a', 'b'], 'out': str(out)},
        'roles': ['render'],
    }]))
    ansible_playbook = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(tmp_path / 'collections'),
               ANSIBLE_ROLES_PATH=str(tmp_path / 'roles'))
    result = subprocess.run([ansible_playbook, '-i', 'localhost,', '-c', 'local',
                             '-e', json.dumps({'ansible_python_interpreter': sys.executable}), str(playbook)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                            check=False, env=env)
    assert result.returncode == 0, result.stdout
    return json.loads(base64.b64decode(out.read_text()))


def write_out(expression):
    # base64: ansible-core 2.16 would turn a JSON text back into data before copy writes it.
    return {'name': 'Write the renderings', 'ansible.builtin.copy': {
        'content': '{{ %s | to_json | b64encode }}' % expression, 'dest': '{{ out }}', 'mode': '0644'}}


def test_renders_as_the_builtin_lookup(tmp_path):
    rendered = run_role(tmp_path, [write_out(
        "{'ours': query('modwsgi.deploy.rendered', 'page.j2', 'page.j2'),"
        " 'builtin': query('ansible.builtin.template', 'page.j2', 'page.j2'),"
        " 'ours_vars': lookup('modwsgi.deploy.rendered', 'page.j2', template_vars={'color': 'blue'}),"
        " 'builtin_vars': lookup('ansible.builtin.template', 'page.j2', template_vars={'color': 'blue'})}")])
    assert rendered['ours'] == rendered['builtin']
    assert rendered['ours'][0].endswith('a\nb\n\n')
    assert 'page.j2: hello none' in rendered['ours'][0]
    assert rendered['ours_vars'] == rendered['builtin_vars']
    assert 'page.j2: hello blue' in rendered['ours_vars']


def test_the_names_it_adds_stay_in_the_rendering(tmp_path):
    # The builtin lookup adds template_path, template_vars' names and the like to a copy of
    # the variables; the shallow copy must keep them out of the play just the same.
    seen = run_role(tmp_path, [
        {'name': 'Render', 'ansible.builtin.set_fact': {
            'page': "{{ lookup('modwsgi.deploy.rendered', 'page.j2', template_vars={'color': 'blue'}) }}"}},
        write_out("{'template_path': template_path is defined, 'color': color is defined, 'items': items}")])
    assert seen == {'template_path': False, 'color': False, 'items': ['a', 'b']}
