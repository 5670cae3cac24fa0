#!/usr/bin/env python3
"""dlops' MDC operator against PyLops' MDC (test ops.mdc_pylops).

    python mdc_parity.py MDC_DUMP OUTDIR MPIEXEC [flags...]

Runs mdc_dump on 1 and 3 ranks (the frequencies split over them) for a few cases (one- and
two-sided, conj, prescaled, saveGt, nfmax below ceil((nt+1)/2)) and applies
pylops.waveeqprocessing.MDC with the same kernel to the same model and data: forward and adjoint
must agree to a relative 1e-12. Exit 77 with "[DLOPS-SKIP] reason" when numpy or pylops cannot
be imported.
"""
import os
import subprocess
import sys
import warnings

try:
    import numpy as np
    from pylops.waveeqprocessing import MDC
except Exception as e:  # noqa: BLE001 - any import problem is a reason to skip
    print(f"[DLOPS-SKIP] numpy or pylops not importable: {e}")
    sys.exit(77)

# nt ns nr nv nfmax dt dr twosided conj prescaled saveGt
CASES = [
    (21, 3, 4, 2, 11, 0.004, 10.0, 1, 0, 0, 1),
    (21, 3, 4, 2, 7, 0.004, 10.0, 1, 1, 0, 0),
    (16, 2, 5, 1, 9, 1.0, 1.0, 0, 0, 1, 1),
    (15, 4, 3, 3, 5, 0.002, 25.0, 0, 1, 1, 0),
]


def kernel(nfmax, ns, nr):
    f, s, r = np.meshgrid(np.arange(nfmax), np.arange(ns), np.arange(nr), indexing="ij")
    return np.cos(0.3 * f + 0.7 * s - 0.2 * r) + 1j * np.sin(0.5 * f - 0.1 * s + 0.4 * r)


def main():
    dump, out = sys.argv[1], sys.argv[2]
    launcher = sys.argv[3:]
    bad = 0
    for k, (nt, ns, nr, nv, nfmax, dt, dr, ts, cj, pre, sg) in enumerate(CASES):
        G = kernel(nfmax, ns, nr)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            M = MDC(G, nt=nt, nv=nv, dt=dt, dr=dr, twosided=bool(ts), conj=bool(cj), prescaled=bool(pre),
                    saveGt=bool(sg))
        for np_ in (1, 3):
            d = os.path.join(out, f"{k}_np{np_}")
            os.makedirs(d, exist_ok=True)
            args = [str(v) for v in (nt, ns, nr, nv, nfmax, dt, dr, ts, cj, pre, sg)]
            cmd = (launcher + ["-n", str(np_)] if launcher else []) + [dump, d] + args
            subprocess.run(cmd, check=True)
            load = lambda n: np.load(os.path.join(d, n + ".npy"))  # noqa: E731
            x, y = load("x"), load("y")
            fwd, adj = M @ x, M.H @ y
            gf, ga = load("fwd"), load("adj")
            ef = np.linalg.norm(gf - fwd) / np.linalg.norm(fwd)
            ea = np.linalg.norm(ga - adj) / np.linalg.norm(adj)
            ok = gf.dtype == np.float64 and ga.dtype == np.float64 and ef <= 1e-12 and ea <= 1e-12
            bad += not ok
            print(("ok    " if ok else "FAIL  ") + f"case {k} NP {np_}: nt={nt} ns={ns} nr={nr} nv={nv} nfmax={nfmax} "
                  f"twosided={ts} conj={cj} prescaled={pre} saveGt={sg}: forward {ef:.1e}, adjoint {ea:.1e}")
    print(f"mdc_parity: {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
