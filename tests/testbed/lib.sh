# Shared helpers for the test bed scripts; sourced, not run.
# shellcheck shell=bash

TESTBED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$TESTBED_DIR/../.." && pwd)
# Everything the test bed downloads or builds lives here, outside git's view.
CACHE_DIR=${MODWSGI_TESTBED_CACHE:-$REPO_ROOT/.cache}

# `docker run` flags for a target with systemd as PID 1, the ones molecule's docker driver
# gets from .config/molecule/config.yml: systemd needs SYS_ADMIN and the host's cgroup v1
# tree, a tmpfs for its runtime state, and RTMIN+3 to shut down on `docker stop`.
# shellcheck disable=SC2034 # used by the scripts that source this file
SYSTEMD_RUN_FLAGS=(--cap-add SYS_ADMIN -v /sys/fs/cgroup:/sys/fs/cgroup:ro --tmpfs /run --tmpfs /run/lock
    --stop-signal RTMIN+3)

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

# Runs `"$@" -s <scenario>` for every molecule scenario, going on after a failure (molecule
# test --all stops at the first), and fails naming the scenarios that failed.
each_scenario() {
    local dir scenario failed=()
    for dir in "$REPO_ROOT"/molecule/*/; do
        scenario=$(basename "$dir")
        "$@" -s "$scenario" || failed+=("$scenario")
    done
    [ ${#failed[@]} -eq 0 ] || { log "failed scenarios: ${failed[*]}"; return 1; }
}
