#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, the docs, ansible-test sanity, unit tests,
# every molecule scenario against real containers with ansible-core 2.16, the lines 2.19,
# 2.20 and 2.21 (each its own lint, sanity and scenarios, see line.sh), and the collection
# installed from its built tarball and judged by the Galaxy importer, and the module code on
# every target Python.
# Ends with one line summing up every test run: "N passed, N failed, N skipped".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

started=$(date +%s)
"$TESTBED_DIR/docker-engine.sh"
mkdir -p "$CACHE_DIR"
bin=$("$TESTBED_DIR/venv.sh")
export PATH=$bin:$PATH
junit=$CACHE_DIR/junit
rm -rf "$junit" && mkdir -p "$junit"
cd "$REPO_ROOT"

failed=()
# Steps that run side by side with the 2.16 line: each writes its own log, which collect
# prints once it has ended, with its wall time.
declare -A background_pid background_log background_started
background() {
    local name=$1; shift
    background_log[$name]=$CACHE_DIR/step-${name//[^a-zA-Z0-9.]/-}.log
    background_started[$name]=$SECONDS
    log "== $name, in the background: ${background_log[$name]}"
    "$@" >"${background_log[$name]}" 2>&1 &
    background_pid[$name]=$!
}
collect() {
    local name=$1 rc=0
    wait "${background_pid[$name]}" || rc=$?
    log "== $name"
    cat "${background_log[$name]}"
    [ "$rc" -eq 0 ] || failed+=("$name")
    log "== $name: ended $(( SECONDS - ${background_started[$name]} ))s after it started"
}

# The ansible-core lines besides 2.16 (line.sh), in the order they run.
other_cores=(2.19 2.20 2.21)
# Images and tool environments download and build (debootstrap, apt, pip) while the checks
# that need neither run.
prepare_environments() {
    local core
    "$TESTBED_DIR/images.sh" || return
    "$TESTBED_DIR/venv.sh" requirements/importer.txt .venv-importer >/dev/null || return
    for core in "${other_cores[@]}"; do
        "$TESTBED_DIR/line.sh" "$core" --prepare || return
    done
}
background "target images and tool environments" prepare_environments
step yamllint yamllint --strict .
step "ansible-lint (ansible-core 2.16)" ansible-lint --profile production
step changelog antsibull-changelog lint
step "collection docs" docs/site.sh lint
step "docs site" docs/site.sh build
step "sanity (ansible-core 2.16)" bash tests/sanity/run.sh
step "unit tests" python -m pytest tests/unit -q -p no:cacheprovider --junitxml "$junit/unit.xml"
collect "target images and tool environments"
# Two lanes, as the machines have two CPUs (a third slowed every scenario about 2.5 times).
# In the background, the lines 2.19, 2.20, then 2.21, each its ansible-lint, sanity and
# scenarios (line.sh: containers, molecule state and reports of its own). The 2.16
# scenarios, longest first, then the packaging test, are a queue both lanes take from: this
# one from the start, the other once its lines are done. So the lanes end within one item of
# each other, however fast the machine is (with a fixed split, the last fresh run's lanes
# ended 5 minutes apart).
queue=$CACHE_DIR/queue-2.16
{ line_scenarios 2.16 | tr ' ' '\n'; echo packaging; } >"$queue"
# Prints the queue's next item and removes it; prints nothing once it is empty.
take_from_queue() {
    (
        flock 9
        head -n 1 "$queue"
        sed -i 1d "$queue"
    ) 9>"$queue.lock"
}
# run_queue: runs the queue's items until it is empty, going on after a failure, and fails
# if one failed (each_scenario names the scenarios that failed).
run_queue() {
    local item rc=0
    while item=$(take_from_queue) && [ -n "$item" ]; do
        if [ "$item" = packaging ]; then
            # A container and a collections path of its own; the module code on each target
            # Python, containers of its own.
            log "== packaging and target Pythons"
            python -m pytest tests/integration/packaging tests/integration/target_pythons \
                -q -p no:cacheprovider --junitxml "$junit/packaging.xml" || { log "packaging failed"; rc=1; }
        else
            each_scenario "$item" molecule test || rc=1
        fi
    done
    return "$rc"
}
second_lane() {
    local core rc=0
    for core in "${other_cores[@]}"; do
        "$TESTBED_DIR/line.sh" "$core" || rc=$?
    done
    # Beside the first lane's 2.16 scenarios, as a line is.
    (
        own_molecule_state modwsgi-lane2 "$CACHE_DIR/ansible-2.16-lane2"
        log "== ansible-core 2.16, from the queue"
        run_queue
    ) || rc=$?
    return "$rc"
}
background "ansible-core ${other_cores[*]}, then 2.16 from the queue" second_lane
step "ansible-core 2.16 scenarios and packaging, from the queue" run_queue
collect "ansible-core ${other_cores[*]}, then 2.16 from the queue"

log "wall time: $(( $(date +%s) - started ))s"
[ ${#failed[@]} -eq 0 ] || log "failed steps: ${failed[*]}"
python "$TESTBED_DIR/junit_summary.py" "$junit"/*.xml
[ ${#failed[@]} -eq 0 ]
