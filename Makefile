# The two commands of the README. Both work on a bare Debian/Ubuntu machine with
# root: they start a Docker engine and build the images they need offline.
.PHONY: hello test

# Deploy Hello World to a fresh Ubuntu 18.04 container and print the response.
hello:
	bash tests/testbed/hello.sh

# The whole test suite, as CI runs it.
test:
	bash tests/testbed/test.sh
