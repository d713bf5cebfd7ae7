"""playbooks/rolling.yml with wsgi_app_source: a good release reaches every host; a
broken one (it switches, then fails its health check) puts the canary's "current" link
back on the previous release, and the other hosts never leave it."""
import pytest

from conftest import http_get
from test_rolling import APPLICATION, REQUESTS, batches, deploy_vars, name, recap
# The same fleet fixture: pytest finds it by its name in this module.
from test_rolling import fleet  # noqa: F401  pylint: disable=unused-import

ROOT = "/srv/relapp"
BROKEN = 'raise RuntimeError("release r3 is broken")\n'


def release(tmp_path, body, broken=False):
    """The variables of one release of relapp: a directory source made on the controller."""
    source = tmp_path / "source"
    source.mkdir()
    (source / "app.wsgi").write_text((BROKEN if broken else "") + APPLICATION % body)
    return {
        "wsgi_app_name": "relapp", "wsgi_app_site": "relapp", "wsgi_app_server_name": "relapp.test",
        "wsgi_app_server_aliases": [], "wsgi_app_mount": "/", "wsgi_app_script_name": "app.wsgi",
        "wsgi_app_document_root": "/var/www/relapp",
        "wsgi_app_source": {"type": "directory", "path": str(source)},
        "wsgi_app_health_check_body": "^%s$" % body,
    }


def serves(host, body):
    return all(http_get(host, "/", host_header="relapp.test").body == body for dummy in range(REQUESTS))


def current(host):
    return host.file(ROOT + "/current").linked_to


@pytest.fixture(scope="module")
def good_release(fleet, tmp_path_factory):
    return deploy_vars(tmp_path_factory.mktemp("r2"), release(tmp_path_factory.mktemp("r2src"), "Release r2"))


def test_good_release_reaches_every_host(fleet, good_release):
    rc, output = good_release
    assert rc == 0, output
    for host in fleet:
        assert serves(host, "Release r2"), name(host)
        assert host.file(ROOT + "/current").is_symlink
    assert sorted(batches(output, "modwsgi.deploy.wsgi_app : Switch the current release to")) == \
        sorted([name(host)] for host in fleet), output
    assert recap(output) == {name(host): "0" for host in fleet}


def test_broken_release_puts_the_canary_back_on_the_previous_release(fleet, good_release, tmp_path):
    assert good_release[0] == 0, good_release[1]
    before = {name(host): current(host) for host in fleet}

    rc, output = deploy_vars(tmp_path, release(tmp_path, "Release r3", broken=True))

    assert rc == 2, output
    first_batch = batches(output, "modwsgi.deploy.wsgi_app : Switch the current release to")
    # The canary switched to r3, then back (the rollback's own switch task).
    canary = next(host for host in fleet if name(host) == first_batch[0][0])
    assert recap(output) == {name(canary): "1"}, output
    assert "Its previous release releases/" in output
    assert current(canary) == before[name(canary)]
    assert serves(canary, "Release r2")
    # The broken release was built and stays, for inspection; "previous" names it.
    assert host_release_ids(canary) >= {before[name(canary)].split("/")[-1]}
    assert canary.file(ROOT + "/previous").linked_to != before[name(canary)]
    for host in (host for host in fleet if host is not canary):
        assert current(host) == before[name(host)], name(host)
        assert serves(host, "Release r2"), name(host)


def host_release_ids(host):
    return set(host.check_output("ls %s/releases", ROOT).split())
