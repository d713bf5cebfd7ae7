"""The benchmarks' one Python script: bench/throughput.sh, bench/deploy.sh and bench/fleet_cpu.sh summarise their raw
measurements with it into bench/results/*.json, and bench/run.sh writes docs/benchmarks.md and the chart
docs/benchmarks.png from those results with it, printing issue 17's targets and one table of every ratio.

Usage: python3 bench/report.py [--results DIR] [--markdown FILE] [--chart FILE]
       python3 bench/report.py throughput WORK_DIR RESULTS_JSON --rounds N
       python3 bench/report.py deploy TIMINGS_TSV RESULTS_JSON --install-rounds N --rerun-rounds N
       python3 bench/report.py fleet_cpu TIMINGS_TSV RESULTS_JSON --hosts N --rounds N --geerlingguy-commit SHA

Only ratios of numbers measured in the same run are compared: the machines these run on are shared and noisy, so
absolute numbers are printed for context and never compared across runs. A missing results file is reported as not
measured.
"""
import argparse
import collections
import datetime
import glob
import json
import os
import platform
import re
import statistics
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The scripts' platform names, and the names the results and the report use.
PLATFORMS = {"ubuntu1804": "ubuntu-18.04", "debian12": "debian-12"}
PLATFORM_TITLES = {"ubuntu-18.04": "Ubuntu 18.04", "debian-12": "Debian 12"}
# bench/lib.sh knows no other platforms and deploy.sh no other measures: both lists are complete.
PLATFORM_ORDER = list(PLATFORM_TITLES)
SERVERS = ("collection", "seed", "static")
MEASURE_TITLES = {
    "first_converge": "first converge of site.yml, fresh host",
    "seed_shell": "the walkthrough's steps as a shell script, fresh host",
    "idempotent_rerun": "site.yml again, nothing to change",
    "facts_only": "a play that only gathers facts",
    "fleet_1": "site.yml to 1 fresh host (= first converge)",
    "fleet_4": "site.yml to 4 fresh hosts at once",
    "seed_shell_4": "the walkthrough's steps as a shell script, 4 fresh hosts at once",
}
MEASURES = list(MEASURE_TITLES)
# bench/fleet_cpu.sh's roles, in the order it runs them, and what each runs.
FLEET_ROLES = {"modwsgi.deploy": "playbooks/site.yml", "geerlingguy.apache": "bench/geerlingguy_apache.yml"}
FLEET_MEASURES = ("converge", "rerun")
FLEET_RUNS = {("modwsgi.deploy", "converge"): "first converge, fresh hosts",
              ("geerlingguy.apache", "converge"): "first run, on the hosts site.yml set up",
              ("modwsgi.deploy", "rerun"): "unchanged re-run", ("geerlingguy.apache", "rerun"): "unchanged re-run"}

# One row of the ratio tables. target: None, or (comparison, bound) with bound a number or, in the ratio lists below,
# the name of another ratio of the same platform and run whose measured value is the bound; resolve_bounds() turns
# those into (comparison, value, name), the value None when that ratio was not measured. value None: not measured.
# issue: the key in ISSUE_17 of the target this row reports on, or None.
Ratio = collections.namedtuple("Ratio", "platform name value target issue")

# Issue 17's targets, in its order: the key, the row's name when nothing was measured, and its line in the report.
ISSUE_17 = (
    ("first_converge", "deploy: first converge / seed shell script",
     "the first converge of `site.yml` takes at most 1.6× the walkthrough's steps as a plain shell script;"),
    ("rerun", "deploy: idempotent re-run / facts-only play",
     "an unchanged re-run of `site.yml` takes at most 2.0× a play that only gathers facts, with `changed=0`;"),
    ("fleet", "deploy: 4 hosts / 1 host",
     "deploying to 4 hosts at once, over deploying to 1, takes at most the shell script's own 4 hosts / 1 host "
     "ratio, measured in the same run on the same platform;"),
    ("fleet_cpu", "controller CPU per host, unchanged re-run of a fleet: site.yml / geerlingguy.apache",
     "the controller's CPU per host of an unchanged re-run of `site.yml` over 20 hosts is lower than that of "
     "geerlingguy's apache role (`geerlingguy.apache`, its fetched source run in the same benchmark on the same "
     "hosts);"),
    ("rps", "throughput: collection / seed req/s, keep-alive, c=16",
     "Hello World serves at least the requests/s of the walkthrough's configuration (keep-alive, concurrency 16);"),
    ("p99", "throughput: collection / seed p99, keep-alive, c=16",
     "and answers with at most its p99 latency (keep-alive, concurrency 16);"),
    ("rss", "idle RSS of /myapp's daemon processes: collection / seed",
     "the RSS of the idle application's daemon processes is reported beside the walkthrough's (no target)."),
)
ISSUE_KEYS = [target[0] for target in ISSUE_17]

# What no tool can beat on this machine: the plain script, the least a first install does.
SEED_FLEET = "deploy floor: seed shell script, 4 hosts / 1 host"
# (name, numerator, denominator, target, issue key)
DEPLOY_RATIOS = (
    ("deploy: first converge / seed shell script", "first_converge", "seed_shell", ("<=", 1.6), "first_converge"),
    ("deploy: idempotent re-run / facts-only play", "idempotent_rerun", "facts_only", ("<=", 2.0), "rerun"),
    ("deploy: 4 hosts / 1 host", "fleet_4", "fleet_1", ("<=", SEED_FLEET), "fleet"),
    (SEED_FLEET, "seed_shell_4", "seed_shell", None, None),
)
# (metric, top, bottom): req/s for every pair of servers, p99 latency of the collection against the walkthrough.
THROUGHPUT_RATIOS = (("rps", "collection", "seed"), ("rps", "collection", "static"), ("rps", "seed", "static"),
                     ("p99", "collection", "seed"))
THROUGHPUT_METRICS = {"rps": ("req/s", "rps_median"), "p99": ("p99", "p99_ms")}
# Issue 17's throughput targets hold for keep-alive at concurrency 16: (target, issue key).
THROUGHPUT_TARGETS = {("rps", "collection", "seed"): ((">=", 1.0), "rps"),
                      ("p99", "collection", "seed"): (("<=", 1.0), "p99")}


def load(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None


def write_results(path, document):
    """JSON with one row per line (each list of objects, "rows" and any other): a run's results stay a few dozen lines
    in git, and a diff shows the rows that moved."""
    tables = [key for key, value in document.items()
              if isinstance(value, list) and value and all(isinstance(item, dict) for item in value)]
    head = json.dumps({key: value for key, value in document.items() if key not in tables})
    parts = ['%s: [\n%s\n]' % (json.dumps(key), ",\n".join(json.dumps(row) for row in document[key])) for key in tables]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("%s, %s}\n" % (head[:-1], ", ".join(parts)))


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def loadavg():
    with open("/proc/loadavg", encoding="utf-8") as handle:
        return handle.read().split()[:3]


def parse_ab_run(path):
    """(meta, req/s, p50 ms, p99 ms, server CPU microseconds per request) of one run's file."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    meta = dict(item.split("=", 1) for item in text.splitlines()[0].split()[1:])
    rps = re.search(r"^Requests per second:\s+([0-9.]+)", text, re.M)
    percentiles = dict(re.findall(r"^(\d+),([0-9.]+)$", text.split("PERCENTILES", 1)[1], re.M))
    ab_cpu = re.search(r"^AB_CPU (\d+)m([0-9.]+)s (\d+)m([0-9.]+)s$", text, re.M)
    served = re.search(r"^STATUSES *(\d+) 200 *$", text, re.M)
    cgroup = re.search(r"^CGROUP_CPU_NS (\d+)$", text, re.M)
    if not (rps and "50" in percentiles and "99" in percentiles and ab_cpu and served and cgroup):
        sys.exit("%s: no complete ab report in it" % path)
    ab_us = (int(ab_cpu.group(1)) * 60 + float(ab_cpu.group(2))
             + int(ab_cpu.group(3)) * 60 + float(ab_cpu.group(4))) * 1e6
    # CPU the server spent per request it logged: the container's, less ab's own.
    cpu_us = (int(cgroup.group(1)) / 1000 - ab_us) / int(served.group(1))
    return meta, float(rps.group(1)), float(percentiles["50"]), float(percentiles["99"]), cpu_us


def ab_runs(work, rounds):
    """{(platform, server, keepalive, concurrency): [(rps, p50, p99, cpu_us) of each round]}, in the report's order."""
    cells = {}
    for path in glob.glob(os.path.join(work, "run-*.txt")):
        meta, *numbers = parse_ab_run(path)
        key = (PLATFORMS[meta["platform"]], meta["server"], meta["keepalive"] == "true", int(meta["concurrency"]))
        cells.setdefault(key, {})[int(os.path.basename(path).split("-")[1])] = numbers
    for key, runs in cells.items():
        if len(runs) != rounds:
            sys.exit("%s %s keepalive=%s c=%d: %d runs, expected %d" % (*key, len(runs), rounds))
    return {key: [runs[r] for r in sorted(runs)] for key, runs in sorted(cells.items(), key=lambda item: (
        PLATFORM_ORDER.index(item[0][0]), not item[0][2], item[0][3], SERVERS.index(item[0][1])))}


def idle_rss(work):
    """[{platform, server, processes, rss_kib, idle_seconds}] from throughput.sh's idle-rss-*.txt: a META line, then
    one line per daemon process of /myapp: PID, RSS in KiB, user, command line."""
    found = []
    for path in glob.glob(os.path.join(work, "idle-rss-*.txt")):
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        meta = dict(item.split("=", 1) for item in lines[0].split()[1:])
        processes = [line.split(None, 3) for line in lines[1:] if line.strip()]
        found.append({
            "platform": PLATFORMS[meta["platform"]], "server": meta["server"], "processes": len(processes),
            "rss_kib": sum(int(process[1]) for process in processes), "idle_seconds": int(meta["idle_seconds"]),
        })
    return sorted(found, key=lambda row: (PLATFORM_ORDER.index(row["platform"]), SERVERS.index(row["server"])))


def throughput_document(runs, rounds, idle=()):
    return {"kind": "throughput", "date": now(), "rounds": rounds, "idle_rss": list(idle), "rows": [{
        "platform": plat, "server": server, "keepalive": keepalive, "concurrency": concurrency,
        "rps_median": round(statistics.median(r[0] for r in ordered), 1),
        "rps_rounds": [round(r[0], 1) for r in ordered],
        "p50_ms": round(statistics.median(r[1] for r in ordered), 3),
        "p99_ms": round(statistics.median(r[2] for r in ordered), 3),
    } for (plat, server, keepalive, concurrency), ordered in runs.items()]}


def print_cpu_per_request(runs):
    """Where CPU is the limit, collection/static req/s cannot exceed static's CPU per request over collection's."""
    cells = {}
    for (plat, server, keepalive, concurrency), ordered in runs.items():
        cells.setdefault((plat, keepalive, concurrency), {})[server] = statistics.median(r[3] for r in ordered)
    print("\nServer CPU per request, microseconds (median over rounds; the container's CPU time less ab's):")
    print("%-13s %-5s %4s %10s %10s %10s  %s" % ("platform", "k-a", "c", *SERVERS, "static/collection"))
    for (plat, keepalive, concurrency), cpu in cells.items():
        print("%-13s %-5s %4d %10.0f %10.0f %10.0f  %.2f" % (
            plat, "on" if keepalive else "off", concurrency, *(cpu[s] for s in SERVERS),
            cpu["static"] / cpu["collection"]))


def summarise_throughput(args):
    runs = ab_runs(args.work, args.rounds)
    document = throughput_document(runs, args.rounds, idle_rss(args.work))
    write_results(args.output, document)
    print_ratios(throughput_ratios(document))
    print_cpu_per_request(runs)


def read_timings(path):
    """{(platform, measure): {"rounds", "cpu", "changed"}} from lines of platform, measure, seconds, changed (empty: not
    a play) and CPU seconds (may be missing)."""
    rows = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            plat, measure, seconds, changed, cpu = (line.rstrip("\n").split("\t") + [""])[:5]
            row = rows.setdefault((PLATFORMS[plat], measure), {"rounds": [], "cpu": [], "changed": None})
            row["rounds"].append(float(seconds))
            if cpu != "":
                row["cpu"].append(float(cpu))
            if changed != "":
                row["changed"] = max(row["changed"] or 0, int(changed))
    # A deploy to one fresh host is exactly what first_converge times: deploy.sh does not run fleet_1 separately.
    for (plat, measure), row in list(rows.items()):
        if measure == "first_converge":
            rows[(plat, "fleet_1")] = dict(row)
    return rows


def deploy_document(timings, install_rounds, rerun_rounds):
    return {
        "kind": "deploy", "date": now(), "nproc": os.cpu_count(),
        "loadavg": loadavg(), "install_rounds": install_rounds, "rerun_rounds": rerun_rounds,
        "rows": [{
            "platform": plat, "measure": measure,
            "seconds_median": round(statistics.median(row["rounds"]), 2), "seconds_rounds": row["rounds"],
            "changed": row["changed"],
            "cpu_seconds_median": round(statistics.median(row["cpu"]), 2) if row["cpu"] else None,
            "cpu_seconds_rounds": row["cpu"],
        } for (plat, measure), row in sorted(timings.items(),
                                             key=lambda item: (item[0][0], MEASURES.index(item[0][1])))],
    }


def summarise_deploy(args):
    document = deploy_document(read_timings(args.timings), args.install_rounds, args.rerun_rounds)
    write_results(args.output, document)
    print_ratios(deploy_ratios(document))


def read_fleet_timings(path):
    """{(platform, role, measure): {"seconds", "cpu", "changed", "hosts"}} from bench/fleet_cpu.sh's lines of platform,
    role, measure, wall seconds, controller CPU seconds, changed (summed over the hosts) and hosts."""
    rows = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            plat, role, measure, seconds, cpu, changed, hosts = line.rstrip("\n").split("\t")
            row = rows.setdefault((PLATFORMS[plat], role, measure),
                                  {"seconds": [], "cpu": [], "changed": 0, "hosts": int(hosts)})
            row["seconds"].append(float(seconds))
            row["cpu"].append(float(cpu))
            row["changed"] = max(row["changed"], int(changed))
    return rows


def fleet_cpu_document(timings, hosts, rounds, commit):
    return {
        "kind": "fleet_cpu", "date": now(), "nproc": os.cpu_count(), "loadavg": loadavg(), "hosts": hosts,
        "rounds": rounds, "geerlingguy_apache_commit": commit,
        "rows": [{
            "platform": plat, "role": role, "measure": measure, "hosts": row["hosts"],
            "cpu_seconds_median": round(statistics.median(row["cpu"]), 2), "cpu_seconds_rounds": row["cpu"],
            "cpu_per_host_median": round(statistics.median(row["cpu"]) / row["hosts"], 3),
            "seconds_median": round(statistics.median(row["seconds"]), 2), "seconds_rounds": row["seconds"],
            "changed": row["changed"],
        } for (plat, role, measure), row in sorted(timings.items(), key=lambda item: (
            PLATFORM_ORDER.index(item[0][0]), list(FLEET_ROLES).index(item[0][1]), FLEET_MEASURES.index(item[0][2])))],
    }


def summarise_fleet_cpu(args):
    document = fleet_cpu_document(read_fleet_timings(args.timings), args.hosts, args.rounds, args.geerlingguy_commit)
    write_results(args.output, document)
    print_ratios(fleet_cpu_ratios(document))


def resolve_bounds(ratios):
    """Turns each target whose bound names another ratio into (comparison, that ratio's value on the same platform,
    its name); the value is None when that ratio was not measured."""
    values = {(ratio.platform, ratio.name): ratio.value for ratio in ratios}
    resolved = []
    for ratio in ratios:
        if ratio.target is not None and isinstance(ratio.target[1], str):
            comparison, name = ratio.target
            ratio = ratio._replace(target=(comparison, values.get((ratio.platform, name)), name))
        resolved.append(ratio)
    return resolved


def deploy_ratios(deploy):
    """[Ratio] of deploy.json."""
    rows = {(row["platform"], row["measure"]): row for row in deploy["rows"]}
    found = []
    for plat in sorted({row["platform"] for row in deploy["rows"]}, key=PLATFORM_ORDER.index):
        for name, top, bottom, target, issue in DEPLOY_RATIOS:
            if (plat, top) in rows and (plat, bottom) in rows:
                value = rows[(plat, top)]["seconds_median"] / rows[(plat, bottom)]["seconds_median"]
                if top == "idempotent_rerun" and rows[(plat, top)]["changed"]:
                    # Not idempotent: the target demands changed=0 as well.
                    name += " (changed=%d)" % rows[(plat, top)]["changed"]
                    target = ("<=", 0.0)
                found.append(Ratio(plat, name, value, target, issue))
        one, four = rows.get((plat, "fleet_1")), rows.get((plat, "fleet_4"))
        if one and four and four.get("cpu_seconds_median"):
            # No schedule beats the fleet's CPU time shared out over the machine's CPUs.
            floor = max(one["seconds_median"], four["cpu_seconds_median"] / deploy.get("nproc", 1))
            found.append(Ratio(plat, "deploy: 4 hosts / 1 host, floor set by CPU time (%.0f s over %s CPUs)" % (
                four["cpu_seconds_median"], deploy.get("nproc", 1)), floor / one["seconds_median"], None, None))
    return resolve_bounds(found)


def fleet_cpu_ratios(fleet):
    """[Ratio] of fleet_cpu.json: site.yml's controller CPU per host of an unchanged re-run over
    geerlingguy.apache's."""
    rows = {(row["platform"], row["role"], row["measure"]): row for row in fleet["rows"]}
    found = []
    for plat in sorted({row["platform"] for row in fleet["rows"]}, key=PLATFORM_ORDER.index):
        ours, theirs = rows.get((plat, "modwsgi.deploy", "rerun")), rows.get((plat, "geerlingguy.apache", "rerun"))
        if ours and theirs and theirs["cpu_per_host_median"]:
            name = "controller CPU per host, unchanged re-run of %d hosts: site.yml / geerlingguy.apache " \
                   "(%.2f s / %.2f s per host)" % (ours["hosts"], ours["cpu_per_host_median"],
                                                   theirs["cpu_per_host_median"])
            target = ("<=", 1.0)
            if ours["changed"] or theirs["changed"]:
                name += " (changed=%d / %d)" % (ours["changed"], theirs["changed"])
                target = ("<=", 0.0)
            found.append(Ratio(plat, name, ours["cpu_per_host_median"] / theirs["cpu_per_host_median"], target,
                               "fleet_cpu"))
    return found


def throughput_cells(throughput):
    """{(platform, keepalive, concurrency): {server: row}} in a stable order."""
    cells = {}
    for row in throughput["rows"]:
        cells.setdefault((row["platform"], row["keepalive"], row["concurrency"]), {})[row["server"]] = row
    return dict(sorted(cells.items(), key=lambda item: (PLATFORM_ORDER.index(item[0][0]), not item[0][1], item[0][2])))


def mib(kib):
    return "%.1f MiB" % (kib / 1024)


def throughput_ratios(throughput):
    found = []
    for (plat, keepalive, concurrency), servers in throughput_cells(throughput).items():
        for metric, top, bottom in THROUGHPUT_RATIOS:
            title, field = THROUGHPUT_METRICS[metric]
            if top in servers and bottom in servers and servers[bottom].get(field):
                target, issue = THROUGHPUT_TARGETS.get((metric, top, bottom), (None, None))
                if not (keepalive and concurrency == 16):
                    target, issue = None, None
                found.append(Ratio(plat, "throughput: %s / %s %s, %s, c=%d" % (
                    top, bottom, title, "keep-alive" if keepalive else "no keep-alive", concurrency),
                    servers[top][field] / servers[bottom][field], target, issue))
    idle = {(row["platform"], row["server"]): row for row in throughput.get("idle_rss", [])}
    for plat in PLATFORM_ORDER:
        ours, seed = idle.get((plat, "collection")), idle.get((plat, "seed"))
        if ours and seed and seed["rss_kib"]:
            found.append(Ratio(plat, "idle RSS of /myapp's daemon processes: collection / seed (%s in %d, %s in %d)" % (
                mib(ours["rss_kib"]), ours["processes"], mib(seed["rss_kib"]), seed["processes"]),
                ours["rss_kib"] / seed["rss_kib"], None, "rss"))
    return found


def issue_rows(ratios):
    """Issue 17's rows, in its order and each platform's, with a not-measured row for every target and platform that
    has none."""
    rows = [ratio for ratio in ratios if ratio.issue is not None]
    for key, name, _text in ISSUE_17:
        for plat in PLATFORM_ORDER:
            if not any(ratio.issue == key and ratio.platform == plat for ratio in rows):
                rows.append(Ratio(plat, name, None, None, key))
    return sorted(rows, key=lambda ratio: (ISSUE_KEYS.index(ratio.issue), PLATFORM_ORDER.index(ratio.platform)))


def verdict(ratio):
    if ratio.value is None:
        return "not measured in this run"
    if ratio.target is None:
        return "reported (no target)" if ratio.issue else ""
    comparison, bound = ratio.target[:2]
    sign = "≤" if comparison == "<=" else "≥"
    if len(ratio.target) > 2:  # a bound measured in this run: its value, and which ratio it is
        if bound is None:
            return "%s %s: not measured in this run" % (sign, ratio.target[2])
        label = " (= %s)" % ratio.target[2]
    else:
        label = ""
    met = ratio.value <= bound if comparison == "<=" else ratio.value >= bound
    return "%s %.2f%s: %s" % (sign, bound, label, "met" if met else "**not met**")


def value_text(ratio):
    """The value to 2 decimals, or to as many more (up to 4) as tell it from a bound that 2 would show."""
    if ratio.value is None:
        return None
    bound = ratio.target[1] if ratio.target is not None else None
    decimals = 2
    while bound is not None and decimals < 4 and "%.*f" % (decimals, ratio.value) == "%.*f" % (decimals, bound):
        decimals += 1
    return "%.*f" % (decimals, ratio.value)


def print_ratios(ratios, title="ratio (medians of one run)"):
    width = max([len(title)] + [len(ratio.name) for ratio in ratios])
    print("%-13s %-*s %8s  %s" % ("platform", width, title, "value", "target"))
    for ratio in ratios:
        print("%-13s %-*s %8s  %s" % (ratio.platform, width, ratio.name,
                                      "-" if ratio.value is None else value_text(ratio) + "x",
                                      verdict(ratio).replace("**", "")))


def ratio_table(ratios):
    lines = ["| Platform | Ratio (medians of one run) | Value | Target |", "|---|---|---:|---|"]
    for ratio in ratios:
        value = "" if ratio.value is None else value_text(ratio) + "×"
        lines.append("| %s | %s | %s | %s |" % (PLATFORM_TITLES[ratio.platform], ratio.name, value, verdict(ratio)))
    return lines


def throughput_section(throughput, chart_name):
    if throughput is None:
        return ["Not measured: `bench/results/throughput.json` is missing (run `make bench`)."]
    lines = [
        "`bench/throughput.sh`: ApacheBench inside each container against its own 127.0.0.1, %s rounds, every cell "
        "once per round in a rotated order; medians over the rounds." % throughput.get("rounds", "?"),
        "",
        "- **collection**: `/myapp` deployed by `playbooks/site.yml` with every default;",
        "- **seed**: `/myapp` of the walkthrough's final VirtualHost, done by hand;",
        "- **static**: a 12-byte file from the collection's Apache (the ceiling of that Apache).",
        "",
        "![Requests per second](%s)" % chart_name,
        "",
        "| Platform | Keep-alive | Concurrency | Server | req/s (median) | req/s per round | p50 ms | p99 ms |",
        "|---|---|---:|---|---:|---|---:|---:|",
    ]
    for (plat, keepalive, concurrency), servers in throughput_cells(throughput).items():
        for row in (servers[server] for server in SERVERS if server in servers):
            lines.append("| %s | %s | %d | %s | %.0f | %s | %s | %s |" % (
                PLATFORM_TITLES[plat], "yes" if keepalive else "no", concurrency, row["server"], row["rps_median"],
                ", ".join("%.0f" % value for value in row.get("rps_rounds", [])),
                row.get("p50_ms", ""), row.get("p99_ms", "")))
    lines += ["", "### Idle memory", ""]
    idle = throughput.get("idle_rss")
    if not idle:
        return lines + ["Not measured in this run: `bench/results/throughput.json` has no idle RSS."]
    lines += [
        "After the last round and %s s without requests, the RSS (`VmRSS`) of `/myapp`'s mod_wsgi daemon processes, "
        "summed (pages shared between them are counted once per process). `bench/daemon_rss.py` finds them from the "
        "host's `/proc`: a daemon process is a child of Apache's parent that holds the listening UNIX socket of a "
        "mod_wsgi daemon group (`wsgi.*.sock` in `/proc/net/unix`), which Apache's worker processes close when they "
        "start. The walkthrough's daemons can be told from the workers no other way: they keep Apache's command line "
        "and run as its user, `www-data`. The collection's show as `(wsgi:myproject)` and run as `myproject`, which "
        "is checked, and each configuration's count must be its `processes=`." % idle[0].get("idle_seconds", "?"),
        "",
        "| Platform | Server | Daemon processes | RSS KiB | RSS MiB |",
        "|---|---|---:|---:|---:|",
    ]
    for row in idle:
        lines.append("| %s | %s | %d | %d | %.1f |" % (
            PLATFORM_TITLES[row["platform"]], row["server"], row["processes"], row["rss_kib"], row["rss_kib"] / 1024))
    return lines


def deploy_section(deploy):
    if deploy is None:
        return ["Not measured: `bench/results/deploy.json` is missing (run `make bench`)."]
    lines = [
        "`bench/deploy.sh`: `ansible-playbook` from the tool venv (ansible-core 2.16) with the repository's "
        "`ansible.cfg` (pipelining on) and the `community.docker.docker` connection, into fresh containers started "
        "before the clock starts. First installs: %s rounds, the four kinds in a rotated order; re-run and facts-only "
        "alternate %s times on one configured host. Seconds are wall-clock medians; CPU seconds are those of "
        "`ansible-playbook` and the containers (cgroup cpuacct; dockerd's share is not counted); `changed` is the sum "
        "of the play recap's `changed=`." % (deploy.get("install_rounds", "?"), deploy.get("rerun_rounds", "?")),
        "",
        "| Platform | Measure | What | Seconds (median) | Seconds per round | CPU seconds (median) | changed |",
        "|---|---|---|---:|---|---:|---:|",
    ]
    for row in sorted(deploy["rows"], key=lambda row: (PLATFORM_ORDER.index(row["platform"]),
                                                       MEASURES.index(row["measure"]))):
        lines.append("| %s | `%s` | %s | %.1f | %s | %s | %s |" % (
            PLATFORM_TITLES[row["platform"]], row["measure"], MEASURE_TITLES[row["measure"]],
            row["seconds_median"], ", ".join("%.1f" % value for value in row["seconds_rounds"]),
            "" if row.get("cpu_seconds_median") is None else "%.1f" % row["cpu_seconds_median"],
            "" if row["changed"] is None else row["changed"]))
    return lines


def fleet_cpu_section(fleet):
    if fleet is None:
        return ["Not measured: `bench/results/fleet_cpu.json` is missing (run `make bench`)."]
    lines = [
        "`bench/fleet_cpu.sh`: %s fresh containers per platform, `ansible-playbook` from the tool venv with one fork "
        "per host, the repository's `ansible.cfg` for both roles (pipelining, the `profile_tasks` callback) and the "
        "`community.docker.docker` connection. The fleet is converged once per platform: first with `site.yml`, "
        "then re-run with it (%s rounds); then, on the same hosts, with geerlingguy's apache role (commit `%s`, "
        "extracted from its repository and never committed; `bench/geerlingguy_apache.yml`), then re-run with it "
        "(%s rounds). In that order so that `site.yml` is never re-run on a host that role has changed: the two roles' "
        "re-runs do not alternate, each role's rounds run back to back. Every re-run reported `changed=0` on every "
        "host. The measure is `ansible-playbook`'s own CPU time, user + sys of it and of the children it waited for "
        "(its forks and the connection's `docker exec` clients), over the number of hosts; not the containers' CPU "
        "nor dockerd's. Medians over the rounds; wall-clock seconds for context." % (
            fleet.get("hosts", "?"), fleet.get("rounds", "?"), fleet.get("geerlingguy_apache_commit", "?"),
            fleet.get("rounds", "?")),
        "",
        "geerlingguy.apache has no mod_wsgi support, so it does less than `site.yml`: it is given its defaults "
        "(apache2 and apache2-utils, mod_rewrite and mod_ssl, `Listen 80`) and one plain VirtualHost on port 80 "
        "with the site's names and DocumentRoot; no application, no daemon process group, no health check. It "
        "gathers the facts it reads (the `distribution` and `service_mgr` subsets); `site.yml` gathers none.",
        "",
        "| Platform | Role | Run | Hosts | Controller CPU s (median) | CPU s per round | CPU s per host | "
        "Wall s (median) | changed |",
        "|---|---|---|---:|---:|---|---:|---:|---:|",
    ]
    for row in fleet["rows"]:
        lines.append("| %s | `%s` (%s) | %s | %d | %.1f | %s | %.2f | %.1f | %d |" % (
            PLATFORM_TITLES[row["platform"]], row["role"], FLEET_ROLES.get(row["role"], "?"),
            FLEET_RUNS[row["role"], row["measure"]], row["hosts"],
            row["cpu_seconds_median"], ", ".join("%.1f" % value for value in row["cpu_seconds_rounds"]),
            row["cpu_per_host_median"], row["seconds_median"], row["changed"]))
    return lines


def chart(throughput, path):
    # Imported here: the benchmark scripts run this script with the system python3, which has no matplotlib.
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells = throughput_cells(throughput)
    labels = ["%s\n%s, c=%d" % (PLATFORM_TITLES[plat], "keep-alive" if keepalive else "no keep-alive", concurrency)
              for plat, keepalive, concurrency in cells]
    width = 0.8 / len(SERVERS)
    fig, axis = plt.subplots(figsize=(max(8, 1.6 * len(labels)), 5))
    for index, server in enumerate(SERVERS):
        values = [servers.get(server, {}).get("rps_median", 0) for servers in cells.values()]
        positions = [cell + (index - (len(SERVERS) - 1) / 2) * width for cell in range(len(labels))]
        bars = axis.bar(positions, values, width, label=server)
        axis.bar_label(bars, fmt="%.0f", fontsize=7)
    axis.set_xticks(range(len(labels)))
    axis.set_xticklabels(labels, fontsize=8)
    axis.set_ylabel("requests per second (median of %s rounds)" % throughput.get("rounds", "?"))
    axis.set_title("Hello World throughput: the collection's defaults, the walkthrough, a static file")
    axis.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def machine_facts(throughput, deploy, fleet):
    docs = (("throughput", throughput), ("deploy", deploy), ("fleet_cpu", fleet))
    dates = ["%s %s" % (name, doc["date"]) for name, doc in docs if doc and doc.get("date")]
    loads = ["%s.sh finished: %s" % (name, " ".join(doc["loadavg"])) for name, doc in docs
             if doc and doc.get("loadavg")]
    return [
        "- Date of the report: %s%s" % (now(), " (measurements: %s)" % ", ".join(dates) if dates else ""),
        "- CPUs (nproc): %d; memory: %.1f GiB" % (
            os.cpu_count(), os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30),
        "- Kernel: %s %s" % (platform.system(), platform.release()),
        "- Load average when %s" % ("; ".join(loads) if loads else "the benchmarks finished: not recorded"),
        "- The machine is shared with other work: absolute numbers move between runs; ratios of one run are what the "
        "targets are judged on.",
    ]


def report_lines(throughput, deploy, fleet, ratios, chart_name):
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.sh`: `bench/throughput.sh`, `bench/deploy.sh`, `bench/fleet_cpu.sh`, then "
        "`bench/report.py`). It is not part of `make test`.",
        "", "## Machine", "",
    ] + machine_facts(throughput, deploy, fleet) + [
        "", "## Targets", "",
        "Issue 17's, with the collection's defaults, on Ubuntu 18.04 and Debian 12, each ratio's numbers measured in "
        "one run:", "",
    ] + ["- " + target[2] for target in ISSUE_17] + [""]
    lines += ratio_table(issue_rows(ratios))
    lines += ["", "## Every ratio", ""] + ratio_table([ratio for ratio in ratios if ratio.value is not None])
    lines += ["", "## Throughput", ""] + throughput_section(throughput, chart_name)
    lines += ["", "## Deploy time", ""] + deploy_section(deploy)
    lines += ["", "## Controller CPU per host over a fleet", ""] + fleet_cpu_section(fleet)
    return lines


def write_report(args):
    throughput = load(os.path.join(args.results, "throughput.json"))
    deploy = load(os.path.join(args.results, "deploy.json"))
    fleet = load(os.path.join(args.results, "fleet_cpu.json"))
    if throughput is None and deploy is None and fleet is None:
        raise SystemExit("no results in %s: run `make bench` first" % args.results)
    ratios = ((deploy_ratios(deploy) if deploy else []) + (fleet_cpu_ratios(fleet) if fleet else [])
              + (throughput_ratios(throughput) if throughput else []))
    os.makedirs(os.path.dirname(args.markdown), exist_ok=True)
    if throughput is not None:
        os.makedirs(os.path.dirname(args.chart), exist_ok=True)
        chart(throughput, args.chart)
    with open(args.markdown, "w", encoding="utf-8") as handle:
        handle.write("\n".join(report_lines(throughput, deploy, fleet, ratios, os.path.basename(args.chart))) + "\n")
    print("Issue 17's targets:")
    print_ratios(issue_rows(ratios))
    print("\nEvery ratio:")
    print_ratios([ratio for ratio in ratios if ratio.value is not None])
    print("written %s%s" % (args.markdown, " and %s" % args.chart if throughput is not None else ""))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", default=os.path.join(REPO_ROOT, "bench", "results"))
    parser.add_argument("--markdown", default=os.path.join(REPO_ROOT, "docs", "benchmarks.md"))
    parser.add_argument("--chart", default=os.path.join(REPO_ROOT, "docs", "benchmarks.png"))
    parser.set_defaults(command=write_report)
    commands = parser.add_subparsers()
    throughput = commands.add_parser("throughput", help="summarise bench/throughput.sh's ab runs and idle RSS")
    throughput.add_argument("work")
    throughput.add_argument("output")
    throughput.add_argument("--rounds", type=int, required=True)
    throughput.set_defaults(command=summarise_throughput)
    deploy = commands.add_parser("deploy", help="summarise bench/deploy.sh's timings")
    deploy.add_argument("timings")
    deploy.add_argument("output")
    deploy.add_argument("--install-rounds", type=int, required=True)
    deploy.add_argument("--rerun-rounds", type=int, required=True)
    deploy.set_defaults(command=summarise_deploy)
    fleet = commands.add_parser("fleet_cpu", help="summarise bench/fleet_cpu.sh's timings")
    fleet.add_argument("timings")
    fleet.add_argument("output")
    fleet.add_argument("--hosts", type=int, required=True)
    fleet.add_argument("--rounds", type=int, required=True)
    fleet.add_argument("--geerlingguy-commit", required=True)
    fleet.set_defaults(command=summarise_fleet_cpu)
    args = parser.parse_args()
    args.command(args)


if __name__ == "__main__":
    main()
