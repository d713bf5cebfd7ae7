#!/usr/bin/env bash
# Usage: bash bench/backends.sh   (from the repository root; needs root and Docker, like
#        `make hello`; `BENCH_ONLY=backends make bench` runs it through bench/run.sh)
#
# wsgi_app_backend apache (the default: the daemon processes in the front Apache) against
# wsgi_app_backend instance (an Apache of the application's own on a loopback port, blue
# and green, behind the front), measured in one run on Ubuntu 18.04 (no init) and Debian 12
# (systemd as PID 1). Per platform two fresh containers get the same application, "hello",
# with ansible-playbook from this checkout (the apache role, then wsgi_app):
#
#   bench-backends-<platform>-default   wsgi_app_backend apache
#   bench-backends-<platform>-instance  wsgi_app_backend instance, ports 8101 and 8102, and
#                                       apache_mod_wsgi_enabled false (the front loads no
#                                       mod_wsgi) where the apache role has that variable
#
# The application is released from a directory (wsgi_app_source type directory): Hello
# World that appends its VERSION, the same length in every release, in a venv of its own
# (/srv/hello/venv-a), two daemon processes.
#
# 1. Failed requests per change. While ab runs without keep-alive in every container against
#    its own 127.0.0.1 (started before the change, stopped with SIGINT after it), the change
#    is made on all containers at once, one kind after the other, each change building on
#    the ones before:
#      front_reload  BENCH_RELOADS (5) x `systemctl reload apache2` / `apache2ctl graceful`,
#                    1 s apart
#      log_rotation  logrotate -f /etc/logrotate.d/apache2
#      daemon_option wsgi_app_processes 2 -> 3 (ansible-playbook)
#      python_home   wsgi_app_python_home /srv/hello/venv-b, created by the role
#      release       the source directory of v2 (only VERSION differs)
#      rollback      playbooks/rollback.yml (back to v1)
#      mod_wsgi      apache_mod_wsgi_source pip for /usr/bin/python3 (the newest release for
#                    that Python: 4.9.4 on 18.04's 3.6, 6.1.1 on Debian 12), the source
#                    distribution downloaded once by the controller into .cache/sdists
#    A failed request is a non-2xx answer or one that did not complete, counted once as
#    bench/reloads_report.py counts it. ab gives up (without a report) after ten refused
#    connections, which is what a front that stops and starts answers: the load then runs
#    as a chain of BENCH_SEGMENT-second ab runs, restarted when one gives up; the seconds
#    of the runs that gave up are reported as "refused" time beside the count.
# 2. Throughput and p99 latency: `ab -k -c 16 -n BENCH_TP_REQUESTS` on each container in
#    turn, BENCH_ROUNDS rounds, the order alternating; the containers of a platform pinned
#    to a CPU each, swapped every round (docker --cpuset-cpus), ab on the same CPU.
# 3. CPU per request: utime+stime (+ the reaped children's) from /proc/<pid>/stat of every
#    apache2 process in the container (front, instance parent and workers, daemons) across
#    each throughput run, divided by its requests.
# 4. RSS (and PSS) of the idle application after a warm-up and BENCH_IDLE seconds: its own
#    processes (default: the (wsgi:hello) daemons; instance: the instance's parent, workers
#    and daemons), and the front's parent and children.
#
# Measures 2 to 4 come first (before any change, same mod_wsgi on both sides). Only one
# container is under load during them; during the changes all are. bench/backends_report.py
# writes bench/results/backends.json and prints the table. Raw ab output, error logs and
# ansible-playbook logs stay under .cache/bench/backends-<timestamp>/. The containers are
# removed at the end.
#
# Environment (all optional): BENCH_ROUNDS=3 BENCH_TP_REQUESTS=20000 BENCH_WARMUP=5000
#   BENCH_IDLE=10 BENCH_RELOADS=5 BENCH_CHANGE_PASSES=1 BENCH_CLIENTS=4 BENCH_SEGMENT=10
#   BENCH_PLATFORMS="ubuntu1804 debian12"
#   BENCH_CHANGES="front_reload log_rotation daemon_option python_home release rollback mod_wsgi"
#   BENCH_KEEP=1 keeps the containers
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

rounds=${BENCH_ROUNDS:-3}
tp_requests=${BENCH_TP_REQUESTS:-20000}
warmup=${BENCH_WARMUP:-5000}
idle=${BENCH_IDLE:-10}
reloads=${BENCH_RELOADS:-5}
passes=${BENCH_CHANGE_PASSES:-1}
clients=${BENCH_CLIENTS:-4}
segment=${BENCH_SEGMENT:-10}
platforms=${BENCH_PLATFORMS:-ubuntu1804 debian12}
changes=${BENCH_CHANGES:-front_reload log_rotation daemon_option python_home release rollback mod_wsgi}
backends=(default instance)
read -r -a platform_list <<<"$platforms"
read -r -a change_list <<<"$changes"

results_json=$REPO_ROOT/bench/results/backends.json
work=$CACHE_DIR/bench/backends-$(date +%Y%m%d-%H%M%S)
mkdir -p "$work" "$(dirname "$results_json")"
started=$(date +%s)

host_header="Host: hello.test"
url=http://127.0.0.1/

# Where the apache role has it, the instance side's front loads no mod_wsgi, so a new
# mod_wsgi restarts no front; without it the mod_wsgi change restarts the instance's front
# too, and the report says so.
front_without_mod_wsgi=false
if grep -q '^ *apache_mod_wsgi_enabled:' "$REPO_ROOT/roles/apache/meta/argument_specs.yml"; then
    front_without_mod_wsgi=true
fi

# --- the driver, installed in each container -------------------------------------------
# bench-backends snap                   every process: /proc stat fields, RSS, PSS (JSON)
# bench-backends tp N                   ab -k -c 16 -n N between two snapshots
# bench-backends load-start CLIENTS SEG the load of a change: chained ab runs without
#                                       keep-alive, in the background
# bench-backends load-stop              SIGINT to ab, then every run's report, the statuses
#                                       the front logged and the error log lines meanwhile
driver() {
    cat <<'EOF'
#!/bin/bash
set -u
url=http://127.0.0.1/
host="Host: hello.test"
access=/var/log/apache2/hello-access.log
logs="/var/log/apache2/error.log /var/log/apache2/hello-error.log"
state=/tmp/bench-backends
mkdir -p $state
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
snap() {
    python3 - <<'PY'
import glob, json, os
procs = []
for d in glob.glob("/proc/[0-9]*"):
    try:
        with open(d + "/stat") as f:
            stat = f.read()
        with open(d + "/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        rss = pss = 0
        with open(d + "/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        try:
            with open(d + "/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss = int(line.split()[1])
        except OSError:
            pss = None
    except OSError:
        continue
    comm = stat[stat.index("(") + 1:stat.rindex(")")]
    rest = stat[stat.rindex(")") + 2:].split()
    # rest[0] is field 3 (state): ppid 4, utime 14, stime 15, cutime 16, cstime 17, starttime 22
    procs.append({"pid": int(d[6:]), "comm": comm, "state": rest[0], "ppid": int(rest[1]),
                  "ticks": int(rest[11]) + int(rest[12]), "child_ticks": int(rest[13]) + int(rest[14]),
                  "start": int(rest[19]), "rss_kb": rss, "pss_kb": pss, "cmd": cmd})
pidfiles = {}
for path in ["/run/apache2/apache2.pid"] + glob.glob("/run/modwsgi-backends/*/httpd.pid"):
    try:
        with open(path) as f:
            pidfiles[path] = int(f.read().strip())
    except (OSError, ValueError):
        pass
print(json.dumps({"clk_tck": os.sysconf("SC_CLK_TCK"), "pidfiles": pidfiles, "procs": procs}))
PY
}
offsets() { for f in $logs $access; do echo "$f $(stat -c %s "$f" 2>/dev/null || echo 0)"; done; }
since() { # FILE OFFSET: what FILE got after OFFSET (all of it when it was emptied meanwhile)
    local size; size=$(stat -c %s "$1" 2>/dev/null || echo 0)
    if [ "$size" -ge "$2" ]; then tail -c +$(($2 + 1)) "$1"; else echo "ROTATED $1" >&2; cat "$1"; fi
}
wait_serving() {
    for _ in $(seq 150); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' -H "$host" "$url")" = 200 ] && return 0
        sleep 0.2
    done
    return 1
}
case $1 in
    snap) snap ;;
    tp)
        wait_serving || { echo "NOT SERVING"; exit 1; }
        offset=$(stat -c %s $access)
        echo "SNAP_BEFORE $(snap)"
        ab -q -r -s 10 -k -c 16 -n "$2" -H "$host" "$url" >$state/tp.out 2>&1; rc=$?
        echo "SNAP_AFTER $(snap)"
        cat $state/tp.out
        sleep 0.5
        echo "STATUSES $(since $access "$offset" | awk '{print $9}' | sort | uniq -c | tr -s ' \n' ' ')"
        exit $rc ;;
    load-start)
        wait_serving || { echo "NOT SERVING"; exit 1; }
        rm -f $state/stop $state/load.out $state/loop.done
        offsets >$state/offsets
        setsid "$0" load-loop "$2" "$3" </dev/null >/dev/null 2>&1 &
        for _ in $(seq 50); do [ -s $state/ab.pid ] && exit 0; sleep 0.1; done
        echo "ab did not start"; exit 1 ;;
    load-loop)
        rm -f $state/ab.pid
        # -t before -n, or -t resets N to 50000. ab gives up after ten refused connections
        # (without a report): the next run starts 0.2 s later.
        while [ ! -e $state/stop ]; do
            echo "SEGMENT_BEGIN $(now_ms)"
            ab -r -s 10 -c "$2" -H "$host" -t "$3" -n 2000000 "$url" >$state/seg.out 2>&1 &
            echo $! >$state/ab.pid
            wait $!
            rc=$?
            cat $state/seg.out
            echo "SEGMENT_END $(now_ms) $rc"
            grep -q '^Complete requests:' $state/seg.out || sleep 0.2
        done >>$state/load.out
        touch $state/loop.done ;;
    load-stop)
        touch $state/stop
        signalled=
        for _ in $(seq 300); do
            [ -e $state/loop.done ] && break
            pid=$(cat $state/ab.pid)
            # Once per ab run: a second SIGINT would interrupt its report.
            [ "$pid" = "$signalled" ] || { kill -INT "$pid" 2>/dev/null; signalled=$pid; }
            sleep 0.2
        done
        [ -e $state/loop.done ] || echo "LOOP DID NOT END"
        cat $state/load.out
        sleep 0.5 # the access log is written after the answer is sent
        while read -r f offset; do
            if [ "$f" = $access ]; then
                echo "STATUSES $(since $f "$offset" | awk '{print $9}' | sort | uniq -c | tr -s ' \n' ' ')"
            else
                echo "ERRLOG_BEGIN $f"; since "$f" "$offset"; echo "ERRLOG_END"
            fi
        done <$state/offsets ;;
esac
EOF
}

# The application's release: Hello World and its VERSION, the same length in every release.
write_source() {
    mkdir -p "$work/src-$1"
    echo "$1" >"$work/src-$1/VERSION"
    cat >"$work/src-$1/hello.wsgi" <<'EOF'
import os

RELEASE = os.path.dirname(os.path.realpath(__file__))
with open(os.path.join(RELEASE, "VERSION"), "rb") as handle:
    VERSION = handle.read().strip()


def application(environ, start_response):
    body = b"Hello World! " + VERSION
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
EOF
}

# --- containers ------------------------------------------------------------------------
bench_clean_up_on_exit

"$TESTBED_DIR/docker-engine.sh"
bin=$("$TESTBED_DIR/venv.sh")
collections=$(checkout_collections_path)
ncpu=$(nproc)

write_source v1
write_source v2
cat >"$work/playbook.yml" <<'EOF'
- name: Apache, and hello in the backend the host's wsgi_app_backend names
  hosts: webservers
  become: true
  gather_subset: ["!all", "!min", distribution]
  roles:
    - role: modwsgi.deploy.apache
    - role: modwsgi.deploy.wsgi_app
EOF
# The first deploy applies the apache role on its own, then the application, the same way
# for both backends.
sed '/modwsgi.deploy.wsgi_app/d' "$work/playbook.yml" >"$work/playbook-apache.yml"

# Every change is cumulative: vars-<n>.yml holds the application's variables after change n.
inventory=$work/inventory.yml
{
    cat <<EOF
webservers:
  vars:
    ansible_connection: community.docker.docker
    wsgi_app_name: hello
    wsgi_app_site: hello
    wsgi_app_server_name: hello.test
    wsgi_app_server_aliases: []
    wsgi_app_mount: /
    wsgi_app_document_root: /var/www/hello
    wsgi_app_script_name: hello.wsgi
    wsgi_app_python_path: []
    wsgi_app_health_check_body: Hello World! v
  hosts:
EOF
    for platform in "${platform_list[@]}"; do
        for backend in "${backends[@]}"; do
            echo "    bench-backends-$platform-$backend:"
            if [ "$backend" = instance ]; then
                echo "      wsgi_app_backend: instance"
                echo "      wsgi_app_backend_ports: [8101, 8102]"
                [ "$front_without_mod_wsgi" = false ] || echo "      apache_mod_wsgi_enabled: false"
            fi
        done
    done
} >"$inventory"

app_vars() { # SOURCE PROCESSES PYTHON_HOME [pip]
    cat <<EOF
wsgi_app_source: {type: directory, path: "$work/src-$1"}
wsgi_app_processes: $2
wsgi_app_python_home: $3
wsgi_app_python_home_create: true
EOF
    [ "${4:-}" != pip ] || cat <<EOF
apache_mod_wsgi_source: pip
apache_mod_wsgi_python: /usr/bin/python3
apache_mod_wsgi_download: controller
apache_mod_wsgi_download_dir: "$CACHE_DIR/sdists"
EOF
}

# playbook LOG ARGS...: ansible-playbook with this checkout's collection; its rc.
playbook() {
    local log=$1 rc=0
    shift
    PATH=$bin:$PATH ANSIBLE_COLLECTIONS_PATH=$collections ANSIBLE_CONFIG=$REPO_ROOT/ansible.cfg \
        ansible-playbook -i "$inventory" "$@" >"$log" 2>&1 || rc=$?
    return "$rc"
}

# both_playbooks LOG_PREFIX ARGS...: the same playbook for the default and the instance hosts,
# as two ansible-playbook runs at once, one per backend, so that neither waits for the other's
# tasks while its ab runs. Writes PREFIX-<backend>.rc.
both_playbooks() {
    local prefix=$1 backend pids=() rc=0 i
    shift
    for backend in "${backends[@]}"; do
        { if playbook "$prefix-$backend.log" --limit "bench-backends-*-$backend" "$@"; then echo 0; else echo $?; fi \
            >"$prefix-$backend.rc"; } &
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i"; done
    for backend in "${backends[@]}"; do [ "$(cat "$prefix-$backend.rc")" = 0 ] || rc=1; done
    return "$rc"
}

all_containers=()
for platform in "${platform_list[@]}"; do
    for backend in "${backends[@]}"; do
        c=bench-backends-$platform-$backend
        containers+=("$c")
        all_containers+=("$c")
        # Without keep-alive every request is a new connection from one client address.
        bench_start_container "$c" "$platform" \
            --sysctl net.ipv4.ip_local_port_range="1024 65000" --sysctl net.ipv4.tcp_tw_reuse=1
    done
done
log "started ${all_containers[*]}"

app_vars v1 2 /srv/hello/venv-a >"$work/vars-deploy.yml"
log "deploying hello (v1, 2 processes, venv-a) to every container"
deploy_started=$(date +%s)
playbook "$work/deploy-apache.log" "$work/playbook-apache.yml" -e "@$work/vars-deploy.yml" ||
    { tail -40 "$work/deploy-apache.log" >&2; die "deploying the apache role failed (log: $work/deploy-apache.log)"; }
both_playbooks "$work/deploy" "$work/playbook.yml" -e "@$work/vars-deploy.yml" ||
    { tail -40 "$work"/deploy-*.log >&2; die "deploying failed (logs: $work/deploy-*.log)"; }
log "deployed in $(($(date +%s) - deploy_started))s"

for c in "${all_containers[@]}"; do
    driver | docker exec -i "$c" sh -c 'cat >/usr/local/bin/bench-backends && chmod 755 /usr/local/bin/bench-backends'
    docker exec "$c" sh -c 'command -v ab >/dev/null' || bench_apt_install "$c" apache2-utils
    answer=$(docker exec "$c" curl -sS -H "$host_header" "$url") || die "$c: / does not answer"
    [ "$answer" = "Hello World! v1" ] || die "$c: / answers: $answer"
    case $c in
        *-instance) docker exec "$c" sh -c 'ls /etc/modwsgi-backends/hello-blue.conf' >/dev/null 2>&1 ||
            die "$c: no backend instance" ;;
        *) ! docker exec "$c" test -e /etc/modwsgi-backends/hello-blue.conf || die "$c: a backend instance" ;;
    esac
    {
        echo "container=$c"
        echo "mod_wsgi=$(docker exec "$c" grep -ho 'mod_wsgi/[0-9.]*' /var/log/apache2/error.log | tail -n1 | cut -d/ -f2)"
        echo "apache=$(docker exec "$c" dpkg-query -W -f '${Version}' apache2)"
        echo "python=$(docker exec "$c" python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
        echo "front_loads_mod_wsgi=$(docker exec "$c" sh -c 'test -e /etc/apache2/mods-enabled/wsgi.load && echo yes || echo no')"
        echo "init=$(docker exec "$c" sh -c 'test -d /run/systemd/system && echo systemd || echo none')"
    } >"$work/info-$c.txt"
    log "$c: answers Hello World! v1 ($(paste -sd' ' "$work/info-$c.txt" | cut -c1-150))"
done

# pin ROUND: on each platform default on CPU (round - 1) mod 2, instance on the other.
pin() {
    local platform i
    [ "$ncpu" -ge 2 ] || return 0
    for platform in "${platform_list[@]}"; do
        for i in 0 1; do
            docker update --cpuset-cpus "$(((i + $1 - 1) % 2))" "bench-backends-$platform-${backends[i]}" >/dev/null ||
                die "docker update --cpuset-cpus failed"
        done
    done
}
cpus_of() { docker inspect -f '{{.HostConfig.CpusetCpus}}' "$1" | sed 's/^$/all/'; }

# --- throughput, latency, CPU, memory ------------------------------------------------------
tp_run() { # NAME CONTAINER REQUESTS
    local out=$work/$1.txt
    echo "META cpus=$(cpus_of "$2")" >"$out"
    timeout 600 docker exec "$2" bench-backends tp "$3" >>"$out" 2>&1 || { tail -20 "$out" >&2; die "ab failed: $out"; }
    if grep -q '^Non-2xx' "$out" || ! grep -qE '^STATUSES *[0-9]+ 200 *$' "$out"; then
        grep -E '^(Complete|Failed|Non-2xx|STATUSES)' "$out" >&2
        die "$2: requests failed during the throughput run ($out)"
    fi
}

pin 1
for platform in "${platform_list[@]}"; do
    for backend in "${backends[@]}"; do
        tp_run "warmup-$platform-$backend" "bench-backends-$platform-$backend" "$warmup"
    done
done
log "warmed up (ab -k -c 16 -n $warmup each); idle for ${idle}s"
sleep "$idle"
for c in "${all_containers[@]}"; do
    docker exec "$c" bench-backends snap >"$work/idle-${c#bench-backends-}.json"
done

for round in $(seq "$rounds"); do
    pin "$round"
    for platform in "${platform_list[@]}"; do
        order=("${backends[@]}")
        [ $((round % 2)) = 1 ] || order=("${backends[1]}" "${backends[0]}")
        for backend in "${order[@]}"; do
            tp_run "tp-$round-$platform-$backend" "bench-backends-$platform-$backend" "$tp_requests"
            log "round $round/$rounds $platform $backend: $(awk '/^Requests per second/ {print $4}' "$work/tp-$round-$platform-$backend.txt") req/s"
            sleep 1
        done
    done
done

# --- changes under load --------------------------------------------------------------------
# change PASS KIND: the load on every container, the change on all of them, the reports.
processes=2 home=/srv/hello/venv-a source=v1 pip=
change() {
    local pass=$1 kind=$2 c rc=0 t0 tag backend
    tag=change-$pass-$kind
    case $kind in
        daemon_option) processes=$((processes == 2 ? 3 : 2)) ;;
        python_home) home=$([ "$home" = /srv/hello/venv-a ] && echo /srv/hello/venv-b || echo /srv/hello/venv-a) ;;
        release) source=$([ "$source" = v1 ] && echo v2 || echo v1) ;;
        rollback) source=$([ "$source" = v1 ] && echo v2 || echo v1) ;;
        mod_wsgi) pip=pip ;;
    esac
    app_vars "$source" "$processes" "$home" "$pip" >"$work/vars-$tag.yml"
    for c in "${all_containers[@]}"; do
        docker exec "$c" bench-backends load-start "$clients" "$segment" >"$work/$tag-start-${c#bench-backends-}.txt" 2>&1 ||
            die "$c: the load did not start ($(cat "$work/$tag-start-${c#bench-backends-}.txt"))"
    done
    sleep 2
    t0=$(date +%s%N)
    case $kind in
        front_reload | log_rotation)
            local pids=() pid
            for c in "${all_containers[@]}"; do
                # shellcheck disable=SC2016 # expanded by the container's shell
                if [ "$kind" = log_rotation ]; then
                    docker exec "$c" logrotate -f /etc/logrotate.d/apache2 &
                else
                    docker exec "$c" sh -c 'if [ -d /run/systemd/system ]; then r="systemctl reload apache2"; else r="apache2ctl graceful"; fi
                        for i in $(seq "$1"); do [ "$i" = 1 ] || sleep 1; $r; done' sh "$reloads" &
                fi
                pids+=($!)
            done
            for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
            ;;
        rollback) both_playbooks "$work/$tag" "$REPO_ROOT/playbooks/rollback.yml" -e "@$work/vars-$tag.yml" || rc=$? ;;
        *) both_playbooks "$work/$tag" "$work/playbook.yml" -e "@$work/vars-$tag.yml" || rc=$? ;;
    esac
    for backend in "${backends[@]}"; do [ -f "$work/$tag-$backend.rc" ] || echo "$rc" >"$work/$tag-$backend.rc"; done
    local took=$((($(date +%s%N) - t0) / 1000000))
    sleep 2
    for c in "${all_containers[@]}"; do
        out=$work/$tag-${c#bench-backends-}.txt
        {
            echo "META kind=$kind pass=$pass change_rc=$(cat "$work/$tag-${c##*-}.rc") change_ms=$took"
            echo "ANSWER $(docker exec "$c" curl -sS -H "$host_header" "$url" 2>&1)"
            docker exec "$c" sh -c 'grep -h "^# mod_wsgi:" /etc/modwsgi-backends/*.conf 2>/dev/null; ps -eo args | grep -c "^(wsgi:hello)" | sed "s/^/DAEMONS /"'
            timeout 120 docker exec "$c" bench-backends load-stop
        } >"$out" 2>&1
    done
    [ "$rc" = 0 ] || log "WARNING $kind: the change failed on some container (rc $rc; logs $work/$tag-*.log)"
    # ab's raw "Failed requests" (an error page counts as Length too) and the runs that gave up.
    log "pass $pass $kind ($((took / 1000))s): $(for c in "${all_containers[@]}"; do
        out=$work/$tag-${c#bench-backends-}.txt
        printf '%s failed %s gave-up %s; ' "${c#bench-backends-}" \
            "$(awk '/^Failed requests/ {s += $3} END {print s + 0}' "$out")" \
            "$(grep -c '^Test aborted' "$out" || true)"; done)"
}

for pass in $(seq "$passes"); do
    for kind in "${change_list[@]}"; do
        # A second pass builds mod_wsgi again only by going back to the package: left out.
        [ "$kind" != mod_wsgi ] || [ "$pass" = "$passes" ] || continue
        change "$pass" "$kind"
    done
done

elapsed=$(($(date +%s) - started))
python3 "$BENCH_DIR/backends_report.py" "$work" "$results_json" --rounds "$rounds" --passes "$passes" \
    --platforms "$platforms" --changes "$changes" --reloads "$reloads" --clients "$clients" \
    --tp-requests "$tp_requests" --idle "$idle" --front-without-mod-wsgi "$front_without_mod_wsgi" \
    --elapsed "$elapsed" --load "$(cut -d' ' -f1-3 /proc/loadavg)"
log "written $results_json (${elapsed}s in all; raw output: $work)"
