# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""host_state run as a program, the way Ansible runs it, against real files on this machine.
The roles skip a write whenever it reports a file as wanted, so every field they compare
must be exact."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import grp
import hashlib
import os
import pwd
import subprocess
import time

import pytest


@pytest.fixture
def run_module(run_plugin_module):
    def run(args):
        rc, result = run_plugin_module('host_state', args)
        assert rc == 0, result
        assert result['changed'] is False
        return result
    return run


def test_files_links_and_directories(run_module, tmp_path):
    conf = tmp_path / 'available' / 'site.conf'
    conf.parent.mkdir()
    conf.write_bytes(b'ServerName localhost\n')
    conf.chmod(0o640)
    enabled = tmp_path / 'enabled'
    enabled.mkdir()
    (enabled / 'site.conf').symlink_to('../available/site.conf')
    (enabled / 'dangling.conf').symlink_to('../available/missing.conf')
    me = pwd.getpwuid(os.getuid()).pw_name
    my_group = grp.getgrgid(os.getgid()).gr_name

    result = run_module({
        'paths': [str(conf), str(tmp_path / 'missing')],
        'directories': [str(enabled), str(tmp_path / 'nope')],
    })

    assert result['paths'][str(conf)] == {
        'exists': True, 'type': 'file', 'mode': '0640', 'owner': me, 'group': my_group,
        'sha1': hashlib.sha1(b'ServerName localhost\n').hexdigest()}
    assert result['paths'][str(tmp_path / 'missing')] == {'exists': False}
    # Links are described, not followed: a dangling one still shows its target.
    for name, target in (('site.conf', '../available/site.conf'), ('dangling.conf', '../available/missing.conf')):
        entry = result['paths'][str(enabled / name)]
        assert entry['type'] == 'link' and entry['link'] == target
    assert set(result['paths']) == {str(conf), str(tmp_path / 'missing'), str(enabled / 'site.conf'),
                                    str(enabled / 'dangling.conf')}
    dir_result = run_module({'paths': [str(enabled)]})
    assert dir_result['paths'][str(enabled)]['type'] == 'directory'
    assert 'sha1' not in dir_result['paths'][str(enabled)]


def test_search_follows_links_and_reports_the_linked_name(run_module, tmp_path):
    available = tmp_path / 'sites-available'
    enabled = tmp_path / 'sites-enabled'
    available.mkdir()
    enabled.mkdir()
    (available / 'a.conf').write_text(u'<VirtualHost *:80>\n    WSGIDaemonProcess myproject processes=2\n')
    (available / 'b.conf').write_text(u'WSGIDaemonProcess myproject2\n')
    (enabled / 'a.conf').symlink_to('../sites-available/a.conf')
    (enabled / 'b.conf').symlink_to('../sites-available/b.conf')

    result = run_module({'search_pattern': r'^\s*WSGIDaemonProcess\s+myproject(\s|$)', 'search_in': [str(enabled)]})

    assert result['found'] == [str(enabled / 'a.conf')]
    assert result['matches'] == {str(enabled / 'a.conf'): [u'    WSGIDaemonProcess myproject processes=2']}


def test_matches_are_every_matching_line_in_file_order(run_module, tmp_path):
    # What the wsgi_app role reads the ports of every enabled VirtualHost from.
    (tmp_path / 'a.conf').write_text(u'<VirtualHost *:443>\r\nX\n<VirtualHost *:80 [::]:80>\n')
    (tmp_path / 'b.conf').write_text(u'Listen 80\n')

    result = run_module({'search_pattern': r'^\s*<VirtualHost\s', 'search_in': [str(tmp_path)]})

    assert result['matches'] == {str(tmp_path / 'a.conf'): [u'<VirtualHost *:443>', u'<VirtualHost *:80 [::]:80>']}
    assert result['found'] == [str(tmp_path / 'a.conf')]
    assert run_module({})['matches'] == {}


def test_content_accounts_and_packages(run_module, tmp_path):
    site = tmp_path / 'site.conf'
    site.write_text(u'python-home=/srv/venv\n')
    me = pwd.getpwuid(os.getuid())

    result = run_module({'read': [str(site), str(tmp_path / 'missing')], 'users': [me.pw_name, 'no-such-user-x'],
                         'groups': [grp.getgrgid(os.getgid()).gr_name, 'no-such-group-x'],
                         'packages': ['no-such-package-x']})

    assert result['content'] == {str(site): u'python-home=/srv/venv\n'}
    assert result['users'] == {me.pw_name: {'uid': me.pw_uid, 'group': grp.getgrgid(me.pw_gid).gr_name,
                                            'home': me.pw_dir, 'shell': me.pw_shell}}
    assert result['groups'] == {grp.getgrgid(os.getgid()).gr_name: {'gid': os.getgid()}}
    assert result['packages'] == {'no-such-package-x': None}


def test_packages_report_the_installed_version_or_none(run_module):
    # The roles skip apt when every package has a version here; a wrong None would run
    # apt on every re-run, a wrong version would skip an install.
    version = subprocess.check_output(['dpkg-query', '-W', '-f=${Version}', 'dpkg'], universal_newlines=True)
    result = run_module({'packages': ['dpkg', 'no-such-package-x']})
    assert result['packages'] == {'dpkg': version, 'no-such-package-x': None}


def test_a_host_without_dpkg_is_refused_before_anything_is_read(run_plugin_module, tmp_path):
    # The roles gather no facts: this refusal is what stops them on a host that is not Debian's kind.
    # An empty PATH leaves only the sbin directories Ansible adds, where dpkg-query is not.
    rc, result = run_plugin_module('host_state', {'packages': ['dpkg']}, environ={'PATH': str(tmp_path)})
    assert rc == 1
    assert result['failed'] is True
    assert result['msg'] == 'this host has no dpkg-query: modwsgi.deploy supports Debian and Ubuntu only'


def copy_of(tmp_path, executable, name):
    """A copy of executable whose processes show as name (the comm /proc reports)."""
    program = tmp_path / name
    program.write_bytes(open(executable, 'rb').read())
    program.chmod(0o755)
    return program


def test_service_without_systemd_is_a_running_process_and_rc_links(run_module, tmp_path):
    # The roles start Apache without an init system when this says it is not running.
    if os.path.isdir('/run/systemd/system'):
        pytest.fail('this test needs a machine without systemd as PID 1, like the CI machine and the test bed')
    name = 'modwsgisvc%d' % os.getpid()
    program = copy_of(tmp_path, '/bin/sleep', name)

    assert run_module({'service': name})['service'] == {'systemd': False, 'running': False, 'enabled': False}
    assert run_module({})['systemd'] is False
    process = subprocess.Popen([str(program), '30'])
    # Enabled at boot: start links in runlevels 2 to 5, as update-rc.d writes them.
    links = ['/etc/rc%d.d/S01%s' % (level, name) for level in (2, 3, 4, 5)]
    try:
        assert run_module({'service': name})['service'] == {'systemd': False, 'running': True, 'enabled': False}
        for link in links:
            if not os.path.isdir(os.path.dirname(link)):
                os.makedirs(os.path.dirname(link))
            os.symlink('../init.d/' + name, link)
        assert run_module({'service': name})['service'] == {'systemd': False, 'running': True, 'enabled': True}
        os.remove(links[-1])
        assert run_module({'service': name})['service']['enabled'] is False
        # Exited but not reaped yet: a zombie, which a non-reaping PID 1 keeps for good.
        process.kill()
        for dummy in range(50):
            with open('/proc/%d/stat' % process.pid) as handle:
                if handle.read().rsplit(')', 1)[1].split()[0] == 'Z':
                    break
            time.sleep(0.1)
        assert run_module({'service': name})['service']['running'] is False
    finally:
        process.kill()
        process.wait()
        for link in links:
            if os.path.islink(link):
                os.remove(link)


def test_service_without_systemd_ignores_instances_with_their_own_configuration(run_module, tmp_path):
    # wsgi_app's backend instances run as `apache2 -f <file>`: they are not the apache2
    # service, which must be started when only they run.
    if os.path.isdir('/run/systemd/system'):
        pytest.fail('this test needs a machine without systemd as PID 1, like the CI machine and the test bed')
    name = 'modwsgiins%d' % os.getpid()
    program = copy_of(tmp_path, '/bin/sh', name)
    # sh -f: no globbing, an option sh takes; the trailing ":" keeps sh from exec'ing sleep.
    instance = subprocess.Popen([str(program), '-f', '-c', 'sleep 30; :'])
    try:
        time.sleep(0.2)
        assert run_module({'service': name})['service']['running'] is False
        service = subprocess.Popen([str(program), '-c', 'sleep 30; :'])
        try:
            time.sleep(0.2)
            assert run_module({'service': name})['service']['running'] is True
        finally:
            service.kill()
            service.wait()
    finally:
        instance.kill()
        instance.wait()
