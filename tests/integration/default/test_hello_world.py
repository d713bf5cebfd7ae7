"""playbooks/site.yml with its defaults: the walkthrough's Hello World at /myapp,
served by the daemon process group "myproject"."""
import datetime
import os
import re
import time

from conftest import daemon_pids, load_during

SITE = "mydomain"
GROUP = "myproject"
SCRIPT = "/srv/myproject/code/myapp.wsgi"
DOCUMENT_ROOT = "/var/www/mydomain"
ACCESS_LOG = "/var/log/apache2/mydomain-access.log"

PROBE = b"""
import os

def application(environ, start_response):
    body = ('%s %s' % (environ['mod_wsgi.process_group'], os.getpid())).encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
"""


def test_packages_are_installed(host):
    for name in ("apache2", "libapache2-mod-wsgi-py3", "logrotate"):
        assert host.package(name).is_installed, name


def test_the_first_install_brought_no_python3_apt(host):
    """Apache and mod_wsgi come in one apt-get transaction of the packages alone: the
    apt module, which needs python3-apt and would install it itself, never ran."""
    assert not host.package("python3-apt").is_installed


def test_wsgi_module_is_loaded(host):
    assert "wsgi_module (shared)" in host.check_output("apache2ctl -M 2>&1")


def test_config_is_clean(host):
    # The server-wide ServerName silences AH00558; a clean -t prints only "Syntax OK".
    result = host.run("apache2ctl -t")
    assert result.rc == 0
    assert result.stderr.strip() == "Syntax OK"


def test_apache_is_running_and_enabled(host):
    apache = host.service("apache2")
    assert apache.is_running
    assert apache.is_enabled


def test_site_is_written_and_enabled(host):
    available = host.file("/etc/apache2/sites-available/%s.conf" % SITE)
    assert available.is_file
    assert available.user == "root" and available.mode == 0o644
    enabled = host.file("/etc/apache2/sites-enabled/%s.conf" % SITE)
    assert enabled.is_symlink
    assert enabled.linked_to == available.path
    assert not host.file("/etc/apache2/sites-enabled/000-default.conf").exists
    assert "WSGIDaemonProcess %s " % GROUP in available.content_string


def test_hello_world_is_served(get):
    response = get("/myapp")
    assert response.status == 200
    assert response.body == "Hello World!"
    assert response.headers["content-type"] == "text/plain"
    assert response.headers["content-length"] == "12"


def test_daemon_processes_carry_the_group_name_and_a_dedicated_user(host):
    pids = daemon_pids(host, GROUP)
    assert len(pids) == 2  # processes=2
    for pid in pids:
        assert host.check_output("ps -o user= -p %s", str(pid)) == GROUP
    user = host.user(GROUP)
    assert user.shell == "/usr/sbin/nologin"
    assert user.uid < 1000  # a system account
    assert user.group == GROUP and user.gid < 1000  # with a system group of its name
    assert user.home == "/nonexistent"
    # The daemon user can read the code but not change it.
    assert host.run("su -s /bin/sh -c 'test -w %s' %s", SCRIPT, GROUP).rc != 0
    assert host.run("su -s /bin/sh -c 'test -w %s' %s", os.path.dirname(SCRIPT), GROUP).rc != 0


def test_server_discloses_no_version_and_refuses_trace(host, get):
    assert get("/myapp").headers["server"] == "Apache"
    trace = host.check_output("curl -s -o /dev/null -w '%{http_code}' -X TRACE http://127.0.0.1/myapp")
    assert trace == "405"


def test_requests_wait_for_the_daemon_group(host, get):
    # Freeze the group's processes: if /myapp were served anywhere else (embedded
    # mode, another group) it would still answer.
    pids = " ".join(str(pid) for pid in daemon_pids(host, GROUP))
    host.check_output("kill -STOP %s" % pids)
    try:
        frozen = host.run("curl -sS --max-time 3 -o /dev/null http://127.0.0.1/myapp")
    finally:
        host.check_output("kill -CONT %s" % pids)
    assert frozen.rc == 28, "curl should time out while the daemon is stopped"
    assert get("/myapp").body == "Hello World!"


def test_probe_reports_the_daemon_group(host, get):
    # Swap a probe in for the script (mod_wsgi reloads it on mtime change) and ask
    # it, from inside, which process group and process run it.
    original = host.file(SCRIPT).content
    try:
        host.run("printf %%s %s > %s", PROBE.decode(), SCRIPT)
        time.sleep(1.1)  # a fresh mtime second, so the reload is certain
        group, pid = get("/myapp").body.split()
        assert group == GROUP
        assert int(pid) in daemon_pids(host, GROUP)
    finally:
        host.run("printf %%s %s > %s && touch %s", original.decode(), SCRIPT, SCRIPT)
    assert get("/myapp").body == "Hello World!"


def test_script_is_outside_document_root(host):
    site = host.file("/etc/apache2/sites-available/%s.conf" % SITE).content_string
    assert 'DocumentRoot "%s"' % DOCUMENT_ROOT in site
    script = host.file(SCRIPT)
    assert script.is_file and script.user == "root" and script.mode == 0o644
    assert not os.path.realpath(SCRIPT).startswith(DOCUMENT_ROOT + "/")


def test_script_source_is_not_served(get):
    candidates = ["/myapp.wsgi", "/code/myapp.wsgi", "/myproject/code/myapp.wsgi",
                  SCRIPT, "/myapp/myapp.wsgi", "/myapp/../myapp.wsgi"]
    for path in candidates:
        response = get(path)
        assert "def application" not in response.body, path


def test_performance_defaults_are_in_effect(host, get):
    # docs/performance.md: what bench/throughput.sh measured is what runs.
    assert "Server MPM:     event" in host.check_output("apache2ctl -V 2>/dev/null")
    site = host.file("/etc/apache2/sites-available/%s.conf" % SITE).content_string
    assert "processes=2 threads=15" in site
    assert "WSGIApplicationGroup %{GLOBAL}" in site
    # Access logging stays on: every request is a line.
    before = host.file(ACCESS_LOG).size
    assert get("/myapp").status == 200
    assert host.file(ACCESS_LOG).size > before


def test_first_converge_restarted_apache_once_and_never_reloaded_it(host):
    """After the packages (whose scripts start, and on Debian 12 restart, Apache), the
    roles restarted Apache once, applying mod_wsgi and the whole configuration: the
    graceful reload notified with it was superseded, and the idempotent re-run applied
    nothing."""
    log = host.file("/var/log/apache2/error.log").content_string
    assert "SIGUSR1" not in log
    # dpkg.log times have whole seconds: a start in the packages' last second is theirs.
    last_package = datetime.datetime.strptime(host.check_output("tail -n1 /var/log/dpkg.log")[:19], "%Y-%m-%d %H:%M:%S")
    starts = [datetime.datetime.strptime(stamp, "%a %b %d %H:%M:%S.%f %Y")
              for stamp in re.findall(r"^\[([^]]+)\] \[mpm_\w+:notice\].* resuming normal operations$", log, re.M)]
    assert len([start for start in starts if start >= last_package + datetime.timedelta(seconds=1)]) == 1, log


def test_site_logs_to_its_own_files(host, get):
    site = host.file("/etc/apache2/sites-available/%s.conf" % SITE).content_string
    assert 'ErrorLog "${APACHE_LOG_DIR}/mydomain-error.log"' in site
    assert "CustomLog ${APACHE_LOG_DIR}/mydomain-access.log combined" in site
    stock = host.file("/var/log/apache2/access.log").size
    assert get("/myapp?own-log-check").status == 200
    assert "GET /myapp?own-log-check " in host.file(ACCESS_LOG).content_string
    assert host.file("/var/log/apache2/access.log").size == stock


def test_apache_listens_on_the_site_port_only(host):
    assert host.file("/etc/apache2/ports.conf").content_string.splitlines()[-1:] == ["Listen 80"]
    assert host.run("grep -c '^Listen' /etc/apache2/ports.conf").stdout.strip() == "1"
    # curl exits 7 when nothing listens.
    assert host.run("curl -sS -o /dev/null http://127.0.0.1:80/").rc == 0
    assert host.run("curl -sS -o /dev/null http://127.0.0.1:443/").rc == 7


def test_log_rotation_under_load_fails_no_request_and_reloads_nothing(host, get, record_property):
    """Debian's logrotate reloads Apache, and every graceful reload answers a few requests
    with 503 in daemon mode; the collection's rotation reloads nothing."""
    parent = host.check_output("cat /var/run/apache2/apache2.pid")
    daemons = sorted(daemon_pids(host, GROUP))
    host.check_output("rm -f /var/log/apache2/*.log.[0-9]*")

    counts = load_during(host, "http://127.0.0.1/myapp",
                         lambda: host.check_output("logrotate -f /etc/logrotate.d/apache2"))

    for key, value in counts.items():
        record_property("rotation_" + key, value)
    assert counts["failed"] == 0 and counts["non_2xx"] == 0, counts
    assert host.check_output("cat /var/run/apache2/apache2.pid") == parent
    assert sorted(daemon_pids(host, GROUP)) == daemons
    # Really rotated: the requests before the rotation are in .1, and Apache writes on
    # into the emptied file.
    assert host.file(ACCESS_LOG + ".1").size > 0
    size = host.file(ACCESS_LOG).size
    assert get("/myapp?after-rotation").status == 200
    assert host.file(ACCESS_LOG).size > size
    assert "GET /myapp?after-rotation " in host.file(ACCESS_LOG).content_string
