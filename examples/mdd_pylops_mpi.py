#!/usr/bin/env python3
"""PyLops-MPI's multi-dimensional deconvolution tutorial (tutorials/mdd.py) at a chosen size,
against a dlops run of examples/c/mdd on the same problem (test example_mdd_pylops_mpi, label
parity).

    mpiexec -n P python3 examples/mdd_pylops_mpi.py DLOPS_OUT [nx=N ny=N nt=N nfmax=N niter=N]

Builds the tutorial's problem (pylops' hyperbolic2d, ricker and taper3d; the kernel's rfft and
its first nfmax frequencies, split over ranks with local_split as the tutorial),
pylops_mpi.waveeqprocessing.MPIMDC (twosided, prescaled) and pylops_mpi.cgls from zero (complex
x0, as the tutorial); rank 0 compares the data, the adjoint and the inversion with
DLOPS_OUT/{model,data,madj,minv}.npy (written by `mdd` with the same options) and prints
PyLops-MPI's time to solution. The sizes are centred as mdd centres them (ox = -(nx//2) dx,
oy = -(ny//2) dy: the tutorial's -300 and -500 at the defaults).

Golden file: with golden=FILE.npz, a run with PyLops-MPI also writes its data, adjoint and
inversion (rank 0) there; when pylops_mpi or mpi4py cannot be imported, or DLOPS_PARITY_GOLDEN=1
(the test example_mdd_golden), the comparison is made with that file instead (one process, any
rank count of the dlops run), after checking it was made with the same options. Exits 77 with
"[DLOPS-SKIP] reason" when neither is possible. examples/data/mdd_parity_golden.npz was made with

    mpiexec -n 2 python3 examples/mdd_pylops_mpi.py DIR nx=21 ny=31 nt=151 nfmax=75 niter=50 \
        golden=examples/data/mdd_parity_golden.npz
"""
import os
import sys
import time
import warnings

try:
    import numpy as np
except Exception as e:  # noqa: BLE001 - any import problem is a reason to skip
    print(f"[DLOPS-SKIP] numpy not importable: {e}")
    sys.exit(77)
try:
    if os.environ.get("DLOPS_PARITY_GOLDEN") == "1":
        raise ImportError("DLOPS_PARITY_GOLDEN=1: the golden file is used")
    from mpi4py import MPI
    from pylops.utils.seismicevents import hyperbolic2d, makeaxis
    from pylops.utils.tapers import taper3d
    from pylops.utils.wavelets import ricker
    import pylops_mpi
    from pylops_mpi.DistributedArray import local_split, Partition
    HAVE_PYLOPS_MPI, WHY = True, ""
except Exception as e:  # noqa: BLE001 - any import problem means: use the golden file
    HAVE_PYLOPS_MPI, WHY = False, str(e)

KEYS = ("nx", "ny", "nt", "nfmax", "niter")
BOUNDS = "bounds, float32: model 1e-6, data and adjoint 1e-4, inversion 1e-1, errors within 1e-2"


def compare(out, mtrue, dd, madj, minv, opt, size, tsol, source):
    """Compare dlops' results in out with the reference; print the verdict; return the exit code."""
    load = lambda n: np.load(os.path.join(out, n + ".npy")).astype(np.float64)  # noqa: E731
    rel = lambda a, b: np.linalg.norm(a - b) / np.linalg.norm(b)  # noqa: E731
    em = rel(load("model"), mtrue)
    ed, ea, ei = rel(load("data"), dd), rel(load("madj"), madj), rel(load("minv"), minv)
    err_p, err_d = rel(minv, mtrue), rel(load("minv"), mtrue)
    print("problem: " + " ".join(f"{k}={opt[k]}" for k in KEYS) + f", {size} ranks; reference: {source}")
    if tsol is not None:
        print(f"PyLops-MPI cgls: {tsol:.3f} s to solution, error to the true model {err_p:.4e}")
    print(f"dlops vs PyLops-MPI: model {em:.2e}, data {ed:.2e}, adjoint {ea:.2e}, inversion {ei:.2e} (relative); "
          f"dlops error {err_d:.4e}, PyLops-MPI error {err_p:.4e}")
    bad = not (em <= 1e-6 and ed <= 1e-4 and ea <= 1e-4 and ei <= 1e-1 and abs(err_p - err_d) <= 1e-2)
    print("mdd_pylops_mpi: " + ("FAILED" if bad else "OK") + f" ({BOUNDS})")
    return 1 if bad else 0


def main():
    warnings.filterwarnings("ignore")
    out = sys.argv[1]
    opt = dict(nx=61, ny=101, nt=400, nfmax=200, niter=50)
    golden = None
    for a in sys.argv[2:]:
        k, v = a.split("=", 1)
        if k in opt:
            opt[k] = int(v)
        elif k == "golden":
            golden = v
    if not HAVE_PYLOPS_MPI:
        if not golden or not os.path.exists(golden):
            print(f"[DLOPS-SKIP] pylops_mpi or mpi4py not importable ({WHY}) and no golden file")
            return 77
        g = np.load(golden)
        if any(int(g[k]) != opt[k] for k in KEYS):
            print("mdd_pylops_mpi: FAILED: the golden file was made with " +
                  " ".join(f"{k}={int(g[k])}" for k in KEYS))
            return 1
        return compare(out, g["model"], g["data"], g["madj"], g["minv"], opt, int(g["ranks"]), None,
                       f"golden file {golden} (PyLops-MPI {g['version']})")
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    nx, ny, nt, nf, niter = opt["nx"], opt["ny"], opt["nt"], opt["nfmax"], opt["niter"]
    par = dict(ox=-(nx // 2) * 10, dx=10, nx=nx, oy=-(ny // 2) * 10, dy=10, ny=ny, ot=0, dt=0.004, nt=nt, f0=20)
    tap = taper3d(nt, (ny, nx), (5, 5), tapertype="hanning")
    t, t2, x, y = makeaxis(par)
    wav = ricker(t[:41], f0=par["f0"])[0]
    mrefl, _ = hyperbolic2d(x, t, 0.2, 1100.0, 1.0, wav)
    G, Gwav = np.zeros((ny, nx, nt)), np.zeros((ny, nx, nt))
    for iy, y0 in enumerate(y):
        G[iy], Gwav[iy] = hyperbolic2d(x - y0, t, (0.2, 0.5, 0.7), (1200.0, 1500.0, 2000.0), (1.0, 0.6, 0.5), wav)
    Gwav = Gwav * tap
    mrefl = np.concatenate((np.zeros((nx, nt - 1)), mrefl), axis=-1)
    Gwav2 = np.concatenate((np.zeros((ny, nx, nt - 1)), Gwav), axis=-1)
    Gwav_fft = np.fft.rfft(Gwav2, 2 * nt - 1, axis=-1)[..., :nf]
    mrefl = mrefl.T
    Gwav_fft = Gwav_fft.transpose(2, 0, 1)
    nf_rank = local_split((nf,), comm, Partition.SCATTER, 0)
    nf_ranks = np.concatenate(comm.allgather(nf_rank))
    ifin = np.insert(np.cumsum(nf_ranks)[:-1], 0, 0)[rank]
    ifend = np.cumsum(nf_ranks)[rank]
    Gl = Gwav_fft[ifin:ifend].astype(np.complex64)
    MDCop = pylops_mpi.waveeqprocessing.MPIMDC((1.0 * par["dt"] * np.sqrt(nt)) * Gl, nt=2 * nt - 1, nv=1, nfreq=nf,
                                               dt=par["dt"], dr=1.0, twosided=True, fftengine="scipy",
                                               prescaled=True)
    m = pylops_mpi.DistributedArray(global_shape=(2 * nt - 1) * nx, partition=Partition.BROADCAST, dtype=np.float32)
    m[:] = mrefl.astype(np.float32).ravel()
    d = MDCop @ m
    madj = (MDCop.H @ d).asarray().real
    m0 = pylops_mpi.DistributedArray(global_shape=(2 * nt - 1) * nx, partition=Partition.BROADCAST,
                                     dtype=np.complex64)
    m0[:] = 0
    comm.Barrier()
    t0 = time.perf_counter()
    minv = pylops_mpi.cgls(MDCop, d, x0=m0, niter=niter, show=False)[0]
    comm.Barrier()
    tsol = time.perf_counter() - t0
    dd = d.asarray().real
    minv = minv.asarray().real
    if rank != 0:
        return 0
    if golden:
        np.savez_compressed(golden, model=mrefl.ravel(), data=dd, madj=madj, minv=minv, ranks=size,
                            version=pylops_mpi.__version__, **{k: opt[k] for k in KEYS})
        print(f"wrote {golden}")
    return compare(out, mrefl.ravel(), dd, madj, minv, opt, size, tsol, "PyLops-MPI " + pylops_mpi.__version__)


if __name__ == "__main__":
    sys.exit(main())
