"""mod_wsgi built from PyPI replaced the distribution's: Apache loads the build, its
daemons run the build's Python, the package is gone, and where the source distribution
came from the controller the target never had a package index."""
import json

import pytest

from conftest import apache_files, http_get, role_playbook, run_playbook

# What each target builds (molecule/mod_wsgi_pip/vars/cases.yml): Python X.Y and the newest
# mod_wsgi release for it.
EXPECTED = {
    "bionic": {"python": "3.8", "mod_wsgi": "5.0.2", "download": "controller"},
    "bookworm": {"python": "3.11", "mod_wsgi": "6.1.1", "download": "target"},
    "noble": {"python": "3.12", "mod_wsgi": "6.1.1", "download": "controller"},
}
BUILD_VENV = "/opt/mod_wsgi/venv"


@pytest.fixture
def expected(host):
    return EXPECTED[host.system_info.codename]


def loaded_module(host):
    """The mod_wsgi.so mapped into the Apache parent process: what Apache really loaded."""
    pid = host.check_output("cat /var/run/apache2/apache2.pid")
    maps = host.check_output("grep -o '/[^ ]*mod_wsgi[^ ]*[.]so[^ ]*' /proc/%s/maps | sort -u", pid)
    assert len(maps.split()) == 1, maps
    return maps.strip()


def probe_answer_release(host):
    return json.loads(http_get(host, "/", host_header="probe.test").body)["mod_wsgi"]


def probe(get):
    response = get("/", host_header="probe.test")
    assert response.status == 200, response
    return json.loads(response.body)


def test_the_daemon_runs_the_builds_python_and_mod_wsgi(get, expected):
    answer = probe(get)
    assert answer["python"].startswith(expected["python"] + "."), answer
    assert answer["mod_wsgi"] == expected["mod_wsgi"], answer
    assert answer["prefix"] == "/srv/probe/venv"
    assert answer["group"] == "probe"


def test_apache_loads_the_build_which_links_the_pythons_library(host, expected):
    module = loaded_module(host)
    assert module.startswith(BUILD_VENV + "/lib/python%s/site-packages/mod_wsgi/server/" % expected["python"])
    assert 'LoadModule wsgi_module "%s"' % module in host.file("/etc/apache2/mods-available/wsgi.load").content_string
    ldd = host.check_output("ldd %s", module)
    assert "libpython%s.so" % expected["python"] in ldd
    assert "libpython3.6" not in ldd or expected["python"] == "3.6"


def test_the_distributions_mod_wsgi_is_purged(host):
    assert not host.package("libapache2-mod-wsgi-py3").is_installed
    assert host.run("dpkg -s libapache2-mod-wsgi-py3").rc != 0
    assert not host.file("/usr/lib/apache2/modules/mod_wsgi.so").exists
    # The build's wsgi.load is nobody's conffile; no wsgi.conf is left enabled.
    assert host.run("dpkg -S /etc/apache2/mods-available/wsgi.load").rc != 0
    assert not host.file("/etc/apache2/mods-enabled/wsgi.conf").exists
    assert host.file("/etc/apache2/mods-enabled/wsgi.load").linked_to == "/etc/apache2/mods-available/wsgi.load"


def test_the_walkthrough_app_deployed_before_the_build_still_answers(get):
    response = get("/myapp")
    assert (response.status, response.body) == (200, "Hello World!")


def test_a_build_from_the_controller_never_needed_an_index(host, expected):
    sdist = "/opt/mod_wsgi/dist/mod_wsgi-%s.tar.gz" % expected["mod_wsgi"]
    if expected["download"] == "controller":
        # prepare.yml pointed pip at an index that does not answer.
        assert "index-url = http://127.0.0.1:9/simple" in host.file("/etc/pip.conf").content_string
        assert host.run("%s/bin/pip download --no-deps -d /tmp/nothing six", BUILD_VENV).rc != 0
        assert host.file(sdist).is_file
        assert host.file(sdist).user == "root"
    else:
        assert not host.file(sdist).exists


def test_the_module_reports_the_build_as_up_to_date(host, expected):
    result = host.ansible("modwsgi.deploy.mod_wsgi_build",
                          "python=%s virtualenv=%s" % ("/usr/bin/python" + expected["python"], BUILD_VENV),
                          check=True)
    assert not result.get("failed"), result
    assert result["changed"] is False and result["up_to_date"] is True
    assert result["version"] == result["installed_version"] == expected["mod_wsgi"]
    assert result["module"] == loaded_module(host)


def test_host_state_describes_the_loaded_mod_wsgi(host, expected):
    result = host.ansible("modwsgi.deploy.host_state", "mod_wsgi=true", check=True)
    assert result["mod_wsgi"] == {"module": loaded_module(host), "exists": True, "version": expected["mod_wsgi"],
                                  "python_version": expected["python"], "source": "pip"}


def test_check_mode_names_a_rebuild_and_changes_nothing(host, tmp_path, expected):
    other_release = "4.9.4" if expected["python"] == "3.8" else "5.0.2"
    playbook = role_playbook("apache", {
        "apache_mod_wsgi_source": "pip", "apache_mod_wsgi_python": "/usr/bin/python" + expected["python"],
        "apache_mod_wsgi_download": expected["download"], "apache_mod_wsgi_version": other_release})
    marker = host.file(BUILD_VENV + "/.modwsgi-deploy-build").mtime
    before = apache_files(host)
    rc, output = run_playbook(host, playbook, tmp_path, "--check", "--diff")
    assert rc == 0, output
    build = output[output.index("TASK [modwsgi.deploy.apache : Build mod_wsgi for"):]
    assert build.split("TASK [")[1].count("changed: [") == 1, build[:600]
    assert host.file(BUILD_VENV + "/.modwsgi-deploy-build").mtime == marker
    assert apache_files(host) == before
    assert probe_answer_release(host) == expected["mod_wsgi"]
