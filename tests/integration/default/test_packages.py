"""wsgi_app's own packages on a host the apache role set up, which has no python3-apt."""
from conftest import role_playbook, run_playbook


def test_check_mode_simulates_a_missing_package_without_python3_apt(host, tmp_path):
    """The apt module needs python3-apt, in check mode too; here apt-get simulates the
    install instead: the run reports the change, succeeds and installs nothing."""
    host.check_output("DEBIAN_FRONTEND=noninteractive dpkg -r ssl-cert > /dev/null")
    try:
        playbook = role_playbook("wsgi_app", {"wsgi_app_tls": True})
        rc, output = run_playbook(host, playbook, tmp_path, "--check")
        assert rc == 0, output
        task = output[output.index("Install the missing packages with apt-get"):]
        assert task[:task.find("TASK [")].count("changed: ") == 1, output
        assert not host.package("ssl-cert").is_installed
        assert not host.package("python3-apt").is_installed
    finally:
        host.check_output("DEBIAN_FRONTEND=noninteractive apt-get install -y -q ssl-cert > /dev/null")
