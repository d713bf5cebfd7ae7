# A test target: the base image plus what Ansible (python3, sudo for become) and the
# tests (curl, ps) need.
# INIT=systemd boots systemd as PID 1; INIT=none stays like the official image
# (no init system, services started by hand).
ARG BASE
FROM ${BASE}
ARG INIT=none
RUN set -eu; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update -qq; \
    packages="python3 sudo curl procps"; \
    [ "$INIT" = systemd ] && packages="$packages systemd systemd-sysv dbus"; \
    apt-get install -y -qq --no-install-recommends $packages >/dev/null; \
    if [ "$INIT" = systemd ]; then \
        systemctl mask getty.target console-getty.service systemd-logind.service \
            systemd-udevd.service systemd-udev-trigger.service systemd-remount-fs.service \
            sys-kernel-config.mount sys-kernel-debug.mount sys-fs-fuse-connections.mount >/dev/null 2>&1; \
    fi; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/*
