# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every role's meta/main.yml and the README's platform table list exactly the targets the
molecule scenarios run on: the platforms of .config/molecule/config.yml (ansible-core 2.16)
and of each line's core-X.Y.yml."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import glob
import os
import re

import pytest
import yaml

from conftest import REPO_ROOT

CODENAMES = {
    ('ubuntu', '18.04'): ('Ubuntu', 'bionic'), ('ubuntu', '20.04'): ('Ubuntu', 'focal'),
    ('ubuntu', '22.04'): ('Ubuntu', 'jammy'), ('ubuntu', '24.04'): ('Ubuntu', 'noble'),
    ('debian', '11'): ('Debian', 'bullseye'), ('debian', '12'): ('Debian', 'bookworm'),
    ('debian', '13'): ('Debian', 'trixie'),
}


def molecule_targets():
    targets = set()
    for path in glob.glob(os.path.join(REPO_ROOT, '.config', 'molecule', '*.yml')):
        with open(path) as handle:
            for platform in yaml.safe_load(handle).get('platforms', []):
                distro, version = re.match(r'modwsgi-testbed/target:([a-z]+)-([0-9.]+)-', platform['image']).groups()
                targets.add((distro, version))
    return targets


def test_every_line_adds_its_own_targets():
    assert len(molecule_targets()) == 7


@pytest.mark.parametrize('role', sorted(os.listdir(os.path.join(REPO_ROOT, 'roles'))))
def test_role_meta_lists_the_molecule_targets(role):
    with open(os.path.join(REPO_ROOT, 'roles', role, 'meta', 'main.yml')) as handle:
        platforms = yaml.safe_load(handle)['galaxy_info']['platforms']
    listed = {(platform['name'], version) for platform in platforms for version in platform['versions']}
    assert listed == {CODENAMES[target] for target in molecule_targets()}


def test_readme_table_has_a_row_per_tested_target():
    with open(os.path.join(REPO_ROOT, 'README.md')) as handle:
        readme = handle.read()
    table = readme.split('## Tested platforms', 1)[1].split('\n## ', 1)[0]
    rows = set(re.findall(r'^\| (Ubuntu|Debian) ([0-9.]+) \|', table, re.MULTILINE))
    assert rows == {(CODENAMES[target][0], target[1]) for target in molecule_targets()}
