#!/usr/bin/env bash
# Time to solution: dlops (perf/bench_poststack) against PyLops-MPI (perf/pylops_poststack.py)
# on PyLops-MPI's post-stack CGLS (tutorials/poststack.py): the same model, starting model,
# operator and iterations (30, tol = 0), 8 y slices of 267 x 550 per rank, at NP 1, 2 and 4.
#
#   perf/ttos.sh [build-dir]          (default build/ci; run from anywhere)
#
# For each NP: pylops_poststack.py prep writes the model and the starting model (.npy, in a
# temporary folder, removed at the end); then ROUNDS rounds of one dlops run and one PyLops-MPI
# run, alternating which goes first (round 1 dlops first, round 2 PyLops-MPI first, ...), so
# drifting load hits both alike. Each program times its own solve (max over ranks; nothing else:
# no start-up, set-up or I/O). The answers of the last round and the data d = PostStack m_true
# of both are compared: max |dlops - PyLops| / max |PyLops| over all elements.
#
# Environment: NPS ("1 2 4"), ROUNDS (3), NITER (30), NYR (8: y slices per rank), DATA (the
# .npz; default $DLOPS_DATA, else ../shared/data/poststack_model.npz beside the repository), PY
# (default $DLOPS_VENV/bin/python, the venv of ci/setup), DLOPS_ARGS (extra bench_poststack
# options, e.g. "--form direct" or "--variant blocking"). NP above the core count runs with
# --oversubscribe. Prints every run, then a markdown table.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=/dev/null
source "$root/ci/env.sh"
build=${1:-$root/build/ci}
bench=$build/perf/bench_poststack
PY=${PY:-$DLOPS_VENV/bin/python}
DATA=${DATA:-${DLOPS_DATA:-$root/../shared/data/poststack_model.npz}}
NPS=${NPS:-1 2 4}
ROUNDS=${ROUNDS:-3}
NITER=${NITER:-30}
NYR=${NYR:-8}
DLOPS_ARGS=${DLOPS_ARGS:-}
pyscript=$root/perf/pylops_poststack.py
[ -x "$bench" ] || { echo "ttos.sh: $bench not built (cmake --build $build --target bench_poststack)" >&2; exit 1; }
[ -f "$DATA" ] || { echo "ttos.sh: model file $DATA not found (set DATA)" >&2; exit 1; }
"$PY" -c "import pylops_mpi" 2>/dev/null || { echo "ttos.sh: $PY cannot import pylops_mpi (set PY)" >&2; exit 1; }
cores=$(env -u OMP_NUM_THREADS nproc)
work=$(mktemp -d "${TMPDIR:-/tmp}/dlops-ttos.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "# ttos.sh $(date -u +%Y-%m-%dT%H:%MZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || true), $cores cores," \
     "NPS='$NPS' ROUNDS=$ROUNDS NITER=$NITER NYR=$NYR DLOPS_ARGS='$DLOPS_ARGS'"
solve_time() { sed -n 's/^RESULT .*solve_s=\([0-9.eE+-]*\).*/\1/p' "$1"; }
applies() { sed -n 's/^BREAKDOWN fwd_ms=\([0-9.]*\) adj_ms=\([0-9.]*\).*/\1 \2/p' "$1"; }
stats() { sort -g | awk '{v[NR] = $1} END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f\n", v[1], m}'; }

table=$work/table
for np in $NPS; do
  dir=$work/np$np
  mkdir -p "$dir"
  flags=()
  [ "$np" -gt "$cores" ] && flags=(--oversubscribe)
  "$PY" "$pyscript" prep --npz "$DATA" --ny $((NYR * np)) --dir "$dir" >/dev/null
  # shellcheck disable=SC2086
  run_dlops() {
    mpiexec "${flags[@]}" -n "$np" "$bench" --model "$dir/m_true.npy" --x0 "$dir/m_back.npy" --niter "$NITER" \
      --out "$dir/minv_dlops.npy" --data-out "$dir/d_dlops.npy" --breakdown $DLOPS_ARGS > "$dir/out"
    solve_time "$dir/out" >> "$dir/t_dlops"
    applies "$dir/out" > "$dir/ops_dlops"
    sed -n 's/^RESULT .* ny=\([0-9]*\) nx=\([0-9]*\) nz=\([0-9]*\).*/(\1,\2,\3)/p' "$dir/out" > "$dir/shape"
    echo "NP $np round $r dlops:      $(tail -1 "$dir/t_dlops") s"
  }
  run_pylops() {
    mpiexec "${flags[@]}" -n "$np" "$PY" "$pyscript" solve --dir "$dir" --niter "$NITER" \
      --out "$dir/minv_pylops.npy" --data-out "$dir/d_pylops.npy" --breakdown > "$dir/out"
    solve_time "$dir/out" >> "$dir/t_pylops"
    applies "$dir/out" > "$dir/ops_pylops"
    echo "NP $np round $r PyLops-MPI: $(tail -1 "$dir/t_pylops") s"
  }
  for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) -eq 1 ]; then run_dlops; run_pylops; else run_pylops; run_dlops; fi
  done
  read -r dmin dmed < <(stats < "$dir/t_dlops")
  read -r pmin pmed < <(stats < "$dir/t_pylops")
  diff_m=$("$PY" "$pyscript" compare "$dir/minv_dlops.npy" "$dir/minv_pylops.npy")
  diff_d=$("$PY" "$pyscript" compare "$dir/d_dlops.npy" "$dir/d_pylops.npy")
  echo "$np $(cat "$dir/shape") $dmed $pmed $(awk -v a="$pmed" -v b="$dmed" 'BEGIN {printf "%.2f", a / b}') $dmin $pmin" \
       "$(awk -v a="$pmin" -v b="$dmin" 'BEGIN {printf "%.2f", a / b}') $diff_m $diff_d" >> "$table"
  echo "$np $(cat "$dir/ops_dlops") $(cat "$dir/ops_pylops") $dmed $pmed" >> "$work/ops"
  rm -f "$dir"/*.npy
done

echo
echo "| NP | model (ny, nx, nz) | dlops s (median) | PyLops-MPI s (median) | speed-up (median) | dlops s (min) | PyLops-MPI s (min) | speed-up (min) | max rel. diff. m_inv | max rel. diff. d |"
echo "|---|---|---|---|---|---|---|---|---|---|"
while read -r np shape dmed pmed rmed dmin pmin rmin dm dd; do
  echo "| $np | ${shape//,/, } | $dmed | $pmed | $rmed | $dmin | $pmin | $rmin | $dm | $dd |"
done < "$table"
echo
echo "| NP | dlops PostStack forward / adjoint ms | PyLops-MPI forward / adjoint ms | dlops ms per iteration | PyLops-MPI ms per iteration |"
echo "|---|---|---|---|---|"
while read -r np df da pf pa dmed pmed; do
  echo "| $np | $df / $da | $pf / $pa | $(awk -v t="$dmed" -v n="$NITER" 'BEGIN {printf "%.1f", 1e3 * t / n}') |" \
       "$(awk -v t="$pmed" -v n="$NITER" 'BEGIN {printf "%.1f", 1e3 * t / n}') |"
done < "$work/ops"
echo
echo "times: the CGLS solve ($NITER iterations), max over ranks, $ROUNDS rounds each, alternating which code runs first;"
echo "speed-up = PyLops-MPI time / dlops time; max rel. diff. = max |dlops - PyLops-MPI| / max |PyLops-MPI| (last round);"
echo "applies: one apply of the whole operator after the solve, best of 5, max over ranks (last round); ms per iteration: median solve / $NITER"
