#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, ansible-test sanity, unit tests, every
# molecule scenario against real containers with ansible-core 2.16, the same lint and
# molecule scenarios with the newest ansible-core, and the collection installed from its
# built tarball.
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
step() {
    local name=$1; shift
    log "== $name"
    "$@" || failed+=("$name")
}

step yamllint yamllint --strict .
step "ansible-lint (ansible-core 2.16)" ansible-lint --profile production
step changelog antsibull-changelog lint
step sanity bash tests/sanity/run.sh
step "unit tests" python -m pytest tests/unit -q -p no:cacheprovider --junitxml "$junit/unit.xml"
step "target images" "$TESTBED_DIR/images.sh"
step "newest ansible-core environment" "$TESTBED_DIR/venv.sh" requirements/latest.txt .venv-latest
# That venv's ansible-lint by path (it fails if the venv is missing) and first on PATH (it
# runs ansible-config and ansible-galaxy by name).
latest_bin=$REPO_ROOT/.venv-latest/bin
step "ansible-lint (newest ansible-core)" env PATH="$latest_bin:$PATH" "$latest_bin/ansible-lint" --profile production
# The two ansible-core lines run the same `molecule test` of every scenario with their
# own containers, molecule state and JUnit reports (see latest-line.sh), so they run side
# by side; the newest line's output follows the 2.16 line's.
latest_log=$CACHE_DIR/latest-line.log
log "== molecule (newest ansible-core), in the background: $latest_log"
"$TESTBED_DIR/latest-line.sh" >"$latest_log" 2>&1 &
latest_pid=$!
# The packaging test uses a container and a collections path of its own: it runs beside
# the molecule lines too.
packaging_log=$CACHE_DIR/packaging.log
log "== packaging, in the background: $packaging_log"
python -m pytest tests/integration/packaging -q -p no:cacheprovider --junitxml "$junit/packaging.xml" \
    >"$packaging_log" 2>&1 &
packaging_pid=$!
step "molecule (ansible-core 2.16)" each_scenario molecule test
latest_rc=0
wait "$latest_pid" || latest_rc=$?
cat "$latest_log"
[ "$latest_rc" -eq 0 ] || failed+=("molecule (newest ansible-core)")
packaging_rc=0
wait "$packaging_pid" || packaging_rc=$?
log "== packaging"
cat "$packaging_log"
[ "$packaging_rc" -eq 0 ] || failed+=(packaging)

log "wall time: $(( $(date +%s) - started ))s"
[ ${#failed[@]} -eq 0 ] || log "failed steps: ${failed[*]}"
python "$TESTBED_DIR/junit_summary.py" "$junit"/*.xml
[ ${#failed[@]} -eq 0 ]
