# Common environment for ci/ scripts (sourced). Open MPI as root in containers, one BLAS
# thread per rank, oversubscription allowed (tests use up to 4 ranks on 2 cores).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_mpi_yield_when_idle=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
export DLOPS_VENV=${DLOPS_VENV:-$HOME/.cache/dlops-venv}
DLOPS_JOBS=${DLOPS_JOBS:-$(nproc 2>/dev/null || echo 2)}
export DLOPS_JOBS
# ctest runs twice as many tests as cores: most of a test's time is MPI start-up and ranks
# waiting for each other (oversubscribed, yielding), not computing. Affects scheduling only.
DLOPS_TEST_JOBS=${DLOPS_TEST_JOBS:-$((2 * DLOPS_JOBS))}
export DLOPS_TEST_JOBS
