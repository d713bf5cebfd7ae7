"""Writes docs/benchmarks.md and docs/benchmarks.png from the results of bench/throughput.sh
and bench/deploy.sh (bench/results/*.json), and prints one table of every ratio.

Usage: python3 bench/report.py [--results DIR] [--markdown FILE] [--chart FILE]

Only ratios of numbers measured in the same run are compared: the machines these run on
are shared and noisy, so absolute numbers are printed for context and never compared
across runs. A results file that is missing is reported as not measured.
"""
import argparse
import datetime
import json
import os
import platform

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLATFORM_TITLES = {"ubuntu-18.04": "Ubuntu 18.04", "debian-12": "Debian 12"}
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


def platform_title(name):
    return PLATFORM_TITLES.get(name, name)


def deploy_ratios(deploy):
    """[(platform, name, value, target)]."""
    medians = {(row["platform"], row["measure"]): row["seconds_median"] for row in deploy["rows"]}
    changed = {row["platform"]: row["changed"] for row in deploy["rows"] if row["measure"] == "idempotent_rerun"}
    found = []
    for plat in sorted({row["platform"] for row in deploy["rows"]}, key=list(PLATFORM_TITLES).index):
        for name, top, bottom, target in DEPLOY_RATIOS:
            if (plat, top) in medians and (plat, bottom) in medians:
                value = medians[(plat, top)] / medians[(plat, bottom)]
                if top == "idempotent_rerun" and changed.get(plat):
                    # Not idempotent: the target demands changed=0 as well.
                    name += " (changed=%d)" % changed[plat]
                    target = ("<=", 0.0)
                found.append((plat, name, value, target))
        one = next((row for row in deploy["rows"] if row["platform"] == plat and row["measure"] == "fleet_1"), None)
        four = next((row for row in deploy["rows"] if row["platform"] == plat and row["measure"] == "fleet_4"), None)
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
    return dict(sorted(cells.items(), key=lambda item: (
        list(PLATFORM_TITLES).index(item[0][0]) if item[0][0] in PLATFORM_TITLES else 9,
        not item[0][1], item[0][2])))


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


def ratio_table(ratios):
    lines = ["| Platform | Ratio (medians of one run) | Value | Target |", "|---|---|---:|---|"]
    for plat, name, value, target in ratios:
        lines.append("| %s | %s | %.2f× | %s |" % (platform_title(plat), name, value, verdict(value, target)))
    return lines


def throughput_section(throughput, chart_name):
    if throughput is None:
        return ["Not measured: `bench/results/throughput.json` is missing (run `make bench`)."]
    lines = [
        "`bench/throughput.sh`: ApacheBench inside each container against its own 127.0.0.1, "
        "%s rounds, every cell once per round in a rotated order; medians over the rounds." % throughput.get(
            "rounds", "?"),
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
        for server in SERVERS:
            row = servers.get(server)
            if row is None:
                continue
            lines.append("| %s | %s | %d | %s | %.0f | %s | %s | %s |" % (
                platform_title(plat), "yes" if keepalive else "no", concurrency, server, row["rps_median"],
                ", ".join("%.0f" % value for value in row.get("rps_rounds", [])),
                row.get("p50_ms", ""), row.get("p99_ms", "")))
    return lines


def deploy_section(deploy):
    if deploy is None:
        return ["Not measured: `bench/results/deploy.json` is missing (run `make bench`)."]
    lines = [
        "`bench/deploy.sh`: `ansible-playbook` from the tool venv (ansible-core 2.16) with the "
        "repository's `ansible.cfg` (pipelining on) and the `community.docker.docker` connection, "
        "into fresh containers started before the clock starts. First installs: %s rounds, the "
        "four kinds in a rotated order; re-run and facts-only alternate %s times on one configured "
        "host. Seconds are wall-clock medians; CPU seconds are those of `ansible-playbook` and the "
        "containers (cgroup cpuacct; dockerd's share is not counted); `changed` is the sum of the play "
        "recap's `changed=`."
        % (deploy.get("install_rounds", "?"), deploy.get("rerun_rounds", "?")),
        "",
        "| Platform | Measure | What | Seconds (median) | Seconds per round | CPU seconds (median) | changed |",
        "|---|---|---|---:|---|---:|---:|",
    ]
    for row in sorted(deploy["rows"], key=lambda row: (
            list(PLATFORM_TITLES).index(row["platform"]) if row["platform"] in PLATFORM_TITLES else 9,
            MEASURES.index(row["measure"]) if row["measure"] in MEASURES else 99)):
        lines.append("| %s | `%s` | %s | %.1f | %s | %s | %s |" % (
            platform_title(row["platform"]), row["measure"], MEASURE_TITLES.get(row["measure"], ""),
            row["seconds_median"], ", ".join("%.1f" % value for value in row["seconds_rounds"]),
            "" if row.get("cpu_seconds_median") is None else "%.1f" % row["cpu_seconds_median"],
            "" if row["changed"] is None else row["changed"]))
    return lines


def chart(throughput, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells = throughput_cells(throughput)
    labels = ["%s\n%s, c=%d" % (platform_title(plat), "keep-alive" if keepalive else "no keep-alive", concurrency)
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
        "- CPUs (nproc): %d; memory: %s" % (os.cpu_count(), memory()),
        "- Kernel: %s %s" % (platform.system(), platform.release()),
        "- Load average when deploy.sh finished: %s" % (
            " ".join(deploy["loadavg"]) if deploy and deploy.get("loadavg") else "not recorded"),
        "- The machine is shared with other work: absolute numbers move between runs; ratios of "
        "one run are what the targets are judged on.",
    ]


def memory():
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            kib = int(handle.readline().split()[1])
        return "%.1f GiB" % (kib / 1024 / 1024)
    except (OSError, ValueError, IndexError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", default=os.path.join(REPO_ROOT, "bench", "results"))
    parser.add_argument("--markdown", default=os.path.join(REPO_ROOT, "docs", "benchmarks.md"))
    parser.add_argument("--chart", default=os.path.join(REPO_ROOT, "docs", "benchmarks.png"))
    args = parser.parse_args()

    throughput = load(os.path.join(args.results, "throughput.json"))
    deploy = load(os.path.join(args.results, "deploy.json"))
    if throughput is None and deploy is None:
        raise SystemExit("no results in %s: run `make bench` first" % args.results)
    ratios = (deploy_ratios(deploy) if deploy else []) + (throughput_ratios(throughput) if throughput else [])
    targets = [ratio for ratio in ratios if ratio[3] is not None]

    if throughput is not None:
        chart(throughput, args.chart)
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.sh`: `bench/throughput.sh`, `bench/deploy.sh`, then "
        "`bench/report.py`). It is not part of `make test`.",
        "",
        "## Machine",
        "",
    ] + machine_facts(throughput, deploy) + [
        "",
        "## Targets",
        "",
        "With the collection's defaults, on Ubuntu 18.04 and Debian 12:",
        "",
        "- an idempotent re-run of `site.yml` takes at most 4.0× a play that only gathers facts, "
        "with `changed=0`;",
        "- deploying to 4 hosts at once takes at most 1.6× deploying to 1;",
        "- daemon-mode Hello World serves at least 0.70× the static file's requests/s, and at "
        "least 1.3× the walkthrough's configuration (keep-alive, concurrency 16).",
        "",
    ]
    if targets:
        lines += ratio_table(targets)
    else:
        lines.append("Not measured in this run.")
    lines += ["", "## Every ratio", ""] + ratio_table(ratios)
    lines += ["", "## Throughput", ""] + throughput_section(throughput, os.path.basename(args.chart))
    lines += ["", "## Deploy time", ""] + deploy_section(deploy)
    os.makedirs(os.path.dirname(args.markdown), exist_ok=True)
    with open(args.markdown, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")

    print("%-13s %-80s %8s  %s" % ("platform", "ratio (medians of one run)", "value", "target"))
    for plat, name, value, target in ratios:
        print("%-13s %-80s %7.2fx  %s" % (plat, name, value, verdict(value, target).replace("**", "")))
    print("written %s%s" % (args.markdown, " and %s" % args.chart if throughput is not None else ""))


if __name__ == "__main__":
    main()
