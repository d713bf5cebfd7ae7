# The two commands of the README, and the optional benchmarks. All work on a bare
# Debian/Ubuntu machine with root: they start a Docker engine and build the images
# they need offline.
.PHONY: hello test bench docs docsite

# Deploy Hello World to a fresh Ubuntu 18.04 container and print the response.
hello:
	bash tests/testbed/hello.sh

# The whole test suite, as CI runs it.
test:
	bash tests/testbed/test.sh

# Optional, not a set-up step: throughput, deploy time and a fleet's controller CPU, in
# fresh containers, written to docs/benchmarks.md and docs/benchmarks.png (see
# docs/performance.md); then failed requests per reload, package against pip mod_wsgi
# (bench/results/reloads.json, quoted in docs/reloads.md), and last the wsgi_app backends,
# apache against instance: failed requests per change, throughput, CPU and memory
# (bench/results/backends.json).
# BENCH_ONLY=throughput|deploy|fleet_cpu|reloads|backends runs one of them.
bench:
	bash bench/run.sh

# docs/variables.md from roles/*/meta/argument_specs.yml, with the tool environment's Python
# (tests/testbed/venv.sh creates it if missing). The unit tests fail while it is out of date.
docs:
	"$$(bash tests/testbed/venv.sh)/python" docs/generate_reference.py

# The docs site: the collection, its roles (from their argument specs), modules and guides
# (docs/docsite), rendered by antsibull-docs and Sphinx into .cache/docsite/build/html.
# `make test` builds it too, and lints it with antsibull-docs.
docsite:
	bash docs/site.sh build
