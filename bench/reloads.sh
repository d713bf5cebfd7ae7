#!/usr/bin/env bash
# Usage: bash bench/reloads.sh   (from the repository root; needs root and Docker, like
#        `make hello`; `BENCH_ONLY=reloads make bench` runs it through bench/run.sh)
#
# The distribution's mod_wsgi against the newest one built from PyPI, on Debian 12, in one
# run: failed requests per reload while Apache reloads under load, and the throughput of
# Hello World. It starts two fresh Debian 12 containers (systemd as PID 1) and deploys
# playbooks/site.yml (Hello World at /myapp, daemon mode) into both with one
# ansible-playbook run:
#
#   bench-reload-package  every default: libapache2-mod-wsgi-py3 (4.9.4)
#   bench-reload-pip      apache_mod_wsgi_source=pip, BENCH_PIP_VERSION (6.1.1) for the
#                         system python3, the source distribution downloaded once by the
#                         controller into .cache/sdists (the container needs no package index
#                         and no CA for it)
#
# Each container is pinned to a CPU of its own (docker --cpuset-cpus), and the two swap
# CPUs every round, so that neither build always gets the CPU that other work on the host
# happens to load more. ApacheBench runs inside each container against its own 127.0.0.1,
# on the container's CPU, so ab and Apache share one CPU in both. Only one container is
# under load at a time. Every round measures, on each build (the order of the builds
# alternating between rounds):
#
#   config      `ab -c 8` without keep-alive for BENCH_SECONDS while `systemctl reload
#               apache2` runs BENCH_RELOADS times, 1 s apart (the apache role's handler)
#   touch       the same with a code reload: `touch` the WSGI script, which restarts the
#               daemon group on its next request
#   throughput  `ab -k -n 30000 -c 16` on /myapp, no reload: requests/s
#
# Without keep-alive, because with it ab also counts a connection the server closed between
# two requests (a race every real client retries) as a failed request. A failed request is a
# non-2xx answer or one that did not complete, counted once (bench/reloads_report.py says
# how), and cross-checked with the statuses Apache logged for the run.
#
# bench/reloads_report.py writes bench/results/reloads.json and prints the table: per build
# min / median / max over the rounds, and pip/package. Raw ab output and the error logs of
# every run stay under .cache/bench/. The containers are removed at the end.
#
# Environment (all optional): BENCH_ROUNDS=3 BENCH_SECONDS=8 BENCH_RELOADS=5
#   BENCH_PIP_VERSION=6.1.1 BENCH_TP_REQUESTS=30000; BENCH_KEEP=1 keeps the containers
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

rounds=${BENCH_ROUNDS:-3}
seconds=${BENCH_SECONDS:-8}
reloads=${BENCH_RELOADS:-5}
pip_version=${BENCH_PIP_VERSION:-6.1.1}
tp_requests=${BENCH_TP_REQUESTS:-30000}
interval_ms=1000                                               # between two reloads
lead_ms=1000                                                   # load before the first reload
tail_ms=$((seconds * 1000 - lead_ms - (reloads - 1) * interval_ms)) # load after the last one
[ "$tail_ms" -ge 1000 ] || die "BENCH_SECONDS=$seconds leaves no second after $reloads reloads"
run_timeout=$((seconds * 3 + 60)) # hard limit around each `docker exec`
builds=(package pip)

results_json=$REPO_ROOT/bench/results/reloads.json
work=$CACHE_DIR/bench/reloads-$(date +%Y%m%d-%H%M%S)
mkdir -p "$work" "$(dirname "$results_json")"
started=$(date +%s)

# The site's ServerName: Debian's 000-default would answer a request by IP address.
host_header="Host: mydomain"
script=/srv/myproject/code/myapp.wsgi # wsgi_app_script_dir/wsgi_app_script_name, the defaults

# --- the run driver, installed in each container --------------------------------------
# bench-reload-run KIND AB_N RELOADS INTERVAL_MS LEAD_MS TAIL_MS: ab in the background, the
# reloads in the foreground, then ab's report, the statuses Apache logged and the error log
# lines written meanwhile (error.log: the parent's reload lines; mydomain-error.log: the
# lines of the requests mod_wsgi failed).
driver() {
    cat <<'EOF'
#!/bin/bash
set -u
kind=$1 n=$2 reloads=$3 interval=$4 lead=$5 tail=$6
url=http://127.0.0.1/myapp
host="Host: mydomain"
logs="/var/log/apache2/error.log /var/log/apache2/mydomain-error.log"
access=/var/log/apache2/mydomain-access.log
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
sleep_until() {
    local left=$(( start + $1 - $(now_ms) ))
    [ "$left" -le 0 ] || sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
}
# A reload of the run before may still be restarting daemons: start from a serving state.
for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "$host" "$url")" = 200 ] && break
    sleep 0.2
done
declare -A offsets
for f in $logs $access; do offsets[$f]=$(stat -c %s "$f"); done
start=$(now_ms)
# -t before -n, or -t resets N to 50000; -t and -n only bound the run: the SIGINT below
# ends it, and ab reports what it has done.
ab -r -s 10 -c 8 -H "$host" -t $(( (lead + (reloads - 1) * interval + tail) / 1000 * 3 )) -n "$n" "$url" \
    >/tmp/bench-ab.out 2>&1 &
ab_pid=$!
done_reloads=0
for i in $(seq "$reloads"); do
    sleep_until $(( lead + (i - 1) * interval ))
    kill -0 "$ab_pid" 2>/dev/null || break
    case $kind in
        config) systemctl reload apache2 ;;
        touch) touch "$SCRIPT" ;;
    esac
    done_reloads=$((done_reloads + 1))
done
sleep_until $(( lead + (reloads - 1) * interval + tail ))
kill -INT "$ab_pid" 2>/dev/null
wait "$ab_pid"
echo "AB_RC $?"
echo "RELOADS $done_reloads"
echo "ELAPSED_MS $(( $(now_ms) - start ))"
cat /tmp/bench-ab.out
sleep 0.5 # the access log is written after the answer is sent
echo "STATUSES $(tail -c +$((${offsets[$access]} + 1)) "$access" | awk '{print $9}' | sort | uniq -c | tr -s ' \n' ' ')"
for f in $logs; do
    echo "ERRLOG_BEGIN $f"
    tail -c +$((${offsets[$f]} + 1)) "$f"
    echo "ERRLOG_END"
done
EOF
}

# --- containers ----------------------------------------------------------------------
bench_clean_up_on_exit

"$TESTBED_DIR/docker-engine.sh"
bin=$("$TESTBED_DIR/venv.sh")
collections=$(checkout_collections_path)

ncpu=$(nproc)
# pin ROUND: build i of round r on CPU (i + r - 1) mod 2; without 2 CPUs, no pinning.
pin() {
    local i
    [ "$ncpu" -ge 2 ] || return 0
    for i in 0 1; do
        docker update --cpuset-cpus "$(((i + $1 - 1) % 2))" "bench-reload-${builds[i]}" >/dev/null ||
            die "docker update --cpuset-cpus failed for bench-reload-${builds[i]}"
    done
}
cpus_of() { docker inspect -f '{{.HostConfig.CpusetCpus}}' "$1" | sed 's/^$/all/'; }

inventory=$work/inventory.yml
cat >"$inventory" <<EOF
webservers:
  hosts:
    bench-reload-package:
      ansible_connection: community.docker.docker
    bench-reload-pip:
      ansible_connection: community.docker.docker
      apache_mod_wsgi_source: pip
      apache_mod_wsgi_version: "$pip_version"
      apache_mod_wsgi_download: controller
      apache_mod_wsgi_download_dir: "$CACHE_DIR/sdists"
EOF
for i in 0 1; do
    c=bench-reload-${builds[i]}
    containers+=("$c")
    # Without keep-alive every request is a new connection from one client address: a wide
    # port range and reused TIME_WAIT ports keep ab from running out of them.
    args=(--sysctl net.ipv4.ip_local_port_range="1024 65000" --sysctl net.ipv4.tcp_tw_reuse=1)
    [ "$ncpu" -lt 2 ] || args+=(--cpuset-cpus "$i")
    bench_start_container "$c" debian12 "${args[@]}"
done
log "started ${containers[*]}"

log "deploying playbooks/site.yml: package on bench-reload-package, pip ($pip_version) on bench-reload-pip"
deploy_started=$(date +%s)
PATH=$bin:$PATH ANSIBLE_COLLECTIONS_PATH=$collections ANSIBLE_CONFIG=$REPO_ROOT/ansible.cfg \
    ansible-playbook -i "$inventory" "$REPO_ROOT/playbooks/site.yml" >"$work/deploy.log" 2>&1 ||
    { tail -40 "$work/deploy.log" >&2; die "deploying site.yml failed (log: $work/deploy.log)"; }
log "deployed in $(($(date +%s) - deploy_started))s"

for build in "${builds[@]}"; do
    c=bench-reload-$build
    bench_apt_install "$c" apache2-utils
    driver | docker exec -i "$c" sh -c 'cat >/usr/local/bin/bench-reload-run && chmod 755 /usr/local/bin/bench-reload-run'
    answer=$(docker exec "$c" curl -sS -H "$host_header" http://127.0.0.1/myapp) || die "$c: /myapp does not answer"
    [ "$answer" = "Hello World!" ] || die "$c: /myapp answers: $answer"
    docker exec "$c" test -f "$script" || die "$c: no WSGI script at $script"
    docker exec "$c" sh -c 'ls /run/apache2/wsgi.*.sock' >/dev/null 2>&1 || die "$c: no mod_wsgi daemon socket"
    # The mod_wsgi Apache really loaded: the version its start-up line announces.
    loaded=$(docker exec "$c" grep -ho 'mod_wsgi/[0-9.]*' /var/log/apache2/error.log | tail -n1)
    package=$(docker exec "$c" dpkg-query -W -f '${db:Status-Abbrev}${Version}' libapache2-mod-wsgi-py3 2>/dev/null || true)
    case $build in
        package) [[ $package == ii* ]] || die "$c: libapache2-mod-wsgi-py3 not installed ($package)" ;;
        pip)
            [ "$loaded" = "mod_wsgi/$pip_version" ] || die "$c: Apache loaded $loaded, not mod_wsgi/$pip_version"
            [[ $package != ii* ]] || die "$c: libapache2-mod-wsgi-py3 still installed next to the build"
            ;;
    esac
    {
        echo "build=$build"
        echo "mod_wsgi=${loaded#mod_wsgi/}"
        echo "apache=$(docker exec "$c" dpkg-query -W -f '${Version}' apache2)"
        echo "python=$(docker exec "$c" python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
        echo "mpm=$(docker exec "$c" apache2ctl -V 2>/dev/null | awk '/Server MPM/ {print $3}')"
        echo "daemon=$(docker exec "$c" sh -c 'grep -h -A3 WSGIDaemonProcess /etc/apache2/sites-enabled/*.conf' | tr -s ' \\\n' ' ')"
        echo "socket_rotation=$(docker exec "$c" sh -c 'grep -rh WSGISocketRotation /etc/apache2/ || echo unset' | tr -s ' ' | sed 's/^ //' | head -n1)"
    } >"$work/build-$build.txt"
    log "$c: /myapp answers Hello World! ($(paste -sd' ' "$work/build-$build.txt" | cut -c1-160))"
done

# --- measuring -------------------------------------------------------------------------
# reload_run ROUND BUILD KIND: one run of the driver. ab's -n bounds it only (the driver's
# SIGINT ends it): far more than one CPU serves in BENCH_SECONDS, and small enough for ab's
# per-request table.
reload_run() {
    local round=$1 build=$2 kind=$3 c=bench-reload-$2 out
    out=$work/run-$round-$build-$kind.txt
    echo "META round=$round build=$build kind=$kind cpus=$(cpus_of "$c")" >"$out"
    timeout "$run_timeout" docker exec -e "SCRIPT=$script" "$c" \
        bench-reload-run "$kind" 400000 "$reloads" "$interval_ms" "$lead_ms" "$tail_ms" >>"$out" 2>&1 ||
        echo "RUN_RC $?" >>"$out"
    grep -q "^RELOADS $reloads\$" "$out" || { tail -20 "$out" >&2; die "$build $kind: ab ended before the last reload ($out)"; }
    log "round $round/$rounds $build $kind: $(grep -E '^(Complete requests|Failed requests|Non-2xx|STATUSES)' "$out" | tr -s ' ' | paste -sd',' -)"
}

# throughput_run ROUND BUILD [warmup]: ab -k -n BENCH_TP_REQUESTS -c 16, no reload.
throughput_run() {
    local round=$1 build=$2 c=bench-reload-$2 out
    out=$work/tp-$round-$build.txt
    [ "${3:-}" != warmup ] || out=$work/warmup-$build.txt
    echo "META round=$round build=$build kind=throughput cpus=$(cpus_of "$c")" >"$out"
    # shellcheck disable=SC2016 # expanded by the container's bash
    timeout "$run_timeout" docker exec "$c" bash -c '
        log=/var/log/apache2/mydomain-access.log offset=$(stat -c %s $log)
        ab "$@" >/tmp/bench-ab.out 2>&1; rc=$?
        cat /tmp/bench-ab.out; sleep 0.5
        echo "STATUSES $(tail -c +$((offset + 1)) $log | awk "{print \$9}" | sort | uniq -c | tr -s " \n" " ")"
        exit $rc' bash -q -r -s 10 -k -c 16 -n "$tp_requests" -H "$host_header" http://127.0.0.1/myapp >>"$out" 2>&1 ||
        { tail -20 "$out" >&2; die "ab failed: $out"; }
    [ "${3:-}" != warmup ] || return 0
    # With keep-alive ab counts a connection the server closed (MaxKeepAliveRequests) as a
    # Length or Exception failure of its own; only Apache's statuses say what was served.
    if grep -q '^Non-2xx' "$out" || ! grep -qE '^STATUSES *[0-9]+ 200 *$' "$out"; then
        grep -E '^(Complete|Failed|Non-2xx|STATUSES)' "$out" >&2
        die "$build: requests failed during the throughput run ($out)"
    fi
    log "round $round/$rounds $build throughput: $(awk '/^Requests per second/ {print $4}' "$out") req/s"
}

log "warming up both builds (ab -k -n $tp_requests -c 16 each)"
pin 1
for build in "${builds[@]}"; do throughput_run 0 "$build" warmup; done

for round in $(seq "$rounds"); do
    pin "$round"
    log "round $round/$rounds: package on CPU $(cpus_of bench-reload-package), pip on CPU $(cpus_of bench-reload-pip)"
    # The builds alternate which goes first; within a build the three measures rotate.
    order=("${builds[@]}")
    [ $((round % 2)) = 1 ] || order=("${builds[1]}" "${builds[0]}")
    kinds=(config touch throughput)
    for k in 0 1 2; do
        kind=${kinds[(k + round - 1) % 3]}
        for build in "${order[@]}"; do
            if [ "$kind" = throughput ]; then throughput_run "$round" "$build"; else reload_run "$round" "$build" "$kind"; fi
            sleep 1
        done
    done
done

elapsed=$(($(date +%s) - started))
python3 "$BENCH_DIR/reloads_report.py" "$work" "$results_json" --rounds "$rounds" --reloads "$reloads" \
    --seconds "$seconds" --elapsed "$elapsed" --load "$(cut -d' ' -f1-3 /proc/loadavg)"
log "written $results_json ($rounds rounds, ${elapsed}s in all; raw output: $work)"
