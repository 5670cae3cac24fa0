#!/usr/bin/env bash
# Post-install test: install the build tree into a fresh prefix, then build small C (and
# Fortran) programs against it with find_package(dlops CONFIG) and with pkg-config, and run
# them under mpiexec. Usage: post_install_test.sh BUILD_DIR SRC_DIR WORK_DIR MPIEXEC FORTAN(ON|OFF) [mpiexec flags...]
set -euo pipefail
build=$1 src=$2 work=$3 mpiexec=$4 fortran=$5
shift 5
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
echo "== install into $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
test -f "$prefix/include/dlops.h"
ls "$prefix"/lib*/cmake/dlops/dlopsConfig.cmake "$prefix"/lib*/pkgconfig/dlops.pc >/dev/null

echo "== CMake consumer (find_package(dlops CONFIG))"
fargs=()
[ "$fortran" = ON ] && fargs=(-DWITH_FORTRAN=ON)
cmake -S "$src/consumer" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" "${fargs[@]}" >"$work/configure.log"
cmake --build "$work/cmake-build" >"$work/build.log"
"$mpiexec" -n 2 "$@" "$work/cmake-build/consumer_c"
if [ "$fortran" = ON ]; then "$mpiexec" -n 2 "$@" "$work/cmake-build/consumer_f"; fi

echo "== pkg-config consumer (mpicc \$(pkg-config --cflags --libs dlops))"
libdir=$(dirname "$(ls "$prefix"/lib*/pkgconfig/dlops.pc)")
export PKG_CONFIG_PATH="$libdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
pkg-config --exists dlops
mpicc -std=c11 "$src/consumer/main.c" $(pkg-config --cflags --libs dlops) -lm -Wl,-rpath,"$prefix/$(basename "$(dirname "$libdir")")" -o "$work/consumer_pc"
"$mpiexec" -n 2 "$@" "$work/consumer_pc"
if [ "$fortran" = ON ]; then
  pkg-config --exists dlops-fortran
  mpif90 "$src/consumer/main.F90" $(pkg-config --cflags --libs dlops-fortran) -Wl,-rpath,"$prefix/$(basename "$(dirname "$libdir")")" -o "$work/consumer_pc_f"
  "$mpiexec" -n 2 "$@" "$work/consumer_pc_f"
fi
echo "post-install test: 1 passed, 0 failed"
