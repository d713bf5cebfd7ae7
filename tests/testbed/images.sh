#!/usr/bin/env bash
# Makes sure the Docker engine runs and every target image of every ansible-core line
# exists (built once, before the lines run side by side).
# Molecule's dependency step runs this, so `molecule test` works on a bare machine too.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TESTBED_DIR/docker-engine.sh"
mkdir -p "$CACHE_DIR"
# Every target image a molecule platform names (.config/molecule/*.yml, the scenarios'
# own), tagged DISTRO-VERSION-INIT by target-image.sh.
grep -ho 'modwsgi-testbed/target:[a-z]*-[0-9.]*-[a-z]*' "$REPO_ROOT"/.config/molecule/*.yml \
    "$REPO_ROOT"/molecule/*/molecule.yml | sort -u |
    while read -r tag; do
        target=${tag#*:}
        distro=${target%%-*} init=${target##*-}
        version=${target#"$distro"-} && version=${version%-"$init"}
        "$TESTBED_DIR/target-image.sh" "$distro:$version" "$init" >/dev/null
    done
