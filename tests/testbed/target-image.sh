#!/usr/bin/env bash
# Usage: target-image.sh BASE INIT   (INIT: none | systemd)
# Prints the tag of a test-target image built on BASE, building it when missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

base=${1:?usage: target-image.sh BASE INIT}
init=${2:?usage: target-image.sh BASE INIT}
tag="modwsgi-testbed/target:${base//:/-}-$init"

"$TESTBED_DIR/base-image.sh" "$base"
# Rebuild when the recipe changes, not only when the tag is missing.
recipe=$(sha256sum "$TESTBED_DIR/images/target.Dockerfile" | cut -c1-12)
if [ "$(docker image inspect -f '{{ index .Config.Labels "recipe" }}' "$tag" 2>/dev/null)" != "$recipe" ]; then
    log "$tag: building"
    mkdir -p "$CACHE_DIR"
    docker build -q --build-arg "BASE=$base" --build-arg "INIT=$init" --label "recipe=$recipe" \
        -t "$tag" -f "$TESTBED_DIR/images/target.Dockerfile" "$TESTBED_DIR/images" >/dev/null 2>"$CACHE_DIR/build.err" ||
        { cat "$CACHE_DIR/build.err" >&2; die "building $tag failed"; }
fi
echo "$tag"
