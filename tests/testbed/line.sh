#!/usr/bin/env bash
# Usage: line.sh CORE [--prepare | --checks | --scenarios | MOLECULE TEST ARGS...]
#        CORE: 2.19 | 2.20 | 2.21
# An ansible-core line besides the 2.16 one of .venv (test.sh runs that): its own tool
# environment (requirements/core-CORE.txt in .venv-CORE) and platforms
# (.config/molecule/core-CORE.yml laid over the shared base).
#   line.sh 2.21 --prepare    only the tool environment;
#   line.sh 2.21 -s default   one `molecule test` on that line;
#   line.sh 2.21 --checks     ansible-lint and ansible-test sanity;
#   line.sh 2.21 --scenarios  `molecule test` of each of the line's scenarios (line_scenarios
#                             in lib.sh);
#   line.sh 2.21              the whole line: the checks, then the scenarios.
# Lines from 2.20 on need Python >= 3.12: where python3 is older, line.sh runs itself in the
# controller container (controller.sh, Debian 13's Python 3.13).
# Lines run beside each other and the 2.16 line, so nothing they write is shared:
# - containers: modwsgi-coreXY-* (MODWSGI_CONTAINER_PREFIX);
# - molecule's state and the copy of the collection it installs: ANSIBLE_HOME is
#   .cache/ansible-CORE instead of ~/.ansible;
# - JUnit reports: .cache/junit/core-CORE-<scenario>.xml; sanity: .cache/sanity-CORE.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

core=${1:?usage: line.sh CORE [--prepare | --checks | --scenarios | MOLECULE TEST ARGS...]}
shift
if [ "$core" = 2.16 ] || ! scenarios=$(line_scenarios "$core"); then
    die "no ansible-core line $core (known: 2.19 2.20 2.21; test.sh runs 2.16)"
fi
[ -f "$REPO_ROOT/requirements/core-$core.txt" ] || die "missing requirements/core-$core.txt"

python_ok=$(python3 -c 'import sys; print(int(sys.version_info >= (3, 12)))')
if [ "${core#2.}" -ge 20 ] && [ "$python_ok" = 0 ]; then
    exec "$TESTBED_DIR/controller.sh" bash "$TESTBED_DIR/line.sh" "$core" "$@"
fi

bin=$("$TESTBED_DIR/venv.sh" "$REPO_ROOT/requirements/core-$core.txt" "$REPO_ROOT/.venv-$core")
[ "${1:-}" != --prepare ] || exit 0
cd "$REPO_ROOT"
# molecule runs ansible-galaxy, ansible-playbook and pytest by name: this venv's first.
export PATH=$bin:$PATH
own_molecule_state "modwsgi-core${core//./}" "$CACHE_DIR/ansible-$core"
# The rolling scenario's three hosts (its platforms replace the base config's): the line's
# Ubuntu.
MODWSGI_ROLLING_IMAGE=modwsgi-testbed/target:$(grep -o 'ubuntu-[0-9.]*-[a-z]*' ".config/molecule/core-$core.yml" | head -1)
export MODWSGI_ROLLING_IMAGE
log "ansible-core $(python -c 'import ansible; print(ansible.__version__)') on Python $(python -c 'import platform; print(platform.python_version())'), containers $MODWSGI_CONTAINER_PREFIX-*"
line_molecule() { molecule -c .config/molecule/config.yml -c ".config/molecule/core-$core.yml" test "$@"; }
case ${1:-} in
    "" | --checks | --scenarios) ;;
    *) line_molecule "$@"; exit ;;
esac

failed=()
if [ "${1:-}" != --scenarios ]; then
    step "ansible-lint (ansible-core $core)" ansible-lint --profile production
    step "sanity (ansible-core $core)" env MODWSGI_SANITY_DIR="$CACHE_DIR/sanity-$core" bash tests/sanity/run.sh
fi
if [ "${1:-}" != --checks ]; then
    step "molecule (ansible-core $core)" each_scenario "$scenarios" line_molecule
fi
[ ${#failed[@]} -eq 0 ] || { log "failed on the ansible-core $core line: ${failed[*]}"; exit 1; }
