"""Three applications side by side: own site, daemon group, system user and venv each;
HTTP and HTTPS sharing one daemon group; an HTTP->HTTPS redirect with HSTS; ports of
their own, a code directory with a space and the Authorization header passed through."""
import json
import os
import re

from conftest import ansible_playbook, role_playbook, run_playbook

APPS = ("alpha", "beta", "gamma")
CONVERGE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
                        "molecule", "apps", "converge.yml")


def https(host, name, path="/", port=443, headers=()):
    """GET https://<name>.test:<port><path> from inside the container, resolved to 127.0.0.1 (SNI sent)."""
    extra = " ".join("-H '%s'" % header for header in headers)
    result = host.run("curl -sS -k -D /dev/stderr " + extra + " --resolve %s %s",
                      "%s.test:%d:127.0.0.1" % (name, port), "https://%s.test:%d%s" % (name, port, path))
    assert result.rc == 0, result.stderr
    return result.stdout, result.stderr.lower()


def http(host, name, port, headers=()):
    """The probe's report from http://127.0.0.1:<port>/ for Host <name>.test."""
    extra = " ".join("-H '%s'" % header for header in headers)
    return json.loads(host.check_output("curl -sS -H 'Host: %s.test' %s http://127.0.0.1:%d/" % (name, extra, port)))


def test_each_app_has_its_own_user_group_and_venv(host, get):
    reports = {}
    for name in APPS:
        body = https(host, name, port=8443 if name == "gamma" else 443)[0]
        reports[name] = json.loads(body)
        assert reports[name]["group"] == name
        assert reports[name]["user"] == name
        assert reports[name]["prefix"] == "/srv/%s/venv" % name
        assert host.user(name).shell == "/usr/sbin/nologin"
        # gamma's group has a name of its own, the others their user's; all are system groups.
        unix_group = "gamma-daemons" if name == "gamma" else name
        assert reports[name]["unix_group"] == host.user(name).group == unix_group
        assert host.group(unix_group).gid < 1000
    assert reports["alpha"]["pid"] != reports["beta"]["pid"]


def test_http_and_https_share_one_daemon_group(host, get):
    # The group is defined once (names are server-wide) and used by both vhosts.
    definitions = host.check_output("grep -Rh '^WSGIDaemonProcess alpha ' /etc/apache2/sites-enabled/ | wc -l")
    assert definitions == "1"
    plain = json.loads(get("/", host_header="alpha.test").body)
    secure = json.loads(https(host, "alpha")[0])
    assert plain["scheme"] == "http" and secure["scheme"] == "https"
    assert plain["group"] == secure["group"] == "alpha"


def test_redirect_to_https_with_hsts(host, get):
    response = get("/some/path", host_header="beta.test")
    assert response.status == 301
    assert response.headers["location"] == "https://beta.test/some/path"
    headers = https(host, "beta")[1]
    assert "strict-transport-security: max-age=31536000" in headers
    alpha_headers = https(host, "alpha")[1]
    assert "strict-transport-security" not in alpha_headers


def test_check_mode_on_the_configured_host_changes_nothing(host, tmp_path):
    playbook = role_playbook("wsgi_app", {
        "wsgi_app_name": "alpha",
        "wsgi_app_site": "alpha",
        "wsgi_app_server_name": "alpha.test",
        "wsgi_app_server_aliases": [],
        "wsgi_app_mount": "/",
        "wsgi_app_script_dir": "/srv/alpha/code",
        "wsgi_app_document_root": "/var/www/alpha",
        "wsgi_app_python_path": [],
        "wsgi_app_python_home": "/srv/alpha/venv",
        "wsgi_app_threads": 7,
        "wsgi_app_tls": True,
    })
    site = "/etc/apache2/sites-available/alpha.conf"
    before = host.file(site).md5sum
    rc, output = run_playbook(host, playbook, tmp_path, "--check", "--diff")
    assert rc == 0, output
    # The diff shows the one change a real run would make, and nothing is made.
    assert "-    processes=2 threads=15" in output and "+    processes=2 threads=7" in output
    assert host.file(site).md5sum == before


def test_three_changed_apps_reload_apache_once(host):
    """Every graceful reload answers a few requests with 503 in daemon mode, so the
    converge (wsgi_app_defer_apply, then tasks_from: apply) changing all three
    applications reloads Apache once, then checks each."""
    graceful = "grep -c 'SIGUSR1' /var/log/apache2/error.log || true"
    before = int(host.check_output(graceful))
    rc, output = ansible_playbook(CONVERGE, "--limit", host.backend.get_hostname(), "-e", "wsgi_app_threads=9", "-v")
    assert rc == 0, output
    assert int(host.check_output(graceful)) == before + 1
    # Each application was checked after the one reload, and runs the new setting.
    checks = output[output.index("Request each application locally"):]
    for name in APPS:
        assert re.search(r'"name": "%s",\s*"url": "https://127\.0\.0\.1:' % name, checks), checks
        assert "processes=2 threads=9" in host.file("/etc/apache2/sites-available/%s.conf" % name).content_string
    assert http(host, "gamma", 8080)["group"] == "gamma"


def test_apache_listens_on_every_site_port_and_no_other(host):
    listens = [line for line in host.file("/etc/apache2/ports.conf").content_string.splitlines()
               if line.startswith("Listen")]
    assert listens == ["Listen 80", "Listen 443", "Listen 8080", "Listen 8443"]
    report = http(host, "gamma", 8080)
    assert report["group"] == "gamma" and report["scheme"] == "http"
    assert json.loads(https(host, "gamma", port=8443)[0])["scheme"] == "https"


def test_code_directory_with_a_space(host):
    site = host.file("/etc/apache2/sites-available/gamma.conf").content_string
    assert 'home="/srv/gamma app/code"' in site
    assert http(host, "gamma", 8080)["cwd"] == "/srv/gamma app/code"


def test_authorization_reaches_only_the_app_that_asked_for_it(host):
    token = "Authorization: Bearer s3cr3t"
    assert http(host, "gamma", 8080, headers=[token])["authorization"] == "Bearer s3cr3t"
    assert json.loads(https(host, "alpha", headers=[token])[0])["authorization"] is None
