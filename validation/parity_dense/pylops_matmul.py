"""Reference products from PyLops-MPI's MPIMatrixMult (kind="block" and kind="summa").

Run under MPI on a square number of ranks (PyLops-MPI needs P = P'^2):
    mpiexec -n 4 python pylops_matmul.py OUTDIR
Writes, for every case, A, X (inputs, drawn with numpy's default_rng from a fixed seed) and
the gathered PyLops-MPI results Y = A X and Xadj = A^H Y as .npy files named
    <kind>_<dtype>_<N>x<K>x<M>_{A,X,Y,Xadj}.npy
The C test validation/parity_dense/test_matmul_parity.c loads them and compares dlops' result on
the same grid. Exit code 77 with a [DLOPS-SKIP] line when pylops_mpi cannot be imported.
"""
import math
import os
import sys

try:
    import numpy as np
    from mpi4py import MPI
    from pylops_mpi import DistributedArray, Partition
    from pylops_mpi.basicoperators import MPIMatrixMult, local_block_split, block_gather
except Exception as e:  # noqa: BLE001 - any import failure means "cannot run here"
    print(f"[DLOPS-SKIP] pylops_mpi not importable: {e}")
    sys.exit(77)

CASES = [(7, 5, 6), (9, 4, 3), (4, 4, 4)]
DTYPES = ["float64", "complex128"]


def gathered_block(dist, rows, M, pprime, comm):
    """Global rows x M matrix from a kind="block" vector (column blocks of M, replicated)."""
    x = dist.asarray(masked=True)
    bc = math.ceil(M / pprime)
    blocks, off = [], 0
    for t in range(pprime):
        cnt = max(0, min(bc, M - t * bc))
        if cnt:
            blocks.append(x[off: off + rows * cnt].reshape(rows, cnt))
        off += rows * cnt
    return np.hstack(blocks)


def main():
    out = sys.argv[1]
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    pp = math.isqrt(size)
    if pp * pp != size:
        print(f"[DLOPS-SKIP] PyLops-MPI's MatrixMult needs a square number of ranks, not {size}")
        sys.exit(77)
    if rank == 0:
        os.makedirs(out, exist_ok=True)
    comm.Barrier()
    for N, K, M in CASES:
        for dt in DTYPES:
            rng = np.random.default_rng(1000 * N + 100 * K + M)
            A = rng.standard_normal((N, K))
            X = rng.standard_normal((K, M))
            if dt.startswith("complex"):
                A = A + 1j * rng.standard_normal((N, K))
                X = X + 1j * rng.standard_normal((K, M))
            A = A.astype(dt)
            X = X.astype(dt)
            for kind in ("block", "summa"):
                row_id, col_id = divmod(rank, pp)
                if kind == "block":
                    br, bc = math.ceil(N / pp), math.ceil(M / pp)
                    Ap = A[col_id * br: min(N, (col_id + 1) * br), :]
                    Xp = X[:, row_id * bc: min(M, (row_id + 1) * bc)]
                    op = MPIMatrixMult(Ap, M, base_comm=comm, dtype=dt, kind="block")
                    ncols = comm.allgather(Xp.shape[1])
                    x = DistributedArray(global_shape=K * sum(ncols), local_shapes=[K * c for c in ncols],
                                         partition=Partition.SCATTER, base_comm=comm,
                                         mask=[i % pp for i in range(size)], dtype=dt)
                    x.local_array[:] = Xp.ravel()
                    y = op @ x
                    xa = op.H @ y
                    Y = gathered_block(y, N, M, pp, comm)
                    XA = gathered_block(xa, K, M, pp, comm)
                else:
                    Ap = A[local_block_split((N, K), rank, comm)]
                    Xp = X[local_block_split((K, M), rank, comm)]
                    op = MPIMatrixMult(Ap, M, base_comm=comm, dtype=dt, kind="summa")
                    x = DistributedArray(global_shape=K * M, local_shapes=comm.allgather(Xp.size),
                                         partition=Partition.SCATTER, base_comm=comm, dtype=dt)
                    x.local_array[:] = Xp.ravel()
                    y = op @ x
                    xa = op.H @ y
                    Y = block_gather(y, (N, M), comm)
                    XA = block_gather(xa, (K, M), comm)
                if rank == 0:
                    stem = os.path.join(out, f"{kind}_{dt}_{N}x{K}x{M}")
                    np.save(stem + "_A.npy", np.ascontiguousarray(A))
                    np.save(stem + "_X.npy", np.ascontiguousarray(X))
                    np.save(stem + "_Y.npy", np.ascontiguousarray(np.asarray(Y).reshape(N, M)))
                    np.save(stem + "_Xadj.npy", np.ascontiguousarray(np.asarray(XA).reshape(K, M)))
    if rank == 0:
        print(f"PyLops-MPI MatrixMult references written to {out} on {size} ranks")


if __name__ == "__main__":
    main()
