# Common environment for ci/ scripts (sourced). Every setting says why it is here.
# Open MPI refuses to start as root without these two; CI containers run as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Tests run up to 4 ranks on 2 cores: allow more ranks than slots, and let a waiting rank yield
# its core to the rank it waits for instead of spinning (scheduling only, not results).
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_mpi_yield_when_idle=1
# (No transport settings: btl_vader_single_copy_mechanism=none used to be here and hid Open MPI
# 4.1's osc/rdma bug, which csrc/comm/rma.c now avoids; ci/test-ompi-defaults runs the rma
# suite with Open MPI's defaults.)
# One BLAS/OpenMP thread per rank: ranks already fill the cores.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
# Python for the parity tests (PyLops-MPI), made by ci/setup.
export DLOPS_VENV=${DLOPS_VENV:-$HOME/.cache/dlops-venv}
# Build jobs: one per core. (GNU nproc honours OMP_NUM_THREADS, set to 1 above: ask it about the
# machine, not about OpenMP.)
DLOPS_JOBS=${DLOPS_JOBS:-$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc 2>/dev/null || echo 2)}
export DLOPS_JOBS
# ctest runs one test per core (each test's ranks oversubscribe and yield, so more would only
# stretch the NP-4 tests toward their timeouts; until 2026-12 the nproc slip above gave 1 build
# job and 2 tests at a time, which is what the suites' timeouts were sized for). Scheduling only.
DLOPS_TEST_JOBS=${DLOPS_TEST_JOBS:-$DLOPS_JOBS}
export DLOPS_TEST_JOBS
