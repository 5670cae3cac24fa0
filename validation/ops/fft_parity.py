#!/usr/bin/env python3
"""dlops' FFT operators against PyLops' FFT and FFTND (test ops.fft_pylops).

    python fft_parity.py FFT_DUMP OUTDIR [MPIEXEC [flags...]]

Runs fft_dump (one rank) on a list of cases (dims, axis, nfft, norm, real, ifftshift_before,
fftshift_after, dtype) into OUTDIR, then applies pylops.signalprocessing.FFT with the same
arguments to the same model and data: the forward and the adjoint must agree to a relative 1e-12
(f64/c128; 2e-5 for f32/c64: PyLops' numpy engine computes in double and casts, dlops computes in
single precision), with the same shapes and element types. Then the distributed N-D FFT
(dlops_op_create_mpi_fftnd on 3 ranks) against pylops' FFTND (PyLops-MPI's MPIFFTND needs
mpi4py_fft, which is not installed here; its global transform is FFTND's). Exit 77 with "[DLOPS-SKIP] reason"
when numpy or pylops cannot be imported.
"""
import os
import subprocess
import sys
import warnings

try:
    import numpy as np
    from pylops.signalprocessing import FFT, FFTND
except Exception as e:  # noqa: BLE001 - any import problem is a reason to skip
    print(f"[DLOPS-SKIP] numpy or pylops not importable: {e}")
    sys.exit(77)

NORMS = ["ortho", "none", "1/n"]
DTYPES = {"f32": np.float32, "f64": np.float64, "c64": np.complex64, "c128": np.complex128}
# dims, axis, nfft (0: dims[axis]), norm, real, ifftshift_before, fftshift_after, dtype
CASES = [
    ((16,), 0, 0, 0, 0, 0, 0, "c128"),
    ((16,), 0, 0, 0, 1, 0, 0, "f64"),
    ((15,), 0, 0, 1, 1, 0, 0, "f64"),
    ((15,), 0, 20, 2, 1, 1, 0, "f64"),
    ((10, 7), 0, 0, 0, 0, 1, 1, "c128"),
    ((10, 7), 1, 12, 0, 1, 0, 0, "f64"),
    ((10, 7), -1, 5, 1, 0, 0, 1, "c128"),
    ((10, 7), 0, 8, 2, 0, 0, 0, "f64"),
    ((3, 9, 4), 1, 0, 0, 1, 1, 0, "f64"),
    ((3, 9, 4), 1, 11, 1, 0, 1, 1, "c128"),
    ((3, 9, 4), 2, 6, 0, 1, 0, 0, "c128"),
    ((6, 5), 0, 0, 0, 1, 0, 0, "f32"),
    ((6, 5), 1, 9, 2, 0, 1, 1, "c64"),
]


# the distributed N-D FFT (dlops_op_create_mpi_fftnd, run on 3 ranks) against pylops' FFTND:
# dims, axes, norm, real, ifftshift mask, fftshift mask, dtype
NDCASES = [
    ((6, 5), (0, 1), 1, 0, 0, 0, "c128"),
    ((6, 5), (0, 1), 1, 1, 0, 0, "f64"),
    ((5, 4, 3), (0, 1, 2), 2, 1, 3, 4, "f64"),
    ((5, 4, 3), (2, 0), 0, 0, 1, 2, "c128"),
    ((7, 6), (-2, -1), 1, 1, 2, 1, "f32"),
]


def nd_cases(dump, out, launcher):
    d = os.path.join(out, "nd")
    os.makedirs(d, exist_ok=True)
    args = ["nd:" + ",".join(str(v) for v in c[0]) + ":" + ",".join(str(v) for v in c[1]) + ":" +
            ":".join(str(v) for v in c[2:]) for c in NDCASES]
    cmd = (launcher + ["-n", "3"] if launcher else []) + [dump, d] + args
    subprocess.run(cmd, check=True)
    bad = 0
    for k, (dims, axes, norm, real, sb, sa, dt) in enumerate(NDCASES):
        load = lambda n: np.load(os.path.join(d, f"{k}_{n}.npy"))  # noqa: E731
        flags_b = [bool((sb >> i) & 1) for i in range(len(axes))]
        flags_a = [bool((sa >> i) & 1) for i in range(len(axes))]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            F = FFTND(dims=dims, axes=axes, norm=NORMS[norm], real=bool(real), ifftshift_before=flags_b,
                      fftshift_after=flags_a, dtype=DTYPES[dt])
            x, y = load("x"), load("y")
            fwd, adj = F @ x, F.H @ y
        gf, ga = load("fwd"), load("adj")
        tol = 2e-5 if dt in ("f32", "c64") else 1e-12
        ok_shape = gf.shape == fwd.shape and ga.shape == adj.shape
        ef = np.linalg.norm(gf - fwd) / np.linalg.norm(fwd) if ok_shape else np.inf
        ea = np.linalg.norm(ga - adj) / np.linalg.norm(adj) if ok_shape else np.inf
        ok = ok_shape and ga.dtype == adj.dtype and ef <= tol and ea <= tol
        bad += not ok
        print(("ok    " if ok else "FAIL  ") + f"nd case {k} {dims} axes={axes} norm={NORMS[norm]} real={real} "
              f"shifts={sb}/{sa} {dt} on 3 ranks: forward {ef:.1e}, adjoint {ea:.1e}")
    return bad


def main():
    dump, out = sys.argv[1], sys.argv[2]
    launcher = sys.argv[3:]
    os.makedirs(out, exist_ok=True)
    args = [",".join(str(d) for d in c[0]) + ":" + ":".join(str(v) for v in c[1:]) for c in CASES]
    cmd = (launcher + ["-n", "1"] if launcher else []) + [dump, out] + args
    subprocess.run(cmd, check=True)
    bad = 0
    for k, (dims, axis, nfft, norm, real, sb, sa, dt) in enumerate(CASES):
        load = lambda n: np.load(os.path.join(out, f"{k}_{n}.npy"))  # noqa: E731
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            F = FFT(dims=dims, axis=axis, nfft=nfft or None, norm=NORMS[norm], real=bool(real),
                    ifftshift_before=bool(sb), fftshift_after=bool(sa), dtype=DTYPES[dt])
            x, y = load("x"), load("y")
            fwd, adj = F @ x, F.H @ y
        gf, ga = load("fwd"), load("adj")
        tol = 2e-5 if dt in ("f32", "c64") else 1e-12
        ok_shape = gf.shape == fwd.shape and ga.shape == adj.shape
        ok_type = gf.dtype == fwd.dtype and ga.dtype == adj.dtype
        ef = np.linalg.norm(gf - fwd) / np.linalg.norm(fwd) if ok_shape else np.inf
        ea = np.linalg.norm(ga - adj) / np.linalg.norm(adj) if ok_shape else np.inf
        ok = ok_shape and ok_type and ef <= tol and ea <= tol
        bad += not ok
        print(("ok    " if ok else "FAIL  ") + f"case {k} {dims} axis={axis} nfft={nfft} norm={NORMS[norm]} "
              f"real={real} shifts={sb}{sa} {dt}: types {ga.dtype}->{gf.dtype} (pylops {adj.dtype}->{fwd.dtype}), "
              f"forward {ef:.1e}, adjoint {ea:.1e}")
    bad += nd_cases(dump, out, launcher)
    print(f"fft_parity: {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
