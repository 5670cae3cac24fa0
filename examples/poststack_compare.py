#!/usr/bin/env python3
"""Compare the .npy results of two post-stack runs (the C program and its Fortran twin on the
same problem): every array must agree to 1e-12 relative (the same dlops calls in the same order).

usage: poststack_compare.py <folder A> <folder B>
"""
import os
import sys

try:
    import numpy as np
except ImportError:
    print("[DLOPS-SKIP] numpy not importable")
    sys.exit(77)

names = ["model", "background", "data", "reflectivity", "cgls", "ne", "reg", "tv", "fista", "pg"]
a, b = sys.argv[1], sys.argv[2]
fails = 0
for n in names:
    x, y = np.load(os.path.join(a, n + ".npy")), np.load(os.path.join(b, n + ".npy"))
    if x.shape != y.shape:
        print("  %-12s shapes differ: %s vs %s  FAIL" % (n, x.shape, y.shape))
        fails += 1
        continue
    rel = np.linalg.norm(x - y) / max(np.linalg.norm(x), 1e-300)
    ok = rel <= 1e-12
    fails += not ok
    print("  %-12s rel. difference %.3e  %s" % (n, rel, "ok" if ok else "FAIL"))
print("C and Fortran results:", "DIFFER" if fails else "the same")
sys.exit(1 if fails else 0)
