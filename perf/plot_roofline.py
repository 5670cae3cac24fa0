#!/usr/bin/env python3
"""Message-roofline plots (issue 15) from the output folder of roofline_fit.py, PNG and SVG.

    plot_roofline.py DIR        # reads DIR/points.csv and DIR/fit.json, writes DIR/*.png, *.svg

  roofline_<op>.png  point to point (stream, pingpong; W = 1): achieved bandwidth against message
                     size per backend, the fitted model dashed, each backend's peak (1/beta) dotted;
  roofline_window.png  streaming: achieved bandwidth against messages per synchronisation W at
                     three message sizes, per backend, with the three ceilings of the message
                     roofline drawn: the peak 1/beta, W x size / latency (alpha at W = 1) and
                     message rate x size;
  collectives.png    bus bandwidth (nccl-tests' definition) against size, one panel per operation.
Skips cleanly (exit 0, a message) when matplotlib is not importable.
"""
import csv
import json
import os
import sys

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("plot_roofline: matplotlib is not importable here; no plots (use the venv's python: DLOPS_PYTHON)")
    sys.exit(0)


def model_time(s, v):
    regs = s["regimes"]
    r = regs[1] if len(regs) > 1 and s["break_bytes"] is not None and v >= s["break_bytes"] else regs[0]
    return r["alpha"] + r["beta"] * v


def save(fig, out, name):
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(out, "%s.%s" % (name, ext)), dpi=110, bbox_inches="tight")
    plt.close(fig)
    print("plot_roofline: wrote %s.png/.svg" % name)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    out = sys.argv[1]
    with open(os.path.join(out, "fit.json")) as f:
        fit = json.load(f)
    pts = []
    with open(os.path.join(out, "points.csv")) as f:
        for r in csv.DictReader(f):
            pts.append(r)
    for r in pts:
        for k in ("window", "msg_bytes", "size_bytes", "lat_s", "algbw_GBps", "busbw_GBps", "msg_rate"):
            r[k] = float(r[k])
    series = {(s["op"], s["be"], s["W"]): s for s in fit["series"]}
    roof = {(r["op"], r["be"]): r for r in fit["roofline"]}
    backends = sorted({r["backend"] for r in pts})
    colors = {be: plt.cm.tab10(i % 10) for i, be in enumerate(backends)}

    # 1. point to point, W = 1: bandwidth against message size
    for op in ("stream", "pingpong"):
        sel = [r for r in pts if r["op"] == op and r["window"] == 1]
        if not sel:
            continue
        fig, ax = plt.subplots(figsize=(8, 5))
        for be in backends:
            rs = sorted((r for r in sel if r["backend"] == be), key=lambda r: r["size_bytes"])
            if not rs:
                continue
            x = [r["size_bytes"] for r in rs]
            ax.plot(x, [r["algbw_GBps"] for r in rs], "o-", ms=3, color=colors[be], label=be)
            s = series.get((op, be, 1))
            if s:
                ax.plot(x, [v / model_time(s, v) * 1e-9 for v in x], "--", lw=0.8, color=colors[be])
                if s["peak_algbw_GBps"]:
                    ax.axhline(s["peak_algbw_GBps"], ls=":", lw=0.8, color=colors[be])
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("message size (bytes)")
        ax.set_ylabel("achieved bandwidth (GB/s)")
        ax.set_title("%s, 1 message per synchronisation: measured (o), fit (--), peak 1/beta (:)" % op)
        ax.legend(fontsize=7)
        ax.grid(True, which="both", lw=0.3)
        save(fig, out, "roofline_%s" % op)

    # 2. streaming: bandwidth against messages per synchronisation, with the three ceilings
    sel = [r for r in pts if r["op"] == "stream"]
    bes = [be for be in backends if any(r["backend"] == be for r in sel)]
    if sel and bes:
        sizes_all = sorted({r["msg_bytes"] for r in sel})
        picks = [s for s in (8.0, 1024.0, 65536.0) if s in sizes_all] or sizes_all[:3]
        ncol = min(4, len(bes))
        nrow = (len(bes) + ncol - 1) // ncol
        fig, axs = plt.subplots(nrow, ncol, figsize=(4 * ncol, 3.3 * nrow), squeeze=False)
        for i, be in enumerate(bes):
            ax = axs[i // ncol][i % ncol]
            rf = roof.get(("stream", be), {})
            Ws = sorted({r["window"] for r in sel if r["backend"] == be})
            for j, s in enumerate(picks):
                rs = sorted((r for r in sel if r["backend"] == be and r["msg_bytes"] == s), key=lambda r: r["window"])
                if rs:
                    ax.plot([r["window"] for r in rs], [r["algbw_GBps"] for r in rs], "o-", ms=3, color=plt.cm.tab10(j),
                            label="%d B" % s)
                lat = rf.get("latency_us")
                if lat and Ws:
                    ax.plot(Ws, [w * s / (lat * 1e-6) * 1e-9 for w in Ws], "--", lw=0.7, color=plt.cm.tab10(j))
                if rf.get("msg_rate_max"):
                    ax.axhline(rf["msg_rate_max"] * s * 1e-9, ls="-.", lw=0.7, color=plt.cm.tab10(j))
            if rf.get("peak_GBps"):
                ax.axhline(rf["peak_GBps"], ls=":", color="k", lw=0.8)
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_title(be, fontsize=9)
            ax.set_xlabel("messages per synchronisation")
            ax.set_ylabel("GB/s")
            ax.grid(True, which="both", lw=0.3)
            ax.legend(fontsize=6)
        for k in range(len(bes), nrow * ncol):
            axs[k // ncol][k % ncol].axis("off")
        fig.suptitle("stream: measured (o); ceilings: peak (:), W x size / latency (--), message rate x size (-.)",
                     fontsize=9)
        save(fig, out, "roofline_window")

    # 3. collectives and halo: bus bandwidth against size
    ops = [op for op in ("allreduce", "allgather", "allgatherv", "bcast", "alltoallv", "halo") if any(r["op"] == op for r in pts)]
    if ops:
        ncol = min(3, len(ops))
        nrow = (len(ops) + ncol - 1) // ncol
        fig, axs = plt.subplots(nrow, ncol, figsize=(4.5 * ncol, 3.3 * nrow), squeeze=False)
        for i, op in enumerate(ops):
            ax = axs[i // ncol][i % ncol]
            for be in backends:
                rs = sorted((r for r in pts if r["op"] == op and r["backend"] == be), key=lambda r: r["size_bytes"])
                if rs:
                    ax.plot([r["size_bytes"] for r in rs], [r["busbw_GBps"] for r in rs], "o-", ms=2, color=colors[be], label=be)
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_title(op, fontsize=9)
            ax.set_xlabel("size (bytes, nccl-tests' definition)")
            ax.set_ylabel("bus bandwidth (GB/s)")
            ax.grid(True, which="both", lw=0.3)
            ax.legend(fontsize=6)
        for k in range(len(ops), nrow * ncol):
            axs[k // ncol][k % ncol].axis("off")
        save(fig, out, "collectives")
    return 0


if __name__ == "__main__":
    sys.exit(main())
