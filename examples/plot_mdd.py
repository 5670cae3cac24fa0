#!/usr/bin/env python3
"""Draw the results of examples/c/mdd (or examples/fortran/mdd_f): the true model, the data
d = M m, the adjoint M^H d, the inversion by CGLS, and the middle trace of the adjoint and the
inversion against the true model, as PyLops-MPI's tutorials/mdd.py shows them.

    python3 examples/plot_mdd.py OUTDIR [figure.png]

OUTDIR holds model.npy, data.npy, madj.npy, minv.npy and mdd_meta.txt (written by the program).
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
    png = sys.argv[2] if len(sys.argv) > 2 else os.path.join(out, "mdd.png")
    meta = {}
    with open(os.path.join(out, "mdd_meta.txt")) as f:
        for line in f:
            k, v = line.split()
            meta[k] = float(v)
    nx, ny, nt = (int(meta[k]) for k in ("nx", "ny", "nt"))
    dx, dy, dt, ox, oy = (meta[k] for k in ("dx", "dy", "dt", "ox", "oy"))
    nt2 = 2 * nt - 1
    load = lambda n: np.load(os.path.join(out, n + ".npy"))  # noqa: E731
    m, madj, minv = (load(n).reshape(nt2, nx) for n in ("model", "madj", "minv"))
    d = load("data").reshape(nt2, ny)
    t2 = np.arange(-nt + 1, nt) * dt
    xext = (ox, ox + (nx - 1) * dx, t2[-1], t2[0])
    yext = (oy, oy + (ny - 1) * dy, t2[-1], t2[0])
    fig, axs = plt.subplots(1, 5, figsize=(17, 6), gridspec_kw={"width_ratios": [2, 2, 2, 2, 1]})
    for ax, img, title, ext, xl in ((axs[0], m, r"$m$ (true)", xext, r"$x_R$ [m]"),
                                    (axs[1], d, r"$d = M m$", yext, r"$x_S$ [m]"),
                                    (axs[2], madj, r"adjoint $M^H d$", xext, r"$x_V$ [m]"),
                                    (axs[3], minv, r"inverted $m$ (CGLS)", xext, r"$x_V$ [m]")):
        vmax = np.abs(img).max() or 1.0
        ax.imshow(img, aspect="auto", interpolation="nearest", cmap="gray", vmin=-vmax, vmax=vmax, extent=ext)
        ax.set_title(title)
        ax.set_xlabel(xl)
        ax.set_ylabel("t [s]")
    ax = axs[4]
    ix = nx // 2
    for tr, style, label in ((m[:, ix], "k", "true"), (madj[:, ix], "r", "adjoint"), (minv[:, ix], "b--", "inversion")):
        ax.plot(tr / (np.abs(tr).max() or 1.0), t2, style, label=label)
    ax.set_ylim(t2[-1], t2[0])
    ax.set_title(f"trace x = {ox + ix * dx:g} m")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
