# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
name: rendered
version_added: 2.2.0
short_description: Render templates as ansible.builtin.template does, without a deep copy of every variable
description:
  - Returns each template rendered exactly as the C(ansible.builtin.template) lookup renders it
    (trailing newlines kept, C(ansible_managed) and C(template_path) set), found
    in the same C(templates) search path.
  - The builtin lookup deep-copies every variable of the host (its facts, C(hostvars), C(vars)) before
    each template, so that the names it adds do not leak, which costs several milliseconds of controller CPU per
    template and host, more the more facts and variables the host has. This lookup gives it a shallow
    copy instead, to which those names are added just as well.
  - The roles of this collection render their templates once more on every run, to compare them with
    the files in place; this lookup is for templates that read variables and do not change them.
    A template that changes a variable's content (C(list.append) in an expression) changes it for
    the rest of the play here, where the builtin lookup would change a copy.
options:
  _terms:
    description: The templates to render, found as the builtin lookup finds them.
    type: list
    elements: path
    required: true
  template_vars:
    description:
      - Variables to add to those of the host for these templates alone, as the builtin lookup's
        C(template_vars).
      - The builtin lookup's other options are passed on to it as well.
    type: dict
    default: {}
seealso:
  - name: The ansible.builtin.template lookup
    description: The lookup this one runs, with its options.
    link: https://docs.ansible.com/ansible/latest/collections/ansible/builtin/template_lookup.html
author: "modwsgi.deploy contributors (!UNKNOWN)"
'''

EXAMPLES = r'''
- name: Read the site in place
  modwsgi.deploy.host_state:
    paths: [/etc/apache2/sites-available/shop.conf]
  register: state

- name: Write the site where its rendering differs from the file in place
  ansible.builtin.copy:
    content: "{{ lookup('modwsgi.deploy.rendered', 'site.conf.j2') }}"
    dest: /etc/apache2/sites-available/shop.conf
    mode: "0644"
  when: >-
    lookup('modwsgi.deploy.rendered', 'site.conf.j2') | hash('sha1')
    != state.paths['/etc/apache2/sites-available/shop.conf'].sha1 | default('')
'''

RETURN = r'''
_raw:
  description: Each template rendered, in the order of the terms.
  type: list
  elements: str
'''

from ansible.plugins.loader import lookup_loader
from ansible.plugins.lookup import LookupBase


class _ShallowOnCopy(dict):
    """The host's variables for the builtin lookup: its deepcopy makes a plain shallow copy,
    to which the lookup adds its own names without changing these."""

    def __deepcopy__(self, memo):
        return dict(self)


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        template = lookup_loader.get('ansible.builtin.template', loader=self._loader, templar=self._templar)
        return template.run(terms, variables=_ShallowOnCopy(variables or {}), **kwargs)
