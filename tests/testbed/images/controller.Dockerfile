# The controller for ansible-core 2.20 and later, which need Python >= 3.12 where the
# machine may have less: Debian 13's Python 3.13 with venv, the docker client (it drives the
# host's engine through the socket controller.sh mounts), git for ansible-test, shellcheck for
# its sanity test and make for the README's commands.
ARG BASE
FROM ${BASE}
RUN set -eu; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update -qq; \
    apt-get install -y -qq --no-install-recommends python3 python3-venv docker-cli git make \
        shellcheck ca-certificates curl >/dev/null; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/*
CMD ["/bin/bash"]
