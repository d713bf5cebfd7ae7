# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared fixtures: the collection on sys.path, its modules run as Ansible runs them, real
shared objects built with gcc, real venvs."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import atexit
import base64
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile

import pytest
import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _make_collection_importable():
    # ansible-test units already provides the collection; a plain pytest run from the checkout
    # gets a throwaway ansible_collections/modwsgi/deploy symlink outside the repository.
    try:
        importlib.import_module('ansible_collections.modwsgi.deploy')
        return
    except ImportError:
        pass
    root = tempfile.mkdtemp(prefix='modwsgi-deploy-collections-')
    atexit.register(shutil.rmtree, root, True)
    os.makedirs(os.path.join(root, 'ansible_collections', 'modwsgi'))
    os.symlink(REPO_ROOT, os.path.join(root, 'ansible_collections', 'modwsgi', 'deploy'))
    sys.path.insert(0, root)


_make_collection_importable()


def output_task(expression, out):
    """A task that writes the value of a Jinja expression to the file out, for read_output.
    base64: ansible-core 2.16 would turn a JSON text back into data before copy writes it."""
    return {'name': 'Write the value to read', 'ansible.builtin.copy': {
        'content': '{{ %s | to_json | b64encode }}' % expression, 'dest': str(out), 'mode': '0644'}}


def read_output(out):
    return json.loads(base64.b64decode(out.read_text()))


def run_local_play(tmp_path, play, extra_vars=None, roles_path=None):
    """ansible-playbook of one play on localhost, with this collection installed as
    modwsgi.deploy; fails the test with Ansible's output when the play fails."""
    collection = tmp_path / 'collections' / 'ansible_collections' / 'modwsgi' / 'deploy'
    if not collection.exists():
        collection.parent.mkdir(parents=True)
        collection.symlink_to(REPO_ROOT)
    playbook = tmp_path / 'playbook.yml'
    playbook.write_text(yaml.safe_dump([play]))
    extra = dict(extra_vars or {}, ansible_python_interpreter=sys.executable)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(tmp_path / 'collections'))
    if roles_path:
        env['ANSIBLE_ROLES_PATH'] = str(roles_path)
    ansible_playbook = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    result = subprocess.run([ansible_playbook, '-i', 'localhost,', '-c', 'local', '-e', json.dumps(extra), str(playbook)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False,
                            env=env)
    assert result.returncode == 0, result.stdout


def role_vars_files(role):
    """A role's defaults and vars, as a play's vars_files (which extra_vars override)."""
    return [os.path.join(REPO_ROOT, 'roles', role, 'defaults', 'main.yml'),
            os.path.join(REPO_ROOT, 'roles', role, 'vars', 'main.yml')]


def role_vars_value(tmp_path, role, expression, play_vars=None, extra_vars=None):
    """The value of a Jinja expression over a role's defaults and vars (loaded by the play as
    vars_files, so extra_vars override them), evaluated by a real ansible-playbook."""
    out = tmp_path / 'value.b64'
    run_local_play(tmp_path, {
        'hosts': 'localhost', 'gather_facts': False,
        'vars_files': role_vars_files(role),
        'vars': play_vars or {},
        'tasks': [output_task(expression, out)],
    }, extra_vars=extra_vars)
    return read_output(out)


CURRENT_XY = '%d.%d' % sys.version_info[:2]


def _gcc(*args):
    """Run gcc, failing the test with its output when it fails."""
    proc = subprocess.Popen(('gcc',) + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True)
    output = proc.communicate()[0]
    assert proc.returncode == 0, 'gcc %s failed:\n%s' % (' '.join(args), output)


def _build_mod_wsgi(directory, libpython_soname, name, extra_flags=()):
    """Build a stub libpython with the given soname and a mod_wsgi.so linked against it.

    The module calls into the library so that the link keeps its DT_NEEDED entry even with
    --as-needed (Ubuntu's default).
    """
    if not os.path.isdir(directory):
        os.makedirs(directory)
    libpython_c = os.path.join(directory, 'libpython.c')
    mod_wsgi_c = os.path.join(directory, 'mod_wsgi.c')
    with open(libpython_c, 'w') as handle:
        handle.write('void Py_Initialize(void) {}\n')
    with open(mod_wsgi_c, 'w') as handle:
        handle.write('void Py_Initialize(void);\nvoid wsgi_init(void) { Py_Initialize(); }\n')
    flags = ['-shared', '-fPIC'] + list(extra_flags)
    libpython = os.path.join(directory, libpython_soname)
    _gcc(*(flags + ['-Wl,-soname,' + libpython_soname, '-o', libpython, libpython_c]))
    module = os.path.join(directory, name)
    _gcc(*(flags + ['-o', module, mod_wsgi_c, '-L' + directory, '-l:' + libpython_soname]))
    return module


@pytest.fixture(scope='session')
def collections_root():
    """Directory holding ansible_collections/, for PYTHONPATH of module subprocesses."""
    import ansible_collections.modwsgi.deploy as collection
    return os.path.dirname(os.path.dirname(os.path.dirname(list(collection.__path__)[0])))


@pytest.fixture(scope='session')
def mod_wsgi_stubs(tmp_path_factory):
    """mod_wsgi.so files linked against stub libpythons, keyed by Python X.Y.

    '3.11' is laid out like Debian 12: mod_wsgi.so is a symlink to mod_wsgi.so-3.11.
    """
    base = str(tmp_path_factory.mktemp('mod_wsgi'))
    stubs = {
        '3.6': _build_mod_wsgi(os.path.join(base, 'py36'), 'libpython3.6m.so.1.0', 'mod_wsgi.so'),
        CURRENT_XY: _build_mod_wsgi(
            os.path.join(base, 'current'), 'libpython%s.so.1.0' % CURRENT_XY, 'mod_wsgi.so'),
    }
    debian = os.path.join(base, 'debian12')
    real = _build_mod_wsgi(debian, 'libpython3.11.so.1.0', 'mod_wsgi.so-3.11')
    os.symlink(os.path.basename(real), os.path.join(debian, 'mod_wsgi.so'))
    stubs['3.11-symlink'] = os.path.join(debian, 'mod_wsgi.so')
    return stubs


@pytest.fixture(scope='session')
def venv(tmp_path_factory):
    """A real virtualenv made by the Python running the tests."""
    path = str(tmp_path_factory.mktemp('venvs').joinpath('app'))
    subprocess.check_call([sys.executable, '-m', 'venv', '--without-pip', path])
    return path


def _run(argv):
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    out, err = proc.communicate()
    return proc.returncode, out, err


@pytest.fixture
def run_command():
    """A run_command for interpreter.inspect(): really runs argv, returns (rc, stdout, stderr)."""
    return _run


@pytest.fixture
def gcc():
    """Run gcc with the given arguments, failing the test with its output when it fails."""
    return _gcc


@pytest.fixture
def build_mod_wsgi():
    """build(directory, libpython_soname, name, extra_flags=()) -> path of a stub mod_wsgi.so."""
    return _build_mod_wsgi


# The directory holding the ansible package the tests import: site-packages of the tool
# venv under plain pytest, a directory of ansible-test's own under `ansible-test units`.
ANSIBLE_PARENT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    importlib.import_module('ansible.module_utils').__file__))))


@pytest.fixture
def run_plugin_module(tmp_path, collections_root):
    """run(module, args, python=..., pythonpath=..., environ=...) -> (rc, parsed JSON result): the
    module file run as a program with its arguments in a file, the way Ansible runs it."""
    def run(module, args, python=sys.executable, pythonpath=(collections_root, ANSIBLE_PARENT), environ=None):
        args_file = str(tmp_path / 'args.json')
        with open(args_file, 'w') as handle:
            json.dump({'ANSIBLE_MODULE_ARGS': args}, handle)
        env = dict(environ or os.environ, PYTHONPATH=os.pathsep.join(pythonpath))
        proc = subprocess.Popen([python, os.path.join(REPO_ROOT, 'plugins', 'modules', module + '.py'), args_file],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, env=env,
                                cwd=str(tmp_path))
        out, err = proc.communicate()
        assert 'Traceback' not in out + err, out + err
        return proc.returncode, json.loads(out)
    return run


@pytest.fixture(scope='session')
def base_python():
    """The interpreter of the Python installation the tests run on, never a venv's: the one
    mod_wsgi_build accepts as its python."""
    python = getattr(sys, '_base_executable', None) or os.path.join(sys.base_prefix, 'bin', 'python' + CURRENT_XY)
    rc, out, err = _run([python, '-c', 'import sys; print(sys.prefix == sys.base_prefix)'])
    assert (rc, out) == (0, 'True\n'), '%s is not a base interpreter: %s%s' % (python, out, err)
    return python


# setup.py of the stand-in mod_wsgi source distributions. Without the wheel package (and before
# setuptools 70.1, which took bdist_wheel in), setuptools cannot make the wheel pip installs, so
# the sdist brings a small bdist_wheel of its own; with them, the real one builds it.
_SDIST_SETUP_PY = '''
import base64
import hashlib
import os
import shutil
import zipfile

from setuptools import Command, setup

NAME = 'mod_wsgi'


class minimal_bdist_wheel(Command):
    description = 'pure wheel of the build_py output'
    user_options = [('dist-dir=', 'd', 'directory to put the wheel in')]

    def initialize_options(self):
        self.dist_dir = None

    def finalize_options(self):
        self.dist_dir = self.dist_dir or 'dist'

    def egg2dist(self, egg_info, dist_info):
        if not os.path.isdir(dist_info):
            os.makedirs(dist_info)
        shutil.copy(os.path.join(egg_info, 'PKG-INFO'), os.path.join(dist_info, 'METADATA'))

    def run(self):
        self.run_command('build_py')
        self.run_command('egg_info')
        build_lib = self.get_finalized_command('build_py').build_lib
        egg_info = self.get_finalized_command('egg_info').egg_info
        dist_info = '%s-%s.dist-info' % (NAME, VERSION)
        entries = []
        for root, _, files in os.walk(build_lib):
            for name in files:
                with open(os.path.join(root, name), 'rb') as handle:
                    entries.append((os.path.relpath(os.path.join(root, name), build_lib), handle.read()))
        with open(os.path.join(egg_info, 'PKG-INFO'), 'rb') as handle:
            entries.append((dist_info + '/METADATA', handle.read()))
        entries.append((dist_info + '/WHEEL',
                        b'Wheel-Version: 1.0\\nGenerator: setup.py\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n'))
        record = ''.join('%s,sha256=%s,%d\\n' % (
            arcname, base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode(), len(data))
            for arcname, data in entries)
        entries.append((dist_info + '/RECORD', (record + dist_info + '/RECORD,,\\n').encode()))
        if not os.path.isdir(self.dist_dir):
            os.makedirs(self.dist_dir)
        with zipfile.ZipFile(os.path.join(self.dist_dir, '%s-%s-py3-none-any.whl' % (NAME, VERSION)), 'w') as wheel:
            for arcname, data in entries:
                wheel.writestr(arcname, data)


try:
    import setuptools.command.bdist_wheel  # noqa: F401
    CMDCLASS = {}
except ImportError:
    try:
        import wheel.bdist_wheel  # noqa: F401
        CMDCLASS = {}
    except ImportError:
        CMDCLASS = {'bdist_wheel': minimal_bdist_wheel}

setup(name=NAME, version=VERSION, packages=['mod_wsgi', 'mod_wsgi.server'],
      package_data={'mod_wsgi.server': ['mod_wsgi-*.so']}, cmdclass=CMDCLASS)
'''

SDIST_VERSIONS = ('9.9.8', '9.9.9')


@pytest.fixture(scope='session')
def mod_wsgi_sdists(tmp_path_factory, mod_wsgi_stubs):
    """A find_links directory with mod_wsgi-<version>.tar.gz for each of SDIST_VERSIONS.

    Each is a setup.py-only source distribution whose mod_wsgi/server/ holds, named like pip's
    builds, a stub module linked against the libpython of the Python running the tests, so pip
    really builds and installs it, offline and without a compiler or apxs.
    """
    links = str(tmp_path_factory.mktemp('find_links'))
    module_name = 'mod_wsgi-py%d%d%s' % (sys.version_info[0], sys.version_info[1],
                                         sysconfig.get_config_var('EXT_SUFFIX'))
    for version in SDIST_VERSIONS:
        top = 'mod_wsgi-' + version
        with tarfile.open(os.path.join(links, top + '.tar.gz'), 'w:gz') as sdist:
            def add(name, data):
                info = tarfile.TarInfo('%s/%s' % (top, name))
                info.size = len(data)
                info.mode = 0o644
                sdist.addfile(info, io.BytesIO(data))
            add('setup.py', ('VERSION = %r\n' % version + _SDIST_SETUP_PY).encode())
            add('mod_wsgi/__init__.py', b'')
            add('mod_wsgi/server/__init__.py', b'')
            with open(mod_wsgi_stubs[CURRENT_XY], 'rb') as handle:
                add('mod_wsgi/server/' + module_name, handle.read())
    return links


def _run_offline(argv, cwd=None):
    env = dict((key, value) for key, value in os.environ.items() if not key.startswith('PIP_'))
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INPUT='1')
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                            env=env, cwd=cwd)
    out, err = proc.communicate()
    return proc.returncode, out, err


@pytest.fixture(scope='session')
def offline_run_command():
    """A run_command for mod_wsgi_build.Builder that leaves pip's configuration (its files and
    PIP_* variables) out, so that only the find_links a test gives can feed pip."""
    return _run_offline
