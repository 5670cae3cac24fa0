#!/usr/bin/env python3
"""PyLops-MPI side of the post-stack time-to-solution comparison (perf/ttos.sh; the dlops side
is perf/bench_poststack.c).

    python pylops_poststack.py prep --npz poststack_model.npz --ny N --dir D
        (one process) write D/m_true.npy and D/m_back.npy, shape (ny, nx, nz): the log-impedance
        model of PyLops' test data as PyLops-MPI's tutorials/poststack.py builds it (every 3rd
        x sample: (nx, nz) = (267, 550)), the same 2-D section on every y slice; the starting
        model is that section smoothed as the tutorial does (filtfilt, 30 samples along x and 20
        along z; the tutorial's smoothing along y leaves a model constant in y unchanged and
        needs more than 15 slices per rank, so it is left out), also repeated along y.
    mpiexec -n P python pylops_poststack.py solve --dir D [--niter 30] [--out F.npy] [--data-out F.npy] [--breakdown]
        the tutorial's operator on P ranks: MPIBlockDiag of Top.H @ PPop @ Top per rank, with
        PPop = PoststackLinearModelling(wav, nt0=nz, spatdims=(ny_r, nx)) (explicit=False) and
        Top = Transpose((ny_r, nx, nz), (2, 0, 1)), wav = ricker(t[:21], 15)[0], t = 0, 4, 8 ...
        ms; data d = BDiag @ m_true; then pylops_mpi.optimization.basic.cgls(BDiag, d,
        x0=m_back, niter, tol=0). Times the cgls call only (after a barrier; the maximum over
        ranks) and writes the inverted model and the data (1-D, gathered on rank 0). --breakdown:
        then times one forward and one adjoint apply of BDiag (best of 5, max over ranks).
    python pylops_poststack.py compare A.npy B.npy
        print max |A - B| / max |B| over the flattened arrays.

Rank 0 of "solve" prints one machine-readable line
    RESULT code=pylops-mpi np=P ny=.. nx=.. nz=.. niter=.. solve_s=..
"""
import argparse
import sys

import numpy as np


def prep(args):
    from scipy.signal import filtfilt

    model = np.load(args.npz)
    m = np.log(model["model"])[:, ::3]  # (nz, nx) as in the tutorial
    nz, nx = m.shape
    # the tutorial's smooth background along x (axis 1 of m3d = axis 1 here) and z (axis 0 here)
    nsmoothx, nsmoothz = 30, 20
    mback = filtfilt(np.ones(nsmoothx) / float(nsmoothx), 1, m, axis=1)
    mback = filtfilt(np.ones(nsmoothz) / float(nsmoothz), 1, mback, axis=0)
    ny = args.ny
    # m3d[iy, ix, iz] = m[iz, ix] (np.tile(m[:, :, None], (1, 1, ny)).transpose((2, 1, 0)))
    m3d = np.ascontiguousarray(np.broadcast_to(m.T[np.newaxis], (ny, nx, nz)))
    mb3d = np.ascontiguousarray(np.broadcast_to(mback.T[np.newaxis], (ny, nx, nz)))
    np.save(f"{args.dir}/m_true.npy", m3d)
    np.save(f"{args.dir}/m_back.npy", mb3d)
    print(f"prep: (ny, nx, nz) = ({ny}, {nx}, {nz}) written to {args.dir}/m_true.npy, m_back.npy")
    return 0


def solve(args):
    from mpi4py import MPI
    import pylops_mpi
    from pylops.avo.poststack import PoststackLinearModelling
    from pylops.basicoperators import Transpose
    from pylops.utils.wavelets import ricker

    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    mt = np.load(f"{args.dir}/m_true.npy", mmap_mode="r")
    mb = np.load(f"{args.dir}/m_back.npy", mmap_mode="r")
    ny, nx, nz = mt.shape

    m_dist = pylops_mpi.DistributedArray(global_shape=ny * nx * nz)
    mback_dist = pylops_mpi.DistributedArray(global_shape=ny * nx * nz)
    sizes = [s[0] for s in m_dist.local_shapes]
    if any(s % (nx * nz) for s in sizes):
        if rank == 0:
            print(f"the split of {ny * nx * nz} elements over {size} ranks does not fall on y slices", file=sys.stderr)
        return 1
    nyi = sizes[rank] // (nx * nz)
    y0 = sum(sizes[:rank]) // (nx * nz)
    m_dist[:] = np.asarray(mt[y0:y0 + nyi]).ravel()
    mback_dist[:] = np.asarray(mb[y0:y0 + nyi]).ravel()

    # the tutorial's wavelet and operator
    dt = 0.004
    t0 = np.arange(nz) * dt
    ntwav = 41
    wav = ricker(t0[: ntwav // 2 + 1], 15)[0]
    PPop = PoststackLinearModelling(wav, nt0=nz, spatdims=(nyi, nx))
    Top = Transpose((nyi, nx, nz), (2, 0, 1))
    BDiag = pylops_mpi.basicoperators.MPIBlockDiag(ops=[Top.H @ PPop @ Top])

    d_dist = BDiag @ m_dist  # the data (and the warm-up of the operator)

    comm.Barrier()
    t = MPI.Wtime()
    minv_dist = pylops_mpi.optimization.basic.cgls(BDiag, d_dist, x0=mback_dist, niter=args.niter, tol=0.0,
                                                   show=False)[0]
    t = MPI.Wtime() - t
    t = comm.allreduce(t, op=MPI.MAX)

    if args.breakdown:  # one forward and one adjoint apply, best of 5, max over ranks
        def best(f):
            ts = []
            for _ in range(5):
                comm.Barrier()
                t1 = MPI.Wtime()
                f()
                ts.append(comm.allreduce(MPI.Wtime() - t1, op=MPI.MAX))
            return min(ts)
        fwd = best(lambda: BDiag.matvec(m_dist))
        adj = best(lambda: BDiag.rmatvec(d_dist))
        if rank == 0:
            print(f"BREAKDOWN fwd_ms={1e3 * fwd:.3f} adj_ms={1e3 * adj:.3f}")

    minv = minv_dist.asarray()
    d = d_dist.asarray()
    if rank == 0:
        if args.out:
            np.save(args.out, minv)
        if args.data_out:
            np.save(args.data_out, d)
        print(f"pylops_poststack: {size} ranks, model (ny, nx, nz) = ({ny}, {nx}, {nz}), cgls {args.niter} "
              f"iterations: {t:.4f} s")
        print(f"RESULT code=pylops-mpi np={size} ny={ny} nx={nx} nz={nz} niter={args.niter} solve_s={t:.6f}")
    return 0


def compare(args):
    a = np.load(args.a).ravel()
    b = np.load(args.b).ravel()
    if a.shape != b.shape:
        print(f"shapes differ: {a.shape} vs {b.shape}")
        return 1
    print(f"{np.max(np.abs(a - b)) / np.max(np.abs(b)):.3e}")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("prep")
    q.add_argument("--npz", required=True)
    q.add_argument("--ny", type=int, required=True)
    q.add_argument("--dir", required=True)
    q = sub.add_parser("solve")
    q.add_argument("--dir", required=True)
    q.add_argument("--niter", type=int, default=30)
    q.add_argument("--out")
    q.add_argument("--data-out")
    q.add_argument("--breakdown", action="store_true",
                   help="after the solve, time one forward and one adjoint apply (best of 5, max over ranks)")
    q = sub.add_parser("compare")
    q.add_argument("a")
    q.add_argument("b")
    args = p.parse_args()
    return {"prep": prep, "solve": solve, "compare": compare}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
