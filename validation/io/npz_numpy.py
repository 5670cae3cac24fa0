#!/usr/bin/env python3
"""Write numpy's own .npz files for test_npz: savez.npz (stored members) and savez_compressed.npz
(deflated), each with members f8 (6, 5, 4), f4 (9, 7), c8 (9, 7), c16 (6, 5, 4) holding the
formula values of npy_common.h, and i8 (an unsupported dtype).

usage: npz_numpy.py <folder>      (exit 77 with [DLOPS-SKIP] when numpy is not importable)
"""
import os
import sys

try:
    import numpy as np
except ImportError:
    print("[DLOPS-SKIP] numpy not importable")
    sys.exit(77)


def formula(shape, dtype):
    k = np.arange(int(np.prod(shape)), dtype=np.int64)
    re = ((k * 7919) % 2003 - 1001) / 8.0
    im = ((k * 104729) % 1009 - 504) / 16.0
    a = re + 1j * im if np.dtype(dtype).kind == "c" else re
    return a.astype(dtype).reshape(shape)


out = sys.argv[1]
os.makedirs(out, exist_ok=True)
arrays = {
    "f8": formula((6, 5, 4), np.float64),
    "f4": formula((9, 7), np.float32),
    "c8": formula((9, 7), np.complex64),
    "c16": formula((6, 5, 4), np.complex128),
    "i8": np.arange(10, dtype=np.int64),
}
np.savez(os.path.join(out, "savez.npz"), **arrays)
np.savez_compressed(os.path.join(out, "savez_compressed.npz"), **arrays)
print("wrote savez.npz and savez_compressed.npz in", out)
