"""With mod_wsgi built for Python 3.8 on Ubuntu 18.04, a venv of the distribution's
Python 3.6, which the package would have accepted, is refused with the same clear
message a 3.8 venv gets with the package (tests/integration/python_home), before any
Apache file changes."""
from conftest import apache_files, role_playbook, run_playbook

testinfra_hosts = ["ansible://modwsgi-ubuntu1804"]


def test_mismatch_a_python_36_venv_is_refused_with_a_build_for_38(host, tmp_path):
    host.check_output("test -x /srv/py36-venv/bin/python || python3 -m venv --without-pip /srv/py36-venv")
    playbook = role_playbook("wsgi_app", {
        "wsgi_app_name": "py36",
        "wsgi_app_site": "py36",
        "wsgi_app_script_dir": "/srv/py36/code",
        "wsgi_app_python_home": "/srv/py36-venv",
    })
    before = apache_files(host)
    rc, output = run_playbook(host, playbook, tmp_path)
    assert rc != 0
    assert "Python version mismatch" in output
    assert "is Python 3.6." in output and "built for Python 3.8" in output
    assert "python3.8 -m venv" in output
    assert apache_files(host) == before
    assert not host.file("/srv/py36").exists
