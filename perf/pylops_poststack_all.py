#!/usr/bin/env python3
"""PyLops-MPI side of perf/ttos_poststack_all.sh: the six inversions of PyLops-MPI's post-stack
and reflectivity tutorials (as examples/c/poststack runs them), timed one by one, on P ranks.

    mpiexec -n P python pylops_poststack_all.py <folder>

<folder> holds model.npy and background.npy (C shape (ny, nx, nz)) written by examples/c/poststack
for the same problem; each rank takes its y slab (ny must be a multiple of P, so that
PyLops-MPI's even split of the flattened arrays matches the slabs). The operators and calls are
the tutorials' (MPIBlockDiag of Transpose.H @ PoststackLinearModelling @ Transpose; MPILaplacian;
MPIStackedVStack; MPIGradient + ADMML2; Convolve1D + fista; MPIL2 + ProximalGradient with
power_iteration). Each solve is timed alone (barrier before, maximum over ranks after); the
set-up (operators, data, the normal-equation right-hand side, proxes, the power iteration) is
not timed, as in the dlops program. Rank 0 prints one line per inversion:
    TIME name=<cgls|ne|reg|tv|fista|pg> np=P solve_s=..
"""
import os
import sys
import time

import numpy as np
from mpi4py import MPI


def main():
    from pylops.avo.poststack import PoststackLinearModelling
    from pylops.basicoperators import FirstDerivative, Transpose
    from pylops.signalprocessing import Convolve1D
    from pylops.utils.wavelets import ricker
    from pyproximal.proximal import L1
    import pylops_mpi
    from pylops_mpi.optimization.eigs import power_iteration
    from pylops_mpi.proximal import ADMML2, MPIL2, MPIProxOperator, ProximalGradient

    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    d = sys.argv[1]
    m = np.load(os.path.join(d, "model.npy"))
    mb = np.load(os.path.join(d, "background.npy"))
    ny, nx, nz = m.shape
    if ny % size:
        sys.exit("ny must be a multiple of the rank count")
    nyi = ny // size
    sl = slice(rank * nyi, (rank + 1) * nyi)

    def da(v):
        x = pylops_mpi.DistributedArray(global_shape=ny * nx * nz)
        x[:] = v[sl].ravel()
        return x

    wav, _, wavc = ricker((np.arange(nz) * 0.004)[:21], 15)
    PPop = PoststackLinearModelling(wav, nt0=nz, spatdims=(nyi, nx))
    Top = Transpose((nyi, nx, nz), (2, 0, 1))
    BDiag = pylops_mpi.MPIBlockDiag(ops=[Top.H @ PPop @ Top])
    dd = BDiag @ da(m)
    epsR = 1e2
    Lap = pylops_mpi.MPILaplacian(dims=(ny, nx, nz), axes=(0, 1, 2), weights=(1, 1, 1), sampling=(1, 1, 1),
                                  dtype=BDiag.dtype)
    Grad = pylops_mpi.MPIGradient(dims=(ny, nx, nz), sampling=1.0, edge=False, kind="forward")
    DDiag = pylops_mpi.MPIBlockDiag(ops=[FirstDerivative((nyi, nx, nz), axis=-1)])
    CDiag = pylops_mpi.MPIBlockDiag(ops=[Convolve1D((nyi, nx, nz), wav, offset=wavc, axis=-1)])
    r = DDiag @ da(m)
    dr = CDiag @ r

    def timed(name, f):
        comm.Barrier()
        t0 = time.perf_counter()
        f()
        t = comm.allreduce(time.perf_counter() - t0, op=MPI.MAX)
        if rank == 0:
            print("TIME name=%s np=%d solve_s=%.4f" % (name, size, t), flush=True)

    timed("cgls", lambda: pylops_mpi.cgls(BDiag, dd, x0=da(mb), niter=100))
    NE = BDiag.H @ BDiag + epsR * Lap.H @ Lap
    dn = BDiag.H @ dd
    timed("ne", lambda: pylops_mpi.cg(NE, dn, x0=da(mb), niter=100))
    Stack = pylops_mpi.MPIStackedVStack([BDiag, np.sqrt(epsR) * Lap])
    d0 = pylops_mpi.DistributedArray(global_shape=ny * nx * nz)
    d0[:] = 0.0
    ds = pylops_mpi.StackedDistributedArray([dd, d0])
    timed("reg", lambda: pylops_mpi.cgls(Stack, ds, x0=da(mb), niter=100))
    l1 = MPIProxOperator(L1(sigma=1e-2))
    timed("tv", lambda: ADMML2(l1, BDiag, dd, Grad, x0=da(mb), tau=0.99 / 12, niter=40, kwargs_solver=dict(niter=20)))
    r0 = pylops_mpi.DistributedArray(global_shape=ny * nx * nz)
    r0[:] = 0.0
    timed("fista", lambda: pylops_mpi.fista(CDiag, dr, x0=r0.copy(), niter=200, eps=2e-2, tol=1e-8))
    maxeig = np.abs(power_iteration(CDiag.H @ CDiag, r0.copy())[0])
    l2 = MPIL2(Op=CDiag, b=dr, x0=r0.copy())
    timed("pg", lambda: ProximalGradient(l2, l1, x0=r0.copy(), tau=0.99 / maxeig, niter=200, acceleration="fista"))


if __name__ == "__main__":
    main()
