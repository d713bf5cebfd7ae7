#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: python_home
short_description: Find a virtualenv's Python home and check it matches mod_wsgi's Python
version_added: 1.0.0
description:
  - Runs the Python interpreter of a virtualenv on the target and returns its C(sys.prefix),
    the value for Apache's C(WSGIPythonHome) directive or the C(python-home=) option of
    C(WSGIDaemonProcess).
  - Reads the Python version mod_wsgi is built for from the C(libpython) that C(mod_wsgi.so)
    links against (its ELF C(DT_NEEDED) entries, parsed in Python; nothing is executed).
  - Fails when the two Python versions (X.Y) differ, because mod_wsgi cannot use a Python home
    made by another Python; its daemon processes would die at start with
    C(No module named 'encodings').
  - Never changes the target.
options:
  virtualenv:
    description:
      - Directory of the virtualenv whose Python home is wanted.
      - The task fails when it is not a virtualenv.
      - At least one of O(virtualenv) and O(python) is required.
    type: path
  python:
    description:
      - Python interpreter to run.
      - Defaults to C(<virtualenv>/bin/python).
      - Without O(virtualenv), any interpreter is accepted, including a system Python.
    type: path
  mod_wsgi:
    description:
      - Path of C(mod_wsgi.so).
      - Defaults to the file named by the C(LoadModule) line of
        C(/etc/apache2/mods-available/wsgi.load), else C(/usr/lib/apache2/modules/mod_wsgi.so),
        as installed by the Debian and Ubuntu package C(libapache2-mod-wsgi-py3).
      - Symbolic links are resolved.
    type: path
  require_match:
    description:
      - Fail when the interpreter's Python X.Y differs from mod_wsgi's.
      - When V(false), a mismatch is returned as RV(compatible=false) instead.
    type: bool
    default: true
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: The module only reads; it runs the interpreter in check mode too.
  diff_mode:
    support: none
  platform:
    platforms: posix
notes:
  - In check mode the interpreter is run as usual, since that changes nothing.
  - C(WSGIPythonHome) is only valid in the server configuration, not inside a C(VirtualHost);
    use C(python-home=) on C(WSGIDaemonProcess) for a single daemon process group.
  - A changed Python home only takes effect after Apache is fully stopped and started again;
    a graceful reload is not enough.
  - The Apache user must be able to traverse to the virtualenv.
author: "modwsgi.deploy contributors (!UNKNOWN)"
'''

EXAMPLES = r'''
- name: Find the Python home of the application's virtualenv
  modwsgi.deploy.python_home:
    virtualenv: /srv/myapp/venv
  register: myapp_python

- name: Configure mod_wsgi with it
  ansible.builtin.template:
    src: myapp.conf.j2
    dest: /etc/apache2/sites-available/myapp.conf
    mode: "0644"
  vars:
    # In the template: WSGIDaemonProcess myapp python-home={{ myapp_python_home }}
    myapp_python_home: "{{ myapp_python.prefix }}"

- name: Report a version mismatch without failing
  modwsgi.deploy.python_home:
    python: /opt/python3.11/bin/python3.11
    mod_wsgi: /usr/lib/apache2/modules/mod_wsgi.so
    require_match: false
  register: candidate

- name: Warn about it
  ansible.builtin.debug:
    msg: >-
      Python {{ candidate.python_version }} does not match mod_wsgi's
      Python {{ candidate.mod_wsgi_python_version }}
  when: not candidate.compatible
'''

RETURN = r'''
prefix:
  description: C(sys.prefix) of the interpreter; the value for C(WSGIPythonHome) or C(python-home=).
  returned: success
  type: str
  sample: /srv/myapp/venv
base_prefix:
  description:
    - C(sys.base_prefix) of the interpreter (C(sys.real_prefix) for virtualenv older than 20),
      the Python installation the virtualenv was made from.
  returned: success
  type: str
  sample: /usr
is_virtualenv:
  description: Whether the interpreter runs in a virtualenv (RV(prefix) differs from RV(base_prefix)).
  returned: success
  type: bool
  sample: true
python_version:
  description: Version of the interpreter, X.Y.Z.
  returned: success
  type: str
  sample: 3.11.2
python_executable:
  description: C(sys.executable) of the interpreter.
  returned: success
  type: str
  sample: /srv/myapp/venv/bin/python
site_packages:
  description: Directory for pure-Python packages (C(purelib)) of the interpreter.
  returned: success
  type: str
  sample: /srv/myapp/venv/lib/python3.11/site-packages
mod_wsgi:
  description: Path of C(mod_wsgi.so) that was checked, with symbolic links resolved.
  returned: success
  type: str
  sample: /usr/lib/apache2/modules/mod_wsgi.so-3.11
mod_wsgi_python_version:
  description: Python version X.Y that mod_wsgi is built for, from the C(libpython) it links against.
  returned: success
  type: str
  sample: "3.11"
compatible:
  description:
    - Whether the interpreter's X.Y equals RV(mod_wsgi_python_version).
    - Always V(true) when O(require_match=true), because a mismatch fails the task.
  returned: success
  type: bool
  sample: true
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.modwsgi.deploy.plugins.module_utils.interpreter import (
    PythonHomeError,
    inspect,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            virtualenv=dict(type='path'),
            python=dict(type='path'),
            mod_wsgi=dict(type='path'),
            require_match=dict(type='bool', default=True),
        ),
        required_one_of=[('virtualenv', 'python')],
        supports_check_mode=True,
    )

    # Not letting run_command expand ~ or $VARS, or fail on OSError itself, keeps paths literal
    # and lets inspect() explain the failure.
    def run_command(argv):
        return module.run_command(argv, expand_user_and_vars=False, handle_exceptions=False)

    try:
        facts = inspect(
            module.params['virtualenv'],
            module.params['python'],
            module.params['mod_wsgi'],
            module.params['require_match'],
            run_command,
        )
    except PythonHomeError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, **facts)


if __name__ == '__main__':
    main()
