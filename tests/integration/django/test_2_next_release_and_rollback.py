"""Release 2 of mysite, then a rollback to release 1, after test_1_first_release.py
(pytest runs the files of a directory in name order, and these tests in the order
below: the rollback needs release 2 to have replaced release 1).

Release 2 is files/mysite with files/mysite-v2-overlay copied over it, put together on
the controller: its notes view answers differently, and its model gains a column with
migration 0002. It is deployed with converge.yml's role variables (vars/mysite.yml),
then playbooks/rollback.yml switches back, given the same variables. The admin, the
static files and the uploads keep working on both, and the database keeps its data."""
import os
import shutil

import pytest
import yaml

from conftest import ansible_playbook, run_playbook
from mysite_checks import (CURRENT, REPOSITORY, ROOT, SCENARIO, USER, VARS_FILE, assert_admin_login_works,
                           assert_admin_static_files_are_served_by_apache_from_the_current_release,
                           assert_media_files_are_served_by_apache_from_the_shared_media_root,
                           current_release, manage, notes, report)

PROJECT = os.path.join(SCENARIO, "files", "mysite")
OVERLAY = os.path.join(SCENARIO, "files", "mysite-v2-overlay")
# Where prepare.yml downloads the wheel sets, as converge.yml names it.
WHEEL_CACHE = os.path.join(REPOSITORY, ".cache", "wheels", "django")
ROLLBACK = os.path.join(REPOSITORY, "playbooks", "rollback.yml")


def release_dir(release):
    return ROOT + "/releases/" + release


@pytest.fixture(scope="module")
def release_1(host):
    """The release converge.yml made current."""
    return current_release(host)


@pytest.fixture(scope="module")
def release_2(host, release_1, tmp_path_factory):
    """Deploy release 2 with the role and return its id."""
    tmp_path = tmp_path_factory.mktemp("release-2")
    source = tmp_path / "mysite"
    shutil.copytree(PROJECT, str(source))
    shutil.copytree(OVERLAY, str(source), dirs_exist_ok=True)
    playbook = yaml.safe_dump([{
        "name": "Deploy release 2 of mysite",
        "hosts": "all",
        "become": True,
        "vars_files": [VARS_FILE],
        "vars": {"mysite_source": str(source), "mysite_wheel_cache": WHEEL_CACHE},
        "tasks": [{"ansible.builtin.include_role": {"name": "modwsgi.deploy.wsgi_app"}}],
    }])
    rc, output = run_playbook(host, playbook, tmp_path)
    assert rc == 0, output
    return current_release(host)


@pytest.fixture(scope="module")
def rolled_back(host, release_2):
    """Run playbooks/rollback.yml for this host, with mysite's variables; return the
    release it made current."""
    rc, output = ansible_playbook(ROLLBACK, "--limit", host.backend.get_hostname(), "--extra-vars", "@" + VARS_FILE)
    assert rc == 0, output
    return current_release(host)


def test_release_2_is_built_beside_release_1_and_made_current(host, release_1, release_2):
    assert release_2 != release_1
    assert host.check_output("readlink %s", CURRENT) == "releases/" + release_2
    assert host.check_output("readlink %s/previous", ROOT) == "releases/" + release_1
    for release in (release_1, release_2):
        assert host.file(release_dir(release) + "/.modwsgi-release").exists, release
    # Its own code, venv and static files, and the shared uploads and database.
    assert host.file(release_dir(release_2) + "/notes/migrations/0002_note_title.py").exists
    assert not host.file(release_dir(release_1) + "/notes/migrations/0002_note_title.py").exists
    assert host.file(release_dir(release_2) + "/.venv/bin/python").exists
    assert host.file(release_dir(release_2) + "/static/admin/css/base.css").exists
    assert host.file(release_dir(release_2) + "/data").linked_to == ROOT + "/shared/data"


def test_release_2_answers_with_its_changed_view_and_its_new_column(host, release_2):
    answer = notes(host)
    assert answer["release"] == 2
    assert "title" in answer["columns"]
    assert all(set(note) == {"text", "title"} for note in answer["notes"]), answer
    # Every daemon process restarted onto release 2's code and venv, without an Apache reload.
    for dummy in range(4):
        assert report(host)["loaded_from"] == {"code": release_dir(release_2),
                                               "prefix": release_dir(release_2) + "/.venv"}


def test_release_2_s_commands_applied_migration_0002_as_the_daemon_user(host, release_2):
    result = manage(host, "showmigrations", "notes")
    assert result.rc == 0, result.stderr
    assert "[X] 0001_initial" in result.stdout
    assert "[X] 0002_note_title" in result.stdout
    database = host.file(ROOT + "/shared/data/db.sqlite3")
    assert (database.user, database.group) == (USER, USER)


def test_admin_static_files_and_uploads_work_on_release_2(host, release_2):
    assert_admin_static_files_are_served_by_apache_from_the_current_release(host)
    assert_media_files_are_served_by_apache_from_the_shared_media_root(host)
    assert_admin_login_works(host)


def test_the_rollback_returns_to_release_1(host, release_1, release_2, rolled_back):
    assert rolled_back == release_1
    assert host.check_output("readlink %s", CURRENT) == "releases/" + release_1
    # "previous" now names release 2, so a second rollback would return to it.
    assert host.check_output("readlink %s/previous", ROOT) == "releases/" + release_2
    assert host.file(release_dir(release_2) + "/.modwsgi-release").exists


def test_release_1_answers_again_over_the_migrated_database(host, release_1, rolled_back):
    answer = notes(host)
    assert answer["release"] == 1
    # The rollback switches code, not the database: migration 0002's column stays, and
    # release 1 writes rows without it (the column may be null).
    assert "title" in answer["columns"]
    text = "written by release 1 after the rollback"
    created = manage(host, "shell", "-c", "from notes.models import Note; Note.objects.create(text=%r)" % text)
    assert created.rc == 0, created.stderr
    assert text in notes(host)["notes"]
    for dummy in range(4):
        assert report(host)["loaded_from"] == {"code": release_dir(release_1),
                                               "prefix": release_dir(release_1) + "/.venv"}


def test_admin_static_files_and_uploads_work_after_the_rollback(host, rolled_back):
    assert_admin_static_files_are_served_by_apache_from_the_current_release(host)
    assert_media_files_are_served_by_apache_from_the_shared_media_root(host)
    assert_admin_login_works(host)
