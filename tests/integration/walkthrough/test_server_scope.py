"""The walkthrough's first step at server scope: the application answers for any Host
name, from conf-available/<site>.conf enabled like a2enconf, with no VirtualHost."""
import json

import pytest

from conftest import daemon_pids

HOSTS = [None, "mydomain", "anything.example", "203.0.113.7"]


@pytest.mark.parametrize("host_header", HOSTS)
def test_hello_world_answers_for_every_host_name(get, host_header):
    response = get("/myapp", host_header=host_header)
    assert response.status == 200
    assert response.body == "Hello World!"


def test_configuration_is_a_server_scope_snippet(host):
    snippet = host.file("/etc/apache2/conf-available/walkthrough.conf")
    assert host.file("/etc/apache2/conf-enabled/walkthrough.conf").linked_to == snippet.path
    text = snippet.content_string
    assert 'WSGIScriptAlias /myapp "/home/anna/code/myapp.wsgi"' in text
    assert '<Directory "/home/anna/code">' in text and "Require all granted" in text
    assert "<VirtualHost" not in text and "WSGIDaemonProcess" not in text
    assert host.check_output("ls /etc/apache2/sites-enabled/") == ""
    assert "WSGIRestrictEmbedded Off" in host.file("/etc/apache2/conf-available/mod-wsgi.conf").content_string


def test_embedded_mode_runs_in_apache_itself(host):
    # No daemon group for it: Apache's own workers run the walkthrough's script.
    assert daemon_pids(host, "walkthrough") == []


@pytest.mark.parametrize("host_header", HOSTS)
def test_server_scope_daemon_group_answers_for_every_host_name(get, host_header):
    report = json.loads(get("/serverwide", host_header=host_header).body)
    assert report == {"group": "serverwide", "user": "serverwide"}


def test_apache_listens_on_port_80_for_the_server_scope_apps(host):
    listens = [line for line in host.file("/etc/apache2/ports.conf").content_string.splitlines()
               if line.startswith("Listen")]
    assert listens == ["Listen 80"]
