#!/usr/bin/env bash
# Makes sure a Docker engine answers. CI machines start with the client at most and no
# engine, so on Debian/Ubuntu with root we install docker.io and start dockerd ourselves.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

docker info >/dev/null 2>&1 && exit 0

[ -r /etc/debian_version ] || die "no Docker engine answers and this is not Debian/Ubuntu: install and start Docker (https://docs.docker.com/engine/install/), then run again"
[ "$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1 || die "no Docker engine answers and root is needed to install one: run 'apt-get install docker.io' and start dockerd as root"

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
    log "starting dockerd (log: /var/log/modwsgi-dockerd.log)"
    as_root sh -c 'nohup dockerd >/var/log/modwsgi-dockerd.log 2>&1 &'
    for _ in $(seq 60); do
        docker info >/dev/null 2>&1 && break
        sleep 1
    done
fi
docker info >/dev/null 2>&1 || die "dockerd did not come up; see /var/log/modwsgi-dockerd.log"
log "Docker engine $(docker version --format '{{.Server.Version}}') is up"
