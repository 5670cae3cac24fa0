#!/usr/bin/env python3
"""dlops' post-stack operator and Ricker wavelet against PyLops (test ops.poststack_pylops).

    python poststack_parity.py POSTSTACK_DUMP OUTDIR [MPIEXEC [flags...]]

Runs poststack_dump (one rank) into OUTDIR, then compares with pylops.utils.wavelets.ricker and
pylops.avo.poststack.PoststackLinearModelling (implicit and explicit, kinds centered and forward)
on the same model and data: the wavelet to 1e-15 of its peak (numpy's exp against glibc's), the
forward and adjoint to a relative 1e-13. Exit 77 with "[DLOPS-SKIP] reason" when numpy or pylops
cannot be imported.
"""
import os
import subprocess
import sys
import warnings

try:
    import numpy as np
    from pylops.avo.poststack import PoststackLinearModelling
    from pylops.utils.wavelets import ricker
except Exception as e:  # noqa: BLE001 - any import problem is a reason to skip
    print(f"[DLOPS-SKIP] numpy or pylops not importable: {e}")
    sys.exit(77)


def main():
    dump, out = sys.argv[1], sys.argv[2]
    launcher = sys.argv[3:]
    os.makedirs(out, exist_ok=True)
    cmd = (launcher + ["-n", "1"] if launcher else []) + [dump, out]
    subprocess.run(cmd, check=True)
    load = lambda n: np.load(os.path.join(out, n + ".npy"))  # noqa: E731
    bad = 0

    def check(cond, what):
        nonlocal bad
        print(("ok    " if cond else "FAIL  ") + what)
        bad += not cond

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w_ref = ricker(np.arange(21) * 0.004, f0=20)[0]
    w = load("wav")
    check(w.shape == w_ref.shape and np.max(np.abs(w - w_ref)) <= 1e-15,
          f"ricker: {w.shape} values, max difference {np.max(np.abs(w - w_ref)) if w.shape == w_ref.shape else 'n/a'}")
    x, y = load("x").reshape(60, 4), load("y").reshape(60, 4)
    for k, kind in (("c", "centered"), ("f", "forward")):
        for explicit in (False, True):
            P = PoststackLinearModelling(w_ref, nt0=60, spatdims=4, explicit=explicit, kind=kind)
            fwd = (P @ x.ravel()).reshape(60, 4)
            adj = (P.H @ y.ravel()).reshape(60, 4)
            ef = np.linalg.norm(load(k + "_fwd").reshape(60, 4) - fwd) / np.linalg.norm(fwd)
            ea = np.linalg.norm(load(k + "_adj").reshape(60, 4) - adj) / np.linalg.norm(adj)
            check(ef <= 1e-13, f"{kind} explicit={explicit}: forward relative error {ef:.2e}")
            check(ea <= 1e-13, f"{kind} explicit={explicit}: adjoint relative error {ea:.2e}")
    print(f"poststack_parity: {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
