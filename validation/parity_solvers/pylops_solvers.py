"""Reference solver runs with PyLops-MPI for the dlops solver parity test.

    mpiexec -n P python pylops_solvers.py OUTDIR        (P = 1..4)

The operators are block diagonal (MPIBlockDiag of MatrixMult) over NB = 4 dense blocks, block k
on rank floor(k P / NB)..., so the global operator does not depend on P. Inputs come from
numpy's default_rng(2024) and are written as .npy files (blocks, data, x0); the gathered
PyLops-MPI results (x after the solve and the cost history) are written next to them:
    cg_x, cg_cost                  cg(Sop, ys, x0s, niter=50, tol=0), Sop = blockdiag(S_k) SPD, cond 50
    cgls_x, cgls_cost, cgls_r      cgls(Op, y, x0, niter=50, damp=0.3, tol=0) (x0 != 0: damp quirk)
    ista_<kind>_x / _cost          ista(Op, y, 0, niter=50, eps=0.5, alpha=a, tol=0, threshkind=kind)
    fista_<kind>_x / _cost         same with fista
    pg_x                           ProximalGradient(MPIL2(Op, y), L1(sigma=0.5), 0, tau=a, niter=50,
                                   acceleration="fista")
    admm_x, admm_z                 ADMML2(L1(sigma=0.5), Op, y, A=blockdiag(I), 0, tau=1, niter=10,
                                   kwargs_solver={"niter": 5})
Exit code 77 with a [DLOPS-SKIP] line when pylops_mpi cannot be imported.
"""
import os
import sys

try:
    import numpy as np
    from mpi4py import MPI
    import pylops
    import pyproximal
    import pylops_mpi
    from pylops_mpi import DistributedArray, Partition
    from pylops_mpi.optimization.basic import cg, cgls
    from pylops_mpi.optimization.sparsity import ista, fista
    from pylops_mpi.proximal import MPIProxOperator, MPIL2
    from pylops_mpi.proximal.optimization import ProximalGradient, ADMML2
except Exception as e:  # noqa: BLE001 - any import failure means "cannot run here"
    print(f"[DLOPS-SKIP] pylops_mpi not importable: {e}")
    sys.exit(77)

NB = 4
NCOL = [40, 30, 35, 25]
NROW = [60, 45, 50, 40]
NITER = 50
ALPHA = 0.005


def my_blocks(rank, size):
    return [k for k in range(NB) if (k * size) // NB == rank]


def main():
    out = sys.argv[1]
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    if size > NB:
        print(f"[DLOPS-SKIP] at most {NB} ranks")
        sys.exit(77)
    rng = np.random.default_rng(2024)
    M = [rng.standard_normal((NROW[k], NCOL[k])) for k in range(NB)]
    S = []  # SPD, eigenvalues spread over [1, 50]: CG is not yet at rounding level after 50 its
    for k in range(NB):
        q, _ = np.linalg.qr(rng.standard_normal((NCOL[k], NCOL[k])))
        S.append((q * np.linspace(1.0, 50.0, NCOL[k])) @ q.T)
        S[-1] = 0.5 * (S[-1] + S[-1].T)
    n, m = sum(NCOL), sum(NROW)
    xtrue = rng.standard_normal(n)
    xtrue[rng.random(n) < 0.6] = 0.0  # sparse
    x0g = rng.standard_normal(n)
    noise = 0.01 * rng.standard_normal(m)
    Mfull = np.zeros((m, n))
    Sfull = np.zeros((n, n))
    r0 = c0 = 0
    for k in range(NB):
        Mfull[r0:r0 + NROW[k], c0:c0 + NCOL[k]] = M[k]
        Sfull[c0:c0 + NCOL[k], c0:c0 + NCOL[k]] = S[k]
        r0 += NROW[k]
        c0 += NCOL[k]
    yg = Mfull @ xtrue + noise
    ysg = Sfull @ xtrue

    mine = my_blocks(rank, size)
    ncl = [sum(NCOL[k] for k in my_blocks(r, size)) for r in range(size)]
    nrl = [sum(NROW[k] for k in my_blocks(r, size)) for r in range(size)]
    Op = pylops_mpi.MPIBlockDiag([pylops.MatrixMult(M[k]) for k in mine])
    Sop = pylops_mpi.MPIBlockDiag([pylops.MatrixMult(S[k]) for k in mine])
    Iop = pylops_mpi.MPIBlockDiag([pylops.Identity(NCOL[k]) for k in mine])

    def dvec(glob, shapes):
        d = DistributedArray(global_shape=glob.size, local_shapes=[(s,) for s in shapes],
                             partition=Partition.SCATTER, dtype=np.float64)
        off = sum(shapes[:rank])
        d[:] = glob[off:off + shapes[rank]]
        return d

    res = {}
    x, _, cost = cg(Sop, dvec(ysg, ncl), dvec(x0g, ncl), niter=NITER, tol=0.0)
    res["cg_x"], res["cg_cost"] = x.asarray(), np.asarray(cost)
    x, istop, _, r1, r2, cost = cgls(Op, dvec(yg, nrl), dvec(x0g, ncl), niter=NITER, damp=0.3, tol=0.0)
    res["cgls_x"], res["cgls_cost"], res["cgls_r"] = x.asarray(), np.asarray(cost), np.array([r1, r2])
    for kind in ["soft", "hard", "half"]:
        for name, f in [("ista", ista), ("fista", fista)]:
            x, _, cost = f(Op, dvec(yg, nrl), dvec(np.zeros(n), ncl), niter=NITER, eps=0.5, alpha=ALPHA,
                           tol=0.0, threshkind=kind)
            res[f"{name}_{kind}_x"], res[f"{name}_{kind}_cost"] = x.asarray(), np.asarray(cost)
    proxf = MPIL2(Op=Op, b=dvec(yg, nrl), x0=dvec(np.zeros(n), ncl))
    proxg = MPIProxOperator(pyproximal.L1(sigma=0.5))
    x = ProximalGradient(proxf, proxg, dvec(np.zeros(n), ncl), tau=ALPHA, niter=NITER, acceleration="fista")
    res["pg_x"] = x.asarray()
    x, z = ADMML2(proxg, Op, dvec(yg, nrl), Iop, dvec(np.zeros(n), ncl), tau=1.0, niter=10,
                  kwargs_solver={"niter": 5})
    res["admm_x"], res["admm_z"] = x.asarray(), z.asarray()

    if rank == 0:
        os.makedirs(out, exist_ok=True)
        for k in range(NB):
            np.save(os.path.join(out, f"M{k}.npy"), M[k])
            np.save(os.path.join(out, f"S{k}.npy"), S[k])
        np.save(os.path.join(out, "y.npy"), yg)
        np.save(os.path.join(out, "ys.npy"), ysg)
        np.save(os.path.join(out, "x0.npy"), x0g)
        for key, v in res.items():
            np.save(os.path.join(out, f"{key}.npy"), np.ascontiguousarray(v, dtype=np.float64))
        print(f"pylops_solvers.py: wrote {len(res)} results to {out} (pylops_mpi {pylops_mpi.__version__}, {size} ranks)")
    comm.Barrier()


if __name__ == "__main__":
    main()
