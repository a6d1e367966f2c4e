"""Judges a soak run (load/bench/soak.sh): RSS flat after the first sixth, EC2 p99 not drifting. Writes soak.md.

    python3 load/bench/soak_verdict.py bench-results/soak 30m
"""
import csv
import re
import statistics
import sys

folder, duration = sys.argv[1], sys.argv[2]
unit = {"s": 1, "m": 60, "h": 3600}[re.fullmatch(r"(\d+)([smh])", duration).group(2)]
total = int(duration[:-1]) * unit
# Windows scale with the run: the first sixth is warm-up for memory, then "early" is the next sixth, "late" the last.
settle, early_end, late_start = total / 6, total / 3, total * 5 / 6

rss = [(int(r["at_s"]), int(r["rss_kib"]) / 1024) for r in csv.DictReader(open(f"{folder}/rss.csv"))]
steady = [(t, m) for t, m in rss if t >= settle]
median = statistics.median(m for _, m in steady)
slope = statistics.linear_regression([t for t, _ in steady], [m for _, m in steady]).slope
trend = slope * (steady[-1][0] - steady[0][0])
above = max(m for _, m in steady) - median
flat = abs(trend) <= 0.10 * median and above <= 0.10 * median

rows = [r for r in csv.DictReader(open(f"{folder}/timeline.csv")) if r["scenario"] in ("churn", "lifecycle", "describe-storm")]


def p99(lo, hi):
    values = [float(r["p99_ms"]) for r in rows if lo <= float(r["at_s"]) < hi and float(r["ok"]) > 0]
    return statistics.median(values) if values else float("nan")


early, late = p99(settle, early_end), p99(late_start, total + 1)
steady_p99 = late <= early * 1.5 + 1
steps = list(csv.DictReader(open(f"{folder}/steps.csv")))
calls = sum(int(r["count"]) for r in steps if r["scenario"] != "pollers")
failed = sum(int(r["failed"]) for r in steps)
lines = [
    f"# Soak: {duration} of churn, launches and pollers", "",
    f"- calls (churn, launches, terminations, describes): {calls:,}; failed calls (all, pollers included): {failed:,}",
    f"- RSS from {settle / 60:g} min on: median {median:.0f} MiB, min {min(m for _, m in steady):.0f}, max {max(m for _, m in steady):.0f}; "
    f"trend {trend:+.1f} MiB over the window ({trend / median * 100:+.1f} %), highest sample {above / median * 100:+.1f} % "
    f"over the median (bars 10 %): **{'PASS' if flat else 'FAIL'}**",
    f"- RSS at the first sample {rss[0][1]:.0f} MiB, at the last {rss[-1][1]:.0f} MiB",
    f"- EC2 calls' p99 (median of the timeline's slots): {early:.2f} ms in minutes {settle / 60:g}–{early_end / 60:g}, "
    f"{late:.2f} ms in the last {(total - late_start) / 60:g} (bar 1.5× + 1 ms): **{'PASS' if steady_p99 else 'FAIL'}**",
]
open(f"{folder}/soak.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
sys.exit(0 if flat and steady_p99 else 1)
