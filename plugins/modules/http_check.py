#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: http_check
short_description: Request a host's own web applications until each answers as expected
version_added: 2.2.0
description:
  - Sends a GET request for each of O(checks) from the target itself, usually to its loopback
    address, and waits until every one answers with its status and, when asked, a body that
    matches a regular expression.
  - All checks are requested in one round of the module, round after round until each passed,
    so checking several applications costs one task and one connection to the host, not one
    C(ansible.builtin.uri) call per application and attempt.
  - Redirects are answers, not followed. Certificates are not verified, since the request goes
    to the host's own server, whose certificate may be self-signed or made for another name;
    do not use it for other hosts.
  - Never changes the target.
options:
  checks:
    description:
      - The requests to make.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - What the check is called in results and errors; defaults to O(checks[].url).
        type: str
      url:
        description:
          - An C(http) or C(https) URL.
        type: str
        required: true
      host:
        description:
          - The C(Host) header to send, for name-based virtual hosts; by default the URL's host.
        type: str
      status:
        description:
          - The HTTP status the answer must have.
        type: int
        default: 200
      body:
        description:
          - A Python regular expression the body must contain (C(re.search)); empty accepts any body.
          - Only the first MiB of the body is read.
        type: str
        default: ''
  retries:
    description:
      - How many more rounds a check that did not pass is requested in.
    type: int
    default: 10
  delay:
    description:
      - Seconds between two rounds.
    type: float
    default: 1
  timeout:
    description:
      - Seconds one request may take to connect and to answer.
    type: float
    default: 10
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: The module only reads; it sends its requests in check mode too.
  diff_mode:
    support: none
  platform:
    platforms: posix
notes:
  - Uses the Python standard library only, so it runs on any target Python from 3.6.
author: "modwsgi.deploy contributors (!UNKNOWN)"
'''

EXAMPLES = r'''
- name: Wait until the application answers through Apache on this host
  modwsgi.deploy.http_check:
    checks:
      - name: myapp
        url: http://127.0.0.1/myapp
        body: Hello World

- name: Check two name-based virtual hosts, one over TLS, for at most 30 seconds
  modwsgi.deploy.http_check:
    checks:
      - url: http://127.0.0.1/
        host: shop.example.com
      - url: https://127.0.0.1/health
        host: api.example.com
        status: 204
    retries: 30
    delay: 1
'''

RETURN = r'''
checks:
  description: One entry per check, in the order given.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The check's name, or its URL.
      type: str
      sample: myapp
    url:
      description: The URL requested.
      type: str
      sample: http://127.0.0.1/myapp
    attempts:
      description: How many requests it took to pass.
      type: int
      sample: 1
'''

import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.modwsgi.deploy.plugins.module_utils.http_check import CheckFailed, run_checks

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover
    from urlparse import urlsplit


def input_errors(params):
    errors = []
    for check in params['checks']:
        parts = urlsplit(check['url'])
        if parts.scheme not in ('http', 'https') or not parts.hostname:
            errors.append('checks: url must be an http or https URL (got %r)' % check['url'])
        if not 100 <= check['status'] <= 599:
            errors.append('checks: status must be an HTTP status, 100 to 599 (got %d)' % check['status'])
        try:
            re.compile(check['body'])
        except re.error as error:
            errors.append('checks: body is not a regular expression (%s): %r' % (error, check['body']))
    if params['retries'] < 0:
        errors.append('retries must be at least 0 (got %d)' % params['retries'])
    for name in ('delay', 'timeout'):
        if params[name] < 0 or (name == 'timeout' and params[name] == 0):
            errors.append('%s must be %s (got %s)' % (name, 'positive' if name == 'timeout' else 'at least 0',
                                                      params[name]))
    return errors


def main():
    module = AnsibleModule(
        argument_spec=dict(
            checks=dict(type='list', elements='dict', required=True, options=dict(
                name=dict(type='str'),
                url=dict(type='str', required=True),
                host=dict(type='str'),
                status=dict(type='int', default=200),
                body=dict(type='str', default=''),
            )),
            retries=dict(type='int', default=10),
            delay=dict(type='float', default=1),
            timeout=dict(type='float', default=10),
        ),
        supports_check_mode=True,
    )
    params = module.params
    errors = input_errors(params)
    if errors:
        module.fail_json(msg='; '.join(errors))
    try:
        results = run_checks(params['checks'], params['retries'], params['delay'], params['timeout'])
    except CheckFailed as failure:
        module.fail_json(msg='no expected answer: %s' % failure)
    module.exit_json(changed=False, checks=results)


if __name__ == '__main__':
    main()
