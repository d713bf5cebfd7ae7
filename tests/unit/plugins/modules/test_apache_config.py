# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""apache_config run as a program, the way Ansible runs it, on real files and links, judged by
real commands: what the apache and wsgi_app roles write their configuration with."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import grp
import os
import pwd
import stat

import pytest

USER = pwd.getpwuid(os.getuid()).pw_name
GROUP = grp.getgrgid(os.getgid()).gr_name


@pytest.fixture
def etc(tmp_path):
    """An /etc/apache2 of a sort: a site in place and enabled, a file to remove."""
    root = tmp_path / 'apache2'
    for directory in ('sites-available', 'sites-enabled', 'conf-enabled'):
        (root / directory).mkdir(parents=True)
    (root / 'sites-available' / 'old.conf').write_text(u'old site\n')
    os.chmod(str(root / 'sites-available' / 'old.conf'), 0o600)
    os.symlink('../sites-available/old.conf', str(root / 'sites-enabled' / 'old.conf'))
    (root / 'conf-enabled' / 'security.conf').write_text(u'ServerTokens OS\n')
    return root


def snapshot(root):
    """Every path under root with its content or link target and its mode."""
    found = {}
    for directory, dummy, names in os.walk(str(root)):
        for name in names:
            path = os.path.join(directory, name)
            if os.path.islink(path):
                found[path] = ('link', os.readlink(path))
            else:
                with open(path) as handle:
                    found[path] = ('file', handle.read(), stat.S_IMODE(os.stat(path).st_mode))
    return found


@pytest.fixture
def run_module(run_plugin_module):
    def run(args, ok=True, check=False, diff=False):
        args = dict({'owner': USER, 'group': GROUP}, **args)
        if check:
            args['_ansible_check_mode'] = True
        if diff:
            args['_ansible_diff'] = True
        rc, result = run_plugin_module('apache_config', args)
        assert (rc == 0) == ok, result
        return result
    return run


def change(etc, test_command):
    return {
        'files': {str(etc / 'sites-available' / 'old.conf'): u'new site\n',
                  str(etc / 'sites-available' / 'shop.conf'): u'<VirtualHost *:80>\n</VirtualHost>\n'},
        'links': {str(etc / 'sites-enabled' / 'shop.conf'): '../sites-available/shop.conf',
                  str(etc / 'sites-enabled' / 'old.conf'): '../sites-available/old.conf'},
        'absent': [str(etc / 'conf-enabled' / 'security.conf'), str(etc / 'conf-enabled' / 'never.conf')],
        'test_command': test_command,
    }


def test_writes_links_and_removes_only_what_differs_then_changes_nothing(run_module, etc):
    tested = etc.parent / 'tested'
    args = change(etc, ['touch', str(tested)])
    result = run_module(args)
    assert result['changed'] is True
    assert result['changed_paths'] == [str(etc / 'sites-available' / 'old.conf'),
                                       str(etc / 'sites-available' / 'shop.conf'),
                                       str(etc / 'sites-enabled' / 'shop.conf'),
                                       str(etc / 'conf-enabled' / 'security.conf')]
    assert (etc / 'sites-available' / 'old.conf').read_text() == u'new site\n'
    assert stat.S_IMODE(os.stat(str(etc / 'sites-available' / 'old.conf')).st_mode) == 0o644
    assert os.readlink(str(etc / 'sites-enabled' / 'shop.conf')) == '../sites-available/shop.conf'
    assert not os.path.lexists(str(etc / 'conf-enabled' / 'security.conf'))
    assert tested.exists()
    # No temporary file is left beside the ones written.
    assert sorted(os.listdir(str(etc / 'sites-available'))) == ['old.conf', 'shop.conf']

    tested.unlink()
    again = run_module(args)
    assert again['changed'] is False and again['changed_paths'] == []
    assert not tested.exists(), 'the test ran although nothing changed'


def test_a_refused_configuration_puts_every_path_back(run_module, etc):
    before = snapshot(etc)
    result = run_module(change(etc, ['sh', '-c', 'echo "Syntax error on line 1" >&2; exit 1']), ok=False)
    assert result['msg'] == ('sh -c echo "Syntax error on line 1" >&2; exit 1 rejected the new configuration, '
                             'so the previous files are back and Apache keeps running the old one. '
                             'It said: Syntax error on line 1')
    assert result['changed'] is False
    assert snapshot(etc) == before


def test_the_test_sees_every_change_in_place(run_module, etc):
    site = etc / 'sites-enabled' / 'shop.conf'
    result = run_module(change(etc, ['grep', '-q', 'VirtualHost', str(site)]))
    assert 'test_output' in result


def test_check_mode_reports_and_writes_nothing(run_module, etc):
    before = snapshot(etc)
    result = run_module(change(etc, ['false']), check=True, diff=True)
    assert result['changed'] is True and len(result['changed_paths']) == 4
    assert snapshot(etc) == before
    by_path = dict((entry['before_header'], entry) for entry in result['diff'])
    assert by_path[str(etc / 'sites-available' / 'old.conf')]['before'] == 'old site\n'
    assert by_path[str(etc / 'sites-available' / 'old.conf')]['after'] == 'new site\n'
    assert by_path[str(etc / 'sites-available' / 'old.conf') + ' (attributes)']['before']['mode'] == '0600'
    assert by_path[str(etc / 'sites-enabled' / 'shop.conf')]['after'] == 'symbolic link to ../sites-available/shop.conf\n'
    assert by_path[str(etc / 'conf-enabled' / 'security.conf')]['after'] == ''


def test_a_mode_alone_is_a_change(run_module, etc):
    path = str(etc / 'sites-available' / 'old.conf')
    result = run_module({'files': {path: u'old site\n'}, 'mode': '0640', 'test_command': []}, diff=True)
    assert result['changed_paths'] == [path]
    assert [entry['before_header'] for entry in result['diff']] == [path + ' (attributes)']
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_bad_input_is_refused_before_anything_changes(run_module, etc):
    before = snapshot(etc)
    result = run_module({'files': {'relative.conf': u'x', str(etc / 'a.conf'): u'x'},
                         'absent': [str(etc / 'a.conf')], 'mode': 'rw', 'test_command': []}, ok=False)
    for part in ("every path must be an absolute file path (got 'relative.conf')",
                 'a path can be written, linked or removed only once (got %s)' % (etc / 'a.conf'),
                 "mode must be octal permissions such as 0644 (got 'rw')"):
        assert part in result['msg']
    assert snapshot(etc) == before


def test_a_missing_directory_fails_and_takes_back_what_was_written(run_module, etc):
    before = snapshot(etc)
    result = run_module({'files': {str(etc / 'sites-available' / 'old.conf'): u'new\n',
                                   str(etc / 'zz-missing' / 'x.conf'): u'x'}, 'test_command': []}, ok=False)
    assert 'the directory %s does not exist' % (etc / 'zz-missing') in result['msg']
    assert snapshot(etc) == before


def directories_under(root):
    """Every directory under root with its mode."""
    return dict((directory, stat.S_IMODE(os.stat(directory).st_mode)) for directory, dummy, dummy in os.walk(str(root)))


def test_directories_are_made_before_the_files_they_hold_then_nothing_changes(run_module, etc):
    # srv is missing: it is made as a parent, with the same mode.
    srv = etc.parent / 'srv'
    app, wsgi = srv / 'shop', srv / 'shop' / 'wsgi'
    args = {'directories': [str(wsgi), str(app)], 'directory_mode': '0750',
            'directory_owner': USER, 'directory_group': GROUP,
            'files': {str(wsgi / 'shop.wsgi'): u'application = None\n'}, 'mode': '0640', 'test_command': []}
    result = run_module(args)
    assert result['changed_paths'] == [str(srv), str(app), str(wsgi), str(wsgi / 'shop.wsgi')]
    assert stat.S_IMODE(os.stat(str(srv)).st_mode) == 0o750
    assert stat.S_IMODE(os.stat(str(app)).st_mode) == 0o750
    assert stat.S_IMODE(os.stat(str(wsgi)).st_mode) == 0o750
    assert (wsgi / 'shop.wsgi').read_text() == u'application = None\n'

    os.chmod(str(app), 0o700)
    again = run_module(args)
    assert again['changed_paths'] == [str(app)]
    assert stat.S_IMODE(os.stat(str(app)).st_mode) == 0o750
    assert run_module(args)['changed'] is False


def test_a_link_to_a_directory_is_that_directory(run_module, etc):
    target = etc.parent / 'data'
    target.mkdir(mode=0o700)
    os.symlink(str(target), str(etc / 'www'))
    result = run_module({'directories': [str(etc / 'www')], 'directory_owner': USER, 'directory_group': GROUP,
                         'test_command': []})
    assert result['changed_paths'] == [str(etc / 'www')]
    assert os.path.islink(str(etc / 'www'))
    assert stat.S_IMODE(os.stat(str(target)).st_mode) == 0o755


def test_a_refused_change_removes_the_directories_it_made_and_gives_back_modes(run_module, etc):
    os.chmod(str(etc / 'conf-enabled'), 0o700)
    before, directories_before = snapshot(etc), directories_under(etc)
    # conf-available is made as extra's parent, and goes too.
    new = etc / 'conf-available' / 'extra'
    result = run_module({'directories': [str(etc / 'conf-enabled'), str(new)],
                         'directory_owner': USER, 'directory_group': GROUP,
                         'files': {str(new / 'x.conf'): u'x\n'}, 'test_command': ['false']}, ok=False)
    assert 'rejected the new configuration' in result['msg']
    assert snapshot(etc) == before
    assert directories_under(etc) == directories_before


def test_check_mode_reports_directories_and_makes_none(run_module, etc):
    new = etc / 'mods-available'
    result = run_module({'directories': [str(new)], 'directory_owner': USER, 'directory_group': GROUP,
                         'test_command': []}, check=True, diff=True)
    assert result['changed_paths'] == [str(new)]
    assert result['diff'][0]['after'] == 'directory\n'
    assert not new.exists()


def test_a_directory_where_a_file_is_is_refused_before_anything_changes(run_module, etc):
    before = snapshot(etc)
    site = etc / 'sites-available' / 'old.conf'
    result = run_module({'directories': [str(site)], 'files': {str(etc / 'sites-available' / 'new.conf'): u'x'},
                         'directory_owner': USER, 'directory_group': GROUP, 'test_command': []}, ok=False)
    assert result['msg'] == 'cannot read what is in place: %s is not a directory' % site
    assert snapshot(etc) == before
