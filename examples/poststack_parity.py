#!/usr/bin/env python3
"""Parity of examples/c/poststack (and poststack_f) with PyLops-MPI on the same problem.

    poststack_parity.py check <results> <nsmooth a,b,c> [golden.npz]
    poststack_parity.py golden <results> <nsmooth a,b,c> <golden.npz>

<results> is a folder the program wrote (model, background, data, reflectivity and the six
inversions as .npy). The reference inversions are computed with PyLops-MPI (one process, the
tutorials' calls: cgls, cg on the normal equations, cgls on MPIStackedVStack, ADMML2 with
MPIProxOperator(L1), fista, ProximalGradient with MPIL2 and power_iteration) from the program's
own true model; the background is checked against scipy's filtfilt. Without pylops_mpi, `check`
compares with the golden file made earlier by `golden` (PyLops-MPI's results on the same
problem), after checking that the program's model is the golden file's. Exit 77 ([DLOPS-SKIP])
when neither is possible. DLOPS_PARITY_GOLDEN=1 uses the golden file even where pylops_mpi is
importable (the test example_poststack_parity_golden). Tolerances (relative difference to the reference): 1e-8 for CGLS and
ADMM (measured 4e-13 and 7e-16); 1e-4 for the two Laplacian-regularised solves (measured 2e-6:
100 CG/CGLS iterations on an ill-conditioned system amplify rounding, and dlops runs the fused
variants); 1e-2 for FISTA and the proximal gradient (measured 3e-3), whose step comes from a
power iteration started from random vectors (PyLops-MPI draws them with numpy).

The golden file examples/data/poststack_parity_golden.npz was made with
    poststack synthetic ny=4 xstep=100 zstep=10 nsmooth=1,2,5 check=0 out=DIR   (mpiexec -n 2)
    poststack_parity.py golden DIR 1,2,5 examples/data/poststack_parity_golden.npz
"""
import os
import sys

try:
    import numpy as np
except ImportError:
    print("[DLOPS-SKIP] numpy not importable")
    sys.exit(77)

NAMES = ["cgls", "ne", "reg", "tv", "fista", "pg"]
TOL = {"cgls": 1e-8, "ne": 1e-4, "reg": 1e-4, "tv": 1e-8, "fista": 1e-2, "pg": 1e-2}


def load(d, n):
    return np.load(os.path.join(d, n + ".npy"))


def reference(m, nsm):
    """PyLops-MPI's inversions of the tutorials on the true model m (ny, nx, nz)."""
    from pylops.avo.poststack import PoststackLinearModelling
    from pylops.basicoperators import FirstDerivative, Transpose
    from pylops.signalprocessing import Convolve1D
    from pylops.utils.wavelets import ricker
    from pyproximal.proximal import L1
    from scipy.signal import filtfilt
    import pylops_mpi
    from pylops_mpi.optimization.eigs import power_iteration
    from pylops_mpi.proximal import ADMML2, MPIL2, MPIProxOperator, ProximalGradient

    ny, nx, nz = m.shape
    mback = m.copy()
    for ax in range(3):  # a boxcar of length 1 is the identity (scipy refuses it)
        if nsm[ax] > 1:
            mback = filtfilt(np.ones(nsm[ax]) / float(nsm[ax]), 1, mback, axis=ax)
    t0 = np.arange(nz) * 0.004
    wav, _, wavc = ricker(t0[:21], 15)

    def da(v):
        x = pylops_mpi.DistributedArray(global_shape=v.size)
        x[:] = v.ravel()
        return x

    PPop = PoststackLinearModelling(wav, nt0=nz, spatdims=(ny, nx))
    Top = Transpose((ny, nx, nz), (2, 0, 1))
    BDiag = pylops_mpi.MPIBlockDiag(ops=[Top.H @ PPop @ Top])
    d = BDiag @ da(m)
    out = {"background": mback}
    out["cgls"] = pylops_mpi.cgls(BDiag, d, x0=da(mback), niter=100)[0]
    epsR = 1e2
    Lap = pylops_mpi.MPILaplacian(dims=(ny, nx, nz), axes=(0, 1, 2), weights=(1, 1, 1), sampling=(1, 1, 1),
                                  dtype=BDiag.dtype)
    NE = BDiag.H @ BDiag + epsR * Lap.H @ Lap
    out["ne"] = pylops_mpi.cg(NE, BDiag.H @ d, x0=da(mback), niter=100)[0]
    Stack = pylops_mpi.MPIStackedVStack([BDiag, np.sqrt(epsR) * Lap])
    d0 = pylops_mpi.DistributedArray(global_shape=ny * nx * nz)
    d0[:] = 0.0
    out["reg"] = pylops_mpi.cgls(Stack, pylops_mpi.StackedDistributedArray([d, d0]), x0=da(mback), niter=100)[0]
    Grad = pylops_mpi.MPIGradient(dims=(ny, nx, nz), sampling=1.0, edge=False, kind="forward")
    out["tv"] = ADMML2(MPIProxOperator(L1(sigma=1e-2)), BDiag, d, Grad, x0=da(mback), tau=0.99 / 12, niter=40,
                       kwargs_solver=dict(niter=20))[0]
    DDiag = pylops_mpi.MPIBlockDiag(ops=[FirstDerivative((ny, nx, nz), axis=-1)])
    CDiag = pylops_mpi.MPIBlockDiag(ops=[Convolve1D((ny, nx, nz), wav, offset=wavc, axis=-1)])
    r = DDiag @ da(m)
    dr = CDiag @ r
    out["reflectivity"] = r.asarray().reshape(m.shape)
    r0 = pylops_mpi.DistributedArray(global_shape=ny * nx * nz)
    r0[:] = 0.0
    out["fista"] = pylops_mpi.fista(CDiag, dr, x0=r0.copy(), niter=200, eps=2e-2, tol=1e-8)[0]
    maxeig = np.abs(power_iteration(CDiag.H @ CDiag, r0.copy())[0])
    l2 = MPIL2(Op=CDiag, b=dr, x0=r0.copy())
    out["pg"] = ProximalGradient(l2, MPIProxOperator(L1(sigma=1e-2)), x0=r0.copy(), tau=0.99 / maxeig, niter=200,
                                 acceleration="fista")
    for k in NAMES:
        if not isinstance(out[k], np.ndarray):
            out[k] = out[k].asarray().reshape(m.shape)
    return out


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("check", "golden"):
        sys.exit(__doc__)
    mode, res = sys.argv[1], sys.argv[2]
    nsm = [int(v) for v in sys.argv[3].split(",")]
    golden = sys.argv[4] if len(sys.argv) > 4 else None
    m = load(res, "model")
    try:
        if os.environ.get("DLOPS_PARITY_GOLDEN") == "1" and mode == "check":
            raise ImportError("DLOPS_PARITY_GOLDEN=1: the golden file is used")
        import pylops_mpi  # noqa: F401
        ref = reference(m, nsm)
        source = "PyLops-MPI %s (run now)" % pylops_mpi.__version__
    except ImportError as e:
        if mode == "golden":
            sys.exit("poststack_parity.py: making golden files needs pylops_mpi (%s)" % e)
        if not golden or not os.path.exists(golden):
            print("[DLOPS-SKIP] pylops_mpi not importable (%s) and no golden file" % e)
            sys.exit(77)
        g = np.load(golden)
        gm = g["model"]
        if gm.shape != m.shape or np.abs(gm - m).max() > 1e-12 * np.abs(gm).max():
            sys.exit("poststack_parity.py: the program's model is not the golden file's (other sizes or model?)")
        ref = {k: g[k] for k in g.files}
        source = "golden file %s (PyLops-MPI %s)" % (golden, str(g["version"]) if "version" in g.files else "?")
    if mode == "golden":
        import pylops_mpi
        np.savez_compressed(golden, model=m, version=np.array(pylops_mpi.__version__),
                            **{k: ref[k] for k in ["background", "reflectivity"] + NAMES})
        print("wrote", golden)
        return 0
    print("reference:", source)
    fails = 0
    for k in ["background", "reflectivity"] + NAMES:
        a = load(res, k)
        rel = np.linalg.norm(a - ref[k]) / np.linalg.norm(ref[k])
        tol = TOL.get(k, 1e-10)
        ok = rel <= tol
        fails += not ok
        print("  %-12s rel. difference to PyLops-MPI %.3e  (tolerance %.0e)  %s" % (k, rel, tol, "ok" if ok else "FAIL"))
    print("parity:", "FAILED" if fails else "OK")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
