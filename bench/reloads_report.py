"""Summarises bench/reloads.sh's raw output into bench/results/reloads.json and prints its table.

Usage: python3 bench/reloads_report.py WORK_DIR RESULTS_JSON --rounds N --reloads N [--seconds S --elapsed S --load L]

WORK_DIR holds build-<build>.txt (what each container runs), run-<round>-<build>-<config|touch>.txt (the reload
driver's output: ab's report, the statuses Apache logged, the error log lines of the run) and
tp-<round>-<build>.txt (ab -k's throughput report). Only ratios of numbers measured in the same run are compared.
Standard library only: bench/reloads.sh runs it with the system python3.
"""
import argparse
import collections
import datetime
import json
import os
import re
import statistics
import sys

BUILDS = ("package", "pip")
KINDS = {"config": "config: systemctl reload apache2", "touch": "code: touch the WSGI script"}
BREAKDOWN = re.compile(r"\(Connect: (\d+), Receive: (\d+), Length: (\d+), Exceptions: (\d+)\)")
STAMP = re.compile(r"^\[\w{3} \w{3} +\d+ (\d\d):(\d\d):(\d\d)\.(\d+) \d{4}\]")


def field(text, pattern, default=0.0):
    match = re.search(pattern, text, re.M)
    return float(match.group(1)) if match else default


def statuses(text):
    """{status: count} Apache logged for the run (its access log)."""
    match = re.search(r"^STATUSES (.*)$", text, re.M)
    numbers = (match.group(1).split() if match else [])
    return {status: int(count) for count, status in zip(numbers[::2], numbers[1::2])}


def failed_requests(text):
    """(bad, non2xx, dropped) of one ab report without keep-alive.

    ab's "Failed requests" counts a response whose length differs from the first response's as a Length failure, so
    every 503 or 500 page (longer than "Hello World!") is counted twice: as Non-2xx and as Length. A request is bad
    once: an error status, or no complete answer (Connect, Receive, Exceptions, and the Length failures that are not
    error statuses)."""
    breakdown = BREAKDOWN.search(text)
    connect, receive, length, exceptions = (int(x) for x in breakdown.groups()) if breakdown else (0, 0, 0, 0)
    non2xx = int(field(text, r"^Non-2xx responses:\s+(\d+)"))
    dropped = connect + receive + exceptions + max(0, length - non2xx)
    return non2xx + dropped, non2xx, dropped


def normalise(line):
    """An error log line without what differs between occurrences."""
    line = re.sub(r"^\[[^]]*\] ", "", line)
    line = re.sub(r"\[pid \d+(:tid \d+)?\] ", "", line)
    line = re.sub(r"\[client [^]]*\] ", "", line)
    line = re.sub(r"pid=\d+", "pid=N", line)
    line = re.sub(r"wsgi\.[0-9a-z.]+\.sock", "wsgi.*.sock", line)
    line = re.sub(r"attempt #\d+", "attempt #N", line)
    line = re.sub(r"(mod_wsgi|Python|Apache)/[0-9.]+", r"\1/V", line)
    return line.strip()


def error_lines(text):
    """Every error log line the run wrote, from error.log and the site's error log."""
    lines = []
    for block in re.findall(r"^ERRLOG_BEGIN \S+\n(.*?)^ERRLOG_END$", text, re.M | re.S):
        lines += [line for line in block.splitlines() if line.strip()]
    return lines


def reload_windows(lines):
    """Milliseconds from AH00493 "SIGUSR1 received" to AH00489 "resuming normal operations", per graceful reload."""
    windows, start = [], None
    for line in lines:
        stamp = STAMP.match(line)
        if not stamp:
            continue
        hours, minutes, secs, micro = stamp.groups()
        when = int(hours) * 3600 + int(minutes) * 60 + int(secs) + int(micro) / 10 ** len(micro)
        if "AH00493" in line:
            start = when
        elif "AH00489" in line and start is not None:
            windows.append(round((when - start) * 1000))
            start = None
    return windows


def spread(values):
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "rounds": values}


def read_build(work, build):
    info = {}
    with open(os.path.join(work, "build-%s.txt" % build), encoding="utf-8") as handle:
        for line in handle:
            key, _sep, value = line.rstrip("\n").partition("=")
            info[key] = value
    return info


def summarise(work, rounds, reloads):
    reload_rows, throughput_rows, causes = [], [], {}
    for build in BUILDS:
        messages = collections.Counter()
        for kind in KINDS:
            per_reload, rps, windows, runs, mismatch = [], [], [], [], []
            for round_ in range(1, rounds + 1):
                path = os.path.join(work, "run-%d-%s-%s.txt" % (round_, build, kind))
                with open(path, encoding="utf-8", errors="replace") as handle:
                    text = handle.read()
                if "RUN_RC" in text or not re.search(r"^Complete requests:", text, re.M):
                    sys.exit("%s: the run did not complete" % path)
                bad, non2xx, dropped = failed_requests(text)
                done = int(field(text, r"^RELOADS (\d+)"))
                logged = statuses(text)
                logged_errors = sum(count for status, count in logged.items() if not status.startswith("2"))
                # Apache logs every answer it sent; ab's count of error statuses must match it, or a failure was
                # counted wrongly (requests Apache never answered appear in ab's count only).
                if logged_errors != non2xx:
                    mismatch.append(round_)
                per_reload.append(round(bad / done, 2))
                rps.append(field(text, r"^Requests per second:\s+([0-9.]+)"))
                lines = error_lines(text)
                windows += reload_windows(lines)
                messages.update(normalise(line) for line in lines if re.search(r":(error|crit|alert|emerg|warn)\]", line))
                runs.append({"round": round_, "complete": int(field(text, r"^Complete requests:\s+(\d+)")),
                             "bad": bad, "non2xx": non2xx, "dropped": dropped, "reloads": done,
                             "apache_statuses": logged})
            reload_rows.append({
                "build": build, "kind": kind, "failed_per_reload": spread(per_reload),
                "rps_under_reloads_median": round(statistics.median(rps), 1),
                "reload_window_ms": spread(windows) if windows else None,
                "status_count_mismatch_rounds": mismatch, "runs": runs})
        tp = []
        for round_ in range(1, rounds + 1):
            with open(os.path.join(work, "tp-%d-%s.txt" % (round_, build)), encoding="utf-8", errors="replace") as handle:
                tp.append(field(handle.read(), r"^Requests per second:\s+([0-9.]+)"))
        throughput_rows.append({"build": build, "rps": spread(tp)})
        causes[build] = [{"count": count, "line": line} for line, count in messages.most_common(12)]
    return reload_rows, throughput_rows, causes


def fmt(row, digits=1):
    return "%.*f / %.*f / %.*f" % (digits, row["min"], digits, row["median"], digits, row["max"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("work")
    parser.add_argument("output")
    parser.add_argument("--rounds", type=int, required=True)
    parser.add_argument("--reloads", type=int, required=True)
    for option in ("seconds", "elapsed", "load"):
        parser.add_argument("--" + option, default="")
    args = parser.parse_args()

    builds = {build: read_build(args.work, build) for build in BUILDS}
    reload_rows, throughput_rows, causes = summarise(args.work, args.rounds, args.reloads)
    tp = {row["build"]: row["rps"]["median"] for row in throughput_rows}
    rounds_tp = {row["build"]: row["rps"]["rounds"] for row in throughput_rows}
    # The ratio of the medians, and the ratio within each round (neighbouring moments of the host, the builds on
    # swapped CPUs from one round to the next).
    ratios = {"throughput_pip_over_package": round(tp["pip"] / tp["package"], 3),
              "throughput_pip_over_package_per_round": [
                  round(pip / package, 3) for pip, package in zip(rounds_tp["pip"], rounds_tp["package"])]}
    for kind in KINDS:
        medians = {row["build"]: row["failed_per_reload"]["median"] for row in reload_rows if row["kind"] == kind}
        ratios["%s_failed_per_reload_pip_over_package" % kind] = (
            round(medians["pip"] / medians["package"], 3) if medians["package"] else None)
    document = {
        "kind": "reloads", "date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), "platform": "debian-12",
        "rounds": args.rounds, "reloads_per_run": args.reloads, "seconds_per_run": args.seconds, "ncpu": os.cpu_count(),
        "elapsed_seconds": args.elapsed, "loadavg_at_end": args.load.split(), "builds": builds, "ratios": ratios,
        "reloads": reload_rows, "throughput": throughput_rows, "error_log": causes,
    }
    with open(args.output, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1)
        handle.write("\n")

    print("\n%d rounds; per run ab -c 8 without keep-alive, %s reloads 1 s apart; throughput ab -k -c 16" % (
        args.rounds, args.reloads))
    for build in BUILDS:
        print("  %-8s mod_wsgi %s, Apache %s, Python %s, MPM %s" % (
            build, builds[build].get("mod_wsgi"), builds[build].get("apache"), builds[build].get("python"),
            builds[build].get("mpm")))
    line = "%-50s %-8s %-22s %s"
    print("\n" + line % ("measure", "build", "min / median / max", "pip/package (medians)"))
    for kind, title in KINDS.items():
        rows = {r["build"]: r for r in reload_rows if r["kind"] == kind}
        ratio = ratios["%s_failed_per_reload_pip_over_package" % kind]
        if ratio is not None:
            compared = "%.2fx" % ratio
        else:
            compared = "both 0" if rows["pip"]["failed_per_reload"]["median"] == 0 else "package 0"
        for build in BUILDS:
            print(line % ("failed per reload, " + title if build == "package" else "", build,
                          fmt(rows[build]["failed_per_reload"], 2), compared if build == "pip" else ""))
    for row in throughput_rows:
        print(line % ("throughput req/s, ab -k -c 16" if row["build"] == "package" else "", row["build"],
                      fmt(row["rps"], 0), "%.2fx" % ratios["throughput_pip_over_package"] if row["build"] == "pip" else ""))
    print("throughput pip/package within each round: %s" % ", ".join(
        "%.2f" % value for value in ratios["throughput_pip_over_package_per_round"]))
    for row in reload_rows:
        if row["reload_window_ms"]:
            print("reload window (AH00493 to AH00489), ms, %-7s: %s" % (row["build"], fmt(row["reload_window_ms"], 0)))
        if row["status_count_mismatch_rounds"]:
            print("WARNING %s %s: ab's Non-2xx differs from Apache's logged error statuses in rounds %s" % (
                row["build"], row["kind"], row["status_count_mismatch_rounds"]))
    for build in BUILDS:
        print("\nerror log lines (warn and worse) during the reload runs, %s:" % build)
        for cause in causes[build]:
            print("  %5d  %s" % (cause["count"], cause["line"][:200]))


if __name__ == "__main__":
    main()
