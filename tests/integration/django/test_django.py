"""A real Django project (molecule/django/files/mysite) installed into a venv the role
created, served through modwsgi.deploy.wsgi_app at the site root: Django answers from
the daemon group, Apache itself serves the admin's static files and the uploads."""
import hashlib
import json
import re

import pytest

from conftest import daemon_pids

SITE = "mysite.test"
ROOT = "/srv/mysite"
USER = "mysite"
SCRIPT = ROOT + "/code/mysite.wsgi"
SITE_FILE = "/etc/apache2/sites-available/mysite.conf"
# Django 3.2 is the last release for Python 3.6.
DJANGO = {"bionic": "3.2", "bookworm": "4.2", "noble": "4.2"}
MOD_WSGI_PYTHON = {"bionic": "3.6", "bookworm": "3.11", "noble": "3.12"}
# wsgi_app_daemon_options' defaults: mod_wsgi-express's production timeouts.
PRODUCTION_TIMEOUTS = {
    "request-timeout": "60", "queue-timeout": "45", "socket-timeout": "60", "connect-timeout": "15",
    "startup-timeout": "15", "deadlock-timeout": "60", "graceful-timeout": "15", "shutdown-timeout": "5",
}
# Set in converge.yml; test values.
ADMIN_PASSWORD = "molecule-admin-password"


@pytest.fixture
def site(get):
    """GET a path of mysite.test."""
    return lambda path: get(path, host_header=SITE)


@pytest.fixture
def report(site):
    """What the view at / reports about the interpreter and process serving it."""
    response = site("/")
    assert response.status == 200, response
    assert response.headers["content-type"] == "application/json"
    return json.loads(response.body)


def by_django(response):
    """Whether Django produced the response (its middleware marks every one)."""
    return response.headers.get("x-mysite-served-by") == "django"


def daemon_directive(host):
    """The options of mysite's WSGIDaemonProcess, continuation lines joined; paths are
    written quoted (option="/a path"), as mod_wsgi reads them."""
    content = host.file(SITE_FILE).content_string.replace("\\\n", " ")
    line = re.search(r"^WSGIDaemonProcess mysite .*$", content, re.M).group(0)
    return dict((name, value.strip('"')) for name, value in re.findall(r'([a-z-]+)=("[^"]*"|\S+)', line))


def as_user(host, user, *command):
    return host.run("runuser -u %s -- " + " ".join(["%s"] * len(command)), user, *command)


def test_admin_login_page_is_served_by_django_in_the_daemon_group(host, site):
    response = site("/admin/login/")
    assert response.status == 200, response
    assert "<title>Log in | Django site admin</title>" in response.body
    assert by_django(response)
    # Django's own middleware ran too.
    assert response.headers["x-frame-options"] == "DENY"
    group, pid = response.headers["x-mysite-daemon"].split()
    assert group == "mysite"
    assert int(pid) in daemon_pids(host, "mysite")


def test_admin_static_files_are_served_by_apache_from_static_root(host, site):
    page = site("/admin/login/").body
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page)
    assert "/static/admin/css/base.css" in stylesheets
    for path in stylesheets:
        response = site(path)
        assert response.status == 200, (path, response.status)
        assert response.headers["content-type"].startswith("text/css"), (path, response.headers)
        # Apache's static file handler, not Django.
        assert not by_django(response), path
        assert response.headers.get("accept-ranges") == "bytes"
        on_disk = host.file(ROOT + "/static" + path[len("/static"):])
        assert on_disk.exists and on_disk.user == "root"
        assert hashlib.md5(response.body.encode()).hexdigest() == on_disk.md5sum, path


def test_static_urls_never_reach_django(site):
    # Even a missing file is Apache's 404: the Alias wins over the WSGI mount at "/".
    response = site("/static/admin/css/no-such-file.css")
    assert response.status == 404
    assert not by_django(response)
    assert "The requested URL was not found on this server." in response.body


@pytest.mark.parametrize("path, content", [
    ("/media/hello.txt", "Hello from MEDIA_ROOT\n"),
    ("/media/gr%C3%BC%C3%9Fe.txt", "Grüße aus MEDIA_ROOT\n"),
])
def test_media_files_are_served_by_apache_from_media_root(site, path, content):
    response = site(path)
    assert response.status == 200, response
    assert response.headers["content-type"].startswith("text/plain")
    assert not by_django(response)
    assert response.body == content


@pytest.mark.parametrize("path", ["/manage.py", "/mysite/settings.py", "/mysite.wsgi", "/code/mysite.wsgi"])
def test_other_urls_reach_django_and_never_the_source(site, path):
    response = site(path)
    assert response.status == 404
    assert by_django(response)
    assert "DJANGO_SECRET_KEY" not in response.body and "not-a-secret" not in response.body


def test_django_runs_in_the_virtualenv_with_the_expected_version(host, report):
    codename = host.system_info.codename
    assert report["prefix"] == ROOT + "/venv"
    assert report["python_version"].startswith(MOD_WSGI_PYTHON[codename] + ".")
    assert report["django_version"].startswith(DJANGO[codename] + ".")
    assert report["django_file"].startswith(ROOT + "/venv/lib/")
    assert report["debug"] is False
    # The same Django the requirements file installed into the venv.
    installed = host.check_output("%s/venv/bin/python -c 'import django; print(django.get_version())'", ROOT)
    assert installed == report["django_version"]
    assert daemon_directive(host)["python-home"] == ROOT + "/venv"
    assert daemon_directive(host)["python-path"] == ROOT + "/code"


def test_django_runs_in_the_main_interpreter(host, report):
    assert report["process_group"] == "mysite"
    assert report["application_group"] == ""
    assert report["main_interpreter"] is True
    assert "WSGIApplicationGroup %{GLOBAL}\n" in host.file(SITE_FILE).content_string


def test_daemon_locale_is_utf8(host, report):
    options = daemon_directive(host)
    assert options["lang"] == options["locale"] == "C.UTF-8"
    assert report["lang"] == "C.UTF-8"
    assert report["lc_ctype"] in ("C.UTF-8", "C.utf8")
    assert report["filesystem_encoding"] == "utf-8"
    assert report["preferred_encoding"].lower().replace("-", "") == "utf8"
    # A non-ASCII file name read from the file system comes back intact.
    assert "grüße.txt" in report["media_files"]


def test_environment_comes_from_wsgi_app_environment(host, report):
    assert report["environment"] == {"DJANGO_SETTINGS_MODULE": "mysite.settings", "MYSITE_DEPLOYMENT": "molecule"}
    # settings.py reads SECRET_KEY from os.environ and has no default of its own.
    assert report["secret_key_from_environment"] is True
    assert "DJANGO_SECRET_KEY" in host.file(SCRIPT).content_string
    assert "DJANGO_SECRET_KEY" not in host.file(ROOT + "/code/mysite/wsgi.py").content_string


def test_wsgi_script_is_readable_only_by_root_and_the_daemon_group(host):
    script = host.file(SCRIPT)
    assert script.user == "root"
    assert script.group == USER
    assert script.mode == 0o640
    assert as_user(host, USER, "cat", SCRIPT).rc == 0
    assert as_user(host, "www-data", "cat", SCRIPT).rc != 0
    assert as_user(host, "nobody", "cat", SCRIPT).rc != 0


def test_daemon_processes_run_as_the_dedicated_user(host, report):
    pids = daemon_pids(host, "mysite")
    assert len(pids) == 2, pids
    assert report["pid"] in pids
    for pid in pids:
        assert host.check_output("ps -o user=,group= -p %s", str(pid)).split() == [USER, USER]
    assert (report["user"], report["group"]) == (USER, USER)
    account = host.user(USER)
    assert account.shell == "/usr/sbin/nologin"
    assert USER not in ("root", "www-data")


def test_daemon_group_has_the_production_timeouts(host):
    options = daemon_directive(host)
    assert {option: options.get(option) for option in PRODUCTION_TIMEOUTS} == PRODUCTION_TIMEOUTS
    assert (options["user"], options["group"]) == (USER, USER)
    assert (options["processes"], options["threads"]) == ("2", "15")
    # The file on disk is the configuration Apache runs.
    assert host.file("/etc/apache2/sites-enabled/mysite.conf").linked_to == SITE_FILE
    assert host.run("apache2ctl -t").rc == 0


def test_code_is_root_owned_and_not_writable_by_the_daemon_user(host):
    trees = [ROOT + "/code", ROOT + "/venv", ROOT + "/static"]
    # Nothing (but symbolic links, whose modes mean nothing) is someone else's or writable by others.
    foreign = host.check_output("find %s %s %s ! -type l \\( ! -user root -o ! -group root -o -perm /022 \\)"
                                " ! -path %s", *trees, SCRIPT)
    assert foreign == ""
    for path in trees + [ROOT + "/code/mysite/settings.py", ROOT + "/code/mysite", SCRIPT,
                         ROOT + "/static/admin/css/base.css"]:
        assert as_user(host, USER, "test", "-w", path).rc != 0, path
    assert as_user(host, USER, "touch", ROOT + "/code/mysite/injected.py").rc != 0
    assert not host.file(ROOT + "/code/mysite/injected.py").exists


def test_daemon_user_writes_only_media_and_the_database(host):
    for path in [ROOT + "/media", ROOT + "/data", ROOT + "/data/db.sqlite3"]:
        assert host.file(path).user == USER, path
        assert as_user(host, USER, "test", "-w", path).rc == 0, path
    assert host.file(ROOT).user == "root"
    assert as_user(host, USER, "test", "-w", ROOT).rc != 0
    # Apache serves the uploads but cannot read the database.
    assert as_user(host, "www-data", "test", "-r", ROOT + "/media/hello.txt").rc == 0
    assert as_user(host, "www-data", "test", "-r", ROOT + "/data/db.sqlite3").rc != 0


def test_admin_login_works(host):
    """A real login: CSRF cookie and token, a session written to SQLite by the daemon user."""
    script = """
set -eu
jar=$(mktemp)
get() { curl -sS -c "$jar" -b "$jar" -H 'Host: mysite.test' "$@"; }
token=$(get http://127.0.0.1/admin/login/ | sed -n 's/.*name="csrfmiddlewaretoken" value="\\([^"]*\\)".*/\\1/p')
get -o /dev/null -w 'login %{http_code}\\n' --data-urlencode "csrfmiddlewaretoken=$token" \
    --data-urlencode username=admin --data-urlencode "password=$ADMIN_PASSWORD" \
    --data-urlencode next=/admin/ 'http://127.0.0.1/admin/login/?next=/admin/'
get http://127.0.0.1/admin/
rm -f "$jar"
"""
    result = host.run("ADMIN_PASSWORD=%s bash -c %s", ADMIN_PASSWORD, script)
    assert result.rc == 0, result.stderr
    assert "login 302" in result.stdout
    assert "<title>Site administration | Django site admin</title>" in result.stdout
