#!/usr/bin/env python3
"""Draw the results of examples/c/poststack (or examples/fortran/poststack_f): the true model, the
smooth background, the data, the four post-stack inversions and the two reflectivity inversions,
as x-z sections at the middle y, side by side in one PNG.

usage: plot_poststack.py <results folder> [out.png]      (needs numpy and matplotlib)
"""
import os
import sys

import numpy as np

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    png = sys.argv[2] if len(sys.argv) > 2 else os.path.join(d, "poststack.png")

    def load(name):
        p = os.path.join(d, name + ".npy")
        return np.load(p) if os.path.exists(p) else None

    m = load("model")
    if m is None:
        sys.exit("plot_poststack.py: no model.npy in %s" % d)
    iy = m.shape[0] // 2
    vmin, vmax = m.min(), m.max()
    panels = [
        ("true model log(AI)", "model", "imp"), ("background (start)", "background", "imp"),
        ("data", "data", "data"), ("true reflectivity", "reflectivity", "refl"),
        ("CGLS", "cgls", "imp"), ("normal equations + Laplacian (CG)", "ne", "imp"),
        ("regularised CGLS", "reg", "imp"), ("TV: ADMM-L2 + L1(Gradient)", "tv", "imp"),
        ("reflectivity: FISTA", "fista", "refl"), ("reflectivity: ProximalGradient", "pg", "refl"),
    ]
    fig, axs = plt.subplots(3, 4, figsize=(16, 10), constrained_layout=True)
    axs = axs.ravel()
    dmax = None
    for k, (title, name, kind) in enumerate(panels):
        a = load(name)
        ax = axs[k]
        if a is None:
            ax.set_visible(False)
            continue
        sec = a[iy].T  # (z, x)
        if kind == "imp":
            ax.imshow(sec, cmap="gist_rainbow", vmin=vmin, vmax=vmax, aspect="auto")
        elif kind == "data":
            dmax = np.abs(sec).max() or 1.0
            ax.imshow(sec, cmap="gray", vmin=-dmax, vmax=dmax, aspect="auto")
        else:
            r = load("reflectivity")
            rmax = 0.5 * (np.abs(r).max() if r is not None else np.abs(sec).max()) or 1.0
            ax.imshow(sec, cmap="gray", vmin=-rmax, vmax=rmax, aspect="auto")
        if kind == "imp" and name != "model":
            err = np.linalg.norm(a - m) / np.linalg.norm(m)
            title += "\nrel. error %.4f" % err
        elif kind == "refl" and name != "reflectivity":
            r = load("reflectivity")
            title += "\nrel. error %.3f" % (np.linalg.norm(a - r) / np.linalg.norm(r))
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("x")
        ax.set_ylabel("z")
    for ax in axs[len(panels):]:
        ax.set_visible(False)
    fig.suptitle("dlops post-stack inversion (PyLops-MPI tutorials), x-z section at y = %d of %d" % (iy, m.shape[0]))
    fig.savefig(png, dpi=60)
    print("wrote", png)


if __name__ == "__main__":
    main()
