#!/usr/bin/env python3
"""Turn a Google Benchmark JSON file from the dlops perf programs into a fixed-column table.

    python3 perf/report/table.py dense.json [--markdown]

Prints one row per benchmark: name, time per iteration (manual time = max over ranks) and the
user counters the benchmark reports (bytes, GFLOP/s, ratios, errors). Uses only the standard
library."""
import json
import sys


def fmt(v):
    if isinstance(v, float):
        if v == 0:
            return "0"
        if abs(v) >= 1e6 or abs(v) < 1e-3:
            return f"{v:.3e}"
        return f"{v:.4g}"
    return str(v)


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    md = "--markdown" in sys.argv
    with open(sys.argv[1]) as f:
        data = json.load(f)
    rows = [b for b in data.get("benchmarks", []) if b.get("run_type", "iteration") == "iteration"]
    skip = {"name", "run_name", "run_type", "repetitions", "repetition_index", "threads", "iterations",
            "real_time", "cpu_time", "time_unit", "family_index", "per_family_instance_index",
            "aggregate_name", "aggregate_unit", "label", "error_occurred", "error_message"}
    counters = []
    for b in rows:
        for k in b:
            if k not in skip and k not in counters:
                counters.append(k)
    head = ["benchmark", "time"] + counters
    table = []
    for b in rows:
        t = f"{b['real_time']:.4g} {b.get('time_unit', 'ns')}"
        table.append([b["name"].replace("/manual_time", ""), t] + [fmt(b.get(c, "")) for c in counters])
    widths = [max(len(str(r[i])) for r in [head] + table) for i in range(len(head))]
    if md:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---" for _ in head) + "|")
        for r in table:
            print("| " + " | ".join(str(x) for x in r) + " |")
    else:
        print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
        for r in table:
            print("  ".join(str(x).ljust(w) for x, w in zip(r, widths)))
    ctx = data.get("context", {})
    print(f"\n{ctx.get('mpi_ranks', '?')} MPI ranks; {ctx.get('timing', '')}; host {ctx.get('host_name', '?')}, "
          f"{ctx.get('num_cpus', '?')} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
