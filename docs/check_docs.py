#!/usr/bin/env python3
"""Checks of the documentation (CTest label docs; Python 3 standard library only).

  check_docs.py pages SRC
      Fails when docs/environment.md misses
        - an environment variable the sources read: getenv("NAME") in C, C++ and CUDA files
          (also getenv(v[i]) over a string array v[] of the same file), get_environment_variable
          in Fortran, os.environ / os.getenv in Python, under csrc/ cuda/ fortran/ examples/
          perf/ validation/ fuzz/, and the ${NAME:-default} knobs of the perf/*.sh scripts;
        - a spec key that csrc/core/spec.c accepts (its key_names[] array), or one of the values
          it accepts for that key (the value arrays named in SPEC_VALUES below), or the "help"
          token;
      and when a Markdown page in docs/ (or README.md) has a relative link to a file that does
      not exist, or to a #anchor that no heading of the target page makes.
      An environment variable counts as documented when environment.md has it in backticks
      (`NAME`); a spec key when a table row starts with | `key` |, and a value when that row
      has it in backticks.

  check_docs.py doxygen DOXYGEN DOXYFILE WARNLOG
      Runs Doxygen on the configured Doxyfile and fails on any warning (its exit status, with
      WARN_AS_ERROR = FAIL_ON_WARNINGS, and the warning log, which must be empty). Exits 77
      ("[DLOPS-SKIP] ...", CTest SKIP_RETURN_CODE) when DOXYGEN is empty or not found.
"""
import os
import re
import subprocess
import sys

SCAN_DIRS = ["csrc", "cuda", "fortran", "examples", "perf", "validation", "fuzz"]
C_EXT = (".c", ".h", ".cc", ".cpp", ".cu", ".cuh")
F_EXT = (".f90", ".F90", ".f", ".F")
PY_EXT = (".py",)
# spec key -> the array of spec.c that lists its values ("0|1" keys have none: checked literally)
SPEC_VALUES = {
    "comm": "dlops_spec_backend_names",
    "mem": "dlops_spec_mem_names",
    "sync": "dlops_spec_sync_names",
    "errors": "error_names",
    "stage": "stage_names",
}
SPEC_BOOL_KEYS = ("log", "deterministic")


def strings_of_array(text, name):
    """The string literals of the initialiser of array `name` in C source text, or None."""
    m = re.search(r"\b" + re.escape(name) + r"\s*\[[^\]]*\]\s*=\s*\{(.*?)\}\s*;", text, re.S)
    if not m:
        return None
    return re.findall(r'"([^"\\]*)"', m.group(1))


def env_names(src):
    """{name: [where, ...]} of every environment variable the sources read; problems list."""
    names, problems = {}, []

    def add(name, where):
        names.setdefault(name, []).append(where)

    for d in SCAN_DIRS:
        for root, _dirs, files in os.walk(os.path.join(src, d)):
            for f in sorted(files):
                path = os.path.join(root, f)
                rel = os.path.relpath(path, src)
                if f.endswith(C_EXT):
                    text = open(path, encoding="utf-8", errors="replace").read()
                    for m in re.finditer(r"\bgetenv\s*\(\s*([^)]*)\)", text):
                        arg = m.group(1).strip()
                        line = text.count("\n", 0, m.start()) + 1
                        lit = re.fullmatch(r'"([^"]+)"', arg)
                        if lit:
                            add(lit.group(1), f"{rel}:{line}")
                            continue
                        arr = re.fullmatch(r"(\w+)\s*\[[^\]]*\]", arg)
                        vals = strings_of_array(text, arr.group(1)) if arr else None
                        if vals:
                            for v in vals:
                                add(v, f"{rel}:{line}")
                        else:
                            problems.append(f"{rel}:{line}: getenv({arg}) names no literal and no string array of "
                                            "this file: this check cannot tell which variable it reads")
                elif f.endswith(F_EXT):
                    text = open(path, encoding="utf-8", errors="replace").read()
                    for m in re.finditer(r"get_environment_variable\s*\(\s*(?:name\s*=\s*)?['\"]([^'\"]+)['\"]",
                                         text, re.I):
                        add(m.group(1), f"{rel}:{text.count(chr(10), 0, m.start()) + 1}")
                elif f.endswith(PY_EXT):
                    text = open(path, encoding="utf-8", errors="replace").read()
                    for m in re.finditer(r"os\.(?:environ\.get|getenv|environ\s*\[)\s*\(?\s*['\"]([^'\"]+)['\"]", text):
                        add(m.group(1), f"{rel}:{text.count(chr(10), 0, m.start()) + 1}")
                elif f.endswith(".sh") and d == "perf":
                    text = open(path, encoding="utf-8", errors="replace").read()
                    for m in re.finditer(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?-", text):
                        add(m.group(1), f"{rel}:{text.count(chr(10), 0, m.start()) + 1}")
    return names, problems


def spec_keys(src):
    """[(key, [values])] accepted by csrc/core/spec.c, the bare tokens it accepts, problems."""
    path = os.path.join(src, "csrc", "core", "spec.c")
    text = open(path, encoding="utf-8").read()

    # X-macro lists (#define DLOPS_X(id, name) name, then #include "registry.def" inside an
    # initialiser): the literals of that macro's entry lines in the .def file
    def expand(m):
        lines = open(os.path.join(os.path.dirname(path), m.group(2)), encoding="utf-8").read().splitlines()
        return " ".join(" ".join(f'"{v}"' for v in re.findall(r'"([^"\\]*)"', ln))
                        for ln in lines if re.match(r"\s*" + m.group(1) + r"\(", ln))
    text = re.sub(r'#define\s+(DLOPS_\w+)\([^)]*\)[^\n]*\n\s*#include\s+"([\w.]+\.def)"', expand, text)
    problems = []
    keys = strings_of_array(text, "key_names")
    if not keys:
        return [], [], ["csrc/core/spec.c: no key_names[] array found (update docs/check_docs.py)"]
    out = []
    for k in keys:
        if k in SPEC_VALUES:
            vals = strings_of_array(text, SPEC_VALUES[k])
            if vals is None:
                problems.append(f"csrc/core/spec.c: no {SPEC_VALUES[k]}[] array for key '{k}' (update docs/check_docs.py)")
                vals = []
            if k == "mem":  # aliases: the lines of spec.c that rewrite val (gpu, cuda -> device)
                for line in text.splitlines():
                    if re.search(r"\bval\s*=\s*\(span\)", line):
                        vals += re.findall(r'span_is\(val,\s*"([^"]+)"\)', line)
        elif k in SPEC_BOOL_KEYS:
            vals = ["0", "1"]
        else:
            vals = []  # a new key: its name must be documented; tell the script its values
        out.append((k, vals))
    bare = sorted(set(re.findall(r'span_is\(tok,\s*"([a-z]+)"\)', text)))
    return out, bare, problems


def slug(heading):
    """GitHub's anchor of a Markdown heading."""
    h = heading.strip().lower()
    h = re.sub(r"[`*_~]", "", h)
    h = re.sub(r"[^\w\- ]", "", h)
    return h.replace(" ", "-")


def anchors_of(path):
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.*?)\s*#*\s*$", text, re.M)}


def link_problems(src):
    pages = [os.path.join(src, "README.md")]
    ddir = os.path.join(src, "docs")
    pages += [os.path.join(ddir, f) for f in sorted(os.listdir(ddir)) if f.endswith(".md")]
    problems = []
    for page in pages:
        text = open(page, encoding="utf-8").read()
        body = re.sub(r"```.*?```", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
        for m in re.finditer(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", body):
            target = m.group(1)
            if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto:
                continue
            line = body.count("\n", 0, m.start()) + 1
            where = f"{os.path.relpath(page, src)}:{line}"
            file_part, _, anchor = target.partition("#")
            dest = page if not file_part else os.path.normpath(os.path.join(os.path.dirname(page), file_part))
            if not os.path.exists(dest):
                problems.append(f"{where}: broken link ({target}): {os.path.relpath(dest, src)} does not exist")
            elif anchor and dest.endswith(".md") and anchor not in anchors_of(dest):
                problems.append(f"{where}: broken link ({target}): no heading of {os.path.relpath(dest, src)} "
                                f"makes the anchor #{anchor}")
    return problems


def check_pages(src):
    envdoc_path = os.path.join(src, "docs", "environment.md")
    if not os.path.exists(envdoc_path):
        print("check_docs: docs/environment.md is missing")
        return 1
    envdoc = open(envdoc_path, encoding="utf-8").read()
    problems = []
    names, p = env_names(src)
    problems += p
    for name in sorted(names):
        if f"`{name}`" not in envdoc:
            problems.append(f"docs/environment.md: environment variable {name} is not documented "
                            f"(read at {', '.join(names[name][:3])})")
    keys, bare, p = spec_keys(src)
    problems += p
    for key, vals in keys:
        row = re.search(r"^\|\s*`" + re.escape(key) + r"`\s*\|.*$", envdoc, re.M)
        if not row:
            problems.append(f"docs/environment.md: spec key '{key}' (csrc/core/spec.c) has no table row "
                            f"starting with | `{key}` |")
            continue
        for v in vals:
            if f"`{v}`" not in row.group(0):
                problems.append(f"docs/environment.md: value '{v}' of spec key '{key}' is not in its table row")
    for tok in bare:
        if f"`{tok}`" not in envdoc:
            problems.append(f"docs/environment.md: the spec token '{tok}' (csrc/core/spec.c) is not documented")
    problems += link_problems(src)
    for pr in problems:
        print("check_docs:", pr)
    print(f"check_docs: {len(names)} environment variables, {len(keys)} spec keys, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


def check_doxygen(exe, doxyfile, warnlog):
    if not exe or not os.path.exists(exe):
        print("[DLOPS-SKIP] doxygen not found (install it, e.g. apt-get install doxygen, and reconfigure)")
        return 77
    os.makedirs(os.path.dirname(warnlog), exist_ok=True)
    if os.path.exists(warnlog):
        os.remove(warnlog)
    r = subprocess.run([exe, doxyfile], cwd=os.path.dirname(doxyfile), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    log = open(warnlog, encoding="utf-8", errors="replace").read() if os.path.exists(warnlog) else ""
    if r.stdout.strip():
        print(r.stdout)
    if log.strip():
        print(log)
        print(f"check_docs: {len(re.findall(r': (?:warning|error): ', log))} Doxygen warning(s), log in {warnlog}")
        return 1
    if r.returncode != 0:
        print(f"check_docs: doxygen exited with {r.returncode}")
        return 1
    print("check_docs: API reference built without warnings")
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "pages":
        return check_pages(argv[2])
    if len(argv) == 5 and argv[1] == "doxygen":
        return check_doxygen(argv[2], argv[3], argv[4])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
