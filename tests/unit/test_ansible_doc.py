# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-doc renders the module and both roles from DOCUMENTATION and argument_specs,
every option with a description, a type and (unless required) a default."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope='module')
def collections_path(tmp_path_factory):
    root = tmp_path_factory.mktemp('collections')
    (root / 'ansible_collections' / 'modwsgi').mkdir(parents=True)
    (root / 'ansible_collections' / 'modwsgi' / 'deploy').symlink_to(REPO_ROOT)
    return str(root)


def ansible_doc(collections_path, *args):
    ansible_doc_bin = os.path.join(os.path.dirname(sys.executable), 'ansible-doc')
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path)
    output = subprocess.check_output((ansible_doc_bin,) + args, env=env, universal_newlines=True)
    return output


def assert_documented(name, options):
    assert options, '%s documents no options' % name
    for option, spec in options.items():
        assert spec.get('description'), '%s: %s has no description' % (name, option)
        assert spec.get('type'), '%s: %s has no type' % (name, option)
        assert spec.get('required') or 'default' in spec or spec['type'] == 'path', \
            '%s: %s is optional but has no default' % (name, option)


def test_module_doc_renders_every_option(collections_path):
    doc = json.loads(ansible_doc(collections_path, '--json', 'modwsgi.deploy.python_home'))
    module = doc['modwsgi.deploy.python_home']
    assert_documented('python_home', module['doc']['options'])
    assert module['examples'].strip()
    assert set(module['return']) >= {'prefix', 'base_prefix', 'is_virtualenv', 'python_version', 'site_packages',
                                     'mod_wsgi_python_version', 'compatible'}
    text = ansible_doc(collections_path, 'modwsgi.deploy.python_home')
    for option in module['doc']['options']:
        assert option in text


@pytest.mark.parametrize('role', ['apache', 'wsgi_app'])
def test_role_doc_renders_every_option(collections_path, role):
    name = 'modwsgi.deploy.' + role
    doc = json.loads(ansible_doc(collections_path, '--json', '-t', 'role', name))
    main = doc[name]['entry_points']['main']
    assert main['short_description']
    assert_documented(role, main['options'])
    text = ansible_doc(collections_path, '-t', 'role', name)
    # The text form lists each option as "- name" followed by its default and type lines.
    blocks = {block.split('\n', 1)[0].strip(): block for block in text.split('\n- ')[1:]}
    for option, spec in main['options'].items():
        assert option in blocks, '%s missing from ansible-doc text' % option
        assert 'type: %s' % spec['type'] in blocks[option], option
        assert 'default:' in blocks[option], option
