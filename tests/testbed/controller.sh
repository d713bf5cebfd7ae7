#!/usr/bin/env bash
# Usage: controller.sh COMMAND [ARGS...]
# Runs COMMAND in the checkout inside the controller container: Debian 13 (Python 3.13), for
# the ansible-core lines that need a newer Python than the machine's (2.20 and later). The
# image is built offline like the targets (controller.Dockerfile on the debootstrapped
# debian:13). The container
# - drives the machine's Docker engine through its socket, so the targets molecule creates are
#   the machine's own containers, as on the other lines;
# - sees the checkout at the same path as the machine does, so paths molecule passes to the
#   engine (and the ones in .cache) mean the same on both sides;
# - trusts the machine's CA certificates, for pip behind a TLS-intercepting proxy.
# Files it writes in the checkout (venvs, .cache) belong to root, as the test bed runs as root.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TESTBED_DIR/docker-engine.sh"
"$TESTBED_DIR/base-image.sh" debian:13
image=modwsgi-testbed/controller:debian-13
recipe_image "$image" controller.Dockerfile BASE=debian:13

ca_mounts=()
[ -d /usr/local/share/ca-certificates ] &&
    ca_mounts=(-v /usr/local/share/ca-certificates:/usr/local/share/ca-certificates:ro)
docker_socket=${DOCKER_HOST:-unix:///var/run/docker.sock}
docker_socket=${docker_socket#unix://}
[ -S "$docker_socket" ] || die "no Docker socket at $docker_socket for the controller container"
tty=()
[ -t 0 ] && [ -t 1 ] && tty=(-t)

exec docker run --rm -i "${tty[@]}" \
    -v "$docker_socket:/var/run/docker.sock" \
    -v "$REPO_ROOT:$REPO_ROOT" -w "$REPO_ROOT" \
    "${ca_mounts[@]}" \
    -e MODWSGI_TESTBED_CACHE="$CACHE_DIR" \
    -e PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    "$image" sh -c 'update-ca-certificates >/dev/null 2>&1 && exec "$@"' controller "$@"
