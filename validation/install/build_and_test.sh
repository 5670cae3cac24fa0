#!/usr/bin/env bash
# Configure and build dlops once more in WORK_DIR/build with the given CMake arguments (library,
# Fortran module and examples only), then run the post-install matrix on it: for the layouts the
# main build does not have (a multiarch libdir, static libraries).
# Usage: build_and_test.sh SRC_ROOT WORK_DIR MPIEXEC FORTRAN(ON|OFF) JOBS [cmake args...] -- [mpiexec flags...]
set -euo pipefail
root=$1 work=$2 mpiexec=$3 fortran=$4 jobs=$5
shift 5
cargs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do cargs+=("$1"); shift; done
[ $# -gt 0 ] && shift
rm -rf "$work"
mkdir -p "$work"
echo "== configure and build dlops: ${cargs[*]}"
cmake -S "$root" -B "$work/build" -DDLOPS_ENABLE_TESTS=OFF -DDLOPS_ENABLE_BENCHMARKS=OFF -DDLOPS_ENABLE_FUZZ=OFF \
      -DDLOPS_ENABLE_CUDA=OFF -DDLOPS_ENABLE_NCCL=OFF -DDLOPS_ENABLE_SCALAPACK=OFF -DDLOPS_ENABLE_FORTRAN="$fortran" \
      "${cargs[@]}" >"$work/configure.log" 2>&1 || { tail -40 "$work/configure.log"; exit 1; }
cmake --build "$work/build" -j"$jobs" >"$work/build.log" 2>&1 || { grep -B2 -A8 -m5 "error" "$work/build.log"; exit 1; }
exec bash "$root/validation/install/post_install_test.sh" "$work/build" "$root/validation/install" "$work/matrix" \
     "$mpiexec" "$fortran" "$@"
