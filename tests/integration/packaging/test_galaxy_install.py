"""The collection as users get it: `ansible-galaxy collection build`, installed into
an empty path, used through include_role from a playbook outside the repository
against a fresh Ubuntu 18.04 container."""
import os
import subprocess
import tarfile
import uuid

import pytest

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
TARGET_IMAGE = "modwsgi-testbed/target:ubuntu-18.04-none"

PLAYBOOK = """
- name: An outside playbook that uses the installed roles
  hosts: all
  become: true
  tasks:
    - name: Apache and mod_wsgi
      ansible.builtin.include_role:
        name: modwsgi.deploy.apache
    - name: The application, mounted elsewhere than the default
      ansible.builtin.include_role:
        name: modwsgi.deploy.wsgi_app
      vars:
        wsgi_app_name: outside
        wsgi_app_mount: /outside
        wsgi_app_script_content: |
          def application(environ, start_response):
              body = ('installed from the tarball, group ' + environ['mod_wsgi.process_group']).encode()
              start_response('200 OK', [('Content-Type', 'text/plain')])
              return [body]
"""


def run(*command, **kwargs):
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, check=False, **kwargs)
    assert result.returncode == 0, "%s failed:\n%s" % (" ".join(command), result.stdout[-4000:])
    return result.stdout


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    run("ansible-galaxy", "collection", "build", "--output-path", str(dist), REPO_ROOT)
    (path,) = dist.glob("modwsgi-deploy-*.tar.gz")
    return path


@pytest.fixture(scope="module")
def installed(tarball, tmp_path_factory):
    """The tarball installed into an empty collections path, and an environment in which
    only that install (plus the pip-installed ansible collections, for the docker
    connection) can provide modwsgi.deploy: not the checkout, not ~/.ansible."""
    path = tmp_path_factory.mktemp("collections")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(path))
    run("ansible-galaxy", "collection", "install", "-p", str(path), str(tarball), env=env)
    assert (path / "ansible_collections" / "modwsgi" / "deploy" / "roles" / "wsgi_app").is_dir()
    assert str(path) in run("ansible-galaxy", "collection", "list", "modwsgi.deploy", env=env)
    return env


@pytest.fixture
def container():
    name = "modwsgi-packaging-%s" % uuid.uuid4().hex[:8]
    run("docker", "run", "-d", "--name", name, TARGET_IMAGE, "sleep", "infinity")
    yield name
    subprocess.run(["docker", "rm", "-f", name], stdout=subprocess.DEVNULL, check=False)


def test_tarball_holds_no_test_bed_ci_or_cache(tarball):
    with tarfile.open(str(tarball)) as archive:
        top_level = {name.split("/")[0] for name in archive.getnames()}
    assert {"roles", "plugins", "playbooks", "meta", "MANIFEST.json", "README.md"} <= top_level
    assert not top_level & {"tests", "molecule", "bench", ".ci", ".cache", ".git", "requirements", "Makefile"}
    assert not [name for name in top_level if name.startswith(".venv")]


def test_galaxy_importer_accepts_the_tarball_without_a_warning(tarball, tmp_path):
    """What Galaxy says of an upload: galaxy-importer (requirements/importer.txt, in
    .venv-importer, which the test command creates) loads the tarball, renders every
    module's and role's docs with ansible-doc and runs its ansible-lint. ansible-test is
    left out: the sanity step of the test command runs it, without the importer's
    container."""
    importer_bin = os.path.join(REPO_ROOT, ".venv-importer", "bin")
    config = tmp_path / "galaxy-importer.cfg"
    config.write_text("[galaxy-importer]\nRUN_ANSIBLE_TEST = False\n")
    env = dict(os.environ, GALAXY_IMPORTER_CONFIG=str(config),
               PATH=importer_bin + os.pathsep + os.environ["PATH"])
    # cwd outside the checkout: the importer's ansible-lint reads the project it runs in.
    output = run(os.path.join(importer_bin, "python"), "-m", "galaxy_importer.main", str(tarball),
                 cwd=str(tmp_path), env=env)
    assert "Importer processing completed successfully" in output
    findings = [line for line in output.splitlines() if "WARNING" in line or "ERROR" in line]
    assert not findings, "\n".join(findings)


def test_installed_collection_deploys_through_include_role(installed, container, tmp_path):
    playbook = tmp_path / "outside.yml"
    playbook.write_text(PLAYBOOK)
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("%s ansible_connection=community.docker.docker\n" % container)
    # cwd outside the checkout, so its ansible.cfg is not read either.
    output = run("ansible-playbook", "-i", str(inventory), str(playbook), cwd=str(tmp_path), env=installed)
    assert "failed=0" in output

    body = run("docker", "exec", container, "curl", "-fsS", "http://127.0.0.1/outside")
    assert body == "installed from the tarball, group outside"


def test_installed_site_playbook_serves_hello_world(installed, container, tmp_path):
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("[webservers]\n%s ansible_connection=community.docker.docker\n" % container)
    output = run("ansible-playbook", "-i", str(inventory), "modwsgi.deploy.site", cwd=str(tmp_path), env=installed)
    assert "failed=0" in output

    assert run("docker", "exec", container, "curl", "-fsS", "http://127.0.0.1/myapp") == "Hello World!"
