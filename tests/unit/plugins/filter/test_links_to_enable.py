# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""links_to_enable: the links the apache and wsgi_app roles hand apache_config."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.modwsgi.deploy.plugins.filter.links_to_enable import links_to_enable


def test_only_missing_or_misdirected_links_are_made():
    paths = {
        '/etc/apache2/mods-enabled/wsgi.load': {'exists': True, 'link': '../mods-available/wsgi.load'},
        '/etc/apache2/sites-enabled/shop.conf': {'exists': True, 'link': '/srv/elsewhere.conf'},
        '/etc/apache2/conf-enabled/servername.conf': {'exists': False},
    }
    assert links_to_enable(['mods-available/wsgi.load', 'sites-available/shop.conf',
                            'conf-available/servername.conf', 'mods-available/proxy.load'], paths) == {
        '/etc/apache2/sites-enabled/shop.conf': '../sites-available/shop.conf',
        '/etc/apache2/conf-enabled/servername.conf': '../conf-available/servername.conf',
        '/etc/apache2/mods-enabled/proxy.load': '../mods-available/proxy.load',
    }


def test_a_regular_file_where_the_link_goes_is_replaced():
    paths = {'/etc/apache2/sites-enabled/shop.conf': {'exists': True, 'type': 'file'}}
    assert links_to_enable(['sites-available/shop.conf'], paths) == {
        '/etc/apache2/sites-enabled/shop.conf': '../sites-available/shop.conf'}


@pytest.mark.parametrize('name', ['shop.conf', 'sites-enabled/shop.conf', '-available/x', 'a/b-available/x'])
def test_a_name_outside_the_available_directories_is_refused(name):
    with pytest.raises(AnsibleFilterError, match='is not <kind>-available/<file>'):
        links_to_enable([name], {})
