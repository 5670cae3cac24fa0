#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets (fuzz/corpus/<name>/). Standard library only
(numpy, when importable, adds one np.savez archive). Run from anywhere:

    python3 fuzz/make_corpus.py            # rewrites fuzz/corpus/
"""
import io
import os
import shutil
import struct
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")


def npy(dict_text, version=1, pad=True, data=b""):
    """A .npy image: magic, version, header length, dict padded to 64 bytes, newline, data."""
    d = dict_text.encode("latin-1")
    prefix = 10 if version == 1 else 12
    hl = len(d) + 1
    if pad:
        hl += (64 - (prefix + hl) % 64) % 64
    head = b"\x93NUMPY" + bytes([version, 0])
    head += struct.pack("<H" if version == 1 else "<I", hl)
    return head + d + b" " * (hl - len(d) - 1) + b"\n" + data


def header(descr, shape, fortran=False):
    s = "(" + ", ".join(str(v) for v in shape) + ("," if len(shape) == 1 else "") + ")"
    return "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, "True" if fortran else "False", s)


def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def npy_corpus(d):
    shapes = [(), (3,), (3, 4), (2, 3, 4), (1,) * 8, (0, 4), (1,) * 9]
    sizes = {"<f4": 4, "<f8": 8, "<c8": 8, "<c16": 16}
    k = 0
    for descr, es in sizes.items():
        for shape in shapes:
            n = 1
            for v in shape:
                n *= v
            body = bytes((i * 37) & 0xFF for i in range(min(n * es, 64)))
            write(d, "ok_%02d.npy" % k, npy(header(descr, shape), data=body))
            k += 1
    write(d, "v2.npy", npy(header("<f8", (3, 4)), version=2))
    write(d, "v3.npy", npy(header("<f8", (3, 4)), version=3))
    write(d, "fortran.npy", npy(header("<f8", (3, 4), fortran=True)))
    write(d, "nopad.npy", npy(header("<f8", (5,)), pad=False))
    write(d, "dquote.npy", npy('{"descr": "<f8", "fortran_order": False, "shape": (3, 4)}'))
    write(d, "order.npy", npy("{'shape': (3, 4), 'fortran_order': False, 'descr': '<c16'}"))
    write(d, "py2L.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 4L), }"))
    for descr in [">f8", "<i4", "|O", "<f2", "|b1", "<U10"]:
        write(d, "type_%s.npy" % descr.strip("<>|"), npy(header(descr, (3,))))
    write(d, "structured.npy", npy("{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (3,), }"))
    write(d, "big_dims.npy", npy(header("<f8", (1099511627776, 1099511627776))))
    write(d, "overflow.npy", npy(header("<f8", (99999999999999999999,))))
    good = npy(header("<f8", (3, 4)))
    for cut in (0, 3, 6, 8, 9, 11, 40, len(good) - 1):
        write(d, "cut_%03d.npy" % cut, good[:cut])
    write(d, "version4.npy", npy(header("<f8", (3, 4)), version=4))
    write(d, "huge_len.npy", b"\x93NUMPY\x02\x00\xf0\xff\xff\xff{'descr': '<f8'")
    write(d, "nul.npy", npy("{'descr': '<f8',\x00'fortran_order': False, 'shape': (3, 4), }"))
    write(d, "junk_after.npy", npy(header("<f8", (3, 4)) + " trailing"))
    write(d, "dup_key.npy", npy("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }"))
    write(d, "text.npy", b"this is not a numpy file\n")


def zip_bytes(members, method=zipfile.ZIP_STORED, comment=b""):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as z:
        for name, data in members:
            z.writestr(name, data)
        z.comment = comment
    return buf.getvalue()


def npz_corpus(d):
    model = npy(header("<f8", (4, 3)), data=struct.pack("<12d", *[1.5 + i for i in range(12)]))
    other = npy(header("<f4", (5,)), data=struct.pack("<5f", *range(5)))
    write(d, "model.npz", zip_bytes([("model.npy", model)]))
    write(d, "two.npz", zip_bytes([("a.npy", other), ("model.npy", model)]))
    write(d, "comment.npz", zip_bytes([("model.npy", model)], comment=b"a zip comment"))
    write(d, "deflated.npz", zip_bytes([("model.npy", model)], method=zipfile.ZIP_DEFLATED))
    write(d, "no_model.npz", zip_bytes([("a.npy", other)]))
    write(d, "empty.npz", zip_bytes([]))
    write(d, "bad_member.npz", zip_bytes([("model.npy", b"\x93NUMPY\x01\x00\xff\xff{")]))
    write(d, "fortran.npz", zip_bytes([("model.npy", npy(header("<f8", (2, 2), fortran=True), data=bytes(32)))]))
    write(d, "short_data.npz", zip_bytes([("model.npy", npy(header("<f8", (40, 40)), data=bytes(16)))]))
    whole = zip_bytes([("model.npy", model)])
    for cut in (10, len(whole) // 2, len(whole) - 5):
        write(d, "cut_%03d.npz" % cut, whole[:cut])
    write(d, "bare.npy", model)
    # ZIP64 records (zip64 extra fields and end records), as large archives have them
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        with z.open("model.npy", "w", force_zip64=True) as f:
            f.write(model)
    write(d, "zip64_local.npz", buf.getvalue())
    try:
        import numpy as np  # optional
        buf = io.BytesIO()
        np.savez(buf, model=np.arange(6.0).reshape(2, 3), a=np.arange(4, dtype=np.float32))
        write(d, "numpy_savez.npz", buf.getvalue())
        buf = io.BytesIO()
        np.savez_compressed(buf, model=np.arange(6.0).reshape(2, 3), a=np.arange(4, dtype=np.complex64))
        write(d, "numpy_savez_compressed.npz", buf.getvalue())
    except Exception:  # numpy absent: the hand-made archives above suffice
        pass


SPECS = [
    "", "mpi", "rma", "nccl", "comm=mpi", "comm=rma sync=pscw", "comm=rma sync=fence", "comm=rma sync=lock_all",
    "comm=nccl", "comm=nccl mem=host", "mem=emu", "mem=device", "mem=host", "help", "comm=help",
    "log=1 errors=abort", "errors=return stage=always", "stage=auto", "deterministic=1", "deterministic=0",
    "comm=mpi comm=rma", "rma comm=mpi", "comm=mpii", "comm=", "=mpi", "comm==rma", "sync=pscw,mem=host;log=1",
    "comm=rma\tsync=pscw\nmem=emu", "bogus=1", "comm=rma " + "x" * 600, " " * 40 + "comm=mpi",
    "comm=MPI", "log=2", "deterministic=yes", ";;;,,,", "comm=rma sync=pscw mem=emu log=1 errors=return "
    "stage=always deterministic=1",
]


def spec_corpus(d):
    for i, s in enumerate(SPECS):
        write(d, "spec_%02d.txt" % i, s.encode())


def main():
    for name, fn in (("npy_header", npy_corpus), ("npz", npz_corpus), ("spec", spec_corpus)):
        d = os.path.join(OUT, name)
        shutil.rmtree(d, ignore_errors=True)
        fn(d)
        print("%s: %d files" % (d, len(os.listdir(d))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
