!> module dlops_types: the constants (C enum values), handle types, bind(C) structs and callback
!> interfaces of module dlops, as in the headers include/dlops. Use module dlops.
module dlops_types
  use, intrinsic :: iso_c_binding
  implicit none
  private

  ! ------------------------------------------------------------------ constants (C values)
  integer, parameter, public :: DLOPS_VERSION_MAJOR = 0
  integer, parameter, public :: DLOPS_VERSION_MINOR = 2
  integer, parameter, public :: DLOPS_VERSION_PATCH = 0
  integer, parameter, public :: DLOPS_MAX_NDIM = 8

  !> element types (dlops_dtype)
  integer(c_int), parameter, public :: DLOPS_F32 = 0, DLOPS_F64 = 1, DLOPS_C64 = 2, DLOPS_C128 = 3
  integer(c_int), parameter, public :: DLOPS_NUM_DTYPES = 4
  !> memory spaces (dlops_memspace)
  integer(c_int), parameter, public :: DLOPS_MEM_HOST = 0, DLOPS_MEM_DEVICE = 1, DLOPS_NUM_MEMSPACES = 2
  !> element maps of dlops_darray_map (dlops_map_kind)
  integer(c_int), parameter, public :: DLOPS_MAP_SOFT_THRESHOLD = 0, DLOPS_MAP_HARD_THRESHOLD = 1, &
       DLOPS_MAP_HALF_THRESHOLD = 2, DLOPS_MAP_HARD_CUT = 3, DLOPS_MAP_CLIP = 4, DLOPS_MAP_SIGN = 5, &
       DLOPS_MAP_NONZERO = 6, DLOPS_MAP_OUTSIDE = 7, DLOPS_NUM_MAPS = 8
  !> error codes (dlops_error)
  integer(c_int), parameter, public :: DLOPS_SUCCESS = 0, DLOPS_ERR_ARG = 1, DLOPS_ERR_SIZE = 2, &
       DLOPS_ERR_STATE = 3, DLOPS_ERR_UNSUPPORTED = 4, DLOPS_ERR_MEM = 5, DLOPS_ERR_MPI = 6, &
       DLOPS_ERR_CUDA = 7, DLOPS_ERR_CUBLAS = 8, DLOPS_ERR_NCCL = 9, DLOPS_ERR_IO = 10, &
       DLOPS_ERR_INTERNAL = 11, DLOPS_NUM_ERRORS = 12
  !> partitions (dlops_partition)
  integer(c_int), parameter, public :: DLOPS_SCATTER = 0, DLOPS_BROADCAST = 1, DLOPS_UNSAFE_BROADCAST = 2
  !> kinds of communication operation for the counters (dlops_comm_kind)
  integer(c_int), parameter, public :: DLOPS_COMM_ALLREDUCE = 0, DLOPS_COMM_ALLGATHER = 1, &
       DLOPS_COMM_BCAST = 2, DLOPS_COMM_REDUCE = 3, DLOPS_COMM_ALLTOALLV = 4, DLOPS_COMM_NEIGHBOR = 5, &
       DLOPS_COMM_SPLIT = 6, DLOPS_COMM_META = 7, DLOPS_COMM_NUM_KINDS = 8
  !> norm orders for dlops_darray_norm: +-infinity (any ord >= huge or <= -huge is taken as such;
  !> ieee_value(1d0, ieee_positive_inf) works too)
  real(c_double), parameter, public :: DLOPS_NORM_INF = huge(1.0_c_double)
  real(c_double), parameter, public :: DLOPS_NORM_MINUS_INF = -huge(1.0_c_double)
  !> derivative kinds (dlops_deriv_kind)
  integer(c_int), parameter, public :: DLOPS_DERIV_FORWARD = 0, DLOPS_DERIV_BACKWARD = 1, DLOPS_DERIV_CENTERED = 2
  integer(c_int), parameter, public :: DLOPS_FFT_ORTHO = 0, DLOPS_FFT_NONE = 1, DLOPS_FFT_ONE_OVER_N = 2
  !> dense product forms (dlops_matmul_kind)
  integer(c_int), parameter, public :: DLOPS_MATMUL_BLOCK = 0, DLOPS_MATMUL_SUMMA = 1, DLOPS_MATMUL_SUMMA_RMA = 2
  !> solver stop reasons (dlops_stop_reason; not errors)
  integer(c_int), parameter, public :: DLOPS_SOLVER_RUNNING = 0, DLOPS_CONVERGED_TOL = 1, DLOPS_STOP_MAXIT = 2, &
       DLOPS_DIVERGED_BREAKDOWN = 3, DLOPS_DIVERGED_NAN = 4, DLOPS_STOPPED_BY_USER = 5, DLOPS_DIVERGED_RESIDUAL = 6
  !> solver reduction strategies (dlops_solver_variant)
  integer(c_int), parameter, public :: DLOPS_SOLVER_BLOCKING = 0, DLOPS_SOLVER_FUSED = 1, DLOPS_SOLVER_PIPELINED = 2
  !> ISTA/FISTA thresholding (dlops_thresh_kind)
  integer(c_int), parameter, public :: DLOPS_THRESH_SOFT = 0, DLOPS_THRESH_HARD = 1, DLOPS_THRESH_HALF = 2
  !> proximal-gradient acceleration (dlops_accel_kind)
  integer(c_int), parameter, public :: DLOPS_ACCEL_NONE = 0, DLOPS_ACCEL_VANDENBERGHE = 1, DLOPS_ACCEL_FISTA = 2
  !> inner solver of the L2 proximal operator (dlops_l2_solver)
  integer(c_int), parameter, public :: DLOPS_L2_SOLVER_CGLS = 0, DLOPS_L2_SOLVER_CG = 1

  ! ------------------------------------------------------------------ types
  !> a context: duplicated communicator, backends, counters
  type, bind(C), public :: dlops_ctx
    type(c_ptr) :: ptr = c_null_ptr
  end type dlops_ctx
  !> a distributed array (plain or stacked)
  type, bind(C), public :: dlops_darray
    type(c_ptr) :: ptr = c_null_ptr
  end type dlops_darray
  !> a non-blocking reduction started by dlops_darray_multi_dot_begin
  type, bind(C), public :: dlops_pending
    type(c_ptr) :: ptr = c_null_ptr
  end type dlops_pending
  !> a scalar of any element type (real types use re only), as C's dlops_scalar
  type, bind(C), public :: dlops_scalar
    real(c_double) :: re = 0, im = 0
  end type dlops_scalar
  !> one communication counter, as C's dlops_comm_counter
  type, bind(C), public :: dlops_comm_counter
    integer(c_int64_t) :: calls = 0, messages = 0, bytes = 0
    real(c_double) :: seconds = 0
  end type dlops_comm_counter
  !> memory traffic of a context's device space, as C's dlops_mem_counter
  type, bind(C), public :: dlops_mem_counter
    integer(c_int64_t) :: kernels = 0, h2d = 0, h2d_bytes = 0, d2h = 0, d2h_bytes = 0
    integer(c_int64_t) :: comm_h2d = 0, comm_h2d_bytes = 0, comm_d2h = 0, comm_d2h_bytes = 0
  end type dlops_mem_counter
  !> a linear operator (include/dlops/op.h); reference counted in C: composing keeps a
  !> reference, so a handle may be destroyed as soon as it has been composed
  type, bind(C), public :: dlops_op
    type(c_ptr) :: ptr = c_null_ptr
  end type dlops_op
  !> a proximal operator (include/dlops/solver.h)
  type, bind(C), public :: dlops_prox
    type(c_ptr) :: ptr = c_null_ptr
  end type dlops_prox
  !> an options database (include/dlops/options.h)
  type, bind(C), public :: dlops_options
    type(c_ptr) :: ptr = c_null_ptr
  end type dlops_options
  !> what a solver monitor sees after every iteration, as C's dlops_solver_iter (fields a
  !> solver does not compute are NaN; x is borrowed: read it, never destroy it)
  type, bind(C), public :: dlops_solver_iter
    integer(c_int64_t) :: iter
    integer(c_int) :: solver
    real(c_double) :: r1norm, r2norm, cost, xupdate
    type(dlops_darray) :: x
  end type dlops_solver_iter
  !> solver options, as C's dlops_solver_opts (field by field; see include/dlops/solver.h for
  !> the meaning of each). Always fill it with dlops_solver_opts_default first. The pointer
  !> fields take c_funloc / c_loc values: monitor = c_funloc(f) of a bind(C) function with the
  !> interface dlops_solver_monitor (or use dlops_solver_opts_set_monitor), cost = c_loc(buf(1))
  !> of a TARGET real(c_double) buffer of at least niter + 1 entries, decay / epsg_array likewise.
  type, bind(C), public :: dlops_solver_opts
    integer(c_int64_t) :: niter
    real(c_double) :: tol
    real(c_double) :: damp
    integer(c_int) :: variant
    integer(c_int) :: show
    integer(c_int64_t) :: itershow(3)
    type(c_funptr) :: monitor
    type(c_ptr) :: monitor_user
    integer(c_int) :: monitor_agree
    type(c_ptr) :: cost
    integer(c_long_long) :: seed
    integer(c_int) :: pylops_quirks
    real(c_double) :: atol
    real(c_double) :: btol
    real(c_double) :: conlim
    integer(c_int) :: random_start
    integer(c_int64_t) :: power_niter
    real(c_double) :: power_tol
    real(c_double) :: eps
    real(c_double) :: alpha
    integer(c_int) :: threshkind
    type(c_ptr) :: decay
    integer(c_int) :: monitorres
    real(c_double) :: rtol
    real(c_double) :: tau
    real(c_double) :: epsg
    type(c_ptr) :: epsg_array
    real(c_double) :: eta
    integer(c_int) :: acceleration
    integer(c_int64_t) :: inner_niter
    real(c_double) :: inner_tol
    integer(c_int) :: gfirst
    integer(c_int) :: use_z0
    ! checkpoints: checkpoint_prefix = c_loc of a TARGET NUL-terminated character buffer
    ! (trim(path)//c_null_char), kept alive during the solve
    integer(c_int64_t) :: checkpoint_every
    type(c_ptr) :: checkpoint_prefix
    integer(c_int) :: restart
  end type dlops_solver_opts
  !> result of a solve, as C's dlops_solver_result (reason: DLOPS_CONVERGED_TOL, ...)
  type, bind(C), public :: dlops_solver_result
    integer(c_int64_t) :: iterations = 0
    integer(c_int) :: reason = 0
    real(c_double) :: r1norm = 0, r2norm = 0, cost = 0
    integer(c_int64_t) :: ncost = 0
    integer(c_int) :: istop = 0
  end type dlops_solver_result
  !> parameters of the L2 proximal operator, as C's dlops_prox_l2_params (fill with
  !> dlops_prox_l2_params_default first)
  type, bind(C), public :: dlops_prox_l2_params
    real(c_double) :: sigma
    real(c_double) :: alpha
    integer(c_int) :: qgrad
    integer(c_int64_t) :: niter
    integer(c_int) :: warm
    integer(c_int) :: solver
    integer(c_int) :: variant
  end type dlops_prox_l2_params

  ! ------------------------------------------------------------------ callback interfaces
  abstract interface
    !> A user operator's apply (y = A x: xin = x, yout = y) or adjoint (x = A^H y: xin = y,
    !> yout = x) callback. Write a bind(C) function with this interface; read xin and write
    !> yout through dlops_darray_get_local / restore_local (or any darray call, collective ones
    !> included: applies are collective). Return 0 on success, non-zero to make the apply fail
    !> with DLOPS_ERR_ARG. The callback must not stop the program and must not destroy xin or yout.
    function dlops_op_callback(user, xin, yout) bind(C) result(rc)
      import :: c_ptr, c_int, dlops_darray
      type(c_ptr), value :: user
      type(dlops_darray), value :: xin, yout
      integer(c_int) :: rc
    end function dlops_op_callback
    !> Called with the user pointer when a user operator is freed (optional).
    subroutine dlops_user_destroy(user) bind(C)
      import :: c_ptr
      type(c_ptr), value :: user
    end subroutine dlops_user_destroy
    !> A solver monitor: called on every rank after every iteration (iter 0 = the start) with the
    !> same values. Return 0 to continue, non-zero to stop (DLOPS_STOPPED_BY_USER).
    function dlops_solver_monitor(user, it) bind(C) result(rc)
      import :: c_ptr, c_int, dlops_solver_iter
      type(c_ptr), value :: user
      type(dlops_solver_iter), intent(in) :: it
      integer(c_int) :: rc
    end function dlops_solver_monitor
  end interface
  public :: dlops_op_callback, dlops_user_destroy, dlops_solver_monitor

end module dlops_types
