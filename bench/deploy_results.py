"""Turns bench/deploy.sh's timings (TSV: platform, measure, seconds, changed) into
bench/results/deploy.json and prints the ratios measured in that run (report.py's).

fleet_1 is not run separately: a deploy to one fresh host is exactly what first_converge
times, so its rounds are reused under that name.
"""
import argparse
import datetime
import json
import os
import statistics

from report import MEASURES, deploy_ratios, verdict

PLATFORMS = {"ubuntu1804": "ubuntu-18.04", "debian12": "debian-12"}


def load(path):
    rows = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            platform, measure, seconds, changed, cpu = (line.rstrip("\n").split("\t") + [""])[:5]
            row = rows.setdefault((PLATFORMS.get(platform, platform), measure),
                                  {"rounds": [], "cpu": [], "changed": None})
            row["rounds"].append(float(seconds))
            if cpu != "":
                row["cpu"].append(float(cpu))
            if changed != "":
                row["changed"] = max(row["changed"] or 0, int(changed))
    for (platform, measure), row in list(rows.items()):
        if measure == "first_converge":
            rows[(platform, "fleet_1")] = dict(row)
    return rows


def read_loadavg():
    with open("/proc/loadavg", encoding="utf-8") as handle:
        return handle.read().split()[:3]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("timings")
    parser.add_argument("output")
    parser.add_argument("--install-rounds", type=int, required=True)
    parser.add_argument("--rerun-rounds", type=int, required=True)
    parser.add_argument("--log-dir", default="")
    args = parser.parse_args()

    rows = load(args.timings)
    document = {
        "kind": "deploy",
        "date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "loadavg": read_loadavg(),
        "install_rounds": args.install_rounds,
        "rerun_rounds": args.rerun_rounds,
        "rows": [
            {
                "platform": platform,
                "measure": measure,
                "seconds_median": round(statistics.median(row["rounds"]), 2),
                "seconds_rounds": row["rounds"],
                "changed": row["changed"],
                "cpu_seconds_median": round(statistics.median(row["cpu"]), 2) if row["cpu"] else None,
                "cpu_seconds_rounds": row["cpu"],
            }
            for (platform, measure), row in sorted(rows.items(), key=lambda item: (
                item[0][0], MEASURES.index(item[0][1]) if item[0][1] in MEASURES else 99))
        ],
    }
    with open(args.output, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
        handle.write("\n")

    # The same ratios, CPU floor and verdicts as the report's, from the document just written.
    for platform, name, value, target in deploy_ratios(document):
        print("%-14s %-75s %6.2fx  %s" % (platform, name, value, verdict(value, target).replace("**", "")))
    print("written %s%s" % (args.output, " (logs: %s)" % args.log_dir if args.log_dir else ""))


if __name__ == "__main__":
    main()
