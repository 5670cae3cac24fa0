/** @file
 * dlops/solver.h: iterative solvers. Included by dlops.h.
 *
 * Every solver is written against the public darray and operator interfaces only, so the same
 * code runs on every communication backend and in every memory space a context can have (host,
 * the CUDA memory space, not run on a GPU in this repository's CI, and the emulated device of test
 * builds: docs/backends.md), and on plain and stacked arrays alike (the darray vector operations treat
 * a stacked array as one vector).
 *
 * Conventions shared by all solvers:
 *   - Every solver call is **collective** on the operator's context. Options must be the same on
 *     every rank except show: a checksum of every option that steers the iteration (niter, tol,
 *     variant, the cost buffer and per-iteration arrays, the checkpoint prefix, ...) is compared
 *     at the start, and options that differ fail with DLOPS_ERR_ARG on every rank.
 *   - x holds the starting guess x0 on input and the solution on output. The solver works on an
 *     internal copy and writes x only at the end, so when a call fails (returns an error code)
 *     the caller's arrays are untouched. A stop reason (converged, maximum iterations, NaN,
 *     breakdown, stopped by the user) is not an error: the call returns DLOPS_SUCCESS, writes the
 *     last iterate into x and reports the reason in dlops_solver_result.reason (the same on every
 *     rank, because every decision is taken on globally reduced scalars).
 *   - opts may be NULL (defaults, as dlops_solver_opts_default sets them); res may be NULL.
 *   - Reductions: every scalar a solver needs comes from dlops_darray_dot/norm/multi_dot, each one
 *     allreduce. The DLOPS_SOLVER_BLOCKING variant reproduces PyLops-MPI's recurrences and its
 *     reduction pattern exactly (CG: 2 allreduces per iteration, CGLS: 5). The default
 *     DLOPS_SOLVER_FUSED variant groups the dot products with dlops_darray_multi_dot (CG: 1 per
 *     iteration, CGLS: 2, ISTA/FISTA: 1, power iteration: 1) with the same iterates up to rounding.
 *     DLOPS_SOLVER_PIPELINED (CG only; the other solvers treat it as FUSED) is the
 *     Ghysels-Vanroose pipelined CG: one non-blocking reduction per iteration
 *     (dlops_darray_multi_dot_begin/end) that overlaps the next operator apply.
 *   - Memory spaces: the solvers run where the arrays live (host or device); x and y must live
 *     where the operator works (DLOPS_ERR_ARG otherwise). With device arrays an iteration copies
 *     no data to the device and, to the host, only the scalars of its reductions: one copy per reduction of 16 bytes per dot product and 8 per norm. Per
 *     iteration: CG fused or pipelined 1 copy of 32 bytes, blocking 2 of 16; CGLS fused 2
 *     copies, 48 bytes in all, blocking 5 copies, 72 bytes; ISTA/FISTA 1 copy of 48 bytes
 *     (validation/mem/test_mem_transfers.c checks these with dlops_ctx_get_mem_counter).
 *     Messages of operators that communicate are staged through host memory by backends that
 *     cannot take device buffers, and counted apart (comm_h2d/comm_d2h). A monitor's stop
 *     agreement uses a host array; the log (show) copies the first element's block to the host.
 *   - Logging: opts.show = 1 (or the environment variable DLOPS_MONITOR=1) prints PyLops' show=True
 *     log on rank 0 (stdout). A user monitor callback sees every iteration and may stop the solve.
 */
#ifndef DLOPS_SOLVER_H
#define DLOPS_SOLVER_H

#include "op.h"

#ifdef __cplusplus
extern "C" {
#endif
/** @addtogroup group_solver
 * @{ */

/** Why a solver stopped (dlops_solver_result.reason). Not errors. */
typedef enum {
  DLOPS_SOLVER_RUNNING = 0,     /**< not stopped (never returned; the monitor sees it) */
  DLOPS_CONVERGED_TOL = 1,      /**< the solver's tolerance test was met */
  DLOPS_STOP_MAXIT = 2,         /**< niter iterations done */
  DLOPS_DIVERGED_BREAKDOWN = 3, /**< a division by zero in the recurrence (e.g. p^H A p = 0 with a
                                     non-zero residual, or an indefinite operator in CG) */
  DLOPS_DIVERGED_NAN = 4,       /**< a NaN or Inf appeared in a norm or scalar (e.g. NaN in the data) */
  DLOPS_STOPPED_BY_USER = 5,    /**< the monitor callback returned non-zero */
  DLOPS_DIVERGED_RESIDUAL = 6   /**< ISTA/FISTA with monitorres: the residual norm increased (x is
                                     the iterate before the increase) */
} dlops_stop_reason;

/** Static name of a stop reason. Not collective.
 *  @param[in] reason  a dlops_stop_reason
 *  @return "converged_tol", ...; "?" when out of range. Never NULL. */
DLOPS_EXTERN const char *dlops_stop_reason_name(int reason);

/** Reduction strategy (dlops_solver_opts.variant). */
typedef enum {
  DLOPS_SOLVER_BLOCKING = 0,  /**< PyLops-MPI's recurrence and reductions exactly (parity runs) */
  DLOPS_SOLVER_FUSED = 1,     /**< dot products fused in few reductions (default) */
  DLOPS_SOLVER_PIPELINED = 2  /**< CG: Ghysels-Vanroose pipelined recurrence; others: as FUSED */
} dlops_solver_variant;

/** Thresholding of ISTA/FISTA (dlops_solver_opts.threshkind), PyLops' definitions. */
typedef enum {
  DLOPS_THRESH_SOFT = DLOPS_MAP_SOFT_THRESHOLD, /**< max(|x|-t, 0) * x/|x| (prox of t*||x||_1) */
  DLOPS_THRESH_HARD = DLOPS_MAP_HARD_THRESHOLD, /**< x where |x| > sqrt(2t), else 0 (prox of t*||x||_0) */
  DLOPS_THRESH_HALF = DLOPS_MAP_HALF_THRESHOLD  /**< half thresholding (prox of t*||x||_1/2^1/2, Chen et al. 2016) */
} dlops_thresh_kind;

/** Acceleration of dlops_solve_proximal_gradient (dlops_solver_opts.acceleration). */
typedef enum {
  DLOPS_ACCEL_NONE = 0,         /**< plain proximal gradient */
  DLOPS_ACCEL_VANDENBERGHE = 1, /**< omega = i / (i + 3) */
  DLOPS_ACCEL_FISTA = 2         /**< omega = (t_old - 1) / t, t = (1 + sqrt(1 + 4 t^2)) / 2 */
} dlops_accel_kind;

/** What a monitor callback sees after every iteration (CG, CGLS and LSQR also once for the
 *  starting point, iter 0). Values are global (reduced) and identical on every rank; fields a
 *  solver does not compute are NaN. The proximal gradient and ADMM call the monitor only because
 *  it asks for the cost (see dlops_solve_proximal_gradient). */
typedef struct {
  int64_t iter;      /**< iterations completed (0 = the starting point) */
  int solver;        /**< which solver: 0 cg, 1 cgls, 2 lsqr, 3 power, 4 ista, 5 fista, 6 proximal
                          gradient, 7 admm */
  double r1norm;     /**< CG: ||y - A x||; CGLS/LSQR: ||y - A x||; ISTA/FISTA: 0.5 ||y - A x||^2
                          (PyLops "r2norm" column); power: |eigenvalue estimate|; PG/ADMM: f(x) */
  double r2norm;     /**< CGLS/LSQR: sqrt(||y - A x||^2 + damp^2 ||x||^2); ISTA/FISTA: the cost
                          (data + eps*||x||_1); PG: g(x); ADMM: g(A x); CG: ||y - A x|| */
  double cost;       /**< the value stored in the cost history for this iteration */
  double xupdate;    /**< ISTA/FISTA: ||x_k - x_{k-1}||; others NaN */
  dlops_darray x;    /**< current iterate (borrowed, read only; do not destroy) */
} dlops_solver_iter;

/** Monitor callback: called on every rank after every iteration with the same values. Return 0
 *  to continue, non-zero to stop (reason DLOPS_STOPPED_BY_USER). By default the decision is agreed
 *  over ranks (one extra small allreduce per iteration while a monitor is attached), so a stop
 *  requested on any rank stops every rank; set opts.monitor_agree = 0 to skip that reduction when
 *  the callback decides identically everywhere (e.g. from the norms only).
 *  Fortran: integer(c_int) function f(user, it) bind(C); type(c_ptr), value :: user;
 *  type(dlops_solver_iter) :: it. */
typedef int (*dlops_solver_monitor)(void *user, const dlops_solver_iter *it);

/** Solver options: a plain struct (ints, int64s, doubles, pointers), bind(C)-compatible.
 *  Always initialise with dlops_solver_opts_default, then change what you need. */
typedef struct {
  int64_t niter;         /**< maximum number of iterations (>= 0; default 10) */
  double tol;            /**< tolerance; < 0 means the solver's PyLops default (the default):
                              CG/CGLS 1e-4 on the SQUARED residual norm (PyLops' test kold > tol),
                              ISTA/FISTA 1e-10 on ||x_k - x_{k-1}||, power iteration 1e-5 on the
                              relative eigenvalue change, proximal gradient: no test (a value > 0
                              stops when |1 - J_k / J_{k-1}| < tol), LSQR: unused (atol/btol) */
  double damp;           /**< CGLS/LSQR damping (minimises ||y - A x||^2 + damp^2 ||x||^2); default 0 */
  int variant;           /**< dlops_solver_variant; default DLOPS_SOLVER_FUSED */
  int show;              /**< 1: rank-0 log in PyLops' show=True format (also DLOPS_MONITOR=1) */
  int64_t itershow[3];   /**< log the first itershow[0], the last itershow[1] and every
                              itershow[2]-th iteration (default 10, 10, 10) */
  dlops_solver_monitor monitor; /**< per-iteration callback or NULL */
  void *monitor_user;    /**< passed to monitor */
  int monitor_agree;     /**< 1 (default): agree the monitor's stop decision over ranks */
  double *cost;          /**< caller buffer of at least niter + 1 doubles for the cost history, or
                              NULL; see each solver for what it stores (result.ncost entries) */
  unsigned long long seed; /**< seed of random starting vectors (power iteration, ISTA/FISTA alpha);
                              the values depend on the global index only, not on the rank count */
  /* ---- CG/CGLS quirks ---- */
  int pylops_quirks;     /**< CGLS, DLOPS_SOLVER_BLOCKING only: 1 (default) reproduces PyLops-MPI
                              exactly, including its initial r0 = A^H s - damp*x0 and initial
                              r2norm with damp instead of damp^2 (only differs when damp != 0 and
                              x0 != 0); 0 uses damp^2 everywhere, as the fused variants always do */
  /* ---- LSQR ---- */
  double atol;           /**< LSQR stopping tolerance on ||A^H r|| (default 1e-8) */
  double btol;           /**< LSQR stopping tolerance on ||r|| relative to ||y|| (default 1e-8) */
  double conlim;         /**< LSQR limit on the condition estimate (default 1e8; 0 = none) */
  /* ---- power iteration ---- */
  int random_start;      /**< power iteration: 1 (default) starts from random values (seed); 0 uses
                              the vector passed in */
  int64_t power_niter;   /**< ISTA/FISTA: iterations of the power iteration for alpha (default 10) */
  double power_tol;      /**< ISTA/FISTA: its tolerance (default 1e-5) */
  /* ---- ISTA/FISTA ---- */
  double eps;            /**< sparsity weight (default 0.1) */
  double alpha;          /**< step; 0 (default) = 1 / lambda_max(A^H A) from the power iteration */
  int threshkind;        /**< dlops_thresh_kind (default soft) */
  const double *decay;   /**< niter factors applied to the threshold, or NULL (all ones) */
  int monitorres;        /**< 1: stop with DLOPS_DIVERGED_RESIDUAL when ||y - A x|| increases */
  double rtol;           /**< ISTA/FISTA: > 0 stops (DLOPS_CONVERGED_TOL) when cost_k / cost_1 < rtol,
                              cost_1 the first recorded cost (PyLops' CostToInitialCallback, which
                              PyLops-MPI never honours); default 0 */
  /* ---- proximal gradient / ADMM ---- */
  double tau;            /**< step (proximal gradient) or penalty (ADMM); must be > 0 */
  double epsg;           /**< weight of g in the proximal gradient (default 1) */
  const double *epsg_array; /**< niter weights instead of epsg, or NULL */
  double eta;            /**< relaxation of the proximal gradient (default 1) */
  int acceleration;      /**< dlops_accel_kind (default none) */
  int64_t inner_niter;   /**< ADMM: iterations of the inner CGLS (default 10) */
  double inner_tol;      /**< ADMM: tolerance of the inner CGLS (default 1e-4, PyLops' cgls default) */
  int gfirst;            /**< ADMM: 1 updates z before x (PyLops' gfirst) */
  int use_z0;            /**< ADMM: 1 when z holds z0 on input; 0 (default) starts from z0 = A x0 */
  /* ---- checkpoints (CG all variants, CGLS, LSQR, ISTA/FISTA, proximal gradient, ADMM) ----
   * A checkpoint is the solver's state between two iterations: its working arrays as .npy files
   * "<prefix>.<iter>.<name>.npy" (stacked arrays: one file per component, "<name>.<k>.npy"),
   * written with dlops_darray_write_npy, then a small text sidecar "<prefix>.meta" that rank 0
   * writes under a temporary name and renames once the arrays are complete. The sidecar holds a
   * format version, the solver, variant, element type and global shapes, the problem parameters
   * the iterates depend on (damp, eps, alpha, tau...), the iteration counter, the recurrence
   * scalars as exact hexadecimal doubles, the stop bookkeeping and the cost history written so
   * far (the entries of opts.cost; pass a cost buffer to both runs to get the whole history back).
   * The sidecar names its own arrays, so a job killed while writing a checkpoint resumes from the
   * previous complete one; the previous checkpoint's arrays are removed after the new sidecar is
   * in place. A resumed solve with the same options, operator, rank count and backend repeats the
   * same floating-point operations: its iterates, iteration count, cost history and result are
   * bitwise those of an uninterrupted run (another rank count resumes correctly but rounds its
   * reductions differently). State kept inside proximal operators (the warm start of an L2 prox
   * with an operator) and user operators is not part of a checkpoint. The power iteration
   * ignores these fields (it is not checkpointed), as do the inner solvers of ISTA and ADMM. */
  int64_t checkpoint_every; /**< write a checkpoint after every checkpoint_every-th iteration
                                 (0 = never, the default; < 0 is DLOPS_ERR_ARG) */
  const char *checkpoint_prefix; /**< path prefix of the checkpoint files (required, non-empty,
                                      when checkpoint_every > 0 or restart != 0; the same on every
                                      rank); default NULL */
  int restart;           /**< 0 (default): start from x0 (an existing checkpoint is overwritten).
                              1: resume from the checkpoint at checkpoint_prefix; it must exist
                              and match the problem, else the call fails on every rank with
                              DLOPS_ERR_IO (sidecar missing, unreadable or corrupt, array file
                              missing or not matching its sidecar) or DLOPS_ERR_ARG (another
                              solver, variant, element type, global shape or problem parameter,
                              or a checkpoint beyond niter). 2: as 1 when the sidecar exists,
                              else start from x0 (a sidecar that exists but does not match still
                              fails). x0 (and z0 for ADMM) are then ignored; the monitor is called
                              for the iterations after the checkpoint (and for CG/CGLS/LSQR once
                              for the starting point, iter 0, before the state is loaded). */
} dlops_solver_opts;

/** Result of a solve. */
typedef struct {
  int64_t iterations; /**< iterations done */
  int reason;         /**< dlops_stop_reason */
  double r1norm;      /**< CG: ||y - A x||. CGLS: the SQUARED norm of the normal-equation residual
                           ||A^H (y - A x) - damp^2 x||^2 (PyLops' r1norm = kold, kept for parity).
                           LSQR: ||y - A x|| (scipy). Power: |eigenvalue|. ISTA/FISTA/PG/ADMM: the
                           data term of the last cost */
  double r2norm;      /**< CG: ||y - A x||. CGLS: sqrt(||y - A x||^2 + damp^2 ||x||^2) (PyLops'
                           r2norm). LSQR: sqrt(r1norm^2 + damp^2 ||x||^2) (scipy). Others: the
                           regularisation term of the last cost */
  double cost;        /**< last value of the cost history (NaN when none was computed) */
  int64_t ncost;      /**< entries written to opts.cost */
  int istop;          /**< PyLops/scipy code: CGLS 1 (kold < tol) or 2; LSQR 0..7 as scipy */
} dlops_solver_result;

/** Fill opts with the defaults documented in dlops_solver_opts. Not collective.
 *  @param[out] opts  the options
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when opts is NULL. */
DLOPS_EXTERN int dlops_solver_opts_default(dlops_solver_opts *opts);

/** Conjugate gradient for A x = y with A Hermitian positive definite (PyLops-MPI cg).
 *  Cost history: ||y - A x_k|| for k = 0..iterations (iterations + 1 entries). Stops when
 *  ||r||^2 <= tol (DLOPS_CONVERGED_TOL) or after niter iterations. Variants: BLOCKING = PyLops-MPI
 *  (2 reductions per iteration), FUSED = Chronopoulos-Gear (1), PIPELINED = Ghysels-Vanroose (1
 *  non-blocking reduction, dlops_darray_multi_dot_begin/end, overlapping the apply).
 *  Setup reductions: 1 in every variant. Applies: BLOCKING 1 + iterations; FUSED/PIPELINED 2 +
 *  iterations (the residual's image is carried by a recurrence). **Collective**. Memory
 *  spaces: host and device (where A's vectors live).
 *  @param[in]     A     square operator (domain layout = range layout)
 *  @param[in]     y     right-hand side (A's range layout)
 *  @param[in,out] x     x0 on input, solution on output (A's domain layout)
 *  @param[in]     opts  options or NULL
 *  @param[out]    res   result or NULL
 *  @return DLOPS_SUCCESS (also when the solver stops for a reason), or the same error on every
 *          rank: DLOPS_ERR_ARG (NULL A, x or y; niter < 0, an unknown variant, bad itershow, NaN
 *          tol or damp; options that differ between ranks; an element type other than A's; x
 *          or y in another memory space than A's vectors; bad checkpoint options or a
 *          checkpoint that does not match the problem); DLOPS_ERR_SIZE (x or y without A's
 *          layouts; A not square); DLOPS_ERR_STATE (stale A or array, a borrowed array); DLOPS_ERR_IO
 *          (checkpoint files); the errors of the operator's applies; DLOPS_ERR_MEM;
 *          DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_solve_cg(dlops_op A, dlops_darray y, dlops_darray x, const dlops_solver_opts *opts,
                                dlops_solver_result *res); /* fortran: optional(opts, res) */

/** CGLS for min ||y - A x||^2 + damp^2 ||x||^2 (PyLops-MPI cgls). Cost history: ||y - A x_k||
 *  (iterations + 1 entries; PyLops' cost). Stops when the squared normal-equation residual
 *  kold <= tol, or after niter iterations; istop = 1 if kold < tol else 2 as PyLops.
 *  BLOCKING: 3 setup + 5 reductions per iteration (PyLops-MPI); FUSED: 1 setup + 2 per
 *  iteration (norms for the log included). **Collective**. Memory spaces: host and device.
 *  @param[in]     A     operator (may be rectangular)
 *  @param[in]     y     data (A's range layout)
 *  @param[in,out] x     x0 on input, solution on output (A's domain layout)
 *  @param[in]     opts  options or NULL
 *  @param[out]    res   result or NULL
 *  @return DLOPS_SUCCESS (also when the solver stops for a reason), or the same error on every
 *          rank: DLOPS_ERR_ARG (NULL A, x or y; niter < 0, an unknown variant, bad itershow, NaN
 *          tol or damp; options that differ between ranks; an element type other than A's; x
 *          or y in another memory space than A's vectors; bad checkpoint options or a
 *          checkpoint that does not match the problem); DLOPS_ERR_SIZE (x or y without A's
 *          layouts); DLOPS_ERR_STATE (stale A or array, a borrowed array); DLOPS_ERR_IO
 *          (checkpoint files); the errors of the operator's applies; DLOPS_ERR_MEM;
 *          DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_solve_cgls(dlops_op A, dlops_darray y, dlops_darray x, const dlops_solver_opts *opts,
                                  dlops_solver_result *res); /* fortran: optional(opts, res) */

/** LSQR (Paige & Saunders 1982, as scipy/PyLops lsqr) for min ||y - A x||^2 + damp^2 ||x||^2.
 *  Stops on atol/btol/conlim as scipy (istop 1..7, reason DLOPS_CONVERGED_TOL) or after niter
 *  iterations. Cost history: the r1norm estimate per iteration (iterations + 1 entries). 2
 *  reductions per iteration (||u||, ||v||), 2 in the setup. **Collective**. Memory spaces: host
 *  and device.
 *  @param[in]     A     operator (may be rectangular)
 *  @param[in]     y     data (A's range layout)
 *  @param[in,out] x     x0 on input, solution on output (A's domain layout)
 *  @param[in]     opts  options or NULL
 *  @param[out]    res   result or NULL
 *  @return DLOPS_SUCCESS (also when the solver stops for a reason), or the same error on every
 *          rank: DLOPS_ERR_ARG (NULL A, x or y; niter < 0, an unknown variant, bad itershow, NaN
 *          tol or damp, negative atol, btol or conlim; options that differ between ranks; an element type other than A's; x
 *          or y in another memory space than A's vectors; bad checkpoint options or a
 *          checkpoint that does not match the problem); DLOPS_ERR_SIZE (x or y without A's
 *          layouts); DLOPS_ERR_STATE (stale A or array, a borrowed array); DLOPS_ERR_IO
 *          (checkpoint files); the errors of the operator's applies; DLOPS_ERR_MEM;
 *          DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_solve_lsqr(dlops_op A, dlops_darray y, dlops_darray x, const dlops_solver_opts *opts,
                                  dlops_solver_result *res); /* fortran: optional(opts, res) */

/** Power iteration for the eigenvalue of largest modulus of a square operator (PyLops-MPI
 *  power_iteration): b = A b / ||A b|| with the Rayleigh quotient b^H A b, stopping when
 *  |lambda_k - lambda_{k-1}| < tol |lambda_k|. opts.random_start = 1 (default) starts from
 *  uniform [0, 1) values (+ i [0, 1) for complex) drawn from opts.seed as a function of the global
 *  index (same start on any rank count); 0 starts from b as given. Cost history: the eigenvalue
 *  modulus per iteration. BLOCKING: 2 reductions per iteration, FUSED: 1 (+ 1 setup). Not
 *  checkpointed. **Collective**. Memory spaces: host and device.
 *  @param[in]     A       square operator
 *  @param[in,out] b       start (when random_start = 0) and on output the eigenvector estimate
 *  @param[in]     opts    options or NULL (tol default 1e-5)
 *  @param[out]    maxeig  the eigenvalue estimate (complex for complex operators)
 *  @param[out]    res     result or NULL; iterations counts as PyLops' iiter + 1
 *  @return as dlops_solve_cg (b in place of x, no y; DLOPS_ERR_ARG also for a NULL maxeig). */
DLOPS_EXTERN int dlops_solve_power(dlops_op A, dlops_darray b, const dlops_solver_opts *opts, dlops_scalar *maxeig,
                                   dlops_solver_result *res); /* fortran: manual optional(opts, res) */

/** ISTA for min 0.5 ||y - A x||^2 + (eps/2) ||x||_1 in PyLops' scaling (threshold eps*alpha/2; soft;
 *  hard/half for the L0/L1/2 penalties; the cost history reports data + eps ||x||_1 as PyLops),
 *  PyLops-MPI ista. alpha = opts.alpha, or 1/lambda_max(A^H A) from power iteration (power_niter,
 *  power_tol, seed) when 0. Threshold at iteration k: decay[k] * eps * alpha / 2. Stops when
 *  ||x_k - x_{k-1}|| <= tol (default 1e-10), after niter iterations, on NaN/Inf in the cost, or
 *  with monitorres when the residual increases. Cost history: 0.5 ||y - A x_{k-1}||^2 + eps
 *  ||x_k||_1 for k = 1..iterations (iterations entries, PyLops' cost; the data term is the
 *  residual the step used, as in PyLops). BLOCKING: 3 reductions per iteration (4 with
 *  monitorres); FUSED: 1. **Collective**. Memory spaces: host and device (thresholds run where
 *  the data lives).
 *  @param[in]     A     operator
 *  @param[in]     y     data (A's range layout)
 *  @param[in,out] x     x0 on input, solution on output (A's domain layout)
 *  @param[in]     opts  options or NULL
 *  @param[out]    res   result or NULL
 *  @return DLOPS_SUCCESS (also when the solver stops for a reason), or the same error on every
 *          rank: DLOPS_ERR_ARG (NULL A, x or y; niter < 0, an unknown variant, bad itershow, NaN
 *          tol or damp, a bad threshkind, alpha or eps negative or not finite; options that differ between ranks; an element type other than A's; x
 *          or y in another memory space than A's vectors; bad checkpoint options or a
 *          checkpoint that does not match the problem); DLOPS_ERR_SIZE (x or y without A's
 *          layouts); DLOPS_ERR_STATE (stale A or array, a borrowed array); DLOPS_ERR_IO
 *          (checkpoint files); the errors of the operator's applies; DLOPS_ERR_MEM;
 *          DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_solve_ista(dlops_op A, dlops_darray y, dlops_darray x, const dlops_solver_opts *opts,
                                  dlops_solver_result *res); /* fortran: optional(opts, res) */

/** FISTA (Beck & Teboulle), PyLops-MPI fista: as dlops_solve_ista with the momentum sequence t.
 *  Cost history: 0.5 ||y - A x_k||^2 + eps ||x_k||_1 (iterations entries). BLOCKING: 3 applies
 *  and 3 reductions per iteration (PyLops-MPI recomputes A x_k for the cost); FUSED: 2 applies
 *  (A z_{k+1} comes from A x_k and A x_{k-1} by linearity) and 1 reduction. **Collective**.
 *  Memory spaces: host and device.
 *  @param[in]     A     operator
 *  @param[in]     y     data (A's range layout)
 *  @param[in,out] x     x0 on input, solution on output (A's domain layout)
 *  @param[in]     opts  options or NULL
 *  @param[out]    res   result or NULL
 *  @return as dlops_solve_ista. */
DLOPS_EXTERN int dlops_solve_fista(dlops_op A, dlops_darray y, dlops_darray x, const dlops_solver_opts *opts,
                                   dlops_solver_result *res); /* fortran: optional(opts, res) */

/** @name Proximal operators */
/** @{ */
/** Opaque proximal operator: a function f with its proximal map prox_{tau f}(x) =
 *  argmin_z f(z) + ||z - x||^2 / (2 tau), and for L2 its gradient. */
typedef struct dlops_prox_s *dlops_prox;

/** f(x) = sigma ||x||_1; prox: soft threshold at tau*sigma (pyproximal L1). Not collective.
 *  @param[in]  sigma  weight, finite and >= 0
 *  @param[out] p      the proximal operator
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL p, bad sigma); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_prox_create_l1(double sigma, dlops_prox *p);
/** L0 (pyproximal L0): value = number of non-zeros (as pyproximal: sigma does not scale it);
 *  prox: hard threshold, x_i = 0 where |x_i| <= tau*sigma. Not collective.
 *  @param[in]  sigma  threshold weight, finite and >= 0
 *  @param[out] p      the proximal operator
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL p, bad sigma); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_prox_create_l0(double sigma, dlops_prox *p);
/** Indicator of the box lower <= x <= upper (real types; the prox of a complex array clips the
 *  real part and drops the imaginary one; +-INFINITY allowed); prox: clip.
 *  Value: 0 inside, +INFINITY outside (pyproximal returns a bool instead). Not collective.
 *  @param[in]  lower  lower bound
 *  @param[in]  upper  upper bound, >= lower
 *  @param[out] p      the proximal operator
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL p, NaN bounds, lower > upper); DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_prox_create_box(double lower, double upper, dlops_prox *p);

/** Inner solver of the L2 prox with an operator (dlops_prox_l2_params.solver). */
typedef enum { DLOPS_L2_SOLVER_CGLS = 0, DLOPS_L2_SOLVER_CG = 1 } dlops_l2_solver;

/** Parameters of the L2 proximal operator (PyLops-MPI MPIL2). */
typedef struct {
  double sigma;       /**< weight (default 1) */
  double alpha;       /**< weight of the linear term q (default 1) */
  int qgrad;          /**< 1 (default): the gradient includes alpha*q */
  int64_t niter;      /**< iterations of the inner solver (default 10) */
  int warm;           /**< 1 (default): the inner solver starts from the previous prox result */
  int solver;         /**< dlops_l2_solver (default CGLS) */
  int variant;        /**< dlops_solver_variant of the inner solver (default FUSED) */
} dlops_prox_l2_params;

/** Defaults of dlops_prox_l2_params. Not collective.
 *  @param[out] prm  the parameters
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when prm is NULL. */
DLOPS_EXTERN int dlops_prox_l2_params_default(dlops_prox_l2_params *prm);

/** f(x) = sigma/2 ||Op x - b||^2 + alpha Re(q . x) (Op and b may be NULL: sigma/2 ||x - b||^2 or
 *  sigma/2 ||x||^2; q may be NULL). With Op, the prox solves (I + tau sigma Op^H Op) x =
 *  x_in + tau sigma Op^H b - tau alpha q with CG, or the equivalent stacked least-squares
 *  problem [sqrt(tau sigma) Op; I] x ~ [sqrt(tau sigma) b; x_in - tau alpha q] with CGLS (PyLops-MPI
 *  MPIL2, inner tol 1e-4), starting from x0 (required with Op; warm start updates the prox's copy).
 *  The prox keeps a reference to Op and private copies of b, q and x0 (the caller may destroy
 *  its own). Not collective, except with Op and the CG form (sigma Op^H b is computed at
 *  creation: **collective** then). Memory spaces: host and device (the arrays' space).
 *  @param[in]  Op   operator, or NULL
 *  @param[in]  b    data (Op's range layout, or the layout of x without Op), or NULL
 *  @param[in]  q    linear term, or NULL
 *  @param[in]  x0   starting point of the inner solver (Op's domain layout; required with Op)
 *  @param[in]  prm  parameters, or NULL for the defaults
 *  @param[out] p    the proximal operator
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL p, Op without b or x0, niter < 0, sigma or alpha
 *          not finite, an unknown inner solver); DLOPS_ERR_STATE (stale handle); the errors of
 *          the copies (DLOPS_ERR_SIZE) and, in the CG form, of the adjoint apply; DLOPS_ERR_MEM. */
DLOPS_EXTERN int dlops_prox_create_l2(dlops_op Op, dlops_darray b, dlops_darray q, dlops_darray x0,
                                      const dlops_prox_l2_params *prm, dlops_prox *p); /* fortran: optional(prm) */

/** Destroy and set *p to NULL (NULL *p is a no-op). Not collective.
 *  @param[in,out] p  the proximal operator; NULL on return
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG when p is NULL; DLOPS_ERR_STATE when *p is stale. */
DLOPS_EXTERN int dlops_prox_destroy(dlops_prox *p);

/** value = f(x). **Collective** (one allreduce). Memory spaces: host and device (the element
 *  maps and dot products run where x lives).
 *  @param[in]  p      proximal operator
 *  @param[in]  x      point
 *  @param[out] value  f(x), the same on every rank
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL p, x or value);
 *          DLOPS_ERR_STATE (stale p or x, borrowed x); DLOPS_ERR_SIZE (x without the layout of
 *          the prox's arrays); the errors of Op's apply; DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_prox_value(dlops_prox p, dlops_darray x, double *value);

/** out = prox_{tau f}(x) (out may be x). **Collective** for L2 with an operator (it runs the
 *  inner solver), local otherwise. Separable proxes (L1, L0, box) act element by element where
 *  the data lives. Memory spaces: host and device.
 *  @param[in]  p    proximal operator
 *  @param[in]  x    point
 *  @param[in]  tau  step, > 0
 *  @param[out] out  result (x's layout; may be x)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL p, x or out, tau <= 0); DLOPS_ERR_STATE (stale p
 *          or array, borrowed array); DLOPS_ERR_SIZE (x and out of different layouts); for L2
 *          with an operator the errors of the inner solver, the same on every rank. */
DLOPS_EXTERN int dlops_prox_apply(dlops_prox p, dlops_darray x, double tau, dlops_darray out);

/** g = grad f(x) (L2 only). **Collective** when f has an operator, local otherwise. Memory
 *  spaces: host and device.
 *  @param[in]  p  proximal operator (L2)
 *  @param[in]  x  point
 *  @param[out] g  gradient (x's layout; a different array)
 *  @return DLOPS_SUCCESS; DLOPS_ERR_ARG (NULL p, x or g, g the same array as x);
 *          DLOPS_ERR_UNSUPPORTED (p is not L2); DLOPS_ERR_STATE (stale p or array, borrowed
 *          array); DLOPS_ERR_SIZE (layouts); with an operator the errors of its applies, the
 *          same on every rank. */
DLOPS_EXTERN int dlops_prox_grad(dlops_prox p, dlops_darray x, dlops_darray g);

/** Proximal gradient (PyLops-MPI/pyproximal ProximalGradient) for min f(x) + epsg g(x) with f
 *  smooth (proxf must have a gradient: L2) and g proximable:
 *  x_{k+1} = prox_{tau epsg_k g}(y_k - tau grad f(y_k)) (eta = 1; else relaxed), y from the
 *  acceleration. opts.tau > 0 required. With opts.tol > 0 stops when |1 - J_k/J_{k-1}| < tol, J =
 *  f + epsg g. Cost history (J per iteration, iterations entries) and the log are computed only
 *  when asked for (tol > 0, show, monitor or a cost buffer): 1 fused reduction per iteration
 *  then (2 in BLOCKING), none otherwise (separable g, L2 f without q). **Collective**. Memory
 *  spaces: host and device.
 *  @param[in]     proxf  the smooth term f (L2)
 *  @param[in]     proxg  the proximable term g
 *  @param[in,out] x      x0 on input, solution on output
 *  @param[in]     opts   options (opts.tau > 0 is required, so NULL fails with DLOPS_ERR_ARG)
 *  @param[out]    res    result or NULL
 *  @return DLOPS_SUCCESS (also when the solver stops for a reason), or the same error on every
 *          rank: DLOPS_ERR_ARG (NULL x, proxf or proxg; proxf without a gradient; tau <= 0,
 *          eta <= 0, an unknown acceleration, and the option errors of dlops_solve_cg);
 *          DLOPS_ERR_STATE (stale proxf or proxg, stale or borrowed x); DLOPS_ERR_IO
 *          (checkpoints); the errors of the proxes; DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_solve_proximal_gradient(dlops_prox proxf, dlops_prox proxg, dlops_darray x,
                                               const dlops_solver_opts *opts, dlops_solver_result *res); /* fortran: optional(opts, res) */

/** ADMM with an L2 misfit (PyLops-MPI/pyproximal ADMML2): min 0.5 ||Op x - b||^2 + g(A x), with
 *  x_{k+1} = argmin ||Op x - b||^2 + ||A x - z_k + u_k||^2/tau by inner CGLS (inner_niter,
 *  inner_tol, warm started from x_k), z_{k+1} = prox_{tau g}(A x_{k+1} + u_k), u += A x - z.
 *  opts.tau > 0. Runs niter iterations. Cost history: 0.5 ||Op x - b||^2 + g(A x) per iteration
 *  (only computed when asked for, as in dlops_solve_proximal_gradient). **Collective**. Memory
 *  spaces: host and device.
 *  @param[in]     proxg  the proximal operator of g
 *  @param[in]     Op     the operator of the misfit
 *  @param[in]     b      the data of the misfit (Op's range layout)
 *  @param[in]     A      the operator inside g
 *  @param[in,out] x      x0 on input, solution on output (Op's and A's domain layout)
 *  @param[in,out] z      z0 on input when opts.use_z0, A x on output (A's range layout); may be
 *                        NULL (then use_z0 must be 0)
 *  @param[in]     opts   options (opts.tau > 0 is required, so NULL fails with DLOPS_ERR_ARG)
 *  @param[out]    res    result or NULL
 *  @return DLOPS_SUCCESS, or the same error on every rank: DLOPS_ERR_ARG (NULL proxg, Op, A, b
 *          or x; tau <= 0, inner_niter < 0, use_z0 without z, and the option errors of
 *          dlops_solve_cg); DLOPS_ERR_STATE (stale proxg or handle, borrowed array);
 *          DLOPS_ERR_SIZE (b, x or z without the operators' layouts); DLOPS_ERR_IO
 *          (checkpoints); the errors of the inner CGLS, the prox and the applies;
 *          DLOPS_ERR_MEM; DLOPS_ERR_MPI. */
DLOPS_EXTERN int dlops_solve_admm_l2(dlops_prox proxg, dlops_op Op, dlops_darray b, dlops_op A, dlops_darray x,
                                     dlops_darray z, const dlops_solver_opts *opts, dlops_solver_result *res); /* fortran: optional(opts, res) */

/** @} */
/** @} */

#ifdef __cplusplus
}
#endif
#endif
