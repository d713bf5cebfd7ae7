#!/usr/bin/env bash
# Usage: docs/site.sh lint|build
#   lint   antsibull-docs lint-collection-docs: module and role docs, their markup and the
#          guides in docs/docsite (extra-docs.yml, links.yml, rst/). Exits non-zero on a finding.
#   build  the docs site with antsibull-docs and Sphinx into .cache/docsite/build/html
#          (index.html), every Sphinx warning an error.
# Tools: requirements/docs.txt in .venv-docs, ansible-doc from the tool environment; both are
# created when missing. Works offline.
set -euo pipefail
. "$(dirname "$0")/../tests/testbed/lib.sh"

docs_bin=$("$TESTBED_DIR/venv.sh" "$REPO_ROOT/requirements/docs.txt" "$REPO_ROOT/.venv-docs")
tool_bin=$("$TESTBED_DIR/venv.sh")
export PATH=$docs_bin:$tool_bin:$PATH
ANSIBLE_COLLECTIONS_PATH=$(checkout_collections_path)
export ANSIBLE_COLLECTIONS_PATH

case "${1:-}" in
lint)
    cd "$REPO_ROOT"
    antsibull-docs lint-collection-docs --plugin-docs .
    log "collection docs: no findings"
    ;;
build)
    site=$CACHE_DIR/docsite
    rm -rf "$site"
    # sphinx-init only writes into a directory that no one else can write to.
    mkdir -p "$CACHE_DIR"
    mkdir -m 700 "$site"
    antsibull-docs sphinx-init --use-current --dest-dir "$site" modwsgi.deploy >/dev/null
    # The site is built offline: no inventories of other projects' docs. The two labels the
    # generated pages point at in Ansible's own docs stay plain text; any other missing
    # reference is still an error.
    cat >>"$site/conf.py" <<'CONF'
intersphinx_mapping = {}
nitpicky = True
nitpick_ignore = [('std:ref', 'ansible_configuration_settings'), ('std:ref', 'common_return_values')]
CONF
    "$site/build.sh" >"$site/build.log" 2>&1 || { cat "$site/build.log" >&2; die "the docs site did not build"; }
    log "docs site: $site/build/html/index.html"
    ;;
*) die "usage: $0 lint|build" ;;
esac
