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
import subprocess

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


def readme_table():
    """The README's "Tested platforms" section."""
    with open(os.path.join(REPO_ROOT, 'README.md')) as handle:
        return handle.read().split('## Tested platforms', 1)[1].split('\n## ', 1)[0]


def test_readme_table_has_a_row_per_tested_target():
    rows = set(re.findall(r'^\| (Ubuntu|Debian) ([0-9.]+) \|', readme_table(), re.MULTILINE))
    assert rows == {(CODENAMES[target][0], target[1]) for target in molecule_targets()}


LINES = ('2.16', '2.19', '2.20', '2.21')
# The README table's letter for each scenario.
LETTERS = {'default': 'D', 'check_mode': 'C', 'apps': 'A', 'rolling': 'L', 'backends': 'B',
           'releases': 'R', 'mod_wsgi_pip': 'M', 'django': 'J', 'python_home': 'P', 'walkthrough': 'W'}


def line_scenarios(core):
    """The scenarios tests/testbed/lib.sh gives a line, asked from bash."""
    output = subprocess.check_output(['bash', '-c', '. tests/testbed/lib.sh && line_scenarios "$0"', core],
                                     cwd=REPO_ROOT, universal_newlines=True)
    return set(output.split())


def test_every_scenario_runs_on_a_line_and_every_line_runs_the_core_two():
    scenarios = set(os.listdir(os.path.join(REPO_ROOT, 'molecule')))
    by_line = dict((core, line_scenarios(core)) for core in LINES)
    assert set.union(*by_line.values()) == scenarios
    for core in LINES:
        assert {'default', 'check_mode'} <= by_line[core] <= scenarios
    assert set(LETTERS) == scenarios


def test_readme_table_names_the_scenarios_of_each_line():
    rows = re.findall(r'^\| (?:Ubuntu|Debian) [0-9.]+ \|(.*)\|$', readme_table(), re.MULTILINE)
    for column, core in enumerate(LINES):
        cells = {row.split('|')[4 + column].strip() for row in rows} - {'—'}
        assert cells == {' '.join(sorted(LETTERS[scenario] for scenario in line_scenarios(core)))}, core
