#!/usr/bin/env bash
# Runs test_gpu_plugin in one of the environments a user can meet (validation/plugin/CMakeLists.txt).
#
#   run_plugin_test.sh MODE PROG LIBDIR FAKEDIR MPIEXEC [MPIEXEC FLAGS...]
#
# MODE
#   no-cuda-libs  a node without CUDA libraries: the program runs through the ELF interpreter with
#                 --inhibit-cache, so only RUNPATHs and the default system folders are searched, not
#                 the ld.so.cache entries (/usr/local/cuda/..., /usr/local/lib) that find CUDA here.
#                 libdlops.so must not need any CUDA library; the host work must run; the GPU line
#                 must say the plugin cannot load and why. Skipped (77) if the CUDA runtime is
#                 still found without the cache (installed in a default folder), since the node
#                 cannot be imitated then.
#   missing       DLOPS_PLUGIN_DIR names an empty folder: the reason names the plugin's path.
#   not-a-plugin  a shared object without the entry point in the plugin's place.
#   other-build   a plugin with another ABI number (fake_plugin.c).
#   loaded        the normal environment: the plugin loads and the probe answers (a GPU is usable,
#                 or the reason it is not), never one of the loader's own refusals.
#   long-dir      the plugin in a folder whose path is longer than 512 characters (Spack's padded
#                 prefixes): found and loaded as from its own folder.
set -euo pipefail
mode=$1 prog=$2 libdir=$3 fakedir=$4
shift 4
mpiexec=("$@")
plugin=$libdir/libdlops_cuda.so
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case $mode in
  no-cuda-libs)
    if readelf -d "$libdir/libdlops.so" | grep -Eq 'NEEDED.*(libcudart|libcublas|libnccl|libcuda\.)'; then
      echo "libdlops.so needs a CUDA library at load time:"; readelf -d "$libdir/libdlops.so" | grep NEEDED; exit 1
    fi
    interp=$(readelf -l "$prog" | sed -n 's/.*interpreter: \(.*\)]/\1/p')
    [ -x "$interp" ] || { echo "[DLOPS-SKIP] no ELF interpreter found for $prog"; exit 77; }
    if "$interp" --inhibit-cache --list "$plugin" > "$work/list" 2>&1; then
      echo "[DLOPS-SKIP] the CUDA libraries are found without the loader cache here (in a default folder):"
      echo "             a node without them cannot be imitated"; exit 77
    fi
    cat "$work/list"
    "${mpiexec[@]}" "$interp" --inhibit-cache "$prog" "cannot load the GPU plugin: libcudart" ;;
  missing)
    DLOPS_PLUGIN_DIR=$work/none "${mpiexec[@]}" "$prog" "cannot load the GPU plugin: $work/none/libdlops_cuda.so" ;;
  not-a-plugin)
    cp "$libdir/libdlops.so" "$work/libdlops_cuda.so"
    DLOPS_PLUGIN_DIR=$work "${mpiexec[@]}" "$prog" "is not a dlops GPU plugin" ;;
  other-build)
    DLOPS_PLUGIN_DIR=$fakedir "${mpiexec[@]}" "$prog" "comes from another build of dlops" ;;
  loaded)
    [ -e "$plugin" ] || { echo "no plugin at $plugin"; exit 1; }
    "${mpiexec[@]}" "$prog" "usable" "cannot load" "another build" "not a dlops GPU plugin" "longer than PATH_MAX" ;;
  long-dir)
    d=$work
    while [ ${#d} -le 600 ]; do d=$d/a_folder_name_of_forty_characters_long_xx; done
    mkdir -p "$d" && ln -s "$plugin" "$d/libdlops_cuda.so"
    DLOPS_PLUGIN_DIR=$d "${mpiexec[@]}" "$prog" "usable" "cannot load" "another build" "not a dlops GPU plugin" \
      "longer than PATH_MAX" ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac
