#!/usr/bin/env bash
# Usage: tests/sanity/run.sh [ANSIBLE-TEST SANITY OPTIONS...]   (e.g. --test pylint)
#
# `ansible-test sanity` on the working tree with the Python that runs ansible-test (3.11 on the
# machine, 3.13 in the controller container), no ignore files, offline except for the package
# index pip is configured with. Tools come from PATH (test.sh puts the
# tool venv's bin first). Exits non-zero on any finding or failure.
#
# ansible-test only works in a directory named ansible_collections/NAMESPACE/NAME, so the
# checkout's files (tracked and untracked, minus what git ignores) are copied to
# .cache/sanity/ansible_collections/modwsgi/deploy first (MODWSGI_SANITY_DIR instead of
# .cache/sanity: each ansible-core line has its own). ansible-test bootstraps pip in each
# requirements venv with a get-pip script from a host CI cannot reach; tests/sanity/get_pip.py
# is put in its cache instead.
set -euo pipefail
. "$(dirname "$0")/../testbed/lib.sh"

sanity_dir=${MODWSGI_SANITY_DIR:-$CACHE_DIR/sanity}
collection=$sanity_dir/ansible_collections/modwsgi/deploy
output=$sanity_dir/output.log
started=$(date +%s)

command -v ansible-test >/dev/null ||
    die "ansible-test is not on PATH; put the tool venv first (tests/testbed/venv.sh prints its bin directory)"

# ansible-test skips its shellcheck test, with only a warning, when the shellcheck program is
# missing; CI starts on a fresh Debian machine, so install it there.
if ! command -v shellcheck >/dev/null; then
    log "installing shellcheck"
    mkdir -p "$sanity_dir"
    apt_log=$sanity_dir/apt.log
    install_shellcheck() { as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q shellcheck; }
    { install_shellcheck || { as_root apt-get update -q && install_shellcheck; }; } >"$apt_log" 2>&1 ||
        { tail -20 "$apt_log" >&2; die "apt-get install shellcheck failed"; }
fi

# The stand-in goes under the name of every pip version ansible-test pins (it caches the script
# as get_pip_X_Y_Z.py), but never replaces a real get-pip script someone downloaded.
ansible_test_python=$(dirname "$(command -v ansible-test)")/python
[ -x "$ansible_test_python" ] || ansible_test_python=python
ansible_test_lib=$("$ansible_test_python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')
python_version=$("$ansible_test_python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
pip_versions=$(grep -ho "pip='[0-9.]*'" "$ansible_test_lib/_internal/python_requirements.py" | cut -d"'" -f2 | sort -u)
[ -n "$pip_versions" ] || die "cannot find the pip versions ansible-test pins in $ansible_test_lib"
pip_cache=$HOME/.ansible/test/cache
mkdir -p "$pip_cache"
for version in $pip_versions; do
    script=$pip_cache/get_pip_${version//./_}.py
    if [ ! -e "$script" ] || grep -q 'modwsgi.deploy get-pip stand-in' "$script"; then
        cp "$REPO_ROOT/tests/sanity/get_pip.py" "$script"
    fi
done

log "copying the checkout to $collection"
rm -rf "$collection"
mkdir -p "$collection"
if git -C "$REPO_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (
        cd "$REPO_ROOT"
        git ls-files -z --cached --others --exclude-standard |
            while IFS= read -r -d '' path; do
                # Tracked files deleted in the working tree are left out.
                if [ -e "$path" ] || [ -L "$path" ]; then printf '%s\0' "$path"; fi
            done |
            tar --null --no-recursion -T - -cf -
    ) | tar -xf - -C "$collection"
else
    tar -C "$REPO_ROOT" --exclude=./.git --exclude='./.venv*' --exclude=./.cache \
        --exclude=./.ansible --exclude=./tests/output -cf - . | tar -xf - -C "$collection"
fi
# ansible-test lists the collection's files with git when there is a .git directory at or above
# the collection root. Here it would find the checkout's, which ignores .cache, and test nothing;
# an empty repository of the copy's own makes it list every file of the copy (as untracked).
git -C "$collection" init -q
echo /tests/output/ >>"$collection/.git/info/exclude"

cd "$collection"
log "ansible-test sanity"
status=0
ansible-test sanity --python "$python_version" --color no "$@" 2>&1 | tee "$output" || status=$?
# Finding no files at all is reported as "All targets skipped", with exit status 0.
if [ "$status" = 0 ] && grep -q '^WARNING: All targets skipped' "$output"; then
    log "ansible-test found no files to test"
    status=1
fi
log "wall time: $(( $(date +%s) - started ))s"
[ "$status" = 0 ] || die "ansible-test sanity failed (output: $output, $collection/tests/output)"
log "ansible-test sanity passed"
