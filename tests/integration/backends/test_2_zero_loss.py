"""Every change to alpha, made while ab requests it without keep-alive from inside the
container, fails no request: the front's reload holds no daemon processes, and a new
configuration starts the other color, which the front switches to once it answers."""
import pytest

from backends import (CONFIG_DIR, PING, configuration, deploy, front_port, loses_nothing, probe,
                      running_instances, serving_color, systemd)
from conftest import load_around

HOST = "alpha.test"


def load(host, action):
    return load_around(host, PING, action, host_header=HOST)


def deployed(result):
    rc, output = result
    assert rc == 0, output
    return output


def unit_state(host, color):
    service = host.service("modwsgi-backend@alpha-" + color)
    return service.is_running, service.is_enabled


def test_front_reloads_lose_nothing(host, record_property):
    before = probe(host, HOST)["ppid"]
    reload = "systemctl reload apache2" if systemd(host) else "apache2ctl graceful"
    counts = load(host, lambda: host.check_output("for i in 1 2 3 4 5; do %s; sleep 1; done" % reload))
    loses_nothing(counts, record_property, "front_reload")
    assert probe(host, HOST)["ppid"] == before


def test_log_rotation_loses_nothing(host, record_property):
    counts = load(host, lambda: host.check_output("logrotate -f /etc/logrotate.d/apache2"))
    loses_nothing(counts, record_property, "log_rotation")


def test_a_daemon_option_starts_green_and_stops_blue(host, tmp_path, record_property):
    counts = load(host, lambda: deployed(deploy(host, tmp_path, "alpha", wsgi_app_processes=3)))
    loses_nothing(counts, record_property, "daemon_option")
    assert front_port(host, "alpha") == 8102
    assert serving_color(host, HOST) == "green"
    assert running_instances(host, "alpha") == ["green"]
    assert "processes=3 " in host.file(CONFIG_DIR + "/alpha-green.conf").content_string
    if systemd(host):
        assert unit_state(host, "green") == (True, True)
        assert unit_state(host, "blue") == (False, False)


def test_a_python_home_starts_blue_again(host, tmp_path, record_property):
    counts = load(host, lambda: deployed(deploy(host, tmp_path, "alpha", wsgi_app_processes=3,
                                                wsgi_app_python_home="/srv/alpha/venv-b")))
    loses_nothing(counts, record_property, "python_home")
    assert front_port(host, "alpha") == 8101
    assert probe(host, HOST)["prefix"] == "/srv/alpha/venv-b"
    assert running_instances(host, "alpha") == ["blue"]


def test_the_same_configuration_again_changes_nothing(host, tmp_path):
    pid = probe(host, HOST)["ppid"]
    output = deployed(deploy(host, tmp_path, "alpha", wsgi_app_processes=3, wsgi_app_python_home="/srv/alpha/venv-b"))
    assert "changed=0" in output
    assert probe(host, HOST)["ppid"] == pid


def test_check_mode_reports_the_switch_and_changes_nothing(host, tmp_path):
    before, pid = configuration(host), probe(host, HOST)["ppid"]
    output = deployed(deploy(host, tmp_path, "alpha", "--check", "--diff", wsgi_app_processes=4,
                             wsgi_app_python_home="/srv/alpha/venv-b"))
    assert "Write and test the configuration of backend alpha-green" in output
    assert "changed=0" not in output
    assert configuration(host) == before
    assert probe(host, HOST)["ppid"] == pid
    assert running_instances(host, "alpha") == ["blue"]


def test_a_backend_that_fails_its_check_is_stopped_and_the_front_keeps_the_old_one(
        host, tmp_path, record_property):
    before = configuration(host)
    counts = load(host, lambda: deploy(host, tmp_path, "alpha", wsgi_app_processes=4,
                                       wsgi_app_python_home="/srv/alpha/venv-b",
                                       wsgi_app_health_check_body="never in the answer",
                                       wsgi_app_backend_start_timeout=5))
    loses_nothing(counts, record_property, "failed_check")
    rc, output = counts["result"]
    assert rc != 0
    assert "Backend alpha-green (port 8102) did not answer" in output
    assert "the front still proxies to alpha-blue, unchanged" in output
    assert running_instances(host, "alpha") == ["blue"]
    assert front_port(host, "alpha") == 8101
    # Only the idle color's file differs: it holds what was tried.
    changed = set(before.splitlines()) ^ set(configuration(host).splitlines())
    assert {line.split()[-1] for line in changed} == {CONFIG_DIR + "/alpha-green.conf"}, changed
    if systemd(host):
        assert unit_state(host, "green") == (False, False)


def test_a_configuration_apache_refuses_is_taken_back(host, tmp_path):
    # No input the role accepts makes apache2 -t refuse a backend's file, so the host's
    # own file does: remoteip.load, which only the backends load.
    module = "/etc/apache2/mods-available/remoteip.load"
    host.check_output("cp -p %s /tmp/remoteip.load && echo NoSuchDirective >> %s", module, module)
    try:
        before = configuration(host)
        # 5 processes: a file not tried before (an unchanged one is not tested again).
        rc, output = deploy(host, tmp_path, "alpha", wsgi_app_processes=5, wsgi_app_python_home="/srv/alpha/venv-b")
        after = configuration(host)
    finally:
        host.check_output("cp -p /tmp/remoteip.load %s", module)
    assert rc != 0
    assert "/usr/sbin/apache2 -t -f %s/alpha-green.conf rejected the new configuration" % CONFIG_DIR in output
    assert "NoSuchDirective" in output
    assert after == before
    assert running_instances(host, "alpha") == ["blue"]
    assert front_port(host, "alpha") == 8101


@pytest.fixture(scope="module")
def beta_removed(host, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("beta")
    return load(host, lambda: deploy(host, tmp_path, "beta", wsgi_app_state="absent"))


def test_removing_beta_loses_nothing_of_alpha(host, beta_removed, record_property):
    loses_nothing(beta_removed, record_property, "other_app_removed")
    rc, output = beta_removed["result"]
    assert rc == 0, output


def test_removing_beta_stops_its_backend_and_removes_its_files(host, beta_removed):
    assert running_instances(host, "beta") == []
    assert not host.file(CONFIG_DIR + "/beta-blue.conf").exists
    assert not host.file("/etc/apache2/sites-enabled/beta.conf").exists
    if systemd(host):
        assert not host.service("modwsgi-backend@beta-blue").is_running
        assert not host.service("modwsgi-backend@beta-blue").is_enabled
    assert host.run("id beta").rc != 0
