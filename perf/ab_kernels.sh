#!/usr/bin/env bash
# Side-by-side comparison of two libdlops builds (or versions) on the local kernels:
# perf/bench_kernels (public API) run against library A, then B, then B, then A, ... (ROUNDS
# rounds, alternating which goes first), the best time of each kernel kept per library.
#
#   perf/ab_kernels.sh BENCH LIBDIR_A LIBDIR_B [n0 n1 n2]
#     BENCH      a bench_kernels binary (e.g. build/ci/perf/bench_kernels)
#     LIBDIR_A/B folders holding libdlops.so.0.MINOR (e.g. an old tree's build and build/ci)
#   ROUNDS (4), REPS (9: applies per kernel and run), LABEL_A, LABEL_B (column names)
#
# Prints a markdown table: ns per element of A and B, B/A (below 1: B faster), and the fraction
# of the copy loop's rate B reaches (bytes an ideal implementation moves; see bench_kernels.c).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=/dev/null
source "$root/ci/env.sh"
[ $# -ge 3 ] || { sed -n 2,12p "$0"; exit 2; }
bench=$1 la=$2 lb=$3
shift 3
dims=("${@:-64 128 256}")
ROUNDS=${ROUNDS:-4} REPS=${REPS:-9} LABEL_A=${LABEL_A:-A} LABEL_B=${LABEL_B:-B}
# (the soname is libdlops.so.0.MINOR: both folders must hold the same version's library)
compgen -G "$la/libdlops.so.0*" >/dev/null && compgen -G "$lb/libdlops.so.0*" >/dev/null ||
  { echo "ab_kernels.sh: no libdlops.so.0* in $la or $lb" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for r in $(seq 1 "$ROUNDS"); do
  order="A B"
  [ $((r % 2)) -eq 0 ] && order="B A"
  for s in $order; do
    lib=$la
    [ "$s" = B ] && lib=$lb
    # shellcheck disable=SC2086
    LD_LIBRARY_PATH=$lib mpiexec -n 1 -x LD_LIBRARY_PATH "$bench" ${dims[*]} "$REPS" > "$out/$s.$r"
  done
done
python3 - "$out" "$ROUNDS" "$LABEL_A" "$LABEL_B" <<'PY'
import sys, glob, collections
out, rounds, la, lb = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
best = {"A": collections.OrderedDict(), "B": collections.OrderedDict()}
head = ""
for s in "AB":
    for f in sorted(glob.glob(f"{out}/{s}.*")):
        for line in open(f):
            if line.startswith("bench_kernels:") and s == "B": head = line.strip()
            if not line.startswith("KERNEL "): continue
            parts = line.split()
            name = " ".join(parts[1:-4]); fw, ad, ffw, fad = map(float, parts[-4:])
            cur = best[s].get(name)
            if cur is None: best[s][name] = [fw, ad, ffw, fad]
            else:
                if fw < cur[0]: cur[0], cur[2] = fw, ffw
                if ad and ad < cur[1]: cur[1], cur[3] = ad, fad
print(head)
print(f"| kernel | {la} fwd ns/el | {lb} fwd ns/el | fwd {lb}/{la} | {la} adj ns/el | {lb} adj ns/el | adj {lb}/{la} | {lb} fraction of copy (fwd / adj) |")
print("|---|---|---|---|---|---|---|---|")
for name, b in best["B"].items():
    a = best["A"].get(name)
    if a is None: continue
    adj = f"{a[1]:.3f} | {b[1]:.3f} | {b[1]/a[1]:.2f}" if b[1] else "- | - | -"
    frac = f"{b[2]:.2f} / {b[3]:.2f}" if b[1] else f"{b[2]:.2f}"
    print(f"| {name} | {a[0]:.3f} | {b[0]:.3f} | {b[0]/a[0]:.2f} | {adj} | {frac} |")
PY
