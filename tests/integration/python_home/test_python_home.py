"""WSGIPythonHome at server scope and python-home= per daemon group, each equal to the
sys.prefix modwsgi.deploy.python_home reports, as seen from inside Apache."""
import json

import pytest

MOD_WSGI_PYTHON = {"bionic": "3.6", "bookworm": "3.11", "noble": "3.12"}


def python_home(host, virtualenv):
    result = host.ansible("modwsgi.deploy.python_home", "virtualenv=%s" % virtualenv, check=True)
    assert not result.get("failed"), result
    return result


def served(get, site):
    response = get("/", host_header=site + ".test")
    assert response.status == 200, response
    return json.loads(response.body)


@pytest.fixture
def mod_wsgi_python(host):
    return MOD_WSGI_PYTHON[host.system_info.codename]


def test_module_reads_mod_wsgi_python_from_the_shared_object(host, mod_wsgi_python):
    result = python_home(host, "/srv/server-venv")
    assert result["mod_wsgi_python_version"] == mod_wsgi_python
    assert result["python_version"].startswith(mod_wsgi_python + ".")
    assert result["compatible"] is True
    assert result["is_virtualenv"] is True
    assert result["changed"] is False
    # ldd says the same as the module's own ELF reading.
    ldd = host.check_output("ldd %s", result["mod_wsgi"])
    assert "libpython%s" % mod_wsgi_python in ldd


def test_server_scope_python_home_is_written_where_apache_reads_it(host):
    prefix = python_home(host, "/srv/server-venv")["prefix"]
    conf = host.file("/etc/apache2/conf-available/mod-wsgi.conf")
    assert "WSGIPythonHome \"%s\"\n" % prefix in conf.content_string
    assert "WSGIRestrictEmbedded On\n" in conf.content_string
    enabled = host.file("/etc/apache2/conf-enabled/mod-wsgi.conf")
    assert enabled.is_symlink and enabled.linked_to == conf.path
    # Debian's apache2.conf includes conf-enabled; there is no httpd.conf to write to.
    assert "IncludeOptional conf-enabled/*.conf" in host.file("/etc/apache2/apache2.conf").content_string


def test_daemon_without_python_home_runs_the_server_wide_one(host, get):
    prefix = python_home(host, "/srv/server-venv")["prefix"]
    report = served(get, "inherits")
    assert report["group"] == "inherits"
    assert report["prefix"] == prefix
    assert "python-home" not in host.file("/etc/apache2/sites-available/inherits.conf").content_string


def test_venv_packages_came_without_python3_apt_where_nothing_else_needed_it(host):
    """On Ubuntu 18.04 the prepare step's apt task brought python3-apt (for Python 3.8);
    elsewhere the role installed the venv packages with apt-get, not the apt module,
    which would have installed python3-apt first."""
    prepared_with_apt = host.system_info.codename == "bionic"
    assert host.package("python3-apt").is_installed == prepared_with_apt


def test_daemon_with_python_home_runs_its_own(host, get, mod_wsgi_python):
    prefix = python_home(host, "/srv/ownhome/venv")["prefix"]
    assert prefix == "/srv/ownhome/venv"
    report = served(get, "ownhome")
    assert report["group"] == "ownhome"
    assert report["prefix"] == prefix
    assert report["version"].startswith(mod_wsgi_python + ".")
    assert "python-home=\"%s\" " % prefix in host.file("/etc/apache2/sites-available/ownhome.conf").content_string


def test_created_virtualenv_has_the_requirements(host, get, mod_wsgi_python):
    assert host.package("python%s-venv" % mod_wsgi_python).is_installed
    assert host.package("python3-setuptools").is_installed
    assert host.file("/srv/ownhome/venv/bin/pip").exists
    assert served(get, "ownhome")["probe_package"] == "installed from requirements"
    # The server-wide venv has no such package: each Python home is its own.
    assert served(get, "inherits")["probe_package"] is None
