"""The benchmarks' one Python script: bench/throughput.sh and bench/deploy.sh summarise their raw measurements with
it into bench/results/*.json, and bench/run.sh writes docs/benchmarks.md and the chart docs/benchmarks.png from
those results with it, printing one table of every ratio.

Usage: python3 bench/report.py [--results DIR] [--markdown FILE] [--chart FILE]
       python3 bench/report.py throughput WORK_DIR RESULTS_JSON --rounds N
       python3 bench/report.py deploy TIMINGS_TSV RESULTS_JSON --install-rounds N --rerun-rounds N

Only ratios of numbers measured in the same run are compared: the machines these run on are shared and noisy, so
absolute numbers are printed for context and never compared across runs. A missing results file is reported as not measured.
"""
import argparse
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
# (name, numerator, denominator, target: (comparison, bound) or None)
DEPLOY_RATIOS = (
    ("deploy: idempotent re-run / facts-only play", "idempotent_rerun", "facts_only", ("<=", 4.0)),
    ("deploy: first converge / seed shell script", "first_converge", "seed_shell", None),
    ("deploy: 4 hosts / 1 host", "fleet_4", "fleet_1", ("<=", 1.6)),
    # What no tool can beat on this machine: the plain script, the least a first install does.
    ("deploy floor: seed shell script, 4 hosts / 1 host", "seed_shell_4", "seed_shell", None),
)
THROUGHPUT_RATIOS = (("collection", "seed"), ("collection", "static"), ("seed", "static"))
# The throughput targets hold for keep-alive at concurrency 16.
THROUGHPUT_TARGETS = {("collection", "static"): (">=", 0.70), ("collection", "seed"): (">=", 1.3)}


def load(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None


def write_results(path, document):
    """JSON with one row per line: a run's results stay a few dozen lines in git, and a diff shows the rows that moved."""
    head = json.dumps({key: value for key, value in document.items() if key != "rows"})
    rows = ",\n".join(json.dumps(row) for row in document["rows"])
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('%s, "rows": [\n%s\n]}\n' % (head[:-1], rows))


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
    ab_us = (int(ab_cpu.group(1)) * 60 + float(ab_cpu.group(2)) + int(ab_cpu.group(3)) * 60 + float(ab_cpu.group(4))) * 1e6
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


def throughput_document(runs, rounds):
    return {"kind": "throughput", "rounds": rounds, "rows": [{
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
            plat, "on" if keepalive else "off", concurrency, *(cpu[s] for s in SERVERS), cpu["static"] / cpu["collection"]))


def summarise_throughput(args):
    runs = ab_runs(args.work, args.rounds)
    document = throughput_document(runs, args.rounds)
    write_results(args.output, document)
    print_ratios(throughput_ratios(document))
    print_cpu_per_request(runs)


def read_timings(path):
    """{(platform, measure): {"rounds", "cpu", "changed"}} from lines of platform, measure, seconds, changed (empty: not a
    play) and CPU seconds (may be missing)."""
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
    with open("/proc/loadavg", encoding="utf-8") as handle:
        loadavg = handle.read().split()[:3]
    return {
        "kind": "deploy", "date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), "nproc": os.cpu_count(),
        "loadavg": loadavg, "install_rounds": install_rounds, "rerun_rounds": rerun_rounds,
        "rows": [{
            "platform": plat, "measure": measure,
            "seconds_median": round(statistics.median(row["rounds"]), 2), "seconds_rounds": row["rounds"],
            "changed": row["changed"],
            "cpu_seconds_median": round(statistics.median(row["cpu"]), 2) if row["cpu"] else None,
            "cpu_seconds_rounds": row["cpu"],
        } for (plat, measure), row in sorted(timings.items(), key=lambda item: (item[0][0], MEASURES.index(item[0][1])))],
    }


def summarise_deploy(args):
    document = deploy_document(read_timings(args.timings), args.install_rounds, args.rerun_rounds)
    write_results(args.output, document)
    print_ratios(deploy_ratios(document))


def deploy_ratios(deploy):
    """[(platform, name, value, target)]."""
    rows = {(row["platform"], row["measure"]): row for row in deploy["rows"]}
    found = []
    for plat in sorted({row["platform"] for row in deploy["rows"]}, key=PLATFORM_ORDER.index):
        for name, top, bottom, target in DEPLOY_RATIOS:
            if (plat, top) in rows and (plat, bottom) in rows:
                value = rows[(plat, top)]["seconds_median"] / rows[(plat, bottom)]["seconds_median"]
                if top == "idempotent_rerun" and rows[(plat, top)]["changed"]:
                    # Not idempotent: the target demands changed=0 as well.
                    name += " (changed=%d)" % rows[(plat, top)]["changed"]
                    target = ("<=", 0.0)
                found.append((plat, name, value, target))
        one, four = rows.get((plat, "fleet_1")), rows.get((plat, "fleet_4"))
        if one and four and four.get("cpu_seconds_median"):
            # No schedule beats the fleet's CPU time shared out over the machine's CPUs.
            floor = max(one["seconds_median"], four["cpu_seconds_median"] / deploy.get("nproc", 1))
            found.append((plat, "deploy: 4 hosts / 1 host, floor set by CPU time (%.0f s over %s CPUs)" % (
                four["cpu_seconds_median"], deploy.get("nproc", 1)), floor / one["seconds_median"], None))
    return found


def throughput_cells(throughput):
    """{(platform, keepalive, concurrency): {server: row}} in a stable order."""
    cells = {}
    for row in throughput["rows"]:
        cells.setdefault((row["platform"], row["keepalive"], row["concurrency"]), {})[row["server"]] = row
    return dict(sorted(cells.items(), key=lambda item: (PLATFORM_ORDER.index(item[0][0]), not item[0][1], item[0][2])))


def throughput_ratios(throughput):
    found = []
    for (plat, keepalive, concurrency), servers in throughput_cells(throughput).items():
        for top, bottom in THROUGHPUT_RATIOS:
            if top in servers and bottom in servers and servers[bottom]["rps_median"]:
                found.append((plat, "throughput: %s / %s req/s, %s, c=%d" % (
                    top, bottom, "keep-alive" if keepalive else "no keep-alive", concurrency),
                    servers[top]["rps_median"] / servers[bottom]["rps_median"],
                    THROUGHPUT_TARGETS.get((top, bottom)) if keepalive and concurrency == 16 else None))
    return found


def verdict(value, target):
    if target is None:
        return ""
    comparison, bound = target
    met = value <= bound if comparison == "<=" else value >= bound
    return "%s %.2f: %s" % ("≤" if comparison == "<=" else "≥", bound, "met" if met else "**not met**")


def print_ratios(ratios):
    print("%-13s %-80s %8s  %s" % ("platform", "ratio (medians of one run)", "value", "target"))
    for plat, name, value, target in ratios:
        print("%-13s %-80s %7.2fx  %s" % (plat, name, value, verdict(value, target).replace("**", "")))


def ratio_table(ratios):
    lines = ["| Platform | Ratio (medians of one run) | Value | Target |", "|---|---|---:|---|"]
    for plat, name, value, target in ratios:
        lines.append("| %s | %s | %.2f× | %s |" % (PLATFORM_TITLES[plat], name, value, verdict(value, target)))
    return lines


def throughput_section(throughput, chart_name):
    if throughput is None:
        return ["Not measured: `bench/results/throughput.json` is missing (run `make bench`)."]
    lines = [
        "`bench/throughput.sh`: ApacheBench inside each container against its own 127.0.0.1, %s rounds, every cell once "
        "per round in a rotated order; medians over the rounds." % throughput.get("rounds", "?"),
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
    return lines


def deploy_section(deploy):
    if deploy is None:
        return ["Not measured: `bench/results/deploy.json` is missing (run `make bench`)."]
    lines = [
        "`bench/deploy.sh`: `ansible-playbook` from the tool venv (ansible-core 2.16) with the repository's `ansible.cfg` "
        "(pipelining on) and the `community.docker.docker` connection, into fresh containers started before the clock starts. "
        "First installs: %s rounds, the four kinds in a rotated order; re-run and facts-only alternate %s times on one "
        "configured host. Seconds are wall-clock medians; CPU seconds are those of `ansible-playbook` and the containers "
        "(cgroup cpuacct; dockerd's share is not counted); `changed` is the sum of the play recap's `changed=`."
        % (deploy.get("install_rounds", "?"), deploy.get("rerun_rounds", "?")),
        "",
        "| Platform | Measure | What | Seconds (median) | Seconds per round | CPU seconds (median) | changed |",
        "|---|---|---|---:|---|---:|---:|",
    ]
    for row in sorted(deploy["rows"], key=lambda row: (PLATFORM_ORDER.index(row["platform"]), MEASURES.index(row["measure"]))):
        lines.append("| %s | `%s` | %s | %.1f | %s | %s | %s |" % (
            PLATFORM_TITLES[row["platform"]], row["measure"], MEASURE_TITLES[row["measure"]],
            row["seconds_median"], ", ".join("%.1f" % value for value in row["seconds_rounds"]),
            "" if row.get("cpu_seconds_median") is None else "%.1f" % row["cpu_seconds_median"],
            "" if row["changed"] is None else row["changed"]))
    return lines


def chart(throughput, path):
    # Imported here: throughput.sh and deploy.sh run this script with the system python3, which has no matplotlib.
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


def machine_facts(throughput, deploy):
    dates = [doc.get("date") for doc in (throughput, deploy) if doc and doc.get("date")]
    return [
        "- Date of the report: %s%s" % (datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"),
                                        " (measurements: %s)" % ", ".join(dates) if dates else ""),
        "- CPUs (nproc): %d; memory: %.1f GiB" % (os.cpu_count(), os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30),
        "- Kernel: %s %s" % (platform.system(), platform.release()),
        "- Load average when deploy.sh finished: %s" % (
            " ".join(deploy["loadavg"]) if deploy and deploy.get("loadavg") else "not recorded"),
        "- The machine is shared with other work: absolute numbers move between runs; ratios of one run are what the targets "
        "are judged on.",
    ]


def report_lines(throughput, deploy, ratios, chart_name):
    targets = [ratio for ratio in ratios if ratio[3] is not None]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.sh`: `bench/throughput.sh`, `bench/deploy.sh`, then `bench/report.py`). "
        "It is not part of `make test`.",
        "", "## Machine", "",
    ] + machine_facts(throughput, deploy) + [
        "", "## Targets", "", "With the collection's defaults, on Ubuntu 18.04 and Debian 12:", "",
        "- an idempotent re-run of `site.yml` takes at most 4.0× a play that only gathers facts, with `changed=0`;",
        "- deploying to 4 hosts at once takes at most 1.6× deploying to 1;",
        "- daemon-mode Hello World serves at least 0.70× the static file's requests/s, and at least 1.3× the walkthrough's "
        "configuration (keep-alive, concurrency 16).",
        "",
    ]
    lines += ratio_table(targets) if targets else ["Not measured in this run."]
    lines += ["", "## Every ratio", ""] + ratio_table(ratios)
    lines += ["", "## Throughput", ""] + throughput_section(throughput, chart_name)
    lines += ["", "## Deploy time", ""] + deploy_section(deploy)
    return lines


def write_report(args):
    throughput = load(os.path.join(args.results, "throughput.json"))
    deploy = load(os.path.join(args.results, "deploy.json"))
    if throughput is None and deploy is None:
        raise SystemExit("no results in %s: run `make bench` first" % args.results)
    ratios = (deploy_ratios(deploy) if deploy else []) + (throughput_ratios(throughput) if throughput else [])
    if throughput is not None:
        chart(throughput, args.chart)
    os.makedirs(os.path.dirname(args.markdown), exist_ok=True)
    with open(args.markdown, "w", encoding="utf-8") as handle:
        handle.write("\n".join(report_lines(throughput, deploy, ratios, os.path.basename(args.chart))) + "\n")
    print_ratios(ratios)
    print("written %s%s" % (args.markdown, " and %s" % args.chart if throughput is not None else ""))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", default=os.path.join(REPO_ROOT, "bench", "results"))
    parser.add_argument("--markdown", default=os.path.join(REPO_ROOT, "docs", "benchmarks.md"))
    parser.add_argument("--chart", default=os.path.join(REPO_ROOT, "docs", "benchmarks.png"))
    parser.set_defaults(command=write_report)
    commands = parser.add_subparsers()
    throughput = commands.add_parser("throughput", help="summarise bench/throughput.sh's ab runs")
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
    args = parser.parse_args()
    args.command(args)


if __name__ == "__main__":
    main()
