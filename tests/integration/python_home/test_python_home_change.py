"""A new server-wide Python home needs Apache stopped and started: the parent process
initialised Python, so a graceful reload would keep the old one."""
from conftest import role_playbook, run_playbook

PLAYBOOK = role_playbook("apache", {"apache_python_home": "/srv/server-venv-next"})


def apache_parent_pid(host):
    return host.check_output("cat /var/run/apache2/apache2.pid")


def test_changing_the_python_home_stops_and_starts_apache(host, get, tmp_path):
    parent = apache_parent_pid(host)
    rc, output = run_playbook(host, PLAYBOOK, tmp_path)
    assert rc == 0, output
    assert apache_parent_pid(host) != parent
    response = get("/", host_header="inherits.test")
    assert '"prefix": "/srv/server-venv-next"' in response.body
