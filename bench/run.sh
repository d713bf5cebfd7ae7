#!/usr/bin/env bash
# Usage: bash bench/run.sh   (`make bench`; from the repository root, needs root like
#        `make hello`)
#
# The benchmarks, one after the other so that none loads the machine while another
# measures: bench/throughput.sh (bench/results/throughput.json: requests/s, latency and the
# idle application's memory), bench/deploy.sh (bench/results/deploy.json), bench/fleet_cpu.sh
# (bench/results/fleet_cpu.json: the controller's CPU per host of an unchanged re-run over
# 20 hosts, site.yml against geerlingguy's apache role), then bench/report.py writes
# docs/benchmarks.md and the chart docs/benchmarks.png and prints issue 17's targets, met or
# not, and one table of every ratio; last bench/reloads.sh
# (bench/results/reloads.json: failed requests per reload and throughput, the package's
# mod_wsgi against the newest from PyPI on Debian 12), which prints its own table
# (docs/reloads.md quotes it); after it bench/backends.sh (bench/results/backends.json: the
# wsgi_app role's backends, apache against instance: failed requests per kind of change,
# throughput, p99, CPU per request and idle memory, on Ubuntu 18.04 and Debian 12), which
# prints its own table.
#
# Environment (all optional): BENCH_ONLY=throughput|deploy|fleet_cpu runs one benchmark and
# reports with the others' last results; BENCH_ONLY=reloads runs bench/reloads.sh alone (and
# leaves docs/benchmarks.md as it is), BENCH_ONLY=backends bench/backends.sh alone; each
# script's own BENCH_* settings (bench/fleet_cpu.sh needs geerlingguy's apache role: see
# BENCH_GEERLINGGUY_APACHE there).
set -euo pipefail
# shellcheck source=/dev/null
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$TESTBED_DIR/docker-engine.sh"
"$TESTBED_DIR/images.sh"
bench_bin=$("$TESTBED_DIR/venv.sh" "$REPO_ROOT/requirements/bench.txt" "$REPO_ROOT/.venv-bench")

case ${BENCH_ONLY:-} in
    "")
        bash "$BENCH_DIR/throughput.sh"
        bash "$BENCH_DIR/deploy.sh"
        bash "$BENCH_DIR/fleet_cpu.sh"
        "$bench_bin/python" "$BENCH_DIR/report.py"
        bash "$BENCH_DIR/reloads.sh"
        bash "$BENCH_DIR/backends.sh"
        ;;
    throughput | deploy | fleet_cpu)
        bash "$BENCH_DIR/$BENCH_ONLY.sh"
        "$bench_bin/python" "$BENCH_DIR/report.py"
        ;;
    reloads | backends) bash "$BENCH_DIR/$BENCH_ONLY.sh" ;;
    *) die "BENCH_ONLY must be throughput, deploy, fleet_cpu, reloads or backends (got $BENCH_ONLY)" ;;
esac
