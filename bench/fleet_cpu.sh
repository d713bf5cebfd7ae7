#!/usr/bin/env bash
# Usage: bash bench/fleet_cpu.sh   (from the repository root; needs root and Docker, like
#        `make hello`; `make bench` runs it, `BENCH_ONLY=fleet_cpu make bench` alone)
#
# The controller's CPU per host of an unchanged re-run over a fleet: playbooks/site.yml
# against geerlingguy's apache role (geerlingguy/ansible-role-apache on GitHub, run by
# bench/geerlingguy_apache.yml), on the same hosts in the same run. For Ubuntu 18.04 (no
# init system) and Debian 12 (systemd as PID 1) it starts BENCH_FLEET_HOSTS fresh
# containers named bench-fc-<platform>-<n>, and with the tool venv's ansible-playbook,
# the repository's ansible.cfg (pipelining, the profile_tasks callback) for both roles,
# the community.docker.docker connection and as many forks as hosts:
#
#   1. converges them with site.yml, then re-runs it BENCH_FLEET_ROUNDS times;
#   2. converges them with geerlingguy.apache, then re-runs it BENCH_FLEET_ROUNDS times.
#
# In that order: the fleet is converged once per platform (a first converge of site.yml
# costs some 25 CPU seconds a host), and site.yml is never re-run on a host geerlingguy's
# role has changed since. So the two roles' re-runs do not alternate: each role's rounds
# run back to back, and medians are taken over them. Every re-run must report changed=0
# (and no failure) on every host, or the script fails.
#
# The measure is ansible-playbook's own CPU time, user + sys of the process and of the
# children it waited for (bash's `time`: its forks and the `docker exec` clients of the
# connection), over the number of hosts; not the containers' CPU, nor dockerd's. Wall-clock
# seconds are recorded for context.
#
# geerlingguy's role is never committed: BENCH_GEERLINGGUY_APACHE names a git repository of
# it (bare or not; its HEAD is used), by default /work/.mirror/geerlingguy+ansible-role-apache/repo
# when that exists. It is extracted under .cache/bench/roles/geerlingguy.apache, and the
# commit is recorded with the results. It has no mod_wsgi support: bench/geerlingguy_apache.yml
# gives it the nearest job it can do, Apache with its defaults and one plain VirtualHost on
# port 80 for the site's names.
#
# bench/report.py writes bench/results/fleet_cpu.json and prints the ratios; logs stay under
# .cache/bench/. The containers are removed at the end.
#
# Environment (all optional): BENCH_FLEET_HOSTS=20 BENCH_FLEET_ROUNDS=3
#   BENCH_PLATFORMS="ubuntu1804 debian12" BENCH_GEERLINGGUY_APACHE=DIR; BENCH_KEEP=1 keeps
#   the containers running afterwards
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

hosts=${BENCH_FLEET_HOSTS:-20}
rounds=${BENCH_FLEET_ROUNDS:-3}
platforms=${BENCH_PLATFORMS:-ubuntu1804 debian12}
default_role_repo=/work/.mirror/geerlingguy+ansible-role-apache/repo
role_repo=${BENCH_GEERLINGGUY_APACHE:-}
if [ -z "$role_repo" ] && [ -d "$default_role_repo" ]; then
    role_repo=$default_role_repo
fi
if ! [ "$hosts" -ge 1 ] 2>/dev/null || ! [ "$rounds" -ge 1 ] 2>/dev/null; then
    die "BENCH_FLEET_HOSTS and BENCH_FLEET_ROUNDS must be whole numbers of at least 1"
fi

results_json=$REPO_ROOT/bench/results/fleet_cpu.json
work=$CACHE_DIR/bench/fleet_cpu-$(date +%Y%m%d-%H%M%S)
mkdir -p "$work" "$(dirname "$results_json")"
timings=$work/timings.tsv
: >"$timings"

# --- geerlingguy.apache ---------------------------------------------------------------
[ -n "$role_repo" ] || die "geerlingguy's apache role is needed and not found: clone" \
    "geerlingguy/ansible-role-apache from GitHub (git clone --bare is enough) and set" \
    "BENCH_GEERLINGGUY_APACHE to that directory (default: $default_role_repo)"
role_commit=$(git -C "$role_repo" rev-parse --verify 'HEAD^{commit}' 2>/dev/null) ||
    die "BENCH_GEERLINGGUY_APACHE=$role_repo is not a git repository of geerlingguy/ansible-role-apache"
roles_dir=$CACHE_DIR/bench/roles
rm -rf "$roles_dir/geerlingguy.apache"
mkdir -p "$roles_dir/geerlingguy.apache"
git -C "$role_repo" archive "$role_commit" | tar -x -C "$roles_dir/geerlingguy.apache"
[ -f "$roles_dir/geerlingguy.apache/tasks/configure-Debian.yml" ] ||
    die "$role_repo at $role_commit does not look like geerlingguy's apache role"
log "geerlingguy.apache: $role_repo at $role_commit"

# --- measuring ------------------------------------------------------------------------
bench_clean_up_on_exit

"$TESTBED_DIR/docker-engine.sh"
bin=$("$TESTBED_DIR/venv.sh")
collections=$(checkout_collections_path)

# playbook LOG INVENTORY PLAYBOOK: runs it with one fork per host and prints "SECONDS CPU
# HOSTS CHANGED FAILED": CPU is ansible-playbook's user + sys with its children's, HOSTS the
# hosts in the play recap, CHANGED the sum of their changed=, FAILED the hosts with a failed
# or unreachable task. Fails with the log's tail when the play fails.
playbook() {
    local log=$1 inventory=$2 play=$3 times real user sys
    times=$( { TIMEFORMAT='%R %U %S'; time PATH=$bin:$PATH ANSIBLE_COLLECTIONS_PATH=$collections \
        ANSIBLE_ROLES_PATH=$roles_dir ANSIBLE_CONFIG=$REPO_ROOT/ansible.cfg ANSIBLE_NOCOLOR=1 \
        ansible-playbook -f "$hosts" -i "$inventory" "$play" >"$log" 2>&1; } 2>&1) ||
        { tail -40 "$log" >&2; die "$play failed (log: $log)"; }
    read -r real user sys <<<"$times"
    echo "$real $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" \
        "$(awk '/^PLAY RECAP/ { recap = 1; next }
            recap && / : ok=[0-9]+ +changed=/ {
                hosts++
                for (i = 1; i <= NF; i++) {
                    split($i, kv, "=")
                    if (kv[1] == "changed") changed += kv[2]
                    if ((kv[1] == "failed" || kv[1] == "unreachable") && kv[2] > 0) failed++
                }
            }
            END { print hosts + 0, changed + 0, failed + 0 }' "$log")"
}

# measure PLATFORM ROLE MEASURE LOG PLAYBOOK: one run over the platform's fleet, recorded.
# A re-run must find nothing to change on any host.
measure() {
    local platform=$1 role=$2 kind=$3 log=$4 play=$5 seconds cpu seen changed failed
    read -r seconds cpu seen changed failed <<<"$(playbook "$log" "$work/$platform.yml" "$play")"
    if [ "$seen" != "$hosts" ] || [ "$failed" != 0 ]; then
        die "$platform $role $kind: $seen hosts in the recap (expected $hosts), $failed failed (log: $log)"
    fi
    if [ "$kind" = rerun ] && [ "$changed" != 0 ]; then
        grep -A "$((hosts + 1))" '^PLAY RECAP' "$log" >&2
        die "$platform $role: the unchanged re-run reported changed=$changed (log: $log)"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$platform" "$role" "$kind" "$seconds" "$cpu" "$changed" "$hosts" >>"$timings"
    log "$platform $role $kind over $hosts hosts: ${seconds}s, controller CPU ${cpu}s" \
        "($(awk -v c="$cpu" -v n="$hosts" 'BEGIN { printf "%.2f", c / n }')s per host), changed=$changed"
}

read -r -a platform_list <<<"$platforms"
for platform in "${platform_list[@]}"; do
    read -r base init <<<"$(bench_platform_image "$platform")"
    "$TESTBED_DIR/target-image.sh" "$base" "$init" >/dev/null
    fleet=()
    for i in $(seq "$hosts"); do fleet+=("bench-fc-$platform-$i"); done
    containers+=("${fleet[@]}")
    inventory=$work/$platform.yml
    printf 'webservers:\n  hosts:\n' >"$inventory"
    for c in "${fleet[@]}"; do
        bench_start_container "$c" "$platform"
        printf '    %s:\n      ansible_connection: community.docker.docker\n' "$c" >>"$inventory"
    done
    log "$platform: started ${#fleet[@]} containers"

    for role in modwsgi.deploy geerlingguy.apache; do
        case $role in
            modwsgi.deploy) play=$REPO_ROOT/playbooks/site.yml ;;
            geerlingguy.apache) play=$BENCH_DIR/geerlingguy_apache.yml ;;
        esac
        measure "$platform" "$role" converge "$work/$platform-$role-converge.log" "$play"
        for round in $(seq "$rounds"); do
            measure "$platform" "$role" rerun "$work/$platform-$role-rerun-$round.log" "$play"
        done
    done
    for c in "${fleet[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
done

python3 "$BENCH_DIR/report.py" fleet_cpu "$timings" "$results_json" --hosts "$hosts" --rounds "$rounds" \
    --geerlingguy-commit "$role_commit"
log "written $results_json (logs: $work)"
