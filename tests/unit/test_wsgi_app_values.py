# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The value kinds of roles/wsgi_app/vars/main.yml: every option that can carry text into
an Apache file has one, and each kind's pattern refuses what could inject a directive;
the apache role checks each of its free-form options too.

The patterns run here with Python's re, as Jinja's match test runs them; the molecule
default scenario's refusal test proves the role applies them, variable by variable, on real hosts.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import re

import pytest
import yaml

from conftest import REPO_ROOT

ROLE = os.path.join(REPO_ROOT, 'roles', 'wsgi_app')
with open(os.path.join(ROLE, 'vars', 'main.yml')) as handle:
    VARS = yaml.safe_load(handle)
with open(os.path.join(ROLE, 'meta', 'argument_specs.yml')) as handle:
    OPTIONS = yaml.safe_load(handle)['argument_specs']['main']['options']
APACHE = os.path.join(REPO_ROOT, 'roles', 'apache')
with open(os.path.join(APACHE, 'vars', 'main.yml')) as handle:
    APACHE_VARS = yaml.safe_load(handle)
with open(os.path.join(APACHE, 'meta', 'argument_specs.yml')) as handle:
    APACHE_OPTIONS = yaml.safe_load(handle)['argument_specs']['main']['options']
KINDS = VARS['wsgi_app_value_kinds']

# Options of free-form type that never reach an Apache file, and why.
NOT_WRITTEN_TO_APACHE = {
    'wsgi_app_script_src': 'a file on the controller; checked to exist',
    'wsgi_app_script_content': "the application's own code, written as the WSGI script",
    'wsgi_app_health_check_body': 'a regular expression the health check matches',
    'wsgi_app_source': 'controller paths and a repository the target clones; the input check tests each key '
                       '(repo a word, version a git_version, strip_components a whole number)',
    'wsgi_app_release_requirements': 'a file inside the release for pip; checked to be a relative path without ".."',
    'wsgi_app_release_wheels': 'a directory on the controller; checked to exist',
    'wsgi_app_release_commands': 'argument lists run without a shell; checked to be lists of strings',
    'wsgi_app_after_switch_commands': 'argument lists run without a shell; checked to be lists of strings',
}
# Options of free-form type checked by their own loop in plugins/plugin_utils/wsgi_app_input.py.
CHECKED_ONE_BY_ONE = {'wsgi_app_aliases', 'wsgi_app_daemon_options', 'wsgi_app_environment', 'wsgi_app_shared_paths',
                      'wsgi_app_backend_ports'}


def test_every_free_form_option_has_a_kind_or_a_reason():
    covered = (set(VARS['wsgi_app_value_kind_of']) | set(VARS['wsgi_app_element_kind_of'])
               | CHECKED_ONE_BY_ONE | set(NOT_WRITTEN_TO_APACHE))
    assert sorted(free_form(OPTIONS) - covered) == []
    assert sorted(covered - set(OPTIONS)) == []
    for name, kind in list(VARS['wsgi_app_value_kind_of'].items()) + list(VARS['wsgi_app_element_kind_of'].items()):
        assert kind in KINDS, name
    assert set(VARS['wsgi_app_optional_values']) <= set(VARS['wsgi_app_value_kind_of'])


def free_form(options):
    return set(name for name, option in options.items()
               if option['type'] in ('str', 'path', 'list', 'dict', 'raw') and 'choices' not in option)


def test_every_free_form_apache_option_is_checked():
    # The package lists go to apt, each entry checked to be a package name; the mod_wsgi build's
    # options go to modules as arguments, each checked by preflight.yml (paths, a release number,
    # a URL) or used only on the controller (the download directory).
    assert free_form(APACHE_OPTIONS) == set(APACHE_VARS['apache_directive_values']) | {
        'apache_packages', 'apache_mod_wsgi_build_packages', 'apache_mod_wsgi_python_packages',
        'apache_mod_wsgi_python', 'apache_mod_wsgi_pip_dir', 'apache_mod_wsgi_version',
        'apache_mod_wsgi_index_url', 'apache_mod_wsgi_download_dir'}
    unsafe = re.compile(APACHE_VARS['apache_unsafe_in_directive'])
    for suffix in HOSTILE_SUFFIXES + [' ']:
        assert unsafe.search('localhost' + suffix), repr(suffix)
    assert not unsafe.search('/srv/venv')
    package = re.compile(APACHE_VARS['apache_package_name'])
    assert package.match('libapache2-mod-wsgi-py3') and not package.match('apache2\n')


# Text that would end a directive, continue it on the next line or start a new one.
HOSTILE_SUFFIXES = ['\n', '\nAlias /pwned /etc\n#', '\r', '"', '\\', '\x00', '\x1b']

GOOD = {
    'name': ['myproject', 'my.site-2_x'],
    'account': ['myproject', '_svc-1'],
    'path': ['/srv/my project/code', '/', '/opt/app/ünïcode'],
    'search_path': ['/srv/my project/code', '/srv/lib'],
    'url_path': ['/', '/myapp', '/static/'],
    'host_name': ['example.com', 'https://shop.example.com:8443', '[::1]', 'localhost'],
    'host_pattern': ['*.example.com', 'www.example.com', 'host?.test'],
    'word': ['webmaster@localhost', 'mailto:ops@example.com'],
    'locale': ['C.UTF-8', 'en_US.UTF-8', 'de_DE@euro'],
    'application_group': ['%{GLOBAL}', '%{ENV:APP_GROUP}', 'example.com|/myapp'],
    'log_file': ['${APACHE_LOG_DIR}/site-error.log', '/var/log/my app/error.log'],
    'access_log': ['${APACHE_LOG_DIR}/site-access.log combined', '/var/log/app.log common'],
    'log_level': ['info', 'warn wsgi:info', 'trace8', 'ssl:debug core:trace3'],
    'environment_name': ['DJANGO_SETTINGS_MODULE', '_X1'],
    'whole_number': ['0', '60'],
    'git_version': ['main', 'v1.2.3', 'release/2.0', 'HEAD', 'a' * 40],
}
BAD = {
    'name': ['', '../etc', 'my app', '-x'],
    'account': ['Root', 'a' * 33, '1x y'],
    'path': ['', 'relative', '~/x'],
    'search_path': ['/a:/b'],
    'url_path': ['', 'myapp', '/my app', '/a\tb'],
    'host_name': ['my site.example', 'a b', ''],
    'host_pattern': ['a b', ''],
    'word': ['two words', ''],
    'locale': ['C UTF-8', 'C.UTF-8;x', ''],
    'application_group': ['%{BOGUS}', 'two words', '%{GLOBAL} x'],
    'log_file': ['|/usr/bin/logger', 'relative.log', '/var/log/', '${OTHER}/x.log'],
    'access_log': ['/var/log/x.log', '/var/log/x.log "%h %l"', '/var/log/a b.log combined'],
    'log_level': ['verbose', 'info  wsgi:info', 'info,warn'],
    'environment_name': ['1X', 'A-B', 'A B'],
    'whole_number': ['-1', '1.5', ' 60'],
    # What git would read as an option, ref names git refuses, revision expressions.
    'git_version': ['--upload-pack=x', '-x', '', 'main.', 'release/', 'two words', 'HEAD~1', 'main:x'],
}


@pytest.mark.parametrize('kind', sorted(KINDS))
def test_kind_accepts_what_users_write(kind):
    pattern = re.compile(KINDS[kind]['pattern'])
    assert KINDS[kind]['means']
    for value in GOOD[kind]:
        assert pattern.match(value), value


@pytest.mark.parametrize('kind', sorted(KINDS))
def test_kind_refuses_bad_values_and_anything_that_ends_a_directive(kind):
    pattern = re.compile(KINDS[kind]['pattern'])
    for value in BAD[kind]:
        assert not pattern.match(value), value
    for good in GOOD[kind]:
        for suffix in HOSTILE_SUFFIXES:
            assert not pattern.match(good + suffix), repr(good + suffix)


DAEMON_OPTIONS_DOC = os.path.join(REPO_ROOT, 'docs', 'daemon-options.md')


def test_the_daemon_options_document_shows_the_roles_table():
    with open(DAEMON_OPTIONS_DOC) as handle:
        text = handle.read()
    kinds = VARS['wsgi_app_daemon_option_kinds']
    for option, entry in VARS['wsgi_app_daemon_option_table'].items():
        since = entry.get('since', '4.5.17 (every supported release)')
        assert '| `%s` | %s | %s |' % (option, since, kinds[entry['kind']]['means']) in text, option
    for option in list(VARS['wsgi_app_daemon_options_written']) + list(VARS['wsgi_app_daemon_options_refused']):
        assert '| `%s` |' % option in text, option


def test_daemon_option_kinds_take_what_mod_wsgi_takes_and_no_more():
    # Values mod_wsgi's parser reads as something else than they say ("512M" is 512 bytes)
    # or refuses must not pass; the limits of its checks must.
    kinds = dict((name, re.compile(kind['pattern'])) for name, kind in VARS['wsgi_app_daemon_option_kinds'].items())
    good = {'seconds': ['0', '60', '999999999'], 'bytes_0_or_512': ['0', '512', '4096'],
            'bytes_0_or_8192': ['0', '8192', '32768'], 'bytes_0_or_65536': ['0', '65536', '131072'],
            'bytes': ['0', '536870912'], 'nice': ['-20', '0', '19', '-5'], 'umask': ['0022', '027', '7'],
            'on_off': ['On', 'off'], 'fraction_of_seconds': ['0.005', '1', '.5'], 'bytes_at_least_1': ['1']}
    bad = {'seconds': ['-1', '1.5', '30s', '1000000000', ' 60', '60\n'], 'bytes_0_or_512': ['511', '1'],
           'bytes_0_or_8192': ['8191', '4096'], 'bytes_0_or_65536': ['65535', '8192'],
           'bytes': ['512M', '-1'], 'nice': ['20', '-21', '30'], 'umask': ['8', '0o22', '00022'],
           'on_off': ['yes', 'true', '1'], 'fraction_of_seconds': ['0', '0.0', '-1', '1e-3', 'nan'],
           'bytes_at_least_1': ['0']}
    for kind, values in good.items():
        for value in values:
            assert kinds[kind].match(value), (kind, value)
    for kind, values in bad.items():
        for value in values:
            assert not kinds[kind].match(value), (kind, value)
