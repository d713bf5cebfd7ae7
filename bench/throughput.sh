#!/usr/bin/env bash
# Usage: bash bench/throughput.sh   (from the repository root; needs root and Docker,
#        like `make hello`)
#
# Requests per second the collection's defaults serve, next to the walkthrough it started
# from and to a static file served by the same Apache. For Ubuntu 18.04 (no init system,
# mod_wsgi 4.5.17) and Debian 12 (systemd as PID 1, mod_wsgi 4.9.4) it starts two fresh
# containers:
#
#   bench-tp-<platform>-collection  playbooks/site.yml with every default, deployed by
#                                   ansible-playbook from the tool venv, and /hello.txt:
#                                   12 bytes of text/plain, like Hello World's answer
#   bench-tp-<platform>-seed        the walkthrough's final VirtualHost (daemon processes=2
#                                   threads=15), set up by bench/seed_steps.sh
#
# and measures inside them, against their own 127.0.0.1, three servers: collection and seed
# (/myapp on each) and static (/hello.txt on the collection's Apache), each with and without
# keep-alive (ab -k), at concurrency 16 and 64: `ab -t SECONDS` after a warm-up of every
# server. Each of BENCH_ROUNDS rounds measures every combination once, in another order (the
# groups of cells rotated, and the servers within a group), so that no server always gets the
# same moment of a busy host. Rows report medians over the rounds of requests/s and of p50 and
# p99 latency (ab -e). Only ratios within one run mean anything.
#
# After the last round and BENCH_IDLE_SECONDS without requests, the RSS of the idle
# application: the VmRSS of /myapp's mod_wsgi daemon processes, summed, for collection and
# seed. bench/daemon_rss.py finds them from the host's /proc (root in a container may not
# read other users' file descriptors): the children of Apache's parent that hold the
# listening UNIX socket of a mod_wsgi daemon group (Apache's workers close it when they
# start). Neither name nor user would do: the walkthrough's daemons keep Apache's command
# line and run as www-data like the workers; the collection's show as (wsgi:myproject) and
# run as myproject, which is checked. Their number must be the processes= of the site's
# WSGIDaemonProcess.
#
# bench/report.py writes bench/results/throughput.json and prints the ratios, then each cell's
# server CPU time per request (the container's cgroup CPU time less ab's): where CPU is the
# limit, static/collection CPU per request bounds collection/static requests/s. Raw ab output
# and the daemon processes found stay under .cache/bench/. The containers are removed at the end.
#
# Environment (all optional): BENCH_ROUNDS=5 BENCH_SECONDS=3 BENCH_IDLE_SECONDS=5
#   BENCH_PLATFORMS="ubuntu1804 debian12"; BENCH_KEEP=1 keeps the containers running afterwards
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

rounds=${BENCH_ROUNDS:-5}
seconds=${BENCH_SECONDS:-3}
idle_seconds=${BENCH_IDLE_SECONDS:-5}
platforms=${BENCH_PLATFORMS:-ubuntu1804 debian12}
run_timeout=$((seconds * 3 + 30))  # hard limit around each `docker exec` of ab

results_json=$REPO_ROOT/bench/results/throughput.json
work=$CACHE_DIR/bench/throughput-$(date +%Y%m%d-%H%M%S)
mkdir -p "$work" "$(dirname "$results_json")"
started=$(date +%s)

# Every request carries the walkthrough's ServerAlias: the walkthrough leaves Debian's
# 000-default site enabled, which answers requests by IP address.
host_header="Host: www.mydomain"

# --- containers --------------------------------------------------------------------
bench_clean_up_on_exit

"$TESTBED_DIR/docker-engine.sh"
bin=$("$TESTBED_DIR/venv.sh")
collections=$(checkout_collections_path)
read -r -a platform_list <<<"$platforms"

inventory=$work/inventory.yml
printf 'webservers:\n  hosts:\n' >"$inventory"
for platform in "${platform_list[@]}"; do
    for role in collection seed; do
        c=bench-tp-$platform-$role
        containers+=("$c")
        # Without keep-alive every request is a new connection from one client address:
        # a wide port range and reused TIME_WAIT ports keep ab from running out of them.
        bench_start_container "$c" "$platform" \
            --sysctl net.ipv4.ip_local_port_range="1024 65000" --sysctl net.ipv4.tcp_tw_reuse=1
    done
    printf '    %s:\n      ansible_connection: community.docker.docker\n' "bench-tp-$platform-collection" >>"$inventory"
done
log "started ${containers[*]}"

log "deploying playbooks/site.yml (collection) and the walkthrough (seed)"
for platform in "${platform_list[@]}"; do
    docker exec -i "bench-tp-$platform-seed" bash -s <"$BENCH_DIR/seed_steps.sh" >"$work/seed-$platform.log" 2>&1 &
    children+=("$!")
done
PATH=$bin:$PATH ANSIBLE_COLLECTIONS_PATH=$collections ANSIBLE_CONFIG=$REPO_ROOT/ansible.cfg \
    ansible-playbook -i "$inventory" "$REPO_ROOT/playbooks/site.yml" >"$work/deploy.log" 2>&1 ||
    { tail -40 "$work/deploy.log" >&2; die "deploying site.yml failed (log: $work/deploy.log)"; }
for i in "${!children[@]}"; do
    wait "${children[$i]}" ||
        { tail -20 "$work/seed-${platform_list[$i]}.log" >&2; die "the walkthrough failed on ${platform_list[$i]}"; }
done
children=()

for platform in "${platform_list[@]}"; do
    c=bench-tp-$platform-collection
    docker exec "$c" sh -c 'printf "Hello World!" >/var/www/mydomain/hello.txt && chmod 644 /var/www/mydomain/hello.txt'
    for c in bench-tp-$platform-collection bench-tp-$platform-seed; do
        bench_apt_install "$c" apache2-utils
    done
done

# The container and URL path of a server.
server_container() {
    case $2 in
        collection | static) echo "bench-tp-$1-collection" ;;
        seed) echo "bench-tp-$1-seed" ;;
    esac
}
# The collection's site logs to files of its own; the walkthrough's to Debian's.
server_log() {
    case $1 in
        collection | static) echo /var/log/apache2/mydomain-access.log ;;
        seed) echo /var/log/apache2/access.log ;;
    esac
}
server_path() {
    case $1 in
        static) echo /hello.txt ;;
        *) echo /myapp ;;
    esac
}

# Every server answers what it should, from the process it should, before any number.
for platform in "${platform_list[@]}"; do
    for server in collection seed static; do
        c=$(server_container "$platform" $server)
        answer=$(docker exec "$c" curl -sS -D - -H "$host_header" "http://127.0.0.1$(server_path $server)") ||
            die "$c: $(server_path $server) does not answer"
        if ! grep -q '^HTTP/1.1 200' <<<"$answer" || ! grep -qi '^Content-Type: text/plain' <<<"$answer" ||
            [ "$(tail -n1 <<<"$answer")" != "Hello World!" ]; then
            die "$c: $(server_path $server) answers: $answer"
        fi
    done
    # Daemon mode on both: the group's socket exists, and the walkthrough's site is the
    # walkthrough's VirtualHost.
    for server in collection seed; do
        c=$(server_container "$platform" $server)
        docker exec "$c" sh -c 'ls /var/run/apache2/wsgi.*.sock' >/dev/null 2>&1 ||
            die "$c: no mod_wsgi daemon socket in /var/run/apache2"
    done
    docker exec "$(server_container "$platform" seed)" grep -q 'processes=2 threads=15' /etc/apache2/sites-enabled/mydomain.conf ||
        die "seed on $platform: not the walkthrough's VirtualHost"
    {
        echo "apache=$(docker exec "bench-tp-$platform-collection" dpkg-query -W -f '${Version}' apache2)"
        echo "mod_wsgi=$(docker exec "bench-tp-$platform-collection" dpkg-query -W -f '${Version}' libapache2-mod-wsgi-py3)"
        echo "mpm_collection=$(docker exec "bench-tp-$platform-collection" apache2ctl -V 2>/dev/null | awk '/Server MPM/ {print $3}')"
        echo "mpm_seed=$(docker exec "bench-tp-$platform-seed" apache2ctl -V 2>/dev/null | awk '/Server MPM/ {print $3}')"
        echo "cpus=$(docker exec "bench-tp-$platform-collection" nproc)"
    } >"$work/platform-$platform.txt"
    docker exec "bench-tp-$platform-collection" sh -c 'cat /etc/apache2/sites-enabled/mydomain.conf; cat /etc/apache2/conf-enabled/*.conf' \
        >"$work/config-$platform-collection.txt"
    log "$platform: every server answers Hello World! ($(paste -sd' ' "$work/platform-$platform.txt"))"
done

# --- measuring -----------------------------------------------------------------------
# run_ab PLATFORM SERVER KA CONCURRENCY SECONDS OUT [warmup]: one ab run. OUT gets ab's report, its
# percentile table (-e, fractional milliseconds), the status codes Apache logged for the
# run, and the CPU time it cost: the container's cgroup (read on the host) minus ab's own.
run_ab() {
    local platform=$1 server=$2 ka=$3 conc=$4 secs=$5 out=$6 c id cpu_before cpu_after flags=(-q -r -s 10)
    c=$(server_container "$platform" "$server")
    id=$(docker inspect -f '{{.Id}}' "$c")
    [ "$ka" = true ] && flags+=(-k)
    echo "META platform=$platform server=$server keepalive=$ka concurrency=$conc seconds=$secs" >"$out"
    cpu_before=$(cat "/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage")
    # -t before -n: otherwise -t resets N to 50000. N only bounds the run.
    # shellcheck disable=SC2016 # expanded by the container's bash
    timeout "$run_timeout" docker exec -e "AB_LOG=$(server_log "$server")" "$c" bash -c '
        log=$AB_LOG offset=$(stat -c %s $log)
        ab "$@" >/tmp/bench-ab.out 2>&1; rc=$?
        cat /tmp/bench-ab.out
        times >/tmp/bench-ab.times; echo "AB_CPU $(tail -n1 /tmp/bench-ab.times)"
        echo "STATUSES $(tail -c +$((offset + 1)) $log | awk "{print \$9}" | sort | uniq -c | tr -s " \n" " ")"
        echo "PERCENTILES"; cat /tmp/bench-ab.csv; exit $rc' \
        bash "${flags[@]}" -c "$conc" -t "$secs" -n 5000000 -e /tmp/bench-ab.csv -H "$host_header" \
        "http://127.0.0.1$(server_path "$server")" >>"$out" 2>&1 ||
        { tail -20 "$out" >&2; die "ab failed: $out"; }
    cpu_after=$(cat "/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage")
    echo "CGROUP_CPU_NS $((cpu_after - cpu_before))" >>"$out"
    # A warm-up may meet daemon processes still starting: its numbers are not used.
    [ "${7:-}" != warmup ] || return 0
    # An error answer makes the number meaningless; Apache's log shows what was served.
    # With keep-alive, ab counts a connection the server closes (MaxKeepAliveRequests, or
    # the event MPM closing idle ones when busy) as a "Length" failure or, when the next
    # request meets the closed socket, an "Exception": its own, not failed requests.
    local ab_errors='^Non-2xx|\((Connect|Receive): [1-9]|Length: [1-9]|Exceptions: [1-9]'
    [ "$ka" = false ] || ab_errors='^Non-2xx'
    if grep -qE "$ab_errors" "$out" || ! grep -qE '^STATUSES *[0-9]+ 200 *$' "$out"; then
        grep -E '^(Complete|Failed|Non-2xx|   \(|STATUSES)' "$out" >&2
        die "$platform $server: requests failed during the benchmark ($out)"
    fi
}

log "warming up every server (${seconds}s of ab -k -c 64 and ${seconds}s without keep-alive each)"
for platform in "${platform_list[@]}"; do
    for server in collection seed static; do
        run_ab "$platform" $server true 64 "$seconds" "$work/warmup-$platform-$server-k.txt" warmup
        run_ab "$platform" $server false 64 "$seconds" "$work/warmup-$platform-$server-nk.txt" warmup
    done
done

# Groups of cells measured one after the other: the three servers of one platform,
# keep-alive and concurrency are adjacent, so their ratio compares neighbouring moments.
groups=()
for ka in true false; do
    for conc in 16 64; do
        for platform in "${platform_list[@]}"; do
            groups+=("$platform:$ka:$conc")
        done
    done
done
servers=(collection seed static)
for round in $(seq "$rounds"); do
    shift_groups=$(((round - 1) * ${#groups[@]} / rounds))
    for g in $(seq 0 $((${#groups[@]} - 1))); do
        IFS=: read -r platform ka conc <<<"${groups[(g + shift_groups) % ${#groups[@]}]}"
        line=
        for s in 0 1 2; do
            server=${servers[(s + round - 1) % 3]}
            out=$work/run-$round-$platform-$server-$ka-$conc.txt
            run_ab "$platform" "$server" "$ka" "$conc" "$seconds" "$out"
            line+=" $server=$(awk '/^Requests per second/ {print int($4)}' "$out")"
        done
        log "round $round/$rounds $platform keepalive=$ka c=$conc:$line"
    done
done

# --- idle memory -----------------------------------------------------------------------
log "${idle_seconds}s without requests, then the RSS of /myapp's daemon processes"
sleep "$idle_seconds"
for platform in "${platform_list[@]}"; do
    for server in collection seed; do
        c=$(server_container "$platform" $server)
        out=$work/idle-rss-$platform-$server.txt
        echo "META platform=$platform server=$server idle_seconds=$idle_seconds" >"$out"
        python3 "$BENCH_DIR/daemon_rss.py" "$c" >>"$out" ||
            die "$c: listing the mod_wsgi daemon processes failed"
        # mod_wsgi's default is processes=1; each site here has one WSGIDaemonProcess.
        expected=$(docker exec "$c" sh -c 'cat /etc/apache2/sites-enabled/*.conf /etc/apache2/conf-enabled/*.conf |
            grep -oE "(^|[[:space:]])processes=[0-9]+" | head -n1 | cut -d= -f2')
        found=$(($(wc -l <"$out") - 1))
        [ "$found" = "${expected:-1}" ] ||
            { cat "$out" >&2; die "$c: $found daemon processes of /myapp, expected ${expected:-1} ($out)"; }
        if [ $server = collection ] &&
            awk 'NR > 1 && !($3 == "myproject" && $4 == "(wsgi:myproject)") {bad = 1} END {exit !bad}' "$out"; then
            cat "$out" >&2
            die "$c: a daemon process that is not (wsgi:myproject) run by myproject ($out)"
        fi
        log "$platform $server: $found daemon processes, RSS $(awk 'NR > 1 {kib += $2} END {print kib}' "$out") KiB"
    done
done

elapsed=$(($(date +%s) - started))
python3 "$BENCH_DIR/report.py" throughput "$work" "$results_json" --rounds "$rounds"
log "written $results_json ($rounds rounds of ${seconds}s per cell, ${elapsed}s in all; raw output: $work)"
