#!/usr/bin/env python3
"""PyLops-MPI's least-squares migration tutorial (tutorials/lsm.py) at a chosen size, against a
dlops run of examples/c/lsm on the same problem (test example_lsm_pylops_mpi, label parity).

    mpiexec -n P python3 examples/lsm_pylops_mpi.py DLOPS_OUT [nx=N nz=N nt=N nstot=N nr=N niter=N]

Builds the tutorial's problem with pylops.waveeqprocessing.LSM(..., mode="analytic") per rank
(its share of the nstot sources, as dlops splits them), pylops_mpi.MPIVStack, and
pylops_mpi.cgls from zero; rank 0 compares the data, the migration and the inversion with
DLOPS_OUT/{data,madj,minv}.npy (written by `lsm` with the same options on as many ranks) and
prints PyLops-MPI's time to solution. Exits 77 with "[DLOPS-SKIP] reason" when numpy, pylops,
pylops_mpi or mpi4py cannot be imported.
"""
import os
import sys
import time
import warnings

try:
    import numpy as np
    from mpi4py import MPI
    from pylops.utils.wavelets import ricker
    from pylops.waveeqprocessing.lsm import LSM
    import pylops_mpi
except Exception as e:  # noqa: BLE001 - any import problem is a reason to skip
    print(f"[DLOPS-SKIP] numpy, pylops, pylops_mpi or mpi4py not importable: {e}")
    sys.exit(77)


def main():
    warnings.filterwarnings("ignore")
    out = sys.argv[1]
    opt = dict(nx=81, nz=60, nt=651, nstot=-1, nr=11, niter=100)
    for a in sys.argv[2:]:
        k, v = a.split("=")
        if k in opt:
            opt[k] = int(v)
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    nx, nz, nt, nr, niter = opt["nx"], opt["nz"], opt["nt"], opt["nr"], opt["niter"]
    nstot = opt["nstot"] if opt["nstot"] > 0 else 10 * size
    dx = dz = 4
    x, z = np.arange(nx) * dx, np.arange(nz) * dz
    refl = np.zeros((nx, nz))
    refl[:, nz // 2] = -1
    refl[:, 5 * nz // 6] = 0.5
    recs = np.vstack((np.linspace(10 * dx, (nx - 10) * dx, nr), 20 * np.ones(nr)))
    per, extra = divmod(nstot, size)
    mine = per + (rank < extra)
    s0 = rank * per + min(rank, extra)
    sxtot = np.linspace(dx * 10, (nx - 10) * dx, nstot)
    sources = np.vstack((sxtot[s0:s0 + mine], 10 * np.ones(mine)))
    dt = 0.004
    t = np.arange(nt) * dt
    wav, _, wavc = ricker(t[:41], f0=20)
    lsm = LSM(z, x, t, sources, recs, 1000, wav, wavc, mode="analytic", engine="numba")
    VStack = pylops_mpi.MPIVStack(ops=[lsm.Demop])
    refl_dist = pylops_mpi.DistributedArray(global_shape=nx * nz, partition=pylops_mpi.Partition.BROADCAST)
    refl_dist[:] = refl.flatten()
    d_dist = VStack @ refl_dist
    madj = (VStack.H @ d_dist).asarray()
    x0 = pylops_mpi.DistributedArray(VStack.shape[1], partition=pylops_mpi.Partition.BROADCAST)
    x0[:] = 0
    comm.Barrier()
    t0 = time.perf_counter()
    minv_dist = pylops_mpi.cgls(VStack, d_dist, x0=x0, niter=niter, show=False)[0]
    comm.Barrier()
    tsol = time.perf_counter() - t0
    d = d_dist.asarray()
    minv = minv_dist.asarray()
    if rank != 0:
        return 0
    load = lambda n: np.load(os.path.join(out, n + ".npy"))  # noqa: E731
    rel = lambda a, b: np.linalg.norm(a - b) / np.linalg.norm(b)  # noqa: E731
    ed, ea, ei = rel(load("data"), d), rel(load("madj"), madj), rel(load("minv"), minv)
    err_p, err_d = rel(minv, refl.ravel()), rel(load("minv"), refl.ravel())
    print(f"problem: nx={nx} nz={nz} nt={nt} nstot={nstot} nr={nr} niter={niter}, {size} ranks")
    print(f"PyLops-MPI cgls: {tsol:.3f} s to solution, error to the true reflectivity {err_p:.4e}")
    print(f"dlops  vs PyLops-MPI: data {ed:.2e}, migration {ea:.2e}, inversion {ei:.2e} (relative); "
          f"dlops error {err_d:.4e}")
    bad = not (ed <= 1e-12 and ea <= 1e-12 and ei <= 1e-2 and abs(err_p - err_d) <= 1e-3)
    print("lsm_pylops_mpi: " + ("FAILED" if bad else "OK") +
          " (bounds: data and migration 1e-12, inversion 1e-2, errors within 1e-3)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
