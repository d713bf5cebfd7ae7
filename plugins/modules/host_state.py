#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: host_state
short_description: Read what the roles manage on a Debian or Ubuntu host in one round trip
version_added: 1.1.0
description:
  - Reports, in one task, the state of packages, files, links, system accounts and a service,
    and which files hold a line matching a pattern.
  - The roles of this collection compare it with what they would write and skip every task
    whose target is already as wanted, so a run that changes nothing costs one round trip
    to the host instead of one per file, link, account and package.
  - Never changes the target.
options:
  packages:
    description:
      - Debian packages whose installed version is wanted (from C(dpkg-query)).
      - The module fails on a host without C(dpkg-query), one that is not Debian or Ubuntu.
    type: list
    elements: str
    default: []
  paths:
    description:
      - Paths to describe without following a final symbolic link (C(lstat)).
    type: list
    elements: path
    default: []
  directories:
    description:
      - Directories whose every entry (not recursively) is described like the O(paths), under
        its full path.
      - A directory that does not exist adds nothing.
    type: list
    elements: path
    default: []
  read:
    description:
      - Text files whose content is returned.
    type: list
    elements: path
    default: []
  users:
    description:
      - System user names to look up.
    type: list
    elements: str
    default: []
  groups:
    description:
      - System group names to look up.
    type: list
    elements: str
    default: []
  service:
    description:
      - Name of a service (and of its processes) whose state is wanted. Without systemd, a process of that name
        started with its own configuration file (C(-f), such as the backend instances of
        C(modwsgi.deploy.wsgi_app)) is another server and does not count.
    type: str
  mod_wsgi:
    description:
      - Describe the mod_wsgi that Apache loads, found through the C(LoadModule) line of
        C(/etc/apache2/mods-available/wsgi.load), whether the distribution's package or a build from PyPI
        (M(modwsgi.deploy.mod_wsgi_build)).
    type: bool
    default: false
    version_added: 2.1.0
  search_pattern:
    description:
      - Python regular expression matched against every line of the files under O(search_in).
    type: str
  search_in:
    description:
      - Directories searched, recursively and following symbolic links, like C(grep -R).
    type: list
    elements: path
    default: []
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: The module only reads.
  diff_mode:
    support: none
  platform:
    platforms: posix
author: "modwsgi.deploy contributors (!UNKNOWN)"
'''

EXAMPLES = r'''
- name: Inspect the host in one round trip
  modwsgi.deploy.host_state:
    packages: [apache2]
    paths: [/etc/apache2/conf-enabled/security.conf]
    service: apache2
  register: state

- name: Remove security.conf only where it is still enabled
  ansible.builtin.file:
    path: /etc/apache2/conf-enabled/security.conf
    state: absent
  when: state.paths['/etc/apache2/conf-enabled/security.conf'].exists
'''

RETURN = r'''
packages:
  description: Installed version of each package of O(packages), null when it is not installed.
  returned: always
  type: dict
  sample: {"apache2": "2.4.29-1ubuntu4.27", "python3-apt": null}
paths:
  description:
    - For each path of O(paths), C(exists), C(type) (C(file), C(directory), C(link) or C(other)),
      C(mode) (four octal digits), C(owner), C(group); C(sha1) of a regular file's content;
      C(link), the target a symbolic link holds.
    - The entries of O(directories) too; a path missing from there is not in this dictionary.
  returned: always
  type: dict
  sample: {"/etc/apache2/conf-enabled/x.conf": {"exists": true, "type": "link", "link": "../conf-available/x.conf",
           "mode": "0777", "owner": "root", "group": "root"}}
content:
  description: Text of each file of O(read) that exists.
  returned: always
  type: dict
users:
  description: C(uid), C(group) (primary group name), C(home) and C(shell) of each user of O(users) that exists.
  returned: always
  type: dict
groups:
  description: C(gid) of each group of O(groups) that exists.
  returned: always
  type: dict
systemd:
  description: Whether systemd runs as the init system (C(/run/systemd/system) exists only then).
  returned: always
  type: bool
  version_added: 2.2.0
service:
  description:
    - C(systemd) (as RV(systemd)), C(running) (the systemd unit is active,
      or without systemd a process of that name runs that is not a zombie), C(enabled) (the systemd unit is enabled, or
      without systemd it has start links in runlevels 2 to 5).
  returned: when O(service) is set
  type: dict
mod_wsgi:
  description:
    - C(module), the file C(wsgi.load) loads (null without a C(LoadModule) line); C(exists), whether that file
      exists; C(version), mod_wsgi's release (the package's upstream version, or the one pip recorded beside
      the module); C(python_version), X.Y of the libpython it links; C(source), C(package) or C(pip).
  returned: when O(mod_wsgi) is true
  type: dict
  version_added: 2.1.0
  sample: {"module": "/usr/lib/apache2/modules/mod_wsgi.so", "exists": true, "version": "4.9.4",
           "python_version": "3.11", "source": "package"}
found:
  description: Files under O(search_in) with a line matching O(search_pattern), sorted.
  returned: always
  type: list
  elements: str
matches:
  description: For each file of RV(found), its lines that match O(search_pattern), in file order and without
    their line ending.
  returned: always
  type: dict
  version_added: 2.0.0
  sample: {"/etc/apache2/sites-enabled/shop.conf": ["<VirtualHost *:80>", "<VirtualHost *:443>"]}
'''

import glob
import grp
import hashlib
import os
import pwd
import re
import stat

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.modwsgi.deploy.plugins.module_utils.interpreter import MOD_WSGI_PACKAGE, WSGI_LOAD_FILE
from ansible_collections.modwsgi.deploy.plugins.module_utils.mod_wsgi_build import loaded_mod_wsgi


def describe(path):
    try:
        st = os.lstat(path)
    except OSError:
        return {'exists': False}
    info = {'exists': True, 'mode': '%04o' % stat.S_IMODE(st.st_mode)}
    try:
        info['owner'] = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        info['owner'] = str(st.st_uid)
    try:
        info['group'] = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        info['group'] = str(st.st_gid)
    if stat.S_ISLNK(st.st_mode):
        info['type'] = 'link'
        info['link'] = os.readlink(path)
    elif stat.S_ISDIR(st.st_mode):
        info['type'] = 'directory'
    elif stat.S_ISREG(st.st_mode):
        info['type'] = 'file'
        digest = hashlib.sha1()
        with open(path, 'rb') as handle:
            for block in iter(lambda: handle.read(65536), b''):
                digest.update(block)
        info['sha1'] = digest.hexdigest()
    else:
        info['type'] = 'other'
    return info


def package_versions(module, names):
    versions = dict((name, None) for name in names)
    if not names:
        return versions
    # The roles read no facts: this is where a host that is not Debian's kind is refused,
    # before anything changes on it.
    dpkg_query = module.get_bin_path('dpkg-query')
    if dpkg_query is None:
        module.fail_json(msg='this host has no dpkg-query: modwsgi.deploy supports Debian and Ubuntu only')
    # dpkg-query exits 1 when a name is unknown, but still reports the others.
    dummy, out, dummy = module.run_command(
        [dpkg_query, '-W', '-f=${Package} ${db:Status-Status} ${Version}\n'] + names)
    for line in out.splitlines():
        fields = line.split(' ')
        if len(fields) == 3 and fields[0] in versions and fields[1] == 'installed':
            versions[fields[0]] = fields[2]
    return versions


def systemd_runs():
    # /run/systemd/system exists only while systemd is PID 1 (sd_booted); the unit files
    # alone say nothing in a container that never booted it.
    return os.path.isdir('/run/systemd/system')


def service_state(module, name, systemd):
    if systemd:
        # One systemctl process for both answers (is-active and is-enabled would be two); a
        # unit systemd does not know shows ActiveState=inactive and no UnitFileState.
        dummy, out, dummy = module.run_command(['systemctl', 'show', '--property=ActiveState,UnitFileState', '--', name])
        properties = dict(line.partition('=')[::2] for line in out.splitlines())
        return {'systemd': True, 'running': properties.get('ActiveState') == 'active',
                'enabled': properties.get('UnitFileState') == 'enabled'}
    running = False
    for pid in os.listdir('/proc'):
        # "pid (comm) state ...": a zombie (state Z) has exited; under a PID 1 that reaps
        # nothing (`docker run IMAGE sleep infinity`) it stays in the table for good.
        try:
            with open(os.path.join('/proc', pid, 'stat'), 'rb') as handle:
                stat = handle.read()
        except (IOError, OSError):
            continue
        comm_end = stat.rfind(b')')
        comm = stat[stat.find(b'(') + 1:comm_end]
        running = (comm == name.encode('utf-8') and stat[comm_end + 2:comm_end + 3] != b'Z'
                   and not has_own_configuration(pid))
        if running:
            break
    enabled = all(glob.glob('/etc/rc%d.d/S[0-9][0-9]%s' % (level, name)) for level in (2, 3, 4, 5))
    return {'systemd': False, 'running': running, 'enabled': enabled}


def has_own_configuration(pid):
    """Whether the process was started with -f <file>: another instance of the server."""
    try:
        with open(os.path.join('/proc', pid, 'cmdline'), 'rb') as handle:
            return b'-f' in handle.read().split(b'\0')
    except (IOError, OSError):
        return False


def search(pattern, directories):
    """The lines matching pattern, by file, for every file under directories that has one."""
    regex = re.compile(pattern)
    matches = {}
    for top in directories:
        for root, dummy, files in os.walk(top, followlinks=True):
            for name in files:
                path = os.path.join(root, name)
                try:
                    with open(path, 'rb') as handle:
                        lines = [line.decode('utf-8', 'replace').rstrip('\r\n') for line in handle]
                except (IOError, OSError):
                    continue
                matching = [line for line in lines if regex.search(line)]
                if matching:
                    matches[path] = matching
    return matches


def read_text(paths):
    content = {}
    for path in paths:
        try:
            with open(path, 'rb') as handle:
                content[path] = handle.read().decode('utf-8', 'replace')
        except (IOError, OSError):
            continue
    return content


def accounts(users, groups):
    found_users, found_groups = {}, {}
    for name in users:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        try:
            group = grp.getgrgid(entry.pw_gid).gr_name
        except KeyError:
            group = str(entry.pw_gid)
        found_users[name] = {'uid': entry.pw_uid, 'group': group, 'home': entry.pw_dir, 'shell': entry.pw_shell}
    for name in groups:
        try:
            found_groups[name] = {'gid': grp.getgrnam(name).gr_gid}
        except KeyError:
            continue
    return found_users, found_groups


def main():
    module = AnsibleModule(
        argument_spec=dict(
            packages=dict(type='list', elements='str', default=[]),
            paths=dict(type='list', elements='path', default=[]),
            directories=dict(type='list', elements='path', default=[]),
            read=dict(type='list', elements='path', default=[]),
            users=dict(type='list', elements='str', default=[]),
            groups=dict(type='list', elements='str', default=[]),
            service=dict(type='str'),
            mod_wsgi=dict(type='bool', default=False),
            search_pattern=dict(type='str'),
            search_in=dict(type='list', elements='path', default=[]),
        ),
        required_by={'search_pattern': 'search_in'},
        supports_check_mode=True,
    )
    params = module.params
    users, groups = accounts(params['users'], params['groups'])
    paths = dict((path, describe(path)) for path in params['paths'])
    for directory in params['directories']:
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        for name in names:
            path = os.path.join(directory, name)
            paths[path] = describe(path)
    matches = search(params['search_pattern'], params['search_in']) if params['search_pattern'] else {}
    # One dpkg-query for the packages asked for and, if its version is wanted, mod_wsgi's.
    versions = package_versions(module, params['packages'] + ([MOD_WSGI_PACKAGE] if params['mod_wsgi'] else []))
    systemd = systemd_runs()
    result = dict(
        changed=False,
        packages=dict((name, versions[name]) for name in params['packages']),
        paths=paths,
        content=read_text(params['read']),
        users=users,
        groups=groups,
        found=sorted(matches),
        matches=matches,
        systemd=systemd,
    )
    if params['service']:
        result['service'] = service_state(module, params['service'], systemd)
    if params['mod_wsgi']:
        result['mod_wsgi'] = loaded_mod_wsgi(WSGI_LOAD_FILE, versions[MOD_WSGI_PACKAGE])
    module.exit_json(**result)


if __name__ == '__main__':
    main()
