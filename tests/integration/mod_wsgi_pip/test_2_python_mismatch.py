"""With mod_wsgi built for Python 3.8 on Ubuntu 18.04, a venv of the distribution's
Python 3.6, which the package would have accepted, is refused with the same clear
message a 3.8 venv gets with the package (tests/integration/python_home), before any
Apache file changes."""
import os

from conftest import assert_mismatch_refused, role_playbook

testinfra_hosts = ["ansible://%s-ubuntu1804" % os.environ.get("MODWSGI_CONTAINER_PREFIX", "modwsgi")]


def test_mismatch_a_python_36_venv_is_refused_with_a_build_for_38(host, tmp_path):
    host.check_output("test -x /srv/py36-venv/bin/python || python3 -m venv --without-pip /srv/py36-venv")
    playbook = role_playbook("wsgi_app", {
        "wsgi_app_name": "py36",
        "wsgi_app_site": "py36",
        "wsgi_app_script_dir": "/srv/py36/code",
        "wsgi_app_python_home": "/srv/py36-venv",
    })
    assert_mismatch_refused(host, playbook, tmp_path, "3.6", "3.8")
    assert not host.file("/srv/py36").exists
