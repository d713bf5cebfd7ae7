# Shared helpers for the benchmarks under bench/; sourced, not run.
# shellcheck shell=bash

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=/dev/null
. "$BENCH_DIR/../tests/testbed/lib.sh"

# bench_platform_image PLATFORM: the base image and init system a platform is built from.
bench_platform_image() {
    case $1 in
        ubuntu1804) echo "ubuntu:18.04 none" ;;
        debian12) echo "debian:12 systemd" ;;
        *) die "unknown platform $1" ;;
    esac
}

# bench_start_container NAME PLATFORM [DOCKER RUN OPTIONS...]: a fresh container of the
# platform's target image (an old one of that name is removed first), returning once
# systemd, where it is PID 1, has finished booting.
bench_start_container() {
    local c=$1 platform=$2 base init image state
    shift 2
    read -r base init <<<"$(bench_platform_image "$platform")"
    image=$("$TESTBED_DIR/target-image.sh" "$base" "$init")
    docker rm -f "$c" >/dev/null 2>&1 || true
    local args=(-d --name "$c" --hostname "${c#modwsgi-}" "$@")
    if [ "$init" = systemd ]; then
        args+=("${SYSTEMD_RUN_FLAGS[@]}" "$image" /lib/systemd/systemd)
    else
        args+=("$image" sleep infinity)
    fi
    docker run "${args[@]}" >/dev/null || die "$c: docker run failed"
    if [ "$init" = systemd ]; then
        # Until systemd's bus is up, systemctl fails at once: ask again for up to 90 s.
        state=
        for _ in $(seq 90); do
            state=$(timeout 90 docker exec "$c" systemctl is-system-running --wait 2>/dev/null || true)
            [ -z "$state" ] || break
            sleep 1
        done
        case $state in running | degraded) ;; *) die "$c: systemd did not come up (state: ${state:-none})" ;; esac
    fi
}

# bench_apt_install CONTAINER PACKAGE...: apt-get install inside the container, reading
# the package lists first only when the packages are not found without them.
bench_apt_install() {
    local c=$1
    shift
    docker exec -e DEBIAN_FRONTEND=noninteractive "$c" sh -c '
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
            { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }' \
        sh "$@" || die "$c: installing $* failed"
}

# Containers and background jobs a benchmark adds to these arrays are removed and stopped
# when it exits, however it exits; BENCH_KEEP=1 keeps the containers for a look inside.
containers=()
children=()
bench_clean_up() {
    local rc=$? pid c
    trap - EXIT INT TERM
    for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        [ ${#containers[@]} -eq 0 ] || log "keeping containers: ${containers[*]}"
    else
        for c in "${containers[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
    fi
    exit "$rc"
}

bench_clean_up_on_exit() {
    trap bench_clean_up EXIT
    trap 'exit 130' INT TERM
}
