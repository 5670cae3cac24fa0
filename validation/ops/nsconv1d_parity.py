#!/usr/bin/env python3
"""dlops' non-stationary convolution against PyLops (test ops.nsconv1d_pylops).

    python nsconv1d_parity.py NSCONV1D_DUMP OUTDIR [MPIEXEC [flags...]]

Runs nsconv1d_dump (one rank) into OUTDIR, then compares with
pylops.signalprocessing.NonStationaryConvolve1D on the same filters, model and data, along axis
0 and 1, f64 and c128: the forward to a relative 1e-13, the adjoint too, where for c128 PyLops'
rmatvec (the transpose: it does not conjugate the filters) gives the adjoint as
conj(rmatvec(conj(y))). Exit 77 with "[DLOPS-SKIP] reason" when numpy or pylops cannot be
imported. When mpi4py and pylops_mpi are found, the distributed form (written by the dump on 2
ranks) is compared with pylops_mpi's MPINonStationaryConvolve1D, run by this script on 2 ranks
(--mpi OUTDIR), the same way.
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


P = 2


def mpi_main(out):
    from mpi4py import MPI
    import pylops_mpi
    from pylops_mpi.signalprocessing import MPINonStationaryConvolve1D
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    load = lambda n: np.load(os.path.join(out, n + ".npy"))  # noqa: E731
    dims, nloc = (3, 8 * size), 3 * 8
    ih = 2 + 4 * np.arange(2 * size)
    k = np.arange(2 * 5 * 2 * size)
    bad = 0
    for c, dt in (("d", "float64"), ("z", "complex128")):
        vals = np.sin(0.7 * k + 0.2)
        hs = (vals[: 2 * size * 5] if c == "d" else vals[0::2][: 2 * size * 5] + 1j * vals[1::2][: 2 * size * 5])
        hs = hs.reshape(2 * size, 5)
        Op = MPINonStationaryConvolve1D(dims=dims, hs=hs, ih=ih, axis=-1, base_comm=comm, dtype=dt)
        sl = slice(rank * nloc, (rank + 1) * nloc)

        def dist(v):
            a = pylops_mpi.DistributedArray(global_shape=v.size, local_shapes=[(nloc,)] * size,
                                            partition=pylops_mpi.Partition.SCATTER, dtype=dt)
            a[:] = v[sl]
            return a
        fwd = (Op @ dist(load("mx_" + c))).local_array
        adj = np.conj((Op.H @ dist(np.conj(load("my_" + c)))).local_array)
        ef = np.linalg.norm(load(f"m_{c}_fwd")[sl] - fwd) / np.linalg.norm(fwd)
        ea = np.linalg.norm(load(f"m_{c}_adj")[sl] - adj) / np.linalg.norm(adj)
        ok = ef <= 1e-13 and ea <= 1e-13
        bad += not ok
        print(f"{'ok  ' if ok else 'FAIL'}  rank {rank}: pylops_mpi MPINonStationaryConvolve1D {dt}: forward {ef:.2e}, "
              f"adjoint {ea:.2e}", flush=True)
    return 1 if comm.allreduce(bad) else 0


def main():
    if sys.argv[1] == "--mpi":
        return mpi_main(sys.argv[2])
    dump, out = sys.argv[1], sys.argv[2]
    launcher = sys.argv[3:]
    os.makedirs(out, exist_ok=True)
    subprocess.run((launcher + ["-n", str(P)] if launcher else []) + [dump, out], check=True)
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
    # find, not import: importing pylops_mpi initialises MPI here, and a singleton MPI process
    # cannot start mpiexec
    import importlib.util
    if not all(importlib.util.find_spec(m) for m in ("mpi4py", "pylops_mpi")):
        print("mpi4py or pylops_mpi not importable: MPINonStationaryConvolve1D parity not run")
    elif launcher:
        r = subprocess.run(launcher + ["-n", str(P), sys.executable, os.path.abspath(__file__), "--mpi", out])
        check(r.returncode == 0, f"pylops_mpi MPINonStationaryConvolve1D on {P} ranks")
    print(f"nsconv1d_parity: {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
