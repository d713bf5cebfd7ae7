"""A new mod_wsgi under load: once every application runs in a backend instance, the
front stops loading mod_wsgi (apache_mod_wsgi_enabled false); a pip build then needs no
stop and start of the front, and alpha moves to the other color, which loads the new
module. No request fails."""
import os

import pytest

import yaml

from backends import PING, app_vars, configuration, deploy, loses_nothing, probe, running_instances, serving_color
from conftest import load_around, run_playbook

HOST = "alpha.test"
# The newest release each distribution's python3 can build (3.6: 4.9.4, 3.11 and 3.12: 6.1.1),
# from the controller's download, as the mod_wsgi_pip scenario does for Ubuntu.
PIP = {
    "apache_mod_wsgi_source": "pip",
    "apache_mod_wsgi_python": "/usr/bin/python3",
    "apache_mod_wsgi_download": "controller",
    "apache_mod_wsgi_download_dir": os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], ".cache", "sdists"),
}
PIP_RELEASE = {"bionic": "4.9.4", "bookworm": "6.1.1", "noble": "6.1.1"}
# alpha as test_2 left it.
ALPHA = {"wsgi_app_processes": 3, "wsgi_app_python_home": "/srv/alpha/venv-b"}


def apache_and_alpha(apache_vars):
    """The apache role, then alpha, in one play: the way a site playbook applies a change."""
    return yaml.safe_dump([{
        "hosts": "all",
        "become": True,
        "gather_subset": ["!all", "!min", "distribution"],
        "tasks": [
            {"ansible.builtin.include_role": {"name": "modwsgi.deploy.apache"}, "vars": apache_vars},
            {"ansible.builtin.include_role": {"name": "modwsgi.deploy.wsgi_app"}, "vars": app_vars("alpha", **ALPHA)},
        ],
    }])


def front_loads_mod_wsgi(host):
    return "wsgi_module" in host.check_output("apache2ctl -M 2>/dev/null")


def test_the_front_keeps_mod_wsgi_while_gamma_needs_it(host, tmp_path):
    before = configuration(host)
    rc, output = run_playbook(host, apache_and_alpha({"apache_mod_wsgi_enabled": False}), tmp_path)
    assert rc != 0
    assert "apache_mod_wsgi_enabled is false, but /etc/apache2/sites-enabled/gamma.conf uses" in output
    assert configuration(host) == before
    assert front_loads_mod_wsgi(host)


@pytest.fixture(scope="module")
def front_without_mod_wsgi(host, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("unload")
    rc, output = deploy(host, tmp_path, "gamma", wsgi_app_state="absent")
    assert rc == 0, output
    rc, output = run_playbook(host, apache_and_alpha({"apache_mod_wsgi_enabled": False}), tmp_path)
    assert rc == 0, output
    return output


def test_the_front_unloads_mod_wsgi_once_no_site_needs_it(host, front_without_mod_wsgi):
    assert not front_loads_mod_wsgi(host)
    assert host.file("/var/lib/apache2/module/disabled_by_admin/wsgi").exists
    assert probe(host, HOST)["group"] == "alpha"


@pytest.fixture(scope="module")
def pip_build_under_load(host, front_without_mod_wsgi, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("pip")
    before = {"color": serving_color(host, HOST), "front": host.file("/run/apache2/apache2.pid").content_string,
              "mod_wsgi": probe(host, HOST)["mod_wsgi"]}
    counts = load_around(host, PING, lambda: run_playbook(
        host, apache_and_alpha(dict(PIP, apache_mod_wsgi_enabled=False)), tmp_path), host_header=HOST)
    return before, counts


def test_a_pip_build_under_load_fails_no_request(host, pip_build_under_load, record_property):
    dummy, counts = pip_build_under_load
    rc, output = counts["result"]
    assert rc == 0, output
    loses_nothing(counts, record_property, "mod_wsgi_change")


def test_alpha_moved_to_the_other_color_with_the_new_mod_wsgi(host, pip_build_under_load):
    before, dummy = pip_build_under_load
    release = PIP_RELEASE[host.system_info.codename]
    answer = probe(host, HOST)
    assert before["mod_wsgi"] != release
    assert answer["mod_wsgi"] == release
    assert serving_color(host, HOST) != before["color"]
    assert running_instances(host, "alpha") == [serving_color(host, HOST)]


def test_the_front_was_neither_stopped_nor_given_mod_wsgi(host, pip_build_under_load):
    before, dummy = pip_build_under_load
    assert host.file("/run/apache2/apache2.pid").content_string == before["front"]
    assert not front_loads_mod_wsgi(host)
    assert not host.package("libapache2-mod-wsgi-py3").is_installed
