"""The mod_wsgi daemon processes of the Apache in a container, one line each: PID (in the container), RSS in KiB, user,
command line.

Usage (on the Docker host, as root): python3 bench/daemon_rss.py CONTAINER

A daemon process is a child of Apache's parent that holds the listening UNIX socket of a mod_wsgi daemon group
(/var/run/apache2/wsgi.<pid>.<generation>.<n>.sock): mod_wsgi creates those sockets in the parent before it forks the
daemons, each daemon keeps its own group's to accept on, and Apache's worker processes close them all when they start
(mod_wsgi's child_init hook). Neither the process name nor the user tells them apart in general: without display-name
and user= (the walkthrough's WSGIDaemonProcess) a daemon keeps Apache's command line and runs as Apache's user, like
the workers.

It reads the host's /proc: the target containers have no CAP_SYS_PTRACE, without which root in the container cannot
read the file descriptors of processes running as another user. `docker top` gives the container's processes.
"""
import os
import re
import subprocess
import sys

PID_FILE = "/var/run/apache2/apache2.pid"


def docker(*args):
    return subprocess.run(("docker",) + args, check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout


def read(path, mode="r"):
    with open(path, mode) as handle:
        return handle.read()


def main(container):
    users = {fields[2]: fields[0] for fields in (line.split(":") for line in docker(
        "exec", container, "cat", "/etc/passwd").splitlines()) if len(fields) > 2}
    apache = int(docker("exec", container, "cat", PID_FILE))
    processes = {}
    for pid in (int(line) for line in docker("top", container, "-eo", "pid").split()[1:]):
        try:
            status = dict(line.split(":", 1) for line in read("/proc/%d/status" % pid).splitlines() if ":" in line)
        except OSError:  # gone
            continue
        processes[pid] = status
    # The container's PID of each (NSpid: the host's first, the container's last).
    inner = {pid: int(status["NSpid"].split()[-1]) for pid, status in processes.items()}
    parent = [pid for pid in processes if inner[pid] == apache]
    if not parent:
        sys.exit("%s: Apache's parent (PID %d in %s) is not running" % (container, apache, PID_FILE))
    parent = parent[0]
    listeners = set()
    for line in read("/proc/%d/net/unix" % parent).splitlines()[1:]:
        fields = line.split()
        # Num RefCount Protocol Flags Type St Inode Path; flag __SO_ACCEPTCON (0x10000): a listening socket.
        if len(fields) >= 8 and int(fields[3], 16) & 0x10000 and re.search(r"/wsgi\.[0-9.]+\.sock$", fields[7]):
            listeners.add("socket:[%s]" % fields[6])
    for pid, status in sorted(processes.items(), key=lambda item: inner[item[0]]):
        if int(status["PPid"]) != parent:
            continue
        links = set()
        try:
            for fd in os.listdir("/proc/%d/fd" % pid):
                try:
                    links.add(os.readlink("/proc/%d/fd/%s" % (pid, fd)))
                except OSError:
                    pass
            command = read("/proc/%d/cmdline" % pid, "rb").replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:  # gone
            continue
        if links & listeners:
            uid = status["Uid"].split()[0]
            print(inner[pid], int(status["VmRSS"].split()[0]), users.get(uid, uid), command)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
