#!/usr/bin/env bash
# Time to solution of all six post-stack inversions (examples/c/poststack: PyLops-MPI's
# post-stack and reflectivity tutorials) for dlops and PyLops-MPI, side by side on this machine,
# the same problem and iterations, at NP 1, 2 and 4, with the bytes dlops communicated.
#
#   perf/ttos_poststack_all.sh [build-dir]        (default build/ci)
#
# Environment: NPS ("1 2 4"), PROBLEM (the program's size options; default
# "ny=8 xstep=6 zstep=2 nsmooth=2,10,10": a fixed problem of 8 x 134 x 275 = 294,800 unknowns,
# strong scaling), DATA (the .npz; default $DLOPS_DATA, else ../shared/data/poststack_model.npz),
# PY ($DLOPS_VENV/bin/python), SPEC (DLOPS_SPEC of the dlops runs, default comm=mpi), PYLOPS (1; 0:
# dlops only).
# For each NP: the dlops program, then perf/pylops_poststack_all.py on the model and background
# the program wrote. Each side times each solve alone (barrier, maximum over ranks; set-up and
# I/O excluded). Prints the runs, then a markdown table per NP. PyLops-MPI's MPILaplacian needs
# at least 2 y slices per rank (with 1 it fails in add_ghost_cells and the job hangs: the
# PYLOPS_TIMEOUT, default 1800 s, ends it); dlops runs with any split.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=/dev/null
source "$root/ci/env.sh"
build=${1:-$root/build/ci}
prog=$build/examples/c/poststack
PY=${PY:-$DLOPS_VENV/bin/python}
DATA=${DATA:-${DLOPS_DATA:-$root/../shared/data/poststack_model.npz}}
NPS=${NPS:-1 2 4}
PROBLEM=${PROBLEM:-ny=8 xstep=6 zstep=2 nsmooth=2,10,10}
[ -x "$prog" ] || { echo "ttos_poststack_all.sh: $prog not built" >&2; exit 1; }
[ -f "$DATA" ] || { echo "ttos_poststack_all.sh: model file $DATA not found (set DATA)" >&2; exit 1; }
cores=$(env -u OMP_NUM_THREADS nproc)
work=$(mktemp -d "${TMPDIR:-/tmp}/dlops-ttos-all.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "# ttos_poststack_all.sh $(date -u +%Y-%m-%dT%H:%MZ) $(git -C "$root" rev-parse --short HEAD 2>/dev/null || true)," \
     "$cores cores, load $(cut -d' ' -f1-3 /proc/loadavg), PROBLEM='$PROBLEM' SPEC='${SPEC:-comm=mpi}'"
for np in $NPS; do
  flags=()
  [ "$np" -gt "$cores" ] && flags=(--oversubscribe)
  # shellcheck disable=SC2086
  DLOPS_SPEC=${SPEC:-comm=mpi} mpiexec "${flags[@]}" -n "$np" "$prog" "$DATA" $PROBLEM out="$work/np$np" \
    > "$work/dlops$np.txt"
  [ "${PYLOPS:-1}" = 1 ] && "$PY" -c "import pylops_mpi" 2>/dev/null && \
    { timeout "${PYLOPS_TIMEOUT:-1800}" mpiexec "${flags[@]}" -n "$np" "$PY" "$root/perf/pylops_poststack_all.py" \
        "$work/np$np" > "$work/pylops$np.txt" || echo "(PyLops-MPI failed at NP $np: see its output above)"; }
  echo
  echo "## NP $np: $(grep '^problem' "$work/dlops$np.txt")"
  echo
  echo "| inversion | iterations | dlops time [s] | PyLops-MPI time [s] | PyLops-MPI / dlops | dlops bytes sent (all ranks) | dlops rel. error |"
  echo "|---|---|---|---|---|---|---|"
  for k in cgls ne reg tv fista pg; do
    case $k in cgls) t="CGLS on G";; ne) t="CG on G^H G";; reg) t="CGLS on [G; 10 L]";; tv) t="ADMM-L2";;
               fista) t="reflectivity: FISTA";; pg) t="reflectivity: PG";; esac
    row=$(grep -F "$t" "$work/dlops$np.txt" | head -1 || true)
    it=$(echo "$row" | awk '{print $(NF-6)}'); err=$(echo "$row" | awk '{print $(NF-4)}')
    dt=$(echo "$row" | awk '{print $(NF-2)}'); by=$(echo "$row" | awk '{print $(NF-1), $NF}')
    pt=$(sed -n "s/^TIME name=$k np=$np solve_s=\(.*\)/\1/p" "$work/pylops$np.txt" 2>/dev/null || true)
    ratio=-
    if [ -n "$pt" ]; then ratio=$(awk -v a="$pt" -v b="$dt" 'BEGIN {printf "%.2f", a / b}'); else pt=-; fi
    echo "| $k | $it | $dt | $pt | $ratio | $by | $err |"
  done
  echo
  echo "dlops bytes per operation kind (NP $np):"
  sed -n '/^bytes communicated per operation kind/,/^$/p' "$work/dlops$np.txt"
done
