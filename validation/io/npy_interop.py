#!/usr/bin/env python3
"""numpy side of the .npy interoperability tests (validation/io).

  npy_interop.py gen DIR     numpy writes .npy files (every dlops dtype, 1-D to 4-D, empty
                             dimensions, format versions 1.0/2.0/3.0) plus files dlops must
                             refuse (big-endian, Fortran order, int32, bool, 0-d), and
                             DIR/manifest.txt describing them, for test_npy_numpy to load.
  npy_interop.py check DIR   checks the files test_npy_numpy wrote into DIR (listed in
                             DIR/manifest.txt): numpy.load gives the right dtype, shape and
                             values, and the bytes are exactly what numpy.save writes.

Element k (flat C-order index) holds re = ((k*7919) % 2003 - 1001)/8 and, for complex types,
im = ((k*104729) % 1009 - 504)/16: exact in float32, identical to validation/io/npy_common.h.

Exit codes: 0 pass, 1 fail, 77 skip ("[DLOPS-SKIP] numpy not importable").
"""
import io
import os
import sys

try:
    import numpy as np
except Exception:  # ImportError, or a broken install
    print("[DLOPS-SKIP] numpy not importable")
    sys.exit(77)

DTYPES = ["<f4", "<f8", "<c8", "<c16"]
# dlops error codes (include/dlops/base.h)
ERR_IO, ERR_UNSUPPORTED = 10, 4


def formula(shape, descr):
    n = int(np.prod(shape, dtype=np.int64)) if len(shape) else 1
    k = np.arange(n, dtype=np.int64)
    re = ((k * 7919) % 2003 - 1001) / 8.0
    a = re.astype(np.float64)
    dt = np.dtype(descr)
    if dt.kind == "c":
        im = ((k * 104729) % 1009 - 504) / 16.0
        a = re + 1j * im
    return a.astype(dt).reshape(shape)


def gen(d):
    os.makedirs(d, exist_ok=True)
    man = os.path.join(d, "manifest.txt")
    if os.path.exists(man):
        os.remove(man)
    lines = []
    shapes = [(7,), (5, 3), (3, 4, 5), (2, 3, 4, 5), (0,), (2, 0, 3), (1, 1), (13, 1, 2)]
    for descr in DTYPES:
        for s in shapes:
            name = "np_%s_%s.npy" % (descr[1:], "x".join(str(v) for v in s) or "scalar")
            np.save(os.path.join(d, name), formula(s, descr))
            lines.append("ok %s %s %d %s" % (name, descr, len(s), " ".join(str(v) for v in s)))
    # explicit format versions
    for ver in [(1, 0), (2, 0), (3, 0)]:
        name = "np_v%d%d.npy" % ver
        with open(os.path.join(d, name), "wb") as f:
            np.lib.format.write_array(f, formula((4, 6), "<c16"), version=ver)
        lines.append("ok %s <c16 2 4 6" % name)
    # files dlops must refuse
    bad = [
        ("np_bigendian.npy", formula((3, 4), "<f8").astype(">f8"), ERR_UNSUPPORTED),
        ("np_fortran.npy", np.asfortranarray(formula((3, 4), "<f8")), ERR_UNSUPPORTED),
        ("np_int32.npy", np.arange(12, dtype="<i4").reshape(3, 4), ERR_UNSUPPORTED),
        ("np_bool.npy", np.ones(5, dtype=bool), ERR_UNSUPPORTED),
        ("np_scalar.npy", np.float64(3.0), ERR_UNSUPPORTED),
        ("np_float16.npy", np.ones(4, dtype="<f2"), ERR_UNSUPPORTED),
    ]
    for name, arr, code in bad:
        np.save(os.path.join(d, name), arr)
        lines.append("bad %s %d" % (name, code))
    # a truncated copy of a good file
    raw = open(os.path.join(d, "np_f8_3x4x5.npy"), "rb").read()
    open(os.path.join(d, "np_truncated.npy"), "wb").write(raw[:-9])
    lines.append("bad np_truncated.npy %d" % ERR_IO)
    with open(man + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(man + ".tmp", man)
    print("numpy %s wrote %d files into %s" % (np.__version__, len(lines), d))
    return 0


def check(d):
    man = os.path.join(d, "manifest.txt")
    if not os.path.exists(man):
        print("FAIL: %s missing (test_npy_numpy did not write its files)" % man)
        return 1
    fails = 0
    n = 0
    exact_header = hasattr(np.lib.format, "GROWTH_AXIS_MAX_DIGITS")
    for line in open(man):
        f = line.split()
        if not f:
            continue
        name, descr, ndim = f[0], f[1], int(f[2])
        shape = tuple(int(v) for v in f[3:3 + ndim])
        path = os.path.join(d, name)
        n += 1
        try:
            a = np.load(path, allow_pickle=False)
        except Exception as e:  # report and go on
            print("FAIL %s: numpy.load raised %s: %s" % (name, type(e).__name__, e))
            fails += 1
            continue
        if a.dtype.str != descr or a.shape != shape:
            print("FAIL %s: dtype %s shape %s, expected %s %s" % (name, a.dtype.str, a.shape, descr, shape))
            fails += 1
            continue
        want = formula(shape, descr)
        if not np.array_equal(a, want):
            bad = np.argwhere(a != want)
            print("FAIL %s: values differ at %d places, first %s: %r vs %r" %
                  (name, len(bad), tuple(bad[0]), a[tuple(bad[0])], want[tuple(bad[0])]))
            fails += 1
            continue
        b = io.BytesIO()
        np.save(b, want)
        mine = open(path, "rb").read()
        ref = b.getvalue()
        if mine != ref:
            # numpy without the in-place growth padding writes a shorter header: then only the
            # data after the header's newline must agree
            if exact_header or mine[mine.find(b"\n", 10) + 1:] != ref[ref.find(b"\n", 10) + 1:]:
                print("FAIL %s: bytes differ from numpy.save's\n  dlops: %r\n  numpy: %r" %
                      (name, mine[:128], ref[:128]))
                fails += 1
                continue
    print("numpy %s checked %d files in %s: %d failed" % (np.__version__, n, d, fails))
    if n == 0:
        print("FAIL: empty manifest")
        return 1
    return 1 if fails else 0


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("gen", "check"):
        print(__doc__)
        return 2
    return gen(sys.argv[2]) if sys.argv[1] == "gen" else check(sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
