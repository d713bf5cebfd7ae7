"""Back to the distribution's package, and to the build again, on the targets whose
package is built for the same Python as the build (so the probe's venv fits both): the
package's own module and wsgi.load return, and the second switch to pip rebuilds nothing."""
import json

import pytest

from conftest import apache_files, role_playbook, run_playbook

testinfra_hosts = ["ansible://*debian12", "ansible://*ubuntu2404"]

PACKAGE_RELEASE = {"bookworm": "4.9.4", "noble": "5.0.0"}
PIP_VARS = {
    "bookworm": {"apache_mod_wsgi_source": "pip", "apache_mod_wsgi_python": "/usr/bin/python3"},
    "noble": {"apache_mod_wsgi_source": "pip", "apache_mod_wsgi_python": "/usr/bin/python3",
              "apache_mod_wsgi_download": "controller",
              "apache_mod_wsgi_download_dir": "{{ lookup('ansible.builtin.env', 'MOLECULE_PROJECT_DIRECTORY') }}"
                                              "/.cache/sdists"},
}


def task_output(output, title):
    """What ansible-playbook printed for the role's task whose name starts with title."""
    start = output.index("TASK [modwsgi.deploy.apache : " + title)
    end = output.find("TASK [", start + 1)
    return output[start:end if end > 0 else len(output)]


def served_mod_wsgi(get):
    response = get("/", host_header="probe.test")
    assert response.status == 200, response
    return json.loads(response.body)["mod_wsgi"]


@pytest.fixture
def codename(host):
    return host.system_info.codename


def test_back_to_the_package_and_to_the_build_again(host, get, tmp_path, codename):
    build_marker = host.file("/opt/mod_wsgi/venv/.modwsgi-deploy-build").mtime

    rc, output = run_playbook(host, role_playbook("apache", {"apache_mod_wsgi_source": "package"}), tmp_path)
    assert rc == 0, output
    assert host.package("libapache2-mod-wsgi-py3").is_installed
    # The package's own wsgi.load, unmodified, loading the package's module.
    assert host.run("dpkg --verify libapache2-mod-wsgi-py3").stdout == ""
    assert "/usr/lib/apache2/modules/mod_wsgi.so" in host.file("/etc/apache2/mods-available/wsgi.load").content_string
    pid = host.check_output("cat /var/run/apache2/apache2.pid")
    assert "/opt/mod_wsgi" not in host.check_output("cat /proc/%s/maps", pid)
    assert served_mod_wsgi(get) == PACKAGE_RELEASE[codename]

    # Check mode first: it names the switch and changes nothing.
    files = apache_files(host)
    rc, output = run_playbook(host, role_playbook("apache", PIP_VARS[codename]), tmp_path, "--check", "--diff")
    assert rc == 0, output
    assert "changed: [" in task_output(output, "Purge the distribution's mod_wsgi")
    assert host.package("libapache2-mod-wsgi-py3").is_installed
    assert apache_files(host) == files
    assert served_mod_wsgi(get) == PACKAGE_RELEASE[codename]

    rc, output = run_playbook(host, role_playbook("apache", PIP_VARS[codename]), tmp_path)
    assert rc == 0, output
    assert not host.package("libapache2-mod-wsgi-py3").is_installed
    assert served_mod_wsgi(get) == "6.1.1"
    # The build was still in place: nothing was built.
    assert host.file("/opt/mod_wsgi/venv/.modwsgi-deploy-build").mtime == build_marker
    build = task_output(output, "Build mod_wsgi for")
    assert "skipping:" in build and "changed:" not in build, build
