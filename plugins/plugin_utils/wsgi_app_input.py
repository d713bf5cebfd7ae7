# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the wsgi_app role refuses that argument_specs cannot express, from the variables
alone (input_errors) and against what the role's host_state read found (host_errors): the
lookup modwsgi.deploy.wsgi_app_input_errors runs them for the role's preflight.

The checks read the role's variables through a function, so that only the variables a
check needs are resolved: a value is compared as Jinja's `string` filter shows it, and a
number as Jinja's `int` filter reads it, as the role's templates write them into Apache's
files. The kinds of values, the daemon option table and the names the role reserves are
the role's vars (roles/wsgi_app/vars/main.yml), read like any other variable."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import re
from collections.abc import Mapping

from ansible.module_utils.common.collections import is_iterable
from ansible.module_utils.compat.version import LooseVersion

SOURCE_KEYS = {'directory': ['type', 'path'], 'archive': ['type', 'path', 'strip_components'],
               'git': ['type', 'repo', 'version']}
SHARED_PATH_KEYS = ['path', 'type', 'writable', 'mode']
SHARED_PATH_MODE = r'^0?[0-7]{3}\Z'


def as_text(value):
    """The value as Jinja's `string` filter shows it (None as "None", True as "True")."""
    return value if isinstance(value, str) else str(value)


def as_int(value):
    """The value as Jinja's `int` filter reads it: 0 where it is no number."""
    try:
        return int(value, 10) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError, OverflowError):
            return 0


def as_json(value):
    """The value as the to_json filter shows it (the role's values are YAML's types)."""
    return json.dumps(value, default=str)


def matches(pattern, value):
    return re.match(pattern, as_text(value)) is not None


def in_range(value, low, high):
    return low <= as_int(value) <= high


def unique(values):
    seen = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


class Values(object):
    """One host's wsgi_app variables, each resolved at its first use: value(name) returns a
    variable resolved for the host. The problems found are collected in order."""

    def __init__(self, value):
        self._value = value
        self._values = {}
        self.problems = []

    def __getitem__(self, name):
        if name not in self._values:
            self._values[name] = self._value(name)
        return self._values[name]

    def kind(self, name):
        return self['wsgi_app_value_kinds'][name]

    def refuse(self, problem):
        self.problems.append(problem)


class InputCheck(Values):
    """The problems with the variables themselves, before the host is read. file_found(path)
    tells whether a file to copy exists on the controller, where the role's copy task would
    look for it."""

    def __init__(self, value, file_found):
        super(InputCheck, self).__init__(value)
        self._file_found = file_found

    def run(self):
        for check in (self.check_value_kinds, self.check_aliases, self.check_daemon_options,
                      self.check_environment, self.check_numbers, self.check_backend_instance,
                      self.check_combinations, self.check_source, self.check_releases,
                      self.check_commands, self.check_shared_paths, self.check_script):
            check()
        return self.problems

    def check_value_kinds(self):
        for name, kind in self['wsgi_app_value_kind_of'].items():
            text = as_text(self[name])
            if not matches(self.kind(kind)['pattern'], text) and (text or name not in self['wsgi_app_optional_values']):
                self.refuse('%s must be %s (got %s)' % (name, self.kind(kind)['means'], as_json(text)))
        for name, kind in self['wsgi_app_element_kind_of'].items():
            for element in self[name]:
                if not matches(self.kind(kind)['pattern'], element):
                    self.refuse('%s entries must be %s (got %s)' % (name, self.kind(kind)['means'], as_json(element)))

    def check_aliases(self):
        for alias in self['wsgi_app_aliases']:
            if (not isinstance(alias, Mapping) or sorted(alias) != ['path', 'url']
                    or not matches(self.kind('url_path')['pattern'], alias['url'])
                    or not matches(self.kind('path')['pattern'], alias['path'])):
                self.refuse('wsgi_app_aliases entries must be {url, path}: url %s, path %s (got %s)'
                            % (self.kind('url_path')['means'], self.kind('path')['means'], as_json(alias)))

    def check_daemon_options(self):
        table = self['wsgi_app_daemon_option_table']
        written = self['wsgi_app_daemon_options_written']
        refused = self['wsgi_app_daemon_options_refused']
        for option, value in self['wsgi_app_daemon_options'].items():
            if option in written:
                self.refuse('wsgi_app_daemon_options: %s is written by the role; set %s' % (option, written[option]))
            elif option in refused:
                self.refuse('wsgi_app_daemon_options: %s is not offered, because %s' % (option, refused[option]))
            elif option not in table:
                self.refuse('wsgi_app_daemon_options: %s is not a WSGIDaemonProcess option (options: %s)'
                            % (as_json(option), ', '.join(sorted(table))))
            else:
                kind = self['wsgi_app_daemon_option_kinds'][table[option]['kind']]
                # YAML reads an unquoted On or Off as a boolean, which mod_wsgi would get as True.
                if isinstance(value, bool) or not matches(kind['pattern'], value):
                    self.refuse('wsgi_app_daemon_options: %s must be %s (got %s)' % (option, kind['means'], as_json(value)))

    def check_environment(self):
        for name, value in self['wsgi_app_environment'].items():
            if (not isinstance(value, str) or '\x00' in value
                    or not matches(self.kind('environment_name')['pattern'], name)):
                self.refuse('wsgi_app_environment needs variable names of %s and string values without NUL characters'
                            ' (got %s)' % (self.kind('environment_name')['means'], as_json(name)))

    def check_numbers(self):
        for name in ('wsgi_app_processes', 'wsgi_app_threads'):
            if as_int(self[name]) < 1:
                self.refuse('%s must be at least 1 (got %s)' % (name, as_text(self[name])))
        for name in ('wsgi_app_port', 'wsgi_app_tls_port'):
            if not in_range(self[name], 1, 65535):
                self.refuse('%s must be between 1 and 65535 (got %s)' % (name, as_text(self[name])))
        for name in ('wsgi_app_backend_start_timeout', 'wsgi_app_backend_stop_timeout'):
            if not in_range(self[name], 1, 3600):
                self.refuse('%s must be between 1 and 3600 seconds (got %s)' % (name, as_text(self[name])))
        if not in_range(self['wsgi_app_health_check_status'], 100, 599):
            self.refuse('wsgi_app_health_check_status must be an HTTP status between 100 and 599 (got %s)'
                        % as_text(self['wsgi_app_health_check_status']))
        if as_int(self['wsgi_app_hsts_max_age']) < 0:
            self.refuse('wsgi_app_hsts_max_age must be 0 or more seconds (got %s)' % as_text(self['wsgi_app_hsts_max_age']))
        if as_int(self['wsgi_app_keep_releases']) < 1:
            self.refuse('wsgi_app_keep_releases must be at least 1 (got %s)' % as_text(self['wsgi_app_keep_releases']))

    def check_backend_instance(self):
        if self['wsgi_app_backend'] != 'instance':
            return
        ports = self['wsgi_app_backend_ports']
        if len(ports) != 2 or len(unique(ports)) != 2:
            self.refuse('wsgi_app_backend_ports must be two different loopback ports for wsgi_app_backend instance,'
                        ' one per color, such as [8001, 8002] (got %s)' % as_json(ports))
        for port in ports:
            if not in_range(port, 1, 65535):
                self.refuse('wsgi_app_backend_ports entries must be between 1 and 65535 (got %s)' % as_json(port))
        own_ports = [as_int(port) for port in self['wsgi_app_own_ports']]
        for port in unique(as_int(port) for port in ports):
            if port in own_ports:
                self.refuse('wsgi_app_backend_ports holds %d, a port the front answers on for this application' % port)
        if self['wsgi_app_mode'] != 'daemon':
            self.refuse("wsgi_app_backend instance needs wsgi_app_mode daemon: the backend holds the application's"
                        " daemon processes")

    def check_combinations(self):
        if self['wsgi_app_tls'] and as_int(self['wsgi_app_tls_port']) == as_int(self['wsgi_app_port']):
            self.refuse('wsgi_app_tls_port must differ from wsgi_app_port (both %s)' % as_text(self['wsgi_app_port']))
        if (self['wsgi_app_python_home_create'] or self['wsgi_app_requirements']) and not self['wsgi_app_python_home']:
            self.refuse('wsgi_app_python_home_create and wsgi_app_requirements need wsgi_app_python_home')
        if self['wsgi_app_user'] in ('root', '0') or self['wsgi_app_group'] in ('root', '0'):
            self.refuse('wsgi_app_user and wsgi_app_group must not be root: the daemon must not be able to change'
                        ' its own code')
        script_dir = re.sub('/+$', '', as_text(self['wsgi_app_script_dir']))
        document_root = re.sub('/+$', '', as_text(self['wsgi_app_document_root']))
        if (not self['wsgi_app_allow_script_in_document_root']
                and (script_dir == document_root or script_dir.startswith(document_root + '/'))):
            self.refuse('wsgi_app_script_dir (%s) lies inside wsgi_app_document_root (%s), so Apache could serve the'
                        ' source; move it, or set wsgi_app_allow_script_in_document_root'
                        % (self['wsgi_app_script_dir'], self['wsgi_app_document_root']))
        if self['wsgi_app_tls'] and self['wsgi_app_tls_redirect'] and not self['wsgi_app_server_name']:
            self.refuse('wsgi_app_tls_redirect needs wsgi_app_server_name, the name to redirect to')
        if self['wsgi_app_scope'] == 'server':
            if self['wsgi_app_tls']:
                self.refuse('wsgi_app_tls needs wsgi_app_scope vhost: HTTPS is a VirtualHost of its own')
            if self['wsgi_app_site'] in self['wsgi_app_reserved_conf_names']:
                self.refuse('wsgi_app_site %s is the name of a file the apache role writes in conf-available (%s);'
                            ' choose another' % (self['wsgi_app_site'], ', '.join(self['wsgi_app_reserved_conf_names'])))
        if self['wsgi_app_mode'] == 'embedded' and self['wsgi_app_python_home']:
            self.refuse("wsgi_app_python_home needs wsgi_app_mode daemon: embedded mode runs in Apache's own Python"
                        " (set apache_python_home instead)")

    def check_source(self):
        source = self['wsgi_app_source']
        if not source:
            return
        source_type = source.get('type', '')
        keys = SOURCE_KEYS.get(source_type, ['type']) if isinstance(source_type, str) else ['type']
        unexpected = [key for key in unique(source) if key not in keys]
        path = self['wsgi_app_source_path']
        if source_type not in self['wsgi_app_source_types']:
            self.refuse('wsgi_app_source needs a type of %s (got %s)'
                        % (', '.join(self['wsgi_app_source_types']), as_json(source)))
        elif unexpected:
            self.refuse('wsgi_app_source of type %s takes only %s (got %s)'
                        % (source_type, ', '.join(keys), ', '.join(sorted(unexpected))))
        elif source_type == 'git':
            self.check_git_source(source)
        elif source_type == 'directory' and not os.path.isdir(path):
            self.refuse('wsgi_app_source.path %s is not a directory on the controller' % as_json(source.get('path', '')))
        elif source_type == 'directory' and os.path.exists(path + '/' + self['wsgi_app_release_venv']):
            self.refuse('wsgi_app_source.path %s holds %s, a virtualenv made on the controller that would not run on'
                        ' the target; leave it out (wsgi_app_release_requirements builds one per release)'
                        % (as_json(source['path']), self['wsgi_app_release_venv']))
        elif source_type == 'archive' and not os.path.isfile(path):
            self.refuse('wsgi_app_source.path %s is not an archive file on the controller' % as_json(source.get('path', '')))
        elif source_type == 'archive' and not matches(self.kind('whole_number')['pattern'], source.get('strip_components', 0)):
            self.refuse('wsgi_app_source.strip_components must be a whole number (got %s)'
                        % as_json(source['strip_components']))
        elif (source_type == 'archive' and as_int(source.get('strip_components', 0)) > 0
              and re.search(r'[.]zip\Z', path, re.IGNORECASE)):
            self.refuse('wsgi_app_source.strip_components works with tar archives only; unzip cannot strip directories')
        if self['wsgi_app_script_dir'] != self['wsgi_app_current']:
            self.refuse('wsgi_app_script_dir must be %s (the current release) when wsgi_app_source is set (got %s)'
                        % (self['wsgi_app_current'], as_json(self['wsgi_app_script_dir'])))
        if self['wsgi_app_release_requirements'] and (self['wsgi_app_python_home'] or self['wsgi_app_python_home_create']
                                                      or self['wsgi_app_requirements']):
            self.refuse('wsgi_app_release_requirements gives each release its own venv; leave wsgi_app_python_home,'
                        ' wsgi_app_python_home_create and wsgi_app_requirements unset')
        if self['wsgi_app_environment'] and not (self['wsgi_app_script_content'] or self['wsgi_app_script_src']):
            self.refuse('wsgi_app_environment is written at the top of the WSGI script the role writes: with'
                        ' wsgi_app_source, give that script with wsgi_app_script_content or wsgi_app_script_src')

    def check_git_source(self, source):
        repo = source.get('repo', '')
        if not matches(self.kind('word')['pattern'], repo):
            self.refuse('wsgi_app_source.repo must be %s: a URL or path the target can clone (got %s)'
                        % (self.kind('word')['means'], as_json(repo)))
        if not matches(self.kind('git_version')['pattern'], source.get('version', 'HEAD')):
            self.refuse('wsgi_app_source.version must be %s (got %s)'
                        % (self.kind('git_version')['means'], as_json(source.get('version'))))

    def check_releases(self):
        requirements = self['wsgi_app_release_requirements']
        if requirements and not matches(self['wsgi_app_relative_path'], requirements):
            self.refuse('wsgi_app_release_requirements must be a path inside the release, relative and without ".."'
                        ' (got %s)' % as_json(requirements))
        if self['wsgi_app_release_wheels'] and not os.path.isdir(self['wsgi_app_release_wheels_path']):
            self.refuse('wsgi_app_release_wheels %s is not a directory on the controller'
                        % as_json(self['wsgi_app_release_wheels']))

    def check_commands(self):
        for name in ('wsgi_app_release_commands', 'wsgi_app_after_switch_commands'):
            commands = self[name]
            if isinstance(commands, (str, Mapping)) or not is_iterable(commands):
                self.refuse('%s must be a list of commands (got %s)' % (name, as_json(commands)))
                continue
            for command in commands:
                if not self.command_is_valid(command):
                    self.refuse('%s entries must be a list of arguments, or {argv, user} with an account name (got %s)'
                                % (name, as_json(command)))

    def command_is_valid(self, command):
        argv = command.get('argv') if isinstance(command, Mapping) else command
        if isinstance(argv, str) or not is_iterable(argv) or not argv:
            return False
        if any(not isinstance(argument, str) for argument in argv):
            return False
        if isinstance(command, Mapping):
            user = command.get('user', self['wsgi_app_runs_as'])
            return not set(command) - {'argv', 'user'} and matches(self.kind('account')['pattern'], user)
        return True

    def check_shared_paths(self):
        reserved = [self['wsgi_app_release_marker'], self['wsgi_app_release_venv'], self['wsgi_app_script_name']]
        for shared in self['wsgi_app_shared_paths']:
            if not (isinstance(shared, Mapping) and not set(shared) - set(SHARED_PATH_KEYS)
                    and matches(self['wsgi_app_relative_path'], shared.get('path', ''))
                    and as_text(shared['path']) not in reserved
                    and shared.get('type', 'directory') in ('directory', 'file')
                    and isinstance(shared.get('writable', False), bool)
                    and isinstance(shared.get('mode', '0755'), str)
                    and matches(SHARED_PATH_MODE, shared.get('mode', '0755'))):
                self.refuse('wsgi_app_shared_paths entries must be {path, type, writable, mode}: path relative to the'
                            ' release without "..", not the script, the venv or the release marker; type directory or'
                            ' file; writable true or false; a quoted octal mode such as "0750" (got %s)'
                            % as_json(shared))

    def check_script(self):
        source = self['wsgi_app_script_src']
        if source and self['wsgi_app_script_content']:
            self.refuse('set only one of wsgi_app_script_src and wsgi_app_script_content')
        elif source and not self._file_found(source):
            self.refuse('wsgi_app_script_src %s is not a file on the controller (relative paths are looked up in the'
                        ' files/ directories of the role and the playbook)' % as_json(source))


class HostCheck(Values):
    """The problems of one host's wsgi_app variables against what the role's host_state
    read (wsgi_app_host_state) found on the host."""

    def run(self):
        if self['wsgi_app_state'] != 'present':
            return self.problems
        state = self['wsgi_app_host_state']
        paths = state['paths']
        self.check_daemon_options(state['mod_wsgi'])
        self.check_daemon_group_name(state['matches'])
        self.check_mod_wsgi_loaded(state['mod_wsgi'], paths)
        self.check_backend_ports(state['matches'])
        self.check_certificates(state['packages'], paths)
        self.check_python_home(paths)
        self.check_release_links(paths)
        self.check_embedded(state['content'])
        return self.problems

    def check_daemon_options(self, mod_wsgi):
        release = mod_wsgi.get('version')
        table = self['wsgi_app_daemon_option_table']
        # Unknown only in check mode before the apache role's first installation.
        if not release:
            return
        for option in self['wsgi_app_daemon_options']:
            since = table.get(option, {}).get('since')
            if since and LooseVersion(release) < LooseVersion(since):
                self.refuse("wsgi_app_daemon_options: %s needs mod_wsgi %s or later, this host's is %s (%s); leave it"
                            " out, or build a newer mod_wsgi (modwsgi.deploy.apache with apache_mod_wsgi_source pip)"
                            % (option, since, release, mod_wsgi.get('source')))

    def check_daemon_group_name(self, matches):
        backend_files = self['wsgi_app_backend_config_dir'] + '/'
        for path, lines in matches.items():
            if (path != self['wsgi_app_config_enabled'] and not path.startswith(backend_files)
                    and any(re.search(self['wsgi_app_daemon_line'], line) for line in lines)):
                self.refuse('wsgi_app_name %s is already the name of a daemon process group in %s; mod_wsgi group'
                            ' names are server-wide, so give this application its own.' % (self['wsgi_app_name'], path))

    def check_mod_wsgi_loaded(self, mod_wsgi, paths):
        if (self['wsgi_app_backend'] == 'apache' and mod_wsgi.get('exists', False)
                and not paths.get('/etc/apache2/mods-enabled/wsgi.load', {}).get('exists', False)):
            self.refuse("this Apache does not load mod_wsgi (the apache role's apache_mod_wsgi_enabled is false), so"
                        " wsgi_app_backend apache has nothing to run the application in; use wsgi_app_backend instance")

    def check_backend_ports(self, matches):
        if self['wsgi_app_backend'] != 'instance':
            return
        ports = unique(as_int(port) for port in self['wsgi_app_backend_ports'])
        other_ports = self['wsgi_app_other_ports']
        for port in ports:
            if port in other_ports:
                self.refuse('wsgi_app_backend_ports holds %d, a port an enabled site answers on; choose a free one' % port)
        backend_files = self['wsgi_app_backend_config_dir'] + '/'
        for path, lines in matches.items():
            if not path.startswith(backend_files) or path in self['wsgi_app_backend_configs']:
                continue
            listening = [int(port) for line in lines if re.search(self['wsgi_app_backend_listen_line'], line)
                         for port in re.findall(':([0-9]+)', line)]
            for port in ports:
                if port in listening:
                    self.refuse('wsgi_app_backend_ports holds %d, the port of the backend instance in %s; choose a free'
                                ' one' % (port, path))

    def check_certificates(self, packages, paths):
        # ssl-cert, installed by this role when missing, brings the snakeoil pair.
        if not self['wsgi_app_tls'] or (not packages.get('ssl-cert', True)
                                        and self['wsgi_app_tls_certificate'] == '/etc/ssl/certs/ssl-cert-snakeoil.pem'):
            return
        for name in ('wsgi_app_tls_certificate', 'wsgi_app_tls_certificate_key', 'wsgi_app_tls_certificate_chain'):
            path = self[name]
            if path and paths.get(path, {}).get('type', '') not in ('file', 'link'):
                self.refuse('%s %s is not a file on the host; install the certificate first' % (name, path))

    def check_python_home(self, paths):
        home = self['wsgi_app_python_home']
        if (self['wsgi_app_python_home_create'] and paths[home]['exists']
                and not paths[home + '/pyvenv.cfg']['exists']):
            self.refuse('wsgi_app_python_home %s exists and is not a virtualenv (no pyvenv.cfg), so'
                        ' wsgi_app_python_home_create will not turn it into one; choose a new path or remove it' % home)

    def check_release_links(self, paths):
        if not self['wsgi_app_source']:
            return
        for path in (self['wsgi_app_current'], self['wsgi_app_previous']):
            if paths[path]['exists'] and paths[path]['type'] != 'link':
                self.refuse('%s is a %s, not the link to a release the role keeps there; move it away or choose another'
                            ' wsgi_app_root' % (path, paths[path]['type']))
        release = paths.get(self['wsgi_app_release_dir'], {})
        if release.get('exists') and release['type'] != 'directory':
            self.refuse('%s is a %s, not a release directory' % (self['wsgi_app_release_dir'], release['type']))

    def check_embedded(self, content):
        if self['wsgi_app_mode'] == 'embedded' and re.search(r'(?mi)^\s*WSGIRestrictEmbedded\s+On\s*$',
                                                             content.get('/etc/apache2/conf-available/mod-wsgi.conf') or ''):
            self.refuse("wsgi_app_mode embedded needs Python in Apache's own processes, which WSGIRestrictEmbedded On"
                        " (apache_wsgi_restrict_embedded, /etc/apache2/conf-available/mod-wsgi.conf) forbids; set"
                        " apache_wsgi_restrict_embedded to false or keep wsgi_app_mode daemon")


def input_errors(value, file_found):
    """The problems with the variables, one sentence each."""
    return InputCheck(value, file_found).run()


def host_errors(value):
    """The problems of the variables against the host_state read, one sentence each."""
    return HostCheck(value).run()
