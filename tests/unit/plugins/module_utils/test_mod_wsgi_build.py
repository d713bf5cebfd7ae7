# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mod_wsgi_build: release choice, and real pip builds of stand-in source distributions into real
virtualenvs of the Python running the tests (conftest's mod_wsgi_sdists, base_python)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import shutil
import sys

import pytest

from ansible_collections.modwsgi.deploy.plugins.module_utils.mod_wsgi_build import (
    MARKER,
    BuildError,
    Builder,
    installed,
    linked_python,
    loaded_mod_wsgi,
    read_pyvenv_cfg,
    upstream_version,
    wanted_version,
)

CURRENT_XY = '%d.%d' % sys.version_info[:2]
CURRENT_XYZ = '%d.%d.%d' % sys.version_info[:3]
# Newer than any real release, so nothing but the find_links directory can provide it.
SDIST_VERSION = '9.9.9'


def refusal(function, *args, **kwargs):
    """The message of the BuildError that function(*args, **kwargs) raises."""
    with pytest.raises(BuildError) as error:
        function(*args, **kwargs)
    return str(error.value)


def _write(path, text):
    with open(str(path), 'w') as handle:
        handle.write(text)
    return str(path)


# wanted_version


@pytest.mark.parametrize('python_version,version', [
    ((3, 6), '4.9.4'),
    ((3, 7), '4.9.4'),
    ((3, 8), '5.0.2'),
    ((3, 9), '5.0.2'),
    ((3, 10), '6.1.1'),
    ((3, 11), '6.1.1'),
    ((3, 13), '6.1.1'),
])
def test_default_release_per_python(python_version, version):
    assert wanted_version(None, python_version) == version


@pytest.mark.parametrize('requested,python_version', [
    ('5.0.2', (3, 8)),
    ('4.9.4', (3, 12)),
    ('5.0', (3, 9)),
    ('6.0.0rc1', (3, 10)),
    ('4.9.4', (3, 6)),
])
def test_pinned_release_kept(requested, python_version):
    assert wanted_version(requested, python_version) == requested


@pytest.mark.parametrize('requested,python_version,floor,newest', [
    ('6.1.1', (3, 9), '3.10', '5.0.2'),
    ('6.0.0', (3, 7), '3.10', '4.9.4'),
    ('5.0.2', (3, 7), '3.8', '4.9.4'),
    ('5.0', (3, 6), '3.8', '4.9.4'),
])
def test_release_too_new_for_python(requested, python_version, floor, newest):
    python_text = '%d.%d' % python_version
    assert refusal(wanted_version, requested, python_version) == (
        'mod_wsgi %s needs Python %s or later, and the interpreter is Python %s. Use mod_wsgi %s (the newest '
        'release for Python %s), or leave the version unset.' % (requested, floor, python_text, newest, python_text))


@pytest.mark.parametrize('requested', ['latest', '5', 'v5.0.2', '5.0.2 ', '5.0.2\n', '4.9.4-1+b2', '5.0.x'])
def test_junk_version_refused(requested):
    assert refusal(wanted_version, requested, (3, 11)) == (
        "version %r is not a mod_wsgi release number (such as 5.0.2 or 6.1.1)." % requested)


# A pinned release must not get past the floor either: before the fix, 4.9.4 for Python 2.7 was
# accepted and the build only failed later at `python -m venv`.
@pytest.mark.parametrize('requested', [None, '4.9.4'])
@pytest.mark.parametrize('python_version', [(3, 5), (2, 7)])
def test_python_older_than_36_refused(requested, python_version):
    assert refusal(wanted_version, requested, python_version) == (
        'mod_wsgi from PyPI is built here for Python 3.6 or later; the interpreter is Python %d.%d.' % python_version)


@pytest.mark.parametrize('debian_version,upstream', [
    ('4.9.4-1+b2', '4.9.4'),
    ('1:4.5.17-1ubuntu1.1', '4.5.17'),
    ('5.0.0-1build2', '5.0.0'),
    ('4.9.0-1ubuntu0.1', '4.9.0'),
    ('4.9.4', '4.9.4'),
])
def test_upstream_version(debian_version, upstream):
    assert upstream_version(debian_version) == upstream


# Builder: one real build shared by the tests that only read it; tests that change a virtualenv
# work on a copy of it.


@pytest.fixture(scope='module')
def built(tmp_path_factory, base_python, mod_wsgi_sdists, offline_run_command):
    """The state before and after a real build of mod_wsgi 9.9.9 into a fresh virtualenv."""
    virtualenv = str(tmp_path_factory.mktemp('mod_wsgi_build').joinpath('venv'))
    builder = Builder(base_python, virtualenv, SDIST_VERSION, mod_wsgi_sdists, offline_run_command)
    before = builder.inspect()
    assert not os.path.exists(virtualenv), 'inspect() must not change anything'
    after = builder.build(dict(before))
    return {'virtualenv': virtualenv, 'before': before, 'after': after}


@pytest.fixture
def builder(base_python, mod_wsgi_sdists, offline_run_command):
    """builder(virtualenv, version=SDIST_VERSION, python=base_python) -> Builder fed by the sdists."""
    def make(virtualenv, version=SDIST_VERSION, python=base_python):
        return Builder(python, str(virtualenv), version, mod_wsgi_sdists, offline_run_command)
    return make


@pytest.fixture
def built_copy(built, tmp_path):
    """A copy of the built virtualenv, for tests that change it. A venv's interpreter finds its
    prefix from pyvenv.cfg next to bin/, so the copy is a working venv of its own."""
    copy = str(tmp_path / 'venv')
    shutil.copytree(built['virtualenv'], copy, symlinks=True)
    return copy


def _module_in(virtualenv):
    found, module = installed(virtualenv, CURRENT_XYZ)
    assert found == SDIST_VERSION, 'no mod_wsgi %s in %s' % (SDIST_VERSION, virtualenv)
    return module


def test_first_inspect_wants_a_build(built, base_python):
    before = built['before']
    assert before == {
        'python_version': CURRENT_XYZ,
        'python_prefix': sys.base_prefix,
        'python_executable': base_python,
        'version': SDIST_VERSION,
        'virtualenv': built['virtualenv'],
        'venv_fits': False,
        'installed_version': None,
        'module': None,
        'up_to_date': False,
    }


def test_build_makes_a_marked_venv_of_the_interpreter(built, base_python):
    virtualenv = built['virtualenv']
    with open(os.path.join(virtualenv, MARKER)) as handle:
        assert json.load(handle) == {'version': SDIST_VERSION, 'python': base_python, 'python_version': CURRENT_XYZ}
    config = read_pyvenv_cfg(virtualenv)
    assert config['home'] == os.path.dirname(base_python)
    # setuptools and wheel of the system must be visible to the build.
    assert config['include-system-site-packages'] == 'true'


def test_build_installs_the_module(built):
    after = built['after']
    module = _module_in(built['virtualenv'])
    assert module.startswith(os.path.join(built['virtualenv'], 'lib', 'python' + CURRENT_XY, 'site-packages',
                                          'mod_wsgi', 'server', 'mod_wsgi-py'))
    assert linked_python(module) == CURRENT_XY
    assert after == dict(built['before'], venv_fits=True, installed_version=SDIST_VERSION, module=module,
                         up_to_date=True)


def test_second_inspect_is_up_to_date(built, builder):
    # up_to_date is what keeps the module from building again.
    state = builder(built['virtualenv']).inspect()
    assert state['up_to_date'] is True
    assert state['venv_fits'] is True
    assert state['installed_version'] == SDIST_VERSION
    assert state['module'] == built['after']['module']


def test_virtualenv_path_with_trailing_slash_is_the_same(built, builder):
    state = builder(built['virtualenv'] + '/').inspect()
    assert state['virtualenv'] == built['virtualenv']
    assert state['up_to_date'] is True


def test_another_version_is_not_up_to_date(built, builder):
    state = builder(built['virtualenv'], version='9.9.8').inspect()
    assert state['up_to_date'] is False
    assert state['venv_fits'] is True
    assert state['version'] == '9.9.8'
    assert state['installed_version'] == SDIST_VERSION
    assert state['module'] is None


def test_another_version_is_installed_in_the_same_venv(built_copy, builder):
    # The venv fits, so pip replaces the release in it rather than the venv being made again.
    survivor = _write(os.path.join(built_copy, 'survivor'), 'kept\n')
    target = builder(built_copy, version='9.9.8')
    state = target.build(target.inspect())
    assert os.path.exists(survivor)
    assert state['installed_version'] == '9.9.8'
    assert installed(built_copy, CURRENT_XYZ)[0] == '9.9.8'
    with open(os.path.join(built_copy, MARKER)) as handle:
        assert json.load(handle)['version'] == '9.9.8'
    assert target.inspect()['up_to_date'] is True


def test_foreign_directory_refused_and_left_intact(builder, tmp_path):
    directory = tmp_path / 'venv'
    directory.mkdir()
    keep = _write(directory / 'keep', 'data\n')
    assert refusal(builder(directory).inspect) == (
        '%s exists and was not made by modwsgi.deploy (it has no .modwsgi-deploy-build), so it is left alone. '
        "Choose another path for mod_wsgi's virtualenv or remove it." % directory)
    assert os.listdir(str(directory)) == ['keep']
    with open(keep) as handle:
        assert handle.read() == 'data\n'


def test_foreign_venv_refused(builder, venv):
    # A real venv of someone else's is as foreign as any directory without the marker.
    assert 'was not made by modwsgi.deploy' in refusal(builder(venv).inspect)
    assert os.path.isfile(os.path.join(venv, 'pyvenv.cfg'))


def test_empty_directory_is_used(builder, tmp_path):
    state = builder(tmp_path).inspect()
    assert state['up_to_date'] is False
    assert state['venv_fits'] is False


@pytest.mark.parametrize('kind', ['file', 'symlink to a directory'])
def test_non_directory_refused(builder, tmp_path, kind):
    path = tmp_path / 'venv'
    if kind == 'file':
        _write(path, 'data\n')
    else:
        (tmp_path / 'real').mkdir()
        os.symlink(str(tmp_path / 'real'), str(path))
    assert refusal(builder(path).inspect) == (
        "%s exists and is not a directory; choose another path for mod_wsgi's virtualenv or remove it." % path)
    assert os.path.lexists(str(path))


def _edit_pyvenv_cfg(virtualenv, key, value):
    path = os.path.join(virtualenv, 'pyvenv.cfg')
    with open(path) as handle:
        lines = handle.read().splitlines()
    with open(path, 'w') as handle:
        handle.write(''.join('%s = %s\n' % (key, value) if line.split('=')[0].strip() == key else line + '\n'
                             for line in lines))
    assert read_pyvenv_cfg(virtualenv)[key] == value


# What another interpreter, or a venv made without --system-site-packages, leaves in pyvenv.cfg.
@pytest.mark.parametrize('key,value', [
    ('version', '3.%d.1' % (sys.version_info[1] - 1)),
    ('home', '/opt/python/bin'),
    ('include-system-site-packages', 'false'),
])
def test_venv_of_another_interpreter_does_not_fit(built_copy, builder, key, value):
    _edit_pyvenv_cfg(built_copy, key, value)
    state = builder(built_copy).inspect()
    assert state['venv_fits'] is False
    assert state['up_to_date'] is False
    # Whatever it holds is not reported: it belongs to the other interpreter.
    assert state['installed_version'] is None


def test_venv_of_another_interpreter_is_made_again(built_copy, builder):
    _edit_pyvenv_cfg(built_copy, 'version', '3.%d.1' % (sys.version_info[1] - 1))
    survivor = _write(os.path.join(built_copy, 'survivor'), 'gone after the build\n')
    target = builder(built_copy)
    state = target.build(target.inspect())
    assert not os.path.exists(survivor)
    assert read_pyvenv_cfg(built_copy)['version'] == CURRENT_XYZ
    assert state['up_to_date'] is True
    assert state['module'] == _module_in(built_copy)
    assert target.inspect()['up_to_date'] is True


def test_module_linked_against_another_python_is_refused(built_copy, builder, mod_wsgi_stubs):
    module = _module_in(built_copy)
    shutil.copy(mod_wsgi_stubs['3.6'], module)
    target = builder(built_copy)
    state = target.inspect()
    assert state['up_to_date'] is False
    assert state['installed_version'] == SDIST_VERSION
    assert state['module'] is None
    assert refusal(target.build, state) == (
        "The mod_wsgi built in %s links libpython 3.6, not Python %s's: %s. Python %s must be built with a "
        "shared libpython (Debian's and Ubuntu's are)." % (built_copy, CURRENT_XY, module, CURRENT_XY))


def test_failed_build_leaves_a_marked_venv(builder, tmp_path):
    # The marker is written before pip runs, so the next run may remove what this one left.
    virtualenv = tmp_path / 'venv'
    target = builder(virtualenv, version='9.9.7')
    message = refusal(target.build, target.inspect())
    assert message.startswith(
        'Building mod_wsgi 9.9.7 for Python %s from %s without an index (it must hold mod_wsgi-9.9.7.tar.gz). '
        'The build needs apxs (apache2-dev), a C compiler (gcc), Python\'s headers (python%s-dev), setuptools '
        'and wheel; pip said failed (exit code 1):\n' % (CURRENT_XY, target.find_links, CURRENT_XY))
    assert 'mod_wsgi==9.9.7' in message
    with open(str(virtualenv / MARKER)) as handle:
        assert json.load(handle)['version'] is None
    assert target.inspect()['up_to_date'] is False


def test_virtualenv_interpreter_refused(builder, venv, tmp_path):
    python = os.path.join(venv, 'bin', 'python')
    virtualenv = tmp_path / 'build'
    assert refusal(builder(virtualenv, python=python).inspect) == (
        '%s runs in the virtualenv %s; mod_wsgi is built for a Python installation. Use the interpreter the '
        'virtualenv was made from, under %s.' % (python, venv, sys.base_prefix))
    assert not os.path.exists(str(virtualenv))


def test_missing_interpreter_refused(builder, tmp_path):
    python = str(tmp_path / 'python3.99')
    assert refusal(builder(tmp_path / 'build', python=python).inspect) == (
        "Python interpreter %s does not exist or is not executable. Install it (for Debian's Pythons: apt-get "
        "install python3.99) or fix the path." % python)


def test_bad_pin_refused_before_any_change(builder, tmp_path):
    virtualenv = tmp_path / 'build'
    assert 'is not a mod_wsgi release number' in refusal(builder(virtualenv, version='latest').inspect)
    assert not os.path.exists(str(virtualenv))


# loaded_mod_wsgi


def _load_file(tmp_path, module):
    return _write(tmp_path / 'wsgi.load', 'LoadModule wsgi_module "%s"\n' % module)


def test_loaded_pip_build_of_the_real_build(built, tmp_path):
    module = built['after']['module']
    assert loaded_mod_wsgi(_load_file(tmp_path, module), '4.9.4-1+b2') == {
        'module': module, 'exists': True, 'version': SDIST_VERSION, 'python_version': CURRENT_XY, 'source': 'pip'}


@pytest.mark.parametrize('info_dir,info_file', [
    ('mod_wsgi-5.0.2.dist-info', 'METADATA'),
    ('mod_wsgi-4.9.4-py3.6.egg-info', 'PKG-INFO'),
])
def test_loaded_pip_build_version_from_metadata(tmp_path, mod_wsgi_stubs, info_dir, info_file):
    site = tmp_path / 'venv' / 'lib' / 'python3.6' / 'site-packages'
    (site / 'mod_wsgi' / 'server').mkdir(parents=True)
    (site / info_dir).mkdir()
    # The version comes from the file's Version line, not from the directory's name.
    _write(site / info_dir / info_file, 'Metadata-Version: 2.1\nName: mod-wsgi\nVersion: 4.9.3\n\nVersion: 1.0\n')
    module = str(site / 'mod_wsgi' / 'server' / 'mod_wsgi-py36.cpython-36m-x86_64-linux-gnu.so')
    shutil.copy(mod_wsgi_stubs['3.6'], module)
    assert loaded_mod_wsgi(_load_file(tmp_path, module), None) == {
        'module': module, 'exists': True, 'version': '4.9.3', 'python_version': '3.6', 'source': 'pip'}


def test_loaded_package_module(tmp_path, mod_wsgi_stubs):
    modules = tmp_path / 'usr' / 'lib' / 'apache2' / 'modules'
    modules.mkdir(parents=True)
    module = str(modules / 'mod_wsgi.so')
    shutil.copy(mod_wsgi_stubs['3.6'], module)
    assert loaded_mod_wsgi(_load_file(tmp_path, module), '4.9.4-1+b2') == {
        'module': module, 'exists': True, 'version': '4.9.4', 'python_version': '3.6', 'source': 'package'}


def test_loaded_package_module_debian12_symlink(tmp_path, mod_wsgi_stubs):
    # The libpython is read from the file the link points at.
    module = mod_wsgi_stubs['3.11-symlink']
    result = loaded_mod_wsgi(_load_file(tmp_path, module), '5.0.0-1build2')
    assert result == {'module': module, 'exists': True, 'version': '5.0.0', 'python_version': '3.11',
                      'source': 'package'}


def test_loaded_module_of_no_package(tmp_path, mod_wsgi_stubs):
    module = str(tmp_path / 'mod_wsgi.so')
    shutil.copy(mod_wsgi_stubs['3.6'], module)
    assert loaded_mod_wsgi(_load_file(tmp_path, module), None) == {
        'module': module, 'exists': True, 'version': None, 'python_version': '3.6', 'source': None}


def test_loaded_module_missing(tmp_path):
    module = str(tmp_path / 'gone' / 'mod_wsgi.so')
    assert loaded_mod_wsgi(_load_file(tmp_path, module), '4.9.4-1+b2') == {
        'module': module, 'exists': False, 'version': None, 'python_version': None, 'source': None}


def test_no_load_file(tmp_path):
    assert loaded_mod_wsgi(str(tmp_path / 'wsgi.load'), '4.9.4-1+b2') == {
        'module': None, 'exists': False, 'version': None, 'python_version': None, 'source': None}
