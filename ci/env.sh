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
# Build jobs: one per core.
DLOPS_JOBS=${DLOPS_JOBS:-$(nproc 2>/dev/null || echo 2)}
export DLOPS_JOBS
# ctest runs twice as many tests as cores: most of a test's time is MPI start-up and ranks
# waiting for each other (oversubscribed, yielding), not computing. Affects scheduling only.
DLOPS_TEST_JOBS=${DLOPS_TEST_JOBS:-$((2 * DLOPS_JOBS))}
export DLOPS_TEST_JOBS
