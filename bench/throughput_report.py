"""Summarises the raw ab runs of bench/throughput.sh into bench/results/throughput.json
and prints one table of ratios.

Usage: python3 throughput_report.py WORK_DIR RESULTS_JSON --rounds N --seconds S --elapsed E
"""
import argparse
import glob
import json
import os
import re
import statistics
import sys

PLATFORMS = {"ubuntu1804": "ubuntu-18.04", "debian12": "debian-12"}
SERVERS = ("collection", "seed", "static")
RATIOS = (("collection", "static"), ("seed", "static"), ("collection", "seed"))


def parse_run(path):
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
    ab_us = (int(ab_cpu.group(1)) * 60 + float(ab_cpu.group(2)) + int(ab_cpu.group(3)) * 60
             + float(ab_cpu.group(4))) * 1e6
    # CPU the server spent per request it logged: the container's, less ab's own.
    cpu_us = (int(cgroup.group(1)) / 1000 - ab_us) / int(served.group(1))
    return meta, float(rps.group(1)), float(percentiles["50"]), float(percentiles["99"]), cpu_us


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("work")
    parser.add_argument("results")
    parser.add_argument("--rounds", type=int, required=True)
    parser.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--elapsed", type=int, required=True)
    args = parser.parse_args()

    # (platform, server, keepalive, concurrency) -> {round: (rps, p50, p99)}
    cells = {}
    for path in glob.glob(os.path.join(args.work, "run-*.txt")):
        meta, rps, p50, p99, cpu_us = parse_run(path)
        key = (meta["platform"], meta["server"], meta["keepalive"] == "true", int(meta["concurrency"]))
        cells.setdefault(key, {})[int(os.path.basename(path).split("-")[1])] = (rps, p50, p99, cpu_us)

    rows = []
    for (platform, server, keepalive, concurrency), runs in sorted(
            cells.items(), key=lambda item: (item[0][0] != "ubuntu1804", not item[0][2], item[0][3],
                                             SERVERS.index(item[0][1]))):
        if len(runs) != args.rounds:
            sys.exit("%s %s keepalive=%s c=%d: %d runs, expected %d"
                     % (platform, server, keepalive, concurrency, len(runs), args.rounds))
        ordered = [runs[r] for r in sorted(runs)]
        rows.append({
            "platform": PLATFORMS[platform],
            "server": server,
            "keepalive": keepalive,
            "concurrency": concurrency,
            "rps_median": round(statistics.median(r[0] for r in ordered), 1),
            "rps_rounds": [round(r[0], 1) for r in ordered],
            "p50_ms": round(statistics.median(r[1] for r in ordered), 3),
            "p99_ms": round(statistics.median(r[2] for r in ordered), 3),
        })
    with open(args.results, "w", encoding="utf-8") as out:
        json.dump({"kind": "throughput", "rounds": args.rounds, "rows": rows}, out, indent=2)
        out.write("\n")

    index = {(r["platform"], r["server"], r["keepalive"], r["concurrency"]): r for r in rows}
    print()
    print("Throughput: ratios of median requests/s (per-round ratio range in brackets); "
          "%d rounds x %d s per cell, %d s in all" % (args.rounds, args.seconds, args.elapsed))
    print("absolute req/s and p50/p99 ms are this run's only: never compare them across runs")
    print()
    header = "%-12s %-5s %4s | %-18s %-18s %-18s | %-22s %-22s %-22s" % (
        "platform", "k-a", "c", "collection/static", "seed/static", "collection/seed",
        "collection rps p50/p99", "seed rps p50/p99", "static rps p50/p99")
    print(header)
    print("-" * len(header))
    for platform in [p for p in PLATFORMS.values() if any(k[0] == p for k in index)]:
        for keepalive in (True, False):
            for concurrency in (16, 64):
                cell = {s: index.get((platform, s, keepalive, concurrency)) for s in SERVERS}
                if None in cell.values():
                    continue
                ratios = []
                for num, den in RATIOS:
                    per_round = [a / b for a, b in zip(cell[num]["rps_rounds"], cell[den]["rps_rounds"])]
                    ratios.append("%.2f [%.2f-%.2f]" % (cell[num]["rps_median"] / cell[den]["rps_median"],
                                                        min(per_round), max(per_round)))
                absolute = ["%6.0f %5.2f/%6.2f" % (cell[s]["rps_median"], cell[s]["p50_ms"], cell[s]["p99_ms"])
                            for s in SERVERS]
                print("%-12s %-5s %4d | %-18s %-18s %-18s | %-22s %-22s %-22s" % (
                    platform, "on" if keepalive else "off", concurrency, *ratios, *absolute))
    print()
    print("Server CPU per request (microseconds, median over rounds; the container's CPU time less ab's):")
    print("where CPU is the limit, collection/static cannot exceed static's CPU per request / collection's")
    print()
    header = "%-12s %-5s %4s | %10s %10s %10s | %s" % (
        "platform", "k-a", "c", "collection", "seed", "static", "static/collection (CPU-bound ceiling)")
    print(header)
    print("-" * len(header))
    for platform in [p for p in PLATFORMS if any(k[0] == p for k in cells)]:
        for keepalive in (True, False):
            for concurrency in (16, 64):
                if any((platform, s, keepalive, concurrency) not in cells for s in SERVERS):
                    continue
                cpu = {s: statistics.median(r[3] for r in cells[(platform, s, keepalive, concurrency)].values())
                       for s in SERVERS}
                print("%-12s %-5s %4d | %10.0f %10.0f %10.0f | %.2f" % (
                    PLATFORMS[platform], "on" if keepalive else "off", concurrency,
                    cpu["collection"], cpu["seed"], cpu["static"], cpu["static"] / cpu["collection"]))
    print()
    print("targets (keep-alive, c16): collection/static >= 0.70, collection/seed >= 1.30")


if __name__ == "__main__":
    main()
