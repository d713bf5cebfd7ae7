#!/usr/bin/env bash
# Usage: target-image.sh BASE INIT   (INIT: none | systemd)
# Prints the tag of a test-target image built on BASE, building it when missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

base=${1:?usage: target-image.sh BASE INIT}
init=${2:?usage: target-image.sh BASE INIT}
tag="modwsgi-testbed/target:${base//:/-}-$init"

"$TESTBED_DIR/base-image.sh" "$base"
recipe_image "$tag" target.Dockerfile "BASE=$base" "INIT=$init"
echo "$tag"
