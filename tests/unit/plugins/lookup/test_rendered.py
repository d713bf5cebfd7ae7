# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rendered: each template as ansible.builtin.template's lookup renders it, run by a real
ansible-playbook from a role, as the roles use it."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import yaml

from conftest import output_task, read_output, run_local_play

TEMPLATE = '''# {{ ansible_managed }}
{{ template_path | basename }}: {{ greeting }} {{ color | default('none') }}
{% for item in items %}{{ item }}
{% endfor %}

'''


def run_role(tmp_path, tasks, expression):
    """Runs tasks, then writes the value of expression, from a role whose templates/ holds
    page.j2, and returns that value."""
    role = tmp_path / 'roles' / 'render'
    (role / 'templates').mkdir(parents=True)
    (role / 'tasks').mkdir()
    (role / 'templates' / 'page.j2').write_text(TEMPLATE)
    out = tmp_path / 'out.b64'
    (role / 'tasks' / 'main.yml').write_text(yaml.safe_dump(tasks + [output_task(expression, out)]))
    run_local_play(tmp_path, {'hosts': 'localhost', 'gather_facts': False,
                              'vars': {'greeting': 'hello', 'items': ['a', 'b']}, 'roles': ['render']},
                   roles_path=tmp_path / 'roles')
    return read_output(out)


def test_renders_as_the_builtin_lookup(tmp_path):
    rendered = run_role(tmp_path, [], (
        "{'ours': query('modwsgi.deploy.rendered', 'page.j2', 'page.j2'),"
        " 'builtin': query('ansible.builtin.template', 'page.j2', 'page.j2'),"
        " 'ours_vars': lookup('modwsgi.deploy.rendered', 'page.j2', template_vars={'color': 'blue'}),"
        " 'builtin_vars': lookup('ansible.builtin.template', 'page.j2', template_vars={'color': 'blue'})}"))
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
            'page': "{{ lookup('modwsgi.deploy.rendered', 'page.j2', template_vars={'color': 'blue'}) }}"}}],
        "{'template_path': template_path is defined, 'color': color is defined, 'items': items}")
    assert seen == {'template_path': False, 'color': False, 'items': ['a', 'b']}
