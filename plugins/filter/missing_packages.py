# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wanted packages a host_state read did not find installed.
Documented in missing_packages.yml beside this file."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible.errors import AnsibleFilterError


def missing_packages(wanted, packages):
    """wanted, in its order, less those packages (modwsgi.deploy.host_state's packages result:
    name -> installed version, null when not installed) reports installed."""
    if not isinstance(packages, dict):
        raise AnsibleFilterError('missing_packages: takes the packages result of host_state, a dict (got %r)'
                                 % (packages,))
    return [name for name in wanted if not packages.get(name)]


class FilterModule(object):
    def filters(self):
        return {'missing_packages': missing_packages}
