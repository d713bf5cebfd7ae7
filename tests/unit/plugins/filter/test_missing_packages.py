# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""missing_packages: what the apache and wsgi_app roles install."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.modwsgi.deploy.plugins.filter.missing_packages import missing_packages


def test_packages_without_an_installed_version_are_missing_in_the_order_wanted():
    packages = {'apache2': '2.4.62-1~deb12u2', 'libapache2-mod-wsgi-py3': None, 'logrotate': '3.21.0-1'}
    assert missing_packages(['libapache2-mod-wsgi-py3', 'apache2', 'ssl-cert', 'logrotate'], packages) == [
        'libapache2-mod-wsgi-py3', 'ssl-cert']


def test_nothing_is_missing_when_every_package_is_installed():
    assert missing_packages(['apache2'], {'apache2': '2.4.29-1ubuntu4.27'}) == []


def test_anything_but_the_packages_result_is_refused():
    with pytest.raises(AnsibleFilterError, match='packages result of host_state'):
        missing_packages(['apache2'], ['apache2'])
