"""The shop's releases in backend instances of their own: a release switch and its
rollback under load fail no request. New code needs no new backend: the daemon processes
of the serving one reload onto it (mod_wsgi's script reloading), as in the front."""
import os
import shutil

import pytest

from backends import SCENARIO, app_vars, front_port, loses_nothing, running_instances
from conftest import ansible_playbook, load_around, role_playbook, run_playbook

HOST = "shop.test"
URL = "http://127.0.0.1/"
ROLLBACK = os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], "playbooks", "rollback.yml")


def answer(host):
    return host.check_output("curl -sS --fail -H 'Host: %s' %s" % (HOST, URL))


def deploy_source(host, tmp_path, source):
    variables = app_vars("shop", wsgi_app_source={"type": "directory", "path": str(source)})
    return run_playbook(host, role_playbook("wsgi_app", variables), tmp_path)


@pytest.fixture(scope="module")
def releases(host, tmp_path_factory):
    """v1 from the scenario's files, then v2 (a copy with another VERSION) under load,
    then the rollback to v1 under load."""
    tmp_path = tmp_path_factory.mktemp("shop")
    v1 = os.path.join(SCENARIO, "files", "shop")
    v2 = tmp_path / "shop-v2"
    shutil.copytree(v1, str(v2))
    (v2 / "VERSION").write_text("v2\n")
    rc, output = deploy_source(host, tmp_path, v1)
    assert rc == 0, output
    first = (answer(host), front_port(host, "shop"), host.file("/srv/shop/current").linked_to)
    switch = load_around(host, URL, lambda: deploy_source(host, tmp_path, v2), host_header=HOST)
    second = (answer(host), front_port(host, "shop"), host.file("/srv/shop/current").linked_to)
    variables = os.path.join(SCENARIO, "vars", "shop.yml")
    rollback = load_around(host, URL, lambda: ansible_playbook(ROLLBACK, "--limit", host.backend.get_hostname(),
                                                               "-e", "@" + variables), host_header=HOST)
    third = (answer(host), front_port(host, "shop"), host.file("/srv/shop/current").linked_to)
    return first, switch, second, rollback, third


def test_a_release_switch_under_load_fails_no_request(releases, record_property):
    first, switch, second, dummy, dummy = releases
    rc, output = switch["result"]
    assert rc == 0, output
    loses_nothing(switch, record_property, "release_switch")
    assert first[0] == "shop v1" and second[0] == "shop v2"


def test_a_rollback_under_load_fails_no_request(releases, record_property):
    dummy, dummy, second, rollback, third = releases
    rc, output = rollback["result"]
    assert rc == 0, output
    loses_nothing(rollback, record_property, "rollback")
    assert third[0] == "shop v1" and third[2] != second[2]


def test_new_code_keeps_the_serving_backend(host, releases):
    first, dummy, second, dummy, third = releases
    assert first[1] == second[1] == third[1] == 8301
    assert running_instances(host, "shop") == ["blue"]
