# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The links a2enmod, a2enconf and a2ensite would make that a host_state read did not find.
Documented in links_to_enable.yml beside this file."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible.errors import AnsibleFilterError

APACHE_ROOT = '/etc/apache2'


def links_to_enable(files, paths):
    """{link: target} for each of files ('mods-available/wsgi.load', ...) whose link in the
    matching *-enabled directory is missing or points elsewhere, the target relative as the
    a2en* commands write it. paths: modwsgi.deploy.host_state's paths result."""
    links = {}
    for name in files:
        kind, dummy, rest = str(name).partition('-available/')
        if not rest or '/' in kind or not kind:
            raise AnsibleFilterError('links_to_enable: %r is not <kind>-available/<file>' % (name,))
        link = '%s/%s-enabled/%s' % (APACHE_ROOT, kind, rest)
        target = '../' + name
        if (paths.get(link) or {}).get('link') != target:
            links[link] = target
    return links


class FilterModule(object):
    def filters(self):
        return {'links_to_enable': links_to_enable}
