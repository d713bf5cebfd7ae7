"""alpha and beta each run in an Apache of their own, on loopback ports, behind the
front; gamma's daemon processes stay in the front Apache."""
from backends import CONFIG_DIR, configuration, deploy, probe, running_instances, serving_color, systemd


def front_pid(host):
    return int(host.file("/run/apache2/apache2.pid").content_string.strip())


def test_alpha_answers_from_its_blue_instance_with_its_venv(host):
    answer = probe(host, "alpha.test")
    assert answer["group"] == "alpha"
    assert answer["prefix"] == "/srv/alpha/venv-a"
    assert answer["ppid"] != front_pid(host)
    assert serving_color(host, "alpha.test") == "blue"
    assert running_instances(host, "alpha") == ["blue"]


def test_beta_answers_at_its_mount_from_its_own_instance(host):
    answer = probe(host, "beta.test", "/beta/x")
    assert answer["group"] == "beta"
    assert answer["script_name"] == "/beta"
    assert serving_color(host, "beta.test", "/beta") == "blue"


def test_gamma_stays_in_the_front(host):
    assert probe(host, "gamma.test")["ppid"] == front_pid(host)


def test_the_front_defines_no_daemon_group_of_alpha_or_beta(host):
    found = host.run("grep -rlE '^\\s*WSGIDaemonProcess\\s+(alpha|beta)\\b' /etc/apache2/ -s")
    assert found.stdout == ""
    alpha = host.file("/etc/apache2/sites-available/alpha.conf").content_string
    assert 'ProxyPass "http://127.0.0.1:8101/" ttl=10' in alpha


def test_the_backend_listens_on_loopback_only(host):
    listening = host.check_output("cat /proc/net/tcp")
    # 127.0.0.1:8101 in /proc/net/tcp's notation, state 0A (LISTEN).
    port = "%04X" % 8101
    assert "0100007F:%s 00000000:0000 0A" % port in listening
    assert "00000000:%s " % port not in listening


def test_the_scheme_is_the_fronts_not_the_clients(host):
    assert probe(host, "alpha.test", headers=["X-Forwarded-Proto: https"])["scheme"] == "http"
    assert probe(host, "alpha.test", tls=True, headers=["X-Forwarded-Proto: http"])["scheme"] == "https"
    answer = probe(host, "alpha.test")
    assert answer["remote_addr"] == "127.0.0.1"
    assert answer["host"] == "alpha.test"


def test_the_front_serves_the_alias_itself(host):
    host.check_output("mkdir -p /srv/alpha/static && echo static-file > /srv/alpha/static/a.txt")
    assert host.check_output("curl -sS -H 'Host: alpha.test' http://127.0.0.1/static/a.txt") == "static-file"


def test_each_color_is_a_systemd_unit_where_systemd_runs(host):
    if not systemd(host):
        assert not host.file("/etc/systemd/system/modwsgi-backend@.service").exists
        return
    blue = host.service("modwsgi-backend@alpha-blue")
    green = host.service("modwsgi-backend@alpha-green")
    assert blue.is_running and blue.is_enabled
    assert not green.is_running and not green.is_enabled


def test_the_backend_files_are_roots(host):
    config = host.file(CONFIG_DIR + "/alpha-blue.conf")
    assert config.user == "root" and config.mode == 0o644
    assert "Listen 127.0.0.1:8101" in config.content_string
    # Written to reserve its port, not started.
    assert "Listen 127.0.0.1:8102" in host.file(CONFIG_DIR + "/alpha-green.conf").content_string


def test_ports_in_use_are_refused_before_anything_changes(host, tmp_path):
    before = configuration(host)
    delta = {"wsgi_app_name": "delta", "wsgi_app_site": "delta", "wsgi_app_server_name": "delta.test",
             "wsgi_app_port": 8080, "wsgi_app_backend": "instance"}
    # alpha's green color has never run: its file holds the port all the same.
    rc, output = deploy(host, tmp_path, "beta", **dict(delta, wsgi_app_backend_ports=[8102, 8402]))
    assert rc != 0
    assert "wsgi_app_backend_ports holds 8102, the port of the backend instance in %s/alpha-green.conf" % CONFIG_DIR \
        in output
    rc, output = deploy(host, tmp_path, "beta", **dict(delta, wsgi_app_backend_ports=[8201, 443]))
    assert rc != 0
    assert "wsgi_app_backend_ports holds 8201, the port of the backend instance in %s/beta-blue.conf" % CONFIG_DIR \
        in output
    assert "wsgi_app_backend_ports holds 443, a port an enabled site answers on" in output
    assert configuration(host) == before
