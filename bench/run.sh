#!/usr/bin/env bash
# Usage: bash bench/run.sh   (`make bench`; from the repository root, needs root like
#        `make hello`)
#
# The benchmarks, one after the other so that neither loads the machine while the other
# measures: bench/throughput.sh (bench/results/throughput.json), bench/deploy.sh
# (bench/results/deploy.json), then bench/report.py writes docs/benchmarks.md and the
# chart docs/benchmarks.png and prints one table of every ratio.
#
# Environment (all optional): BENCH_ONLY=throughput|deploy runs one benchmark and reports
# with the other's last results; each script's own BENCH_* settings.
set -euo pipefail
# shellcheck source=/dev/null
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$TESTBED_DIR/docker-engine.sh"
"$TESTBED_DIR/images.sh"
bench_bin=$("$TESTBED_DIR/venv.sh" "$REPO_ROOT/requirements/bench.txt" "$REPO_ROOT/.venv-bench")

case ${BENCH_ONLY:-} in
    "") bash "$BENCH_DIR/throughput.sh"; bash "$BENCH_DIR/deploy.sh" ;;
    throughput | deploy) bash "$BENCH_DIR/$BENCH_ONLY.sh" ;;
    *) die "BENCH_ONLY must be throughput or deploy (got $BENCH_ONLY)" ;;
esac
"$bench_bin/python" "$BENCH_DIR/report.py"
