#!/usr/bin/env python3
"""dlops' non-stationary convolution against PyLops (test ops.nsconv1d_pylops).

    python nsconv1d_parity.py NSCONV1D_DUMP OUTDIR [MPIEXEC [flags...]]

Runs nsconv1d_dump (one rank) into OUTDIR, then compares with
pylops.signalprocessing.NonStationaryConvolve1D on the same filters, model and data, along axis
0 and 1, f64 and c128: the forward to a relative 1e-13, the adjoint too, where for c128 PyLops'
rmatvec (the transpose: it does not conjugate the filters) gives the adjoint as
conj(rmatvec(conj(y))). Exit 77 with "[DLOPS-SKIP] reason" when numpy or pylops cannot be
imported.
"""
import os
import subprocess
import sys

try:
    import numpy as np
    from pylops.signalprocessing import NonStationaryConvolve1D
except Exception as e:  # noqa: BLE001 - any import problem is a reason to skip
    print(f"[DLOPS-SKIP] numpy or pylops not importable: {e}")
    sys.exit(77)


def main():
    dump, out = sys.argv[1], sys.argv[2]
    launcher = sys.argv[3:]
    os.makedirs(out, exist_ok=True)
    subprocess.run((launcher + ["-n", "1"] if launcher else []) + [dump, out], check=True)
    load = lambda n: np.load(os.path.join(out, n + ".npy"))  # noqa: E731
    bad = 0

    def check(cond, what):
        nonlocal bad
        print(("ok    " if cond else "FAIL  ") + what)
        bad += not cond

    dims, ih = (20, 16), np.array([2, 7, 12])
    for c, dt in (("d", "float64"), ("z", "complex128")):
        hs = load("hs_" + c).reshape(3, 5)
        x, y = load("x_" + c).reshape(dims), load("y_" + c).reshape(dims)
        for axis in (0, 1):
            Op = NonStationaryConvolve1D(dims=dims, hs=hs, ih=ih, axis=axis, dtype=dt)
            fwd = (Op @ x.ravel()).reshape(dims)
            adj = np.conj(Op.rmatvec(np.conj(y.ravel()))).reshape(dims)
            ef = np.linalg.norm(load(f"{c}{axis}_fwd").reshape(dims) - fwd) / np.linalg.norm(fwd)
            ea = np.linalg.norm(load(f"{c}{axis}_adj").reshape(dims) - adj) / np.linalg.norm(adj)
            check(ef <= 1e-13, f"{dt} axis {axis}: forward relative error {ef:.2e}")
            check(ea <= 1e-13, f"{dt} axis {axis}: adjoint relative error {ea:.2e}")
    print(f"nsconv1d_parity: {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
