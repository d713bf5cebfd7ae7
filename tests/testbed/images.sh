#!/usr/bin/env bash
# Makes sure the Docker engine runs and every target image of every ansible-core line
# exists (built once, before the lines run side by side).
# Molecule's dependency step runs this, so `molecule test` works on a bare machine too.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TESTBED_DIR/docker-engine.sh"
mkdir -p "$CACHE_DIR"
# The platforms of .config/molecule/config.yml (2.16) and core-*.yml, with their init system.
for target in ubuntu:18.04=none ubuntu:20.04=none ubuntu:22.04=systemd ubuntu:24.04=none \
    debian:11=systemd debian:12=systemd debian:13=none; do
    "$TESTBED_DIR/target-image.sh" "${target%=*}" "${target#*=}" >/dev/null
done
