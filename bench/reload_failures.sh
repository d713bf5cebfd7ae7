#!/usr/bin/env bash
# Usage: bash bench/reload_failures.sh   (from the repository root; needs root and Docker,
#        like `make hello`)
#
# How many requests fail while Apache reloads under load, and what reduces it.
#
# For Ubuntu 18.04 (no init system, mod_wsgi 4.5.17) and Debian 12 (systemd as PID 1,
# mod_wsgi 4.9.4) it starts a fresh container (modwsgi-bench-*), deploys
# playbooks/site.yml into it with the tool venv, then runs ApacheBench *inside* the
# container against its own 127.0.0.1 while reloading the server:
#
#   config  an Apache configuration reload, the way the apache role's handler does it:
#           `apache2ctl graceful`, or `systemctl reload apache2` where systemd runs
#   touch   a code reload: `touch` the WSGI script (mod_wsgi restarts the daemon group
#           on the next request)
#   usr1    a code reload by SIGUSR1 to the daemon processes (mod_wsgi's graceful
#           process restart, honouring graceful-timeout/eviction-timeout)
#   none    baseline, no reload
#
# Each run is `ab [-k] -c 8 -t LIMIT -n N http://127.0.0.1/myapp` with BENCH_RELOADS reloads
# 1 s apart from 1 s into the run; BENCH_SECONDS (8) after its start ab gets SIGINT and
# reports. N is fixed per cell (three times what a short calibration run serves in
# BENCH_SECONDS) and LIMIT is 3 x BENCH_SECONDS: both only bound a run. Every cell
# (platform x mitigation x reload kind x keep-alive) is repeated BENCH_REPS times,
# repetitions interleaved. Mitigations are written to
# /etc/apache2/conf-available/zz-bench.conf (a2enconf, reload) and, for the daemon's
# graceful-timeout, into the deployed site file.
#
# Prints one markdown table and writes it, with the configurations, the observed daemon
# socket names and the error.log lines seen, to bench/results/reload_failures.md. Raw
# ab output and logs stay under .cache/bench/. The containers are removed at the end.
#
# Environment (all optional):
#   BENCH_REPS=3 BENCH_SECONDS=8 BENCH_RELOADS=5
#   BENCH_PLATFORMS="ubuntu1804 debian12"
#   BENCH_PARALLEL=1   run the platforms at the same time, each container pinned to its
#                      own half of the CPUs (0: one after the other, unpinned)
#   BENCH_KEEP=1       keep the containers running afterwards
set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

reps=${BENCH_REPS:-3}
seconds=${BENCH_SECONDS:-8}
reloads=${BENCH_RELOADS:-5}
platforms=${BENCH_PLATFORMS:-ubuntu1804 debian12}
parallel=${BENCH_PARALLEL:-1}
interval_ms=1000                          # between two reloads
lead_ms=1000                              # load before the first reload
tail_ms=$((seconds * 1000 - lead_ms - (reloads - 1) * interval_ms))  # load after the last one
[ "$tail_ms" -ge 1000 ] || tail_ms=1000
ab_limit=$((seconds * 3))                 # ab -t: no run lasts longer, whatever happens
run_timeout=$((seconds * 3 + 20))  # hard limit around each `docker exec` of a run

results_md=$REPO_ROOT/bench/results/reload_failures.md
work=$CACHE_DIR/bench/reload-$(date +%Y%m%d-%H%M%S)
mkdir -p "$work" "$(dirname "$results_md")"
started=$(date +%s)

# --- platforms and what is measured on each -----------------------------------------
# Mitigations: ID|label|zz-bench.conf lines (";"-separated)|daemon graceful-timeout
# (empty: as deployed). Cells: MITIGATION:KIND:AB ("k" = ab -k, "-" = no keep-alive),
# grouped by mitigation. The first mitigation of a platform is its baseline. Each
# repetition runs every group once, starting one group later than the repetition before
# (so no mitigation always gets the same moment of a busy host); the report compares
# throughput within a repetition.
platform_title() {
    case $1 in
        ubuntu1804) echo "Ubuntu 18.04" ;;
        debian12) echo "Debian 12" ;;
    esac
}
platform_mitigations() {
    case $1 in
        ubuntu1804)
            cat <<'EOF'
base|as deployed (KeepAlive On, MaxKeepAliveRequests 100, graceful-timeout=15)||
kaoff|KeepAlive Off|KeepAlive Off|
mkar|MaxKeepAliveRequests 10|MaxKeepAliveRequests 10|
gst|GracefulShutdownTimeout 2|GracefulShutdownTimeout 2|
gt0|graceful-timeout=0 (the 4.5.17 default)||0
EOF
            ;;
        debian12)
            cat <<'EOF'
base|WSGISocketRotation On (mod_wsgi default), KeepAlive On|WSGISocketRotation On|
rotoff|WSGISocketRotation Off (the apache role's default)|WSGISocketRotation Off|
kaoff|KeepAlive Off (rotation On)|WSGISocketRotation On;KeepAlive Off|
rotkaoff|WSGISocketRotation Off + KeepAlive Off|WSGISocketRotation Off;KeepAlive Off|
EOF
            ;;
    esac
}
platform_cells() {
    case $1 in
        ubuntu1804)
            echo base:config:k base:config:- base:touch:k base:touch:- base:usr1:k base:none:- base:none:k \
                kaoff:none:k kaoff:config:k \
                mkar:none:k mkar:config:k \
                gst:config:k \
                gt0:config:k gt0:touch:k gt0:usr1:k
            ;;
        debian12)
            echo base:config:k base:config:- base:touch:k base:touch:- base:usr1:k base:none:- base:none:k \
                rotoff:none:k rotoff:config:k rotoff:config:- rotoff:touch:k \
                kaoff:none:k kaoff:config:k \
                rotkaoff:none:k rotkaoff:config:k
            ;;
    esac
}

# --- the run driver, installed in each container --------------------------------------
# bench-run KIND N AB RELOADS INTERVAL LEAD LIMIT: ab in the background, the reloads in
# the foreground, then ab's report and the error.log lines written meanwhile.
driver() {
    cat <<'EOF'
#!/bin/bash
# bench-run KIND N AB RELOADS INTERVAL_MS LEAD_MS TAIL_MS LIMIT
# ab runs in the background while the foreground does reload i at LEAD + (i-1) x INTERVAL
# milliseconds (late if a reload command takes longer than INTERVAL); TAIL ms after the last
# one ab gets SIGINT, on which it reports what it has done. -n N and -t LIMIT only bound it.
set -u
kind=$1 n=$2 ka=$3 reloads=$4 interval=$5 lead=$6 tail=$7 limit=$8
url=http://127.0.0.1/myapp
log=/var/log/apache2/error.log
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
sleep_until() {
    local left=$(( start + $1 - $(now_ms) ))
    [ "$left" -le 0 ] || sleep "$(printf '%d.%03d' $((left / 1000)) $((left % 1000)))"
}
for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 200 ] && break
    sleep 0.2
done
offset=$(stat -c %s "$log")
flags="-r -s 10 -c 8"
[ "$ka" = k ] && flags="$flags -k"
start=$(now_ms)
# -t before -n: otherwise -t resets N to 50000.
# shellcheck disable=SC2086
ab $flags -t "$limit" -n "$n" "$url" >/tmp/bench-ab.out 2>&1 &
ab_pid=$!
done_reloads=0
for i in $(seq "$reloads"); do
    sleep_until $(( lead + (i - 1) * interval ))
    kill -0 "$ab_pid" 2>/dev/null || break
    case $kind in
        none) continue ;;
        config)
            if [ -d /run/systemd/system ]; then systemctl reload apache2; else apache2ctl graceful; fi ;;
        touch)
            touch /srv/myproject/code/myapp.wsgi ;;
        usr1)
            pids=$(ps -eo pid=,args= | awk '$2 ~ /^\(wsgi:myproject\)/ {print $1}')
            # shellcheck disable=SC2086
            [ -n "$pids" ] && kill -USR1 $pids ;;
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
echo "ERRLOG_BEGIN"
tail -c +$((offset + 1)) "$log"
echo "ERRLOG_END"
EOF
}

# --- containers --------------------------------------------------------------------
bench_clean_up_on_exit

"$TESTBED_DIR/docker-engine.sh"
bin=$("$TESTBED_DIR/venv.sh")
collections=$(checkout_collections_path)

read -r -a platform_list <<<"$platforms"
ncpu=$(nproc)
[ "$ncpu" -ge 2 ] || parallel=0
cpu_share=$((ncpu / ${#platform_list[@]}))
[ "$cpu_share" -ge 1 ] || parallel=0

inventory=$work/inventory.yml
printf 'webservers:\n  hosts:\n' >"$inventory"
index=0
for platform in "${platform_list[@]}"; do
    c=modwsgi-bench-$platform
    args=()
    if [ "$parallel" = 1 ]; then
        first=$((index * cpu_share))
        args+=(--cpuset-cpus "$first-$((first + cpu_share - 1))")
    fi
    containers+=("$c")
    bench_start_container "$c" "$platform" "${args[@]}"
    printf '    %s:\n      ansible_connection: community.docker.docker\n' "$c" >>"$inventory"
    log "$c started (cpus: $(docker inspect -f '{{.HostConfig.CpusetCpus}}' "$c" | sed 's/^$/all/'))"
    index=$((index + 1))
done

log "deploying playbooks/site.yml to ${containers[*]}"
PATH=$bin:$PATH ANSIBLE_COLLECTIONS_PATH=$collections ANSIBLE_CONFIG=$REPO_ROOT/ansible.cfg \
    ansible-playbook -i "$inventory" "$REPO_ROOT/playbooks/site.yml" >"$work/deploy.log" 2>&1 ||
    { tail -40 "$work/deploy.log" >&2; die "deploying site.yml failed (log: $work/deploy.log)"; }

for c in "${containers[@]}"; do
    bench_apt_install "$c" apache2-utils
    driver | docker exec -i "$c" sh -c 'cat >/usr/local/bin/bench-run && chmod 755 /usr/local/bin/bench-run'
    body=$(docker exec "$c" curl -fsS http://127.0.0.1/myapp) || die "$c: /myapp does not answer after the deploy"
    log "$c: /myapp answers '$body'"
done

# --- measuring -----------------------------------------------------------------------
# Writes the mitigation's configuration into container $1 and reloads Apache with it.
apply_mitigation() {
    local c=$1 id=$2 conf=$3 gt=$4
    docker exec -i -e "MIT=$id" -e "CONF=$conf" -e "GT=$gt" "$c" bash -s <<'EOF'
set -euo pipefail
site=$(grep -l 'WSGIDaemonProcess myproject' /etc/apache2/sites-enabled/*.conf | head -1)
site=$(readlink -f "$site")
[ -f /root/bench-site.orig ] || cp -p "$site" /root/bench-site.orig
cp -p /root/bench-site.orig "$site"
if [ -n "$GT" ]; then
    if grep -q 'graceful-timeout=' "$site"; then
        sed -i -E "s/graceful-timeout=[0-9]+/graceful-timeout=$GT/" "$site"
    else
        sed -i -E "s/^([[:space:]]*)processes=/\1graceful-timeout=$GT processes=/" "$site"
    fi
    grep -q "graceful-timeout=$GT" "$site"
fi
{ echo "# bench/reload_failures.sh, mitigation $MIT"; [ -z "$CONF" ] || printf '%s\n' "${CONF//;/$'\n'}"; } \
    >/etc/apache2/conf-available/zz-bench.conf
a2enconf -q zz-bench >/dev/null
apache2ctl -t 2>/dev/null
if [ -d /run/systemd/system ]; then systemctl reload apache2; else apache2ctl graceful; fi
sleep 2
for _ in $(seq 50); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1/myapp)" = 200 ] && break
    sleep 0.2
done
echo "zz-bench.conf:"; sed 's/^/    /' /etc/apache2/conf-available/zz-bench.conf
echo "daemon:"; grep -o 'graceful-timeout=[0-9]*' "$site" | sed 's/^/    /' || echo "    (no graceful-timeout option)"
echo "sockets:"; ls /run/apache2/ | grep '\.sock$' | sed 's/^/    /' || true
EOF
}

bench_platform() {
    local platform=$1 c=modwsgi-bench-$1 dir=$work/$1 rep cell mit kind ab id label conf gt current n rps summary
    local -A confs gts sizes
    mkdir -p "$dir"
    while IFS='|' read -r id label conf gt; do
        confs[$id]=$conf gts[$id]=$gt
        printf '%s\t%s\n' "$id" "$label" >>"$dir/mitigations.tsv"
    done < <(platform_mitigations "$platform")
    {
        echo "title=$(platform_title "$platform")"
        echo "apache=$(docker exec "$c" dpkg-query -W -f '${Version}' apache2)"
        echo "mod_wsgi=$(docker exec "$c" dpkg-query -W -f '${Version}' libapache2-mod-wsgi-py3)"
        echo "cpus=$(docker inspect -f '{{.HostConfig.CpusetCpus}}' "$c")"
    } >"$dir/platform.txt"
    read -r -a cells <<<"$(platform_cells "$platform")"
    # The groups of cells (one per mitigation, in order) and their rotation per repetition.
    local -a groups=() order
    for cell in "${cells[@]}"; do
        mit=${cell%%:*}
        if [ ${#groups[@]} -gt 0 ] && [ "${groups[-1]%%:*}" = "$mit" ]; then
            groups[-1]+=" $cell"
        else
            groups+=("$cell")
        fi
    done
    current=
    for rep in $(seq "$reps"); do
        order=()
        for i in "${!groups[@]}"; do
            # shellcheck disable=SC2206
            order+=(${groups[(i + rep - 1) % ${#groups[@]}]})
        done
        for cell in "${order[@]}"; do
            IFS=: read -r mit kind ab <<<"$cell"
            if [ "$mit" != "$current" ]; then
                apply_mitigation "$c" "$mit" "${confs[$mit]}" "${gts[$mit]}" >"$dir/config-$mit.txt" 2>&1 ||
                    { cat "$dir/config-$mit.txt" >&2; die "$c: applying mitigation $mit failed"; }
                current=$mit
            fi
            if [ -z "${sizes[$mit:$ab]:-}" ]; then
                # Calibration: 1.5 s of load without reloads gives the rate. N is three times
                # what that rate serves in BENCH_SECONDS: the driver's SIGINT normally ends a
                # run, N only if the host gets more than three times as fast.
                rps=$(timeout "$run_timeout" docker exec "$c" bench-run none 50000 "$ab" 1 0 1500 0 10 |
                    awk '/^Requests per second/ {print int($4)}')
                sizes[$mit:$ab]=$(( (${rps:-1000} * seconds * 3 / 100 + 1) * 100 ))
            fi
            n=${sizes[$mit:$ab]}
            out=$dir/run-$rep-$mit-$kind-${ab/-/nk}.txt
            echo "META platform=$platform rep=$rep mitigation=$mit kind=$kind ab=$ab n=$n" >"$out"
            timeout "$run_timeout" docker exec "$c" bench-run "$kind" "$n" "$ab" "$reloads" "$interval_ms" "$lead_ms" "$tail_ms" "$ab_limit" \
                >>"$out" 2>&1 || echo "RUN_RC $?" >>"$out"
            summary=$(grep -E '^(Failed requests|Non-2xx|Requests per)' "$out" | tr -s ' ' | paste -sd ',' - || true)
            log "$platform rep $rep/$reps: $mit $kind $([ "$ab" = k ] && echo 'ab -k' || echo 'ab') n=$n: $summary"
            sleep 0.5
        done
    done
}

if [ "$parallel" = 1 ]; then
    for platform in "${platform_list[@]}"; do
        bench_platform "$platform" &
        children+=("$!")
    done
    failed=0
    for pid in "${children[@]}"; do wait "$pid" || failed=1; done
    children=()
    [ "$failed" = 0 ] || die "a platform's measurements failed; see above"
else
    for platform in "${platform_list[@]}"; do bench_platform "$platform"; done
fi

elapsed=$(( $(date +%s) - started ))
python3 "$BENCH_DIR/reload_failures_report.py" "$work" "$results_md" \
    --reps "$reps" --seconds "$seconds" --reloads "$reloads" --interval "$((interval_ms / 1000))" --lead "$((lead_ms / 1000))" \
    --parallel "$parallel" --elapsed "$elapsed" --ncpu "$ncpu" --load "$(cut -d' ' -f1-3 /proc/loadavg)"
log "written $results_md (raw output: $work; ${elapsed}s)"
