#!/usr/bin/env bash
# The newest ansible-core line (requirements/latest.txt, .venv-latest): the same
# `molecule test --all` as the 2.16 line, with .config/molecule/latest.yml laid over the
# shared base (Debian 12 and Ubuntu 24.04; the Python-mismatch tests deselected).
# It runs beside the 2.16 line, so nothing it writes may be shared with that one:
# - containers: named after MODWSGI_CONTAINER_PREFIX (default modwsgi-latest);
# - molecule's state (ANSIBLE_HOME/tmp/molecule.<project>.<scenario>) and the copy of the
#   collection it installs (ANSIBLE_HOME/collections): ANSIBLE_HOME is .cache/ansible-latest
#   instead of ~/.ansible;
# - JUnit reports: .cache/junit/latest-<scenario>.xml.
# Arguments go to `molecule test`, e.g. `-s default` for one scenario; without any, every
# scenario runs (each_scenario: a failure does not stop the others).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bin=$("$TESTBED_DIR/venv.sh" "$REPO_ROOT/requirements/latest.txt" "$REPO_ROOT/.venv-latest")
cd "$REPO_ROOT"
# molecule runs ansible-galaxy, ansible-playbook and pytest by name: this venv's first.
export PATH=$bin:$PATH
export ANSIBLE_HOME=$CACHE_DIR/ansible-latest
export MODWSGI_CONTAINER_PREFIX=${MODWSGI_CONTAINER_PREFIX:-modwsgi-latest}
# The rolling scenario's three hosts (its platforms replace the base config's).
export MODWSGI_ROLLING_IMAGE=modwsgi-testbed/target:ubuntu-24.04-none
mkdir -p "$ANSIBLE_HOME"
# Where a collections path is set, the copy molecule installs must stay on it.
[ -z "${ANSIBLE_COLLECTIONS_PATH:-}" ] || export ANSIBLE_COLLECTIONS_PATH=$ANSIBLE_HOME/collections:$ANSIBLE_COLLECTIONS_PATH
log "ansible-core $(python -c 'import ansible; print(ansible.__version__)'), containers ${MODWSGI_CONTAINER_PREFIX}-*"
# backends (zero failed requests under load, 12 minutes of tests) is proven on the platforms the
# issue names, Ubuntu 18.04 and Debian 12, by the 2.16 line; here it would double the
# load both lines put on the machine. This line deploys backend instances in check_mode.
export SCENARIOS_LEFT_OUT=${SCENARIOS_LEFT_OUT-backends}
latest_molecule() { molecule -c .config/molecule/config.yml -c .config/molecule/latest.yml test "$@"; }
if [ $# -gt 0 ]; then latest_molecule "$@"; else each_scenario latest_molecule; fi
