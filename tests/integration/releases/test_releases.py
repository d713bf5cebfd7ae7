"""Releases (wsgi_app_source) on real Apache: the shop of molecule/releases, first deployed
from a directory by converge, gets releases from an archive and from a git repository,
switches and rolls back under load without a failed request and without reloading
Apache, survives builds that fail, shows check mode what it would build and prunes old
releases. The tests run in order and build on each other's releases."""
import hashlib
import json
import os
import re
import tarfile
import threading
import time

import pytest
import yaml

from conftest import ansible_playbook, apache_files, daemon_pids, http_get, load_around, role_playbook, run_playbook

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SCENARIO = os.path.join(REPO, "molecule", "releases")
SHOP_VARS = os.path.join(SCENARIO, "vars", "shop.yml")
with open(SHOP_VARS) as handle:
    SHOP = yaml.safe_load(handle)
# What the converge's copy of the application holds: each test's source is this with
# another VERSION (and, to break a build, other requirements).
APP = os.path.join(SCENARIO, "files", "shop")
WHEELS = os.path.join(REPO, ".cache", "wheels", "releases")
ROLLBACK = os.path.join(REPO, "playbooks", "rollback.yml")

ROOT = "/srv/shop"
URL = "http://127.0.0.1:8080/"
GIT_REPO = "/opt/shop.git"
# Another application's daemon group (converge's Hello World), which a switch must not touch.
OTHER_GROUP = "myproject"
LOAD_CLIENTS = 4
# Enough requests, one after the other, to reach both daemon processes of the shop.
REQUESTS = 10


def name(host):
    return host.backend.get_hostname()


def shop(host):
    """The shop's report, from inside the container (http_get's path is appended to
    http://127.0.0.1, so the port goes in front of it)."""
    response = http_get(host, ":8080/")
    assert response.status == 200, response
    return json.loads(response.body)


def link(host, path):
    return host.check_output("readlink %s", path)


def releases(host):
    """{release id: mtime of its marker} of every release directory."""
    found = {}
    for line in host.check_output("find %s -mindepth 1 -maxdepth 1 -printf '%%f\\n'", ROOT + "/releases").split():
        marker = host.file("%s/releases/%s/.modwsgi-release" % (ROOT, line))
        found[line] = marker.mtime.timestamp() if marker.exists else None
    return found


def apache_pid(host):
    return host.check_output("cat /var/run/apache2/apache2.pid")


def deploy(host, tmp_path, source, *options, **variables):
    """The role with the shop's variables and this source; returns (rc, output without colours)."""
    values = dict(SHOP, wsgi_app_source=source, wsgi_app_release_wheels=WHEELS)
    values.update(variables)
    rc, output = run_playbook(host, role_playbook("wsgi_app", values), tmp_path, *options)
    return rc, re.sub(r"\x1b\[[0-9;]*m", "", output)


def recap(host, output):
    """The host's counts in the PLAY RECAP."""
    line = re.search(r"^%s\s*:(.*)$" % re.escape(name(host)), output.split("PLAY RECAP")[-1], re.M)
    assert line, output
    return dict((key, int(value)) for key, value in re.findall(r"(\w+)=(\d+)", line.group(1)))


def app_files(version, requirements=None):
    """The application with this VERSION. Versions served under load have the same length
    as each other: ab counts a response whose length differs from the first one's as failed."""
    files = {}
    for filename in os.listdir(APP):
        with open(os.path.join(APP, filename)) as handle:
            files[filename] = handle.read()
    files["VERSION"] = version + "\n"
    if requirements is not None:
        files["requirements.txt"] = requirements
    return files


def directory_source(directory, version, requirements=None):
    directory.mkdir()
    for filename, content in app_files(version, requirements).items():
        (directory / filename).write_text(content)
    return {"type": "directory", "path": str(directory)}


def archive_source(tmp_path, version):
    """A .tar.gz holding the application under one top directory, as a project's tarball
    does; returns the source and the release id the role derives (its sha1's first 12)."""
    top = tmp_path / ("shop-" + version)
    directory_source(top, version)
    archive = tmp_path / ("shop-%s.tar.gz" % version)
    with tarfile.open(str(archive), "w:gz") as tar:
        tar.add(str(top), arcname=top.name)
    release_id = hashlib.sha1(archive.read_bytes()).hexdigest()[:12]
    return {"type": "archive", "path": str(archive), "strip_components": 1}, release_id


def git_source(version):
    return {"type": "git", "repo": GIT_REPO, "version": version}


def tree(host):
    """A checksum of every path under the application root with its type, link, mode,
    owners, size and mtime."""
    return host.check_output("find %s -printf '%%p %%y %%l %%m %%u %%g %%s %%T@\\n' | sort | md5sum", ROOT)


def load_figures(host, what, counts, record_property):
    """ab's counts, printed (pytest -s shows them; keep the format, notes quote it) and in
    the JUnit report, like the default scenario's rotation figures."""
    print("RELEASE-LOAD %s %s complete=%d failed=%d non_2xx=%d switched_at=%s"
          % (what, name(host), counts["complete"], counts["failed"], counts["non_2xx"], counts["switched_at"]))
    for key, value in counts.items():
        record_property("%s_%s" % (what, key), value)


def test_directory_release_runs_in_its_own_venv(host):
    """converge's release: files/shop, its venv from the controller's wheels, the shared
    directory and the release command."""
    report = shop(host)
    release = link(host, ROOT + "/current")
    assert release == "releases/" + report["release"]
    venv = "%s/releases/%s/.venv" % (ROOT, report["release"])
    assert report["version"] == "directory"
    assert report["prefix"] == venv
    assert report["greeting"] == "1.0"
    assert report["greeting_file"].startswith(venv + "/lib/python3.")
    assert report["data_writable"] and not report["code_writable"]
    # The wheels came from the controller: the target has no index.
    assert host.file(ROOT + "/wheels/modwsgi_greeting-1.0-py3-none-any.whl").exists
    # The release command ran as the daemon user, in the release, with the release's venv first on PATH.
    build = json.loads(host.file("%s/shared/data/build-%s.json" % (ROOT, report["release"])).content_string)
    assert build == {"cwd": "%s/releases/%s" % (ROOT, report["release"]), "prefix": venv,
                     "uid": host.user("shop").uid, "greeting": "1.0"}


@pytest.fixture(scope="module")
def archive_deploys(host, tmp_path_factory):
    """A release from an archive, deployed twice."""
    tmp_path = tmp_path_factory.mktemp("archive")
    source, release_id = archive_source(tmp_path, "archive-1")
    before = shop(host)
    first = deploy(host, tmp_path, source)
    after_first = shop(host)
    again = deploy(host, tmp_path, source)
    return source, release_id, before, first, after_first, again


def test_archive_release_switches_and_the_same_archive_again_changes_nothing(host, archive_deploys):
    dummy, release_id, before, first, after_first, again = archive_deploys
    assert first[0] == 0, first[1]
    assert "releases/" + release_id == link(host, ROOT + "/current")
    assert after_first["version"] == "archive-1" and after_first["release"] == release_id
    # strip_components=1: the code is at the top of the release, not in shop-archive/.
    assert host.file("%s/releases/%s/shop.wsgi" % (ROOT, release_id)).exists
    assert link(host, ROOT + "/previous") == "releases/" + before["release"]
    assert again[0] == 0, again[1]
    assert recap(host, again[1])["changed"] == 0, again[1]
    assert shop(host) == after_first


def test_release_layout(host, archive_deploys):
    current, previous = link(host, ROOT + "/current"), link(host, ROOT + "/previous")
    # Relative links, so the tree can move as a whole.
    assert current.startswith("releases/") and previous.startswith("releases/") and current != previous
    for release in releases(host):
        path = "%s/releases/%s" % (ROOT, release)
        assert host.file(path).user == "root" and host.file(path).group == "root"
        # Nothing in the code is the daemon user's, and it can write none of it.
        assert host.check_output("find %s -path %s/data -prune -o ! -user root -print", path, path) == ""
        assert host.run("runuser -u shop -- test -w %s", path).rc == 1
        assert host.run("runuser -u shop -- test -w %s/shop.wsgi", path).rc == 1
        assert host.file(path + "/.venv/bin/python").exists
        assert host.file(path + "/data").linked_to == ROOT + "/shared/data"
        assert host.file(path + "/shop.ini").linked_to == ROOT + "/shared/shop.ini"
    # Only the shared directory is writable by the daemon user; shared/ itself is root's.
    assert host.file(ROOT + "/shared").user == "root"
    assert host.file(ROOT + "/shared/data").user == "shop"
    assert host.run("runuser -u shop -- test -w %s/shared/data", ROOT).rc == 0
    assert host.run("runuser -u shop -- test -w %s/shared", ROOT).rc == 1
    settings = host.file(ROOT + "/shared/shop.ini")
    assert (settings.is_file, settings.user, settings.group, settings.mode) == (True, "root", "shop", 0o640)
    assert host.run("runuser -u shop -- test -r %s/current/shop.ini", ROOT).rc == 0
    assert host.run("runuser -u shop -- test -w %s/current/shop.ini", ROOT).rc == 1
    assert host.run("runuser -u www-data -- test -r %s/current/shop.ini", ROOT).rc == 1
    site = host.file("/etc/apache2/sites-available/shop.conf").content_string
    assert 'python-home="%s/current/.venv"' % ROOT in site
    assert '"%s/current/shop.wsgi"' % ROOT in site


@pytest.fixture(scope="module")
def git_repository(host):
    """A bare repository in the container with two tagged commits, v1 and v2; returns
    {tag: commit}."""
    work = "/tmp/shop-work"
    host.check_output("rm -rf %s %s && git init -q --bare %s && git init -q %s", GIT_REPO, work, GIT_REPO, work)
    commits = {}
    for tag in ("v1", "v2"):
        # v2 needs the other version of modwsgi_greeting.
        requirements = "modwsgi-greeting==%s.0\n" % tag[1:]
        for filename, content in app_files("git-tag-" + tag[1:], requirements).items():
            host.check_output("printf '%%s' %s > %s", content, work + "/" + filename)
        host.check_output("cd %s && git add -A && git -c user.name=tests -c user.email=tests@shop.test commit -q -m %s"
                          " && git tag %s", work, "Release " + tag, tag)
        commits[tag] = host.check_output("git -C %s rev-parse HEAD", work)
    host.check_output("git -C %s push -q %s HEAD:refs/heads/main --tags", work, GIT_REPO)
    return commits


@pytest.fixture(scope="module")
def git_v1(host, git_repository, archive_deploys, tmp_path_factory):
    """Tag v1 deployed without load, with the PIDs of Apache and of the daemon groups
    before it and after the next request."""
    def pids():
        reports = [shop(host) for dummy in range(REQUESTS)]
        return reports[-1], (apache_pid(host), daemon_pids(host, OTHER_GROUP), daemon_pids(host, "shop"))
    dummy, before = pids()
    rc, output = deploy(host, tmp_path_factory.mktemp("git-v1"), git_source("v1"))
    report, after = pids()
    return rc, output, report, before, after


def test_git_release_switches(host, git_repository, git_v1):
    rc, output, report, dummy, dummy = git_v1
    assert rc == 0, output
    release_id = git_repository["v1"][:12]
    assert link(host, ROOT + "/current") == "releases/" + release_id
    assert report["version"] == "git-tag-1" and report["release"] == release_id
    # An export of the commit: no repository inside the release.
    assert not host.file("%s/releases/%s/.git" % (ROOT, release_id)).exists


def test_the_switch_does_not_reload_apache(host, git_v1):
    dummy, output, dummy, (apache_before, other_before, shop_before), (apache_after, other_after, shop_after) = git_v1
    assert apache_after == apache_before
    assert other_before and other_after == other_before
    # Each of the shop's processes restarted onto the new release at its next request.
    assert len(shop_before) == len(shop_after) == 2 and not set(shop_after) & set(shop_before)


@pytest.fixture(scope="module")
def git_v2_under_load(host, git_repository, git_v1, tmp_path_factory):
    """Tag v2 deployed while a shell loop checks, again and again, that current exists,
    and ab requests the shop from the end of the build until the play has ended: the switch
    comes during ab's run. (A build under ab's load takes several times as long, and it
    never touches what serves.)"""
    tmp_path = tmp_path_factory.mktemp("git-v2")
    marker = "%s/releases/%s/.modwsgi-release" % (ROOT, git_repository["v2"][:12])
    watch = "/tmp/watch-current"
    host.check_output("rm -rf %s && mkdir %s", watch, watch)
    host.check_output(
        "(cd %s && checks=0 && missing=0 && while [ ! -e %s/stop ]; do"
        " if [ -e current ]; then checks=$((checks+1)); else missing=$((missing+1)); fi; done;"
        " echo $checks $missing > %s/result) > /dev/null 2>&1 &", ROOT, watch, watch)
    result = {}
    deploying = threading.Thread(target=lambda: result.update(
        zip(("rc", "output"), deploy(host, tmp_path, git_source("v2")))))
    deploying.start()
    # The build's last step writes the marker; the switch follows some tasks later.
    while deploying.is_alive() and not host.file(marker).exists:
        time.sleep(0.2)
    counts, within_load = under_load(host, deploying.join)
    host.check_output("touch %s/stop", watch)
    for dummy in range(20):
        if host.file(watch + "/result").exists:
            break
        time.sleep(0.5)
    checks, missing = (int(value) for value in host.check_output("cat %s/result", watch).split())
    return result, counts, within_load, checks, missing


def under_load(host, action):
    """load_around, and whether "current" was switched while ab ran (by the link's own
    mtime, against the container's clock)."""
    clock = "date +%s.%N"
    started = float(host.check_output(clock))
    counts = load_around(host, URL, action, clients=LOAD_CLIENTS)
    del counts["result"]
    seconds = float(host.check_output(clock)) - started
    switched = float(host.check_output("stat -c %%.Y %s", ROOT + "/current")) - started
    counts["switched_at"] = "%.1fs/%.0fs" % (switched, seconds)
    return counts, 0 < switched < seconds


def test_switch_under_load_fails_no_request(host, git_repository, git_v2_under_load, record_property):
    result, counts, within_load, dummy, dummy = git_v2_under_load
    load_figures(host, "switch", counts, record_property)
    assert result["rc"] == 0, result["output"]
    assert within_load, "the switch came outside ab's run: %s" % counts["switched_at"]
    assert link(host, ROOT + "/current") == "releases/" + git_repository["v2"][:12]
    assert link(host, ROOT + "/previous") == "releases/" + git_repository["v1"][:12]
    report = shop(host)
    # v2 requires modwsgi_greeting 2.0: its own venv, not v1's.
    assert report["version"] == "git-tag-2" and report["greeting"] == "2.0"
    assert counts["failed"] == 0 and counts["non_2xx"] == 0, counts


def test_current_is_never_missing_during_the_switch(host, git_v2_under_load):
    result, dummy, dummy, checks, missing = git_v2_under_load
    assert result["rc"] == 0, result["output"]
    assert checks > 1000 and missing == 0, (checks, missing)


def test_rollback_under_load_returns_to_the_previous_release(host, git_repository, git_v2_under_load, record_property):
    v1, v2 = git_repository["v1"][:12], git_repository["v2"][:12]
    assert link(host, ROOT + "/current") == "releases/" + v2
    result = {}

    def rollback():
        result["rc"], result["output"] = ansible_playbook(ROLLBACK, "--limit", name(host), "-e", "@" + SHOP_VARS)
    counts, within_load = under_load(host, rollback)
    load_figures(host, "rollback", counts, record_property)
    assert result["rc"] == 0, result["output"]
    assert within_load, "the rollback came outside ab's run: %s" % counts["switched_at"]
    assert link(host, ROOT + "/current") == "releases/" + v1
    assert link(host, ROOT + "/previous") == "releases/" + v2
    report = shop(host)
    # Back in v1's venv too: python-home follows the current link.
    assert report["version"] == "git-tag-1" and report["greeting"] == "1.0"
    assert report["prefix"] == "%s/releases/%s/.venv" % (ROOT, v1)
    assert counts["failed"] == 0 and counts["non_2xx"] == 0, counts


def test_the_same_git_version_again_changes_nothing(host, git_repository, tmp_path):
    before = shop(host)
    assert before["release"] == git_repository["v1"][:12]
    rc, output = deploy(host, tmp_path, git_source("v1"))
    assert rc == 0, output
    assert recap(host, output)["changed"] == 0, output
    assert shop(host) == before


def broken_build(host, tmp_path, version, requirements=None, **variables):
    """Deploy a build that must fail; check that it is gone and the running release
    answers as before. Returns the output."""
    before = (shop(host), link(host, ROOT + "/current"), sorted(releases(host)))
    rc, output = deploy(host, tmp_path, directory_source(tmp_path / "source", version, requirements), **variables)
    assert rc != 0, output
    assert re.search(r"release [0-9a-f]{12} failed to build and was removed", output), output
    assert (shop(host), link(host, ROOT + "/current"), sorted(releases(host))) == before
    return output


def test_a_failing_pip_install_keeps_the_running_release(host, tmp_path):
    output = broken_build(host, tmp_path, "unknown requirement", requirements="modwsgi-greeting==3.0\n")
    assert "modwsgi-greeting==3.0" in output


def test_a_failing_release_command_keeps_the_running_release(host, tmp_path):
    output = broken_build(host, tmp_path, "failing command", wsgi_app_release_commands=[
        ["python", "-c", "import sys; sys.exit('the migration failed')"]])
    assert "the migration failed" in output


def test_check_mode_names_the_new_release_and_changes_nothing(host, tmp_path):
    source, release_id = archive_source(tmp_path, "check")
    before = (tree(host), apache_files(host), shop(host))
    # With a command after the switch too: check mode must run neither kind of command.
    rc, output = deploy(host, tmp_path, source, "--check", "--diff",
                        wsgi_app_after_switch_commands=[["touch", "data/after-switch"]])
    assert rc == 0, output
    # The diff of the release directory it would create, and the switch to it.
    assert '"path": "%s/releases/%s"' % (ROOT, release_id) in output
    assert "Switch the current release to %s" % release_id in output
    assert (tree(host), apache_files(host), shop(host)) == before
    assert release_id not in releases(host)
    assert not host.file(ROOT + "/shared/data/after-switch").exists


def test_pruning_keeps_the_newest_the_current_and_the_previous(host, archive_deploys, tmp_path):
    """The archive's release, switched to again with wsgi_app_keep_releases 2: it stays
    although it is not among the two newest, and so does the release it replaces."""
    source, archive = archive_deploys[:2]
    before = releases(host)
    assert None not in before.values() and len(before) >= 4, before
    previous = link(host, ROOT + "/current").split("/")[-1]
    newest = sorted(before, key=before.get, reverse=True)[:2]
    assert archive not in newest, before

    rc, output = deploy(host, tmp_path, source, wsgi_app_keep_releases=2)
    assert rc == 0, output
    assert shop(host)["release"] == archive
    assert link(host, ROOT + "/previous") == "releases/" + previous
    assert set(releases(host)) == set(newest) | {archive, previous}
    assert len(releases(host)) < len(before)


def test_absent_keeps_only_the_shared_data_and_the_same_version_serves_again(host, archive_deploys, tmp_path):
    """state absent takes the site, the account, the releases and their links away, and
    keeps shared/ (what the application's users made); the same version deploys again."""
    source, archive = archive_deploys[:2]
    assert link(host, ROOT + "/current") == "releases/" + archive
    rc, output = deploy(host, tmp_path, source, wsgi_app_state="absent")
    assert rc == 0, output
    assert not host.file("/etc/apache2/sites-enabled/shop.conf").exists and not host.user("shop").exists
    for gone in ("/releases", "/current", "/previous", "/wheels"):
        assert not host.file(ROOT + gone).exists, gone
    assert host.file(ROOT + "/shared/data").is_directory

    rc, output = deploy(host, tmp_path, source)
    assert rc == 0, output
    assert shop(host)["release"] == archive
