"""A deploy that cannot work fails loudly and leaves the running server as it was."""
import pytest

import yaml

from conftest import apache_files, role_playbook, run_playbook


@pytest.fixture
def untouched(host, get):
    """The Apache files, the Apache parent process and the response must be the same after the test."""
    files = apache_files(host)
    parent = host.check_output("cat /var/run/apache2/apache2.pid")
    yield
    assert apache_files(host) == files
    assert host.check_output("cat /var/run/apache2/apache2.pid") == parent
    assert get("/myapp").body == "Hello World!"
    assert not host.check_output("ls /etc/apache2/sites-available/ | grep '~$' || true")


def test_configuration_apache_rejects_is_rolled_back(host, tmp_path, untouched):
    # Passes every input check, but apache2ctl -t refuses a certificate that is not there.
    rc, output = run_playbook(host, role_playbook("wsgi_app", {
        "wsgi_app_tls": True,
        "wsgi_app_tls_certificate": "/etc/ssl/certs/missing.pem",
    }), tmp_path)
    assert rc != 0
    assert "apache2ctl -t rejected the new configuration" in output
    assert "/etc/ssl/certs/missing.pem" in output
    # The ssl module link the run added is gone again (apache_files compares the links too).
    assert not host.file("/etc/apache2/mods-enabled/ssl.load").exists


def test_duplicate_daemon_group_name_is_refused(host, tmp_path, untouched):
    rc, output = run_playbook(host, role_playbook("wsgi_app", {
        "wsgi_app_name": "myproject",
        "wsgi_app_site": "another",
        "wsgi_app_script_dir": "/srv/another/code",
    }), tmp_path)
    assert rc != 0
    assert "wsgi_app_name myproject is already the name of a daemon process group in " \
           "/etc/apache2/sites-enabled/mydomain.conf" in output
    assert not host.file("/srv/another").exists


BAD_INPUTS = [
    ("wsgi_app", "wsgi_app_mount: myapp", "wsgi_app_mount must be an absolute path starting with"),
    ("wsgi_app", "wsgi_app_script_dir: code", "wsgi_app_script_dir must be an absolute path"),
    ("wsgi_app", "wsgi_app_processes: 0", "wsgi_app_processes must be at least 1"),
    ("wsgi_app", "wsgi_app_threads: 0", "wsgi_app_threads must be at least 1"),
    ("wsgi_app", "wsgi_app_processes: many", "wsgi_app_processes"),
    ("wsgi_app", "wsgi_app_port: 70000", "wsgi_app_port must be between 1 and 65535"),
    ("wsgi_app", "wsgi_app_name: 'my app'", "wsgi_app_name may hold only letters"),
    ("wsgi_app", "wsgi_app_site: ../etc", "wsgi_app_site may hold only letters"),
    ("wsgi_app", 'wsgi_app_server_name: "example.com\\nInclude /etc/shadow"',
     "wsgi_app_server_name must not contain a newline or a double quote"),
    ("wsgi_app", "wsgi_app_server_aliases: ['a b']", "must not hold white space or quotes"),
    ("wsgi_app", "wsgi_app_user: root", "wsgi_app_user and wsgi_app_group must not be root"),
    ("wsgi_app", "wsgi_app_document_root: /srv/myproject", "lies inside wsgi_app_document_root"),
    ("wsgi_app", "wsgi_app_daemon_options: {switch-interval: 5}", "switch-interval=5 is not a WSGIDaemonProcess option"),
    ("wsgi_app", "wsgi_app_tls: true\nwsgi_app_tls_redirect: true\nwsgi_app_server_name: ''",
     "wsgi_app_tls_redirect needs wsgi_app_server_name"),
    ("wsgi_app", "wsgi_app_state: gone", "wsgi_app_state"),
    ("wsgi_app", "wsgi_app_environment: {DEBUG: 1}", "wsgi_app_environment needs"),
    ("apache", "apache_wsgi_socket_prefix: /tmp/wsgi", "apache_wsgi_socket_prefix must not be in a world-writable"),
    ("apache", "apache_python_home: venv", "apache_python_home must be an absolute path"),
    ("apache", "apache_server_tokens: Everything", "apache_server_tokens"),
]


@pytest.mark.parametrize("role,bad,message", BAD_INPUTS, ids=[case[1][:40] for case in BAD_INPUTS])
def test_bad_input_is_refused_before_anything_changes(host, tmp_path, untouched, role, bad, message):
    rc, output = run_playbook(host, role_playbook(role, yaml.safe_load(bad)), tmp_path)
    assert rc != 0
    assert message in output
