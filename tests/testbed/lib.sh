# Shared helpers for the test bed scripts; sourced, not run.
# shellcheck shell=bash

TESTBED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$TESTBED_DIR/../.." && pwd)
# Everything the test bed downloads or builds lives here, outside git's view.
CACHE_DIR=${MODWSGI_TESTBED_CACHE:-$REPO_ROOT/.cache}

log() { printf '\033[1m[testbed]\033[0m %s\n' "$*" >&2; }
die() { printf '[testbed] ERROR: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else die "root is needed to run: $*"
    fi
}

# A collections path in which modwsgi.deploy is this checkout, so playbooks and
# molecule use the working tree without an install step.
checkout_collections_path() {
    local dir=$CACHE_DIR/collections
    mkdir -p "$dir/ansible_collections/modwsgi"
    ln -sfn "$REPO_ROOT" "$dir/ansible_collections/modwsgi/deploy"
    echo "$dir"
}
