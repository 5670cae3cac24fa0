#!/usr/bin/env bash
# Time to solution of the three use cases (issue 14/15), dlops on each backend against PyLops-MPI
# on the same problems and iterations, side by side, into one Markdown file:
#   - post-stack: the six inversions of examples/c/poststack (perf/ttos_poststack_all.sh);
#   - least-squares migration: examples/c/lsm (perf/ttos_usecase.sh lsm);
#   - multi-dimensional deconvolution: examples/c/mdd (perf/ttos_usecase.sh mdd).
#
#   perf/usecases.sh [--build DIR] [OUT.md]      (default build/ci, perf/out-usecases.md)
#
# Environment: NPS (default "1 2"), ROUNDS (1), SPECS ("comm=mpi comm=rma"), and the problem of each
# use case: PS_PROBLEM (post-stack options, default the CTest size "ny=4 xstep=24 zstep=2
# nsmooth=1,5,10"), LSM_PROBLEM (default the CTest size), MDD_PROBLEM (default the CTest size);
# PS_DATA (the post-stack model .npz; default ../shared/data/poststack_model.npz, else the
# synthetic model). PyLops-MPI runs when the venv's python imports pylops_mpi (PY). The sizes are
# small enough for a 2-core machine; on a cluster pass the tutorials' sizes (empty *_PROBLEM).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/ci
outfile=$root/perf/out-usecases.md
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) outfile=$1 ;;
  esac
  shift
done
export NPS=${NPS:-1 2} ROUNDS=${ROUNDS:-1}
SPECS=${SPECS:-comm=mpi comm=rma}
PS_PROBLEM=${PS_PROBLEM-ny=4 xstep=24 zstep=2 nsmooth=1,5,10}
LSM_PROBLEM=${LSM_PROBLEM-nx=41 nz=30 nt=151 nstot=6 nr=7 niter=50 maxerr=0.7}
MDD_PROBLEM=${MDD_PROBLEM-nx=21 ny=31 nt=151 nfmax=75 niter=50}
PS_DATA=${PS_DATA:-$root/../shared/data/poststack_model.npz}
{
  echo "# Use cases: time to solution, dlops against PyLops-MPI ($(date -u +%Y-%m-%dT%H:%MZ)," \
       "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores," \
       "load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "Each program times its own solve (maximum over ranks; set-up and I/O excluded); bytes are those"
  echo "of the dlops solve, summed over ranks, per operation kind."
  for uc in lsm mdd; do
    prob=LSM_PROBLEM
    [ "$uc" = mdd ] && prob=MDD_PROBLEM
    echo
    echo "## ${uc^^} (${!prob:-the tutorial size})"
    echo
    # shellcheck disable=SC2086
    SPECS=$SPECS "$root/perf/ttos_usecase.sh" "$uc" "$build" ${!prob} | sed -n '/^| NP/,$p'
  done
  echo
  echo "## Post-stack (${PS_PROBLEM:-the tutorial size})"
  py=1 # PyLops-MPI once: beside the first backend
  for spec in $SPECS; do
    echo
    echo "### dlops $spec"
    [ -f "$PS_DATA" ] || echo "(model file $PS_DATA not found: synthetic model)"
    data=$PS_DATA
    [ -f "$data" ] || data=synthetic
    PYLOPS=$py SPEC=$spec DATA=$data PROBLEM=$PS_PROBLEM "$root/perf/ttos_poststack_all.sh" "$build" | sed -n '/^## NP/{s/^## /#### /;p};/^|/p'
    py=0
  done
} > "$outfile"
echo "usecases.sh: wrote $outfile"
