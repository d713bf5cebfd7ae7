# Reads the raw output of bench/reload_failures.sh (one directory per platform with
# run-*.txt, mitigations.tsv, platform.txt, config-*.txt) and writes the markdown report;
# prints its results table.
"""Summarise the reload benchmark's raw ApacheBench output as markdown."""

import argparse
import collections
import os
import re
import statistics
import sys

KINDS = {
    'none': 'none (baseline)',
    'config': 'config (graceful)',
    'touch': 'code (touch .wsgi)',
    'usr1': 'code (SIGUSR1 to daemons)',
}
KIND_ORDER = ['config', 'touch', 'usr1', 'none']
AB_FIELDS = {
    'complete': r'^Complete requests:\s+(\d+)',
    'failed': r'^Failed requests:\s+(\d+)',
    'non2xx': r'^Non-2xx responses:\s+(\d+)',
    'rps': r'^Requests per second:\s+([\d.]+)',
    'seconds': r'^Time taken for tests:\s+([\d.]+)',
}
BREAKDOWN = r'\(Connect: (\d+), Receive: (\d+), Length: (\d+), Exceptions: (\d+)\)'
# error.log lines that every reload writes and that say nothing about failures.
ROUTINE = re.compile(r':(notice|info|debug)\]')


def ratio(cells, baseline, kind, ab, mitigation):
    """Median over the repetitions of req/s relative to the baseline's run of the same rep."""
    base = {r['meta']['rep']: r['rps'] for r in cells.get((kind, ab, baseline), []) if r['ok'] and r['rps']}
    ratios = [r['rps'] / base[r['meta']['rep']] for r in cells.get((kind, ab, mitigation), [])
              if r['ok'] and r['meta']['rep'] in base]
    return '%.2f' % statistics.median(ratios) if ratios else 'n/a'


def parse_run(path):
    """Returns the figures of one run file, or None if ab reported nothing."""
    with open(path, encoding='utf-8', errors='replace') as handle:
        text = handle.read()
    meta = dict(item.split('=', 1) for item in text.splitlines()[0].split()[1:])
    head, _sep, rest = text.partition('ERRLOG_BEGIN\n')
    errlog = rest.partition('ERRLOG_END')[0]
    run = {'meta': meta, 'errlog': [line for line in errlog.splitlines() if line.strip()]}
    for name, pattern in AB_FIELDS.items():
        match = re.search(pattern, head, re.M)
        run[name] = float(match.group(1)) if match else 0.0
    reloads = re.search(r'^RELOADS (\d+)', head, re.M)
    run['reloads'] = int(reloads.group(1)) if reloads else 0
    breakdown = re.search(BREAKDOWN, head)
    connect, receive, length, exceptions = (int(x) for x in breakdown.groups()) if breakdown else (0, 0, 0, 0)
    non2xx = int(run['non2xx'])
    # ab counts a non-2xx answer also as a "Length" failure (its body differs from the first
    # response's), so a request is bad once: an error status, or no/short/broken answer.
    run['dropped'] = connect + receive + exceptions + max(0, length - non2xx)
    run['bad'] = non2xx + run['dropped']
    run['ok'] = bool(run['complete']) and 'RUN_RC' not in head
    return run


STAMP = re.compile(r'^\[\w{3} \w{3} +\d+ (\d\d):(\d\d):(\d\d)\.(\d+) \d{4}\]')


def reload_windows(errlog):
    """Per graceful restart in a run: (milliseconds from "SIGUSR1 received" (AH00493) to
    "resuming normal operations" (AH00489), mod_wsgi error lines logged until the next restart)."""
    windows = []
    for line in errlog:
        stamp = STAMP.match(line)
        if not stamp:
            continue
        hours, minutes, secs, micro = stamp.groups()
        when = int(hours) * 3600 + int(minutes) * 60 + int(secs) + int(micro) / 10 ** len(micro)
        if 'AH00493' in line:
            windows.append([when, None, 0])
        elif 'AH00489' in line and windows and windows[-1][1] is None:
            windows[-1][1] = when
        elif '[wsgi:error]' in line and windows:
            windows[-1][2] += 1
    return [((end - start) * 1000 if end is not None else None, errors) for start, end, errors in windows]


def normalise(line):
    """An error.log line without what differs between occurrences."""
    line = re.sub(r'^\[[^]]*\] ', '', line)
    line = re.sub(r'\[pid \d+(:tid \d+)?\] ', '', line)
    line = re.sub(r'\[client [^]]*\] ', '', line)
    line = re.sub(r'pid=\d+', 'pid=N', line)
    line = re.sub(r'(wsgi\.)\d+\.\d+\.(\d+)\.sock', r'\1PID.GEN.\2.sock', line)
    line = re.sub(r'(wsgi\.)\d+\.u\d+\.(\d+)\.sock', r'\1PID.uUID.\2.sock', line)
    line = re.sub(r'attempt #\d+', 'attempt #N', line)
    return line.strip()


def spread(values, fmt):
    """min / median / max."""
    if not values:
        return 'n/a'
    return ' / '.join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def read_platform(directory):
    """Reads one platform's directory."""
    info = {}
    with open(os.path.join(directory, 'platform.txt'), encoding='utf-8') as handle:
        for line in handle:
            key, _sep, value = line.rstrip('\n').partition('=')
            info[key] = value
    mitigations = collections.OrderedDict()
    with open(os.path.join(directory, 'mitigations.tsv'), encoding='utf-8') as handle:
        for line in handle:
            ident, _sep, label = line.rstrip('\n').partition('\t')
            mitigations[ident] = label
    runs = [parse_run(os.path.join(directory, name))
            for name in sorted(os.listdir(directory)) if name.startswith('run-')]
    configs = {}
    for ident in mitigations:
        path = os.path.join(directory, 'config-%s.txt' % ident)
        if os.path.exists(path):
            with open(path, encoding='utf-8') as handle:
                configs[ident] = handle.read().rstrip()
    return info, mitigations, runs, configs


def main():
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('work')
    parser.add_argument('output')
    for option in ('reps', 'seconds', 'reloads', 'interval', 'lead', 'parallel', 'elapsed', 'ncpu', 'load'):
        parser.add_argument('--' + option, default='?')
    args = parser.parse_args()

    platforms = sorted(d for d in os.listdir(args.work) if os.path.isdir(os.path.join(args.work, d)))
    platforms.sort(key=lambda d: 0 if d.startswith('ubuntu') else 1)

    rows = []
    details = []
    logs = []
    for platform in platforms:
        info, mitigations, runs, configs = read_platform(os.path.join(args.work, platform))
        title = '%s (Apache %s, mod_wsgi %s)' % (info.get('title', platform), info.get('apache', '?').split('-')[0],
                                                 info.get('mod_wsgi', '?').split('-')[0])
        cells = collections.OrderedDict()
        for run in runs:
            meta = run['meta']
            cells.setdefault((meta['kind'], meta['ab'], meta['mitigation']), []).append(run)
        baseline = next(iter(mitigations))
        keys = sorted(cells, key=lambda k: (KIND_ORDER.index(k[0]), k[1] != 'k', list(mitigations).index(k[2])))
        for kind, ab, mitigation in keys:
            group = [r for r in cells[(kind, ab, mitigation)] if r['ok']]
            broken = len(cells[(kind, ab, mitigation)]) - len(group)
            if kind == 'none':
                per = [r['bad'] for r in group]
                unit = 'per run'
            else:
                per = [r['bad'] / r['reloads'] for r in group if r['reloads']]
                unit = 'per reload'
            non2xx = sum(int(r['non2xx']) for r in group)
            dropped = sum(r['dropped'] for r in group)
            rps = [r['rps'] for r in group]
            windows = [w for r in group for w in reload_windows(r['errlog'])]
            if windows:
                spans = [ms for ms, _errors in windows if ms is not None]
                restarts = '%s ms; %d of %d with errors' % (
                    spread(spans, '{:.0f}'), sum(1 for _ms, errors in windows if errors), len(windows))
            else:
                restarts = ''
            rows.append([
                title,
                KINDS.get(kind, kind),
                'ab -k' if ab == 'k' else 'ab (no -k)',
                mitigations.get(mitigation, mitigation),
                spread(per, '{:.1f}') + ' ' + unit + (' (%d run(s) broken)' % broken if broken else ''),
                '%d / %d' % (non2xx, dropped),
                restarts,
                spread(rps, '{:.0f}'),
                ratio(cells, baseline, kind, ab, mitigation),
                '%d x %d' % (len(group), int(group[0]['meta']['n'])) if group else '0',
            ])
            messages = collections.Counter(
                normalise(line) for r in group for line in r['errlog'] if not ROUTINE.search(line))
            if messages:
                logs.append((title, KINDS.get(kind, kind), 'ab -k' if ab == 'k' else 'ab (no -k)',
                             mitigations.get(mitigation, mitigation), messages))
        for ident, label in mitigations.items():
            details.append((title, label, configs.get(ident, '(not applied)'), info.get('cpus') or 'all'))

    header = ['Platform', 'Reload kind', 'Load', 'Mitigation', 'Failed requests min / median / max',
              'Non-2xx / dropped (sum of runs)', 'Graceful restarts: window min / median / max',
              'Requests/s min / median / max', 'req/s vs baseline (median of per-rep ratios)',
              'Runs x N']
    table = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    table += ['| ' + ' | '.join(str(c) for c in row) + ' |' for row in rows]

    out = ['# Failed requests during Apache config reloads and mod_wsgi code reloads', '',
           'Written by `bench/reload_failures.sh`. Each run: `ab [-k] -c 8 -n N` inside the container '
           'against its own `http://127.0.0.1/myapp` (the Hello World of `playbooks/site.yml`) for %s s (then '
           'ab gets SIGINT and reports; N, fixed per cell at three times what a calibration run served in that '
           'time, and `-t` only bound a run), %s reloads %s s apart starting %s s into the run, %s runs per '
           'cell, repetitions interleaved (each starts with a different mitigation). Host: %s CPUs, load '
           'average %s at the end; platforms measured %s; total %s s.'
           % (args.seconds, args.reloads, args.interval, args.lead, args.reps, args.ncpu, args.load,
              'at the same time, each container pinned to its own CPUs' if args.parallel == '1'
              else 'one after the other', args.elapsed),
           '',
           '*Failed requests* = non-2xx answers (503 from mod_wsgi) plus requests ab got no complete '
           'answer to (*dropped*: connection closed or reset, short body). ab\'s own "Failed requests" '
           'counts a 503 as a "Length" failure too; here every bad request counts once. Per reload = '
           'failed requests of a run / reloads done during it; the baseline rows give failed requests per '
           'run. *req/s vs baseline*: each repetition\'s requests/s divided by that of the same '
           'repetition\'s run of the platform\'s first (baseline) mitigation with the same reload kind and '
           'load, median over the repetitions (runs of one repetition are minutes apart at most, so a host '
           'that gets busier or quieter skews them alike). Requests/s compare only within one platform: the containers share a host '
           'with other work. *Graceful restarts*: from Apache\'s error.log, the time from "SIGUSR1 '
           'received" (AH00493) to "resuming normal operations" (AH00489) of each graceful restart, i.e. '
           'while the parent re-reads its configuration, and how many restarts were followed by mod_wsgi '
           'errors before the next one.',
           '']
    out += table
    out += ['', '## Configurations', '',
            'What each mitigation wrote (`/etc/apache2/conf-available/zz-bench.conf`, enabled with '
            '`a2enconf`), the daemon group\'s `graceful-timeout` and the daemon sockets in '
            '`/run/apache2` right after applying it (`wsgi.PID.GENERATION.ID.sock` rotates with every '
            'graceful reload; `wsgi.PID.uUID.ID.sock` is `WSGISocketRotation Off`).', '']
    for title, label, config, cpus in details:
        out += ['### %s: %s' % (title, label), '', 'CPUs: %s' % cpus, '', '```', config, '```', '']
    out += ['## error.log lines written during the runs', '',
            'Every run\'s new `/var/log/apache2/error.log` lines except notice/info ones, normalised '
            '(times, pids, client ports and socket generations replaced), with their count summed over '
            'the runs of the cell.', '']
    if not logs:
        out += ['(none)', '']
    for title, kind, load, label, messages in logs:
        out += ['**%s, %s, %s, %s**' % (title, kind, load, label), '', '```']
        out += ['%6d  %s' % (count, message[:400]) for message, count in messages.most_common(8)]
        out += ['```', '']

    with open(args.output, 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(out).rstrip() + '\n')
    sys.stdout.write('\n'.join(table) + '\n')


if __name__ == '__main__':
    main()
