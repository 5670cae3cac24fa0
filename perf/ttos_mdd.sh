#!/usr/bin/env bash
# Time to solution of PyLops-MPI's MDD tutorial (tutorials/mdd.py): dlops (examples/c/mdd)
# against PyLops-MPI (examples/mdd_pylops_mpi.py) on the same problem and iterations, at NP 1, 2
# and 4, side by side.
#
#   perf/ttos_mdd.sh [build-dir] [mdd options...]   (default build/ci and the tutorial's size)
#
# For each NP, ROUNDS rounds of one dlops run and one PyLops-MPI run, alternating which goes
# first (round 1 dlops first, round 2 PyLops-MPI first, ...), so drifting load hits both alike.
# Each program times its own CGLS solve (max over ranks; no start-up, set-up or I/O). The PyLops-MPI
# run also compares its data, adjoint and inversion with the dlops run's .npy (its OK/FAILED line
# is shown). dlops' bytes communicated by the solve (allgather, allreduce; summed over ranks) come
# from the program's summary. Environment: NPS ("1 2 4"), ROUNDS (3), PY (default
# $DLOPS_VENV/bin/python). NP above the core count runs with --oversubscribe. Prints every run,
# then a markdown table of the medians.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=/dev/null
source "$root/ci/env.sh"
build=${1:-$root/build/ci}
shift || true
mdd=$build/examples/c/mdd
PY=${PY:-$DLOPS_VENV/bin/python}
NPS=${NPS:-1 2 4}
ROUNDS=${ROUNDS:-3}
pyscript=$root/examples/mdd_pylops_mpi.py
[ -x "$mdd" ] || { echo "ttos_mdd.sh: $mdd not built (cmake --build $build --target mdd)" >&2; exit 1; }
"$PY" -c "import pylops_mpi" 2>/dev/null || { echo "ttos_mdd.sh: $PY cannot import pylops_mpi (set PY)" >&2; exit 1; }
cores=$(env -u OMP_NUM_THREADS nproc)
work=$(mktemp -d "${TMPDIR:-/tmp}/dlops-ttos-mdd.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "# ttos_mdd.sh $(date -u +%Y-%m-%dT%H:%MZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || true)," \
     "$cores cores, NPS='$NPS' ROUNDS=$ROUNDS options='$*'"
median() { sort -g | awk '{v[NR] = $1} END {printf "%.3f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
table=$work/table
for np in $NPS; do
  extra=()
  [ "$np" -gt "$cores" ] && extra=(--oversubscribe)
  : >"$work/d$np"
  : >"$work/p$np"
  for r in $(seq 1 "$ROUNDS"); do
    run_d() {
      DLOPS_SPEC=comm=mpi mpiexec -n "$np" "${extra[@]}" "$mdd" "$@" out="$work/out$np" >"$work/dl.log" 2>&1 ||
        { cat "$work/dl.log"; exit 1; }
      sed -n 's/^time *: \([0-9.]*\) s.*/\1/p' "$work/dl.log" >>"$work/d$np"
      echo "np $np round $r dlops     : $(sed -n 's/^time *: //p' "$work/dl.log")"
    }
    run_p() {
      mpiexec -n "$np" "${extra[@]}" "$PY" "$pyscript" "$work/out$np" "$@" >"$work/py.log" 2>&1 ||
        { cat "$work/py.log"; exit 1; }
      sed -n 's/^PyLops-MPI cgls: \([0-9.]*\) s.*/\1/p' "$work/py.log" >>"$work/p$np"
      echo "np $np round $r PyLops-MPI: $(sed -n 's/^PyLops-MPI cgls: //p' "$work/py.log") | $(grep '^mdd_pylops_mpi:' "$work/py.log")"
    }
    if [ "$r" = 1 ] || [ ! -f "$work/out$np/minv.npy" ]; then
      run_d "$@"; run_p "$@"
    elif [ $((r % 2)) = 0 ]; then
      run_p "$@"; run_d "$@"
    else
      run_d "$@"; run_p "$@"
    fi
  done
  ag=$(awk '$1 == "allgather" {print $2, $3}' "$work/dl.log")
  ar=$(awk '$1 == "allreduce" {print $2, $3}' "$work/dl.log")
  echo "| $np | $(median <"$work/d$np") | $ag | $ar | $(median <"$work/p$np") |" >>"$table"
done
echo
echo "| NP | dlops s (median) | dlops allgather | dlops allreduce | PyLops-MPI s (median) |"
echo "|---|---|---|---|---|"
cat "$table"
