# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mod_wsgi_build run as a program, the way Ansible runs it, building conftest's stand-in source
distributions offline with real pip into real virtualenvs."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import glob
import os
import shutil
import subprocess
import sys

import pytest

import ansible.module_utils

CURRENT_XY = '%d.%d' % sys.version_info[:2]
CURRENT_XYZ = '%d.%d.%d' % sys.version_info[:3]
RESULT_KEYS = {'version', 'installed_version', 'module', 'python_version', 'python_prefix', 'python_executable',
               'virtualenv', 'up_to_date'}


@pytest.fixture
def run_module(run_plugin_module, tmp_path, collections_root, monkeypatch):
    """run(args) -> (rc, parsed JSON result) of mod_wsgi_build, with pip unconfigured.

    The module's PYTHONPATH reaches pip through run_command, so it holds only ansible.module_utils
    (as a target has) and the collection, not the tool venv's site-packages with its own pip and
    setuptools. PIP_* variables and pip.conf are left out so that only find_links feeds pip.
    """
    stub = tmp_path / 'target'
    (stub / 'ansible').mkdir(parents=True)
    (stub / 'ansible' / '__init__.py').write_text(u'')
    os.symlink(os.path.dirname(ansible.module_utils.__file__), str(stub / 'ansible' / 'module_utils'))
    for key in [key for key in os.environ if key.startswith('PIP_')]:
        monkeypatch.delenv(key)
    monkeypatch.setenv('PIP_CONFIG_FILE', os.devnull)
    return lambda args: run_plugin_module('mod_wsgi_build', args, pythonpath=(str(stub), collections_root))


@pytest.fixture
def args(base_python, mod_wsgi_sdists, tmp_path):
    return {'python': base_python, 'virtualenv': str(tmp_path / 'mod_wsgi'), 'version': '9.9.9',
            'find_links': mod_wsgi_sdists}


def _success(run_module, module_args):
    rc, result = run_module(module_args)
    assert rc == 0, result
    assert 'failed' not in result
    assert RESULT_KEYS <= set(result)
    # An internal of the module_utils, not part of the documented return values.
    assert 'venv_fits' not in result
    return result


def _failure(run_module, module_args):
    rc, result = run_module(module_args)
    assert rc == 1
    assert result['failed'] is True
    assert result.get('changed', False) is False
    return result['msg']


def test_check_mode_reports_a_build_without_building(run_module, args, base_python):
    result = _success(run_module, dict(args, _ansible_check_mode=True))
    assert result['changed'] is True
    assert result['up_to_date'] is False
    assert result['module'] is None
    assert result['installed_version'] is None
    assert result['version'] == '9.9.9'
    assert result['python_version'] == CURRENT_XYZ
    assert result['python_executable'] == base_python
    assert result['python_prefix'] == sys.base_prefix
    assert not os.path.exists(args['virtualenv'])


def test_build_then_nothing_to_do(run_module, args):
    first = _success(run_module, args)
    assert first['changed'] is True
    assert first['up_to_date'] is False
    assert first['installed_version'] == '9.9.9'
    module = first['module']
    assert module.startswith(os.path.join(args['virtualenv'], 'lib', 'python' + CURRENT_XY, 'site-packages',
                                          'mod_wsgi', 'server', 'mod_wsgi-py'))
    assert os.path.isfile(module)
    built_at = os.stat(module).st_mtime_ns

    for check_mode in (False, True):
        again = _success(run_module, dict(args, _ansible_check_mode=check_mode))
        assert again['changed'] is False
        assert again['up_to_date'] is True
        assert again['installed_version'] == '9.9.9'
        assert again['module'] == module
    # Nothing was reinstalled by the runs that had nothing to do.
    assert os.stat(module).st_mtime_ns == built_at

    # Another release is a change again; check mode says so without touching the build.
    other = _success(run_module, dict(args, version='9.9.8', _ansible_check_mode=True))
    assert other['changed'] is True
    assert other['up_to_date'] is False
    assert other['installed_version'] == '9.9.9'
    assert other['module'] is None
    assert os.stat(module).st_mtime_ns == built_at


def test_junk_version_fails(run_module, args):
    msg = _failure(run_module, dict(args, version='latest'))
    assert msg == "version 'latest' is not a mod_wsgi release number (such as 5.0.2 or 6.1.1)."
    assert not os.path.exists(args['virtualenv'])


def _find_python_before_310():
    # A real interpreter is what the probe needs; pyenv keeps versions that are not on PATH.
    for minor in (9, 8, 7, 6):
        pyenv = os.path.expanduser('~/.pyenv/versions/3.%d.*/bin/python3.%d' % (minor, minor))
        check = 'import sys; sys.exit(sys.version_info[:2] != (3, %d) or sys.prefix != sys.base_prefix)' % minor
        for candidate in sorted(glob.glob(pyenv)) + [shutil.which('python3.%d' % minor) or '']:
            if candidate and subprocess.call([candidate, '-c', check],
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0:
                return candidate, '3.%d' % minor
    return None, None


def test_release_too_new_for_python_fails(run_module, args):
    python, python_xy = _find_python_before_310()
    # The test machines have pyenv's 3.6 to 3.13 (and Debian's own); without one this fails, never skips.
    assert python, 'needs a Python 3.6 to 3.9 interpreter (pyenv or on PATH)'
    msg = _failure(run_module, dict(args, python=python, version='6.1.1'))
    newest = '5.0.2' if python_xy in ('3.8', '3.9') else '4.9.4'
    assert msg == ('mod_wsgi 6.1.1 needs Python 3.10 or later, and the interpreter is Python {0}. Use mod_wsgi {1} '
                   '(the newest release for Python {0}), or leave the version unset.'.format(python_xy, newest))
    assert not os.path.exists(args['virtualenv'])


def test_foreign_directory_fails(run_module, args):
    os.makedirs(os.path.join(args['virtualenv'], 'data'))
    msg = _failure(run_module, args)
    assert msg == ('%s exists and was not made by modwsgi.deploy (it has no .modwsgi-deploy-build), so it is '
                   "left alone. Choose another path for mod_wsgi's virtualenv or remove it." % args['virtualenv'])
    assert os.listdir(args['virtualenv']) == ['data']


def test_virtualenv_interpreter_fails(run_module, args, venv):
    python = os.path.join(venv, 'bin', 'python')
    msg = _failure(run_module, dict(args, python=python))
    assert msg.startswith('%s runs in the virtualenv %s; ' % (python, venv))


def test_build_failure_fails_with_pip_output(run_module, args):
    msg = _failure(run_module, dict(args, version='9.9.7'))
    assert msg.startswith('Building mod_wsgi 9.9.7 for Python %s from %s without an index' % (
        CURRENT_XY, args['find_links']))
    assert 'mod_wsgi==9.9.7' in msg


def test_python_is_required(run_module, args):
    del args['python']
    assert _failure(run_module, args) == 'missing required arguments: python'
