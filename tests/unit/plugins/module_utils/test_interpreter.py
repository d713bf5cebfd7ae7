# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import re
import shutil
import stat
import sys

import pytest

from ansible_collections.modwsgi.deploy.plugins.module_utils.interpreter import (
    PythonHomeError,
    check_compatibility,
    check_virtualenv,
    inspect,
    locate_mod_wsgi,
    mod_wsgi_python_version,
    parse_probe,
    probe_command,
    resolve_interpreter,
)

CURRENT_XY = '%d.%d' % sys.version_info[:2]
CURRENT_XYZ = '%d.%d.%d' % sys.version_info[:3]


def refusal(function, *args, **kwargs):
    """The message of the PythonHomeError that function(*args, **kwargs) raises."""
    with pytest.raises(PythonHomeError) as error:
        function(*args, **kwargs)
    return str(error.value)


def _write(path, text, mode=0o644):
    with open(str(path), 'w') as handle:
        handle.write(text)
    os.chmod(str(path), mode)
    return str(path)


def _script(tmp_path, name, body):
    return _write(tmp_path / name, '#!/bin/sh\n' + body, 0o755)


@pytest.fixture
def system_python(tmp_path):
    """A directory whose bin/python is the base (non-venv) interpreter and that has no pyvenv.cfg."""
    directory = tmp_path / 'not-a-venv'
    (directory / 'bin').mkdir(parents=True)
    os.symlink(os.path.realpath(sys.executable), str(directory / 'bin' / 'python'))
    return str(directory)


# locate_mod_wsgi


def test_explicit_mod_wsgi_symlink_is_resolved(mod_wsgi_stubs):
    link = mod_wsgi_stubs['3.11-symlink']
    assert locate_mod_wsgi(link) == os.path.join(os.path.dirname(link), 'mod_wsgi.so-3.11')


def test_explicit_mod_wsgi_missing(tmp_path):
    missing = str(tmp_path / 'mod_wsgi.so')
    assert refusal(locate_mod_wsgi, missing) == (
        'mod_wsgi %s does not exist. Set mod_wsgi to the path of mod_wsgi.so, or leave it unset to use '
        'the one of the libapache2-mod-wsgi-py3 package.' % missing)


@pytest.mark.parametrize('line', [
    'LoadModule wsgi_module {path}\n',
    '# Depends: mpm_event\n  loadmodule   wsgi_module   "{path}"  \n',
    '#LoadModule wsgi_module /nowhere/mod_wsgi.so\nLoadModule wsgi_module {path}\n',
])
def test_default_from_load_file(tmp_path, mod_wsgi_stubs, line):
    load_file = _write(tmp_path / 'wsgi.load', line.format(path=mod_wsgi_stubs['3.11-symlink']))
    found = locate_mod_wsgi(None, load_file=load_file, default=str(tmp_path / 'absent.so'))
    assert found == os.path.realpath(mod_wsgi_stubs['3.11-symlink'])


def test_load_file_path_relative_to_server_root(tmp_path, mod_wsgi_stubs):
    server_root = tmp_path / 'apache2'
    (server_root / 'mods-available').mkdir(parents=True)
    (server_root / 'modules').mkdir()
    shutil.copy(mod_wsgi_stubs['3.6'], str(server_root / 'modules' / 'mod_wsgi.so'))
    load_file = _write(server_root / 'mods-available' / 'wsgi.load', 'LoadModule wsgi_module modules/mod_wsgi.so\n')
    assert locate_mod_wsgi(None, load_file=load_file) == str(server_root / 'modules' / 'mod_wsgi.so')


@pytest.mark.parametrize('load_text', [None, '# no LoadModule here\n'])
def test_default_without_usable_load_file(tmp_path, mod_wsgi_stubs, load_text):
    load_file = str(tmp_path / 'wsgi.load')
    if load_text is not None:
        _write(load_file, load_text)
    found = locate_mod_wsgi(None, load_file=load_file, default=mod_wsgi_stubs['3.11-symlink'])
    assert found.endswith('mod_wsgi.so-3.11')


def test_not_installed(tmp_path):
    default = str(tmp_path / 'modules' / 'mod_wsgi.so')
    assert refusal(locate_mod_wsgi, None, load_file=str(tmp_path / 'wsgi.load'), default=default) == (
        'mod_wsgi is not installed: %s does not exist. Install the libapache2-mod-wsgi-py3 package '
        '(apt-get install libapache2-mod-wsgi-py3), or set mod_wsgi to the path of mod_wsgi.so.' % default)


def test_load_file_names_a_missing_module(tmp_path):
    load_file = _write(tmp_path / 'wsgi.load', 'LoadModule wsgi_module /gone/mod_wsgi.so\n')
    with pytest.raises(PythonHomeError, match='mod_wsgi is not installed: /gone/mod_wsgi.so does not exist'):
        locate_mod_wsgi(None, load_file=load_file)


# mod_wsgi_python_version


@pytest.mark.parametrize('key,version', [('3.6', '3.6'), ('3.11-symlink', '3.11')])
def test_mod_wsgi_python_version(mod_wsgi_stubs, key, version):
    assert mod_wsgi_python_version(os.path.realpath(mod_wsgi_stubs[key])) == version


def test_mod_wsgi_without_libpython():
    ls = os.path.realpath(shutil.which('ls'))
    message = refusal(mod_wsgi_python_version, ls)
    assert message.startswith('mod_wsgi %s links no libpython (it needs: ' % ls)
    assert 'libc.so.6' in message
    assert message.endswith(
        '), so the Python it is built for is unknown. Point mod_wsgi at a mod_wsgi.so built against a '
        'shared libpython, such as the one of libapache2-mod-wsgi-py3.')


def test_mod_wsgi_not_elf(tmp_path):
    path = _write(tmp_path / 'mod_wsgi.so', 'not a shared object\n')
    assert refusal(mod_wsgi_python_version, path) == (
        'mod_wsgi %s is not a valid ELF shared object: not an ELF file (no ELF magic number at its '
        'start). Point mod_wsgi at the real mod_wsgi.so or reinstall libapache2-mod-wsgi-py3.' % path)


def test_mod_wsgi_is_a_directory(tmp_path):
    with pytest.raises(PythonHomeError, match='is not a file. Set mod_wsgi to the path of mod_wsgi.so.'):
        mod_wsgi_python_version(str(tmp_path))


# resolve_interpreter


def test_resolve_default_interpreter(venv):
    assert resolve_interpreter(venv, None, '3.6') == os.path.join(venv, 'bin', 'python')


def test_resolve_explicit_interpreter_wins(venv):
    assert resolve_interpreter(venv, sys.executable, '3.6') == sys.executable


def test_virtualenv_missing(tmp_path):
    missing = str(tmp_path / 'venv')
    assert refusal(resolve_interpreter, missing, None, '3.6') == (
        'virtualenv %s does not exist. Create it with the Python mod_wsgi is built for '
        '(python3.6 -m venv %s) or fix the path.' % (missing, missing))


def test_virtualenv_is_a_file(tmp_path):
    path = _write(tmp_path / 'venv', '')
    with pytest.raises(PythonHomeError, match=re.escape('virtualenv %s is not a directory.' % path)):
        resolve_interpreter(path, None, '3.6')


def test_directory_without_venv_files(tmp_path):
    assert refusal(resolve_interpreter, str(tmp_path), None, '3.11') == (
        '%s is not a virtualenv: it has neither pyvenv.cfg nor bin/python. Create one with: '
        'python3.11 -m venv %s' % (tmp_path, tmp_path))


def test_venv_without_interpreter(tmp_path):
    _write(tmp_path / 'pyvenv.cfg', 'home = /usr/bin\n')
    assert refusal(resolve_interpreter, str(tmp_path), None, '3.11') == (
        'virtualenv %s has no bin/python, so it is broken. Remove it and recreate it with: '
        'python3.11 -m venv %s' % (tmp_path, tmp_path))


def test_interpreter_missing(tmp_path):
    missing = str(tmp_path / 'python')
    assert refusal(resolve_interpreter, None, missing, '3.6') == (
        'Python interpreter %s does not exist. Set python to an existing interpreter, usually '
        '<virtualenv>/bin/python.' % missing)


@pytest.mark.parametrize('kind', ['not executable', 'directory'])
def test_interpreter_not_executable(tmp_path, kind):
    if kind == 'directory':
        path = str(tmp_path)
    else:
        path = _write(tmp_path / 'python', '#!/bin/sh\n', 0o644)
    assert refusal(resolve_interpreter, None, path, '3.6') == (
        'Python interpreter %s is not an executable file. Point python at an interpreter that the '
        'remote user may execute.' % path)


# probe


def test_probe_of_a_real_venv(venv, run_command):
    python = os.path.join(venv, 'bin', 'python')
    facts = parse_probe(python, *run_command(probe_command(python)))
    assert os.path.realpath(facts['prefix']) == os.path.realpath(venv)
    assert facts['base_prefix'] == sys.base_prefix
    assert facts['is_virtualenv'] is True
    assert facts['python_version'] == CURRENT_XYZ
    assert facts['python_executable'] == python
    assert facts['site_packages'] == os.path.join(
        facts['prefix'], 'lib', 'python%s' % CURRENT_XY, 'site-packages')


def test_probe_ignores_the_callers_environment(venv, run_command, monkeypatch, tmp_path):
    # A json.py next to the working directory and PYTHONPATH/PYTHONHOME must not leak in.
    _write(tmp_path / 'json.py', 'raise SystemExit("shadowed")\n')
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.setenv('PYTHONPATH', str(tmp_path))
    monkeypatch.setenv('PYTHONHOME', '/nonexistent')
    python = os.path.join(venv, 'bin', 'python')
    facts = parse_probe(python, *run_command(probe_command(python)))
    assert facts['is_virtualenv'] is True


def test_probe_of_a_system_python(system_python, run_command):
    python = os.path.join(system_python, 'bin', 'python')
    facts = parse_probe(python, *run_command(probe_command(python)))
    assert facts['is_virtualenv'] is False
    assert facts['prefix'] == facts['base_prefix'] == sys.base_prefix


@pytest.mark.parametrize('body,expected', [
    ('echo hello\n', "did not answer like a Python interpreter: the probe expected one JSON line, got 'hello\\n'"),
    ('', "did not answer like a Python interpreter: the probe expected one JSON line, got ''"),
    ('echo \'{"prefix": 1}\'\n', 'did not answer like a Python interpreter'),
    ('echo \'{"prefix": 1, "base_prefix": "/", "version": [3, 6, 0], "executable": "x", "purelib": "y"}\'\n',
     'did not answer like a Python interpreter: the probe got'),
    ('echo \'["a list"]\'\n', 'did not answer like a Python interpreter'),
    ('echo boom >&2; exit 3\n', 'failed with exit code 3: boom. Check that it is a working Python interpreter'),
    ('exit 4\n', 'failed with exit code 4: no error output.'),
    ('kill -SEGV $$\n', 'failed with exit code -11'),
])
def test_probe_of_broken_interpreters(tmp_path, run_command, body, expected):
    python = _script(tmp_path, 'python', body)
    with pytest.raises(PythonHomeError) as error:
        parse_probe(python, *run_command(probe_command(python)))
    assert str(error.value).startswith(python + ' ' if 'answer' in expected else 'Running %s ' % python)
    assert expected in str(error.value)


def test_exact_garbage_message(tmp_path, run_command):
    python = _script(tmp_path, 'python', 'echo hello\n')
    assert refusal(parse_probe, python, *run_command(probe_command(python))) == (
        "%s did not answer like a Python interpreter: the probe expected one JSON line, got 'hello\\n'. "
        "Point python at a real Python interpreter." % python)


def test_exact_crash_message(tmp_path, run_command):
    python = _script(tmp_path, 'python', 'echo "Fatal Python error: init_fs_encoding" >&2; exit 1\n')
    assert refusal(parse_probe, python, *run_command(probe_command(python))) == (
        'Running %s failed with exit code 1: Fatal Python error: init_fs_encoding. Check that it is a '
        'working Python interpreter (run it by hand) or recreate the virtualenv.' % python)


# check_virtualenv / check_compatibility


def test_check_virtualenv_refuses_a_system_python(system_python, run_command):
    python = os.path.join(system_python, 'bin', 'python')
    facts = parse_probe(python, *run_command(probe_command(python)))
    assert refusal(check_virtualenv, system_python, python, facts, '3.6') == (
        '%s is not a virtualenv: %s reports sys.prefix %s, the same as its base prefix, so it is a system '
        'Python. Create a virtualenv with the Python mod_wsgi is built for: python3.6 -m venv %s'
        % (system_python, python, sys.base_prefix, system_python))


def test_check_virtualenv_accepts_a_system_python_given_as_python(system_python, run_command):
    python = os.path.join(system_python, 'bin', 'python')
    facts = parse_probe(python, *run_command(probe_command(python)))
    check_virtualenv(None, python, facts, '3.6')


def _facts(version, prefix='/srv/app/venv', is_virtualenv=True):
    return {'python_version': version, 'prefix': prefix, 'is_virtualenv': is_virtualenv}


def test_compatible_versions():
    assert check_compatibility('/v/bin/python', _facts('3.6.9'), '/m.so', '3.6', '/v', True) is True


def test_mismatch_without_require_match():
    assert check_compatibility('/v/bin/python', _facts('3.11.2'), '/m.so', '3.6', '/v', False) is False


def test_minor_versions_are_not_prefixes():
    assert check_compatibility('/v/bin/python', _facts('3.11.2'), '/m.so', '3.1', '/v', False) is False


def test_mismatch_message():
    with pytest.raises(PythonHomeError) as error:
        check_compatibility('/srv/app/venv/bin/python', _facts('3.11.2'), '/usr/lib/apache2/modules/mod_wsgi.so',
                            '3.6', '/srv/app/venv', True)
    assert str(error.value) == (
        "Python version mismatch: /srv/app/venv/bin/python is Python 3.11.2 but mod_wsgi "
        "/usr/lib/apache2/modules/mod_wsgi.so is built for Python 3.6, and Apache's Python processes would "
        "die at start (\"No module named 'encodings'\"). Install python3.6 and recreate the virtualenv with "
        "it (remove it, then: python3.6 -m venv /srv/app/venv), or build mod_wsgi for Python 3.11 (modwsgi.deploy.apache with apache_mod_wsgi_source: pip). "
        "Set require_match to false to only report the mismatch.")


def test_mismatch_advice_for_a_system_python():
    with pytest.raises(PythonHomeError) as error:
        check_compatibility('/usr/bin/python3', _facts('3.11.2', '/usr', False), '/m.so', '3.6', None, True)
    assert 'python3.6 -m venv /path/to/venv' in str(error.value)
    assert '-m venv /usr' not in str(error.value)


# inspect, end to end with real interpreters


def test_inspect_matching_venv(venv, mod_wsgi_stubs, run_command):
    facts = inspect(venv, None, mod_wsgi_stubs[CURRENT_XY], True, run_command)
    assert facts['compatible'] is True
    assert facts['mod_wsgi'] == mod_wsgi_stubs[CURRENT_XY]
    assert facts['mod_wsgi_python_version'] == CURRENT_XY
    assert facts['python_version'] == CURRENT_XYZ
    assert os.path.realpath(facts['prefix']) == os.path.realpath(venv)
    assert set(facts) == {'prefix', 'base_prefix', 'is_virtualenv', 'python_version', 'python_executable',
                          'site_packages', 'mod_wsgi', 'mod_wsgi_python_version', 'compatible'}


def test_inspect_mismatch(venv, mod_wsgi_stubs, run_command):
    message = refusal(inspect, venv, None, mod_wsgi_stubs['3.6'], True, run_command)
    assert 'is Python %s but mod_wsgi %s is built for Python 3.6' % (CURRENT_XYZ, mod_wsgi_stubs['3.6']) in message
    assert 'python3.6 -m venv %s' % venv in message


def test_inspect_mismatch_reported(venv, mod_wsgi_stubs, run_command):
    facts = inspect(venv, None, mod_wsgi_stubs['3.6'], False, run_command)
    assert facts['compatible'] is False
    assert facts['mod_wsgi_python_version'] == '3.6'


def test_inspect_python_only(mod_wsgi_stubs, run_command, system_python):
    python = os.path.join(system_python, 'bin', 'python')
    facts = inspect(None, python, mod_wsgi_stubs[CURRENT_XY], True, run_command)
    assert facts['is_virtualenv'] is False
    assert facts['compatible'] is True


def test_inspect_not_a_venv(system_python, mod_wsgi_stubs, run_command):
    with pytest.raises(PythonHomeError, match='is not a virtualenv: .* reports sys.prefix'):
        inspect(system_python, None, mod_wsgi_stubs[CURRENT_XY], True, run_command)


def test_inspect_interpreter_that_cannot_be_executed(tmp_path, mod_wsgi_stubs, run_command):
    # Executable bit set but neither ELF nor #!: execve fails with ENOEXEC.
    python = _write(tmp_path / 'python', '\0\0\0\0 not a program', 0o755)
    assert refusal(inspect, None, python, mod_wsgi_stubs[CURRENT_XY], True, run_command) == (
        'Cannot run %s: Exec format error. Point python at a working Python interpreter.' % python)


def test_inspect_is_read_only(venv, mod_wsgi_stubs, run_command):
    def snapshot():
        return sorted((root, tuple(sorted(files)), os.stat(root)[stat.ST_MTIME])
                      for root, _dirs, files in os.walk(venv))
    before = snapshot()
    inspect(venv, None, mod_wsgi_stubs[CURRENT_XY], True, run_command)
    assert snapshot() == before
