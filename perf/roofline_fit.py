#!/usr/bin/env python3
"""Message-roofline model fit of bench_msg results (issue 15). numpy only.

    roofline_fit.py msg.json [more.json ...] --out DIR
    roofline_fit.py --self-test          # recovers known alpha/beta from synthetic data (CTest perf)

For every series (operation, backend, messages per synchronisation W) of a bench_msg Google
Benchmark JSON it fits the time of one synchronisation t(v) as a function of the bytes v it moves
(nccl-tests' "size": W x message size for point to point, the buffer size for collectives):

    t(v) = alpha_k + beta_k v        for v in regime k

with one regime, or two when a break (the eager/rendezvous switch of the MPI library, or a
change of algorithm of a collective) lowers the relative error of the fit by half or more: the
break is searched over every split of the sorted sizes with at least 3 points on each side, each
side fitted by least squares on the relative error (the weights 1/t, so small and large messages
count alike), alpha >= 0, beta >= 0. Derived per series:
  - peak bandwidth 1/beta of the last regime (algorithm bandwidth; times the bus factor: bus
    bandwidth, nccl-tests' definitions);
  - half-bandwidth size n_1/2: the smallest v at which the model reaches half the peak;
  - message-rate ceiling: the highest measured messages per second of the series;
  - per (operation, backend): the message-roofline parameters of Ding et al. (SC'23 workshops):
    peak, latency (alpha of W = 1) and the message-rate ceiling over every W.
Library overhead: each dlops backend against raw MPI on the same pattern (dlops_mpi vs mpi,
dlops_rma_<mode> vs rma_<mode> for point to point; collectives vs raw two-sided MPI): alpha ratio
dlops/raw (first regime) and bandwidth ratio raw beta / dlops beta (last regime), and the
median time ratio dlops/raw for v <= 1 KiB and v >= 1 MiB. When bench_msg timed the raw
counterpart in the same iterations (--paired=1, its default: counters raw_lat_us and
ratio_dlops_over_raw), those paired times are fitted and used; otherwise the raw backend's own
series.

Writes into DIR: points.csv, fit.json, fit.md (alpha/beta table), overhead.md, advice.md (the
cheapest backend at each size, from the fitted models), skipped.md (points that could not run
here, with the reason). Exit status 1 when any point reports errors > 0.
"""
import argparse
import json
import math
import os
import sys

import numpy as np

RAW_OF = {
    "dlops_mpi": "mpi",
    "dlops_rma_fence": "rma_fence",
    "dlops_rma_pscw": "rma_pscw",
    "dlops_rma_lock_all": "rma_lock_all",
}
P2P = ("pingpong", "stream")


# ----------------------------------------------------------------------------- reading
def parse_name(name):
    """msg/op:stream/be:mpi/W:4/bytes:1024[/manual_time] -> dict"""
    out = {}
    for part in name.split("/"):
        if ":" in part:
            k, v = part.split(":", 1)
            out[k] = v
    return out


def load(paths):
    points, skipped = [], {}
    for p in paths:
        with open(p) as f:
            d = json.load(f)
        for b in d.get("benchmarks", []):
            if not b.get("name", "").startswith("msg/"):
                continue
            meta = parse_name(b["name"])
            if b.get("error_occurred"):
                key = (meta.get("op"), meta.get("be"))
                skipped.setdefault(key, b.get("error_message", "skipped"))
                continue
            points.append(
                dict(
                    op=meta["op"],
                    be=meta["be"],
                    W=int(meta["W"]),
                    bytes=int(meta["bytes"]),
                    v=float(b["size_bytes"]),
                    t=float(b["lat_us"]) * 1e-6,
                    time_us=float(b["time_us"]),
                    algbw=float(b["algbw_GBps"]),
                    busbw=float(b["busbw_GBps"]),
                    factor=float(b.get("bus_factor", 1.0)),
                    rate=float(b["msg_rate"]),
                    errors=int(round(float(b.get("errors", 0)))),
                    iterations=int(b.get("iterations", 0)),
                    reps=int(b.get("reps", 1)),
                    raw_t=float(b["raw_lat_us"]) * 1e-6 if "raw_lat_us" in b else None,
                    ratio=float(b["ratio_dlops_over_raw"]) if "ratio_dlops_over_raw" in b else None,
                )
            )
    return points, skipped


# ----------------------------------------------------------------------------- fitting
def fit_line(v, t):
    """min sum((a + b v - t) / t)^2 with a, b >= 0; returns (a, b, sum of squared relative errors)."""
    v = np.asarray(v, float)
    t = np.asarray(t, float)
    w = 1.0 / t
    A = np.stack([w, v * w], axis=1)
    sol, *_ = np.linalg.lstsq(A, np.ones_like(t), rcond=None)
    a, b = float(sol[0]), float(sol[1])
    cands = []
    if a >= 0 and b >= 0:
        cands.append((a, b))
    # boundary solutions: a = 0 or b = 0
    bb = float(np.sum(v * w) / np.sum((v * w) ** 2)) if np.any(v > 0) else 0.0
    cands.append((0.0, max(bb, 0.0)))
    cands.append((float(np.sum(w) / np.sum(w * w)), 0.0))
    best = None
    for a_, b_ in cands:
        r = float(np.sum(((a_ + b_ * v) - t) ** 2 / t**2))
        if best is None or r < best[2]:
            best = (a_, b_, r)
    return best


def fit_series(v, t, min_side=3, gain=0.5):
    """Piecewise-linear fit of t(v): one regime or two (see the module doc)."""
    order = np.argsort(v)
    v = np.asarray(v, float)[order]
    t = np.asarray(t, float)[order]
    a, b, r1 = fit_line(v, t)
    best = dict(regimes=[dict(vmin=float(v[0]), vmax=float(v[-1]), alpha=a, beta=b)], sse=r1, brk=None)
    n = len(v)
    if n >= 2 * min_side:
        cand = None
        for k in range(min_side, n - min_side + 1):
            a0, b0, s0 = fit_line(v[:k], t[:k])
            a1, b1, s1 = fit_line(v[k:], t[k:])
            if cand is None or s0 + s1 < cand[0]:
                cand = (s0 + s1, k, (a0, b0), (a1, b1))
        if cand is not None and cand[0] < gain * r1:
            s, k, (a0, b0), (a1, b1) = cand
            best = dict(
                regimes=[
                    dict(vmin=float(v[0]), vmax=float(v[k - 1]), alpha=a0, beta=b0),
                    dict(vmin=float(v[k]), vmax=float(v[-1]), alpha=a1, beta=b1),
                ],
                sse=s,
                brk=float(v[k]),
            )
    best["rel_rms"] = math.sqrt(best["sse"] / max(n, 1))
    return best


def model_time(fit, v):
    regs = fit["regimes"]
    if len(regs) == 1 or fit["brk"] is None or v < fit["brk"]:
        r = regs[0]
    else:
        r = regs[1]
    return r["alpha"] + r["beta"] * v


def half_bw_size(fit):
    beta = fit["regimes"][-1]["beta"]
    if beta <= 0:
        return None
    peak = 1.0 / beta
    for e in np.arange(0, 40.01, 0.05):
        v = 2.0**e
        if v / model_time(fit, v) >= 0.5 * peak:
            return float(v)
    return None


# ----------------------------------------------------------------------------- tables
def fmt_bytes(v):
    if v is None:
        return "-"
    for unit, s in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if v >= s:
            return "%.3g %s" % (v / s, unit)
    return "%d B" % int(v)


def fmt(x, spec="%.3g"):
    return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) else spec % x


def analyse(points, skipped):
    series = {}
    for p in points:
        series.setdefault((p["op"], p["be"], p["W"]), []).append(p)
    fits = []
    for (op, be, W), pts in sorted(series.items()):
        v = [p["v"] for p in pts]
        t = [p["t"] for p in pts]
        f = fit_series(v, t) if len(pts) >= 2 else dict(
            regimes=[dict(vmin=v[0], vmax=v[0], alpha=t[0], beta=0.0)], sse=0.0, brk=None, rel_rms=0.0)
        beta = f["regimes"][-1]["beta"]
        factor = pts[0]["factor"]
        fits.append(
            dict(
                op=op,
                be=be,
                W=W,
                npts=len(pts),
                regimes=f["regimes"],
                break_bytes=f["brk"],
                rel_rms=f["rel_rms"],
                peak_algbw_GBps=(1e-9 / beta) if beta > 0 else None,
                peak_busbw_GBps=(1e-9 / beta * factor) if beta > 0 else None,
                bus_factor=factor,
                half_bw_bytes=half_bw_size(f),
                msg_rate_max=max(p["rate"] for p in pts),
                max_measured_algbw_GBps=max(p["algbw"] for p in pts),
                errors=sum(p["errors"] for p in pts),
                _fit=f,
            )
        )
    # message-roofline parameters per (op, backend) over every W
    roof = {}
    for f in fits:
        key = (f["op"], f["be"])
        r = roof.setdefault(key, dict(op=f["op"], be=f["be"], peak_GBps=None, latency_us=None, msg_rate_max=0.0))
        if f["peak_algbw_GBps"] is not None:
            r["peak_GBps"] = max(r["peak_GBps"] or 0.0, f["peak_algbw_GBps"])
        if f["W"] == 1:
            r["latency_us"] = f["regimes"][0]["alpha"] * 1e6
        r["msg_rate_max"] = max(r["msg_rate_max"], f["msg_rate_max"])
    # library overhead
    by = {(f["op"], f["be"], f["W"]): f for f in fits}
    overhead = []
    for (op, be, W), f in sorted(by.items()):
        if not be.startswith("dlops_"):
            continue
        raw = RAW_OF.get(be, "mpi") if op in P2P else "mpi"
        g = by.get((op, raw, W))
        if g is None and not all(p["raw_t"] is not None for p in series[(op, be, W)]):
            continue
        mine = series[(op, be, W)]
        paired = all(p["raw_t"] is not None for p in mine)
        if paired:
            # the raw counterpart timed in the same iterations (bench_msg --paired=1): fit those
            g = dict(regimes=fit_series([p["v"] for p in mine], [p["raw_t"] for p in mine])["regimes"])
            small = [p["ratio"] for p in mine if p["v"] <= 1024]
            large = [p["ratio"] for p in mine if p["v"] >= 2**20]
        else:
            pd = {p["v"]: p["t"] for p in mine}
            pr = {p["v"]: p["t"] for p in series[(op, raw, W)]}
            common = sorted(set(pd) & set(pr))
            small = [pd[v] / pr[v] for v in common if v <= 1024]
            large = [pd[v] / pr[v] for v in common if v >= 2**20]
        a_d, a_r = f["regimes"][0]["alpha"], g["regimes"][0]["alpha"]
        b_d, b_r = f["regimes"][-1]["beta"], g["regimes"][-1]["beta"]
        overhead.append(
            dict(
                op=op,
                be=be,
                raw=raw,
                W=W,
                paired=paired,
                alpha_dlops_us=a_d * 1e6,
                alpha_raw_us=a_r * 1e6,
                alpha_ratio=(a_d / a_r) if a_r > 0 else None,
                bw_ratio=(b_r / b_d) if b_d > 0 else None,
                time_ratio_small=float(np.median(small)) if small else None,
                time_ratio_large=float(np.median(large)) if large else None,
            )
        )
    # backend advice: the cheapest dlops backend (or NCCL) at each size, from the models
    advice = []
    ops = sorted({f["op"] for f in fits})
    for op in ops:
        W = 1
        cands = {f["be"]: f for f in fits if f["op"] == op and f["W"] == W and (f["be"].startswith("dlops_") or f["be"] == "nccl")}
        raws = {f["be"]: f for f in fits if f["op"] == op and f["W"] == W and not f["be"].startswith("dlops_")}
        if not cands:
            continue
        vmax = max(f["regimes"][-1]["vmax"] for f in cands.values())
        v = 8.0
        while v <= vmax:
            times = sorted((model_time(f["_fit"], v), be) for be, f in cands.items())
            rt = sorted((model_time(f["_fit"], v), be) for be, f in raws.items())
            advice.append(
                dict(
                    op=op,
                    bytes=v,
                    best=times[0][1],
                    best_us=times[0][0] * 1e6,
                    second=times[1][1] if len(times) > 1 else None,
                    second_ratio=(times[1][0] / times[0][0]) if len(times) > 1 and times[0][0] > 0 else None,
                    best_raw=rt[0][1] if rt else None,
                    best_raw_us=rt[0][0] * 1e6 if rt else None,
                )
            )
            v *= 4
    return fits, list(roof.values()), overhead, advice


def write_outputs(out, points, skipped, fits, roof, overhead, advice):
    os.makedirs(out, exist_ok=True)
    cols = ["op", "be", "W", "bytes", "v", "t", "time_us", "algbw", "busbw", "factor", "rate", "errors", "iterations", "reps"]
    with open(os.path.join(out, "points.csv"), "w") as f:
        f.write("op,backend,window,msg_bytes,size_bytes,lat_s,time_us,algbw_GBps,busbw_GBps,bus_factor,msg_rate,errors,iterations,reps\n")
        for p in points:
            f.write(",".join(str(p[c]) for c in cols) + "\n")
    clean = [{k: v for k, v in f.items() if not k.startswith("_")} for f in fits]
    with open(os.path.join(out, "fit.json"), "w") as f:
        json.dump(dict(series=clean, roofline=roof, overhead=overhead, advice=advice,
                       skipped=[dict(op=k[0], be=k[1], why=v) for k, v in sorted(skipped.items(), key=str)]), f, indent=1)
    with open(os.path.join(out, "fit.md"), "w") as f:
        f.write("| op | backend | W | points | alpha us (small) | BW GB/s (small) | break | alpha us (large) | BW GB/s (large) | "
                "peak busBW GB/s | n1/2 | msg/s max | rel. rms | errors |\n|" + "---|" * 14 + "\n")
        for s in fits:
            r0, r1 = s["regimes"][0], s["regimes"][-1]
            two = len(s["regimes"]) > 1
            f.write("| %s | %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %.2f | %d |\n" % (
                s["op"], s["be"], s["W"], s["npts"], fmt(r0["alpha"] * 1e6), fmt(1e-9 / r0["beta"] if r0["beta"] > 0 else None),
                fmt_bytes(s["break_bytes"]) if two else "-", fmt(r1["alpha"] * 1e6) if two else "-",
                fmt(1e-9 / r1["beta"] if r1["beta"] > 0 else None) if two else "-", fmt(s["peak_busbw_GBps"]),
                fmt_bytes(s["half_bw_bytes"]), fmt(s["msg_rate_max"], "%.3g"), s["rel_rms"], s["errors"]))
        f.write("\n**Message roofline per backend** (peak: 1/beta of the largest regime over every W; latency: "
                "alpha at W = 1; message rate: the highest measured over every W and size)\n\n")
        f.write("| op | backend | peak GB/s | latency us | msg/s ceiling |\n|---|---|---|---|---|\n")
        for r in sorted(roof, key=lambda r: (r["op"], r["be"])):
            f.write("| %s | %s | %s | %s | %s |\n" % (r["op"], r["be"], fmt(r["peak_GBps"]), fmt(r["latency_us"]),
                                                     fmt(r["msg_rate_max"])))
    with open(os.path.join(out, "overhead.md"), "w") as f:
        f.write("| op | dlops backend | raw | W | paired | alpha dlops us | alpha raw us | alpha ratio dlops/raw | "
                "bandwidth ratio dlops/raw | time dlops/raw <= 1 KiB (median) | time dlops/raw >= 1 MiB (median) |\n|" + "---|" * 11 + "\n")
        for o in overhead:
            f.write("| %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s |\n" % (
                o["op"], o["be"], o["raw"], o["W"], "yes" if o["paired"] else "no", fmt(o["alpha_dlops_us"]),
                fmt(o["alpha_raw_us"]), fmt(o["alpha_ratio"], "%.2f"),
                fmt(o["bw_ratio"], "%.2f"), fmt(o["time_ratio_small"], "%.2f"), fmt(o["time_ratio_large"], "%.2f")))
    with open(os.path.join(out, "advice.md"), "w") as f:
        f.write("| op | size | cheapest dlops backend | model us | runner-up | its time / cheapest | fastest raw | raw model us |\n"
                "|---|---|---|---|---|---|---|---|\n")
        for a in advice:
            f.write("| %s | %s | %s | %s | %s | %s | %s | %s |\n" % (
                a["op"], fmt_bytes(a["bytes"]), a["best"], fmt(a["best_us"]), a["second"] or "-", fmt(a["second_ratio"], "%.2f"),
                a["best_raw"] or "-", fmt(a["best_raw_us"])))
    with open(os.path.join(out, "skipped.md"), "w") as f:
        f.write("| op | backend | why it did not run here |\n|---|---|---|\n")
        for (op, be), why in sorted(skipped.items(), key=str):
            f.write("| %s | %s | %s |\n" % (op, be, why))


# ----------------------------------------------------------------------------- self test
def synth(alpha0, beta0, alpha1, beta1, brk, noise, seed, sizes):
    rng = np.random.default_rng(seed)
    t = [(alpha0 + beta0 * v if v < brk else alpha1 + beta1 * v) * (1 + noise * rng.standard_normal()) for v in sizes]
    return np.array(t)


def self_test():
    fails = []
    sizes = [2.0**e for e in range(3, 27)]

    def close(x, y, tol, what):
        if not (abs(x - y) <= tol * abs(y)):
            fails.append("%s: got %.6g, want %.6g (tolerance %g)" % (what, x, y, tol))

    # 1: one regime (alpha 2 us, 10 GB/s), 1% noise
    t = synth(2e-6, 1e-10, 2e-6, 1e-10, float("inf"), 0.01, 1, sizes)
    f = fit_series(sizes, t)
    if len(f["regimes"]) != 1:
        fails.append("single regime: found a break at %s" % f["brk"])
    close(f["regimes"][0]["alpha"], 2e-6, 0.05, "single alpha")
    close(f["regimes"][-1]["beta"], 1e-10, 0.05, "single beta")
    close(half_bw_size(f), 2e4, 0.15, "half-bandwidth size (alpha/beta)")
    # 2: eager (1 us, 4 GB/s) up to 64 KiB, rendezvous (8 us, 12 GB/s) above, 2% noise
    t = synth(1e-6, 2.5e-10, 8e-6, 1.0 / 12e9, 65536.0, 0.02, 2, sizes)
    f = fit_series(sizes, t)
    if len(f["regimes"]) != 2:
        fails.append("two regimes: no break found")
    else:
        close(f["brk"], 65536.0, 1e-9, "break size")
        close(f["regimes"][0]["alpha"], 1e-6, 0.08, "eager alpha")
        close(f["regimes"][0]["beta"], 2.5e-10, 0.15, "eager beta")
        close(f["regimes"][1]["alpha"], 8e-6, 0.3, "rendezvous alpha")
        close(f["regimes"][1]["beta"], 1.0 / 12e9, 0.05, "rendezvous beta")
    # 3: the whole path: a JSON as bench_msg writes it, raw and dlops with known overhead
    import tempfile

    bench = []
    for be, a, b in (("mpi", 1e-6, 1e-10), ("dlops_mpi", 1.5e-6, 1.25e-10)):
        for v, tt in zip(sizes, synth(a, b, a, b, float("inf"), 0.0, 3, sizes)):
            bench.append(dict(name="msg/op:stream/be:%s/W:1/bytes:%d/manual_time" % (be, v), size_bytes=v, lat_us=tt * 1e6,
                              time_us=tt * 1e6, algbw_GBps=v / tt * 1e-9, busbw_GBps=v / tt * 1e-9, bus_factor=1.0,
                              msg_rate=1 / tt, errors=0, iterations=10, reps=1))
    bench.append(dict(name="msg/op:allreduce/be:nccl/W:1/bytes:8/manual_time", error_occurred=True,
                      error_message="NCCL not built"))
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "msg.json")
        with open(p, "w") as fo:
            json.dump(dict(benchmarks=bench), fo)
        points, skipped = load([p])
        fits, roof, overhead, advice = analyse(points, skipped)
        write_outputs(os.path.join(d, "out"), points, skipped, fits, roof, overhead, advice)
        for name in ("points.csv", "fit.json", "fit.md", "overhead.md", "advice.md", "skipped.md"):
            if not os.path.getsize(os.path.join(d, "out", name)):
                fails.append("empty output " + name)
        if len(overhead) != 1:
            fails.append("overhead rows: %d, want 1" % len(overhead))
        else:
            close(overhead[0]["alpha_ratio"], 1.5, 0.01, "alpha ratio dlops/raw")
            close(overhead[0]["bw_ratio"], 0.8, 0.01, "bandwidth ratio dlops/raw")
        # the paired path: raw times carried by the dlops points themselves
        for b in bench:
            if "/be:dlops_mpi/" in b["name"]:
                v = b["size_bytes"]
                b["raw_lat_us"] = (1e-6 + 1e-10 * v) * 1e6
                b["ratio_dlops_over_raw"] = b["lat_us"] / b["raw_lat_us"]
        bench2 = [b for b in bench if "/be:mpi/" not in b["name"]]
        with open(p, "w") as fo:
            json.dump(dict(benchmarks=bench2), fo)
        points2, skipped2 = load([p])
        _, _, overhead2, _ = analyse(points2, skipped2)
        if len(overhead2) != 1 or not overhead2[0]["paired"]:
            fails.append("paired overhead rows: %s" % overhead2)
        else:
            close(overhead2[0]["alpha_ratio"], 1.5, 0.01, "paired alpha ratio")
            close(overhead2[0]["bw_ratio"], 0.8, 0.01, "paired bandwidth ratio")
            close(overhead2[0]["time_ratio_small"], 1.5, 0.05, "paired small-message time ratio")
        if skipped.get(("allreduce", "nccl")) != "NCCL not built":
            fails.append("skip reason not kept")
        if not advice or any(a["best"] != "dlops_mpi" for a in advice):
            fails.append("advice: expected dlops_mpi (the only dlops backend) everywhere")
    for m in fails:
        print("FAIL", m)
    print("roofline_fit self-test: %d checks failed" % len(fails))
    return 1 if fails else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("json", nargs="*")
    ap.add_argument("--out", default=".")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        return self_test()
    if not a.json:
        ap.error("no input")
    points, skipped = load(a.json)
    if not points:
        print("roofline_fit: no bench_msg points in", a.json, file=sys.stderr)
        return 1
    fits, roof, overhead, advice = analyse(points, skipped)
    write_outputs(a.out, points, skipped, fits, roof, overhead, advice)
    errors = sum(p["errors"] for p in points)
    print("roofline_fit: %d points, %d series, %d skipped (op, backend), wrong results: %d -> %s" % (
        len(points), len(fits), len(skipped), errors, a.out))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
