# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build mod_wsgi from PyPI (pip) for a chosen Python, in a virtualenv of its own.

The distribution's mod_wsgi embeds the distribution's libpython (3.6 on Ubuntu 18.04), so a
daemon cannot run any other Python. mod_wsgi's author answers that with `pip install
mod_wsgi` under the wanted Python; this is that, made idempotent: nothing is built when the
virtualenv already holds the wanted release, built for the wanted interpreter.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import glob
import json
import os
import re
import shutil

from ansible_collections.modwsgi.deploy.plugins.module_utils.elf import (
    ElfError,
    libpython_version,
    needed_libraries,
)
from ansible_collections.modwsgi.deploy.plugins.module_utils.interpreter import (
    PythonHomeError,
    load_module_path,
    run_probe,
)

# The newest mod_wsgi release for each Python, from the releases' Requires-Python on PyPI:
# 5.0 needs 3.8, 6.0 needs 3.10; 4.9.4 is the last that builds for 3.6 and 3.7.
NEWEST_FOR_PYTHON = (
    ((3, 10), '6.1.1'),
    ((3, 8), '5.0.2'),
    ((3, 6), '4.9.4'),
)
# Lowest Python of each release line, to refuse a pin pip could never install.
PYTHON_FLOOR = (
    ((6,), (3, 10)),
    ((5,), (3, 8)),
)
# Written last into the virtualenv: a directory holding it is one this code made, so it
# may be removed and made again; any other directory is left alone.
MARKER = '.modwsgi-deploy-build'
_VERSION = re.compile(r'^(\d+)\.(\d+)(?:\.(\d+))?(?:(?:a|b|rc)\d+|\.post\d+|\.dev\d+)?\Z')
_METADATA_VERSION = re.compile(r'^Version:\s*(\S+)\s*$', re.MULTILINE)
_PIP_VERSION = re.compile(r'^pip (\d+)\.')
# pip 10 introduced build isolation; older pips build with whatever setuptools is installed.
_PIP_WITH_BUILD_ISOLATION = 10


class BuildError(Exception):
    """A problem the user has to fix; the text says what is wrong and what to do."""


def version_key(version):
    """The numeric release part of a version string, as a tuple of ints."""
    return tuple(int(part) for part in _VERSION.match(version).groups() if part is not None)


def wanted_version(requested, python_version):
    """Return the mod_wsgi release to build for python_version (a tuple X, Y).

    requested, when given, is checked against the Python each release line needs.
    """
    python_text = '%d.%d' % python_version
    # First, so that a pinned release does not lift the 3.6 floor (a pin for Python 2.7 would
    # otherwise only fail at `python -m venv`, which 2.7 lacks).
    newest = newest_for(python_version)
    if requested:
        if not _VERSION.match(requested):
            raise BuildError(
                "version %r is not a mod_wsgi release number (such as 5.0.2 or 6.1.1)." % requested)
        for line, floor in PYTHON_FLOOR:
            if version_key(requested)[:len(line)] >= line and python_version < floor:
                raise BuildError(
                    "mod_wsgi %s needs Python %d.%d or later, and the interpreter is Python %s. Use "
                    "mod_wsgi %s (the newest release for Python %s), or leave the version unset."
                    % (requested, floor[0], floor[1], python_text, newest, python_text))
        return requested
    return newest


def newest_for(python_version):
    for floor, version in NEWEST_FOR_PYTHON:
        if python_version >= floor:
            return version
    raise BuildError(
        "mod_wsgi from PyPI is built here for Python 3.6 or later; the interpreter is Python %d.%d."
        % python_version)


def read_pyvenv_cfg(virtualenv):
    """Return the key = value pairs of <virtualenv>/pyvenv.cfg, or None if it has none."""
    try:
        with open(os.path.join(virtualenv, 'pyvenv.cfg')) as handle:
            lines = handle.read().splitlines()
    except (IOError, OSError):
        return None
    config = {}
    for line in lines:
        key, sep, value = line.partition('=')
        if sep:
            config[key.strip()] = value.strip()
    return config


def read_marker(virtualenv):
    try:
        with open(os.path.join(virtualenv, MARKER)) as handle:
            return json.load(handle)
    except (IOError, OSError, ValueError):
        return None


def venv_fits(virtualenv, interpreter):
    """Whether the virtualenv was made from the interpreter (same directory and X.Y), with the
    system site-packages that hold the build's setuptools and wheel."""
    config = read_pyvenv_cfg(virtualenv)
    if config is None:
        return False
    version = config.get('version', config.get('version_info', ''))
    return (config.get('home') == os.path.dirname(interpreter['python_executable'])
            and version.split('.')[:2] == interpreter['python_version'].split('.')[:2]
            and config.get('include-system-site-packages', '').lower() == 'true')


def site_packages(virtualenv, python_version):
    return os.path.join(virtualenv, 'lib', 'python' + '.'.join(python_version.split('.')[:2]), 'site-packages')


def installed(virtualenv, python_version):
    """Return (version, module path) of the mod_wsgi installed in the virtualenv, or (None, None)."""
    site = site_packages(virtualenv, python_version)
    version = pip_version_in(site)
    modules = sorted(glob.glob(os.path.join(site, 'mod_wsgi', 'server', 'mod_wsgi*.so')))
    if version is None or len(modules) != 1:
        return None, None
    return version, modules[0]


def pip_version_in(site):
    """The mod_wsgi release pip recorded in the site-packages directory site, or None.

    pip writes mod_wsgi-<version>.dist-info/METADATA, or .egg-info/PKG-INFO when an old pip
    ran setup.py install.
    """
    for info in sorted(glob.glob(os.path.join(site, 'mod_wsgi-*.dist-info', 'METADATA'))
                       + glob.glob(os.path.join(site, 'mod_wsgi-*.egg-info', 'PKG-INFO'))):
        try:
            with open(info) as handle:
                match = _METADATA_VERSION.search(handle.read())
        except (IOError, OSError):
            continue
        if match:
            return match.group(1)
    return None


def linked_python(module):
    """X.Y of the libpython the built module links, or None when it cannot be read."""
    try:
        return libpython_version(needed_libraries(module))
    except ElfError:
        return None


class Builder(object):
    """Inspects, and when asked builds, the mod_wsgi of one virtualenv.

    run_command(argv, cwd=None) returns (rc, stdout, stderr) as text and may raise OSError.
    """

    def __init__(self, python, virtualenv, version, find_links, run_command):
        self.python = python
        self.virtualenv = virtualenv.rstrip('/') or '/'
        self.requested = version
        self.find_links = find_links
        self.run_command = run_command

    def probe(self):
        """Facts of the interpreter to build for (refusing a virtualenv's interpreter)."""
        if not os.path.isfile(self.python) or not os.access(self.python, os.X_OK):
            raise BuildError(
                "Python interpreter %s does not exist or is not executable. Install it (for "
                "Debian's Pythons: apt-get install %s) or fix the path."
                % (self.python, os.path.basename(self.python)))
        try:
            facts = run_probe(self.python, self.run_command)
        except PythonHomeError as exc:
            raise BuildError(str(exc))
        if facts['is_virtualenv']:
            raise BuildError(
                "%s runs in the virtualenv %s; mod_wsgi is built for a Python installation. Use "
                "the interpreter the virtualenv was made from, under %s."
                % (self.python, facts['prefix'], facts['base_prefix']))
        return facts

    def inspect(self):
        """Return the state of the virtualenv against what is wanted, without changing it."""
        interpreter = self.probe()
        python_xy = tuple(int(part) for part in interpreter['python_version'].split('.')[:2])
        version = wanted_version(self.requested, python_xy)
        state = {
            'python_version': interpreter['python_version'],
            'python_prefix': interpreter['prefix'],
            'python_executable': interpreter['python_executable'],
            'version': version,
            'virtualenv': self.virtualenv,
            'venv_fits': False,
            'installed_version': None,
            'module': None,
        }
        if os.path.lexists(self.virtualenv):
            if not os.path.isdir(self.virtualenv) or os.path.islink(self.virtualenv):
                raise BuildError(
                    "%s exists and is not a directory; choose another path for mod_wsgi's "
                    "virtualenv or remove it." % self.virtualenv)
            if os.listdir(self.virtualenv) and read_marker(self.virtualenv) is None:
                raise BuildError(
                    "%s exists and was not made by modwsgi.deploy (it has no %s), so it is left "
                    "alone. Choose another path for mod_wsgi's virtualenv or remove it."
                    % (self.virtualenv, MARKER))
            state['venv_fits'] = venv_fits(self.virtualenv, interpreter)
        if state['venv_fits']:
            found, module = installed(self.virtualenv, interpreter['python_version'])
            state['installed_version'] = found
            if found == version and linked_python(module) == '.'.join(map(str, python_xy)):
                state['module'] = module
        state['up_to_date'] = state['module'] is not None
        return state

    def _run(self, argv, what):
        try:
            rc, out, err = self.run_command(argv)
        except (IOError, OSError) as exc:
            raise BuildError("%s: cannot run %s: %s" % (what, argv[0], exc.strerror or exc))
        if rc != 0:
            tail = '\n'.join((out + '\n' + err).strip().splitlines()[-25:])
            raise BuildError("%s failed (exit code %s):\n%s" % (what, rc, tail))
        return out

    def _write_marker(self, version, state):
        with open(os.path.join(self.virtualenv, MARKER), 'w') as handle:
            json.dump({'version': version, 'python': self.python, 'python_version': state['python_version']}, handle)

    def build(self, state):
        """Make the virtualenv if needed and pip-install the wanted release; return the new state."""
        python_xy = '.'.join(state['python_version'].split('.')[:2])
        if not state['venv_fits']:
            if os.path.isdir(self.virtualenv):
                shutil.rmtree(self.virtualenv)
            self._run([self.python, '-m', 'venv', '--system-site-packages', self.virtualenv],
                      "Creating the virtualenv %s with %s (it needs the python%s-venv package)"
                      % (self.virtualenv, self.python, python_xy))
            # Marked before the build, so that a build that fails leaves a directory the
            # next run may remove.
            self._write_marker(None, state)
        venv_python = os.path.join(self.virtualenv, 'bin', 'python')
        pip_version = _PIP_VERSION.match(self._run([venv_python, '-m', 'pip', '--version'],
                                                   "Asking the virtualenv's pip for its version"))
        argv = [venv_python, '-m', 'pip', 'install', '--no-cache-dir', '--disable-pip-version-check']
        # setuptools and wheel come from the system (apt), so the build needs no index for them.
        if pip_version is None or int(pip_version.group(1)) >= _PIP_WITH_BUILD_ISOLATION:
            argv.append('--no-build-isolation')
        if self.find_links:
            argv += ['--no-index', '--find-links', self.find_links]
        argv.append('mod_wsgi==%s' % state['version'])
        where = ("from %s without an index (it must hold mod_wsgi-%s.tar.gz)" % (self.find_links, state['version'])
                 if self.find_links else "from the package index pip is configured with")
        self._run(argv, "Building mod_wsgi %s for Python %s %s. The build needs apxs (apache2-dev), a C "
                        "compiler (gcc), Python's headers (python%s-dev), setuptools and wheel; pip said"
                  % (state['version'], python_xy, where, python_xy))
        found, module = installed(self.virtualenv, state['python_version'])
        if found != state['version'] or module is None:
            raise BuildError(
                "pip reported success, but %s holds mod_wsgi %s and module %s instead of mod_wsgi %s."
                % (self.virtualenv, found, module, state['version']))
        linked = linked_python(module)
        if linked != python_xy:
            raise BuildError(
                "The mod_wsgi built in %s links libpython %s, not Python %s's: %s. Python %s must be "
                "built with a shared libpython (Debian's and Ubuntu's are)."
                % (self.virtualenv, linked, python_xy, module, python_xy))
        self._write_marker(found, state)
        state = dict(state, venv_fits=True, installed_version=found, module=module, up_to_date=True)
        return state


def upstream_version(debian_version):
    """'4.9.4' from a Debian package version such as '4.9.4-1+b2' or '1:4.5.17-1ubuntu1.1'."""
    return debian_version.split(':', 1)[-1].rsplit('-', 1)[0]


def loaded_mod_wsgi(load_file, package_version):
    """Describe the mod_wsgi that load_file's LoadModule line names.

    package_version is the installed version of the distribution's package (or None); it is
    the module's version when the module is not a pip build (site-packages/mod_wsgi/server).
    """
    module = load_module_path(load_file)
    if module is None or not os.path.exists(module):
        return {'module': module, 'exists': False, 'version': None, 'python_version': None, 'source': None}
    server = os.path.dirname(module)
    if os.path.basename(server) == 'server' and os.path.basename(os.path.dirname(server)) == 'mod_wsgi':
        version = pip_version_in(os.path.dirname(os.path.dirname(server)))
        source = 'pip'
    else:
        version = upstream_version(package_version) if package_version else None
        source = 'package' if package_version else None
    return {'module': module, 'exists': True, 'version': version,
            'python_version': linked_python(os.path.realpath(module)), 'source': source}
