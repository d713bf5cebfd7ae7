# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""galaxy.yml's version is the newest release of the changelog, and the README's install
command names the tarball that version builds: a release bumps all three together."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

import yaml
from ansible.module_utils.compat.version import LooseVersion

from conftest import REPO_ROOT


def load(*path):
    with open(os.path.join(REPO_ROOT, *path)) as handle:
        return yaml.safe_load(handle)


def test_galaxy_version_is_the_newest_changelog_release():
    releases = load('changelogs', 'changelog.yaml')['releases']
    newest = max(releases, key=LooseVersion)
    assert load('galaxy.yml')['version'] == newest


def test_readme_installs_the_tarball_of_that_version():
    with open(os.path.join(REPO_ROOT, 'README.md')) as handle:
        readme = handle.read()
    assert 'modwsgi-deploy-%s.tar.gz' % load('galaxy.yml')['version'] in readme
