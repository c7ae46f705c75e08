#!/usr/bin/env python3
"""Summarises bench/interleave.sh's runs: for each benchmark and configuration, the median score over
the rounds and the median of the per-round ratios to the base configuration (the pairs ran one after
the other, so the ratio of a pair is free of the machine's drift between rounds).

usage: paired.py OUT_DIR BASE_CONFIG_NAME
"""
import collections
import glob
import json
import os
import re
import statistics
import sys


def main(out, base):
    scores = collections.defaultdict(dict)  # (config, benchmark) -> {round: score}
    for path in glob.glob(os.path.join(out, "*.json")):
        m = re.fullmatch(r"(.+)-(\d+)\.json", os.path.basename(path))
        if not m:
            continue
        try:
            runs = json.load(open(path))
        except ValueError:
            continue  # a run that was cut short
        for run in runs:
            scores[(m.group(1), run["benchmark"].rsplit(".", 1)[1])][int(m.group(2))] = run["primaryMetric"]["score"]
    benchmarks = sorted({b for _, b in scores})
    configs = sorted({c for c, _ in scores}, key=lambda c: (c != base, c))
    print(f"{'benchmark':24} {'config':10} {'rounds':>6} {'median':>9} {'ratio to ' + base:>14}  per-round ratios")
    for b in benchmarks:
        ref = scores.get((base, b), {})
        for c in configs:
            s = scores.get((c, b), {})
            rounds = sorted(r for r in s if r in ref)
            if not rounds:
                continue
            ratios = [s[r] / ref[r] for r in rounds]
            print(f"{b:24} {c:10} {len(rounds):6d} {statistics.median(s[r] for r in rounds):9.1f} "
                  f"{statistics.median(ratios):14.3f}  {' '.join(f'{x:.2f}' for x in ratios)}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
