#!/usr/bin/env bash
# Time to solution of PyLops-MPI's LSM or MDD tutorial (tutorials/lsm.py, tutorials/mdd.py): dlops
# (examples/c/lsm, examples/c/mdd) against PyLops-MPI (examples/lsm_pylops_mpi.py,
# examples/mdd_pylops_mpi.py) on the same problem and iterations, at NP 1, 2 and 4, side by side.
#
#   perf/ttos_usecase.sh lsm|mdd [build-dir] [program options...]
#                                       (default build/ci and the tutorial's size)
#
# For each NP, ROUNDS rounds of one dlops run and one PyLops-MPI run, alternating which goes
# first (round 1 dlops first, round 2 PyLops-MPI first, ...), so drifting load hits both alike.
# Each program times its own CGLS solve (max over ranks; no start-up, set-up or I/O). The PyLops-MPI
# run also compares its data, adjoint and inversion with the dlops run's .npy (its OK/FAILED line
# is shown). dlops' bytes communicated by the solve (every kind that moved bytes, summed over
# ranks) come from the program's summary. Environment: NPS ("1 2 4"), ROUNDS (3), SPECS (the
# DLOPS_SPEC of the dlops runs, default "comm=mpi"; e.g. "comm=mpi comm=rma": one column each),
# PY (default $DLOPS_VENV/bin/python). NP above the core count runs with --oversubscribe. Prints
# every run, then a markdown table of the medians.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=/dev/null
source "$root/ci/env.sh"
case ${1:-} in
  lsm|mdd) uc=$1 ;;
  *) echo "usage: perf/ttos_usecase.sh lsm|mdd [build-dir] [program options...]" >&2; exit 2 ;;
esac
shift
build=${1:-$root/build/ci}
shift || true
prog=$build/examples/c/$uc
PY=${PY:-$DLOPS_VENV/bin/python}
NPS=${NPS:-1 2 4}
ROUNDS=${ROUNDS:-3}
SPECS=${SPECS:-comm=mpi}
pyscript=$root/examples/${uc}_pylops_mpi.py
[ -x "$prog" ] || { echo "ttos_usecase.sh: $prog not built (cmake --build $build --target $uc)" >&2; exit 1; }
havepy=1
"$PY" -c "import pylops_mpi" 2>/dev/null || { havepy=0; echo "ttos_usecase.sh: $PY cannot import pylops_mpi: dlops only"; }
cores=$(env -u OMP_NUM_THREADS nproc)
work=$(mktemp -d "${TMPDIR:-/tmp}/dlops-ttos-$uc.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "# ttos_usecase.sh $uc $(date -u +%Y-%m-%dT%H:%MZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || true)," \
     "$cores cores, NPS='$NPS' ROUNDS=$ROUNDS SPECS='$SPECS' options='$*'"
median() { sort -g | awk '{v[NR] = $1} END {if (!NR) {print "-"; exit} printf "%.3f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# the bytes lines of a summary ("  kind  N unit (calls)"), the kinds that moved bytes
bytes_of() { awk '/^bytes communicated/ {on = 1; next} on && !/^  / {on = 0} on && NF >= 3 && $2 != "0" {printf "%s%s %s %s", sep, $1, $2, $3; sep = ", "}' "$1"; }
table=$work/table
for np in $NPS; do
  extra=()
  [ "$np" -gt "$cores" ] && extra=(--oversubscribe)
  : >"$work/p$np"
  for spec in $SPECS; do : >"$work/d$np.${spec#comm=}"; done
  for r in $(seq 1 "$ROUNDS"); do
    run_d() {
      for spec in $SPECS; do
        DLOPS_SPEC=$spec mpiexec -n "$np" "${extra[@]}" "$prog" "$@" out="$work/out$np" >"$work/dl.log" 2>&1 ||
          { cat "$work/dl.log"; exit 1; }
        sed -n 's/^time *: \([0-9.]*\) s.*/\1/p' "$work/dl.log" >>"$work/d$np.${spec#comm=}"
        echo "np $np round $r dlops $spec: $(sed -n 's/^time *: //p' "$work/dl.log")"
        bytes_of "$work/dl.log" >"$work/bytes$np"
      done
    }
    run_p() {
      [ "$havepy" = 1 ] || return 0
      mpiexec -n "$np" "${extra[@]}" "$PY" "$pyscript" "$work/out$np" "$@" >"$work/py.log" 2>&1 ||
        { cat "$work/py.log"; exit 1; }
      sed -n 's/^PyLops-MPI cgls: \([0-9.]*\) s.*/\1/p' "$work/py.log" >>"$work/p$np"
      echo "np $np round $r PyLops-MPI: $(sed -n 's/^PyLops-MPI cgls: //p' "$work/py.log") | $(grep "^${uc}_pylops_mpi:" "$work/py.log")"
    }
    if [ "$r" = 1 ] || [ ! -f "$work/out$np/minv.npy" ]; then
      run_d "$@"; run_p "$@"
    elif [ $((r % 2)) = 0 ]; then
      run_p "$@"; run_d "$@"
    else
      run_d "$@"; run_p "$@"
    fi
  done
  row="| $np |"
  for spec in $SPECS; do row="$row $(median <"$work/d$np.${spec#comm=}") |"; done
  echo "$row $(cat "$work/bytes$np") | $(median <"$work/p$np") |" >>"$table"
done
echo
head="| NP |"; rule="|---|"
for spec in $SPECS; do head="$head dlops $spec s (median) |"; rule="$rule---|"; done
echo "$head dlops bytes (summed over ranks) | PyLops-MPI s (median) |"
echo "$rule---|---|"
cat "$table"
