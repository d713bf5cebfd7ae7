"""A deploy that cannot work fails loudly, naming the variable, and leaves the running
server as it was."""
import os

import pytest

import yaml

from conftest import apache_files, refusals, role_playbook, run_playbook

ROLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
                     "roles")
with open(os.path.join(ROLES, "wsgi_app", "vars", "main.yml")) as handle:
    WSGI_APP_VARS = yaml.safe_load(handle)
with open(os.path.join(ROLES, "wsgi_app", "defaults", "main.yml")) as handle:
    WSGI_APP_DEFAULTS = yaml.safe_load(handle)
with open(os.path.join(ROLES, "apache", "vars", "main.yml")) as handle:
    APACHE_VARS = yaml.safe_load(handle)
with open(os.path.join(ROLES, "apache", "defaults", "main.yml")) as handle:
    APACHE_DEFAULTS = yaml.safe_load(handle)

# Values that would pass, for the options whose default is empty or templated.
VALID = {
    "wsgi_app_python_home": "/srv/venv",
    "wsgi_app_requirements": "/srv/requirements.txt",
    "wsgi_app_tls_certificate_chain": "/etc/ssl/certs/chain.pem",
    "wsgi_app_server_name": "example.com",
    "wsgi_app_server_admin": "webmaster@example.com",
    "wsgi_app_log_level": "warn wsgi:info",
    "wsgi_app_user": "myproject",
    "wsgi_app_group": "myproject",
    "wsgi_app_health_check_path": "/myapp",
    "wsgi_app_error_log": "${APACHE_LOG_DIR}/mydomain-error.log",
    "wsgi_app_custom_log": "${APACHE_LOG_DIR}/mydomain-access.log combined",
}
INJECTION = "\nAlias /pwned /etc\n#"


def valid(name):
    return VALID.get(name, WSGI_APP_DEFAULTS.get(name))


SUFFIXES = ((INJECTION, "injection"), ("\n", "trailing newline"))


def injection_cases():
    """Every option that reaches an Apache file or the WSGI script, with a directive
    injected after a valid value and with only a trailing newline (which "$" lets pass).
    The role reports every problem at once, so one case per suffix gives every option its
    bad value and expects each option named; options whose problems read alike (alias
    fields, daemon option names and values) get a case each."""
    cases = []
    for suffix, label in SUFFIXES:
        variables, messages = {}, []
        for name in WSGI_APP_VARS["wsgi_app_value_kind_of"]:
            variables[name] = valid(name) + suffix
            messages.append("- %s must be " % name)
        for name in WSGI_APP_VARS["wsgi_app_element_kind_of"]:
            variables[name] = [(valid(name) or ["/srv/x"])[0] + suffix]
            messages.append("- %s entries must be " % name)
        cases.append(("every option's %s" % label, variables, messages))
        for key in ("url", "path"):
            alias = {"url": "/static", "path": "/srv/static"}
            alias[key] += suffix
            cases.append(("wsgi_app_aliases %s %s" % (key, label), {"wsgi_app_aliases": [alias]},
                          ["- wsgi_app_aliases entries must be "]))
        cases.append(("wsgi_app_daemon_options value %s" % label,
                      {"wsgi_app_daemon_options": {"request-timeout": "60" + suffix}}, ["- wsgi_app_daemon_options: "]))
    cases.append(("wsgi_app_daemon_options name", {"wsgi_app_daemon_options": {"request-timeout=1 user=root x": 1}},
                  ["- wsgi_app_daemon_options: "]))
    cases.append(("wsgi_app_environment name", {"wsgi_app_environment": {"A')\nimport os\n#": "x"}},
                  ["- wsgi_app_environment needs"]))
    return [(case_id, "wsgi_app", variables, messages) for case_id, variables, messages in cases]


def apache_injection_cases():
    names = APACHE_VARS["apache_directive_values"]
    return [("every apache directive value's %s" % label, "apache",
             dict((name, (APACHE_DEFAULTS[name] or "/srv/venv") + suffix) for name in names),
             ["- %s must not contain white space" % name for name in names])
            for suffix, label in SUFFIXES]


with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "bad_inputs.yml")) as handle:
    BAD_INPUTS = yaml.safe_load(handle)
CASES = (injection_cases() + apache_injection_cases()
         + [(yaml.safe_dump(case["vars"], default_flow_style=True, width=10 ** 6).strip(), case["role"], case["vars"],
             [case["refused_with"]]) for case in BAD_INPUTS])


@pytest.fixture
def untouched(host, get):
    """The Apache files, accounts, the directories the role writes, the Apache parent
    process and the response must be the same after the test."""
    def snapshot():
        return (apache_files(host), host.check_output("md5sum /etc/passwd /etc/group"),
                host.check_output("find /srv /var/www /etc/logrotate.d | sort"))
    before = snapshot()
    parent = host.check_output("cat /var/run/apache2/apache2.pid")
    yield
    assert snapshot() == before
    assert host.check_output("cat /var/run/apache2/apache2.pid") == parent
    assert get("/myapp").body == "Hello World!"
    assert not host.check_output("find /etc/apache2 -name '*~' -o -name '*.20*~'")


@pytest.fixture(scope="module")
def data_directory(host):
    """A directory of data that wsgi_app_python_home_create must not turn into a venv."""
    host.check_output("mkdir -p /srv/data && echo keep > /srv/data/records.txt")
    yield "/srv/data"
    assert host.check_output("ls -A /srv/data") == "records.txt"


@pytest.fixture(scope="module")
def empty_git_repository(host):
    """A bare git repository without a branch or tag, for bad_inputs.yml's unresolvable git
    version. The role installs git before it asks the repository (with its recommended
    openssh-client, which adds a group): installed here already, that is no change."""
    path = "/tmp/modwsgi-empty.git"
    host.check_output("DEBIAN_FRONTEND=noninteractive apt-get install -y -q git > /dev/null")
    host.check_output("rm -rf %s && git init -q --bare %s", path, path)
    yield path
    host.check_output("rm -rf %s", path)


def test_every_bad_input_is_refused_before_anything_changes(host, tmp_path, data_directory, empty_git_repository,
                                                            untouched):
    refused = refusals(host, [(case_id, role, variables) for case_id, role, variables, dummy in CASES], tmp_path)
    problems = []
    for case_id, dummy, dummy, messages in CASES:
        if case_id not in refused:
            problems.append("%r was accepted" % case_id)
            continue
        for message in messages:
            if message not in refused[case_id]:
                problems.append("%r: expected %r in: %s" % (case_id, message, refused[case_id]))
    assert not problems, "\n".join(problems)


def test_configuration_apache_rejects_leaves_no_trace(host, tmp_path, untouched):
    # Passes every check of the role (the file exists), but apache2ctl -t refuses an
    # empty certificate. The new account, site, port and module links must all go again,
    # and no application file is written before the configuration passed.
    host.check_output("touch /etc/ssl/certs/empty.pem")
    try:
        rc, output = run_playbook(host, role_playbook("wsgi_app", {
            "wsgi_app_name": "rejected",
            "wsgi_app_site": "rejected",
            "wsgi_app_port": 8080,
            "wsgi_app_script_dir": "/srv/rejected code",
            "wsgi_app_document_root": "/var/www/rejected",
            "wsgi_app_tls": True,
            "wsgi_app_tls_port": 8443,
            "wsgi_app_tls_certificate": "/etc/ssl/certs/empty.pem",
        }), tmp_path)
    finally:
        host.check_output("rm -f /etc/ssl/certs/empty.pem")
    assert rc != 0
    assert "apache2ctl -t rejected the new configuration" in output
    assert "/etc/ssl/certs/empty.pem" in output
    assert not host.user("rejected").exists and not host.group("rejected").exists
    assert not host.file("/srv/rejected code").exists
