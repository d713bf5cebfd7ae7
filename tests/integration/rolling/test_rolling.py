"""playbooks/rolling.yml over the whole group: a good release reaches every host one batch
at a time; a broken one stops after the first batch, whose host gets the previous script
back, while every other host keeps serving the previous release untouched."""
import os
import re

import pytest
import yaml

from conftest import ansible_playbook, http_get, inventory_hosts

ROLLING = os.path.join(os.path.dirname(__file__), "..", "..", "..", "playbooks", "rolling.yml")
SCRIPT = "/srv/myproject/code/myapp.wsgi"
APPLICATION = '''
def application(environ, start_response):
    body = b"%s"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
'''
GOOD = APPLICATION % "Release v2"
# Fails at import: every request gets mod_wsgi's 500.
BROKEN = 'raise RuntimeError("release v3 is broken")\n' + APPLICATION % "Release v3"
# Enough requests to reach both daemon processes of the default processes=2.
REQUESTS = 6


def deploy(tmp_path, script, body):
    """rolling.yml over the whole group with this release; returns (rc, output without colours)."""
    return deploy_vars(tmp_path, {"wsgi_app_script_content": script, "wsgi_app_health_check_body": body})


def deploy_vars(tmp_path, variables):
    """rolling.yml over the whole group with these variables; returns (rc, output without colours)."""
    release = tmp_path / "release.yml"
    release.write_text(yaml.safe_dump(variables))
    rc, output = ansible_playbook(ROLLING, "--extra-vars", "@%s" % release)
    # molecule sets ANSIBLE_FORCE_COLOR, which the result lines parsed below must not carry.
    return rc, re.sub(r"\x1b\[[0-9;]*m", "", output)


def name(host):
    return host.backend.get_hostname()


def serves(host, body):
    return all(http_get(host, "/myapp").body == body for dummy in range(REQUESTS))


def script_state(host):
    """Checksum and mtime of the deployed WSGI script."""
    return host.check_output("md5sum %s && stat -c %%Y %s", SCRIPT, SCRIPT)


def batches(output, task="modwsgi.deploy.wsgi_app : Install the WSGI script"):
    """The hosts each run of a task (its name, or the start of it) reported on, in order:
    one list per batch."""
    chunks = output.split("TASK [")[1:]
    ran = [re.findall(r"^(?:ok|changed): \[([^\]]+)\]", chunk, re.M)
           for chunk in chunks if chunk.split("]")[0].startswith(task)]
    # A task of the same name that every host skipped (the release build's script) is no batch.
    return [hosts for hosts in ran if hosts]


def recap(output):
    """Hosts in the PLAY RECAP, with their failed= count."""
    return dict(re.findall(r"^(\S+)\s*:\s*ok=\d+.*\bfailed=(\d+)", output.split("PLAY RECAP")[-1], re.M))


@pytest.fixture(scope="module")
def fleet():
    hosts = inventory_hosts("webservers")
    # A rollout that stops after the first batch needs hosts left over to prove anything.
    assert len(hosts) >= 2, [name(host) for host in hosts]
    return hosts


@pytest.fixture(scope="module")
def good_release(fleet, tmp_path_factory):
    """Release v2 rolled over the fleet (once per module, whichever test asks first)."""
    return deploy(tmp_path_factory.mktemp("good"), GOOD, "^Release v2$")


def test_good_release_rolls_over_every_host_one_batch_at_a_time(fleet, good_release):
    rc, output = good_release
    assert rc == 0, output
    for host in fleet:
        assert serves(host, "Release v2"), name(host)
        assert host.file(SCRIPT).content_string == GOOD
    # rolling_serial [1, "50%"]: one canary, then 50% of a group of two or three is one host.
    assert sorted(batches(output)) == sorted([name(host)] for host in fleet), output
    assert recap(output) == {name(host): "0" for host in fleet}


def test_broken_release_stops_after_the_first_batch(fleet, good_release, tmp_path):
    assert good_release[0] == 0, good_release[1]
    before = {name(host): script_state(host) for host in fleet}

    rc, output = deploy(tmp_path, BROKEN, "^Release v3$")

    assert rc == 2, output  # ansible-playbook's "one or more hosts failed"
    # Only the first batch (one host, the first of the group in inventory order) ran, and failed.
    first_batch = batches(output)
    assert len(first_batch) == 1 and len(first_batch[0]) == 1, output
    canary = next(host for host in fleet if name(host) == first_batch[0][0])
    assert recap(output) == {name(canary): "1"}, output
    assert "status 500, not 200 after 11 attempts" in output  # modwsgi.deploy.http_check's verdict
    assert "The release failed on %s" % name(canary) in output
    assert "Its previous WSGI script %s is back and answers." % SCRIPT in output

    # The failed host has the previous release back: same script, serving it again.
    assert canary.file(SCRIPT).content_string == GOOD
    assert script_state(canary) != before[name(canary)]  # rewritten, so mod_wsgi reloaded it
    assert serves(canary, "Release v2")
    # Every other host was never touched and still serves release v2.
    for host in (host for host in fleet if host is not canary):
        assert script_state(host) == before[name(host)], name(host)
        assert serves(host, "Release v2"), name(host)
