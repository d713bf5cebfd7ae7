"""Helpers shared by every molecule scenario's testinfra tests.

All HTTP traffic is sent from inside the target container to its own loopback
address; nothing leaves the container.
"""
import collections
import os
import shlex
import subprocess

import pytest
import testinfra
import testinfra.utils.ansible_runner
import yaml

Response = collections.namedtuple("Response", "status headers body")


def http_get(host, path, host_header=None, timeout=10):
    """GET http://127.0.0.1<path> with curl inside the container."""
    command = ["curl", "-sS", "--max-time", str(timeout), "-D", "-", "-o", "/dev/stderr"]
    if host_header:
        command += ["-H", "Host: " + host_header]
    command.append("http://127.0.0.1" + path)
    # Headers go to stdout and the body to stderr, so neither has to be split out of the other.
    result = host.run(" ".join(shlex.quote(part) for part in command))
    assert result.rc == 0, "curl %s failed (rc=%s): %s" % (path, result.rc, result.stderr)
    lines = result.stdout.replace("\r", "").strip().split("\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, dummy, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Response(status, headers, result.stderr)


def daemon_pids(host, group):
    """PIDs of the mod_wsgi daemon processes showing as (wsgi:<group>)."""
    result = host.run("pgrep -f %s", "^\\(wsgi:%s\\)" % group)
    return [int(pid) for pid in result.stdout.split()]


def apache_files(host):
    """Checksums of every file and link target under /etc/apache2: what a failed play must not change."""
    return host.check_output(
        "(find /etc/apache2 -type l -printf '%p -> %l\\n'; find /etc/apache2 -type f -exec md5sum {} +) | sort")


def role_playbook(role, variables):
    """A playbook that applies one of the collection's roles, with these variables, to the host."""
    return yaml.safe_dump([{
        "hosts": "all",
        "become": True,
        "tasks": [{"ansible.builtin.include_role": {"name": "modwsgi.deploy." + role}, "vars": variables}],
    }])


def inventory_hosts(group):
    """testinfra hosts of an inventory group of the scenario, sorted by name."""
    inventory = os.environ["MOLECULE_INVENTORY_FILE"]
    names = testinfra.utils.ansible_runner.AnsibleRunner(inventory).get_hosts(group)
    return [testinfra.get_host("ansible://" + name, ansible_inventory=inventory) for name in names]


def ansible_playbook(playbook, *options):
    """Run a playbook file with molecule's inventory and environment, plus ansible-playbook
    options such as --limit or --extra-vars.

    Returns (rc, output); the tests decide what a failure means.
    """
    result = subprocess.run(
        ["ansible-playbook", "-i", os.environ["MOLECULE_INVENTORY_FILE"], str(playbook)] + list(options),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    return result.returncode, result.stdout


def run_playbook(host, playbook_text, tmp_path, *options):
    """Run a playbook against this host only, with molecule's inventory and environment,
    plus ansible-playbook options such as --check.

    Returns (rc, output); the tests decide what a failure means.
    """
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(playbook_text)
    return ansible_playbook(playbook, "--limit", host.backend.get_hostname(), *options)


@pytest.fixture
def get(host):
    return lambda path, **kwargs: http_get(host, path, **kwargs)
