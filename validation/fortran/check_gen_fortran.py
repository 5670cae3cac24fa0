#!/usr/bin/env python3
"""The freshness check of the Fortran bindings can fail (CTest fortran_bindings_check_fails).

    check_gen_fortran.py SOURCE_DIR

fortran_bindings_fresh passes when `fortran/gen_fortran.py --check` exits 0; this test makes sure
that the check exits 1 in each case it is meant to catch. Each case runs on a scratch copy of the
headers, the Fortran sources and the generated docs (the source tree is never touched):

  - a header prototype changes and the generated files are not rewritten;
  - a new public function has no binding (one that could be generated, one that needs a
    hand-written wrapper and carries no marker);
  - a manual marker names a Fortran procedure that does not exist, or one that exists but module
    dlops does not export (a private helper, a hand-written wrapper missing from `public ::`);
  - a generated file is edited by hand, or deleted.

The unmodified copy must pass. Standard library only.
"""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

COPY = ["include", "fortran", "docs/api-fortran.md", "docs/api-fortran.dox"]


def main(argv):
    src = pathlib.Path(argv[1]).resolve()
    failures = []

    def case(name, mutate, expect, regenerate=False):
        with tempfile.TemporaryDirectory() as tmp:
            root = pathlib.Path(tmp)
            for c in COPY:
                s, d = src / c, root / c
                if s.is_dir():
                    shutil.copytree(s, d)
                else:
                    d.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(s, d)
            if mutate:
                mutate(root)
            gen = [sys.executable, str(root / "fortran" / "gen_fortran.py")]
            if regenerate:  # the generated files are up to date: only the coverage check is left
                subprocess.run(gen, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            r = subprocess.run(gen + ["--check"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               universal_newlines=True)
            want = 0 if expect is None else 1
            ok = r.returncode == want and (expect is None or re.search(expect, r.stdout))
            print(f"{'ok  ' if ok else 'FAIL'} {name}: --check exit {r.returncode} (want {want})")
            if not ok:
                print("     " + "\n     ".join(r.stdout.strip().splitlines()[:8]))
                failures.append(name)

    def edit(path, old, new, count=1):
        def f(root):
            p = root / path
            t = p.read_text()
            if old not in t:
                raise SystemExit(f"check_gen_fortran.py: '{old}' not found in {path}: update this test")
            p.write_text(t.replace(old, new, count))
        return f

    vecs = "DLOPS_EXTERN int dlops_op_create_vecs(dlops_op A, dlops_darray *x, dlops_darray *y);"
    fill = "DLOPS_EXTERN int dlops_darray_fill(dlops_darray x, dlops_scalar value); /* fortran: manual */"
    stale = r"is stale"

    case("unmodified copy", None, None)
    case("prototype changed (generated wrapper)", edit("include/dlops/op.h", vecs, vecs.replace(
        "dlops_darray *y)", "dlops_darray *y, int flags)")), stale)
    case("prototype changed (hand-written wrapper)", edit("include/dlops/darray.h", fill, fill.replace(
        "dlops_scalar value)", "dlops_scalar value, int flags)")), stale)
    case("new function, no binding generated", edit("include/dlops/op.h", vecs,
                                                    "DLOPS_EXTERN int dlops_op_review_new(dlops_op A, int n);\n" + vecs),
         stale)
    case("new function needing a hand-written wrapper, no marker", edit(
        "include/dlops/op.h", vecs, "DLOPS_EXTERN int dlops_op_review_new(dlops_op A, void *buf);\n" + vecs),
        r"dlops_op_review_new.*hand-written")
    case("new function marked manual, no wrapper written", edit(
        "include/dlops/op.h", vecs, "DLOPS_EXTERN int dlops_op_review_new(dlops_op A, void *buf); "
        "/* fortran: manual */\n" + vecs), r"dlops_op_review_new .*is defined in none", regenerate=True)
    case("marker names a procedure that does not exist", edit(
        "include/dlops/darray.h", fill, fill.replace("manual", "manual(dlops_darray_fil)")),
        r"dlops_darray_fil is defined in none", regenerate=True)
    case("marker names a private helper", edit(
        "include/dlops/darray.h", fill, fill.replace("manual", "manual(f_check)")),
        r"f_check is not public", regenerate=True)
    case("hand-written wrapper not exported", edit(
        "fortran/dlops_manual.F90", "dlops_darray_restore_local_read_cptr, ", ""),
        r"dlops_darray_restore_local_read_cptr is not public")
    for g in ("dlops_c.F90", "dlops_gen.F90", "dlops_kinds.F90"):
        case(f"generated/{g} edited by hand", edit(f"fortran/generated/{g}", "implicit none",
                                                   "implicit none\n  ! a local change"), stale)
    case("docs/api-fortran.md edited by hand", edit("docs/api-fortran.md", "```c", "```C"), stale)
    case("generated file deleted", lambda root: (root / "fortran/generated/dlops_gen.F90").unlink(), stale)

    if failures:
        print(f"check_gen_fortran.py: {len(failures)} case(s) where --check does not do its job")
        return 1
    print("check_gen_fortran.py: --check fails in every case it must catch")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
