# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""docs/variables.md is what docs/generate_reference.py makes of roles/*/meta/argument_specs.yml.

The committed file must equal the generator's output, so a changed spec without `make docs`
fails here; the generator lists every option of every entry point of every role, and turns
Ansible's doc markup into Markdown.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import importlib.util
import os

import pytest
import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GENERATOR = os.path.join(REPO_ROOT, 'docs', 'generate_reference.py')
VARIABLES_MD = os.path.join(REPO_ROOT, 'docs', 'variables.md')


@pytest.fixture(scope='module')
def generator():
    spec = importlib.util.spec_from_file_location('generate_reference', GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _argument_specs():
    roles_dir = os.path.join(REPO_ROOT, 'roles')
    for role in sorted(os.listdir(roles_dir)):
        path = os.path.join(roles_dir, role, 'meta', 'argument_specs.yml')
        if os.path.isfile(path):
            with open(path) as handle:
                yield role, yaml.safe_load(handle)['argument_specs']


def test_committed_reference_is_up_to_date(generator):
    with open(VARIABLES_MD) as handle:
        committed = handle.read()
    assert committed == generator.render(REPO_ROOT), \
        'docs/variables.md differs from roles/*/meta/argument_specs.yml: run `make docs` and commit the result'


def test_check_mode_reports_a_stale_file(generator, tmp_path):
    stale = tmp_path / 'variables.md'
    stale.write_text('# Role variables\n')
    assert generator.main(['--check', '--output', str(stale)]) == 1
    assert stale.read_text() == '# Role variables\n'
    assert generator.main(['--output', str(stale)]) == 0
    assert generator.main(['--check', '--output', str(stale)]) == 0


def test_every_option_of_every_entry_point_has_a_row(generator):
    text = generator.render(REPO_ROOT)
    roles = list(_argument_specs())
    assert {role for role, dummy in roles} == {'apache', 'wsgi_app'}
    for role, entry_points in roles:
        assert '## `modwsgi.deploy.%s`' % role in text
        for name, entry_point in entry_points.items():
            assert '### Entry point `%s`' % name in text, (role, name)
            for option in entry_point.get('options') or {}:
                assert '\n| `%s` |' % option in text, (role, name, option)


def test_row_shows_type_default_choices_and_description(generator):
    text = generator.render(REPO_ROOT)
    assert ('| `wsgi_app_state` | str | `present` | `present`, `absent` | `absent` removes the site'
            in text)
    assert '| `apache_packages` | list of str | `["apache2", "libapache2-mod-wsgi-py3", "logrotate"]` |' in text
    assert '| `wsgi_app_shared_paths.path` | str | required |' in text


@pytest.mark.parametrize('source, table, prose', [
    ('C(apache2ctl -t) and V(true)', '`apache2ctl -t` and `true`', '`apache2ctl -t` and `true`'),
    ('O(wsgi_app_scope=server), M(modwsgi.deploy.python_home)',
     '`wsgi_app_scope=server`, `modwsgi.deploy.python_home`', '`wsgi_app_scope=server`, `modwsgi.deploy.python_home`'),
    # Parentheses inside the markup stay in the code span.
    ('show as C((wsgi:<name>)) in ps', 'show as `(wsgi:<name>)` in ps', 'show as `(wsgi:<name>)` in ps'),
    # A pipe ends a table cell unless escaped, even inside a code span.
    ('V({{ a | lower }})', '`{{ a \\| lower }}`', '`{{ a | lower }}`'),
    ('a C(`tick`)', 'a `` `tick` ``', 'a `` `tick` ``'),
    ('I(not) B(this), L(the docs,https://example.org), U(https://example.org)',
     '*not* **this**, [the docs](https://example.org), <https://example.org>',
     '*not* **this**, [the docs](https://example.org), <https://example.org>'),
    ('mod_wsgi in <Directory> a_ _b', 'mod_wsgi in \\<Directory\\> a\\_ \\_b', 'mod_wsgi in \\<Directory\\> a\\_ \\_b'),
])
def test_markup_becomes_markdown(generator, source, table, prose):
    assert generator.markup(source) == table
    assert generator.markup(source, in_table=False) == prose
