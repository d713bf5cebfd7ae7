"""What the backends scenario's tests share: alpha's variables as converge deploys
them, the probe's answer, and which backend instance serves."""
import json
import os
import shlex

import yaml

from conftest import role_playbook, run_playbook

SCENARIO = os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], "molecule", "backends")
CONFIG_DIR = "/etc/modwsgi-backends"
RUNTIME_DIR = "/run/modwsgi-backends"
PING = "http://127.0.0.1/ping"


def scenario_vars(name):
    with open(os.path.join(SCENARIO, "vars", name + ".yml")) as handle:
        return yaml.safe_load(handle)


def app_vars(name, **changes):
    """The role variables converge gave application `name`, with changes."""
    variables = dict(scenario_vars("probe"), **scenario_vars(name))
    variables.update(changes)
    return variables


def deploy(host, tmp_path, name, *options, **changes):
    """Apply the wsgi_app role to this host with the application's variables and changes."""
    return run_playbook(host, role_playbook("wsgi_app", app_vars(name, **changes)), tmp_path, *options)


def probe(host, server_name, path="/", tls=False, headers=()):
    """The probe's JSON answer, fetched through the front from inside the container."""
    command = ["curl", "-sS", "--fail", "--max-time", "10", "-H", "Host: " + server_name]
    for header in headers:
        command += ["-H", header]
    if tls:
        command.append("-k")
    command.append(("https" if tls else "http") + "://127.0.0.1" + path)
    return json.loads(host.check_output(" ".join(shlex.quote(part) for part in command)))


def systemd(host):
    return host.file("/run/systemd/system").is_directory


def running_instances(host, name):
    """The colors of application `name` whose Apache parent runs (not a zombie)."""
    colors = []
    for color in ("blue", "green"):
        pidfile = host.file("%s/%s-%s/httpd.pid" % (RUNTIME_DIR, name, color))
        if pidfile.exists:
            state = host.run("ps -o stat= -p %s", pidfile.content_string.strip()).stdout.strip()
            if state and not state.startswith("Z"):
                colors.append(color)
    return colors


def serving_color(host, server_name, path="/"):
    """The color of the backend whose daemon process answered, from its parent's command line."""
    parent = probe(host, server_name, path)["ppid"]
    command = host.file("/proc/%d/cmdline" % parent).content_string.replace("\0", " ")
    for color in ("blue", "green"):
        if "-%s.conf" % color in command:
            return color
    raise AssertionError("the daemon's parent is not a backend instance: %r" % command)


def front_port(host, site):
    """The backend port the front's site file proxies to."""
    content = host.file("/etc/apache2/sites-available/%s.conf" % site).content_string
    ports = {line.split(":")[2].split("/")[0] for line in content.splitlines()
             if line.strip().startswith('ProxyPass "http://127.0.0.1:')}
    assert len(ports) == 1, content
    return int(ports.pop())


def configuration(host):
    """Every file and link under /etc/apache2 and the backends' directory, with checksums."""
    return host.check_output(
        "(find /etc/apache2 %s -type l -printf '%%p -> %%l\\n'; find /etc/apache2 %s -type f -exec md5sum {} +)"
        " | sort" % (CONFIG_DIR, CONFIG_DIR))


def loses_nothing(counts, record_property, what):
    """ab's counts in the JUnit report, and none failed."""
    for key in ("complete", "failed", "non_2xx"):
        record_property("%s_%s" % (what, key), counts[key])
    assert counts["complete"] > 1000, counts
    assert counts["failed"] == 0 and counts["non_2xx"] == 0, counts
