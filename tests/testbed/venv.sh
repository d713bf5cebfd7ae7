#!/usr/bin/env bash
# Usage: venv.sh [REQUIREMENTS [VENV]]
# Creates (or reuses) a pinned tool environment and prints its bin directory.
# Defaults: requirements/test.txt into .venv.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

requirements=${1:-$REPO_ROOT/requirements/test.txt}
venv=${2:-${MODWSGI_VENV:-$REPO_ROOT/.venv}}
stamp=$(sha256sum <"$requirements" | cut -c1-16)

if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$stamp" ]; then
    log "tool environment: installing $requirements into $venv"
    python3 -m venv --clear "$venv"
    "$venv/bin/pip" install -q -r "$requirements" >"$venv/pip.log" 2>&1 ||
        { cat "$venv/pip.log" >&2; die "pip install -r $requirements failed"; }
    echo "$stamp" >"$venv/.requirements"
fi
echo "$venv/bin"
