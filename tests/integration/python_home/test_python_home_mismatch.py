"""A venv made from another Python X.Y than mod_wsgi's fails the play with the
module's message before any Apache file changes. Ubuntu 18.04 is the platform whose
archive offers another Python 3 (3.8) beside mod_wsgi's 3.6."""
import os

import pytest

from conftest import assert_mismatch_refused, role_playbook

testinfra_hosts = ["ansible://%s-ubuntu1804" % os.environ.get("MODWSGI_CONTAINER_PREFIX", "modwsgi")]

APP_PLAYBOOK = role_playbook("wsgi_app", {
    "wsgi_app_name": "mismatch",
    "wsgi_app_site": "mismatch",
    "wsgi_app_script_dir": "/srv/mismatch/code",
    "wsgi_app_python_home": "/srv/py38-venv",
})
SERVER_PLAYBOOK = role_playbook("apache", {"apache_python_home": "/srv/py38-venv"})


@pytest.mark.parametrize("playbook", [APP_PLAYBOOK, SERVER_PLAYBOOK], ids=["python-home", "WSGIPythonHome"])
def test_mismatched_virtualenv_is_refused_before_apache_changes(host, tmp_path, playbook):
    assert_mismatch_refused(host, playbook, tmp_path, "3.8", "3.6")
    assert not host.file("/srv/mismatch").exists
