#!/usr/bin/env python3
"""1D against 2D dense operators (issue 15): a model of one forward apply Y = A X of the matmul
operator (N = K = n, M right-hand sides, f64) for P ranks up to 1024, from the message costs that
roofline_fit.py fitted on this machine, next to what bench_dense measured at P <= 4.

    model_1d2d.py --fit perf/results/roofline-np2/fit.json [--n 16384] [--nb 256] [--gflops 20]
                  [--measured dense_np1.json dense_np2.json dense_np4.json] [--be mpi] [--md out.md]
    model_1d2d.py --self-test

Message cost. t(v) = alpha_k + beta_k v for a message of v bytes in regime k (roofline_fit.py's
piecewise fit of the ping-pong, op "pingpong", W = 1, of the backend --be: one-way time of one
message; "rma" uses dlops_rma_lock_all's fit when present, else --be's).

Layouts (those of include/dlops/dense.h and bench_dense's BM_matmul_apply variants):
  1d     grid 1 x P, rows of A over all ranks, X and Y replicated:
         ring allgather of the n/P x M pieces of Y: (P - 1) t(8 n M / P)
  block  PyLops-MPI's kind="block" on a q x q grid (q = sqrt(P)): ring allgather within a grid
         row of the n/q x M/q pieces: (q - 1) t(8 n M / P); A is replicated q times
  summa  2D SUMMA on q x q (two-sided): for each of the q owners in a grid column, its X tile in
         panels of at most nb columns, each broadcast along a binomial tree (ceil(log2 q) steps);
         then q reductions of n/q x M/q partial products along the grid row (binomial tree,
         ceil(log2 q) steps each; the additions are not counted)
  summa1 one-sided SUMMA on q x q: every rank fetches the (q - 1) other tiles of its column
         panel by panel (one get = one message, t(v) of --be or the rma fit), two barriers of
         ceil(log2 q) zero-byte steps each; the reductions as summa
Compute: 2 n^2 M / P flops at --gflops per rank (every layout does the same local work).
Assumptions, stated because they decide the answer: block and SUMMA on the most square grid
pr x pc of P (pr <= pc; the formulas above with q read as pr for the column, pc for the row);
no overlap of communication with the local products (the implementation
overlaps the panel broadcasts with the gemms, so its summa time lies between max(comm, compute)
and the sum shown); no contention (each message costs what a lone ping-pong message costs:
optimistic for the 1D allgather, whose P - 1 steps all cross the network at once); the fit
measured on one node (shared memory) stands for the interconnect unless a cluster's fit.json
is given; memory per rank is not a cost here but is listed (A + X + Y elements per rank).
"""
import argparse
import json
import math
import sys


def load_fit(path, be):
    with open(path) as f:
        d = json.load(f)
    series = d["series"] if isinstance(d, dict) else d

    def pick(b):
        for s in series:
            if s["op"] == "pingpong" and s["be"] == b and s["W"] == 1:
                return s["regimes"]
        return None

    two = pick(be)
    if two is None:
        raise SystemExit("model_1d2d: no pingpong W=1 fit for backend %r in %s" % (be, path))
    one = pick("dlops_rma_lock_all") or pick("rma_lock_all") or two
    return two, one


def cost(regimes, v):
    """one message of v bytes: the regime whose range holds v (the last one beyond)"""
    r = regimes[-1]
    for q in regimes:
        if v <= q["vmax"]:
            r = q
            break
    return r["alpha"] + r["beta"] * v


def lg(q):
    return math.ceil(math.log2(q)) if q > 1 else 0


def squarest(P):
    r = int(math.isqrt(P))
    while r > 1 and P % r:
        r -= 1
    return r, P // r


def model(P, n, M, nb, gflops, two, one, grid=None):
    """seconds per forward apply of each layout; block and SUMMA on grid (pr, pc), by default
    the most square grid of P (dlops' default, pr <= pc)"""
    pr, pc = grid or squarest(P)
    comp = 2.0 * n * n * M / P / (gflops * 1e9)
    out = {}
    # 1D
    out["1d"] = comp + (P - 1) * cost(two, 8.0 * n * M / P) if P > 1 else comp
    # block on pr x pc: ring allgather within a grid row of the n/pc x M/pr pieces
    out["block"] = comp + ((pc - 1) * cost(two, 8.0 * (n / pc) * (M / pr)) if pc > 1 else 0.0)
    # SUMMA: the pr tiles of a grid column, each n/pc x M/pr, in panels of <= nb columns,
    # broadcast down the column (pr ranks); pc reductions of n/pr x M/pc along the row
    mq = M / pr
    npan = max(1, math.ceil(mq / nb))
    pv = 8.0 * (n / pc) * (mq / npan)
    red = pc * lg(pc) * cost(two, 8.0 * (n / pr) * (M / pc)) if pc > 1 else 0.0
    bc = pr * npan * lg(pr) * cost(two, pv) if pr > 1 else 0.0
    out["summa"] = comp + bc + red
    gets = (pr - 1) * npan * cost(one, pv) + 2 * lg(pr) * cost(two, 0.0) if pr > 1 else 0.0
    out["summa1"] = comp + gets + red
    return out, comp


def memory(P, n, M):
    pr, pc = squarest(P)
    return {"1d": n * n / P + 2.0 * n * M, "block": n * n / pc + 2.0 * n * M / pr,
            "summa": (n * n + 2.0 * n * M) / P, "summa1": (n * n + 2.0 * n * M) / P}


def measured(paths):
    """BM_matmul_apply points of bench_dense JSON files: {(P, variant, n, M): seconds}"""
    res = {}
    for p in paths:
        with open(p) as f:
            d = json.load(f)
        for b in d.get("benchmarks", []):
            nm = b["name"].split("/")
            if nm[0] != "BM_matmul_apply":
                continue
            v = int(nm[1])
            # variant 0 runs on 1 x P; 1 and 2 on the most square grid, so P = rows * cols there
            P = int(b["grid_cols"]) if v == 0 else int(b["grid_rows"] * b["grid_cols"])
            res[(P, v, int(nm[2]), int(nm[3]))] = b["real_time"] * 1e-3  # ms -> s
    return res


KINDS = ["1d", "block", "summa", "summa1"]


def table(two, one, n, nb, gflops, Ps, Ms):
    lines = ["| P | M | compute (ms) | 1D (ms) | block (ms) | 2D SUMMA (ms) | one-sided SUMMA (ms) | fastest | "
             "memory/rank over SUMMA's: 1D, block |",
             "|---|---|---|---|---|---|---|---|---|"]
    for P in Ps:
        for M in Ms:
            t, comp = model(P, n, M, nb, gflops, two, one)
            mem = memory(P, n, M)
            best = min(t, key=t.get)
            cells = ["%.3g" % (t[k] * 1e3) if k in t else "-" for k in KINDS]
            ratio = "%.3g, %.3g" % (mem["1d"] / mem["summa"], mem["block"] / mem["summa"])
            pr, pc = squarest(P)
            lines.append("| %d (%dx%d) | %d | %.3g | %s | %s | %s |" % (P, pr, pc, M, comp * 1e3, " | ".join(cells), best,
                                                                    ratio))
    return "\n".join(lines)


def self_test():
    flat = [dict(vmin=0, vmax=1e30, alpha=1e-6, beta=1e-9)]
    t, comp = model(4, 1000, 10, 256, 10.0, flat, flat)
    assert abs(comp - 2.0 * 1000 * 1000 * 10 / 4 / 1e10) < 1e-15
    # 1D at P = 4: 3 messages of 8*1000*10/4 bytes
    assert abs(t["1d"] - comp - 3 * (1e-6 + 1e-9 * 20000)) < 1e-15
    # SUMMA at q = 2: 2 owners x 1 panel x 1 step + 2 reductions x 1 step
    pv = 8.0 * 500 * 5
    assert abs(t["summa"] - comp - (2 * (1e-6 + 1e-9 * pv) + 2 * (1e-6 + 1e-9 * pv))) < 1e-15
    assert abs(t["summa1"] - comp - ((1e-6 + 1e-9 * pv) + 2 * 1e-6 + 2 * (1e-6 + 1e-9 * pv))) < 1e-15
    # non-square 2 x 4 grid: block allgathers over pc = 4 ranks pieces of 100/4 x 8/2
    t8, c8 = model(8, 100, 8, 256, 1.0, flat, flat)
    assert abs(t8["block"] - c8 - 3 * (1e-6 + 1e-9 * 8.0 * 25 * 4)) < 1e-15
    assert squarest(8) == (2, 4) and squarest(7) == (1, 7)
    print("model_1d2d self-test passed")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fit", help="fit.json of roofline_fit.py")
    ap.add_argument("--be", default="mpi", help="backend whose pingpong fit prices a message (default mpi)")
    ap.add_argument("--n", type=int, default=16384)
    ap.add_argument("--nb", type=int, default=256)
    ap.add_argument("--gflops", type=float, default=20.0, help="local dgemm rate per rank, GFLOP/s")
    ap.add_argument("--P", default="1,4,16,64,256,1024")
    ap.add_argument("--M", default="1,16,128,1024")
    ap.add_argument("--measured", nargs="*", default=[], help="bench_dense JSON files (BM_matmul_apply)")
    ap.add_argument("--md", help="write the Markdown here too")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        self_test()
        return 0
    if not a.fit:
        ap.error("--fit is required")
    two, one = load_fit(a.fit, a.be)
    Ps = [int(x) for x in a.P.split(",")]
    Ms = [int(x) for x in a.M.split(",")]
    out = ["Model (perf/model_1d2d.py, fit %s, backend %s, n = %d, nb = %d, %.1f GFLOP/s per rank):" %
           (a.fit, a.be, a.n, a.nb, a.gflops), "", table(two, one, a.n, a.nb, a.gflops, Ps, Ms)]
    if a.measured:
        meas = measured(a.measured)
        names = {0: "1d", 1: "block", 2: "summa"}
        out += ["", "Measured (bench_dense BM_matmul_apply, real time per apply) against the model with the "
                "same n and M:", "",
                "| P | n | M | layout | measured (ms) | model (ms) |", "|---|---|---|---|---|---|"]
        for (P, v, n, M), s in sorted(meas.items()):
            t, _ = model(P, n, M, a.nb, a.gflops, two, one)
            k = names[v]
            out.append("| %d | %d | %d | %s | %.3g | %s |" % (P, n, M, k, s * 1e3,
                                                             "%.3g" % (t[k] * 1e3) if k in t else "-"))
    text = "\n".join(out)
    print(text)
    if a.md:
        with open(a.md, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
