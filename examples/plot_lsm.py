#!/usr/bin/env python3
"""Draw the results of examples/c/lsm (or examples/fortran/lsm_f): the true reflectivity, the
migration V^H d, the least-squares inversion and the data of the first and middle sources, as
PyLops-MPI's tutorials/lsm.py shows them.

    python3 examples/plot_lsm.py OUTDIR [figure.png]

OUTDIR holds refl.npy, madj.npy, minv.npy, data.npy and lsm_meta.txt (written by the program).
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    out = sys.argv[1]
    png = sys.argv[2] if len(sys.argv) > 2 else os.path.join(out, "lsm.png")
    meta = {}
    with open(os.path.join(out, "lsm_meta.txt")) as f:
        for line in f:
            k, v = line.split()
            meta[k] = float(v)
    nx, nz, ns, nr, nt = (int(meta[k]) for k in ("nx", "nz", "ns", "nr", "nt"))
    dx, dz, dt = meta["dx"], meta["dz"], meta["dt"]
    load = lambda n: np.load(os.path.join(out, n + ".npy"))  # noqa: E731
    refl, madj, minv = (load(n).reshape(nx, nz) for n in ("refl", "madj", "minv"))
    d = load("data").reshape(ns, nr, nt)
    ext = (0, (nx - 1) * dx, (nz - 1) * dz, 0)
    fig, axs = plt.subplots(2, 3, figsize=(13, 7))
    for ax, img, title, vmax in ((axs[0, 0], refl, r"$m$ (true)", 1.0),
                                 (axs[0, 1], madj, r"$m_{adj} = V^H d$", np.abs(madj).max()),
                                 (axs[0, 2], minv, r"$m_{inv}$ (CGLS)", 1.0)):
        ax.imshow(img.T, cmap="gray", vmin=-vmax, vmax=vmax, extent=ext)
        ax.set_title(title)
        ax.set_xlabel("x [m]")
        ax.set_ylabel("z [m]")
        ax.axis("tight")
    vmax = np.abs(d).max()
    tmax = min(nt, 300)
    for ax, s in ((axs[1, 0], 0), (axs[1, 1], ns // 2)):
        ax.imshow(d[s, :, :tmax].T, cmap="gray", vmin=-vmax, vmax=vmax, extent=(0, nr - 1, (tmax - 1) * dt, 0))
        ax.set_title(f"data, source {s}")
        ax.set_xlabel("receiver")
        ax.set_ylabel("t [s]")
        ax.axis("tight")
    ax = axs[1, 2]
    ix = nx // 2
    ax.plot(refl[ix], np.arange(nz) * dz, "k", label="true")
    ax.plot(minv[ix], np.arange(nz) * dz, "r", label="inversion")
    ax.plot(madj[ix] / np.abs(madj).max(), np.arange(nz) * dz, "b--", label="migration (scaled)")
    ax.invert_yaxis()
    ax.set_title(f"trace at x = {ix * dx:g} m")
    ax.set_xlabel("reflectivity")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
