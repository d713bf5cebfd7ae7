# -*- coding: utf-8 -*-
# Copyright: Contributors to the modwsgi.deploy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ports wsgi_app keeps a Listen for, from the enabled configuration host_state
reports: the role's own vars rendered by ansible-playbook on the controller (the apps
scenario proves the result on real Apache)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from conftest import role_vars_value


def listen_ports(tmp_path, matches, **variables):
    return role_vars_value(tmp_path, 'wsgi_app', 'wsgi_app_listen_ports',
                           play_vars={'wsgi_app_host_state': {'matches': matches}}, extra_vars=variables)


def test_every_enabled_sites_port_once_with_this_apps_own(tmp_path):
    matches = {
        '/etc/apache2/sites-enabled/v6.conf': ['<VirtualHost [2001:db8::1]:8080>'],
        '/etc/apache2/sites-enabled/both.conf': ['<VirtualHost *:443 [::]:443>', '    <VirtualHost _default_:8443>'],
        '/etc/apache2/conf-enabled/serverwide.conf': ['# modwsgi.deploy.wsgi_app listens on: *:8000'],
        '/etc/apache2/sites-enabled/any.conf': ['<VirtualHost *>'],
        # This application's own file is about to be rewritten: its old port does not count.
        '/etc/apache2/sites-enabled/mydomain.conf': ['<VirtualHost *:9999>'],
    }
    assert listen_ports(tmp_path, matches) == [80, 443, 8000, 8080, 8443]
    assert listen_ports(tmp_path, matches, wsgi_app_port=81, wsgi_app_tls=True, wsgi_app_tls_port=444) == \
        [81, 443, 444, 8000, 8080, 8443]


def test_port_80_stays_when_the_last_site_goes(tmp_path):
    assert listen_ports(tmp_path, {}, wsgi_app_state='absent', wsgi_app_port=8080) == [80]
    assert listen_ports(tmp_path, {'/etc/apache2/sites-enabled/mydomain.conf': ['<VirtualHost *:8080>']},
                        wsgi_app_state='absent') == [80]
