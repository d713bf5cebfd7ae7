#!/usr/bin/env bash
# Creates (or reuses) the pinned tool environment in .venv and prints its bin directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

venv=${MODWSGI_VENV:-$REPO_ROOT/.venv}
requirements=$REPO_ROOT/requirements/test.txt
stamp=$(cat "$requirements" | sha256sum | cut -c1-16)

if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$stamp" ]; then
    log "tool environment: installing $requirements into $venv"
    python3 -m venv --clear "$venv"
    "$venv/bin/pip" install -q --upgrade pip >/dev/null
    "$venv/bin/pip" install -q -r "$requirements"
    echo "$stamp" >"$venv/.requirements"
fi
echo "$venv/bin"
