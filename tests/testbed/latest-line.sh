#!/usr/bin/env bash
# The newest ansible-core line (requirements/latest.txt) against Debian 12 and Ubuntu
# 24.04: every molecule scenario's playbooks, an idempotence check and its testinfra
# tests, driven by scenarios.py because molecule does not support this core line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bin=$("$TESTBED_DIR/venv.sh" "$REPO_ROOT/requirements/latest.txt" "$REPO_ROOT/.venv-latest")
cd "$REPO_ROOT"
log "ansible-core $("$bin/python" -c 'import ansible; print(ansible.__version__)')"
# scenarios.py needs PyYAML, which ansible-core brings; ansible-playbook and pytest come
# from the same environment.
scenarios=()
for dir in "$REPO_ROOT"/molecule/*/; do scenarios+=("$(basename "$dir")"); done
PATH=$bin:$PATH ANSIBLE_COLLECTIONS_PATH=$(checkout_collections_path) \
    "$bin/python" "$TESTBED_DIR/scenarios.py" "$TESTBED_DIR/latest-line.yml" "${scenarios[@]}"
