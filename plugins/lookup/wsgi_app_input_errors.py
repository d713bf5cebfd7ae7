# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
name: wsgi_app_input_errors
version_added: 2.2.0
short_description: The problems with a host's variables for the wsgi_app role
description:
  - Returns what the P(modwsgi.deploy.wsgi_app#role) role's preflight refuses beyond its argument specs, one
    sentence per problem naming the variable, for the host the lookup runs for; nothing when every
    value is acceptable.
  - It checks that each value the role writes into an Apache file, the WSGI script or the health
    check is of its kind (a path, a name, a URL path, a host name; no character that would end a
    directive), the WSGIDaemonProcess options in O(modwsgi.deploy.wsgi_app#role:main:wsgi_app_daemon_options),
    the numbers' ranges, the options that only work together, the release source and, on the
    controller, the files the role would copy.
  - With the term V(host), it checks the variables against what the role's
    M(modwsgi.deploy.host_state) read found on the host (registered as C(wsgi_app_host_state)),
    the mod_wsgi release a daemon option needs, a daemon process group name or a backend port
    another file uses, certificates and the virtualenv in place, the release links, and
    C(WSGIRestrictEmbedded) for embedded mode.
  - It reads the role's variables itself, resolving only those a check needs. Call it after the
    role's defaults and vars are loaded (in the role, or with the role's C(vars/main.yml) and
    C(defaults/main.yml) in the play), for example to check an inventory before a deploy.
options:
  _terms:
    description: Which checks to run, V(input) (the variables alone) or V(host).
    type: list
    elements: str
    choices: [input, host]
    default: [input]
author: "modwsgi.deploy contributors (!UNKNOWN)"
'''

EXAMPLES = r'''
- name: Refuse the application's variables before anything changes
  ansible.builtin.fail:
    msg: "{{ problems | join('\n') }}"
  when: problems | length > 0
  vars:
    problems: "{{ query('modwsgi.deploy.wsgi_app_input_errors') }}"

- name: Refuse them against what the role's host_state read found
  ansible.builtin.fail:
    msg: "{{ problems | join('\n') }}"
  when: problems | length > 0
  vars:
    problems: "{{ query('modwsgi.deploy.wsgi_app_input_errors', 'host') }}"
'''

RETURN = r'''
_raw:
  description: One sentence per problem, each naming the variable and showing the value as JSON.
  type: list
  elements: str
'''

from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader
from ansible.plugins.lookup import LookupBase

from ansible_collections.modwsgi.deploy.plugins.plugin_utils.wsgi_app_input import host_errors, input_errors


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        resolver = lookup_loader.get('ansible.builtin.vars', loader=self._loader, templar=self._templar)

        def value(name):
            return resolver.run([name], variables)[0]

        def file_found(path):
            # Where the role's copy task looks: the files/ of the role, then of the playbook.
            return self.find_file_in_search_path(variables, 'files', path, ignore_missing=True) is not None

        checks = list(terms) or ['input']
        unknown = [check for check in checks if check not in ('input', 'host')]
        if unknown:
            raise AnsibleLookupError('wsgi_app_input_errors: the checks are input and host, not %s' % ', '.join(map(str, unknown)))
        return [problem for check in checks
                for problem in (input_errors(value, file_found) if check == 'input' else host_errors(value))]
