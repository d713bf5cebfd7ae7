"""wsgi_app_state: absent removes one application cleanly; the other keeps serving."""
import json

from conftest import daemon_pids, role_playbook, run_playbook

REMOVE_BETA = role_playbook("wsgi_app", {
    "wsgi_app_state": "absent",
    "wsgi_app_name": "beta",
    "wsgi_app_site": "beta",
    "wsgi_app_script_dir": "/srv/beta/code",
    "wsgi_app_python_home": "/srv/beta/venv",
    "wsgi_app_python_home_create": True,
})


def test_removing_one_app_leaves_the_other_serving(host, get, tmp_path):
    rc, output = run_playbook(host, REMOVE_BETA, tmp_path)
    assert rc == 0, output

    for path in ("/etc/apache2/sites-enabled/beta.conf", "/etc/apache2/sites-available/beta.conf",
                 "/srv/beta/code/myapp.wsgi", "/srv/beta/venv"):
        assert not host.file(path).exists, path
    assert not host.user("beta").exists
    assert not host.group("beta").exists
    assert daemon_pids(host, "beta") == []

    # beta.test now falls to the first remaining site: alpha answers it.
    assert json.loads(get("/", host_header="beta.test").body)["group"] == "alpha"
    assert json.loads(get("/", host_header="alpha.test").body)["group"] == "alpha"
    assert daemon_pids(host, "alpha")


def test_removing_an_app_stops_listening_on_the_ports_only_it_used(host, tmp_path):
    rc, output = run_playbook(host, role_playbook("wsgi_app", {
        "wsgi_app_state": "absent",
        "wsgi_app_name": "gamma",
        "wsgi_app_site": "gamma",
        "wsgi_app_group": "gamma-daemons",
        "wsgi_app_script_dir": "/srv/gamma app/code",
    }), tmp_path)
    assert rc == 0, output
    assert not host.user("gamma").exists
    assert not host.group("gamma-daemons").exists
    listens = [line for line in host.file("/etc/apache2/ports.conf").content_string.splitlines()
               if line.startswith("Listen")]
    # 443 stays: alpha still uses it, though gamma and beta (TLS too) are gone.
    assert listens == ["Listen 80", "Listen 443"]
    assert host.run("curl -sS -o /dev/null http://127.0.0.1:8080/").rc == 7
    assert json.loads(host.check_output("curl -sS -H 'Host: alpha.test' http://127.0.0.1/"))["group"] == "alpha"
