# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-doc renders every module, lookup and role entry point of the collection from
DOCUMENTATION and argument_specs, every option with a description, a type and (unless
required) a default."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import REPO_ROOT

MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(REPO_ROOT, 'plugins', 'modules'))
                 if name.endswith('.py') and not name.startswith('_'))
LOOKUPS = sorted(name[:-3] for name in os.listdir(os.path.join(REPO_ROOT, 'plugins', 'lookup'))
                 if name.endswith('.py') and not name.startswith('_'))
ROLES = sorted(name for name in os.listdir(os.path.join(REPO_ROOT, 'roles'))
               if os.path.exists(os.path.join(REPO_ROOT, 'roles', name, 'meta', 'argument_specs.yml')))


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


def assert_documented(name, options, defaults=True):
    """Every option has a description and a type; a role's optional ones a default, which
    defaults/main.yml gives them (a module's may be unset)."""
    for option, spec in options.items():
        assert spec.get('description'), '%s: %s has no description' % (name, option)
        assert spec.get('type'), '%s: %s has no type' % (name, option)
        assert not defaults or spec.get('required') or 'default' in spec or spec['type'] == 'path', \
            '%s: %s is optional but has no default' % (name, option)


def test_every_module_lookup_and_role_is_found():
    assert MODULES == ['apache_config', 'host_state', 'http_check', 'mod_wsgi_build', 'python_home']
    assert LOOKUPS == ['rendered', 'wsgi_app_input_errors']
    # apache_control takes no arguments: it holds the handlers, and a spec of its main would add
    # a validation task to every play that uses the collection.
    assert ROLES == ['apache', 'wsgi_app']


@pytest.mark.parametrize('plugin_type, plugin', [('module', name) for name in MODULES]
                         + [('lookup', name) for name in LOOKUPS])
def test_plugin_doc_renders_every_option(collections_path, plugin_type, plugin):
    name = 'modwsgi.deploy.' + plugin
    doc = json.loads(ansible_doc(collections_path, '--json', '-t', plugin_type, name))[name]
    assert doc['doc']['short_description'] and doc['doc']['options']
    assert_documented(plugin, doc['doc']['options'], defaults=False)
    assert doc['examples'].strip()
    assert doc['return']
    text = ansible_doc(collections_path, '-t', plugin_type, name)
    for option in list(doc['doc']['options']) + list(doc['return']):
        assert option in text, option


def test_python_home_returns_what_the_roles_read(collections_path):
    doc = json.loads(ansible_doc(collections_path, '--json', 'modwsgi.deploy.python_home'))
    assert set(doc['modwsgi.deploy.python_home']['return']) >= {
        'prefix', 'base_prefix', 'is_virtualenv', 'python_version', 'site_packages', 'mod_wsgi_python_version',
        'compatible'}


@pytest.mark.parametrize('role', ROLES)
def test_role_doc_renders_every_entry_point_and_option(collections_path, role):
    name = 'modwsgi.deploy.' + role
    entry_points = json.loads(ansible_doc(collections_path, '--json', '-t', 'role', name))[name]['entry_points']
    assert 'main' in entry_points
    text = ansible_doc(collections_path, '-t', 'role', name)
    # The text form lists each option as "- name" (or "= name" when required) followed by
    # its default and type lines.
    blocks = {block.split('\n', 1)[0].strip(): block for block in re.split(r'\n[-=] ', text)[1:]}
    for entry_point, spec in entry_points.items():
        assert spec['short_description'], entry_point
        assert 'ENTRY POINT: ' + entry_point in text
        options = spec.get('options') or {}
        assert_documented('%s:%s' % (role, entry_point), options)
        for option, option_spec in options.items():
            assert option in blocks, '%s missing from ansible-doc text' % option
            assert 'type: %s' % option_spec['type'] in blocks[option], option
            assert option_spec.get('required') or 'default:' in blocks[option], option
