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
    "$venv/bin/pip" install -q -r "$requirements" >"$venv/pip.log" 2>&1 ||
        { cat "$venv/pip.log" >&2; die "pip install -r $requirements failed"; }
    echo "$stamp" >"$venv/.requirements"
fi
echo "$venv/bin"
