"""Two applications side by side: own site, daemon group, system user and venv each;
HTTP and HTTPS sharing one daemon group; an HTTP->HTTPS redirect with HSTS."""
import json

from conftest import role_playbook, run_playbook

APPS = ("alpha", "beta")


def https(host, name, path="/"):
    """GET https://<name>.test<path> from inside the container, resolved to 127.0.0.1 (SNI sent)."""
    result = host.run("curl -sS -k -D /dev/stderr --resolve %s:443:127.0.0.1 %s",
                      name + ".test", "https://%s.test%s" % (name, path))
    assert result.rc == 0, result.stderr
    return result.stdout, result.stderr.lower()


def test_each_app_has_its_own_user_group_and_venv(host, get):
    reports = {}
    for name in APPS:
        body = https(host, name)[0]
        reports[name] = json.loads(body)
        assert reports[name]["group"] == name
        assert reports[name]["user"] == name
        assert reports[name]["prefix"] == "/srv/%s/venv" % name
        assert host.user(name).shell == "/usr/sbin/nologin"
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
