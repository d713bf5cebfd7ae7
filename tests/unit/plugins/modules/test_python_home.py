# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module run as a program, the way Ansible runs it: arguments in a JSON file named by argv[1]."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import shutil
import subprocess
import sys

import pytest

import ansible.module_utils
from ansible_collections.modwsgi.deploy.plugins.module_utils.interpreter import MOD_WSGI_DEFAULT, WSGI_LOAD_FILE

CURRENT_XY = '%d.%d' % sys.version_info[:2]
RESULT_KEYS = {'prefix', 'base_prefix', 'is_virtualenv', 'python_version', 'python_executable',
               'site_packages', 'mod_wsgi', 'mod_wsgi_python_version', 'compatible'}


@pytest.fixture
def run_module(run_plugin_module):
    """run(args, python=..., pythonpath=...) -> (rc, parsed JSON result) of python_home."""
    return lambda args, **kwargs: run_plugin_module('python_home', args, **kwargs)


def _failure(run_module, args):
    rc, result = run_module(args)
    assert rc == 1
    assert result['failed'] is True
    assert result.get('changed', False) is False
    assert not RESULT_KEYS & set(result)
    return result['msg']


def test_matching_venv(run_module, venv, mod_wsgi_stubs):
    rc, result = run_module({'virtualenv': venv, 'mod_wsgi': mod_wsgi_stubs[CURRENT_XY]})
    assert rc == 0
    assert 'failed' not in result
    assert result['changed'] is False
    assert RESULT_KEYS <= set(result)
    assert os.path.realpath(result['prefix']) == os.path.realpath(venv)
    assert result['is_virtualenv'] is True
    assert result['compatible'] is True
    assert result['python_version'].startswith(CURRENT_XY + '.')
    assert result['python_executable'] == os.path.join(venv, 'bin', 'python')
    assert result['site_packages'].startswith(result['prefix'])
    assert result['mod_wsgi_python_version'] == CURRENT_XY


def test_check_mode_still_probes(run_module, venv, mod_wsgi_stubs):
    rc, result = run_module({'virtualenv': venv, 'mod_wsgi': mod_wsgi_stubs[CURRENT_XY], '_ansible_check_mode': True})
    assert rc == 0
    assert result['changed'] is False
    assert os.path.realpath(result['prefix']) == os.path.realpath(venv)


def test_debian12_layout_symlink(run_module, venv, mod_wsgi_stubs):
    rc, result = run_module({'virtualenv': venv, 'mod_wsgi': mod_wsgi_stubs['3.11-symlink'], 'require_match': False})
    assert rc == 0
    assert result['mod_wsgi'].endswith('/mod_wsgi.so-3.11')
    assert result['mod_wsgi_python_version'] == '3.11'
    assert result['compatible'] is (CURRENT_XY == '3.11')


def test_mismatch_fails(run_module, venv, mod_wsgi_stubs):
    msg = _failure(run_module, {'virtualenv': venv, 'mod_wsgi': mod_wsgi_stubs['3.6']})
    python_version = '%d.%d.%d' % sys.version_info[:3]
    assert msg == (
        "Python version mismatch: {venv}/bin/python is Python {pv} but mod_wsgi {so} is built for Python 3.6, "
        "and Apache's Python processes would die at start (\"No module named 'encodings'\"). Install python3.6 "
        "and recreate the virtualenv with it (remove it, then: python3.6 -m venv {venv}), or build mod_wsgi "
        "for Python {xy} (modwsgi.deploy.apache with apache_mod_wsgi_source: pip). Set require_match to false to only report the mismatch."
    ).format(venv=venv, pv=python_version, so=mod_wsgi_stubs['3.6'], xy=CURRENT_XY)


def test_mismatch_reported_without_require_match(run_module, venv, mod_wsgi_stubs):
    rc, result = run_module({'virtualenv': venv, 'mod_wsgi': mod_wsgi_stubs['3.6'], 'require_match': False})
    assert rc == 0
    assert 'failed' not in result
    assert result['compatible'] is False
    assert result['mod_wsgi_python_version'] == '3.6'


def test_python_option_alone(run_module, mod_wsgi_stubs):
    rc, result = run_module({'python': sys.executable, 'mod_wsgi': mod_wsgi_stubs[CURRENT_XY]})
    assert rc == 0
    assert result['compatible'] is True


def test_missing_virtualenv(run_module, tmp_path, mod_wsgi_stubs):
    missing = str(tmp_path / 'nowhere')
    msg = _failure(run_module, {'virtualenv': missing, 'mod_wsgi': mod_wsgi_stubs['3.6']})
    assert msg == ('virtualenv {0} does not exist. Create it with the Python mod_wsgi is built for '
                   '(python3.6 -m venv {0}) or fix the path.'.format(missing))


def test_not_a_virtualenv(run_module, tmp_path, mod_wsgi_stubs):
    directory = tmp_path / 'plain'
    (directory / 'bin').mkdir(parents=True)
    os.symlink(os.path.realpath(sys.executable), str(directory / 'bin' / 'python'))
    msg = _failure(run_module, {'virtualenv': str(directory), 'mod_wsgi': mod_wsgi_stubs[CURRENT_XY]})
    assert msg.startswith('%s is not a virtualenv: %s/bin/python reports sys.prefix ' % (directory, directory))
    assert msg.endswith('python%s -m venv %s' % (CURRENT_XY, directory))


def test_empty_directory(run_module, tmp_path, mod_wsgi_stubs):
    msg = _failure(run_module, {'virtualenv': str(tmp_path), 'mod_wsgi': mod_wsgi_stubs['3.6']})
    assert msg == ('%s is not a virtualenv: it has neither pyvenv.cfg nor bin/python. Create one with: '
                   'python3.6 -m venv %s' % (tmp_path, tmp_path))


@pytest.mark.parametrize('content,executable,message', [
    (b'#!/bin/sh\necho "garbage"\n', True,
     "%s did not answer like a Python interpreter: the probe expected one JSON line, got 'garbage\\n'. "
     "Point python at a real Python interpreter."),
    (b'#!/bin/sh\n', False,
     'Python interpreter %s is not an executable file. Point python at an interpreter that the remote user may '
     'execute.'),
    (b'\0\0\0\0', True, 'Cannot run %s: Exec format error. Point python at a working Python interpreter.'),
], ids=['printing garbage', 'not executable', 'exec format error'])
def test_interpreter_that_is_not_python(run_module, tmp_path, mod_wsgi_stubs, content, executable, message):
    python = tmp_path / 'python'
    python.write_bytes(content)
    if executable:
        python.chmod(0o755)
    msg = _failure(run_module, {'python': str(python), 'mod_wsgi': mod_wsgi_stubs['3.6']})
    assert msg == message % python


def test_missing_mod_wsgi(run_module, venv, tmp_path):
    missing = str(tmp_path / 'mod_wsgi.so')
    msg = _failure(run_module, {'virtualenv': venv, 'mod_wsgi': missing})
    assert msg == ('mod_wsgi %s does not exist. Set mod_wsgi to the path of mod_wsgi.so, or leave it unset to '
                   'use the one of the libapache2-mod-wsgi-py3 package.' % missing)


def test_mod_wsgi_not_elf(run_module, venv, tmp_path):
    path = str(tmp_path / 'mod_wsgi.so')
    with open(path, 'wb') as handle:
        handle.write(b'\x7fELF\x02')
    msg = _failure(run_module, {'virtualenv': venv, 'mod_wsgi': path})
    assert msg == ('mod_wsgi %s is not a valid ELF shared object: truncated: the ELF identification is '
                   'incomplete. Point mod_wsgi at the real mod_wsgi.so or reinstall libapache2-mod-wsgi-py3.'
                   % path)


def test_mod_wsgi_without_libpython(run_module, venv):
    ls = os.path.realpath(shutil.which('ls'))
    msg = _failure(run_module, {'virtualenv': venv, 'mod_wsgi': ls})
    assert msg.startswith('mod_wsgi %s links no libpython (it needs: ' % ls)


def test_default_mod_wsgi(run_module, venv):
    # Whether this machine has mod_wsgi decides which of the two outcomes is right.
    if os.path.exists(WSGI_LOAD_FILE) or os.path.exists(MOD_WSGI_DEFAULT):
        rc, result = run_module({'virtualenv': venv, 'require_match': False})
        assert rc == 0
        assert os.path.isabs(result['mod_wsgi'])
    else:
        msg = _failure(run_module, {'virtualenv': venv})
        assert msg == ('mod_wsgi is not installed: /usr/lib/apache2/modules/mod_wsgi.so does not exist. Install '
                       'the libapache2-mod-wsgi-py3 package (apt-get install libapache2-mod-wsgi-py3), or set '
                       'mod_wsgi to the path of mod_wsgi.so.')


def test_one_of_virtualenv_and_python_is_required(run_module):
    msg = _failure(run_module, {'require_match': False})
    assert msg == 'one of the following is required: virtualenv, python'


def test_unknown_option_is_rejected(run_module, venv):
    msg = _failure(run_module, {'virtualenv': venv, 'home': '/srv'})
    assert 'Unsupported parameters' in msg


def _find_python36():
    # pyenv shims exist for versions that are installed but not selected, so ask each candidate.
    for candidate in ('python3.6', os.path.expanduser('~/.pyenv/versions/3.6.15/bin/python3.6')):
        path = shutil.which(candidate)
        if path and subprocess.call([path, '-c', 'import sys; sys.exit(sys.version_info[:2] != (3, 6))'],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0:
            return path
    return None


@pytest.mark.skipif(_find_python36() is None, reason='needs a python3.6 interpreter (Ubuntu 18.04 targets)')
def test_module_runs_on_python36(run_module, tmp_path, mod_wsgi_stubs, collections_root):
    # Like AnsiballZ on an Ubuntu 18.04 target: Python 3.6 runs the module and the venv is 3.6 too.
    # ansible.module_utils is shipped to targets on its own, so a bare 'ansible' package holding
    # just module_utils stands in for the controller's ansible package.
    python36 = _find_python36()
    stub = tmp_path / 'target'
    (stub / 'ansible').mkdir(parents=True)
    (stub / 'ansible' / '__init__.py').write_text(u'')
    os.symlink(os.path.dirname(ansible.module_utils.__file__), str(stub / 'ansible' / 'module_utils'))
    venv36 = str(tmp_path / 'venv36')
    subprocess.check_call([python36, '-m', 'venv', '--without-pip', venv36])

    rc, result = run_module({'virtualenv': venv36, 'mod_wsgi': mod_wsgi_stubs['3.6']},
                            python=python36, pythonpath=(str(stub), collections_root))
    assert rc == 0, result
    assert result['compatible'] is True
    assert result['python_version'].startswith('3.6.')

    rc, result = run_module({'virtualenv': venv36, 'mod_wsgi': mod_wsgi_stubs['3.11-symlink']},
                            python=python36, pythonpath=(str(stub), collections_root))
    assert rc == 1
    assert 'is Python 3.6.' in result['msg'] and 'built for Python 3.11' in result['msg']
