#!/usr/bin/env python3
"""PyLops-MPI reference outputs for dlops' parity tests (validation/parity).

Cases (cases() below): first/second derivatives (every kind, centered orders 3 and 5, edge),
Laplacian and Gradient; MPIBlockDiag, MPIStackedBlockDiag, MPIVStack, MPIHStack and
MPIStackedVStack of pylops MatrixMult blocks (f64, c128, f32). For each case the inputs are
drawn deterministically with numpy.random.default_rng(seed) (x: model, y: data; complex cases draw real and imaginary
parts), PyLops-MPI applies the operator forward to x and adjoint to y, and rank 0 writes

    <dir>/cases.txt            one line per case: key=value tokens (name, op, dtype, dims, axis,
                               kind, order, edge, sampling, axes, weights; stack cases: name,
                               op, dtype, blocks, blocks2)
    <dir>/<name>_x.npy         model (global, flattened), <name>_y.npy data (global, flattened;
                               for the Gradient: the components concatenated)
    <dir>/<name>_fwd.npy       PyLops-MPI's op @ x (asarray), <name>_adj.npy op.H @ y
    <dir>/<name>_mat.npy       stack cases only: the dense blocks, row-major, concatenated in the
                               order of the case's "blocks" then "blocks2" tokens (RxC each);
                               rank r of P owns the blocks rank_blocks(K, P, r) of each list

Usage:
    python pylops_parity.py gen <dir>
        run PyLops-MPI on the ranks of this process's MPI world (run it under mpiexec -n P for
        P ranks) and write the files; used to refresh validation/parity/golden (at one rank).
    python pylops_parity.py live <dir> <mpiexec> <maxnp> [mpiexec flags...]
        CTest fixture: if pylops_mpi cannot be imported, write <dir>/SKIP with the reason (the
        C test then skips); else run "gen" at 1 rank into <dir>/np1 and at 2..maxnp ranks under
        mpiexec into <dir>/npP (a failed mpiexec run is noted in <dir>/npP.failed and the C test
        falls back to np1). Always exits 0.
"""
import os
import subprocess
import sys

try:
    import numpy as np
except Exception as _e:  # reported by "live" as the skip reason
    np = None
    _NUMPY_ERROR = _e

KINDS = ("forward", "backward", "centered")


def cases():
    out = []
    # dims[0] = 16: every rank owns >= 4 rows at NP <= 4, as PyLops-MPI's one-hop ghost cells need
    d2 = (16, 3)
    for kind, order, edge in (("forward", 3, 0), ("backward", 3, 0), ("centered", 3, 0), ("centered", 3, 1),
                              ("centered", 5, 0), ("centered", 5, 1)):
        out.append(dict(name=f"d1_{kind}{order if kind == 'centered' else ''}_e{edge}", op="D1", dtype="f64",
                        dims=d2, axis=0, kind=kind, order=order, edge=edge, sampling=(0.7,)))
    out.append(dict(name="d1_centered5_e1_c128", op="D1", dtype="c128", dims=(16, 3, 2), axis=0, kind="centered",
                    order=5, edge=1, sampling=(1.3,)))
    out.append(dict(name="d1_centered3_e1_f32", op="D1", dtype="f32", dims=(16, 3), axis=0, kind="centered",
                    order=3, edge=1, sampling=(0.9,)))
    for kind, edge in (("forward", 0), ("backward", 0), ("centered", 0), ("centered", 1)):
        out.append(dict(name=f"d2_{kind}_e{edge}", op="D2", dtype="f64", dims=d2, axis=0, kind=kind, order=3,
                        edge=edge, sampling=(0.6,)))
    out.append(dict(name="d2_centered_e1_c64", op="D2", dtype="c64", dims=(16, 3), axis=0, kind="centered", order=3,
                    edge=1, sampling=(1.1,)))
    for kind, edge in (("forward", 0), ("backward", 0), ("centered", 0), ("centered", 1)):
        out.append(dict(name=f"lap_{kind}_e{edge}", op="LAP", dtype="f64", dims=(16, 5, 4), axes=(0, 1, 2),
                        weights=(0.7, 1.3, 0.5), sampling=(0.4, 1.0, 2.0), kind=kind, order=3, edge=edge))
    out.append(dict(name="lap_centered_e1_c128", op="LAP", dtype="c128", dims=(16, 5, 4), axes=(2, 0),
                    weights=(1.0, 2.5), sampling=(0.3, 1.5), kind="centered", order=3, edge=1))
    for kind, edge in (("forward", 0), ("backward", 0), ("centered", 0), ("centered", 1)):
        out.append(dict(name=f"grad_{kind}_e{edge}", op="GRAD", dtype="f64", dims=(16, 5, 4),
                        sampling=(0.4, 1.0, 2.0), kind=kind, order=3, edge=edge))
    # Stacks of dense local blocks (pylops MatrixMult / dlops_op_create_matrix). A case lists the
    # global blocks (rows x cols) in order; rank r of P owns blocks rank_blocks(K, P, r) (the
    # default split of K blocks), so the global operator is the same at every P while the ranks'
    # local sizes differ. K >= 4: every rank owns at least one block at P <= 4 (PyLops-MPI cannot
    # concatenate an empty block list).
    bd = ((3, 2), (2, 3), (4, 4), (1, 2), (3, 2), (2, 3))
    bd_rows = ((2, 2), (1, 3), (3, 4), (2, 2), (1, 2), (3, 3))  # same cols as bd: same domain layout
    bd2 = ((2, 2), (3, 1), (1, 3), (2, 2), (2, 1))
    vs = ((3, 4), (1, 4), (2, 4), (4, 4), (2, 4))
    hs = ((3, 2), (3, 4), (3, 1), (3, 3), (3, 2))
    for dt in ("f64", "c128", "f32"):
        out.append(dict(name=f"blockdiag_{dt}", op="BD", dtype=dt, blocks=bd))
        out.append(dict(name=f"stacked_blockdiag_{dt}", op="SBD", dtype=dt, blocks=bd, blocks2=bd2))
        out.append(dict(name=f"vstack_{dt}", op="VS", dtype=dt, blocks=vs))
        out.append(dict(name=f"hstack_{dt}", op="HS", dtype=dt, blocks=hs))
        out.append(dict(name=f"stacked_vstack_{dt}", op="SVS", dtype=dt, blocks=bd, blocks2=bd_rows))
    return out


STACK_OPS = ("BD", "SBD", "VS", "HS", "SVS")


def rank_blocks(K, P, r):
    """Indices of the global blocks rank r of P owns: the default split of K blocks."""
    q, m = divmod(K, P)
    start = r * q + min(r, m)
    return range(start, start + q + (1 if r < m else 0))


def block_mats(mats, groups):
    """Split the flat matrix array into the row-major blocks of groups (list of block lists)."""
    res, off = [], 0
    for blocks in groups:
        g = []
        for (m, n) in blocks:
            g.append(mats[off:off + m * n].reshape(m, n))
            off += m * n
        res.append(g)
    return res


NPTYPE = {"f32": "float32", "f64": "float64", "c64": "complex64", "c128": "complex128"}


def draw(rng, n, dtype):
    a = rng.standard_normal(n)
    if dtype in ("c64", "c128"):
        a = a + 1j * rng.standard_normal(n)
    return a.astype(NPTYPE[dtype])


def spec_line(c):
    if c["op"] in STACK_OPS:
        toks = [f"name={c['name']}", f"op={c['op']}", f"dtype={c['dtype']}"]
        for key in ("blocks", "blocks2"):
            if key in c:
                toks.append(f"{key}=" + ",".join(f"{m}x{n}" for m, n in c[key]))
        return " ".join(toks)
    toks = [f"name={c['name']}", f"op={c['op']}", f"dtype={c['dtype']}",
            "dims=" + ",".join(str(d) for d in c["dims"]), f"kind={c['kind']}", f"order={c['order']}",
            f"edge={c['edge']}", "sampling=" + ",".join(repr(float(s)) for s in c["sampling"])]
    if "axis" in c:
        toks.append(f"axis={c['axis']}")
    if "axes" in c:
        toks.append("axes=" + ",".join(str(a) for a in c["axes"]))
        toks.append("weights=" + ",".join(repr(float(w)) for w in c["weights"]))
    return " ".join(toks)


def gen(outdir):
    from mpi4py import MPI
    import pylops_mpi as pm

    comm = MPI.COMM_WORLD
    rank = comm.Get_rank()
    if rank == 0:
        os.makedirs(outdir, exist_ok=True)
    comm.Barrier()
    lines = []
    for i, c in enumerate(cases()):
        if c["op"] in STACK_OPS:
            gen_stack(pm, comm, i, c, outdir, lines)
            continue
        dt = NPTYPE[c["dtype"]]
        dims = tuple(c["dims"])
        n = int(np.prod(dims))
        kind, edge = c["kind"], bool(c["edge"])
        if c["op"] == "D1":
            Op = pm.MPIFirstDerivative(dims, sampling=c["sampling"][0], kind=kind, edge=edge, order=c["order"],
                                       dtype=dt)
        elif c["op"] == "D2":
            Op = pm.MPISecondDerivative(dims, sampling=c["sampling"][0], kind=kind, edge=edge, dtype=dt)
        elif c["op"] == "LAP":
            Op = pm.MPILaplacian(dims, axes=tuple(c["axes"]), weights=tuple(c["weights"]),
                                 sampling=tuple(c["sampling"]), edge=edge, kind=kind, dtype=dt)
        else:
            Op = pm.MPIGradient(dims, sampling=tuple(c["sampling"]), edge=edge, kind=kind, dtype=dt)
        rng = np.random.default_rng(1000 + i)
        x = draw(rng, n, c["dtype"])
        if c["op"] == "GRAD":
            ys = [draw(rng, n, c["dtype"]) for _ in dims]
            y = np.concatenate(ys)
            yd = pm.StackedDistributedArray([pm.DistributedArray.to_dist(yk.copy()) for yk in ys])
        else:
            y = draw(rng, n, c["dtype"])
            yd = pm.DistributedArray.to_dist(y.copy())
        xd = pm.DistributedArray.to_dist(x.copy())
        fwd = np.asarray((Op @ xd).asarray()).ravel().astype(dt)
        adj = np.asarray((Op.H @ yd).asarray()).ravel().astype(dt)
        if rank == 0:
            for tag, arr in (("x", x), ("y", y), ("fwd", fwd), ("adj", adj)):
                np.save(os.path.join(outdir, f"{c['name']}_{tag}.npy"), arr)
            lines.append(spec_line(c))
    if rank == 0:
        with open(os.path.join(outdir, "cases.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"pylops_parity: wrote {len(lines)} cases to {outdir} (PyLops-MPI on {comm.Get_size()} ranks)")


def gen_stack(pm, comm, i, c, outdir, lines):
    """One stack case (op BD, SBD, VS, HS or SVS): PyLops-MPI on the ranks of comm."""
    import pylops

    dt = NPTYPE[c["dtype"]]
    P, rank = comm.Get_size(), comm.Get_rank()
    groups = [c["blocks"]] + ([c["blocks2"]] if "blocks2" in c else [])
    rng = np.random.default_rng(1000 + i)
    mats = draw(rng, sum(m * n for g in groups for m, n in g), c["dtype"])
    dense = block_mats(mats, groups)

    def local_ops(gi):
        return [pylops.MatrixMult(dense[gi][k], dtype=dt) for k in rank_blocks(len(groups[gi]), P, rank)]

    def bcast(v):
        d = pm.DistributedArray(global_shape=v.size, partition=pm.Partition.BROADCAST, dtype=dt)
        d[:] = v
        return d

    def scat(v):
        return pm.DistributedArray.to_dist(v.copy())

    rows = [sum(m for m, _ in g) for g in groups]
    cols = [sum(n for _, n in g) for g in groups]
    op = c["op"]
    if op == "BD":
        Op = pm.MPIBlockDiag(local_ops(0), dtype=dt)
    elif op == "SBD":
        Op = pm.MPIStackedBlockDiag([pm.MPIBlockDiag(local_ops(0), dtype=dt), pm.MPIBlockDiag(local_ops(1), dtype=dt)])
    elif op == "VS":
        Op = pm.MPIVStack(local_ops(0), dtype=dt)
    elif op == "HS":
        Op = pm.MPIHStack(local_ops(0), dtype=dt)
    else:
        Op = pm.MPIStackedVStack([pm.MPIBlockDiag(local_ops(0), dtype=dt), pm.MPIBlockDiag(local_ops(1), dtype=dt)])
    # model / data sizes: VS shares the blocks' column count, HS their row count
    nx = {"SBD": sum(cols), "VS": groups[0][0][1]}.get(op, cols[0])
    ny = {"SBD": sum(rows), "SVS": sum(rows), "HS": groups[0][0][0]}.get(op, rows[0])
    x = draw(rng, nx, c["dtype"])
    y = draw(rng, ny, c["dtype"])
    if op == "SBD":
        xd = pm.StackedDistributedArray([scat(x[:cols[0]]), scat(x[cols[0]:])])
        yd = pm.StackedDistributedArray([scat(y[:rows[0]]), scat(y[rows[0]:])])
    elif op == "SVS":
        xd, yd = scat(x), pm.StackedDistributedArray([scat(y[:rows[0]]), scat(y[rows[0]:])])
    elif op == "VS":
        xd, yd = bcast(x), scat(y)  # forward on a BROADCAST model, adjoint -> BROADCAST
    elif op == "HS":
        xd, yd = scat(x), bcast(y)  # forward -> BROADCAST, adjoint on a BROADCAST data vector
    else:
        xd, yd = scat(x), scat(y)
    if tuple(Op.shape) != (ny, nx):
        raise RuntimeError(f"{c['name']}: PyLops-MPI shape {Op.shape}, expected {(ny, nx)}")
    fwd = np.asarray((Op @ xd).asarray()).ravel().astype(dt)
    adj = np.asarray((Op.H @ yd).asarray()).ravel().astype(dt)
    if rank == 0:
        for tag, arr in (("x", x), ("y", y), ("fwd", fwd), ("adj", adj), ("mat", mats)):
            np.save(os.path.join(outdir, f"{c['name']}_{tag}.npy"), arr)
        lines.append(spec_line(c))


def live(outdir, mpiexec, maxnp, flags):
    os.makedirs(outdir, exist_ok=True)
    for f in os.listdir(outdir):
        p = os.path.join(outdir, f)
        if os.path.isfile(p):
            os.remove(p)
    try:
        if np is None:
            raise _NUMPY_ERROR
        import pylops_mpi  # noqa: F401
        import mpi4py  # noqa: F401
    except Exception as e:  # ImportError, or a broken MPI library under mpi4py
        with open(os.path.join(outdir, "SKIP"), "w") as f:
            f.write(f"{type(e).__name__}: {e}".replace("\n", " "))
        print(f"pylops_parity: pylops_mpi not importable: {e}")
        return
    env = dict(os.environ)
    for np_ in range(1, maxnp + 1):
        d = os.path.join(outdir, f"np{np_}")
        cmd = [sys.executable, os.path.abspath(__file__), "gen", d]
        if np_ > 1:
            cmd = [mpiexec, "-n", str(np_)] + flags + cmd
        try:
            r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
            rc, log = r.returncode, r.stdout
        except subprocess.TimeoutExpired as e:
            rc, log = -1, f"timed out: {e}"
        print(log.strip())
        if rc != 0:
            with open(os.path.join(outdir, f"np{np_}.failed"), "w") as f:
                f.write(log[-2000:])
            if os.path.isdir(d):  # incomplete: the C test must fall back to np1
                for g in os.listdir(d):
                    os.remove(os.path.join(d, g))
                os.rmdir(d)
            if np_ == 1:
                with open(os.path.join(outdir, "SKIP"), "w") as f:
                    f.write("PyLops-MPI run failed at one rank: " + r.stdout[-300:].replace("\n", " "))
                return


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif len(sys.argv) >= 5 and sys.argv[1] == "live":
        try:
            live(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:])
        except Exception as e:  # the fixture never fails: the C test reports what is missing
            os.makedirs(sys.argv[2], exist_ok=True)
            with open(os.path.join(sys.argv[2], "SKIP"), "w") as f:
                f.write(f"reference generation failed: {type(e).__name__}: {e}")
        sys.exit(0)
    else:
        print(__doc__)
        sys.exit(2)
