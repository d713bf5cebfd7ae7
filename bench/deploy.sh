#!/usr/bin/env bash
# Usage: bash bench/deploy.sh   (from the repository root; needs root and Docker, like
#        `make hello`; `make bench` runs it)
#
# How long deploying playbooks/site.yml takes, against the floors nothing can beat. For
# Ubuntu 18.04 (no init system) and Debian 12 (systemd as PID 1), in fresh containers named
# bench-dp-*, with the tool venv's ansible-playbook, ansible.cfg and the
# community.docker.docker connection:
#
#   first_converge   site.yml on a fresh container (fleet_1 reuses these runs)
#   fleet_4          site.yml on four fresh containers at once
#   seed_shell       the seed walkthrough's steps as a plain shell script (bench/seed_steps.sh)
#                    on a fresh container: the floor for a first install
#   seed_shell_4     that script on four fresh containers at once: the floor for fleet_4, how
#                    far this machine lets any deploy scale to 4 hosts
#   idempotent_rerun site.yml again on a configured container; every run must report changed=0
#   facts_only       bench/facts_only.yml on that container: the floor for any re-run
#
# Each measure also records the CPU seconds of ansible-playbook and the containers (cgroup v1
# cpuacct), from which report.py derives the fastest a fleet could go on this machine's CPUs.
# Container start-up (and systemd's boot) is outside every timing. Installs are repeated
# BENCH_INSTALL_ROUNDS times, the order of the four kinds rotated each round; then re-run and
# facts-only alternate BENCH_RERUN_ROUNDS times on the last first_converge container. Medians
# are reported, and only ratios within one run mean anything: the machine is shared and noisy.
#
# bench/report.py writes bench/results/deploy.json and prints the ratios; logs stay under
# .cache/bench/. The containers are removed at the end.
#
# Environment (all optional): BENCH_INSTALL_ROUNDS=2 BENCH_RERUN_ROUNDS=5
#   BENCH_PLATFORMS="ubuntu1804 debian12"; BENCH_KEEP=1 keeps the containers running afterwards
set -euo pipefail

# shellcheck source=/dev/null
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_rounds=${BENCH_INSTALL_ROUNDS:-2}
rerun_rounds=${BENCH_RERUN_ROUNDS:-5}
platforms=${BENCH_PLATFORMS:-ubuntu1804 debian12}

results_json=$REPO_ROOT/bench/results/deploy.json
work=$CACHE_DIR/bench/deploy-$(date +%Y%m%d-%H%M%S)
mkdir -p "$work" "$(dirname "$results_json")"
timings=$work/timings.tsv
: >"$timings"

bench_clean_up_on_exit

"$TESTBED_DIR/docker-engine.sh"
bin=$("$TESTBED_DIR/venv.sh")
collections=$(checkout_collections_path)

# fresh PLATFORM NAME...: fresh containers, and an inventory of them in $work/NAME1.yml.
fresh() {
    local platform=$1 c inventory
    shift
    inventory=$work/$1.yml
    printf 'webservers:\n  hosts:\n' >"$inventory"
    for c in "$@"; do
        containers+=("$c")
        bench_start_container "$c" "$platform"
        printf '    %s:\n      ansible_connection: community.docker.docker\n' "$c" >>"$inventory"
    done
}

# cpu_ns CONTAINER...: CPU time the containers have used so far, in nanoseconds (cgroup v1).
cpu_ns() {
    local c total=0 id
    for c in "$@"; do
        id=$(docker inspect -f '{{.Id}}' "$c")
        total=$((total + $(cat "/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

# playbook LOG INVENTORY PLAYBOOK CONTAINER...: runs it, prints "SECONDS CHANGED CPU":
# CHANGED summed over the hosts of the recap, CPU the seconds of CPU that ansible-playbook
# and the containers used (what a fleet shares out over the machine's CPUs). Fails with
# the log's tail when the play fails.
playbook() {
    local log=$1 inventory=$2 play=$3 times cpu_before cpu_after
    shift 3
    cpu_before=$(cpu_ns "$@")
    times=$( { TIMEFORMAT='%R %U %S'; time PATH=$bin:$PATH ANSIBLE_COLLECTIONS_PATH=$collections \
        ANSIBLE_CONFIG=$REPO_ROOT/ansible.cfg ANSIBLE_NOCOLOR=1 \
        ansible-playbook -i "$inventory" "$play" >"$log" 2>&1; } 2>&1) ||
        { tail -40 "$log" >&2; die "$play failed (log: $log)"; }
    cpu_after=$(cpu_ns "$@")
    read -r real user sys <<<"$times"
    echo "$real $(awk '/ changed=/ {sub(/.*changed=/, ""); n += $1} END {print n + 0}' "$log")" \
        "$(awk -v u="$user" -v s="$sys" -v a="$cpu_before" -v b="$cpu_after" 'BEGIN { printf "%.2f", u + s + (b - a) / 1e9 }')"
}

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

record() {  # PLATFORM MEASURE SECONDS CHANGED [CPU]
    printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" >>"$timings"
    log "$1 $2: ${3}s (changed=$4${5:+, cpu ${5}s})"
}

# site_yml PLATFORM MEASURE CONTAINER...: playbooks/site.yml on fresh containers, all at once.
site_yml() {
    local platform=$1 measure=$2 seconds changed cpu out
    shift 2
    fresh "$platform" "$@"
    out=$(playbook "$work/$1.log" "$work/$1.yml" "$REPO_ROOT/playbooks/site.yml" "$@")
    read -r seconds changed cpu <<<"$out"
    record "$platform" "$measure" "$seconds" "$changed" "$cpu"
}

# seed_shell PLATFORM MEASURE CONTAINER...: the seed steps in fresh containers, all at once.
seed_shell() {
    local platform=$1 measure=$2 c cpu start end failed=0
    shift 2
    fresh "$platform" "$@"
    cpu=$(cpu_ns "$@")
    start=$(date +%s.%N)
    for c in "$@"; do
        docker exec -i "$c" bash -s <"$BENCH_DIR/seed_steps.sh" >"$work/$c.log" 2>&1 &
    done
    for c in "$@"; do
        wait -n || failed=1
    done
    end=$(date +%s.%N)
    [ "$failed" = 0 ] || { tail -20 "$work/$1.log" >&2; die "$*: the seed steps failed (logs: $work)"; }
    cpu=$(awk -v a="$cpu" -v b="$(cpu_ns "$@")" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
    record "$platform" "$measure" "$(elapsed "$start" "$end")" "" "$cpu"
    for c in "$@"; do docker rm -f "$c" >/dev/null; done
}

measure_install() {
    local platform=$1 kind=$2 round=$3 c
    case $kind in
        first_converge)
            last_converged=bench-dp-$platform-one-$round
            site_yml "$platform" first_converge "$last_converged"
            ;;
        fleet_4)
            site_yml "$platform" fleet_4 "bench-dp-$platform-fleet-$round-"{1,2,3,4}
            for c in "bench-dp-$platform-fleet-$round-"{1,2,3,4}; do docker rm -f "$c" >/dev/null; done
            ;;
        seed_shell) seed_shell "$platform" seed_shell "bench-dp-$platform-seed-$round" ;;
        seed_shell_4)
            seed_shell "$platform" seed_shell_4 "bench-dp-$platform-seedfleet-$round-"{1,2,3,4}
            ;;
    esac
}

read -r -a platform_list <<<"$platforms"
kinds=(first_converge fleet_4 seed_shell seed_shell_4)
for platform in "${platform_list[@]}"; do
    read -r base init <<<"$(bench_platform_image "$platform")"
    "$TESTBED_DIR/target-image.sh" "$base" "$init" >/dev/null
    last_converged=
    for round in $(seq "$install_rounds"); do
        for i in 0 1 2 3; do
            kind=${kinds[(i + round - 1) % 4]}
            measure_install "$platform" "$kind" "$round"
        done
        # Only the last first_converge container stays, for the re-runs.
        for c in "${containers[@]}"; do
            case $c in bench-dp-$platform-one-*) [ "$c" = "$last_converged" ] || docker rm -f "$c" >/dev/null 2>&1 || true ;; esac
        done
    done
    c=$last_converged
    inventory=$work/$c.yml
    for round in $(seq "$rerun_rounds"); do
        out=$(playbook "$work/$c-rerun-$round.log" "$inventory" "$REPO_ROOT/playbooks/site.yml" "$c")
        read -r seconds changed cpu <<<"$out"
        record "$platform" idempotent_rerun "$seconds" "$changed" "$cpu"
        [ "$changed" = 0 ] || die "$c: the re-run of site.yml reported changed=$changed (log: $work/$c-rerun-$round.log)"
        out=$(playbook "$work/$c-facts-$round.log" "$inventory" "$BENCH_DIR/facts_only.yml" "$c")
        read -r seconds changed cpu <<<"$out"
        record "$platform" facts_only "$seconds" "$changed" "$cpu"
    done
    docker rm -f "$c" >/dev/null
done

python3 "$BENCH_DIR/report.py" deploy "$timings" "$results_json" \
    --install-rounds "$install_rounds" --rerun-rounds "$rerun_rounds"
log "written $results_json (logs: $work)"
