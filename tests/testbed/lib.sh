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

# Builds TAG from tests/testbed/images/DOCKERFILE with the build arguments NAME=VALUE that
# follow, unless TAG was built from the same recipe (the Dockerfile's hash, kept as a label):
# rebuilt when the recipe changes, not only when the tag is missing.
recipe_image() {
    local tag=$1 dockerfile=$TESTBED_DIR/images/$2 recipe arg errors build_args=()
    shift 2
    recipe=$(sha256sum "$dockerfile" | cut -c1-12)
    [ "$(docker image inspect -f '{{ index .Config.Labels "recipe" }}' "$tag" 2>/dev/null)" != "$recipe" ] || return 0
    for arg in "$@"; do build_args+=(--build-arg "$arg"); done
    log "$tag: building"
    mkdir -p "$CACHE_DIR"
    errors=$CACHE_DIR/build-${tag//[^a-zA-Z0-9.-]/-}.err
    docker build -q "${build_args[@]}" --label "recipe=$recipe" -t "$tag" -f "$dockerfile" "$TESTBED_DIR/images" \
        >/dev/null 2>"$errors" || { cat "$errors" >&2; die "building $tag failed"; }
}

# `step NAME COMMAND...` runs COMMAND under a heading, logs its wall time and, when it fails,
# adds NAME to the caller's `failed` array and goes on.
step() {
    local name=$1; shift
    local step_started=$SECONDS
    log "== $name"
    "$@" || failed+=("$name")
    log "== $name: $(( SECONDS - step_started ))s"
}

# The molecule scenarios each ansible-core line runs, the longest first. Every line runs
# default (the play, then its refusals of bad input) and check_mode. 2.16, the line of Ubuntu
# 18.04's Python 3.6, also the scenarios that prove the target rather than the controller
# (Python homes, mod_wsgi builds, the walkthrough, Django, releases and backend instances
# under load); 2.21, the line users install today, the ones that lean most on ansible-core
# itself: include_role loops with deferred handlers (apps) and serial batches (rolling).
# README.md's platform table says the same; tests/unit/test_platforms.py checks that every
# scenario runs on a line.
line_scenarios() {
    case $1 in
        2.16) echo "backends releases mod_wsgi_pip django python_home default check_mode walkthrough" ;;
        2.19 | 2.20) echo "default check_mode" ;;
        2.21) echo "rolling apps default check_mode" ;;
        *) return 1 ;;
    esac
}

# `own_molecule_state PREFIX ANSIBLE_HOME` gives the molecule runs that follow in this shell
# containers (PREFIX-*) and a molecule state (the copy of the collection it installs, its
# instances' files) of their own, so they run beside other molecule runs.
own_molecule_state() {
    export MODWSGI_CONTAINER_PREFIX=$1 ANSIBLE_HOME=$2
    mkdir -p "$ANSIBLE_HOME"
    # Where a collections path is set, the copy molecule installs must stay on it.
    [ -z "${ANSIBLE_COLLECTIONS_PATH:-}" ] ||
        export ANSIBLE_COLLECTIONS_PATH=$ANSIBLE_HOME/collections:$ANSIBLE_COLLECTIONS_PATH
}

# `each_scenario "SCENARIOS" COMMAND...` runs `COMMAND... -s <scenario>` for each scenario,
# going on after a failure (molecule test --all stops at the first), logs each one's wall
# time, and fails naming the scenarios that failed.
each_scenario() {
    local scenarios=$1 scenario scenario_started failed=()
    shift
    for scenario in $scenarios; do
        scenario_started=$SECONDS
        "$@" -s "$scenario" || failed+=("$scenario")
        log "== scenario $scenario: $(( SECONDS - scenario_started ))s"
    done
    [ ${#failed[@]} -eq 0 ] || { log "failed scenarios: ${failed[*]}"; return 1; }
}
