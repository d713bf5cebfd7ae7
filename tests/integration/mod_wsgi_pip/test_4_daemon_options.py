"""wsgi_app_daemon_options are checked against the mod_wsgi the host loads: the build's
6.1.1 takes switch-interval (new in 6.0.0), which Ubuntu 18.04's 5.0.2 build refuses
before any change; options every release has, with values beyond whole seconds, pass."""
import json
import os

import yaml

from conftest import apache_files, run_playbook

OPTIONS = {"switch-interval": 0.005, "memory-limit": 536870912, "cpu-priority": 5, "server-metrics": "Off",
           "request-timeout": 60}
SCENARIO = os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], "molecule", "mod_wsgi_pip")


def probe_playbook():
    """The converge playbook's probe application alone, with further daemon options."""
    with open(os.path.join(SCENARIO, "converge.yml")) as handle:
        playbook = yaml.safe_load(handle)
    play = playbook[0]
    play["tasks"] = [task for task in play["tasks"]
                     if task["ansible.builtin.include_role"]["name"] == "modwsgi.deploy.wsgi_app"]
    play["tasks"][0]["vars"]["wsgi_app_daemon_options"] = OPTIONS
    play["vars_files"] = [os.path.join(SCENARIO, "vars", "cases.yml")]
    return yaml.safe_dump(playbook)


def test_options_are_checked_against_the_loaded_release(host, get, tmp_path):
    release = host.ansible("modwsgi.deploy.host_state", "mod_wsgi=true", check=True)["mod_wsgi"]["version"]
    before = apache_files(host)
    rc, output = run_playbook(host, probe_playbook(), tmp_path)
    if release.startswith("6."):
        assert rc == 0, output
        config = host.file("/etc/apache2/sites-available/probe.conf").content_string
        for option, value in OPTIONS.items():
            assert "%s=%s " % (option, value) in config, option
        response = get("/", host_header="probe.test")
        assert response.status == 200 and json.loads(response.body)["mod_wsgi"] == release
    else:
        assert rc != 0
        assert ("wsgi_app_daemon_options: switch-interval needs mod_wsgi 6.0.0 or later, this host's is %s"
                % release) in output
        assert apache_files(host) == before
