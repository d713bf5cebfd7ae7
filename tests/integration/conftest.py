"""Helpers shared by every molecule scenario's testinfra tests.

All HTTP traffic is sent from inside the target container to its own loopback
address; nothing leaves the container.
"""
import collections
import json
import os
import re
import shlex
import subprocess
import time

import pytest
import testinfra
import testinfra.utils.ansible_runner
import yaml

Response = collections.namedtuple("Response", "status headers body")


def pytest_xdist_make_scheduler(config, log):
    """With pytest-xdist (-n, set by a scenario's molecule.yml), one work unit per host: a
    worker runs every test of its host in their order, since each builds on the one
    before, while another worker runs the other host's. (xdist's loadgroup would need the
    node id attribute it sets, which pytest 9 no longer reads.)"""
    from xdist.scheduler import LoadScopeScheduling  # pylint: disable=import-outside-toplevel

    class HostScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            host = re.search(r"\[(ansible://[^\]]+)\]$", nodeid)
            return host.group(1) if host else nodeid

    return HostScheduling(config, log)


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


def refusals(host, cases, tmp_path):
    """Apply a role once per case, in one ansible-playbook run against this host (a
    block whose rescue records the failure), and return {case id: the failure message}
    for the cases the role refused. cases: [(id, role, variables), ...].
    """
    out = tmp_path / "refusals.json"
    # Cases are keyed by number inside the playbook: their ids may hold quotes and newlines.
    tasks = [{
        "name": "Case %d" % number,
        "block": [{"ansible.builtin.include_role": {"name": "modwsgi.deploy." + role}, "vars": variables}],
        "rescue": [{"ansible.builtin.set_fact": {
            "refusals": "{{ refusals | combine({'%d': ansible_failed_result.msg}) }}" % number}}],
    } for number, (dummy, role, variables) in enumerate(cases)]
    tasks.append({"ansible.builtin.copy": {"content": "{{ refusals | to_json }}", "dest": str(out), "mode": "0644"},
                  "delegate_to": "localhost", "become": False})
    playbook = yaml.safe_dump([{"hosts": "all", "become": True, "gather_subset": ["!all", "!min", "distribution"],
                                "vars": {"refusals": {}}, "tasks": tasks}])
    rc, output = run_playbook(host, playbook, tmp_path)
    assert rc == 0 and out.exists(), output
    by_number = json.loads(out.read_text())
    return dict((case_id, by_number[str(number)]) for number, (case_id, dummy, dummy) in enumerate(cases)
                if str(number) in by_number)


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


def assert_mismatch_refused(host, playbook_text, tmp_path, venv_python, mod_wsgi_python):
    """The playbook fails with python_home's mismatch message (a venv of venv_python X.Y against
    a mod_wsgi built for mod_wsgi_python X.Y) and leaves every Apache file as it was."""
    before = apache_files(host)
    rc, output = run_playbook(host, playbook_text, tmp_path)
    assert rc != 0
    assert "Python version mismatch" in output
    assert "is Python %s." % venv_python in output and "built for Python %s" % mod_wsgi_python in output
    assert "python%s -m venv" % mod_wsgi_python in output
    assert apache_files(host) == before


def load_during(host, url, action, seconds=8, clients=8):
    """Run ab without keep-alive (so a connection the server closes between requests is
    not miscounted) against url from inside the container for `seconds`, call action()
    in the middle, and return ab's counts: complete, failed (connect, receive, length,
    exceptions) and non_2xx.
    """
    report = "/tmp/ab-%d.txt" % int(time.time() * 1000)
    host.check_output("(ab -q -c %d -t %d -n 10000000 %s > %s 2>&1 &)" % (clients, seconds, shlex.quote(url), report))
    time.sleep(seconds / 4.0)
    action()
    return ab_counts(host, report, seconds * 4 + 40)


def ab_counts(host, report, attempts):
    """ab's counts from its report, once it is written (polled every 0.5 s)."""
    for dummy in range(attempts):
        text = host.run("cat %s", report).stdout
        if "Complete requests:" in text:
            break
        time.sleep(0.5)
    counts = {}
    for key, label in (("complete", "Complete requests:"), ("failed", "Failed requests:"),
                       ("non_2xx", "Non-2xx responses:")):
        found = re.search(re.escape(label) + r"\s+(\d+)", text)
        counts[key] = int(found.group(1)) if found else 0
    assert counts["complete"] > 0, text
    return counts


@pytest.fixture
def get(host):
    return lambda path, **kwargs: http_get(host, path, **kwargs)


def load_around(host, url, action, clients=4, host_header=None):
    """Run ab without keep-alive against url from inside the container from before
    action() starts until after it has returned (ab prints its counts when interrupted),
    and return ab's counts as load_during does, with action()'s result under "result".
    ab runs at the lowest CPU priority: it takes what Apache and the play leave, so the
    play is not starved on a small machine and Apache still serves without a pause."""
    report = "/tmp/ab-%d.txt" % int(time.time() * 1000)
    header = " -H %s" % shlex.quote("Host: " + host_header) if host_header else ""
    host.check_output("(nice -n 19 ab -q -c %d -t 3600 -n 100000000%s %s > %s 2>&1 &)"
                      % (clients, header, shlex.quote(url), report))
    time.sleep(2)
    result = action()
    time.sleep(2)
    host.run("pkill -INT -x ab")
    return dict(ab_counts(host, report, 40), result=result)
