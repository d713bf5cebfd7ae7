# Shared helpers for the benchmarks under bench/; sourced, not run.
# shellcheck shell=bash
# shellcheck source=/dev/null
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../tests/testbed/lib.sh"

# The image of a platform, as "BASE INIT" for tests/testbed/target-image.sh.
platform_image() {
    case $1 in
        ubuntu1804) echo "ubuntu:18.04 none" ;;
        debian12) echo "debian:12 systemd" ;;
        *) die "unknown platform $1" ;;
    esac
}

# start_target NAME PLATFORM [docker run options...]: a fresh container of the platform,
# the way .config/molecule/config.yml defines it; waits until systemd (if any) is up.
start_target() {
    local c=$1 platform=$2 base init image state
    shift 2
    read -r base init <<<"$(platform_image "$platform")"
    image=$("$TESTBED_DIR/target-image.sh" "$base" "$init")
    docker rm -f "$c" >/dev/null 2>&1 || true
    if [ "$init" = systemd ]; then
        docker run -d --name "$c" --hostname "$c" "$@" --cap-add SYS_ADMIN -v /sys/fs/cgroup:/sys/fs/cgroup:ro \
            --tmpfs /run --tmpfs /run/lock --stop-signal RTMIN+3 "$image" /lib/systemd/systemd >/dev/null
        # Until systemd's bus is up, systemctl fails at once: ask again for up to 90 s.
        state=
        for _ in $(seq 90); do
            state=$(timeout 90 docker exec "$c" systemctl is-system-running --wait 2>/dev/null || true)
            [ -z "$state" ] || break
            sleep 1
        done
        case $state in running | degraded) ;; *) die "$c: systemd did not come up (state: ${state:-none})" ;; esac
    else
        docker run -d --name "$c" --hostname "$c" "$@" "$image" sleep infinity >/dev/null
    fi
}
