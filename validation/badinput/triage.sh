#!/bin/bash
# Triage helper (not run by CTest): run the suite at NP ranks, and whenever a case hangs or crashes,
# add it to DLOPS_BADINPUT_SKIP and run again, so one pass lists every hang and crash by name.
# Note: after a heap corruption (stale handles), a later case may crash instead; recheck such
# cases one at a time (test_badinput <name>). BIN= picks another binary, OUT= the output folder.
# usage: triage.sh NP [spec]  -> ${OUT:-/tmp}/bi_np$NP.txt (final), ${OUT:-/tmp}/bi_np$NP.skips (hang/crash list)
np=$1; spec=${2:-comm=mpi}
cd "$(dirname "$0")/../.." && source ci/env.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 OMPI_MCA_mpi_yield_when_idle=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
export DLOPS_SPEC="$spec" DLOPS_BADINPUT_TIMEOUT=${TO:-4}
tag=np$np${3:-}
skips="${DLOPS_BADINPUT_SKIP:-}"; : > ${OUT:-/tmp}/bi_$tag.skips
for i in $(seq 1 60); do
  DLOPS_BADINPUT_SKIP="$skips" timeout 600 mpiexec --oversubscribe -n $np ${BIN:-build/h6/validation/badinput/test_badinput} > ${OUT:-/tmp}/bi_$tag.txt 2>&1
  rc=$?
  bad=$(grep -oE "badinput: (HANG|CRASH) in case [A-Za-z0-9_]+" ${OUT:-/tmp}/bi_$tag.txt | head -1)
  if [ -z "$bad" ]; then echo "done rc=$rc after $i runs"; break; fi
  name=$(echo "$bad" | awk '{print $5}'); kind=$(echo "$bad" | awk '{print $2}')
  echo "$kind $name" >> ${OUT:-/tmp}/bi_$tag.skips
  grep -A12 "CRASH in case $name" ${OUT:-/tmp}/bi_$tag.txt | head -14 >> ${OUT:-/tmp}/bi_$tag.crashlog
  skips="$skips${skips:+,}$name"
done
