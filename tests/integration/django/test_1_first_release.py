"""Release 1 of a real Django project (molecule/django/files/mysite), as converge.yml
deployed it with modwsgi.deploy.wsgi_app: a release directory with its own virtualenv,
migrated and with its static files collected before the switch, served at the site root
by the daemon group; Apache itself serves the static files from the current release and
the uploads from the shared directory.

The files of this directory run in name order: test_2_next_release_and_rollback.py
then deploys release 2 and rolls back to this one."""
import re

import pytest

from conftest import daemon_pids
from mysite_checks import (CURRENT, ENVIRONMENT, ROOT, SHARED, USER, as_user, assert_admin_login_works,
                           assert_admin_static_files_are_served_by_apache_from_the_current_release,
                           assert_media_files_are_served_by_apache_from_the_shared_media_root, by_django,
                           current_release, manage, notes, site)
from mysite_checks import report as get_report

SCRIPT = CURRENT + "/mysite.wsgi"
SITE_FILE = "/etc/apache2/sites-available/mysite.conf"
# Django 3.2 is the last release for Python 3.6.
DJANGO = {"bionic": "3.2", "bookworm": "4.2", "noble": "4.2"}
MOD_WSGI_PYTHON = {"bionic": "3.6", "bookworm": "3.11", "noble": "3.12"}
# wsgi_app_daemon_options' defaults: mod_wsgi-express's production timeouts.
PRODUCTION_TIMEOUTS = {
    "request-timeout": "60", "queue-timeout": "45", "socket-timeout": "60", "connect-timeout": "15",
    "startup-timeout": "15", "deadlock-timeout": "60", "graceful-timeout": "15", "shutdown-timeout": "5",
}


@pytest.fixture
def report(host):
    return get_report(host)


@pytest.fixture
def release(host):
    """The directory of the current release."""
    return ROOT + "/releases/" + current_release(host)


def daemon_directive(host):
    """The options of mysite's WSGIDaemonProcess, continuation lines joined; paths are
    written quoted (option="/a path"), as mod_wsgi reads them."""
    content = host.file(SITE_FILE).content_string.replace("\\\n", " ")
    line = re.search(r"^WSGIDaemonProcess mysite .*$", content, re.M).group(0)
    return dict((name, value.strip('"')) for name, value in re.findall(r'([a-z-]+)=("[^"]*"|\S+)', line))


def test_the_current_release_is_a_complete_release_directory(host, release):
    # A relative link, so the tree can move whole.
    assert re.match(r"^releases/[0-9a-f]{12}$", host.check_output("readlink %s", CURRENT))
    assert host.file(release).is_directory
    marker = host.file(release + "/.modwsgi-release")
    assert marker.user == "root" and marker.mode == 0o644
    assert '"release": "%s"' % current_release(host) in marker.content_string
    # What outlives the release is linked in; what belongs to it is its own.
    assert host.file(release + "/media").linked_to == SHARED + "/media"
    assert host.file(release + "/data").linked_to == SHARED + "/data"
    for own in ("static", ".venv", "notes/migrations"):
        assert host.file(release + "/" + own).is_directory and not host.file(release + "/" + own).is_symlink, own


def test_migrations_ran_as_the_daemon_user_before_the_switch(host):
    result = manage(host, "showmigrations", "notes", "auth")
    assert result.rc == 0, result.stderr
    assert "[X] 0001_initial" in result.stdout
    assert "[ ]" not in result.stdout
    database = host.file(SHARED + "/data/db.sqlite3")
    assert (database.user, database.group) == (USER, USER)


def test_the_notes_view_answers_from_release_1(host):
    answer = notes(host)
    assert answer["release"] == 1
    assert {"id", "text", "created"} <= set(answer["columns"])


def test_the_virtualenv_comes_from_the_controller_s_wheels(host, release):
    # Targets have no route to PyPI: pip found Django among the wheels the role copied over.
    wheels = host.check_output("ls %s/wheels", ROOT).split()
    assert any(re.match(r"(?i)django-[0-9.]+-py3-none-any\.whl$", wheel) for wheel in wheels), wheels
    installed = host.check_output("%s/.venv/bin/python -c 'import django; print(django.get_version())'", release)
    assert "django-%s-py3-none-any.whl" % installed in [wheel.lower() for wheel in wheels]
    assert host.file(release + "/requirements.txt").contains("Django>=3.2,<5")


def test_admin_login_page_is_served_by_django_in_the_daemon_group(host):
    response = site(host, "/admin/login/")
    assert response.status == 200, response
    assert "<title>Log in | Django site admin</title>" in response.body
    assert by_django(response)
    # Django's own middleware ran too.
    assert response.headers["x-frame-options"] == "DENY"
    group, pid = response.headers["x-mysite-daemon"].split()
    assert group == "mysite"
    assert int(pid) in daemon_pids(host, "mysite")


def test_admin_static_files_are_served_by_apache_from_the_release_s_static_root(host):
    assert_admin_static_files_are_served_by_apache_from_the_current_release(host)
    # Through the current link, so a switch changes them with the code.
    assert 'Alias /static "%s/static"' % CURRENT in host.file(SITE_FILE).content_string


def test_static_urls_never_reach_django(host):
    # Even a missing file is Apache's 404: the Alias wins over the WSGI mount at "/".
    response = site(host, "/static/admin/css/no-such-file.css")
    assert response.status == 404
    assert not by_django(response)
    assert "The requested URL was not found on this server." in response.body


def test_media_files_are_served_by_apache_from_the_shared_media_root(host):
    assert_media_files_are_served_by_apache_from_the_shared_media_root(host)
    assert 'Alias /media "%s/media"' % SHARED in host.file(SITE_FILE).content_string


@pytest.mark.parametrize("path", ["/manage.py", "/mysite/settings.py", "/mysite.wsgi", "/current/mysite.wsgi",
                                  "/requirements.txt", "/.modwsgi-release", "/.venv/bin/python",
                                  "/data/db.sqlite3"])
def test_other_urls_reach_django_and_never_the_source(host, path):
    response = site(host, path)
    assert response.status == 404
    assert by_django(response)
    assert "DJANGO_SECRET_KEY" not in response.body and "not-a-secret" not in response.body


def test_django_runs_in_the_release_s_virtualenv_with_the_expected_version(host, report, release):
    codename = host.system_info.codename
    # python-home names the current link, so every release brings its own venv.
    assert report["prefix"] == CURRENT + "/.venv"
    assert report["loaded_from"] == {"code": release, "prefix": release + "/.venv"}
    assert report["python_version"].startswith(MOD_WSGI_PYTHON[codename] + ".")
    assert report["django_version"].startswith(DJANGO[codename] + ".")
    assert report["django_file"].startswith(CURRENT + "/.venv/lib/")
    assert report["debug"] is False
    # The same Django the requirements file installed into the venv.
    installed = host.check_output("%s/.venv/bin/python -c 'import django; print(django.get_version())'", CURRENT)
    assert installed == report["django_version"]
    assert daemon_directive(host)["python-home"] == CURRENT + "/.venv"
    assert daemon_directive(host)["python-path"] == CURRENT


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
    assert ENVIRONMENT["DJANGO_SECRET_KEY"] in host.file(SCRIPT).content_string
    assert "DJANGO_SECRET_KEY" not in host.file(CURRENT + "/mysite/wsgi.py").content_string


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


def test_code_is_root_owned_and_not_writable_by_the_daemon_user(host, release):
    # Everything under the application root but shared/ (releases, their venvs and static
    # files, the links, the wheels) is root's and writable by no one else; symbolic links,
    # whose modes mean nothing, aside; each release's WSGI script has the daemon's group, to
    # read it.
    foreign = host.check_output("find %s -path %s -prune -o ! -type l \\( ! -user root -o ! -group root"
                                " -o -perm /022 \\) ! -path %s -print", ROOT, SHARED, ROOT + "/releases/*/mysite.wsgi")
    assert foreign == ""
    for path in [ROOT, ROOT + "/releases", release, release + "/.venv", release + "/static", SHARED,
                 release + "/mysite/settings.py", release + "/mysite", SCRIPT, release + "/static/admin/css/base.css"]:
        assert as_user(host, USER, "test", "-w", path).rc != 0, path
    assert as_user(host, USER, "touch", release + "/mysite/injected.py").rc != 0
    assert not host.file(release + "/mysite/injected.py").exists
    # Nor can it swap the current release, or a shared directory, for one of its own.
    assert as_user(host, USER, "ln", "-sfn", "/tmp", CURRENT).rc != 0
    assert as_user(host, USER, "mv", SHARED + "/media", SHARED + "/media.old").rc != 0


def test_daemon_user_writes_only_media_and_the_database(host):
    for path in [SHARED + "/media", SHARED + "/data", SHARED + "/data/db.sqlite3"]:
        assert host.file(path).user == USER, path
        assert as_user(host, USER, "test", "-w", path).rc == 0, path
    assert host.file(SHARED + "/data").mode == 0o750
    # Apache serves the uploads but cannot read the database.
    assert as_user(host, "www-data", "test", "-r", SHARED + "/media/hello.txt").rc == 0
    assert as_user(host, "www-data", "test", "-r", SHARED + "/data/db.sqlite3").rc != 0


def test_admin_login_works(host):
    assert_admin_login_works(host)
