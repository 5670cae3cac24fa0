#!/usr/bin/env python3
"""dlops' Kirchhoff operator against PyLops (test ops.kirchhoff_pylops).

    python kirchhoff_parity.py KIRCHHOFF_DUMP OUTDIR [--time REPS] [MPIEXEC [flags...]]

Runs kirchhoff_dump (one rank) into OUTDIR: PyLops-MPI's LSM tutorial geometry on one rank
(81 x 60 grid, 10 sources, 11 receivers, 651 samples). Builds pylops.waveeqprocessing.Kirchhoff
with mode="analytic" (dynamic=False, wavfilter=False, as the tutorial) on dlops' wavelet and
coordinates, and compares forward and adjoint on the same random model and data: f64 to a
relative 1e-12, f32 to 1e-5. dlops' Ricker wavelet against pylops' ricker to 1e-15. With --time
REPS both dlops (kirchhoff_dump REPS) and PyLops are timed, best of REPS (perf/README.md).
Exit 77 with "[DLOPS-SKIP] reason" when numpy or pylops cannot be imported.
"""
import os
import subprocess
import sys
import time
import warnings

try:
    import numpy as np
    from pylops.utils.wavelets import ricker
    from pylops.waveeqprocessing import Kirchhoff
except Exception as e:  # noqa: BLE001 - any import problem is a reason to skip
    print(f"[DLOPS-SKIP] numpy or pylops not importable: {e}")
    sys.exit(77)


def main():
    args = sys.argv[1:]
    reps = 0
    if "--time" in args:
        i = args.index("--time")
        reps = int(args[i + 1])
        del args[i:i + 2]
    dump, out = args[0], args[1]
    launcher = args[2:]
    os.makedirs(out, exist_ok=True)
    cmd = (launcher + ["-n", "1"] if launcher else []) + [dump, out] + ([str(reps)] if reps else [])
    subprocess.run(cmd, check=True)
    load = lambda n: np.load(os.path.join(out, n + ".npy"))  # noqa: E731
    bad = 0

    def check(cond, what):
        nonlocal bad
        print(("ok    " if cond else "FAIL  ") + what)
        bad += not cond

    nx, nz, nt, dx, dz, dt, vel = 81, 60, 651, 4.0, 4.0, 0.004, 1000.0
    x, z, t = np.arange(nx) * dx, np.arange(nz) * dz, np.arange(nt) * dt
    wav = load("wav")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w_ref, _, wc = ricker(t[:41], f0=20)
    dw = np.max(np.abs(wav - w_ref)) if wav.shape == w_ref.shape else np.inf
    check(dw <= 1e-15 and wc == len(wav) // 2, f"ricker: max difference {dw:.1e}, centre {wc}")
    srcs, recs = load("srcs").reshape(2, -1), load("recs").reshape(2, -1)
    check(np.allclose(srcs[0], np.linspace(10 * dx, (nx - 10) * dx, srcs.shape[1]), rtol=0, atol=1e-12)
          and np.allclose(recs[0], np.linspace(10 * dx, (nx - 10) * dx, recs.shape[1]), rtol=0, atol=1e-12),
          "coordinates are the tutorial's linspace")
    xm, yd = load("x"), load("y")
    engine = "numba"
    try:
        import numba  # noqa: F401
    except Exception:  # noqa: BLE001
        engine = "numpy"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        K = {dt_: Kirchhoff(z, x, t, srcs, recs, vel, wav, len(wav) // 2, mode="analytic", engine=engine, dtype=dt_)
             for dt_ in ("float64", "float32")}
    fwd, adj = K["float64"] @ xm, K["float64"].H @ yd
    for name, ref, tol in (("fwd64", fwd, 1e-12), ("adj64", adj, 1e-12), ("fwd32", fwd, 1e-5), ("adj32", adj, 1e-5)):
        got = load(name)
        e = np.linalg.norm(got - ref) / np.linalg.norm(ref)
        check(got.shape == ref.shape and e <= tol, f"{name}: relative error {e:.2e} (bound {tol:.0e})")
    if reps:
        for dt_ in ("float64", "float32"):
            xs, ys = xm.astype(dt_), yd.astype(dt_)
            bf = ba = np.inf
            for _ in range(reps):
                t0 = time.perf_counter()
                K[dt_] @ xs
                t1 = time.perf_counter()
                K[dt_].H @ ys
                t2 = time.perf_counter()
                bf, ba = min(bf, t1 - t0), min(ba, t2 - t1)
            print(f"pylops ({engine}) {dt_}: forward {1e3 * bf:.3f} ms, adjoint {1e3 * ba:.3f} ms (best of {reps})")
    print(f"kirchhoff_parity: {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
