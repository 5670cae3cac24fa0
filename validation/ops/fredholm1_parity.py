#!/usr/bin/env python3
"""dlops' Fredholm1 and MPIFredholm1 against PyLops and PyLops-MPI (test ops.fredholm1_pylops).

    python fredholm1_parity.py FREDHOLM1_DUMP OUTDIR MPIEXEC [flags...]

Runs fredholm1_dump on 3 ranks into OUTDIR, then compares with pylops.signalprocessing.Fredholm1
(saveGt False and True) on the same kernel, model and data, and, when pylops_mpi and mpi4py
import, runs itself on 3 ranks (--mpi OUTDIR) to compare with pylops_mpi's MPIFredholm1 with the
same slices per rank. Forward and adjoint to a relative 1e-13. Exit 77 with "[DLOPS-SKIP]
reason" when numpy or pylops cannot be imported.
"""
import os
import subprocess
import sys

NSL, NX, NY, NZ, P = 7, 4, 5, 3, 3

try:
    import numpy as np
    from pylops.signalprocessing import Fredholm1
except Exception as e:  # noqa: BLE001 - any import problem is a reason to skip
    print(f"[DLOPS-SKIP] numpy or pylops not importable: {e}")
    sys.exit(77)


def rel(a, b):
    return np.linalg.norm(a.ravel() - b.ravel()) / np.linalg.norm(b.ravel())


def mpi_main(out):
    from mpi4py import MPI
    import pylops_mpi
    from pylops_mpi.signalprocessing import MPIFredholm1
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    load = lambda n: np.load(os.path.join(out, n + ".npy"))  # noqa: E731
    G = load("G").reshape(NSL, NX, NY)
    counts = [NSL // size + (r < NSL % size) for r in range(size)]
    first = sum(counts[:rank])
    bad = 0
    for sg, suf in ((False, ""), (True, "_t")):
        Op = MPIFredholm1(G[first:first + counts[rank]], nz=NZ, saveGt=sg, base_comm=comm, dtype="complex128")
        x = pylops_mpi.DistributedArray(global_shape=NSL * NY * NZ, partition=pylops_mpi.Partition.BROADCAST,
                                        dtype="complex128")
        x[:] = load("x")
        y = pylops_mpi.DistributedArray(global_shape=NSL * NX * NZ, partition=pylops_mpi.Partition.BROADCAST,
                                        dtype="complex128")
        y[:] = load("y")
        ef = rel(load("mpi_fwd" + suf), (Op @ x).local_array)
        ea = rel(load("mpi_adj" + suf), (Op.H @ y).local_array)
        ok = ef <= 1e-13 and ea <= 1e-13
        bad += not ok
        print(f"{'ok  ' if ok else 'FAIL'}  rank {rank}: pylops_mpi MPIFredholm1 saveGt={sg}: forward {ef:.2e}, "
              f"adjoint {ea:.2e}", flush=True)
    bad = comm.allreduce(bad)
    return 1 if bad else 0


def main():
    if sys.argv[1] == "--mpi":
        return mpi_main(sys.argv[2])
    dump, out = sys.argv[1], sys.argv[2]
    launcher = sys.argv[3:]
    os.makedirs(out, exist_ok=True)
    subprocess.run((launcher + ["-n", str(P)] if launcher else []) + [dump, out], check=True)
    load = lambda n: np.load(os.path.join(out, n + ".npy"))  # noqa: E731
    G = load("G").reshape(NSL, NX, NY)
    x, y = load("x"), load("y")
    bad = 0

    def check(cond, what):
        nonlocal bad
        print(("ok    " if cond else "FAIL  ") + what)
        bad += not cond

    for sg in (False, True):
        F = Fredholm1(G, nz=NZ, saveGt=sg, dtype="complex128")
        fwd, adj = F @ x, F.H @ y
        for name, suf in (("local", None), ("mpi", "")):
            if name == "local" and sg:
                continue
            f = load("loc_fwd" if name == "local" else "mpi_fwd" + ("_t" if sg else ""))
            a = load("loc_adj" if name == "local" else "mpi_adj" + ("_t" if sg else ""))
            ef, ea = rel(f, fwd), rel(a, adj)
            check(ef <= 1e-13 and ea <= 1e-13,
                  f"pylops Fredholm1 saveGt={sg} vs dlops {name}: forward {ef:.2e}, adjoint {ea:.2e}")
    # find, not import: importing pylops_mpi initialises MPI here, and a singleton MPI process
    # cannot start mpiexec
    import importlib.util
    if not all(importlib.util.find_spec(m) for m in ("mpi4py", "pylops_mpi")):
        print("mpi4py or pylops_mpi not importable: MPIFredholm1 parity not run")
    else:
        if launcher:
            r = subprocess.run(launcher + ["-n", str(P), sys.executable, os.path.abspath(__file__), "--mpi", out])
            check(r.returncode == 0, "pylops_mpi MPIFredholm1 on 3 ranks")
    print(f"fredholm1_parity: {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
