#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: apache_config
short_description: Write Apache files, links and their directories as one change, tested by Apache or taken back
version_added: 2.2.0
description:
  - Makes several files, links (as C(a2enmod), C(a2enconf) and C(a2ensite) make them),
    directories and removals on the target as one change, in one task and one connection to the
    host, instead of a C(ansible.builtin.template) or C(ansible.builtin.file) call per file plus
    a test and a restore.
  - Only what differs is written, the directories first (made, or given their mode and owners),
    then each file or link in one rename, so Apache never reads a half-written file. Then
    O(test_command) judges the whole configuration; if it refuses it, every path is put back as
    it was (content, mode, owners, link or absence; a directory it made is removed) and the
    module fails with the test's output, so the running server keeps its configuration and
    nothing reloads.
  - Reports changed only when something was written, the paths it changed, and with C(--diff) the
    content before and after.
options:
  files:
    description:
      - Files to write, by absolute path, with their content.
    type: dict
    default: {}
  mode:
    description:
      - The permissions of every file of O(files), in octal.
    type: str
    default: '0644'
  owner:
    description:
      - The owner of every file of O(files), a user name.
    type: str
    default: root
  group:
    description:
      - The group of every file of O(files), a group name.
    type: str
    default: root
  directories:
    description:
      - Directories to make where they are missing, or to give O(directory_mode),
        O(directory_owner) and O(directory_group) where they differ, by absolute path. Missing
        parents are made too, with the same mode and owners, as C(ansible.builtin.file) makes
        them. What the directories hold is left alone.
    type: list
    elements: str
    default: []
  directory_mode:
    description:
      - The permissions of every directory of O(directories), in octal.
    type: str
    default: '0755'
  directory_owner:
    description:
      - The owner of every directory of O(directories), a user name.
    type: str
    default: root
  directory_group:
    description:
      - The group of every directory of O(directories), a group name.
    type: str
    default: root
  links:
    description:
      - Symbolic links to make, by absolute path, with the target each points to (relative,
        as C(a2enmod) writes them, or absolute). A file or another link at the path is replaced.
    type: dict
    default: {}
  absent:
    description:
      - Absolute paths of files or links to remove.
    type: list
    elements: str
    default: []
  test_command:
    description:
      - The command that judges the configuration once the changes are in place, as a list of
        arguments; an empty list tests nothing (files that are not Apache's).
      - Not run when nothing changed.
    type: list
    elements: str
    default: [apache2ctl, -t]
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Reports what would change, with the diff, and writes and tests nothing.
  diff_mode:
    support: full
  platform:
    platforms: posix
notes:
  - Uses the Python standard library only, so it runs on any target Python from 3.6.
  - The parent directory of every file and link must exist, or be in O(directories) (outside check
    mode).
seealso:
  - module: modwsgi.deploy.host_state
    description: Reads the files and links first, so a run with nothing to change skips this task.
author: "modwsgi.deploy contributors (!UNKNOWN)"
'''

EXAMPLES = r'''
- name: Write a site and ports.conf, enable the site, and let apache2ctl -t judge them together
  modwsgi.deploy.apache_config:
    files:
      /etc/apache2/sites-available/shop.conf: "{{ lookup('ansible.builtin.template', 'shop.conf.j2') }}"
      /etc/apache2/ports.conf: "Listen 80\n"
    links:
      /etc/apache2/sites-enabled/shop.conf: ../sites-available/shop.conf
    absent:
      - /etc/apache2/sites-enabled/000-default.conf
  notify: Reload Apache

- name: Install a WSGI script in a directory of its own, readable by the daemon's group only
  modwsgi.deploy.apache_config:
    directories: [/srv/shop, /srv/shop/wsgi]
    files:
      /srv/shop/wsgi/shop.wsgi: "{{ lookup('ansible.builtin.file', 'shop.wsgi') }}"
    group: shop
    mode: '0640'
    test_command: []

- name: Judge a second Apache's configuration with its own file
  modwsgi.deploy.apache_config:
    files:
      /etc/apache2/instances/alpha.conf: "{{ lookup('ansible.builtin.template', 'instance.conf.j2') }}"
    test_command: [/usr/sbin/apache2, -t, -f, /etc/apache2/instances/alpha.conf]
'''

RETURN = r'''
changed_paths:
  description: The paths made, written, linked or removed (that would be, in check mode), in the
    order directories, files, links, removals.
  returned: always
  type: list
  elements: str
  sample: [/etc/apache2/sites-available/shop.conf, /etc/apache2/sites-enabled/shop.conf]
test_output:
  description: What O(test_command) printed (standard output and error), when it ran.
  returned: when the test ran
  type: str
  sample: Syntax OK
'''

import grp
import pwd

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.modwsgi.deploy.plugins.module_utils.apache_config import (
    ConfigError, apply, diff, plan, restore)


def input_errors(params):
    errors = []
    paths = params['directories'] + list(params['files']) + list(params['links']) + params['absent']
    for path in paths:
        if not path.startswith('/') or path.endswith('/'):
            errors.append('every path must be an absolute file path (got %r)' % path)
    repeated = sorted(set(path for path in paths if paths.count(path) > 1))
    if repeated:
        errors.append('a path can be written, linked or removed only once (got %s)' % ', '.join(repeated))
    for path, content in params['files'].items():
        if not isinstance(content, str):
            errors.append('files: the content of %s must be a string' % path)
    for path, target in params['links'].items():
        if not isinstance(target, str) or not target:
            errors.append('links: the target of %s must be a path' % path)
    for option, example in (('mode', '0644'), ('directory_mode', '0755')):
        try:
            if not 0 <= int(params[option], 8) <= 0o7777:
                raise ValueError
        except ValueError:
            errors.append('%s must be octal permissions such as %s (got %r)' % (option, example, params[option]))
    return errors


def owner_ids(module, owner, group):
    """The uid and gid of owner and group, or None in check mode when the account does not exist
    yet (a task before this one would create it)."""
    try:
        return pwd.getpwnam(owner).pw_uid, grp.getgrnam(group).gr_gid
    except KeyError:
        if module.check_mode:
            return None, None
        module.fail_json(msg='owner %s or group %s does not exist on this host' % (owner, group))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            files=dict(type='dict', default={}),
            mode=dict(type='str', default='0644'),
            owner=dict(type='str', default='root'),
            group=dict(type='str', default='root'),
            directories=dict(type='list', elements='str', default=[]),
            directory_mode=dict(type='str', default='0755'),
            directory_owner=dict(type='str', default='root'),
            directory_group=dict(type='str', default='root'),
            links=dict(type='dict', default={}),
            absent=dict(type='list', elements='str', default=[]),
            test_command=dict(type='list', elements='str', default=['apache2ctl', '-t']),
        ),
        supports_check_mode=True,
    )
    params = module.params
    errors = input_errors(params)
    if errors:
        module.fail_json(msg='; '.join(errors))
    uid, gid = owner_ids(module, params['owner'], params['group'])
    directory_uid, directory_gid = owner_ids(module, params['directory_owner'], params['directory_group'])
    files = dict((path, content.encode('utf-8')) for path, content in params['files'].items())
    try:
        changes = plan(files, params['links'], params['absent'], int(params['mode'], 8), uid, gid,
                       params['directories'], (int(params['directory_mode'], 8), directory_uid, directory_gid))
    except (OSError, ConfigError) as error:
        module.fail_json(msg='cannot read what is in place: %s' % error)
    result = dict(changed=bool(changes), changed_paths=[path for path, before, after in changes])
    if module._diff:
        result['diff'] = diff(changes)
    if not changes or module.check_mode:
        module.exit_json(**result)
    try:
        apply(changes)
    except (OSError, ConfigError) as error:
        module.fail_json(msg='cannot write the new files, the previous ones are back: %s' % error, changed=False)
    if params['test_command']:
        rc, out, err = module.run_command(params['test_command'])
        result['test_output'] = out + err
        if rc != 0:
            restore(changes)
            module.fail_json(
                msg='%s rejected the new configuration, so the previous files are back and Apache keeps '
                    'running the old one. It said: %s' % (' '.join(params['test_command']), err.strip() or out.strip()),
                changed=False, rc=rc, stdout=out, stderr=err, changed_paths=result['changed_paths'])
    module.exit_json(**result)


if __name__ == '__main__':
    main()
