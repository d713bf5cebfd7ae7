# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""wsgi_app_input_errors: the wsgi_app role's input check, run by a real ansible-playbook
over the role's own defaults and vars. The default scenario's refusal test proves every refusal
on real hosts, before anything changes; this proves the lookup itself: what it reports,
that it resolves only the variables its checks need, and where it looks for files."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from conftest import output_task, read_output, role_vars_files, role_vars_value, run_local_play


def input_errors(tmp_path, check='input', **variables):
    return role_vars_value(tmp_path, 'wsgi_app', "query('modwsgi.deploy.wsgi_app_input_errors', '%s')" % check,
                           extra_vars=variables)


def test_the_defaults_pass(tmp_path):
    assert input_errors(tmp_path) == []


def test_every_problem_at_once_naming_the_variable_with_the_value_as_json(tmp_path):
    errors = input_errors(tmp_path, wsgi_app_name='my app', wsgi_app_port=0, wsgi_app_mount='/a\nb',
                          wsgi_app_server_aliases=['ok.example', 'a b'],
                          wsgi_app_daemon_options={'threads': 3, 'maximum-request': 1, 'server-metrics': True,
                                                   'umask': '0027'},
                          wsgi_app_environment={'1X': 'x'}, wsgi_app_user='root')
    assert errors == [
        'wsgi_app_name must be letters, digits, ".", "_" and "-", starting with a letter or digit (got "my app")',
        'wsgi_app_mount must be a URL path starting with "/" without white space, quotes, backslashes or control'
        ' characters (got "/a\\nb")',
        # The health check requests the mount by default.
        'wsgi_app_health_check_path must be a URL path starting with "/" without white space, quotes, backslashes or'
        ' control characters (got "/a\\nb")',
        'wsgi_app_server_aliases entries must be a host name, address or wildcard pattern without white space'
        ' (got "a b")',
        'wsgi_app_daemon_options: threads is written by the role; set wsgi_app_threads',
        'wsgi_app_daemon_options: "maximum-request" is not a WSGIDaemonProcess option (options: connect-timeout,'
        ' cpu-priority, cpu-time-limit, deadlock-timeout, eviction-timeout, graceful-timeout, header-buffer-size,'
        ' inactivity-timeout, interrupt-timeout, listen-backlog, maximum-requests, memory-limit, queue-timeout,'
        ' receive-buffer-size, request-timeout, response-buffer-size, response-flush-delay, response-socket-timeout,'
        ' restart-interval, send-buffer-size, server-metrics, shutdown-timeout, socket-timeout, stack-size,'
        ' startup-timeout, switch-interval, umask, virtual-memory-limit)',
        'wsgi_app_daemon_options: server-metrics must be On or Off (got true)',
        'wsgi_app_environment needs variable names of letters, digits and "_", not starting with a digit and string'
        ' values without NUL characters (got "1X")',
        'wsgi_app_port must be between 1 and 65535 (got 0)',
        'wsgi_app_user and wsgi_app_group must not be root: the daemon must not be able to change its own code',
    ]


def test_numbers_are_read_as_jinja_int_reads_them(tmp_path):
    assert input_errors(tmp_path, wsgi_app_processes='many', wsgi_app_threads='4', wsgi_app_hsts_max_age=-1) == [
        'wsgi_app_processes must be at least 1 (got many)',
        'wsgi_app_hsts_max_age must be 0 or more seconds (got -1)',
    ]


def test_a_check_it_does_not_know_fails_the_lookup_naming_the_checks(tmp_path):
    out = tmp_path / 'message.b64'
    run_local_play(tmp_path, {
        'hosts': 'localhost', 'gather_facts': False, 'vars_files': role_vars_files('wsgi_app'),
        'tasks': [{'block': [{'ansible.builtin.debug': {
            'msg': "{{ query('modwsgi.deploy.wsgi_app_input_errors', 'input', 'hosts') }}"}}],
            'rescue': [output_task('ansible_failed_result.msg', out)]}],
    })
    assert 'wsgi_app_input_errors: the checks are input and host, not hosts' in read_output(out)


def test_only_the_variables_a_check_needs_are_resolved(tmp_path):
    # Without a source, the source's controller path is never resolved: an undefined
    # variable behind it would fail the lookup if it were.
    assert input_errors(tmp_path, wsgi_app_source_path='{{ undefined_on_purpose }}') == []


def test_controller_files_are_found_where_the_role_copies_them_from(tmp_path):
    source = tmp_path / 'shop'
    (source / '.venv').mkdir(parents=True)
    (tmp_path / 'files').mkdir()
    (tmp_path / 'files' / 'app.wsgi').write_text('application = None\n')
    # Relative paths: the source from the playbook's directory, the script from its files/.
    errors = input_errors(tmp_path, wsgi_app_source={'type': 'directory', 'path': 'shop'},
                          wsgi_app_script_src='app.wsgi')
    assert errors == ['wsgi_app_source.path "shop" holds .venv, a virtualenv made on the controller that would not'
                      ' run on the target; leave it out (wsgi_app_release_requirements builds one per release)']
    assert input_errors(tmp_path, wsgi_app_script_src='missing.wsgi') == [
        'wsgi_app_script_src "missing.wsgi" is not a file on the controller (relative paths are looked up in the'
        ' files/ directories of the role and the playbook)']


def host_state(paths=None, matches=None, mod_wsgi=None, content=None):
    """A modwsgi.deploy.host_state result as the role registers it."""
    return {'paths': paths or {}, 'matches': matches or {}, 'packages': {'ssl-cert': '1.1.2'},
            'mod_wsgi': mod_wsgi or {'exists': True, 'version': '6.1.1', 'source': 'pip'},
            'content': content or {}}


def host_errors(tmp_path, state, **variables):
    return input_errors(tmp_path, check='host', wsgi_app_host_state=state, **variables)


ENABLED = {'/etc/apache2/mods-enabled/wsgi.load': {'exists': True, 'type': 'link'}}


def test_the_host_as_site_yml_leaves_it_passes(tmp_path):
    assert host_errors(tmp_path, host_state(paths=ENABLED, matches={
        # Its own site, about to be rewritten.
        '/etc/apache2/sites-enabled/mydomain.conf': ['<VirtualHost *:80>', '    WSGIDaemonProcess myproject user=x']})) == []


def test_what_the_host_holds_is_refused(tmp_path):
    state = host_state(
        paths=dict(ENABLED, **{'/srv/venv': {'exists': True, 'type': 'directory'},
                               '/srv/venv/pyvenv.cfg': {'exists': False},
                               '/etc/ssl/certs/mine.pem': {'exists': False},
                               '/etc/ssl/private/ssl-cert-snakeoil.key': {'exists': True, 'type': 'file'}}),
        matches={'/etc/apache2/sites-enabled/other.conf': ['WSGIDaemonProcess myproject threads=1']},
        mod_wsgi={'exists': True, 'version': '4.9.0', 'source': 'package'})
    assert host_errors(tmp_path, state, wsgi_app_daemon_options={'switch-interval': '0.005'},
                       wsgi_app_python_home='/srv/venv', wsgi_app_python_home_create=True,
                       wsgi_app_tls=True, wsgi_app_tls_certificate='/etc/ssl/certs/mine.pem') == [
        "wsgi_app_daemon_options: switch-interval needs mod_wsgi 6.0.0 or later, this host's is 4.9.0 (package); leave"
        " it out, or build a newer mod_wsgi (modwsgi.deploy.apache with apache_mod_wsgi_source pip)",
        'wsgi_app_name myproject is already the name of a daemon process group in /etc/apache2/sites-enabled/other.conf;'
        ' mod_wsgi group names are server-wide, so give this application its own.',
        'wsgi_app_tls_certificate /etc/ssl/certs/mine.pem is not a file on the host; install the certificate first',
        'wsgi_app_python_home /srv/venv exists and is not a virtualenv (no pyvenv.cfg), so wsgi_app_python_home_create'
        ' will not turn it into one; choose a new path or remove it',
    ]


def test_an_apache_without_mod_wsgi_or_restricting_it_is_refused(tmp_path):
    assert host_errors(tmp_path, host_state()) == [
        "this Apache does not load mod_wsgi (the apache role's apache_mod_wsgi_enabled is false), so wsgi_app_backend"
        " apache has nothing to run the application in; use wsgi_app_backend instance"]
    restricted = host_state(paths=ENABLED, content={
        '/etc/apache2/conf-available/mod-wsgi.conf': 'WSGIPythonHome /srv/py\n  wsgirestrictembedded on\n'})
    assert host_errors(tmp_path, restricted, wsgi_app_mode='embedded') == [
        "wsgi_app_mode embedded needs Python in Apache's own processes, which WSGIRestrictEmbedded On"
        " (apache_wsgi_restrict_embedded, /etc/apache2/conf-available/mod-wsgi.conf) forbids; set"
        " apache_wsgi_restrict_embedded to false or keep wsgi_app_mode daemon"]


def test_release_links_and_directories_the_role_did_not_make_are_refused(tmp_path):
    state = host_state(paths=dict(ENABLED, **{
        '/srv/shop/current': {'exists': True, 'type': 'directory'},
        '/srv/shop/previous': {'exists': False},
        '/srv/shop/releases/r1': {'exists': True, 'type': 'file'}}))
    assert host_errors(tmp_path, state, wsgi_app_root='/srv/shop', wsgi_app_release={'id': 'r1'},
                       wsgi_app_source={'type': 'git', 'repo': 'https://example.org/shop.git'}) == [
        '/srv/shop/current is a directory, not the link to a release the role keeps there; move it away or choose'
        ' another wsgi_app_root',
        '/srv/shop/releases/r1 is a file, not a release directory']


def test_nothing_is_checked_against_the_host_for_a_removal(tmp_path):
    assert host_errors(tmp_path, host_state(mod_wsgi={'exists': True, 'version': '4.9.0', 'source': 'package'}),
                       wsgi_app_state='absent', wsgi_app_daemon_options={'switch-interval': '0.005'}) == []
