#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = r'''
---
module: mod_wsgi_build
short_description: Build mod_wsgi from PyPI for a chosen Python, in a virtualenv of its own
version_added: 2.1.0
description:
  - Makes a virtualenv from O(python) and installs mod_wsgi into it with pip, which compiles
    C(mod_wsgi.so) against the system's Apache (C(apxs)) and that Python's shared libpython.
  - Apache then loads the module the build leaves in the virtualenv (RV(module)), so its daemon
    processes run that Python, not the one the distribution's C(libapache2-mod-wsgi-py3) is built for.
  - Idempotent. Nothing is built when the virtualenv was made from O(python) and already holds the
    wanted release, linked against that Python; a virtualenv of another interpreter is made again.
  - A directory at O(virtualenv) that this module did not make is never removed; the task fails instead.
options:
  python:
    description:
      - Python installation to build for, such as C(/usr/bin/python3.8). Not a virtualenv's interpreter.
      - Debian's and Ubuntu's Pythons need their C(-dev) and C(-venv) packages for the build.
    type: path
    required: true
  virtualenv:
    description:
      - Directory of the virtualenv that holds the build. Made with C(--system-site-packages), so that
        setuptools and wheel come from the system (C(python3-setuptools), C(python3-wheel)) and an
        offline build needs nothing else.
    type: path
    required: true
  version:
    description:
      - mod_wsgi release to build.
      - Defaults to the newest release that supports the interpreter's Python
        (4.9.4 for 3.6 and 3.7, 5.0.2 for 3.8 and 3.9, 6.1.1 from 3.10).
      - A release that needs a newer Python (5.x needs 3.8, 6.x needs 3.10) is refused before any change.
    type: str
  find_links:
    description:
      - Directory on the target that holds the source distribution C(mod_wsgi-<version>.tar.gz).
        pip installs from there with C(--no-index), so the target needs no package index.
      - Without it, pip downloads from the index it is configured with (C(/etc/pip.conf)).
    type: path
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Runs the interpreter and reads the virtualenv; reports whether a build would happen.
  diff_mode:
    support: none
  platform:
    platforms: debian
notes:
  - Apache must be fully stopped and started to load a rebuilt module; a graceful reload is not enough.
  - The build needs C(apache2-dev), C(gcc), C(libc6-dev), C(python3-setuptools), C(python3-wheel) and
    the Python's C(-dev) and C(-venv) packages; the C(modwsgi.deploy.apache) role installs them.
seealso:
  - module: modwsgi.deploy.python_home
  - name: mod_wsgi's installation from PyPI
    description: How C(pip install mod_wsgi) builds the module and how Apache loads it.
    link: https://modwsgi.readthedocs.io/en/master/user-guides/quick-installation-guide.html
author: "modwsgi.deploy contributors (!UNKNOWN)"
'''

EXAMPLES = r'''
- name: Build the newest mod_wsgi for Python 3.8
  modwsgi.deploy.mod_wsgi_build:
    python: /usr/bin/python3.8
    virtualenv: /opt/mod_wsgi/venv
  register: mod_wsgi

- name: Load it
  ansible.builtin.copy:
    dest: /etc/apache2/mods-available/wsgi.load
    content: "LoadModule wsgi_module \"{{ mod_wsgi.module }}\"\n"
    mode: "0644"

- name: Build a pinned release from a source distribution copied to the target, without an index
  modwsgi.deploy.mod_wsgi_build:
    python: /usr/bin/python3
    virtualenv: /opt/mod_wsgi/venv
    version: 4.9.4
    find_links: /opt/mod_wsgi/dist
'''

RETURN = r'''
version:
  description: The mod_wsgi release wanted (and, unless in check mode, built).
  returned: success
  type: str
  sample: 5.0.2
installed_version:
  description:
    - The release the virtualenv holds, found before the task, or the one just built.
    - Null when it holds none, or when it was made from another Python (it is then made again).
  returned: success
  type: str
  sample: 4.9.4
module:
  description:
    - Path of the built C(mod_wsgi.so), the file C(LoadModule wsgi_module) names.
    - Null in check mode when a build would happen.
  returned: success
  type: str
  sample: /opt/mod_wsgi/venv/lib/python3.8/site-packages/mod_wsgi/server/mod_wsgi-py38.cpython-38-x86_64-linux-gnu.so
python_version:
  description: Version of O(python), X.Y.Z.
  returned: success
  type: str
  sample: 3.8.0
python_prefix:
  description: C(sys.prefix) of O(python), the Python home its daemon processes use by default.
  returned: success
  type: str
  sample: /usr
python_executable:
  description: C(sys.executable) of O(python).
  returned: success
  type: str
  sample: /usr/bin/python3.8
virtualenv:
  description: The virtualenv that holds the build.
  returned: success
  type: str
  sample: /opt/mod_wsgi/venv
up_to_date:
  description: Whether the virtualenv held the wanted build before the task, so nothing was built.
  returned: success
  type: bool
  sample: true
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.modwsgi.deploy.plugins.module_utils.mod_wsgi_build import (
    BuildError,
    Builder,
)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            python=dict(type='path', required=True),
            virtualenv=dict(type='path', required=True),
            version=dict(type='str'),
            find_links=dict(type='path'),
        ),
        supports_check_mode=True,
    )

    def run_command(argv):
        return module.run_command(argv, expand_user_and_vars=False, handle_exceptions=False,
                                  environ_update={'PIP_NO_INPUT': '1', 'LC_ALL': 'C.UTF-8'})

    builder = Builder(module.params['python'], module.params['virtualenv'], module.params['version'],
                      module.params['find_links'], run_command)
    try:
        state = builder.inspect()
        if not state['up_to_date'] and not module.check_mode:
            state = dict(builder.build(state), up_to_date=False)
    except BuildError as exc:
        module.fail_json(msg=str(exc))
    state.pop('venv_fits')
    module.exit_json(changed=not state['up_to_date'], **state)


if __name__ == '__main__':
    main()
