# Second stage of a debootstrap-built base image: bring the release up to date with its
# updates and security pockets, as the official image is. The archive comes from the
# sources.list debootstrap wrote, so no mirror is named here.
ARG BASE
FROM ${BASE}
ARG DISTRO
RUN set -eu; \
    mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list); \
    suite=$(awk '$1 == "deb" {print $3; exit}' /etc/apt/sources.list); \
    if [ "$DISTRO" = ubuntu ]; then \
        components="main restricted universe multiverse"; \
        security="$mirror"; \
    else \
        components="main"; \
        security="${mirror%/}-security"; \
    fi; \
    { echo "deb $mirror $suite $components"; \
      echo "deb $mirror $suite-updates $components"; \
      echo "deb $security $suite-security $components"; } > /etc/apt/sources.list; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update -qq; \
    apt-get dist-upgrade -y -qq >/dev/null; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/*
CMD ["/bin/bash"]
