# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for ansible-test's get-pip script (modwsgi.deploy get-pip stand-in).

ansible-test bootstraps pip into each new, empty virtual environment by running
https://ci-files.testing.ansible.com/ansible-test/get-pip-<version>.py, which it caches as
~/.ansible/test/cache/get_pip_<version>.py; that host is not reachable from CI. tests/sanity/run.sh
puts this file there instead. Like get-pip.py it is run with the environment's interpreter and
pip install arguments (the pinned pip; before ansible-core 2.19 also setuptools and wheel). get-pip.py carries a pip of its own;
this uses the pip wheel bundled with the interpreter (ensurepip), which installs the requested
versions from the configured package index.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import glob
import os
import subprocess
import sys


def bundled_pip_wheel():
    """Return the path of the pip wheel that ensurepip would install, or None."""
    try:
        import ensurepip
    except ImportError:
        return None
    wheels = glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled', 'pip-*.whl'))
    return wheels[0] if len(wheels) == 1 else None


# get-pip.py's own options, which pip install does not know: ansible-test 2.19 and later pass them
# to install pip alone. This stand-in never installs setuptools or wheel unless they are named.
GET_PIP_OPTIONS = ('--no-setuptools', '--no-wheel')


def main():
    args = ['install', '--upgrade', '--force-reinstall'] + [arg for arg in sys.argv[1:] if arg not in GET_PIP_OPTIONS]
    wheel = bundled_pip_wheel()
    if wheel is not None:
        # A wheel is a zip archive Python can import from: run its pip without installing it first.
        command = [sys.executable, os.path.join(wheel, 'pip')] + args
    else:
        subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])
        command = [sys.executable, '-m', 'pip'] + args
    sys.exit(subprocess.call(command))


if __name__ == '__main__':
    main()
