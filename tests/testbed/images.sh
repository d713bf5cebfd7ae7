#!/usr/bin/env bash
# Makes sure the Docker engine runs and every target image of both ansible-core lines
# exists (built once, before the lines run side by side).
# Molecule's dependency step runs this, so `molecule test` works on a bare machine too.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TESTBED_DIR/docker-engine.sh"
mkdir -p "$CACHE_DIR"
"$TESTBED_DIR/target-image.sh" ubuntu:18.04 none >/dev/null
"$TESTBED_DIR/target-image.sh" debian:12 systemd >/dev/null
"$TESTBED_DIR/target-image.sh" ubuntu:24.04 none >/dev/null
