"""What the django scenario's tests check on every release of mysite, shared by
test_1_first_release.py and test_2_next_release_and_rollback.py: the role variables of
molecule/django/vars/mysite.yml, the admin login, the static files Apache serves from
the current release and the uploads it serves from the shared directory."""
import hashlib
import json
import os
import re

import yaml

from conftest import http_get

REPOSITORY = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SCENARIO = os.path.join(REPOSITORY, "molecule", "django")
# The role variables converge.yml deploys with; the tests' deploys and rollback load them too.
VARS_FILE = os.path.join(SCENARIO, "vars", "mysite.yml")
with open(VARS_FILE) as vars_file:
    VARS = yaml.safe_load(vars_file)
ENVIRONMENT = VARS["wsgi_app_environment"]

SITE = "mysite.test"
ROOT = VARS["wsgi_app_root"]
CURRENT = ROOT + "/current"
SHARED = ROOT + "/shared"
USER = VARS["wsgi_app_user"]
# Set in converge.yml; test values.
ADMIN_PASSWORD = "molecule-admin-password"
# The uploads converge.yml puts into the shared MEDIA_ROOT, as URL paths.
MEDIA_FILES = [
    ("/media/hello.txt", "Hello from MEDIA_ROOT\n"),
    ("/media/gr%C3%BC%C3%9Fe.txt", "Grüße aus MEDIA_ROOT\n"),
]


def site(host, path):
    """GET a path of mysite.test."""
    return http_get(host, path, host_header=SITE)


def by_django(response):
    """Whether Django produced the response (its middleware marks every one)."""
    return response.headers.get("x-mysite-served-by") == "django"


def as_user(host, user, *command):
    return host.run("runuser -u %s -- " + " ".join(["%s"] * len(command)), user, *command)


def current_release(host):
    """The id of the release the "current" link names."""
    link = host.file(CURRENT).linked_to
    assert link.startswith(ROOT + "/releases/"), link
    return os.path.basename(link)


def report(host):
    """What the view at / reports about the interpreter and process serving it."""
    response = site(host, "/")
    assert response.status == 200, response
    assert response.headers["content-type"] == "application/json"
    return json.loads(response.body)


def notes(host):
    """The answer of the notes view: its release number, the notes, the table's columns."""
    response = site(host, "/notes/")
    assert response.status == 200, response
    assert by_django(response)
    return json.loads(response.body)


def manage(host, *arguments):
    """manage.py of the current release, run as the daemon user with the application's
    environment, like the role's release commands."""
    command = (["runuser", "-u", USER, "--", "env"] + ["%s=%s" % item for item in sorted(ENVIRONMENT.items())]
               + [".venv/bin/python", "manage.py"] + list(arguments))
    return host.run("cd %s && " + " ".join(["%s"] * len(command)), CURRENT, *command)


def assert_admin_static_files_are_served_by_apache_from_the_current_release(host):
    page = site(host, "/admin/login/").body
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page)
    assert "/static/admin/css/base.css" in stylesheets
    release = ROOT + "/releases/" + current_release(host)
    for path in stylesheets:
        response = site(host, path)
        assert response.status == 200, (path, response.status)
        assert response.headers["content-type"].startswith("text/css"), (path, response.headers)
        # Apache's static file handler, not Django.
        assert not by_django(response), path
        assert response.headers.get("accept-ranges") == "bytes"
        # collectstatic, run as root, wrote them into the release itself.
        on_disk = host.file(release + "/static" + path[len("/static"):])
        assert on_disk.exists and on_disk.user == "root"
        assert hashlib.md5(response.body.encode()).hexdigest() == on_disk.md5sum, path


def assert_media_files_are_served_by_apache_from_the_shared_media_root(host):
    for path, content in MEDIA_FILES:
        response = site(host, path)
        assert response.status == 200, (path, response)
        assert response.headers["content-type"].startswith("text/plain")
        assert not by_django(response)
        assert response.body == content


def assert_admin_login_works(host):
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
    # The notes app's model is in the admin of every release.
    assert 'href="/admin/notes/note/"' in result.stdout
