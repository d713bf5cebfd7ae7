"""Summarises bench/backends.sh's raw output into bench/results/backends.json and prints its table.

Usage: python3 bench/backends_report.py WORK_DIR RESULTS_JSON --rounds N --passes N --platforms "P ..."
       --changes "K ..." [--reloads N --clients N --tp-requests N --idle S --front-without-mod-wsgi B
       --elapsed S --load L]

WORK_DIR holds, per container bench-backends-<platform>-<backend>: info-<container>.txt (what it runs),
tp-<round>-<platform>-<backend>.txt (ab -k's report between two process snapshots), idle-<platform>-<backend>.json
(a snapshot of the idle application) and change-<pass>-<kind>-<platform>-<backend>.txt (the chained ab runs across
one change, the statuses the front logged, the error log lines). Failed requests are counted as
bench/reloads_report.py counts them. Only numbers measured in the same run are compared.
Standard library only: bench/backends.sh runs it with the system python3.
"""
import argparse
import collections
import datetime
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reloads_report import error_lines, failed_requests, field, normalise, statuses  # noqa: E402

BACKENDS = ("default", "instance")
TITLES = {
    "front_reload": "front reload (%s x graceful, 1 s apart)",
    "log_rotation": "log rotation (logrotate -f)",
    "daemon_option": "daemon option (processes 2 -> 3)",
    "python_home": "Python home (another venv)",
    "release": "release switch (v1 -> v2)",
    "rollback": "rollback (playbooks/rollback.yml)",
    "mod_wsgi": "mod_wsgi (package -> pip build)",
}
PLATFORM_NAMES = {"ubuntu1804": "Ubuntu 18.04 (no init)", "debian12": "Debian 12 (systemd)"}
SEGMENT = re.compile(r"^SEGMENT_BEGIN (\d+)\n(.*?)^SEGMENT_END (\d+) (\d+)$", re.M | re.S)


def read(path):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def read_info(path):
    info = {}
    for line in read(path).splitlines():
        key, _sep, value = line.partition("=")
        info[key] = value
    return info


def change_run(text):
    """ab's counts across one change: every chained ab run that reported, and those that gave up."""
    complete = bad = non2xx = dropped = gave_up = 0
    refused_ms = 0
    segments = SEGMENT.findall(text)
    for begin, body, end, _rc in segments:
        if re.search(r"^Complete requests:", body, re.M):
            seg_bad, seg_non2xx, seg_dropped = failed_requests(body)
            complete += int(field(body, r"^Complete requests:\s+(\d+)"))
            bad, non2xx, dropped = bad + seg_bad, non2xx + seg_non2xx, dropped + seg_dropped
        else:
            # ab gave up after ten refused connections, with no report: the front refused connections.
            gave_up += 1
            refused_ms += int(end) - int(begin) + 200
    meta = dict(item.split("=", 1) for item in re.search(r"^META (.*)$", text, re.M).group(1).split())
    logged = statuses(text)
    answer = re.search(r"^ANSWER (.*)$", text, re.M)
    lines = error_lines(text)
    return {
        "complete": complete, "failed": bad, "non2xx": non2xx, "dropped": dropped,
        "ab_gave_up": gave_up, "refused_ms": refused_ms, "ab_runs": len(segments),
        "change_rc": int(meta["change_rc"]), "change_ms": int(meta["change_ms"]),
        "answer_after": answer.group(1) if answer else None,
        "backend_mod_wsgi_lines": re.findall(r"^# mod_wsgi: (.*)$", text, re.M),
        "apache_statuses": logged,
        "error_log": [normalise(line) for line in lines if re.search(r":(error|crit|alert|emerg|warn)\]", line)][:40],
        "stopped_cleanly": "LOOP DID NOT END" not in text,
    }


def snapshot(text_or_json):
    return json.loads(text_or_json) if isinstance(text_or_json, str) else text_or_json


def descendants(procs, roots):
    """The pids of roots (alive, not zombies) and of every process below them."""
    children = collections.defaultdict(list)
    for proc in procs.values():
        children[proc["ppid"]].append(proc["pid"])
    found, todo = set(), [pid for pid in roots if pid in procs and not procs[pid]["state"].startswith("Z")]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo += children[pid]
    return found


def groups(snap):
    """pids of the front (its parent and children), of the application and of every Apache process."""
    procs = {proc["pid"]: proc for proc in snap["procs"]}
    pidfiles = snap["pidfiles"]
    front = descendants(procs, [pid for path, pid in pidfiles.items() if path.startswith("/run/apache2/")])
    instance = descendants(procs, [pid for path, pid in pidfiles.items() if path.startswith("/run/modwsgi-backends/")])
    daemons = {pid for pid, proc in procs.items() if proc["cmd"].startswith("(wsgi:hello)")}
    apache = {pid for pid, proc in procs.items()
              if proc["comm"] == "apache2" or proc["cmd"].startswith("(wsgi:") or "apache2" in proc["cmd"].split(" ")[0]}
    return procs, front, (instance or daemons), apache | front | instance | daemons, daemons, instance


def cpu_ticks(before, after):
    """Ticks the Apache processes used between two snapshots (a process's reaped children count in its parent)."""
    procs_b, _f, _a, apache_b, _d, _i = groups(before)
    procs_a, _f, _a, apache_a, _d, _i = groups(after)
    old = {(pid, procs_b[pid]["start"]): procs_b[pid] for pid in apache_b}
    ticks, vanished = 0, 0
    for pid in apache_a:
        proc = procs_a[pid]
        was = old.pop((pid, proc["start"]), None)
        ticks += proc["ticks"] + proc["child_ticks"] - ((was["ticks"] + was["child_ticks"]) if was else 0)
    vanished = len(old)
    return ticks, vanished


def memory(snap, backend):
    procs, front, _app, _apache, daemons, instance = groups(snap)
    app = daemons if backend == "default" else instance

    def total(pids, key):
        values = [procs[pid][key] for pid in pids]
        return None if any(value is None for value in values) else round(sum(values) / 1024.0, 1)
    return {"app_rss_mib": total(app, "rss_kb"), "app_pss_mib": total(app, "pss_kb"), "app_processes": len(app),
            "front_rss_mib": total(front, "rss_kb"), "front_pss_mib": total(front, "pss_kb"),
            "front_processes": len(front), "daemon_processes": len(daemons), "instance_processes": len(instance)}


def throughput(work, rounds, platform, backend):
    runs = []
    for round_ in range(1, rounds + 1):
        text = read(os.path.join(work, "tp-%d-%s-%s.txt" % (round_, platform, backend)))
        before = snapshot(re.search(r"^SNAP_BEFORE (.*)$", text, re.M).group(1))
        after = snapshot(re.search(r"^SNAP_AFTER (.*)$", text, re.M).group(1))
        complete = int(field(text, r"^Complete requests:\s+(\d+)"))
        ticks, vanished = cpu_ticks(before, after)
        runs.append({
            "round": round_, "cpus": re.search(r"^META cpus=(\S+)", text, re.M).group(1), "complete": complete,
            "rps": field(text, r"^Requests per second:\s+([0-9.]+)"),
            "p50_ms": field(text, r"^\s+50%\s+(\d+)"), "p99_ms": field(text, r"^\s+99%\s+(\d+)"),
            "cpu_us_per_request": round(ticks * 1e6 / after["clk_tck"] / complete, 1),
            "cpu_ticks": ticks, "processes_vanished": vanished})
    return runs


def median(runs, key):
    return statistics.median(run[key] for run in runs)


def spread(runs, key):
    values = [run[key] for run in runs]
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "rounds": values}


def summarise(args):
    platforms = {}
    for platform in args.platforms.split():
        info = {backend: read_info(os.path.join(args.work, "info-bench-backends-%s-%s.txt" % (platform, backend)))
                for backend in BACKENDS}
        changes = []
        for pass_ in range(1, args.passes + 1):
            for kind in args.changes.split():
                paths = {backend: os.path.join(args.work, "change-%d-%s-%s-%s.txt" % (pass_, kind, platform, backend))
                         for backend in BACKENDS}
                if not all(os.path.exists(path) for path in paths.values()):
                    continue
                changes.append(dict({"kind": kind, "pass": pass_},
                                    **{backend: change_run(read(path)) for backend, path in paths.items()}))
        tp = {backend: throughput(args.work, args.rounds, platform, backend) for backend in BACKENDS}
        idle = {backend: memory(snapshot(read(os.path.join(args.work, "idle-%s-%s.json" % (platform, backend)))),
                                backend) for backend in BACKENDS}
        measures = {}
        for key in ("rps", "p99_ms", "p50_ms", "cpu_us_per_request"):
            medians = {backend: median(tp[backend], key) for backend in BACKENDS}
            measures[key] = {
                "default": spread(tp["default"], key), "instance": spread(tp["instance"], key),
                "instance_over_default": round(medians["instance"] / medians["default"], 3) if medians["default"] else None,
                "instance_over_default_per_round": [
                    round(i[key] / d[key], 3) if d[key] else None for i, d in zip(tp["instance"], tp["default"])]}
        platforms[platform] = {"builds": info, "changes": changes, "throughput_runs": tp, "measures": measures,
                               "idle_memory": idle}
    return platforms


def met(run):
    return run["failed"] == 0 and run["ab_gave_up"] == 0 and run["change_rc"] == 0 and run["stopped_cleanly"]


def failed_cell(run):
    cell = "%d" % run["failed"]
    if run["ab_gave_up"]:
        cell += " +refused %.1fs" % (run["refused_ms"] / 1000.0)
    if run["change_rc"]:
        cell += " (rc %d)" % run["change_rc"]
    return cell


def ratio_cell(default, instance):
    if default is None or instance is None or not default:
        return "-"
    return "%.2fx" % (instance / default)


def print_table(document):
    line = "  %-58s %-22s %-22s %s"
    for platform, data in document["platforms"].items():
        builds = data["builds"]
        print("\n%s: Apache %s, Python %s, mod_wsgi %s; front loads mod_wsgi: default %s, instance %s" % (
            PLATFORM_NAMES.get(platform, platform), builds["default"].get("apache"), builds["default"].get("python"),
            builds["default"].get("mod_wsgi"), builds["default"].get("front_loads_mod_wsgi"),
            builds["instance"].get("front_loads_mod_wsgi")))
        print(line % ("measure", "default (apache)", "instance", "instance/default"))
        for change in data["changes"]:
            title = TITLES.get(change["kind"], change["kind"]) % (
                (document["reloads_per_run"],) if "%s" in TITLES.get(change["kind"], "") else ())
            if document["passes"] > 1:
                title += " #%d" % change["pass"]
            default, instance = change["default"], change["instance"]
            print(line % ("failed requests, " + title, failed_cell(default), failed_cell(instance),
                          "0 = met" if met(instance) else "NOT met"))
        measures = data["measures"]
        rows = (("rps", "throughput req/s, ab -k -c 16 (median)", "%.0f"),
                ("p99_ms", "p99 latency ms (median)", "%.0f"),
                ("cpu_us_per_request", "CPU us/request, all Apache processes", "%.0f"))
        for key, title, fmt in rows:
            row = measures[key]
            print(line % (title, fmt % row["default"]["median"], fmt % row["instance"]["median"],
                          "%.2fx" % row["instance_over_default"] if row["instance_over_default"] else "-"))
        idle = data["idle_memory"]
        for key, title in (("app_rss_mib", "RSS MiB, idle application's processes"),
                           ("app_pss_mib", "PSS MiB, idle application's processes"),
                           ("front_rss_mib", "RSS MiB, front (parent + children)")):
            default, instance = idle["default"][key], idle["instance"][key]
            if default is None and instance is None:
                continue
            processes = "app_processes" if "app" in key else "front_processes"
            print(line % (title, "%s (%d proc)" % (default, idle["default"][processes]),
                          "%s (%d proc)" % (instance, idle["instance"][processes]),
                          ratio_cell(default, instance)))
        print("  throughput instance/default within each round: %s" % ", ".join(
            "%.2f" % value for value in measures["rps"]["instance_over_default_per_round"]))
        for change in data["changes"]:
            for backend in BACKENDS:
                run = change[backend]
                logged = sum(count for status, count in run["apache_statuses"].items() if not status.startswith("2"))
                if logged != run["non2xx"] and change["kind"] != "log_rotation":
                    print("  WARNING %s %s: ab's Non-2xx %d, the front logged %d error statuses" % (
                        change["kind"], backend, run["non2xx"], logged))
                if not run["stopped_cleanly"]:
                    print("  WARNING %s %s: the load did not stop cleanly" % (change["kind"], backend))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("work")
    parser.add_argument("output")
    parser.add_argument("--rounds", type=int, required=True)
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--platforms", required=True)
    parser.add_argument("--changes", required=True)
    for option in ("reloads", "clients", "tp-requests", "idle"):
        parser.add_argument("--" + option, type=int, default=0)
    for option in ("front-without-mod-wsgi", "elapsed", "load"):
        parser.add_argument("--" + option, default="")
    args = parser.parse_args()

    document = {
        "kind": "backends", "date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"),
        "rounds": args.rounds, "passes": args.passes, "reloads_per_run": args.reloads,
        "load_clients_per_container": args.clients, "tp_requests": args.tp_requests, "idle_seconds": args.idle,
        "instance_front_without_mod_wsgi": args.front_without_mod_wsgi == "true", "ncpu": os.cpu_count(),
        "elapsed_seconds": args.elapsed, "loadavg_at_end": args.load.split(),
        "platforms": summarise(args),
    }
    with open(args.output, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1)
        handle.write("\n")

    print("\nChanges: ab -c %d without keep-alive in every container at once, from before the change to after it;"
          " throughput: ab -k -c 16 -n %d, %d rounds, one container at a time." % (
              args.clients, args.tp_requests, args.rounds))
    print("Failed = non-2xx or incomplete answers, each once; \"+refused Ns\": ab gave up on refused connections"
          " for that long (the front was down).")
    if not document["instance_front_without_mod_wsgi"]:
        print("NOTE: the apache role has no apache_mod_wsgi_enabled here: the instance side's front loads mod_wsgi.")
    print_table(document)


if __name__ == "__main__":
    main()
