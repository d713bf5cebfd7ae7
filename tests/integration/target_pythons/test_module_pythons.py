"""The module code on every Python it supports on a target, 3.6 through 3.13: each file
of plugins/ compiles, and each module imports with nothing but the standard library, the
ansible-core module_utils that manage that Python and the collection's own module_utils,
as AnsiballZ runs it. The controller Pythons (3.11, 3.13) get ansible-test sanity's own
compile and import tests in each line's sanity step; ansible-test cannot run these older
Pythons here (it needs them on the controller), so they run in the target images, which
have them."""
import os
import subprocess

import pytest

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))

# Python X.Y: the target image that has it, and the tool environment whose ansible-core
# manages it (2.16 is the last line for 3.6 and 3.7; 2.19's module_utils take 3.8 to 3.14).
PYTHONS = {
    "3.6": ("ubuntu-18.04-none", ".venv"),
    # Not the default python3 of any supported release: bionic's archive has it.
    "3.7": ("ubuntu-18.04-none", ".venv"),
    "3.8": ("ubuntu-20.04-none", ".venv-2.19"),
    "3.9": ("debian-11-systemd", ".venv-2.19"),
    "3.10": ("ubuntu-22.04-systemd", ".venv-2.19"),
    "3.11": ("debian-12-systemd", ".venv-2.19"),
    "3.12": ("ubuntu-24.04-none", ".venv-2.19"),
    "3.13": ("debian-13-none", ".venv-2.19"),
}

CHECK = r"""
import importlib, os, sys
assert "%d.%d" % sys.version_info[:2] == sys.argv[1], sys.version
root = "/collections/ansible_collections/modwsgi/deploy"
for directory in ("plugins/modules", "plugins/module_utils"):
    for name in sorted(os.listdir(os.path.join(root, directory))):
        if not name.endswith(".py"):
            continue
        path = os.path.join(root, directory, name)
        with open(path) as source:
            compile(source.read(), path, "exec")
        module = "ansible_collections.modwsgi.deploy.%s.%s" % (directory.replace("/", "."), name[:-3])
        importlib.import_module(module)
        print("ok", module)
"""


def site_packages(venv):
    lib = os.path.join(REPO_ROOT, venv, "lib")
    (python,) = os.listdir(lib)
    return os.path.join(lib, python, "site-packages")


@pytest.mark.parametrize("version", sorted(PYTHONS, key=lambda v: tuple(map(int, v.split(".")))))
def test_module_code_compiles_and_imports(version):
    image, venv = PYTHONS[version]
    ansible_package = os.path.join(site_packages(venv), "ansible")
    assert os.path.isdir(ansible_package), "%s is missing: the test command creates it" % venv
    python = "python%s" % version
    setup = "true"
    if version == "3.7":
        setup = ("apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive "
                 "apt-get install -y -qq --no-install-recommends python3.7 >/dev/null")
    # Only the module_utils of ansible-core, as AnsiballZ ships them (with the package's
    # __init__ and release for the imports of basic.py), never the controller code.
    script = "%s && mkdir -p /lib-ansible/ansible && cp -r /ansible/__init__.py /ansible/release.py " \
             "/ansible/_vendor /ansible/module_utils /lib-ansible/ansible/ && " \
             "PYTHONPATH=/collections:/lib-ansible exec %s -c \"$0\" %s" % (setup, python, version)
    result = subprocess.run(
        ["docker", "run", "--rm",
         "-v", "%s:/collections/ansible_collections/modwsgi/deploy:ro" % REPO_ROOT,
         "-v", "%s:/ansible:ro" % ansible_package,
         "modwsgi-testbed/target:%s" % image, "sh", "-c", script, CHECK],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    assert result.returncode == 0, result.stdout
    assert result.stdout.count("ok ansible_collections") == len(
        [name for directory in ("modules", "module_utils")
         for name in os.listdir(os.path.join(REPO_ROOT, "plugins", directory)) if name.endswith(".py")])
