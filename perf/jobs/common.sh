# Shared body of the Slurm templates in perf/jobs/ (sourced after the site settings).
# Knobs (environment, set before sbatch or edit here):
#   DLOPS_PREFIX  install prefix or build folder holding perf/bench_msg (default: $PWD/build/ci)
#   MAX_BYTES     largest message (default 268435456 = 256 MiB, the sweep)
#   STEP          size factor between points (default 2)
#   WINDOWS       messages per synchronisation (default 1,4,16,64)
#   MIN_TIME      Google Benchmark min time per point (default 0.05 s)
#   BACKENDS/OPS  subsets (bench_msg --backends/--ops; default: every one built)
#   OUT           output folder (default perf/out-<cluster>-<nodes>n-<jobid>)
# The message sweep, fit, tables and plots run through perf/run-all; the dense and host
# benchmarks run too when the build has them (SKIP_DENSE=1 / SKIP_HOST=1 to leave them out).
# The NCCL points need a build with -DDLOPS_ENABLE_CUDA=ON -DDLOPS_ENABLE_NCCL=ON (they are skipped,
# with the reason in skipped.md, otherwise).
set -euo pipefail
: "${DLOPS_SRC:=${SLURM_SUBMIT_DIR:-$PWD}}"
: "${DLOPS_PREFIX:=$DLOPS_SRC/build/ci}"
export MAX_BYTES=${MAX_BYTES:-268435456} STEP=${STEP:-2} WINDOWS=${WINDOWS:-1,4,16,64} MIN_TIME=${MIN_TIME:-0.05}
NP=$((SLURM_JOB_NUM_NODES * RANKS_PER_NODE))
OUT=${OUT:-$DLOPS_SRC/perf/out-$CLUSTER-${SLURM_JOB_NUM_NODES}n-${SLURM_JOB_ID}}
export MPIEXEC=srun
# one rank per GPU, ranks packed by node; each rank sees its own GPU (bench_msg picks local rank % visible GPUs)
export MPIEXEC_FLAGS="--ntasks-per-node=$RANKS_PER_NODE $SRUN_GPU_FLAGS ${SRUN_EXTRA:-}"
echo "dlops perf on $CLUSTER: $SLURM_JOB_NUM_NODES nodes x $RANKS_PER_NODE ranks, MAX_BYTES=$MAX_BYTES -> $OUT"
bash "$DLOPS_SRC/perf/run-all" --build "$DLOPS_PREFIX" --np "$NP" "$OUT"
