#!/usr/bin/python3
"""Turns bench/results-N.tsv into the table of BENCHMARKS.md and bench/chart.svg (no plotting library)."""

import glob
import os
import statistics
import sys


def load(folder):
    rows = {}
    for path in sorted(glob.glob(os.path.join(folder, "results-*.tsv"))):
        with open(path) as f:
            next(f)
            for line in f:
                users, measure, seconds, rss = line.rstrip("\n").split("\t")
                rows.setdefault(int(users), {}).setdefault(measure, []).append((float(seconds), int(rss)))
    return rows


def summary(samples):
    seconds = sorted(s for s, _ in samples)
    return min(seconds), statistics.median(seconds), max(seconds), max(r for _, r in samples)


def table(rows):
    # ratio (median): median of ces-audit over median of ldapsearch. ratio (pairs): the median of each run's
    # ces-audit time over the ldapsearch time measured just before it — steadier on a machine whose speed drifts.
    out = ["| users | measure | runs | min s | median s | max s | peak RSS MiB | ratio (median) | ratio (pairs) |",
           "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for users in sorted(rows):
        measures = rows[users]
        medians = {m: summary(v)[1] for m, v in measures.items()}
        # ces-audit-scan twice: against what scan reads (ldapsearch-scan), and against the core attributes every
        # rule family needs (ldapsearch-core, issue 17)
        for measure, base in (("ldapsearch-core", ""), ("ldapsearch-scan", ""), ("ces-audit-scan", "ldapsearch-scan"),
                              ("ces-audit-scan", "ldapsearch-core"), ("ldapsearch-user", ""),
                              ("ces-audit-user", "ldapsearch-user"), ("harness", "")):
            if measure not in measures:
                continue
            lo, med, hi, rss = summary(measures[measure])
            ratio = pairs = ""
            if measure.startswith("ces") and medians.get(base):
                ratio = "%.2f×" % (med / medians[base])
                runs = zip((s for s, _ in measures[base]), (s for s, _ in measures[measure]))
                pairs = "%.2f×" % statistics.median(ces / raw for raw, ces in runs)
            label = measure + (" (vs core)" if base == "ldapsearch-core" else "")
            out.append("| %d | %s | %d | %.4f | %.4f | %.4f | %.1f | %s | %s |"
                       % (users, label, len(measures[measure]), lo, med, hi, rss / 1024, ratio, pairs))
    return "\n".join(out)


def chart(rows, path):
    users = sorted(rows)
    if not users:
        return
    series = [("ldapsearch-scan", "#888"), ("ces-audit-scan", "#c33")]
    width, height, pad = 640, 300, 50
    max_s = max(summary(rows[u][m])[1] for u in users for m, _ in series if m in rows[u]) or 1
    max_r = max(summary(rows[u]["ces-audit-scan"])[3] / 1024 for u in users if "ces-audit-scan" in rows[u]) or 1
    max_u = max(users)

    def x(u):
        return pad + (width - 2 * pad) * u / max_u

    def y(v, top):
        return height - pad - (height - 2 * pad) * v / top

    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">'
             % (width, height), '<rect width="100%" height="100%" fill="white"/>',
             '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (pad, height - pad, width - pad, height - pad),
             '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (pad, pad, pad, height - pad),
             '<text x="%d" y="%d">users</text>' % (width - pad - 20, height - pad + 30),
             '<text x="5" y="%d">median s (lines) · scan peak RSS MiB (bars, right scale %.0f)</text>' % (pad - 20, max_r)]
    for u in users:
        parts.append('<text x="%.0f" y="%d" text-anchor="middle">%d</text>' % (x(u), height - pad + 15, u))
        if "ces-audit-scan" in rows[u]:
            rss = summary(rows[u]["ces-audit-scan"])[3] / 1024
            parts.append('<rect x="%.0f" y="%.0f" width="14" height="%.0f" fill="#36c" opacity="0.4"/>'
                         % (x(u) - 7, y(rss, max_r), height - pad - y(rss, max_r)))
    for measure, colour in series:
        points = [(x(u), y(summary(rows[u][measure])[1], max_s)) for u in users if measure in rows[u]]
        parts.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>'
                     % (colour, " ".join("%.0f,%.0f" % p for p in points)))
        if points:
            parts.append('<text x="%.0f" y="%.0f" fill="%s">%s</text>' % (points[-1][0] - 60, points[-1][1] - 6,
                                                                           colour, measure))
    parts.append('<text x="%d" y="%d">%.1f s</text>' % (5, pad + 4, max_s))
    parts.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def main(folder, markdown):
    rows = load(folder)
    chart(rows, os.path.join(folder, "chart.svg"))
    begin, end = "<!-- bench:table -->", "<!-- /bench:table -->"
    text = open(markdown).read() if os.path.exists(markdown) else "%s\n%s\n" % (begin, end)
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(markdown, "w") as f:
        f.write(head + begin + "\n" + table(rows) + "\n" + end + tail)
    print(table(rows))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
