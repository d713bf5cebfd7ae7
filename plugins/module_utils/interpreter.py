# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find the Python home of a virtualenv and check it against the Python mod_wsgi is built for.

mod_wsgi embeds the libpython it was linked with; a Python home made by another X.Y makes its
daemon processes die at start ("No module named 'encodings'"), so the check compares the two.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import re

from ansible_collections.modwsgi.deploy.plugins.module_utils.elf import (
    ElfError,
    libpython_version,
    needed_libraries,
)

WSGI_LOAD_FILE = '/etc/apache2/mods-available/wsgi.load'
MOD_WSGI_DEFAULT = '/usr/lib/apache2/modules/mod_wsgi.so'
MOD_WSGI_PACKAGE = 'libapache2-mod-wsgi-py3'

# Python 2.7-compatible so that a wrong interpreter still answers and gets a clear mismatch
# message. Dropping '' from sys.path stops modules in the working directory from shadowing
# json or sysconfig; -E and -s (not -I, which Python 2 lacks) keep PYTHON* variables and the
# user site out. sys.real_prefix is set by virtualenv < 20, which leaves base_prefix alone.
PROBE = (
    "import sys\n"
    "sys.path[:] = [p for p in sys.path if p]\n"
    "import json, sysconfig\n"
    "print(json.dumps({\n"
    "    'prefix': sys.prefix,\n"
    "    'base_prefix': getattr(sys, 'real_prefix', getattr(sys, 'base_prefix', sys.prefix)),\n"
    "    'version': list(sys.version_info[:3]),\n"
    "    'executable': sys.executable,\n"
    "    'purelib': sysconfig.get_paths()['purelib'],\n"
    "}))\n"
)

_PROBE_TEXT_KEYS = ('prefix', 'base_prefix', 'executable', 'purelib')
_LOAD_MODULE = re.compile(r'^\s*LoadModule\s+wsgi_module\s+("[^"]+"|\S+)', re.IGNORECASE | re.MULTILINE)


class PythonHomeError(Exception):
    """A problem the user has to fix; the text says what is wrong and what to do."""


def probe_command(python):
    """Return the argv that runs the probe with the given interpreter."""
    return [python, '-E', '-s', '-c', PROBE]


def _venv_hint(virtualenv, wsgi_version):
    return "python%s -m venv %s" % (wsgi_version, virtualenv)


def _venv_target(virtualenv, facts):
    # Never suggest making a venv on top of a system Python's prefix such as /usr.
    if virtualenv is not None:
        return virtualenv
    return facts['prefix'] if facts['is_virtualenv'] else '/path/to/venv'


def resolve_interpreter(virtualenv, python, wsgi_version):
    """Return the interpreter to run: python if given, else <virtualenv>/bin/python.

    wsgi_version (X.Y of mod_wsgi's Python) only goes into the advice of the messages.
    """
    if virtualenv is not None:
        if not os.path.exists(virtualenv):
            raise PythonHomeError(
                "virtualenv %s does not exist. Create it with the Python mod_wsgi is built for "
                "(%s) or fix the path." % (virtualenv, _venv_hint(virtualenv, wsgi_version)))
        if not os.path.isdir(virtualenv):
            raise PythonHomeError(
                "virtualenv %s is not a directory. Point virtualenv at the directory of a virtualenv "
                "(the one holding pyvenv.cfg and bin/)." % virtualenv)
    if python is None:
        python = os.path.join(virtualenv, 'bin', 'python')
        if not os.path.exists(python):
            if not os.path.exists(os.path.join(virtualenv, 'pyvenv.cfg')):
                raise PythonHomeError(
                    "%s is not a virtualenv: it has neither pyvenv.cfg nor bin/python. "
                    "Create one with: %s" % (virtualenv, _venv_hint(virtualenv, wsgi_version)))
            raise PythonHomeError(
                "virtualenv %s has no bin/python, so it is broken. Remove it and recreate it with: %s"
                % (virtualenv, _venv_hint(virtualenv, wsgi_version)))
    elif not os.path.exists(python):
        raise PythonHomeError(
            "Python interpreter %s does not exist. Set python to an existing interpreter, "
            "usually <virtualenv>/bin/python." % python)
    if not os.path.isfile(python) or not os.access(python, os.X_OK):
        raise PythonHomeError(
            "Python interpreter %s is not an executable file. Point python at an interpreter "
            "that the remote user may execute." % python)
    return python


def parse_probe(python, rc, out, err):
    """Turn the result of running probe_command(python) into facts, or raise PythonHomeError."""
    if rc != 0:
        lines = err.strip().splitlines()
        raise PythonHomeError(
            "Running %s failed with exit code %s: %s. Check that it is a working Python "
            "interpreter (run it by hand) or recreate the virtualenv."
            % (python, rc, lines[-1] if lines else 'no error output'))
    lines = out.strip().splitlines()
    try:
        answer = json.loads(lines[-1])
        version = [int(part) for part in answer['version']]
        text = [answer[key] for key in _PROBE_TEXT_KEYS]
    except (IndexError, KeyError, TypeError, ValueError):
        raise PythonHomeError(
            "%s did not answer like a Python interpreter: the probe expected one JSON line, "
            "got %r. Point python at a real Python interpreter." % (python, out[:200]))
    if len(version) != 3 or not all(isinstance(value, str) for value in text):
        raise PythonHomeError(
            "%s did not answer like a Python interpreter: the probe got %r. Point python at a "
            "real Python interpreter." % (python, out[:200]))
    return {
        'prefix': answer['prefix'],
        'base_prefix': answer['base_prefix'],
        'is_virtualenv': answer['prefix'] != answer['base_prefix'],
        'python_version': '%d.%d.%d' % tuple(version),
        'python_executable': answer['executable'],
        'site_packages': answer['purelib'],
    }


def run_probe(python, run_command):
    """Run the probe with the interpreter and return its facts, or raise PythonHomeError.

    run_command(argv) must return (rc, stdout, stderr) as text and may raise OSError.
    """
    try:
        rc, out, err = run_command(probe_command(python))
    except (IOError, OSError) as exc:
        raise PythonHomeError(
            "Cannot run %s: %s. Point python at a working Python interpreter."
            % (python, exc.strerror or exc))
    return parse_probe(python, rc, out, err)


def check_virtualenv(virtualenv, python, facts, wsgi_version):
    """Raise PythonHomeError when the virtualenv option names something that is not one."""
    if virtualenv is None or facts['is_virtualenv']:
        return
    raise PythonHomeError(
        "%s is not a virtualenv: %s reports sys.prefix %s, the same as its base prefix, so it is a "
        "system Python. Create a virtualenv with the Python mod_wsgi is built for: %s"
        % (virtualenv, python, facts['prefix'], _venv_hint(virtualenv, wsgi_version)))


def load_module_path(load_file=WSGI_LOAD_FILE):
    """The module file named by the LoadModule line of load_file, or None."""
    try:
        with open(load_file) as handle:
            match = _LOAD_MODULE.search(handle.read())
    except (IOError, OSError):
        return None
    if match is None:
        return None
    path = match.group(1).strip('"')
    # Relative paths are relative to ServerRoot, which is the parent of mods-available.
    return os.path.join(os.path.dirname(os.path.dirname(load_file)), path)


def locate_mod_wsgi(mod_wsgi, load_file=WSGI_LOAD_FILE, default=MOD_WSGI_DEFAULT):
    """Return the resolved path of mod_wsgi.so.

    Without mod_wsgi, use the LoadModule line of load_file, else default. Symlinks are resolved
    (Debian 12 ships mod_wsgi.so as a link to mod_wsgi.so-3.11).
    """
    if mod_wsgi is not None:
        if not os.path.exists(mod_wsgi):
            raise PythonHomeError(
                "mod_wsgi %s does not exist. Set mod_wsgi to the path of mod_wsgi.so, or leave it "
                "unset to use the one of the %s package." % (mod_wsgi, MOD_WSGI_PACKAGE))
        return os.path.realpath(mod_wsgi)
    path = load_module_path(load_file) or default
    if not os.path.exists(path):
        raise PythonHomeError(
            "mod_wsgi is not installed: %s does not exist. Install the %s package "
            "(apt-get install %s), or set mod_wsgi to the path of mod_wsgi.so."
            % (path, MOD_WSGI_PACKAGE, MOD_WSGI_PACKAGE))
    return os.path.realpath(path)


def mod_wsgi_python_version(path):
    """Return X.Y of the libpython that the ELF file at path links against."""
    if not os.path.isfile(path):
        raise PythonHomeError(
            "mod_wsgi %s is not a file. Set mod_wsgi to the path of mod_wsgi.so." % path)
    try:
        needed = needed_libraries(path)
    except ElfError as exc:
        raise PythonHomeError(
            "mod_wsgi %s is not a valid ELF shared object: %s. Point mod_wsgi at the real "
            "mod_wsgi.so or reinstall %s." % (path, exc, MOD_WSGI_PACKAGE))
    version = libpython_version(needed)
    if version is None:
        raise PythonHomeError(
            "mod_wsgi %s links no libpython (it needs: %s), so the Python it is built for is "
            "unknown. Point mod_wsgi at a mod_wsgi.so built against a shared libpython, such as "
            "the one of %s." % (path, ', '.join(needed) or 'nothing', MOD_WSGI_PACKAGE))
    return version


def check_compatibility(python, facts, mod_wsgi, wsgi_version, virtualenv, require_match):
    """Return whether facts' Python X.Y is mod_wsgi's; raise on a mismatch if require_match."""
    python_short = '.'.join(facts['python_version'].split('.')[:2])
    if python_short == wsgi_version:
        return True
    if require_match:
        raise PythonHomeError(
            "Python version mismatch: %s is Python %s but mod_wsgi %s is built for Python %s, and "
            "Apache's Python processes would die at start (\"No module named 'encodings'\"). Install "
            "python%s and recreate the virtualenv with it (remove it, then: %s), or build mod_wsgi for "
            "Python %s (modwsgi.deploy.apache with apache_mod_wsgi_source: pip). Set require_match to "
            "false to only report the mismatch."
            % (python, facts['python_version'], mod_wsgi, wsgi_version, wsgi_version,
               _venv_hint(_venv_target(virtualenv, facts), wsgi_version), python_short))
    return False


def inspect(virtualenv, python, mod_wsgi, require_match, run_command):
    """Return the module's result facts.

    run_command(argv) must return (rc, stdout, stderr) as text and may raise OSError.
    """
    mod_wsgi = locate_mod_wsgi(mod_wsgi)
    wsgi_version = mod_wsgi_python_version(mod_wsgi)
    python = resolve_interpreter(virtualenv, python, wsgi_version)
    facts = run_probe(python, run_command)
    check_virtualenv(virtualenv, python, facts, wsgi_version)
    facts['mod_wsgi'] = mod_wsgi
    facts['mod_wsgi_python_version'] = wsgi_version
    facts['compatible'] = check_compatibility(python, facts, mod_wsgi, wsgi_version, virtualenv, require_match)
    return facts
