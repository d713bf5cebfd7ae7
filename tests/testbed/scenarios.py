"""Runs molecule scenarios without molecule, for ansible-core lines molecule does not
support: same prepare/converge playbooks, an idempotence check, the same testinfra tests.

usage: scenarios.py LINE_FILE SCENARIO... (run from the repository root, tools on PATH)
"""
import os
import re
import subprocess
import sys

import yaml

ROOT = os.getcwd()
JUNIT = os.path.join(ROOT, ".cache", "junit")
# What molecule's docker driver does for a systemd platform of the shared base.
SYSTEMD = ["--cap-add", "SYS_ADMIN", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:ro",
           "--tmpfs", "/run", "--tmpfs", "/run/lock", "--stop-signal", "RTMIN+3"]


def expand(value, scenario):
    return (value.replace("${MOLECULE_PROJECT_DIRECTORY}", ROOT)
            .replace("${MOLECULE_SCENARIO_NAME}", scenario))


def merge(base, override):
    """Molecule's deep merge of a scenario's molecule.yml over the shared base."""
    merged = dict(base)
    for key, value in override.items():
        merged[key] = merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return merged


def scenario_config(scenario):
    """The scenario's playbooks (absolute paths), whether it has an idempotence step,
    and its testinfra directory."""
    with open(os.path.join(ROOT, ".config", "molecule", "config.yml")) as base_file:
        config = yaml.safe_load(base_file)
    with open(os.path.join(ROOT, "molecule", scenario, "molecule.yml")) as scenario_file:
        config = merge(config, yaml.safe_load(scenario_file) or {})
    # Relative playbook paths are relative to the scenario directory, as in molecule.
    playbooks = {name: os.path.join(ROOT, "molecule", scenario, expand(path, scenario))
                 for name, path in config["provisioner"].get("playbooks", {}).items()}
    idempotence = "idempotence" in config.get("scenario", {}).get("test_sequence", ["idempotence"])
    return playbooks, idempotence, expand(config["verifier"]["directory"], scenario)


def run(command, **kwargs):
    print("+ " + " ".join(command), flush=True)
    check = kwargs.pop("check", False)
    return subprocess.run(command, check=check, **kwargs)


def start(platform):
    image = subprocess.check_output(
        ["bash", "tests/testbed/target-image.sh", platform["base"], platform["init"]],
        universal_newlines=True).split()[-1]
    run(["docker", "rm", "-f", platform["name"]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    options = SYSTEMD if platform["init"] == "systemd" else []
    command = ["/lib/systemd/systemd"] if platform["init"] == "systemd" else ["sleep", "infinity"]
    run(["docker", "run", "-d", "--name", platform["name"], "--hostname", platform["name"]]
        + options + [image] + command, check=True, stdout=subprocess.DEVNULL)


def playbook(inventory, path, env):
    result = run(["ansible-playbook", "-i", inventory, path], env=env,
                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    print(result.stdout, flush=True)
    return result.returncode, result.stdout


def run_scenario(line_name, line, scenario, env):
    playbooks, idempotence, verifier = scenario_config(scenario)
    names = [platform["name"] for platform in line["platforms"]]
    inventory = os.path.join(ROOT, ".cache", "%s-%s-inventory.yml" % (line_name, scenario))
    with open(inventory, "w") as inventory_file:
        yaml.safe_dump({"webservers": {"hosts": {name: {"ansible_connection": "community.docker.docker"}
                                                 for name in names}}}, inventory_file)
    env = dict(env, MOLECULE_INVENTORY_FILE=inventory, MOLECULE_SCENARIO_NAME=scenario,
               MOLECULE_PROJECT_DIRECTORY=ROOT)
    for platform in line["platforms"]:
        start(platform)
    try:
        if "prepare" in playbooks and playbook(inventory, playbooks["prepare"], env)[0]:
            return "prepare failed"
        if playbook(inventory, playbooks["converge"], env)[0]:
            return "converge failed"
        if idempotence:
            rc, output = playbook(inventory, playbooks["converge"], env)
            changed = [host for host, count in re.findall(r"^(\S+)\s*:.*changed=(\d+)", output, re.M)
                       if count != "0"]
            if rc or changed:
                return "idempotence failed on %s" % (", ".join(changed) or "a re-run")
        test = run(["python", "-m", "pytest", verifier, "-p", "no:cacheprovider", "-v",
                    "--connection=ansible", "--ansible-inventory=" + inventory, "--hosts=all",
                    "-k", "not " + line["deselect"],
                    "--junitxml", os.path.join(JUNIT, "%s-%s.xml" % (line_name, scenario))], env=env)
        return "verify failed" if test.returncode else None
    finally:
        run(["docker", "rm", "-f"] + names, stdout=subprocess.DEVNULL)


def main():
    with open(sys.argv[1]) as line_file:
        line = yaml.safe_load(line_file)
    # Files are named after the line file too, so runs of two line files never share one.
    line_name = os.path.splitext(os.path.basename(sys.argv[1]))[0]
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"))
    failures = []
    for scenario in sys.argv[2:]:
        problem = run_scenario(line_name, line, scenario, env)
        print("scenario %s: %s" % (scenario, problem or "passed"), flush=True)
        if problem:
            failures.append(scenario)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
