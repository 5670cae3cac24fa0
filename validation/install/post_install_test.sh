#!/usr/bin/env bash
# Post-install test matrix: install a build tree into a fresh prefix, then use it as a consumer
# would, without LD_LIBRARY_PATH (unset for the whole script):
#   - C-only CMake project: find_package(dlops CONFIG REQUIRED), dlops::dlops; run;
#   - C-only CMake project with COMPONENTS Fortran, and with an unknown component: configure
#     fails with a message that says why;
#   - Fortran CMake project (when built with Fortran): find_package(dlops CONFIG REQUIRED) without
#     components, then with COMPONENTS Fortran, linking dlops::dlops_fortran; run;
#   - pkg-config (mpicc/mpif90 $(pkg-config --cflags --libs dlops[-fortran])): runs thanks to the
#     rpath in the .pc; with --define-variable=dlops_rpath= the program has no rpath and does not
#     start without LD_LIBRARY_PATH, then runs with it; static builds: pkg-config --static;
#   - the installed example programs (libexec/dlops/examples) run; sources and the perf
#     harness are under share/dlops; the .pc files' prefix is the install prefix; the CMake
#     package names no CUDA target or CUDAToolkit (checked in CUDA builds too).
# Usage: post_install_test.sh BUILD_DIR SRC_DIR WORK_DIR MPIEXEC FORTRAN(ON|OFF) [mpiexec flags...]
set -euo pipefail
build=$1 src=$2 work=$3 mpiexec=$4 fortran=$5
shift 5
unset LD_LIBRARY_PATH
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
pass=0
ok() { pass=$((pass + 1)); echo "   ok: $*"; }
fail() { echo "post-install test FAILED: $*" >&2; exit 1; }
run() { "$mpiexec" -n 2 "$@"; }

echo "== install into $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
test -f "$prefix/include/dlops.h" || fail "no include/dlops.h"
pc=$(find "$prefix" -path "*/pkgconfig/dlops.pc" | head -1)
[ -n "$pc" ] || fail "no dlops.pc"
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
ls "$libdir/cmake/dlops/dlopsConfig.cmake" >/dev/null || fail "no dlopsConfig.cmake in $libdir/cmake/dlops"
static=OFF
compgen -G "$libdir/libdlops.so*" >/dev/null || static=ON
echo "   libdir ${libdir#"$prefix"/}, static=$static"
export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
got=$(cd "$(pkg-config --variable=prefix dlops)" && pwd -P)
[ "$got" = "$(cd "$prefix" && pwd -P)" ] || fail "dlops.pc's prefix is $got, not the install prefix"
ok "relocatable dlops.pc finds the prefix from ${pcdir#"$prefix"/}"

# no consumer needs CUDA: the GPU plugin is loaded at run time and no exported target links CUDA
if grep -q "CUDAToolkit\|CUDA::" "$libdir"/cmake/dlops/dlops*.cmake; then fail "the CMake package refers to CUDA"; fi
[ ! -e "$libdir/cmake/dlops/FindNCCL.cmake" ] || fail "FindNCCL.cmake installed (no consumer needs it)"
ok "the CMake package needs no CUDA toolkit"

echo "== C-only CMake consumer: find_package(dlops CONFIG REQUIRED), dlops::dlops"
cmake -S "$src/consumer" -B "$work/c" -DCMAKE_PREFIX_PATH="$prefix" >"$work/c.log" 2>&1 || { cat "$work/c.log"; fail "C consumer configure"; }
cmake --build "$work/c" >>"$work/c.log" 2>&1 || { cat "$work/c.log"; fail "C consumer build"; }
run "$work/c/consumer_c" || fail "C consumer run"
ok "C-only CMake consumer"

echo "== C-only project asking for COMPONENTS Fortran / an unknown component: a clear message"
expect_fail() { # name cmake-args... ; the configure must fail with the message in $want
  if cmake -S "$src/consumer" -B "$work/$1" -DCMAKE_PREFIX_PATH="$prefix" "${@:2}" >"$work/$1.log" 2>&1; then
    fail "$1: configure succeeded"
  fi
  grep -q "$want" "$work/$1.log" || { cat "$work/$1.log"; fail "$1: no message '$want'"; }
}
if [ "$fortran" = ON ]; then
  want="COMPONENTS Fortran needs the Fortran language"
else
  want="component Fortran was not built into this dlops"
fi
expect_fail c_fortran_component -DDLOPS_COMPONENTS=Fortran
ok "C-only + COMPONENTS Fortran: $want"
want="unknown component 'Fortarn'"
expect_fail c_unknown_component -DDLOPS_COMPONENTS=Fortarn
ok "unknown component: $want"

if [ "$fortran" = ON ]; then
  for comps in "" Fortran; do
    name=f${comps:+_$comps}
    echo "== Fortran CMake consumer: find_package(dlops CONFIG REQUIRED${comps:+ COMPONENTS $comps}), dlops::dlops_fortran"
    cmake -S "$src/consumer" -B "$work/$name" -DCMAKE_PREFIX_PATH="$prefix" -DWITH_FORTRAN=ON \
          -DDLOPS_COMPONENTS="$comps" >"$work/$name.log" 2>&1 || { cat "$work/$name.log"; fail "$name configure"; }
    cmake --build "$work/$name" >>"$work/$name.log" 2>&1 || { cat "$work/$name.log"; fail "$name build"; }
    run "$work/$name/consumer_f" || fail "$name run"
    ok "Fortran CMake consumer${comps:+ with COMPONENTS $comps}"
  done
fi

echo "== pkg-config consumers"
pcstatic=()
[ "$static" = ON ] && pcstatic=(--static)
mpicc -std=c11 "$src/consumer/main.c" $(pkg-config "${pcstatic[@]}" --cflags --libs dlops) -lm -o "$work/pc_c"
run "$work/pc_c" || fail "pkg-config C program (rpath from dlops.pc)"
ok "pkg-config C program runs without LD_LIBRARY_PATH"
if [ "$static" = OFF ]; then
  mpicc -std=c11 "$src/consumer/main.c" $(pkg-config --define-variable=dlops_rpath= --cflags --libs dlops) -lm \
        -o "$work/pc_c_norpath"
  if "$work/pc_c_norpath" >"$work/norpath.log" 2>&1; then fail "a program without rpath found libdlops by itself"; fi
  grep -q "libdlops" "$work/norpath.log" || { cat "$work/norpath.log"; fail "without rpath: not the loader's message"; }
  LD_LIBRARY_PATH="$libdir" run "$work/pc_c_norpath" || fail "without rpath, with LD_LIBRARY_PATH"
  ok "pkg-config without rpath (dlops_rpath=): needs LD_LIBRARY_PATH, runs with it"
fi
if [ "$fortran" = ON ]; then
  pkg-config --exists dlops-fortran || fail "no dlops-fortran.pc"
  mpif90 "$src/consumer/main.F90" $(pkg-config "${pcstatic[@]}" --cflags --libs dlops-fortran) -o "$work/pc_f"
  run "$work/pc_f" || fail "pkg-config Fortran program"
  ok "pkg-config Fortran program runs without LD_LIBRARY_PATH"
fi

echo "== installed examples and perf harness"
test -f "$prefix/share/dlops/examples/c/poststack.c" || fail "example sources not installed"
test -f "$prefix/share/dlops/perf/README.md" || fail "perf harness not installed"
ex="$prefix/libexec/dlops/examples"
test -x "$ex/darray_tour" || fail "darray_tour not installed in libexec/dlops/examples"
run "$ex/darray_tour" >"$work/darray_tour.log" || { cat "$work/darray_tour.log"; fail "installed darray_tour"; }
ok "examples installed (sources, programs) and run"
# the perf programs, when the build has them (Google Benchmark found): installed, and --help runs
# from the install under mpiexec without LD_LIBRARY_PATH
pf="$prefix/libexec/dlops/perf"
if [ -x "$build/perf/bench_halo" ]; then
  test -x "$pf/bench_halo" || fail "bench_halo not installed in libexec/dlops/perf"
  run "$pf/bench_halo" --help >"$work/bench_halo.log" 2>&1 || { cat "$work/bench_halo.log"; fail "installed bench_halo --help"; }
  ok "perf programs installed and run (bench_halo --help)"
fi

echo "post-install test: $pass passed, 0 failed"
