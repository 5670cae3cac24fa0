!> module dlops: the Fortran interface of dlops (distributed arrays, operators, solvers).
!>
!> Built on ISO_C_BINDING only: no hidden string lengths, no mpif.h. Every public C function of
!> include/dlops (base.h, ctx.h, darray.h, op.h, dense.h, solver.h) has a wrapper here with the
!> same name and the same arguments in the same order (counts that are array sizes, such as ndim
!> or nops, are taken from the arrays), with these Fortran conventions:
!>
!> * Handles are derived types the compiler checks: type(dlops_ctx), type(dlops_darray),
!>   type(dlops_op), type(dlops_prox). A fresh handle is null; destroy sets it back to null.
!> * Callbacks (user operators, solver monitors) are bind(C) procedures with the abstract
!>   interfaces dlops_op_callback, dlops_user_destroy and dlops_solver_monitor.
!> * C structs (dlops_solver_opts, dlops_solver_result, dlops_solver_iter,
!>   dlops_prox_l2_params) are bind(C) derived types with the same fields.
!> * Pointer arguments C allows to be NULL are optional arguments here (pass the ones that
!>   follow by keyword), or null handles for handle arguments.
!> * Every subroutine has an optional last argument `ierr` (integer, intent(out)). When present
!>   it receives the error code (DLOPS_SUCCESS = 0 on success). When absent and the call fails,
!>   the wrapper prints the dlops message on the error unit and executes `error stop`. Collective
!>   calls fail on every rank with the same code, as in C. The message of the last failure is
!>   dlops_last_error().
!> * Communicators: dlops_ctx_create accepts an `integer` communicator (`use mpi`) or a
!>   `type(MPI_Comm)` (`use mpi_f08`). They cross to C as MPI_Fint.
!> * Strings are ordinary Fortran character variables (trailing blanks are ignored); strings
!>   coming back are `character(len=:), allocatable`.
!> * Scalars (fill, scale, axpby, scaled operators) may be real or complex of either kind, or
!>   type(dlops_scalar);
!>   dot products come back as real(c_double), complex(c_double_complex) or type(dlops_scalar).
!>
!> Array layout (read this once):
!>   dlops stores arrays in C (row-major) order, and every shape, axis and index argument of this
!>   module has the C meaning: shapes are listed slowest-varying first and axes and indices are
!>   0-based, exactly as in the C documentation. A Fortran array of shape (n1, n2, ..., nk)
!>   occupies memory exactly as a C array of shape (nk, ..., n2, n1): the same bytes, the shape
!>   reversed, and Fortran dimension d (1-based) is C axis k - d. So a Fortran field
!>   `real(8) :: u(nz, nx, ny)` distributed over its last dimension (ny, the slowest) is the
!>   dlops array of shape [ny, nx, nz] distributed along axis 0:
!>
!>     call dlops_darray_create(ctx, dlops_shape_from_fortran([nz, nx, ny]), &
!>                              dlops_axis_from_fortran(3, 3), DLOPS_SCATTER, DLOPS_F64, u_d)
!>
!>   dlops_shape_from_fortran / dlops_shape_to_fortran reverse a shape; dlops_axis_from_fortran /
!>   dlops_axis_to_fortran convert a dimension number. Local blocks come back as Fortran pointers
!>   (dlops_darray_get_local) whose shape is the reversed C local shape, so the pointer indexes
!>   like the Fortran field it came from: p(iz, ix, iy_local). A rank-1 pointer gives the flat
!>   local block of an array of any number of dimensions. Global arrays passed to scatter/gather
!>   are Fortran arrays of any rank whose memory is the C-ordered global array, i.e. the Fortran
!>   array with the Fortran shape.
module dlops
  use, intrinsic :: iso_c_binding
  use, intrinsic :: iso_fortran_env, only: error_unit, output_unit
  use, intrinsic :: ieee_arithmetic, only: ieee_value, ieee_positive_inf, ieee_negative_inf
#ifdef DLOPS_HAVE_MPI_F08
  use mpi_f08, only: MPI_Comm
#endif
  implicit none
  private

  ! ------------------------------------------------------------------ constants (C values)
  integer, parameter, public :: DLOPS_VERSION_MAJOR = 0
  integer, parameter, public :: DLOPS_VERSION_MINOR = 1
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
  !> dense product forms (dlops_matmul_kind)
  integer(c_int), parameter, public :: DLOPS_MATMUL_BLOCK = 0, DLOPS_MATMUL_SUMMA = 1
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

  ! ------------------------------------------------------------------ public procedures
  public :: dlops_error_string, dlops_dtype_name, dlops_dtype_size, dlops_last_error
  public :: dlops_partition_name, dlops_comm_kind_name
  public :: dlops_shape_from_fortran, dlops_shape_to_fortran, dlops_axis_from_fortran, dlops_axis_to_fortran
  public :: dlops_scalar_from
  public :: dlops_ctx_create, dlops_ctx_destroy, dlops_ctx_get_comm, dlops_ctx_get_rank, dlops_ctx_get_size
  public :: dlops_ctx_get_backend, dlops_ctx_get_spec, dlops_ctx_last_error, dlops_backends_describe
  public :: dlops_ctx_get_counter, dlops_ctx_reset_counters, dlops_ctx_print_counters
  public :: dlops_ctx_get_memspace, dlops_ctx_get_mem_counter
  public :: dlops_darray_create, dlops_darray_create_ext, dlops_darray_create_stacked
  public :: dlops_darray_duplicate, dlops_darray_destroy
  public :: dlops_darray_get_ctx, dlops_darray_get_ndim, dlops_darray_get_global_shape
  public :: dlops_darray_get_local_shape, dlops_darray_get_axis, dlops_darray_get_partition
  public :: dlops_darray_get_dtype, dlops_darray_get_memspace, dlops_darray_get_mask_color
  public :: dlops_darray_get_local_size, dlops_darray_get_global_size, dlops_darray_get_offset
  public :: dlops_darray_get_axis_sizes, dlops_darray_is_stacked, dlops_darray_stacked_count
  public :: dlops_darray_stacked_get
  public :: dlops_darray_get_local, dlops_darray_restore_local
  public :: dlops_darray_get_local_f32, dlops_darray_get_local_f64
  public :: dlops_darray_get_local_c64, dlops_darray_get_local_c128
  public :: dlops_darray_get_local_cptr, dlops_darray_restore_local_cptr, dlops_darray_sync_broadcast
  public :: dlops_darray_get_local_read_cptr, dlops_darray_restore_local_read_cptr
  public :: dlops_darray_map, dlops_darray_fill_random
  public :: dlops_darray_fill, dlops_darray_copy, dlops_darray_axpby, dlops_darray_scale
  public :: dlops_darray_conj, dlops_darray_pointwise_mult, dlops_darray_dot, dlops_darray_vdot
  public :: dlops_darray_norm, dlops_darray_multi_dot, dlops_darray_multi_dot_begin, dlops_darray_multi_dot_end
  public :: dlops_darray_scatter, dlops_darray_gather, dlops_darray_redistribute
  public :: dlops_darray_add_ghost_cells, dlops_darray_ghost_shape
  public :: dlops_darray_write_npy, dlops_darray_read_npy
  ! operators (op.h)
  public :: dlops_op_apply, dlops_op_apply_adjoint, dlops_op_create_vecs, dlops_op_destroy
  public :: dlops_op_get_shape, dlops_op_get_dims, dlops_op_get_dimsd, dlops_op_get_dtype, dlops_op_get_ctx
  public :: dlops_op_get_name, dlops_op_dottest
  public :: dlops_op_create_product, dlops_op_create_sum, dlops_op_create_scaled, dlops_op_create_adjoint
  public :: dlops_op_create_transpose, dlops_op_create_conj, dlops_op_create_power, dlops_op_create_user
  public :: dlops_op_create_matrix, dlops_op_create_diagonal, dlops_op_create_identity, dlops_op_create_zero
  public :: dlops_op_create_first_derivative, dlops_op_create_second_derivative, dlops_op_create_laplacian
  public :: dlops_op_create_gradient, dlops_op_create_convolve1d, dlops_op_create_transpose_axes
  public :: dlops_op_create_blockdiag, dlops_op_create_stacked_blockdiag, dlops_op_create_vstack
  public :: dlops_op_create_hstack, dlops_op_create_stacked_vstack, dlops_op_create_replicated, dlops_op_create_halo
  ! dense products (dense.h)
  public :: dlops_ceil_block, dlops_op_create_matmul, dlops_op_matmul_get_layout
  public :: dlops_pdgemm, dlops_psgemm, dlops_pzgemm, dlops_pcgemm
  ! solvers (solver.h)
  public :: dlops_stop_reason_name, dlops_solver_opts_default, dlops_solver_opts_set_monitor
  public :: dlops_solve_cg, dlops_solve_cgls, dlops_solve_lsqr, dlops_solve_power, dlops_solve_ista, dlops_solve_fista
  public :: dlops_prox_create_l1, dlops_prox_create_l0, dlops_prox_create_box, dlops_prox_l2_params_default
  public :: dlops_prox_create_l2, dlops_prox_destroy, dlops_prox_value, dlops_prox_apply, dlops_prox_grad
  public :: dlops_solve_proximal_gradient, dlops_solve_admm_l2

  ! ------------------------------------------------------------------ generic interfaces
  !> dlops_ctx_create(comm, spec, ctx [, ierr]): create a context on comm (integer or
  !> type(MPI_Comm)). spec: backend selection ("comm=mpi", "comm=rma sync=fence", ...); "" reads
  !> the environment variable DLOPS_SPEC. **Collective** on comm.
  interface dlops_ctx_create
    module procedure dlops_ctx_create_int
#ifdef DLOPS_HAVE_MPI_F08
    module procedure dlops_ctx_create_f08
#endif
  end interface dlops_ctx_create
  !> dlops_ctx_get_comm(ctx, comm [, ierr]): the context's duplicated communicator as an integer
  !> or a type(MPI_Comm). Do not free it. Local.
  interface dlops_ctx_get_comm
    module procedure dlops_ctx_get_comm_int
#ifdef DLOPS_HAVE_MPI_F08
    module procedure dlops_ctx_get_comm_f08
#endif
  end interface dlops_ctx_get_comm

  !> reverse a shape (Fortran order <-> C order); the result is integer(c_int64_t)
  interface dlops_shape_from_fortran
    module procedure f_shape_rev_i4, f_shape_rev_i8
  end interface dlops_shape_from_fortran
  interface dlops_shape_to_fortran
    module procedure f_shape_rev_i4, f_shape_rev_i8
  end interface dlops_shape_to_fortran
  !> a dlops_scalar from a real or complex value of any kind
  interface dlops_scalar_from
    module procedure f_scalar_i, f_scalar_r4, f_scalar_r8, f_scalar_c4, f_scalar_c8, f_scalar_s
  end interface dlops_scalar_from

  !> shapes may be default integer or integer(c_int64_t) (local_n then has the same kind)
  interface dlops_darray_create
    module procedure dlops_darray_create_i4, dlops_darray_create_i8
  end interface dlops_darray_create
  interface dlops_darray_create_ext
    module procedure dlops_darray_create_ext_i4, dlops_darray_create_ext_i8
  end interface dlops_darray_create_ext

  interface dlops_darray_fill
    module procedure dlops_darray_fill_s, dlops_darray_fill_i, dlops_darray_fill_r4, dlops_darray_fill_r8, &
         dlops_darray_fill_c4, dlops_darray_fill_c8
  end interface dlops_darray_fill
  interface dlops_darray_scale
    module procedure dlops_darray_scale_s, dlops_darray_scale_i, dlops_darray_scale_r4, dlops_darray_scale_r8, &
         dlops_darray_scale_c4, dlops_darray_scale_c8
  end interface dlops_darray_scale
  !> alpha and beta have the same type; mix types with dlops_scalar_from
  interface dlops_darray_axpby
    module procedure dlops_darray_axpby_s, dlops_darray_axpby_r4, dlops_darray_axpby_r8, &
         dlops_darray_axpby_c4, dlops_darray_axpby_c8
  end interface dlops_darray_axpby
  !> result: real(c_double) (real arrays only), complex(c_double_complex) or type(dlops_scalar)
  interface dlops_darray_dot
    module procedure dlops_darray_dot_s, dlops_darray_dot_r8, dlops_darray_dot_c8
  end interface dlops_darray_dot
  interface dlops_darray_vdot
    module procedure dlops_darray_vdot_s, dlops_darray_vdot_r8, dlops_darray_vdot_c8
  end interface dlops_darray_vdot
  interface dlops_darray_multi_dot
    module procedure dlops_darray_multi_dot_s, dlops_darray_multi_dot_c8
  end interface dlops_darray_multi_dot
  !> result: type(dlops_scalar) or complex(c_double_complex), contiguous and alive until
  !> dlops_darray_multi_dot_end
  interface dlops_darray_multi_dot_begin
    module procedure dlops_darray_multi_dot_begin_s, dlops_darray_multi_dot_begin_c8
  end interface dlops_darray_multi_dot_begin
  interface dlops_darray_norm
    module procedure dlops_darray_norm_r8, dlops_darray_norm_i
  end interface dlops_darray_norm

  ! ------------------------------------------------------------------ operators: generic interfaces
  !> dlops_op_dottest(A, rtol, seed, passed [, relerr] [, ierr]): seed is any integer kind
  interface dlops_op_dottest
    module procedure dlops_op_dottest_i8, dlops_op_dottest_i4
  end interface dlops_op_dottest
  !> dlops_op_create_scaled(A, alpha, C [, ierr]): alpha real or complex of any kind, an
  !> integer, or type(dlops_scalar) (complex alpha only for complex A)
  interface dlops_op_create_scaled
    module procedure dlops_op_create_scaled_s, dlops_op_create_scaled_i, dlops_op_create_scaled_r4, &
         dlops_op_create_scaled_r8, dlops_op_create_scaled_c4, dlops_op_create_scaled_c8
  end interface dlops_op_create_scaled
  !> sizes (nrows, ncols, n) may be default integer or integer(c_int64_t)
  interface dlops_op_create_identity
    module procedure dlops_op_create_identity_i8, dlops_op_create_identity_i4
  end interface dlops_op_create_identity
  interface dlops_op_create_zero
    module procedure dlops_op_create_zero_i8, dlops_op_create_zero_i4
  end interface dlops_op_create_zero
  !> dims (C order) may be default integer or integer(c_int64_t)
  interface dlops_op_create_first_derivative
    module procedure dlops_op_create_first_derivative_i8, dlops_op_create_first_derivative_i4
  end interface dlops_op_create_first_derivative
  interface dlops_op_create_second_derivative
    module procedure dlops_op_create_second_derivative_i8, dlops_op_create_second_derivative_i4
  end interface dlops_op_create_second_derivative
  interface dlops_op_create_laplacian
    module procedure dlops_op_create_laplacian_i8, dlops_op_create_laplacian_i4
  end interface dlops_op_create_laplacian
  interface dlops_op_create_gradient
    module procedure dlops_op_create_gradient_i8, dlops_op_create_gradient_i4
  end interface dlops_op_create_gradient
  interface dlops_op_create_transpose_axes
    module procedure dlops_op_create_transpose_axes_i8, dlops_op_create_transpose_axes_i4
  end interface dlops_op_create_transpose_axes
  interface dlops_op_create_halo
    module procedure dlops_op_create_halo_i8, dlops_op_create_halo_i4
  end interface dlops_op_create_halo
  !> dlops_ceil_block(n, q, t, start, len [, ierr]): start and len have the kind of n
  interface dlops_ceil_block
    module procedure dlops_ceil_block_i8, dlops_ceil_block_i4
  end interface dlops_ceil_block
  !> ScaLAPACK-shaped products: m, n, k, nb may be default integer or integer(c_int64_t)
  interface dlops_pdgemm
    module procedure dlops_pdgemm_i8, dlops_pdgemm_i4
  end interface dlops_pdgemm
  interface dlops_psgemm
    module procedure dlops_psgemm_i8, dlops_psgemm_i4
  end interface dlops_psgemm
  interface dlops_pzgemm
    module procedure dlops_pzgemm_i8, dlops_pzgemm_i4
  end interface dlops_pzgemm
  interface dlops_pcgemm
    module procedure dlops_pcgemm_i8, dlops_pcgemm_i4
  end interface dlops_pcgemm
  !> dlops_solve_power(A, b, opts, maxeig, res [, ierr]): maxeig real(c_double) (real
  !> operators), complex(c_double_complex) or type(dlops_scalar)
  interface dlops_solve_power
    module procedure dlops_solve_power_s, dlops_solve_power_r8, dlops_solve_power_c8
  end interface dlops_solve_power

  ! BEGIN GENERATED INTERFACES (fortran/gen_kinds.py)
  !> dlops_darray_get_local(x, ptr [, ierr]): point ptr at this rank's local block (host memory).
  !> ptr is a pointer of the array's element kind (real(c_float), real(c_double),
  !> complex(c_float_complex), complex(c_double_complex)) and either of rank ndim, with the shape
  !> of the local block in Fortran order (the C local shape reversed), or of rank 1 (the flat
  !> block, for any ndim). A kind or rank that does not fit gives DLOPS_ERR_ARG and nothing is
  !> borrowed. Give the block back with dlops_darray_restore_local before dlops uses the array
  !> again. Local.
  interface dlops_darray_get_local
    module procedure f_get_local_f32_1
    module procedure f_get_local_f32_2
    module procedure f_get_local_f32_3
    module procedure f_get_local_f32_4
    module procedure f_get_local_f64_1
    module procedure f_get_local_f64_2
    module procedure f_get_local_f64_3
    module procedure f_get_local_f64_4
    module procedure f_get_local_c64_1
    module procedure f_get_local_c64_2
    module procedure f_get_local_c64_3
    module procedure f_get_local_c64_4
    module procedure f_get_local_c128_1
    module procedure f_get_local_c128_2
    module procedure f_get_local_c128_3
    module procedure f_get_local_c128_4
  end interface dlops_darray_get_local
  !> dlops_darray_get_local_f32(x, ptr [, ierr]): dlops_darray_get_local for real(c_float) pointers only.
  interface dlops_darray_get_local_f32
    module procedure f_get_local_f32_1
    module procedure f_get_local_f32_2
    module procedure f_get_local_f32_3
    module procedure f_get_local_f32_4
  end interface dlops_darray_get_local_f32
  !> dlops_darray_get_local_f64(x, ptr [, ierr]): dlops_darray_get_local for real(c_double) pointers only.
  interface dlops_darray_get_local_f64
    module procedure f_get_local_f64_1
    module procedure f_get_local_f64_2
    module procedure f_get_local_f64_3
    module procedure f_get_local_f64_4
  end interface dlops_darray_get_local_f64
  !> dlops_darray_get_local_c64(x, ptr [, ierr]): dlops_darray_get_local for complex(c_float_complex) pointers only.
  interface dlops_darray_get_local_c64
    module procedure f_get_local_c64_1
    module procedure f_get_local_c64_2
    module procedure f_get_local_c64_3
    module procedure f_get_local_c64_4
  end interface dlops_darray_get_local_c64
  !> dlops_darray_get_local_c128(x, ptr [, ierr]): dlops_darray_get_local for complex(c_double_complex) pointers only.
  interface dlops_darray_get_local_c128
    module procedure f_get_local_c128_1
    module procedure f_get_local_c128_2
    module procedure f_get_local_c128_3
    module procedure f_get_local_c128_4
  end interface dlops_darray_get_local_c128
  !> dlops_darray_restore_local(x, ptr [, ierr]): give back the block from dlops_darray_get_local
  !> and nullify ptr. For BROADCAST arrays call dlops_darray_sync_broadcast after writing. Local.
  interface dlops_darray_restore_local
    module procedure f_restore_local_f32_1
    module procedure f_restore_local_f32_2
    module procedure f_restore_local_f32_3
    module procedure f_restore_local_f32_4
    module procedure f_restore_local_f64_1
    module procedure f_restore_local_f64_2
    module procedure f_restore_local_f64_3
    module procedure f_restore_local_f64_4
    module procedure f_restore_local_c64_1
    module procedure f_restore_local_c64_2
    module procedure f_restore_local_c64_3
    module procedure f_restore_local_c64_4
    module procedure f_restore_local_c128_1
    module procedure f_restore_local_c128_2
    module procedure f_restore_local_c128_3
    module procedure f_restore_local_c128_4
  end interface dlops_darray_restore_local
  !> dlops_darray_scatter(x, global, root [, ierr]): fill x from a global array (any rank, of the
  !> element kind of x, with the global data in C order, i.e. the Fortran-shaped field). root >= 0:
  !> only rank root's buffer is read (others may pass a zero-size array); root = -1: every rank
  !> passes the same global array and keeps its own part. **Collective**.
  interface dlops_darray_scatter
    module procedure f_scatter_f32
    module procedure f_scatter_f64
    module procedure f_scatter_c64
    module procedure f_scatter_c128
  end interface dlops_darray_scatter
  !> dlops_darray_gather(x, global, root [, ierr]): gather the global array into global (any rank,
  !> at least the global size, element kind of x) on rank root, or on every rank when root = -1.
  !> Other ranks may pass a zero-size array. **Collective**.
  interface dlops_darray_gather
    module procedure f_gather_f32
    module procedure f_gather_f64
    module procedure f_gather_c64
    module procedure f_gather_c128
  end interface dlops_darray_gather
  !> dlops_darray_add_ghost_cells(x, cells_front, cells_back, ghosted [, ierr]): this rank's local
  !> block extended with ghost slices from the neighbours along the distributed axis; ghosted has
  !> at least the size of dlops_darray_ghost_shape (in Fortran, the reversed shape). SCATTER
  !> arrays. **Collective**.
  interface dlops_darray_add_ghost_cells
    module procedure f_add_ghost_cells_f32
    module procedure f_add_ghost_cells_f64
    module procedure f_add_ghost_cells_c64
    module procedure f_add_ghost_cells_c128
  end interface dlops_darray_add_ghost_cells
  !> dlops_op_create_matrix(ctx, nrows, ncols, dtype, values, A [, ierr]): dense nrows x ncols
  !> matrix applied with BLAS gemv (adjoint: conjugate transpose). values holds the matrix in C
  !> (row-major) order, of the kind of dtype: a Fortran matrix m(nrows, ncols) is passed as
  !> transpose(m) (or any array whose memory is m row by row). Copied. nrows, ncols: default
  !> integer or integer(c_int64_t). One-rank context only.
  interface dlops_op_create_matrix
    module procedure f_op_matrix_f32_i8
    module procedure f_op_matrix_f32_i4
    module procedure f_op_matrix_f64_i8
    module procedure f_op_matrix_f64_i4
    module procedure f_op_matrix_c64_i8
    module procedure f_op_matrix_c64_i4
    module procedure f_op_matrix_c128_i8
    module procedure f_op_matrix_c128_i4
  end interface dlops_op_create_matrix
  !> dlops_op_create_diagonal(ctx, n, dtype, d, A [, ierr]): diagonal operator of global size n;
  !> d holds this rank's part (the local elements of the default split of n), of the kind of
  !> dtype. Copied. **Collective** (checks).
  interface dlops_op_create_diagonal
    module procedure f_op_diagonal_f32_i8
    module procedure f_op_diagonal_f32_i4
    module procedure f_op_diagonal_f64_i8
    module procedure f_op_diagonal_f64_i4
    module procedure f_op_diagonal_c64_i8
    module procedure f_op_diagonal_c64_i4
    module procedure f_op_diagonal_c128_i8
    module procedure f_op_diagonal_c128_i4
  end interface dlops_op_create_diagonal
  !> dlops_op_create_convolve1d(ctx, dims, axis, h, offset, dtype, A [, ierr]): 1-D convolution
  !> with the filter h(:) (of the kind of dtype) along C axis `axis` of a model of C shape dims,
  !> centred at offset (PyLops Convolve1D, "direct"). dims and offset: default integer or
  !> integer(c_int64_t). One-rank context, or axis > 0 on a distributed model.
  interface dlops_op_create_convolve1d
    module procedure f_op_convolve1d_f32_i8
    module procedure f_op_convolve1d_f32_i4
    module procedure f_op_convolve1d_f64_i8
    module procedure f_op_convolve1d_f64_i4
    module procedure f_op_convolve1d_c64_i8
    module procedure f_op_convolve1d_c64_i4
    module procedure f_op_convolve1d_c128_i8
    module procedure f_op_convolve1d_c128_i4
  end interface dlops_op_create_convolve1d
  !> dlops_op_create_matmul(ctx, kind, pr, pc, N, K, M, A_local, nb, dtype, A [, ierr]):
  !> distributed Y = A X (DLOPS_MATMUL_BLOCK or DLOPS_MATMUL_SUMMA, grid pr x pc, 0 x 0 = the
  !> most square grid). A_local is this rank's tile of A in C (row-major) order, of the kind of
  !> dtype: a Fortran tile t(rows, cols) is passed as transpose(t); a zero-size array when the
  !> tile is empty. Copied. The vectors' local parts are the X and Y tiles, row-major too, so a
  !> rank-1 pointer from dlops_darray_get_local reshaped to (cols, rows) is the transposed tile.
  !> N, K, M, nb: default integer or integer(c_int64_t). **Collective**.
  interface dlops_op_create_matmul
    module procedure f_op_matmul_f32_i8
    module procedure f_op_matmul_f32_i4
    module procedure f_op_matmul_f64_i8
    module procedure f_op_matmul_f64_i4
    module procedure f_op_matmul_c64_i8
    module procedure f_op_matmul_c64_i4
    module procedure f_op_matmul_c128_i8
    module procedure f_op_matmul_c128_i4
  end interface dlops_op_create_matmul
  ! END GENERATED INTERFACES

  ! ------------------------------------------------------------------ the C functions
  interface
    function c_strlen(s) bind(C, name='strlen') result(n)
      import :: c_ptr, c_size_t
      type(c_ptr), value :: s
      integer(c_size_t) :: n
    end function c_strlen
    function c_error_string(code) bind(C, name='dlops_error_string') result(s)
      import :: c_int, c_ptr
      integer(c_int), value :: code
      type(c_ptr) :: s
    end function c_error_string
    function c_dtype_name(t) bind(C, name='dlops_dtype_name') result(s)
      import :: c_int, c_ptr
      integer(c_int), value :: t
      type(c_ptr) :: s
    end function c_dtype_name
    function c_dtype_size(t) bind(C, name='dlops_dtype_size') result(n)
      import :: c_int, c_size_t
      integer(c_int), value :: t
      integer(c_size_t) :: n
    end function c_dtype_size
    function c_last_error() bind(C, name='dlops_last_error') result(s)
      import :: c_ptr
      type(c_ptr) :: s
    end function c_last_error
    function c_partition_name(p) bind(C, name='dlops_partition_name') result(s)
      import :: c_int, c_ptr
      integer(c_int), value :: p
      type(c_ptr) :: s
    end function c_partition_name
    function c_comm_kind_name(k) bind(C, name='dlops_comm_kind_name') result(s)
      import :: c_int, c_ptr
      integer(c_int), value :: k
      type(c_ptr) :: s
    end function c_comm_kind_name

    function c_ctx_create_f(fcomm, spec, ctx) bind(C, name='dlops_ctx_create_f') result(rc)
      import :: c_int, c_char, dlops_ctx
      integer(c_int), value :: fcomm
      character(kind=c_char), intent(in) :: spec(*)
      type(dlops_ctx), intent(inout) :: ctx
      integer(c_int) :: rc
    end function c_ctx_create_f
    function c_ctx_destroy(ctx) bind(C, name='dlops_ctx_destroy') result(rc)
      import :: c_int, dlops_ctx
      type(dlops_ctx), intent(inout) :: ctx
      integer(c_int) :: rc
    end function c_ctx_destroy
    function c_ctx_get_comm_f(ctx, fcomm) bind(C, name='dlops_f_ctx_get_comm') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx
      integer(c_int), intent(out) :: fcomm
      integer(c_int) :: rc
    end function c_ctx_get_comm_f
    function c_ctx_get_rank(ctx, r) bind(C, name='dlops_ctx_get_rank') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx
      integer(c_int), intent(out) :: r
      integer(c_int) :: rc
    end function c_ctx_get_rank
    function c_ctx_get_size(ctx, r) bind(C, name='dlops_ctx_get_size') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx
      integer(c_int), intent(out) :: r
      integer(c_int) :: rc
    end function c_ctx_get_size
    function c_ctx_get_backend(ctx, s) bind(C, name='dlops_ctx_get_backend') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx
      type(c_ptr), intent(out) :: s
      integer(c_int) :: rc
    end function c_ctx_get_backend
    function c_ctx_get_spec(ctx, s) bind(C, name='dlops_ctx_get_spec') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx
      type(c_ptr), intent(out) :: s
      integer(c_int) :: rc
    end function c_ctx_get_spec
    function c_ctx_last_error(ctx) bind(C, name='dlops_ctx_last_error') result(s)
      import :: c_ptr
      type(c_ptr), value :: ctx
      type(c_ptr) :: s
    end function c_ctx_last_error
    function c_backends_describe(buf, n) bind(C, name='dlops_backends_describe') result(rc)
      import :: c_int, c_char, c_size_t
      character(kind=c_char), intent(out) :: buf(*)
      integer(c_size_t), value :: n
      integer(c_int) :: rc
    end function c_backends_describe
    function c_ctx_get_counter(ctx, k, out) bind(C, name='dlops_ctx_get_counter') result(rc)
      import :: c_int, c_ptr, dlops_comm_counter
      type(c_ptr), value :: ctx
      integer(c_int), value :: k
      type(dlops_comm_counter), intent(out) :: out
      integer(c_int) :: rc
    end function c_ctx_get_counter
    function c_ctx_get_memspace(ctx, mem) bind(C, name='dlops_ctx_get_memspace') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx
      integer(c_int), intent(out) :: mem
      integer(c_int) :: rc
    end function c_ctx_get_memspace
    function c_ctx_get_mem_counter(ctx, out) bind(C, name='dlops_ctx_get_mem_counter') result(rc)
      import :: c_int, c_ptr, dlops_mem_counter
      type(c_ptr), value :: ctx
      type(dlops_mem_counter), intent(out) :: out
      integer(c_int) :: rc
    end function c_ctx_get_mem_counter
    function c_ctx_reset_counters(ctx) bind(C, name='dlops_ctx_reset_counters') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx
      integer(c_int) :: rc
    end function c_ctx_reset_counters
    function c_ctx_print_counters(ctx, stream) bind(C, name='dlops_ctx_print_counters') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx, stream
      integer(c_int) :: rc
    end function c_ctx_print_counters

    function c_darray_create_ext(ctx, ndim, shape, axis, partition, dtype, local_n, mask_color, mem, x) &
         bind(C, name='dlops_darray_create_ext') result(rc)
      import :: c_int, c_int64_t, c_ptr, dlops_darray
      type(c_ptr), value :: ctx
      integer(c_int), value :: ndim, axis, partition, dtype, mask_color, mem
      integer(c_int64_t), intent(in) :: shape(*)
      integer(c_int64_t), value :: local_n
      type(dlops_darray), intent(inout) :: x
      integer(c_int) :: rc
    end function c_darray_create_ext
    function c_darray_create_stacked(n, parts, x) bind(C, name='dlops_darray_create_stacked') result(rc)
      import :: c_int, dlops_darray
      integer(c_int), value :: n
      type(dlops_darray), intent(in) :: parts(*)
      type(dlops_darray), intent(inout) :: x
      integer(c_int) :: rc
    end function c_darray_create_stacked
    function c_darray_duplicate(x, y) bind(C, name='dlops_darray_duplicate') result(rc)
      import :: c_int, c_ptr, dlops_darray
      type(c_ptr), value :: x
      type(dlops_darray), intent(inout) :: y
      integer(c_int) :: rc
    end function c_darray_duplicate
    function c_darray_destroy(x) bind(C, name='dlops_darray_destroy') result(rc)
      import :: c_int, dlops_darray
      type(dlops_darray), intent(inout) :: x
      integer(c_int) :: rc
    end function c_darray_destroy
    function c_darray_get_ctx(x, ctx) bind(C, name='dlops_darray_get_ctx') result(rc)
      import :: c_int, c_ptr, dlops_ctx
      type(c_ptr), value :: x
      type(dlops_ctx), intent(out) :: ctx
      integer(c_int) :: rc
    end function c_darray_get_ctx
    !> all "int *" queries share this shape
    function c_darray_get_ndim(x, v) bind(C, name='dlops_darray_get_ndim') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x
      integer(c_int), intent(out) :: v
      integer(c_int) :: rc
    end function c_darray_get_ndim
    function c_darray_get_axis(x, v) bind(C, name='dlops_darray_get_axis') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x
      integer(c_int), intent(out) :: v
      integer(c_int) :: rc
    end function c_darray_get_axis
    function c_darray_get_partition(x, v) bind(C, name='dlops_darray_get_partition') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x
      integer(c_int), intent(out) :: v
      integer(c_int) :: rc
    end function c_darray_get_partition
    function c_darray_get_dtype(x, v) bind(C, name='dlops_darray_get_dtype') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x
      integer(c_int), intent(out) :: v
      integer(c_int) :: rc
    end function c_darray_get_dtype
    function c_darray_get_memspace(x, v) bind(C, name='dlops_darray_get_memspace') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x
      integer(c_int), intent(out) :: v
      integer(c_int) :: rc
    end function c_darray_get_memspace
    function c_darray_get_mask_color(x, v) bind(C, name='dlops_darray_get_mask_color') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x
      integer(c_int), intent(out) :: v
      integer(c_int) :: rc
    end function c_darray_get_mask_color
    function c_darray_is_stacked(x, v) bind(C, name='dlops_darray_is_stacked') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x
      integer(c_int), intent(out) :: v
      integer(c_int) :: rc
    end function c_darray_is_stacked
    function c_darray_stacked_count(x, v) bind(C, name='dlops_darray_stacked_count') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x
      integer(c_int), intent(out) :: v
      integer(c_int) :: rc
    end function c_darray_stacked_count
    function c_darray_stacked_get(x, i, part) bind(C, name='dlops_darray_stacked_get') result(rc)
      import :: c_int, c_ptr, dlops_darray
      type(c_ptr), value :: x
      integer(c_int), value :: i
      type(dlops_darray), intent(out) :: part
      integer(c_int) :: rc
    end function c_darray_stacked_get
    function c_darray_get_global_shape(x, s) bind(C, name='dlops_darray_get_global_shape') result(rc)
      import :: c_int, c_int64_t, c_ptr
      type(c_ptr), value :: x
      integer(c_int64_t), intent(out) :: s(*)
      integer(c_int) :: rc
    end function c_darray_get_global_shape
    function c_darray_get_local_shape(x, s) bind(C, name='dlops_darray_get_local_shape') result(rc)
      import :: c_int, c_int64_t, c_ptr
      type(c_ptr), value :: x
      integer(c_int64_t), intent(out) :: s(*)
      integer(c_int) :: rc
    end function c_darray_get_local_shape
    function c_darray_get_axis_sizes(x, s) bind(C, name='dlops_darray_get_axis_sizes') result(rc)
      import :: c_int, c_int64_t, c_ptr
      type(c_ptr), value :: x
      integer(c_int64_t), intent(out) :: s(*)
      integer(c_int) :: rc
    end function c_darray_get_axis_sizes
    function c_darray_get_local_size(x, n) bind(C, name='dlops_darray_get_local_size') result(rc)
      import :: c_int, c_int64_t, c_ptr
      type(c_ptr), value :: x
      integer(c_int64_t), intent(out) :: n
      integer(c_int) :: rc
    end function c_darray_get_local_size
    function c_darray_get_global_size(x, n) bind(C, name='dlops_darray_get_global_size') result(rc)
      import :: c_int, c_int64_t, c_ptr
      type(c_ptr), value :: x
      integer(c_int64_t), intent(out) :: n
      integer(c_int) :: rc
    end function c_darray_get_global_size
    function c_darray_get_offset(x, n) bind(C, name='dlops_darray_get_offset') result(rc)
      import :: c_int, c_int64_t, c_ptr
      type(c_ptr), value :: x
      integer(c_int64_t), intent(out) :: n
      integer(c_int) :: rc
    end function c_darray_get_offset
    function c_darray_get_local(x, mem, p) bind(C, name='dlops_darray_get_local') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x
      integer(c_int), value :: mem
      type(c_ptr), intent(out) :: p
      integer(c_int) :: rc
    end function c_darray_get_local
    function c_darray_restore_local(x, p) bind(C, name='dlops_darray_restore_local') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x
      type(c_ptr), intent(inout) :: p
      integer(c_int) :: rc
    end function c_darray_restore_local
    function c_darray_get_local_read(x, mem, p) bind(C, name='dlops_darray_get_local_read') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x
      integer(c_int), value :: mem
      type(c_ptr), intent(out) :: p
      integer(c_int) :: rc
    end function c_darray_get_local_read
    function c_darray_restore_local_read(x, p) bind(C, name='dlops_darray_restore_local_read') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x
      type(c_ptr), intent(inout) :: p
      integer(c_int) :: rc
    end function c_darray_restore_local_read
    function c_darray_map(kind, p0, p1, x, y) bind(C, name='dlops_darray_map') result(rc)
      import :: c_int, c_double, c_ptr
      integer(c_int), value :: kind
      real(c_double), value :: p0, p1
      type(c_ptr), value :: x, y
      integer(c_int) :: rc
    end function c_darray_map
    function c_darray_fill_random(x, seed, lo, hi) bind(C, name='dlops_darray_fill_random') result(rc)
      import :: c_int, c_double, c_ptr, c_long_long
      type(c_ptr), value :: x
      integer(c_long_long), value :: seed
      real(c_double), value :: lo, hi
      integer(c_int) :: rc
    end function c_darray_fill_random
    function c_darray_sync_broadcast(x) bind(C, name='dlops_darray_sync_broadcast') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x
      integer(c_int) :: rc
    end function c_darray_sync_broadcast
    function c_darray_fill(x, v) bind(C, name='dlops_darray_fill') result(rc)
      import :: c_int, c_ptr, dlops_scalar
      type(c_ptr), value :: x
      type(dlops_scalar), value :: v
      integer(c_int) :: rc
    end function c_darray_fill
    function c_darray_copy(x, y) bind(C, name='dlops_darray_copy') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x, y
      integer(c_int) :: rc
    end function c_darray_copy
    function c_darray_axpby(a, x, b, y) bind(C, name='dlops_darray_axpby') result(rc)
      import :: c_int, c_ptr, dlops_scalar
      type(dlops_scalar), value :: a, b
      type(c_ptr), value :: x, y
      integer(c_int) :: rc
    end function c_darray_axpby
    function c_darray_scale(x, a) bind(C, name='dlops_darray_scale') result(rc)
      import :: c_int, c_ptr, dlops_scalar
      type(c_ptr), value :: x
      type(dlops_scalar), value :: a
      integer(c_int) :: rc
    end function c_darray_scale
    function c_darray_conj(x) bind(C, name='dlops_darray_conj') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x
      integer(c_int) :: rc
    end function c_darray_conj
    function c_darray_pointwise_mult(x, y, z) bind(C, name='dlops_darray_pointwise_mult') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x, y, z
      integer(c_int) :: rc
    end function c_darray_pointwise_mult
    function c_darray_dot(x, y, r) bind(C, name='dlops_darray_dot') result(rc)
      import :: c_int, c_ptr, dlops_scalar
      type(c_ptr), value :: x, y
      type(dlops_scalar), intent(out) :: r
      integer(c_int) :: rc
    end function c_darray_dot
    function c_darray_vdot(x, y, r) bind(C, name='dlops_darray_vdot') result(rc)
      import :: c_int, c_ptr, dlops_scalar
      type(c_ptr), value :: x, y
      type(dlops_scalar), intent(out) :: r
      integer(c_int) :: rc
    end function c_darray_vdot
    function c_darray_norm(x, ord, r) bind(C, name='dlops_darray_norm') result(rc)
      import :: c_int, c_ptr, c_double
      type(c_ptr), value :: x
      real(c_double), value :: ord
      real(c_double), intent(out) :: r
      integer(c_int) :: rc
    end function c_darray_norm
    function c_darray_multi_dot(n, xs, ys, conj_first, r) bind(C, name='dlops_darray_multi_dot') result(rc)
      import :: c_int, dlops_darray, dlops_scalar
      integer(c_int), value :: n
      type(dlops_darray), intent(in) :: xs(*), ys(*)
      integer(c_int), intent(in) :: conj_first(*)
      type(dlops_scalar), intent(inout) :: r(*)
      integer(c_int) :: rc
    end function c_darray_multi_dot
    function c_darray_multi_dot_begin(n, xs, ys, conj_first, r, req) bind(C, name='dlops_darray_multi_dot_begin') &
         result(rc)
      import :: c_int, c_ptr, dlops_darray, dlops_pending
      integer(c_int), value :: n
      type(dlops_darray), intent(in) :: xs(*), ys(*)
      integer(c_int), intent(in) :: conj_first(*)
      type(c_ptr), value :: r
      type(dlops_pending), intent(inout) :: req
      integer(c_int) :: rc
    end function c_darray_multi_dot_begin
    function c_darray_multi_dot_end(req) bind(C, name='dlops_darray_multi_dot_end') result(rc)
      import :: c_int, dlops_pending
      type(dlops_pending), intent(inout) :: req
      integer(c_int) :: rc
    end function c_darray_multi_dot_end
    function c_darray_scatter(x, g, root) bind(C, name='dlops_darray_scatter') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x, g
      integer(c_int), value :: root
      integer(c_int) :: rc
    end function c_darray_scatter
    function c_darray_gather(x, g, root) bind(C, name='dlops_darray_gather') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: x, g
      integer(c_int), value :: root
      integer(c_int) :: rc
    end function c_darray_gather
    function c_darray_redistribute(x, axis, y) bind(C, name='dlops_darray_redistribute') result(rc)
      import :: c_int, c_ptr, dlops_darray
      type(c_ptr), value :: x
      integer(c_int), value :: axis
      type(dlops_darray), intent(inout) :: y
      integer(c_int) :: rc
    end function c_darray_redistribute
    function c_darray_add_ghost_cells(x, front, back, g) bind(C, name='dlops_darray_add_ghost_cells') result(rc)
      import :: c_int, c_int64_t, c_ptr
      type(c_ptr), value :: x, g
      integer(c_int64_t), value :: front, back
      integer(c_int) :: rc
    end function c_darray_add_ghost_cells
    function c_darray_ghost_shape(x, front, back, s) bind(C, name='dlops_darray_ghost_shape') result(rc)
      import :: c_int, c_int64_t, c_ptr
      type(c_ptr), value :: x
      integer(c_int64_t), value :: front, back
      integer(c_int64_t), intent(out) :: s(*)
      integer(c_int) :: rc
    end function c_darray_ghost_shape
    function c_darray_write_npy(x, path) bind(C, name='dlops_darray_write_npy') result(rc)
      import :: c_int, c_ptr, c_char
      type(c_ptr), value :: x
      character(kind=c_char), intent(in) :: path(*)
      integer(c_int) :: rc
    end function c_darray_write_npy
    function c_darray_read_npy(ctx, path, axis, partition, x) bind(C, name='dlops_darray_read_npy') result(rc)
      import :: c_int, c_ptr, c_char, dlops_darray
      type(c_ptr), value :: ctx
      character(kind=c_char), intent(in) :: path(*)
      integer(c_int), value :: axis, partition
      type(dlops_darray), intent(inout) :: x
      integer(c_int) :: rc
    end function c_darray_read_npy
  end interface

  ! ------------------------------------------------------------------ the C functions: operators, dense, solvers
  interface
    function c_op_apply(a, x, y) bind(C, name='dlops_op_apply') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: a, x, y
      integer(c_int) :: rc
    end function c_op_apply
    function c_op_apply_adjoint(a, y, x) bind(C, name='dlops_op_apply_adjoint') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: a, y, x
      integer(c_int) :: rc
    end function c_op_apply_adjoint
    function c_op_create_vecs(a, x, y) bind(C, name='dlops_op_create_vecs') result(rc)
      import :: c_int, c_ptr, dlops_darray
      type(c_ptr), value :: a
      type(dlops_darray), intent(inout), optional :: x, y
      integer(c_int) :: rc
    end function c_op_create_vecs
    function c_op_destroy(a) bind(C, name='dlops_op_destroy') result(rc)
      import :: c_int, dlops_op
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_destroy
    function c_op_get_shape(a, nr, nc) bind(C, name='dlops_op_get_shape') result(rc)
      import :: c_int, c_int64_t, c_ptr
      type(c_ptr), value :: a
      integer(c_int64_t), intent(out) :: nr, nc
      integer(c_int) :: rc
    end function c_op_get_shape
    function c_op_get_dims(a, nd, dims) bind(C, name='dlops_op_get_dims') result(rc)
      import :: c_int, c_int64_t, c_ptr
      type(c_ptr), value :: a
      integer(c_int), intent(out) :: nd
      integer(c_int64_t), intent(out) :: dims(*)
      integer(c_int) :: rc
    end function c_op_get_dims
    function c_op_get_dimsd(a, nd, dims) bind(C, name='dlops_op_get_dimsd') result(rc)
      import :: c_int, c_int64_t, c_ptr
      type(c_ptr), value :: a
      integer(c_int), intent(out) :: nd
      integer(c_int64_t), intent(out) :: dims(*)
      integer(c_int) :: rc
    end function c_op_get_dimsd
    function c_op_get_dtype(a, t) bind(C, name='dlops_op_get_dtype') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: a
      integer(c_int), intent(out) :: t
      integer(c_int) :: rc
    end function c_op_get_dtype
    function c_op_get_ctx(a, ctx) bind(C, name='dlops_op_get_ctx') result(rc)
      import :: c_int, c_ptr, dlops_ctx
      type(c_ptr), value :: a
      type(dlops_ctx), intent(out) :: ctx
      integer(c_int) :: rc
    end function c_op_get_ctx
    function c_op_get_name(a, s) bind(C, name='dlops_op_get_name') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: a
      type(c_ptr), intent(out) :: s
      integer(c_int) :: rc
    end function c_op_get_name
    function c_op_dottest(a, rtol, seed, passed, relerr) bind(C, name='dlops_op_dottest') result(rc)
      import :: c_int, c_ptr, c_double, c_long_long
      type(c_ptr), value :: a
      real(c_double), value :: rtol
      integer(c_long_long), value :: seed
      integer(c_int), intent(out) :: passed
      real(c_double), intent(out) :: relerr
      integer(c_int) :: rc
    end function c_op_dottest
    function c_op_create_product(a, b, c) bind(C, name='dlops_op_create_product') result(rc)
      import :: c_int, c_ptr, dlops_op
      type(c_ptr), value :: a, b
      type(dlops_op), intent(inout) :: c
      integer(c_int) :: rc
    end function c_op_create_product
    function c_op_create_sum(a, b, c) bind(C, name='dlops_op_create_sum') result(rc)
      import :: c_int, c_ptr, dlops_op
      type(c_ptr), value :: a, b
      type(dlops_op), intent(inout) :: c
      integer(c_int) :: rc
    end function c_op_create_sum
    function c_op_create_scaled(a, alpha, c) bind(C, name='dlops_op_create_scaled') result(rc)
      import :: c_int, c_ptr, dlops_op, dlops_scalar
      type(c_ptr), value :: a
      type(dlops_scalar), value :: alpha
      type(dlops_op), intent(inout) :: c
      integer(c_int) :: rc
    end function c_op_create_scaled
    function c_op_create_adjoint(a, c) bind(C, name='dlops_op_create_adjoint') result(rc)
      import :: c_int, c_ptr, dlops_op
      type(c_ptr), value :: a
      type(dlops_op), intent(inout) :: c
      integer(c_int) :: rc
    end function c_op_create_adjoint
    function c_op_create_transpose(a, c) bind(C, name='dlops_op_create_transpose') result(rc)
      import :: c_int, c_ptr, dlops_op
      type(c_ptr), value :: a
      type(dlops_op), intent(inout) :: c
      integer(c_int) :: rc
    end function c_op_create_transpose
    function c_op_create_conj(a, c) bind(C, name='dlops_op_create_conj') result(rc)
      import :: c_int, c_ptr, dlops_op
      type(c_ptr), value :: a
      type(dlops_op), intent(inout) :: c
      integer(c_int) :: rc
    end function c_op_create_conj
    function c_op_create_power(a, p, c) bind(C, name='dlops_op_create_power') result(rc)
      import :: c_int, c_ptr, dlops_op
      type(c_ptr), value :: a
      integer(c_int), value :: p
      type(dlops_op), intent(inout) :: c
      integer(c_int) :: rc
    end function c_op_create_power
    function c_op_create_user(dom, rng, f, fa, user, destroy, a) bind(C, name='dlops_op_create_user') result(rc)
      import :: c_int, c_ptr, c_funptr, dlops_op
      type(c_ptr), value :: dom, rng
      type(c_funptr), value :: f, fa
      type(c_ptr), value :: user
      type(c_funptr), value :: destroy
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_user
    function c_op_create_matrix(ctx, nr, nc, t, m, a) bind(C, name='dlops_op_create_matrix') result(rc)
      import :: c_int, c_int64_t, c_ptr, dlops_op
      type(c_ptr), value :: ctx
      integer(c_int64_t), value :: nr, nc
      integer(c_int), value :: t
      type(c_ptr), value :: m
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_matrix
    function c_op_create_diagonal(ctx, n, t, d, a) bind(C, name='dlops_op_create_diagonal') result(rc)
      import :: c_int, c_int64_t, c_ptr, dlops_op
      type(c_ptr), value :: ctx
      integer(c_int64_t), value :: n
      integer(c_int), value :: t
      type(c_ptr), value :: d
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_diagonal
    function c_op_create_identity(ctx, nr, nc, t, a) bind(C, name='dlops_op_create_identity') result(rc)
      import :: c_int, c_int64_t, c_ptr, dlops_op
      type(c_ptr), value :: ctx
      integer(c_int64_t), value :: nr, nc
      integer(c_int), value :: t
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_identity
    function c_op_create_zero(ctx, nr, nc, t, a) bind(C, name='dlops_op_create_zero') result(rc)
      import :: c_int, c_int64_t, c_ptr, dlops_op
      type(c_ptr), value :: ctx
      integer(c_int64_t), value :: nr, nc
      integer(c_int), value :: t
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_zero
    function c_op_create_first_derivative(ctx, nd, dims, axis, dx, kind, order, edge, t, a) &
         bind(C, name='dlops_op_create_first_derivative') result(rc)
      import :: c_int, c_int64_t, c_ptr, c_double, dlops_op
      type(c_ptr), value :: ctx
      integer(c_int), value :: nd
      integer(c_int64_t), intent(in) :: dims(*)
      integer(c_int), value :: axis
      real(c_double), value :: dx
      integer(c_int), value :: kind, order, edge, t
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_first_derivative
    function c_op_create_second_derivative(ctx, nd, dims, axis, dx, kind, edge, t, a) &
         bind(C, name='dlops_op_create_second_derivative') result(rc)
      import :: c_int, c_int64_t, c_ptr, c_double, dlops_op
      type(c_ptr), value :: ctx
      integer(c_int), value :: nd
      integer(c_int64_t), intent(in) :: dims(*)
      integer(c_int), value :: axis
      real(c_double), value :: dx
      integer(c_int), value :: kind, edge, t
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_second_derivative
    function c_op_create_laplacian(ctx, nd, dims, naxes, axes, weights, sampling, kind, edge, t, a) &
         bind(C, name='dlops_op_create_laplacian') result(rc)
      import :: c_int, c_int64_t, c_ptr, c_double, dlops_op
      type(c_ptr), value :: ctx
      integer(c_int), value :: nd
      integer(c_int64_t), intent(in) :: dims(*)
      integer(c_int), value :: naxes
      integer(c_int), intent(in) :: axes(*)
      real(c_double), intent(in) :: weights(*), sampling(*)
      integer(c_int), value :: kind, edge, t
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_laplacian
    function c_op_create_gradient(ctx, nd, dims, sampling, kind, edge, t, a) bind(C, name='dlops_op_create_gradient') &
         result(rc)
      import :: c_int, c_int64_t, c_ptr, dlops_op
      type(c_ptr), value :: ctx
      integer(c_int), value :: nd
      integer(c_int64_t), intent(in) :: dims(*)
      type(c_ptr), value :: sampling
      integer(c_int), value :: kind, edge, t
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_gradient
    function c_op_create_convolve1d(ctx, nd, dims, axis, h, nh, offset, t, a) bind(C, name='dlops_op_create_convolve1d') &
         result(rc)
      import :: c_int, c_int64_t, c_ptr, dlops_op
      type(c_ptr), value :: ctx
      integer(c_int), value :: nd
      integer(c_int64_t), intent(in) :: dims(*)
      integer(c_int), value :: axis
      type(c_ptr), value :: h
      integer(c_int64_t), value :: nh, offset
      integer(c_int), value :: t
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_convolve1d
    function c_op_create_transpose_axes(ctx, nd, dims, perm, t, a) bind(C, name='dlops_op_create_transpose_axes') &
         result(rc)
      import :: c_int, c_int64_t, c_ptr, dlops_op
      type(c_ptr), value :: ctx
      integer(c_int), value :: nd
      integer(c_int64_t), intent(in) :: dims(*)
      integer(c_int), intent(in) :: perm(*)
      integer(c_int), value :: t
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_transpose_axes
    function c_op_create_blockdiag(ctx, n, ops, mask, a) bind(C, name='dlops_op_create_blockdiag') result(rc)
      import :: c_int, c_ptr, dlops_op
      type(c_ptr), value :: ctx
      integer(c_int), value :: n
      type(dlops_op), intent(in) :: ops(*)
      integer(c_int), value :: mask
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_blockdiag
    function c_op_create_stacked_blockdiag(n, ops, a) bind(C, name='dlops_op_create_stacked_blockdiag') result(rc)
      import :: c_int, dlops_op
      integer(c_int), value :: n
      type(dlops_op), intent(in) :: ops(*)
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_stacked_blockdiag
    function c_op_create_vstack(ctx, n, ops, a) bind(C, name='dlops_op_create_vstack') result(rc)
      import :: c_int, c_ptr, dlops_op
      type(c_ptr), value :: ctx
      integer(c_int), value :: n
      type(dlops_op), intent(in) :: ops(*)
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_vstack
    function c_op_create_hstack(ctx, n, ops, a) bind(C, name='dlops_op_create_hstack') result(rc)
      import :: c_int, c_ptr, dlops_op
      type(c_ptr), value :: ctx
      integer(c_int), value :: n
      type(dlops_op), intent(in) :: ops(*)
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_hstack
    function c_op_create_stacked_vstack(n, ops, a) bind(C, name='dlops_op_create_stacked_vstack') result(rc)
      import :: c_int, dlops_op
      integer(c_int), value :: n
      type(dlops_op), intent(in) :: ops(*)
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_stacked_vstack
    function c_op_create_replicated(ctx, local, part, a) bind(C, name='dlops_op_create_replicated') result(rc)
      import :: c_int, c_ptr, dlops_op
      type(c_ptr), value :: ctx, local
      integer(c_int), value :: part
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_replicated
    function c_op_create_halo(ctx, nd, dims, halo, grid, t, a) bind(C, name='dlops_op_create_halo') result(rc)
      import :: c_int, c_int64_t, c_ptr, dlops_op
      type(c_ptr), value :: ctx
      integer(c_int), value :: nd
      integer(c_int64_t), intent(in) :: dims(*), halo(*)
      type(c_ptr), value :: grid
      integer(c_int), value :: t
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_halo
    ! dense.h
    function c_ceil_block(n, q, t, start, len) bind(C, name='dlops_ceil_block') result(rc)
      import :: c_int, c_int64_t
      integer(c_int64_t), value :: n
      integer(c_int), value :: q, t
      integer(c_int64_t), intent(out) :: start, len
      integer(c_int) :: rc
    end function c_ceil_block
    function c_op_create_matmul(ctx, kind, pr, pc, n, k, m, al, nb, t, a) bind(C, name='dlops_op_create_matmul') &
         result(rc)
      import :: c_int, c_int64_t, c_ptr, dlops_op
      type(c_ptr), value :: ctx
      integer(c_int), value :: kind, pr, pc
      integer(c_int64_t), value :: n, k, m
      type(c_ptr), value :: al
      integer(c_int64_t), value :: nb
      integer(c_int), value :: t
      type(dlops_op), intent(inout) :: a
      integer(c_int) :: rc
    end function c_op_create_matmul
    function c_op_matmul_get_layout(a, pr, pc, i, j, as, xs, ys) bind(C, name='dlops_op_matmul_get_layout') result(rc)
      import :: c_int, c_int64_t, c_ptr
      type(c_ptr), value :: a
      integer(c_int), intent(out) :: pr, pc, i, j
      integer(c_int64_t), intent(out) :: as(2), xs(2), ys(2)
      integer(c_int) :: rc
    end function c_op_matmul_get_layout
    function c_pdgemm(ctx, pr, pc, m, n, k, alpha, a, da, b, db, beta, c, dc, nb) bind(C, name='dlops_pdgemm') result(rc)
      import :: c_int, c_int64_t, c_ptr, c_double
      type(c_ptr), value :: ctx
      integer(c_int), value :: pr, pc
      integer(c_int64_t), value :: m, n, k
      real(c_double), value :: alpha
      type(c_ptr), value :: a
      integer(c_int), intent(in) :: da(*)
      type(c_ptr), value :: b
      integer(c_int), intent(in) :: db(*)
      real(c_double), value :: beta
      type(c_ptr), value :: c
      integer(c_int), intent(in) :: dc(*)
      integer(c_int64_t), value :: nb
      integer(c_int) :: rc
    end function c_pdgemm
    function c_psgemm(ctx, pr, pc, m, n, k, alpha, a, da, b, db, beta, c, dc, nb) bind(C, name='dlops_psgemm') result(rc)
      import :: c_int, c_int64_t, c_ptr, c_float
      type(c_ptr), value :: ctx
      integer(c_int), value :: pr, pc
      integer(c_int64_t), value :: m, n, k
      real(c_float), value :: alpha
      type(c_ptr), value :: a
      integer(c_int), intent(in) :: da(*)
      type(c_ptr), value :: b
      integer(c_int), intent(in) :: db(*)
      real(c_float), value :: beta
      type(c_ptr), value :: c
      integer(c_int), intent(in) :: dc(*)
      integer(c_int64_t), value :: nb
      integer(c_int) :: rc
    end function c_psgemm
    function c_pzgemm(ctx, pr, pc, m, n, k, alpha, a, da, b, db, beta, c, dc, nb) bind(C, name='dlops_pzgemm') result(rc)
      import :: c_int, c_int64_t, c_ptr, dlops_scalar
      type(c_ptr), value :: ctx
      integer(c_int), value :: pr, pc
      integer(c_int64_t), value :: m, n, k
      type(dlops_scalar), value :: alpha
      type(c_ptr), value :: a
      integer(c_int), intent(in) :: da(*)
      type(c_ptr), value :: b
      integer(c_int), intent(in) :: db(*)
      type(dlops_scalar), value :: beta
      type(c_ptr), value :: c
      integer(c_int), intent(in) :: dc(*)
      integer(c_int64_t), value :: nb
      integer(c_int) :: rc
    end function c_pzgemm
    function c_pcgemm(ctx, pr, pc, m, n, k, alpha, a, da, b, db, beta, c, dc, nb) bind(C, name='dlops_pcgemm') result(rc)
      import :: c_int, c_int64_t, c_ptr, dlops_scalar
      type(c_ptr), value :: ctx
      integer(c_int), value :: pr, pc
      integer(c_int64_t), value :: m, n, k
      type(dlops_scalar), value :: alpha
      type(c_ptr), value :: a
      integer(c_int), intent(in) :: da(*)
      type(c_ptr), value :: b
      integer(c_int), intent(in) :: db(*)
      type(dlops_scalar), value :: beta
      type(c_ptr), value :: c
      integer(c_int), intent(in) :: dc(*)
      integer(c_int64_t), value :: nb
      integer(c_int) :: rc
    end function c_pcgemm
    ! solver.h
    function c_stop_reason_name(r) bind(C, name='dlops_stop_reason_name') result(s)
      import :: c_int, c_ptr
      integer(c_int), value :: r
      type(c_ptr) :: s
    end function c_stop_reason_name
    function c_solver_opts_default(o) bind(C, name='dlops_solver_opts_default') result(rc)
      import :: c_int, dlops_solver_opts
      type(dlops_solver_opts), intent(out) :: o
      integer(c_int) :: rc
    end function c_solver_opts_default
    function c_solve_cg(a, y, x, o, r) bind(C, name='dlops_solve_cg') result(rc)
      import :: c_int, c_ptr, dlops_solver_opts, dlops_solver_result
      type(c_ptr), value :: a, y, x
      type(dlops_solver_opts), intent(in), optional :: o
      type(dlops_solver_result), intent(out), optional :: r
      integer(c_int) :: rc
    end function c_solve_cg
    function c_solve_cgls(a, y, x, o, r) bind(C, name='dlops_solve_cgls') result(rc)
      import :: c_int, c_ptr, dlops_solver_opts, dlops_solver_result
      type(c_ptr), value :: a, y, x
      type(dlops_solver_opts), intent(in), optional :: o
      type(dlops_solver_result), intent(out), optional :: r
      integer(c_int) :: rc
    end function c_solve_cgls
    function c_solve_lsqr(a, y, x, o, r) bind(C, name='dlops_solve_lsqr') result(rc)
      import :: c_int, c_ptr, dlops_solver_opts, dlops_solver_result
      type(c_ptr), value :: a, y, x
      type(dlops_solver_opts), intent(in), optional :: o
      type(dlops_solver_result), intent(out), optional :: r
      integer(c_int) :: rc
    end function c_solve_lsqr
    function c_solve_ista(a, y, x, o, r) bind(C, name='dlops_solve_ista') result(rc)
      import :: c_int, c_ptr, dlops_solver_opts, dlops_solver_result
      type(c_ptr), value :: a, y, x
      type(dlops_solver_opts), intent(in), optional :: o
      type(dlops_solver_result), intent(out), optional :: r
      integer(c_int) :: rc
    end function c_solve_ista
    function c_solve_fista(a, y, x, o, r) bind(C, name='dlops_solve_fista') result(rc)
      import :: c_int, c_ptr, dlops_solver_opts, dlops_solver_result
      type(c_ptr), value :: a, y, x
      type(dlops_solver_opts), intent(in), optional :: o
      type(dlops_solver_result), intent(out), optional :: r
      integer(c_int) :: rc
    end function c_solve_fista
    function c_solve_power(a, b, o, e, r) bind(C, name='dlops_solve_power') result(rc)
      import :: c_int, c_ptr, dlops_solver_opts, dlops_solver_result, dlops_scalar
      type(c_ptr), value :: a, b
      type(dlops_solver_opts), intent(in), optional :: o
      type(dlops_scalar), intent(out) :: e
      type(dlops_solver_result), intent(out), optional :: r
      integer(c_int) :: rc
    end function c_solve_power
    function c_prox_create_l1(sigma, p) bind(C, name='dlops_prox_create_l1') result(rc)
      import :: c_int, c_double, dlops_prox
      real(c_double), value :: sigma
      type(dlops_prox), intent(inout) :: p
      integer(c_int) :: rc
    end function c_prox_create_l1
    function c_prox_create_l0(sigma, p) bind(C, name='dlops_prox_create_l0') result(rc)
      import :: c_int, c_double, dlops_prox
      real(c_double), value :: sigma
      type(dlops_prox), intent(inout) :: p
      integer(c_int) :: rc
    end function c_prox_create_l0
    function c_prox_create_box(lo, hi, p) bind(C, name='dlops_prox_create_box') result(rc)
      import :: c_int, c_double, dlops_prox
      real(c_double), value :: lo, hi
      type(dlops_prox), intent(inout) :: p
      integer(c_int) :: rc
    end function c_prox_create_box
    function c_prox_l2_params_default(p) bind(C, name='dlops_prox_l2_params_default') result(rc)
      import :: c_int, dlops_prox_l2_params
      type(dlops_prox_l2_params), intent(out) :: p
      integer(c_int) :: rc
    end function c_prox_l2_params_default
    function c_prox_create_l2(op, b, q, x0, prm, p) bind(C, name='dlops_prox_create_l2') result(rc)
      import :: c_int, c_ptr, dlops_prox_l2_params, dlops_prox
      type(c_ptr), value :: op, b, q, x0
      type(dlops_prox_l2_params), intent(in), optional :: prm
      type(dlops_prox), intent(inout) :: p
      integer(c_int) :: rc
    end function c_prox_create_l2
    function c_prox_destroy(p) bind(C, name='dlops_prox_destroy') result(rc)
      import :: c_int, dlops_prox
      type(dlops_prox), intent(inout) :: p
      integer(c_int) :: rc
    end function c_prox_destroy
    function c_prox_value(p, x, v) bind(C, name='dlops_prox_value') result(rc)
      import :: c_int, c_ptr, c_double
      type(c_ptr), value :: p, x
      real(c_double), intent(out) :: v
      integer(c_int) :: rc
    end function c_prox_value
    function c_prox_apply(p, x, tau, out) bind(C, name='dlops_prox_apply') result(rc)
      import :: c_int, c_ptr, c_double
      type(c_ptr), value :: p, x
      real(c_double), value :: tau
      type(c_ptr), value :: out
      integer(c_int) :: rc
    end function c_prox_apply
    function c_prox_grad(p, x, g) bind(C, name='dlops_prox_grad') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: p, x, g
      integer(c_int) :: rc
    end function c_prox_grad
    function c_solve_proximal_gradient(pf, pg, x, o, r) bind(C, name='dlops_solve_proximal_gradient') result(rc)
      import :: c_int, c_ptr, dlops_solver_opts, dlops_solver_result
      type(c_ptr), value :: pf, pg, x
      type(dlops_solver_opts), intent(in), optional :: o
      type(dlops_solver_result), intent(out), optional :: r
      integer(c_int) :: rc
    end function c_solve_proximal_gradient
    function c_solve_admm_l2(pg, op, b, a, x, z, o, r) bind(C, name='dlops_solve_admm_l2') result(rc)
      import :: c_int, c_ptr, dlops_solver_opts, dlops_solver_result
      type(c_ptr), value :: pg, op, b, a, x, z
      type(dlops_solver_opts), intent(in), optional :: o
      type(dlops_solver_result), intent(out), optional :: r
      integer(c_int) :: rc
    end function c_solve_admm_l2
  end interface

  ! ------------------------------------------------------------------ private state
  !> message of the last error detected on the Fortran side (kind mismatch, bad rank, ...) and
  !> whether it is newer than the last C error
  character(len=:), allocatable, save :: f_errmsg
  logical, save :: f_err_pending = .false., f_err_fresh = .false.
  !> data pointers borrowed through the typed dlops_darray_get_local, by darray handle, so that
  !> restore works whatever the Fortran pointer became (even for empty local blocks)
  type :: f_borrow
    type(c_ptr) :: handle = c_null_ptr, data = c_null_ptr
  end type f_borrow
  type(f_borrow), allocatable, save :: f_borrows(:)
  !> a valid address for empty buffers (never read or written)
  real(c_double), target, save :: f_empty(1) = 0

contains

  ! ================================================================== error handling
  !> Finish a wrapper: hand rc to ierr, or on failure without ierr print the message and stop.
  subroutine f_check(rc, where, ierr)
    integer(c_int), intent(in) :: rc
    character(len=*), intent(in) :: where
    integer, intent(out), optional :: ierr
    if (rc /= DLOPS_SUCCESS .and. .not. f_err_fresh) f_err_pending = .false.
    f_err_fresh = .false.
    if (present(ierr)) then
      ierr = int(rc)
      return
    end if
    if (rc == DLOPS_SUCCESS) return
    flush (output_unit)
    write (error_unit, '(a,i0,5a)') 'dlops: ' // where // ' failed with error ', rc, ' (', &
         dlops_error_string(int(rc)), '): ', dlops_last_error()
    flush (error_unit)
    error stop 'dlops: unhandled error (pass ierr to handle errors yourself)'
  end subroutine f_check

  !> Record an error found on the Fortran side; returns its code.
  function f_error(code, msg) result(rc)
    integer(c_int), intent(in) :: code
    character(len=*), intent(in) :: msg
    integer(c_int) :: rc
    f_errmsg = msg
    f_err_pending = .true.
    f_err_fresh = .true.
    rc = code
  end function f_error

  ! ================================================================== strings
  !> Copy a NUL-terminated C string into a Fortran string ('' for a null pointer).
  function f_string(cp) result(s)
    type(c_ptr), intent(in) :: cp
    character(len=:), allocatable :: s
    character(kind=c_char), pointer :: a(:)
    integer :: i, n
    if (.not. c_associated(cp)) then
      s = ''
      return
    end if
    n = int(c_strlen(cp))
    call c_f_pointer(cp, a, [n])
    allocate (character(len=n) :: s)
    do i = 1, n
      s(i:i) = a(i)
    end do
  end function f_string

  !> A Fortran string as a NUL-terminated C string (trailing blanks dropped).
  pure function f_cstr(s) result(c)
    character(len=*), intent(in) :: s
    character(kind=c_char, len=len_trim(s) + 1) :: c
    c = trim(s) // c_null_char
  end function f_cstr

  function f_itoa(i) result(s)
    integer(c_int64_t), intent(in) :: i
    character(len=:), allocatable :: s
    character(len=24) :: b
    write (b, '(i0)') i
    s = trim(b)
  end function f_itoa

  !> Static description of an error code. Local.
  function dlops_error_string(code) result(s)
    integer, intent(in) :: code
    character(len=:), allocatable :: s
    s = f_string(c_error_string(int(code, c_int)))
  end function dlops_error_string

  !> Name of an element type ("f32", "f64", "c64", "c128"; "?" when out of range). Local.
  function dlops_dtype_name(dtype) result(s)
    integer, intent(in) :: dtype
    character(len=:), allocatable :: s
    s = f_string(c_dtype_name(int(dtype, c_int)))
  end function dlops_dtype_name

  !> Size in bytes of one element of dtype (0 when out of range). Local.
  function dlops_dtype_size(dtype) result(n)
    integer, intent(in) :: dtype
    integer :: n
    n = int(c_dtype_size(int(dtype, c_int)))
  end function dlops_dtype_size

  !> The message of the most recent failure of this process, with file:line. Local.
  function dlops_last_error() result(s)
    character(len=:), allocatable :: s
    if (f_err_pending) then
      s = f_errmsg
    else
      s = f_string(c_last_error())
    end if
  end function dlops_last_error

  !> Name of a partition ("scatter", "broadcast", "unsafe_broadcast"). Local.
  function dlops_partition_name(p) result(s)
    integer, intent(in) :: p
    character(len=:), allocatable :: s
    s = f_string(c_partition_name(int(p, c_int)))
  end function dlops_partition_name

  !> Name of a counter kind ("allreduce", ...). Local.
  function dlops_comm_kind_name(kind) result(s)
    integer, intent(in) :: kind
    character(len=:), allocatable :: s
    s = f_string(c_comm_kind_name(int(kind, c_int)))
  end function dlops_comm_kind_name

  ! ================================================================== layout helpers
  !> The shape reversed (Fortran order <-> C order), as integer(c_int64_t).
  pure function f_shape_rev_i4(s) result(r)
    integer, intent(in) :: s(:)
    integer(c_int64_t) :: r(size(s))
    r = int(s(size(s):1:-1), c_int64_t)
  end function f_shape_rev_i4
  pure function f_shape_rev_i8(s) result(r)
    integer(c_int64_t), intent(in) :: s(:)
    integer(c_int64_t) :: r(size(s))
    r = s(size(s):1:-1)
  end function f_shape_rev_i8

  !> The C axis (0-based) of Fortran dimension dim (1-based) of an ndim-dimensional array.
  elemental function dlops_axis_from_fortran(dim, ndim) result(axis)
    integer, intent(in) :: dim, ndim
    integer :: axis
    axis = ndim - dim
  end function dlops_axis_from_fortran

  !> The Fortran dimension (1-based) of C axis axis (0-based; negative counts from the end).
  elemental function dlops_axis_to_fortran(axis, ndim) result(dim)
    integer, intent(in) :: axis, ndim
    integer :: dim
    if (axis < 0) then
      dim = -axis
    else
      dim = ndim - axis
    end if
  end function dlops_axis_to_fortran

  ! ================================================================== scalars
  pure function f_scalar_s(v) result(s)
    type(dlops_scalar), intent(in) :: v
    type(dlops_scalar) :: s
    s = v
  end function f_scalar_s
  pure function f_scalar_i(v) result(s)
    integer, intent(in) :: v
    type(dlops_scalar) :: s
    s = dlops_scalar(real(v, c_double), 0.0_c_double)
  end function f_scalar_i
  pure function f_scalar_r4(v) result(s)
    real(c_float), intent(in) :: v
    type(dlops_scalar) :: s
    s = dlops_scalar(real(v, c_double), 0.0_c_double)
  end function f_scalar_r4
  pure function f_scalar_r8(v) result(s)
    real(c_double), intent(in) :: v
    type(dlops_scalar) :: s
    s = dlops_scalar(v, 0.0_c_double)
  end function f_scalar_r8
  pure function f_scalar_c4(v) result(s)
    complex(c_float_complex), intent(in) :: v
    type(dlops_scalar) :: s
    s = dlops_scalar(real(v%re, c_double), real(v%im, c_double))
  end function f_scalar_c4
  pure function f_scalar_c8(v) result(s)
    complex(c_double_complex), intent(in) :: v
    type(dlops_scalar) :: s
    s = dlops_scalar(v%re, v%im)
  end function f_scalar_c8

  ! ================================================================== context
  subroutine dlops_ctx_create_int(comm, spec, ctx, ierr)
    integer, intent(in) :: comm
    character(len=*), intent(in) :: spec
    type(dlops_ctx), intent(inout) :: ctx
    integer, intent(out), optional :: ierr
    call f_check(c_ctx_create_f(int(comm, c_int), f_cstr(spec), ctx), 'dlops_ctx_create', ierr)
  end subroutine dlops_ctx_create_int

#ifdef DLOPS_HAVE_MPI_F08
  subroutine dlops_ctx_create_f08(comm, spec, ctx, ierr)
    type(MPI_Comm), intent(in) :: comm
    character(len=*), intent(in) :: spec
    type(dlops_ctx), intent(inout) :: ctx
    integer, intent(out), optional :: ierr
    call f_check(c_ctx_create_f(int(comm%MPI_VAL, c_int), f_cstr(spec), ctx), 'dlops_ctx_create', ierr)
  end subroutine dlops_ctx_create_f08
#endif

  !> Destroy a context and null the handle. **Collective**. Destroy its objects first.
  subroutine dlops_ctx_destroy(ctx, ierr)
    type(dlops_ctx), intent(inout) :: ctx
    integer, intent(out), optional :: ierr
    call f_check(c_ctx_destroy(ctx), 'dlops_ctx_destroy', ierr)
  end subroutine dlops_ctx_destroy

  subroutine dlops_ctx_get_comm_int(ctx, comm, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(out) :: comm
    integer, intent(out), optional :: ierr
    integer(c_int) :: f
    f = 0
    call f_check(c_ctx_get_comm_f(ctx%ptr, f), 'dlops_ctx_get_comm', ierr)
    comm = int(f)
  end subroutine dlops_ctx_get_comm_int

#ifdef DLOPS_HAVE_MPI_F08
  subroutine dlops_ctx_get_comm_f08(ctx, comm, ierr)
    type(dlops_ctx), intent(in) :: ctx
    type(MPI_Comm), intent(out) :: comm
    integer, intent(out), optional :: ierr
    integer(c_int) :: f
    f = 0
    call f_check(c_ctx_get_comm_f(ctx%ptr, f), 'dlops_ctx_get_comm', ierr)
    comm%MPI_VAL = int(f)
  end subroutine dlops_ctx_get_comm_f08
#endif

  !> Rank of this process in the context's communicator. Local.
  subroutine dlops_ctx_get_rank(ctx, rank, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(out) :: rank
    integer, intent(out), optional :: ierr
    integer(c_int) :: r
    r = -1
    call f_check(c_ctx_get_rank(ctx%ptr, r), 'dlops_ctx_get_rank', ierr)
    rank = int(r)
  end subroutine dlops_ctx_get_rank

  !> Size of the context's communicator. Local.
  subroutine dlops_ctx_get_size(ctx, size, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(out) :: size
    integer, intent(out), optional :: ierr
    integer(c_int) :: r
    r = 0
    call f_check(c_ctx_get_size(ctx%ptr, r), 'dlops_ctx_get_size', ierr)
    size = int(r)
  end subroutine dlops_ctx_get_size

  !> Name of the communication backend in use ("mpi", "rma", "nccl"). Local.
  subroutine dlops_ctx_get_backend(ctx, name, ierr)
    type(dlops_ctx), intent(in) :: ctx
    character(len=:), allocatable, intent(out) :: name
    integer, intent(out), optional :: ierr
    type(c_ptr) :: s
    integer(c_int) :: rc
    s = c_null_ptr
    rc = c_ctx_get_backend(ctx%ptr, s)
    name = f_string(s)
    call f_check(rc, 'dlops_ctx_get_backend', ierr)
  end subroutine dlops_ctx_get_backend

  !> The canonical spec of the context (e.g. "comm=mpi mem=host"). Local.
  subroutine dlops_ctx_get_spec(ctx, spec, ierr)
    type(dlops_ctx), intent(in) :: ctx
    character(len=:), allocatable, intent(out) :: spec
    integer, intent(out), optional :: ierr
    type(c_ptr) :: s
    integer(c_int) :: rc
    s = c_null_ptr
    rc = c_ctx_get_spec(ctx%ptr, s)
    spec = f_string(s)
    call f_check(rc, 'dlops_ctx_get_spec', ierr)
  end subroutine dlops_ctx_get_spec

  !> The last error message recorded on ctx ('' if none); a null ctx gives dlops_last_error().
  !> Local.
  function dlops_ctx_last_error(ctx) result(s)
    type(dlops_ctx), intent(in) :: ctx
    character(len=:), allocatable :: s
    if (f_err_pending) then
      s = f_errmsg
    else
      s = f_string(c_ctx_last_error(ctx%ptr))
    end if
  end function dlops_ctx_last_error

  !> The backends this build knows, whether each is compiled in and how to enable the others.
  !> Local.
  subroutine dlops_backends_describe(text, ierr)
    character(len=:), allocatable, intent(out) :: text
    integer, intent(out), optional :: ierr
    integer, parameter :: n = 8192
    character(kind=c_char) :: buf(n)
    integer(c_int) :: rc
    integer :: i
    buf = c_null_char
    rc = c_backends_describe(buf, int(n, c_size_t))
    i = 0
    do while (i < n)
      if (buf(i + 1) == c_null_char) exit
      i = i + 1
    end do
    allocate (character(len=i) :: text)
    do i = 1, len(text)
      text(i:i) = buf(i)
    end do
    call f_check(rc, 'dlops_backends_describe', ierr)
  end subroutine dlops_backends_describe

  !> This rank's counter of one kind of communication (DLOPS_COMM_*). Local.
  subroutine dlops_ctx_get_counter(ctx, kind, counter, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: kind
    type(dlops_comm_counter), intent(out) :: counter
    integer, intent(out), optional :: ierr
    call f_check(c_ctx_get_counter(ctx%ptr, int(kind, c_int), counter), 'dlops_ctx_get_counter', ierr)
  end subroutine dlops_ctx_get_counter

  !> Reset this rank's counters to zero. Local.
  subroutine dlops_ctx_reset_counters(ctx, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(out), optional :: ierr
    call f_check(c_ctx_reset_counters(ctx%ptr), 'dlops_ctx_reset_counters', ierr)
  end subroutine dlops_ctx_reset_counters

  !> Default memory space of the context's arrays (DLOPS_MEM_HOST or DLOPS_MEM_DEVICE). Local.
  subroutine dlops_ctx_get_memspace(ctx, mem, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(out) :: mem
    integer, intent(out), optional :: ierr
    integer(c_int) :: m
    m = 0
    call f_check(c_ctx_get_memspace(ctx%ptr, m), 'dlops_ctx_get_memspace', ierr)
    mem = int(m)
  end subroutine dlops_ctx_get_memspace

  !> This rank's memory traffic on the context's device space (kernels, host<->device copies,
  !> and the part of them made to stage messages); zero on host contexts. Local.
  subroutine dlops_ctx_get_mem_counter(ctx, counter, ierr)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_mem_counter), intent(out) :: counter
    integer, intent(out), optional :: ierr
    call f_check(c_ctx_get_mem_counter(ctx%ptr, counter), 'dlops_ctx_get_mem_counter', ierr)
  end subroutine dlops_ctx_get_mem_counter

  !> Print the table of counters (summed over ranks) on rank 0 to standard output. **Collective**.
  subroutine dlops_ctx_print_counters(ctx, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(out), optional :: ierr
    flush (output_unit)
    call f_check(c_ctx_print_counters(ctx%ptr, c_null_ptr), 'dlops_ctx_print_counters', ierr)
  end subroutine dlops_ctx_print_counters

  ! ================================================================== creation
  !> dlops_darray_create(ctx, shape, axis, partition, dtype, x [, ierr]): a new array of the given
  !> global shape (C order, see the module header; dlops_shape_from_fortran converts), distributed
  !> along C axis `axis` (0-based; dlops_axis_from_fortran converts) with the default split,
  !> filled with zeros. **Collective**. Ranks that disagree on the arguments all get DLOPS_ERR_SIZE.
  subroutine dlops_darray_create_i8(ctx, shape, axis, partition, dtype, x, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: shape(:)
    integer, intent(in) :: axis, partition, dtype
    type(dlops_darray), intent(inout) :: x
    integer, intent(out), optional :: ierr
    integer(c_int) :: mem
    mem = DLOPS_MEM_HOST ! the context's default space, as C's dlops_darray_create
    if (c_associated(ctx%ptr)) then
      if (c_ctx_get_memspace(ctx%ptr, mem) /= DLOPS_SUCCESS) mem = DLOPS_MEM_HOST
    end if
    call f_check(c_darray_create_ext(ctx%ptr, int(size(shape), c_int), shape, int(axis, c_int), &
         int(partition, c_int), int(dtype, c_int), -1_c_int64_t, -1_c_int, mem, x), &
         'dlops_darray_create', ierr)
  end subroutine dlops_darray_create_i8
  subroutine dlops_darray_create_i4(ctx, shape, axis, partition, dtype, x, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: shape(:)
    integer, intent(in) :: axis, partition, dtype
    type(dlops_darray), intent(inout) :: x
    integer, intent(out), optional :: ierr
    call dlops_darray_create_i8(ctx, int(shape, c_int64_t), axis, partition, dtype, x, ierr)
  end subroutine dlops_darray_create_i4

  !> dlops_darray_create_ext(ctx, shape, axis, partition, dtype, local_n, mask_color, mem, x
  !> [, ierr]): as dlops_darray_create with this rank's size along the axis (-1: default split),
  !> a mask colour (-1: none) and a memory space. **Collective**.
  subroutine dlops_darray_create_ext_i8(ctx, shape, axis, partition, dtype, local_n, mask_color, mem, x, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: shape(:)
    integer, intent(in) :: axis, partition, dtype
    integer(c_int64_t), intent(in) :: local_n
    integer, intent(in) :: mask_color, mem
    type(dlops_darray), intent(inout) :: x
    integer, intent(out), optional :: ierr
    call f_check(c_darray_create_ext(ctx%ptr, int(size(shape), c_int), shape, int(axis, c_int), &
         int(partition, c_int), int(dtype, c_int), local_n, int(mask_color, c_int), int(mem, c_int), x), &
         'dlops_darray_create_ext', ierr)
  end subroutine dlops_darray_create_ext_i8
  subroutine dlops_darray_create_ext_i4(ctx, shape, axis, partition, dtype, local_n, mask_color, mem, x, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: shape(:)
    integer, intent(in) :: axis, partition, dtype
    integer, intent(in) :: local_n
    integer, intent(in) :: mask_color, mem
    type(dlops_darray), intent(inout) :: x
    integer, intent(out), optional :: ierr
    call dlops_darray_create_ext_i8(ctx, int(shape, c_int64_t), axis, partition, dtype, int(local_n, c_int64_t), &
         mask_color, mem, x, ierr)
  end subroutine dlops_darray_create_ext_i4

  !> A stacked array of parts(:) (it keeps its own references; destroy your handles as usual).
  !> Local.
  subroutine dlops_darray_create_stacked(parts, x, ierr)
    type(dlops_darray), intent(in) :: parts(:)
    type(dlops_darray), intent(inout) :: x
    integer, intent(out), optional :: ierr
    call f_check(c_darray_create_stacked(int(size(parts), c_int), parts, x), 'dlops_darray_create_stacked', ierr)
  end subroutine dlops_darray_create_stacked

  !> A new zero array with the layout of x. Local.
  subroutine dlops_darray_duplicate(x, y, ierr)
    type(dlops_darray), intent(in) :: x
    type(dlops_darray), intent(inout) :: y
    integer, intent(out), optional :: ierr
    call f_check(c_darray_duplicate(x%ptr, y), 'dlops_darray_duplicate', ierr)
  end subroutine dlops_darray_duplicate

  !> Destroy an array (drop this reference) and null the handle. Local.
  subroutine dlops_darray_destroy(x, ierr)
    type(dlops_darray), intent(inout) :: x
    integer, intent(out), optional :: ierr
    call f_borrow_drop(x%ptr)
    call f_check(c_darray_destroy(x), 'dlops_darray_destroy', ierr)
  end subroutine dlops_darray_destroy

  ! ================================================================== queries (all local)
  subroutine dlops_darray_get_ctx(x, ctx, ierr)
    type(dlops_darray), intent(in) :: x
    type(dlops_ctx), intent(out) :: ctx
    integer, intent(out), optional :: ierr
    call f_check(c_darray_get_ctx(x%ptr, ctx), 'dlops_darray_get_ctx', ierr)
  end subroutine dlops_darray_get_ctx

  subroutine dlops_darray_get_ndim(x, ndim, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(out) :: ndim
    integer, intent(out), optional :: ierr
    integer(c_int) :: v
    v = 0
    call f_check(c_darray_get_ndim(x%ptr, v), 'dlops_darray_get_ndim', ierr)
    ndim = int(v)
  end subroutine dlops_darray_get_ndim

  !> Global shape in C order (allocated to ndim entries). dlops_shape_to_fortran reverses it.
  subroutine dlops_darray_get_global_shape(x, shape, ierr)
    type(dlops_darray), intent(in) :: x
    integer(c_int64_t), allocatable, intent(out) :: shape(:)
    integer, intent(out), optional :: ierr
    integer(c_int64_t) :: s(DLOPS_MAX_NDIM)
    integer(c_int) :: nd, rc
    nd = 0
    s = 0
    rc = c_darray_get_ndim(x%ptr, nd)
    if (rc == DLOPS_SUCCESS) rc = c_darray_get_global_shape(x%ptr, s)
    if (rc /= DLOPS_SUCCESS) nd = 0
    shape = s(1:nd)
    call f_check(rc, 'dlops_darray_get_global_shape', ierr)
  end subroutine dlops_darray_get_global_shape

  !> This rank's local shape in C order (allocated to ndim entries).
  subroutine dlops_darray_get_local_shape(x, shape, ierr)
    type(dlops_darray), intent(in) :: x
    integer(c_int64_t), allocatable, intent(out) :: shape(:)
    integer, intent(out), optional :: ierr
    integer(c_int64_t) :: s(DLOPS_MAX_NDIM)
    integer(c_int) :: nd, rc
    nd = 0
    s = 0
    rc = c_darray_get_ndim(x%ptr, nd)
    if (rc == DLOPS_SUCCESS) rc = c_darray_get_local_shape(x%ptr, s)
    if (rc /= DLOPS_SUCCESS) nd = 0
    shape = s(1:nd)
    call f_check(rc, 'dlops_darray_get_local_shape', ierr)
  end subroutine dlops_darray_get_local_shape

  !> Distributed axis (C numbering, 0-based).
  subroutine dlops_darray_get_axis(x, axis, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(out) :: axis
    integer, intent(out), optional :: ierr
    integer(c_int) :: v
    v = 0
    call f_check(c_darray_get_axis(x%ptr, v), 'dlops_darray_get_axis', ierr)
    axis = int(v)
  end subroutine dlops_darray_get_axis

  subroutine dlops_darray_get_partition(x, partition, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(out) :: partition
    integer, intent(out), optional :: ierr
    integer(c_int) :: v
    v = 0
    call f_check(c_darray_get_partition(x%ptr, v), 'dlops_darray_get_partition', ierr)
    partition = int(v)
  end subroutine dlops_darray_get_partition

  subroutine dlops_darray_get_dtype(x, dtype, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(out) :: dtype
    integer, intent(out), optional :: ierr
    integer(c_int) :: v
    v = 0
    call f_check(c_darray_get_dtype(x%ptr, v), 'dlops_darray_get_dtype', ierr)
    dtype = int(v)
  end subroutine dlops_darray_get_dtype

  subroutine dlops_darray_get_memspace(x, mem, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(out) :: mem
    integer, intent(out), optional :: ierr
    integer(c_int) :: v
    v = 0
    call f_check(c_darray_get_memspace(x%ptr, v), 'dlops_darray_get_memspace', ierr)
    mem = int(v)
  end subroutine dlops_darray_get_memspace

  !> Mask colour of this rank (-1 when unmasked).
  subroutine dlops_darray_get_mask_color(x, color, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(out) :: color
    integer, intent(out), optional :: ierr
    integer(c_int) :: v
    v = 0
    call f_check(c_darray_get_mask_color(x%ptr, v), 'dlops_darray_get_mask_color', ierr)
    color = int(v)
  end subroutine dlops_darray_get_mask_color

  !> Number of elements stored on this rank.
  subroutine dlops_darray_get_local_size(x, n, ierr)
    type(dlops_darray), intent(in) :: x
    integer(c_int64_t), intent(out) :: n
    integer, intent(out), optional :: ierr
    n = 0
    call f_check(c_darray_get_local_size(x%ptr, n), 'dlops_darray_get_local_size', ierr)
  end subroutine dlops_darray_get_local_size

  !> Number of elements of the global array.
  subroutine dlops_darray_get_global_size(x, n, ierr)
    type(dlops_darray), intent(in) :: x
    integer(c_int64_t), intent(out) :: n
    integer, intent(out), optional :: ierr
    n = 0
    call f_check(c_darray_get_global_size(x%ptr, n), 'dlops_darray_get_global_size', ierr)
  end subroutine dlops_darray_get_global_size

  !> Start (0-based) of this rank's slab along the distributed axis.
  subroutine dlops_darray_get_offset(x, offset, ierr)
    type(dlops_darray), intent(in) :: x
    integer(c_int64_t), intent(out) :: offset
    integer, intent(out), optional :: ierr
    offset = 0
    call f_check(c_darray_get_offset(x%ptr, offset), 'dlops_darray_get_offset', ierr)
  end subroutine dlops_darray_get_offset

  !> Sizes along the distributed axis of every rank (allocated to the context size; entry r+1 is
  !> rank r).
  subroutine dlops_darray_get_axis_sizes(x, sizes, ierr)
    type(dlops_darray), intent(in) :: x
    integer(c_int64_t), allocatable, intent(out) :: sizes(:)
    integer, intent(out), optional :: ierr
    type(dlops_ctx) :: ctx
    integer(c_int) :: rc, p
    p = 0
    rc = c_darray_get_ctx(x%ptr, ctx)
    if (rc == DLOPS_SUCCESS) rc = c_ctx_get_size(ctx%ptr, p)
    allocate (sizes(p))
    sizes = 0
    if (rc == DLOPS_SUCCESS) rc = c_darray_get_axis_sizes(x%ptr, sizes)
    call f_check(rc, 'dlops_darray_get_axis_sizes', ierr)
  end subroutine dlops_darray_get_axis_sizes

  subroutine dlops_darray_is_stacked(x, stacked, ierr)
    type(dlops_darray), intent(in) :: x
    logical, intent(out) :: stacked
    integer, intent(out), optional :: ierr
    integer(c_int) :: v
    v = 0
    call f_check(c_darray_is_stacked(x%ptr, v), 'dlops_darray_is_stacked', ierr)
    stacked = v /= 0
  end subroutine dlops_darray_is_stacked

  !> Number of components of a stacked array (1 for a plain array).
  subroutine dlops_darray_stacked_count(x, n, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(out) :: n
    integer, intent(out), optional :: ierr
    integer(c_int) :: v
    v = 0
    call f_check(c_darray_stacked_count(x%ptr, v), 'dlops_darray_stacked_count', ierr)
    n = int(v)
  end subroutine dlops_darray_stacked_count

  !> Borrowed handle of component i (0-based, as in C) of a stacked array: do not destroy it.
  subroutine dlops_darray_stacked_get(x, i, part, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: i
    type(dlops_darray), intent(out) :: part
    integer, intent(out), optional :: ierr
    call f_check(c_darray_stacked_get(x%ptr, int(i, c_int), part), 'dlops_darray_stacked_get', ierr)
  end subroutine dlops_darray_stacked_get

  ! ================================================================== local data
  !> Raw local block pointer in memory space mem (as C). Return it with
  !> dlops_darray_restore_local_cptr. Local.
  subroutine dlops_darray_get_local_cptr(x, mem, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: mem
    type(c_ptr), intent(out) :: ptr
    integer, intent(out), optional :: ierr
    ptr = c_null_ptr
    call f_check(c_darray_get_local(x%ptr, int(mem, c_int), ptr), 'dlops_darray_get_local', ierr)
  end subroutine dlops_darray_get_local_cptr

  !> Borrow the local block for reading only, as a C pointer in memory space mem: a host borrow of
  !> a device array is a copy that is not written back. Return it with
  !> dlops_darray_restore_local_read_cptr. Local.
  subroutine dlops_darray_get_local_read_cptr(x, mem, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: mem
    type(c_ptr), intent(out) :: ptr
    integer, intent(out), optional :: ierr
    ptr = c_null_ptr
    call f_check(c_darray_get_local_read(x%ptr, int(mem, c_int), ptr), 'dlops_darray_get_local_read', ierr)
  end subroutine dlops_darray_get_local_read_cptr

  !> Return a pointer from dlops_darray_get_local_read_cptr; nulls it. Local.
  subroutine dlops_darray_restore_local_read_cptr(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    type(c_ptr), intent(inout) :: ptr
    integer, intent(out), optional :: ierr
    call f_check(c_darray_restore_local_read(x%ptr, ptr), 'dlops_darray_restore_local_read', ierr)
  end subroutine dlops_darray_restore_local_read_cptr

  !> y = f(x) element by element for a map kind (DLOPS_MAP_*) with parameters p0, p1; y may be
  !> x. Runs where the data lives. Local.
  subroutine dlops_darray_map(kind, p0, p1, x, y, ierr)
    integer, intent(in) :: kind
    real(c_double), intent(in) :: p0, p1
    type(dlops_darray), intent(in) :: x, y
    integer, intent(out), optional :: ierr
    call f_check(c_darray_map(int(kind, c_int), p0, p1, x%ptr, y%ptr), 'dlops_darray_map', ierr)
  end subroutine dlops_darray_map

  !> Fill x with values uniform in [lo, hi) that depend only on seed and the global position of
  !> each element (the same at every rank count). Local.
  subroutine dlops_darray_fill_random(x, seed, lo, hi, ierr)
    type(dlops_darray), intent(in) :: x
    integer(c_int64_t), intent(in) :: seed
    real(c_double), intent(in) :: lo, hi
    integer, intent(out), optional :: ierr
    call f_check(c_darray_fill_random(x%ptr, int(seed, c_long_long), lo, hi), 'dlops_darray_fill_random', ierr)
  end subroutine dlops_darray_fill_random

  !> Return a pointer from dlops_darray_get_local_cptr; nulls it. Local.
  subroutine dlops_darray_restore_local_cptr(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    type(c_ptr), intent(inout) :: ptr
    integer, intent(out), optional :: ierr
    call f_check(c_darray_restore_local(x%ptr, ptr), 'dlops_darray_restore_local', ierr)
  end subroutine dlops_darray_restore_local_cptr

  subroutine f_borrow_add(h, d)
    type(c_ptr), intent(in) :: h, d
    type(f_borrow), allocatable :: t(:)
    integer :: i
    if (.not. allocated(f_borrows)) allocate (f_borrows(8))
    do i = 1, size(f_borrows)
      if (.not. c_associated(f_borrows(i)%handle)) then
        f_borrows(i) = f_borrow(h, d)
        return
      end if
    end do
    allocate (t(2 * size(f_borrows)))
    t(1:size(f_borrows)) = f_borrows
    i = size(f_borrows) + 1
    call move_alloc(t, f_borrows)
    f_borrows(i) = f_borrow(h, d)
  end subroutine f_borrow_add

  function f_borrow_find(h) result(i)
    type(c_ptr), intent(in) :: h
    integer :: i
    if (allocated(f_borrows) .and. c_associated(h)) then
      do i = 1, size(f_borrows)
        if (c_associated(f_borrows(i)%handle, h)) return
      end do
    end if
    i = 0
  end function f_borrow_find

  subroutine f_borrow_drop(h)
    type(c_ptr), intent(in) :: h
    integer :: i
    i = f_borrow_find(h)
    if (i > 0) f_borrows(i) = f_borrow()
  end subroutine f_borrow_drop

  function f_kind_name(dtype) result(s)
    integer(c_int), intent(in) :: dtype
    character(len=:), allocatable :: s
    select case (dtype)
    case (DLOPS_F32)
      s = 'real(c_float)'
    case (DLOPS_F64)
      s = 'real(c_double)'
    case (DLOPS_C64)
      s = 'complex(c_float_complex)'
    case default
      s = 'complex(c_double_complex)'
    end select
  end function f_kind_name

  !> Borrow the local block of x for a Fortran pointer of element type dtype and rank prank:
  !> checks the kind and the rank, returns the data pointer and the Fortran (reversed) shape.
  function f_get_view(x, dtype, prank, cp, shp) result(rc)
    type(dlops_darray), intent(in) :: x
    integer(c_int), intent(in) :: dtype
    integer, intent(in) :: prank
    type(c_ptr), intent(out) :: cp
    integer(c_int64_t), intent(out) :: shp(prank)
    integer(c_int) :: rc, xt, nd
    integer(c_int64_t) :: ls(DLOPS_MAX_NDIM)
    cp = c_null_ptr
    shp = 0
    xt = -1
    nd = 0
    ls = 0
    rc = c_darray_get_dtype(x%ptr, xt)
    if (rc /= DLOPS_SUCCESS) return
    if (xt /= dtype) then
      rc = f_error(DLOPS_ERR_ARG, 'dlops_darray_get_local: the array holds ' // dlops_dtype_name(int(xt)) // &
           ' elements but the pointer is ' // f_kind_name(dtype) // ' (use a pointer of kind ' // &
           f_kind_name(xt) // ')')
      return
    end if
    rc = c_darray_get_local(x%ptr, DLOPS_MEM_HOST, cp)
    if (rc /= DLOPS_SUCCESS) return
    rc = c_darray_get_ndim(x%ptr, nd)
    if (rc == DLOPS_SUCCESS) rc = c_darray_get_local_shape(x%ptr, ls)
    if (rc == DLOPS_SUCCESS .and. prank /= 1 .and. prank /= nd) then
      rc = f_error(DLOPS_ERR_ARG, 'dlops_darray_get_local: the array has ' // f_itoa(int(nd, c_int64_t)) // &
           ' dimensions but the pointer has rank ' // f_itoa(int(prank, c_int64_t)) // &
           ' (use a pointer of that rank, or rank 1 for the flat local block)')
    end if
    if (rc /= DLOPS_SUCCESS) then
      ! give the block back; the error to report is the one above
      if (c_darray_restore_local(x%ptr, cp) /= DLOPS_SUCCESS) cp = c_null_ptr
      cp = c_null_ptr
      return
    end if
    if (prank == 1) then
      shp(1) = product(ls(1:nd))
    else
      shp = ls(nd:1:-1)
    end if
    call f_borrow_add(x%ptr, cp)
  end function f_get_view

  !> Return the block borrowed by f_get_view.
  function f_restore_view(x) result(rc)
    type(dlops_darray), intent(in) :: x
    integer(c_int) :: rc
    type(c_ptr) :: cp
    integer :: i
    i = f_borrow_find(x%ptr)
    if (i == 0) then
      rc = f_error(DLOPS_ERR_STATE, 'dlops_darray_restore_local: no local block of this array is borrowed ' // &
           'through dlops_darray_get_local')
      return
    end if
    cp = f_borrows(i)%data
    rc = c_darray_restore_local(x%ptr, cp)
    if (rc == DLOPS_SUCCESS) f_borrows(i) = f_borrow()
  end function f_restore_view

  !> Make every replica of a BROADCAST array equal to rank 0's. **Collective**.
  subroutine dlops_darray_sync_broadcast(x, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(out), optional :: ierr
    call f_check(c_darray_sync_broadcast(x%ptr), 'dlops_darray_sync_broadcast', ierr)
  end subroutine dlops_darray_sync_broadcast

  ! ================================================================== vector operations
  !> dlops_darray_fill(x, value [, ierr]): x = value everywhere. Local.
  subroutine dlops_darray_fill_s(x, value, ierr)
    type(dlops_darray), intent(in) :: x
    type(dlops_scalar), intent(in) :: value
    integer, intent(out), optional :: ierr
    call f_check(c_darray_fill(x%ptr, value), 'dlops_darray_fill', ierr)
  end subroutine dlops_darray_fill_s
  subroutine dlops_darray_fill_i(x, value, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: value
    integer, intent(out), optional :: ierr
    call dlops_darray_fill_s(x, f_scalar_i(value), ierr)
  end subroutine dlops_darray_fill_i
  subroutine dlops_darray_fill_r4(x, value, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_float), intent(in) :: value
    integer, intent(out), optional :: ierr
    call dlops_darray_fill_s(x, f_scalar_r4(value), ierr)
  end subroutine dlops_darray_fill_r4
  subroutine dlops_darray_fill_r8(x, value, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_double), intent(in) :: value
    integer, intent(out), optional :: ierr
    call dlops_darray_fill_s(x, f_scalar_r8(value), ierr)
  end subroutine dlops_darray_fill_r8
  subroutine dlops_darray_fill_c4(x, value, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_float_complex), intent(in) :: value
    integer, intent(out), optional :: ierr
    call dlops_darray_fill_s(x, f_scalar_c4(value), ierr)
  end subroutine dlops_darray_fill_c4
  subroutine dlops_darray_fill_c8(x, value, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_double_complex), intent(in) :: value
    integer, intent(out), optional :: ierr
    call dlops_darray_fill_s(x, f_scalar_c8(value), ierr)
  end subroutine dlops_darray_fill_c8

  !> y = x (same layout; the element types may differ: values are converted). Local.
  subroutine dlops_darray_copy(x, y, ierr)
    type(dlops_darray), intent(in) :: x, y
    integer, intent(out), optional :: ierr
    call f_check(c_darray_copy(x%ptr, y%ptr), 'dlops_darray_copy', ierr)
  end subroutine dlops_darray_copy

  !> dlops_darray_axpby(alpha, x, beta, y [, ierr]): y = alpha*x + beta*y. Local.
  subroutine dlops_darray_axpby_s(alpha, x, beta, y, ierr)
    type(dlops_scalar), intent(in) :: alpha, beta
    type(dlops_darray), intent(in) :: x, y
    integer, intent(out), optional :: ierr
    call f_check(c_darray_axpby(alpha, x%ptr, beta, y%ptr), 'dlops_darray_axpby', ierr)
  end subroutine dlops_darray_axpby_s
  subroutine dlops_darray_axpby_r4(alpha, x, beta, y, ierr)
    real(c_float), intent(in) :: alpha, beta
    type(dlops_darray), intent(in) :: x, y
    integer, intent(out), optional :: ierr
    call dlops_darray_axpby_s(f_scalar_r4(alpha), x, f_scalar_r4(beta), y, ierr)
  end subroutine dlops_darray_axpby_r4
  subroutine dlops_darray_axpby_r8(alpha, x, beta, y, ierr)
    real(c_double), intent(in) :: alpha, beta
    type(dlops_darray), intent(in) :: x, y
    integer, intent(out), optional :: ierr
    call dlops_darray_axpby_s(f_scalar_r8(alpha), x, f_scalar_r8(beta), y, ierr)
  end subroutine dlops_darray_axpby_r8
  subroutine dlops_darray_axpby_c4(alpha, x, beta, y, ierr)
    complex(c_float_complex), intent(in) :: alpha, beta
    type(dlops_darray), intent(in) :: x, y
    integer, intent(out), optional :: ierr
    call dlops_darray_axpby_s(f_scalar_c4(alpha), x, f_scalar_c4(beta), y, ierr)
  end subroutine dlops_darray_axpby_c4
  subroutine dlops_darray_axpby_c8(alpha, x, beta, y, ierr)
    complex(c_double_complex), intent(in) :: alpha, beta
    type(dlops_darray), intent(in) :: x, y
    integer, intent(out), optional :: ierr
    call dlops_darray_axpby_s(f_scalar_c8(alpha), x, f_scalar_c8(beta), y, ierr)
  end subroutine dlops_darray_axpby_c8

  !> dlops_darray_scale(x, alpha [, ierr]): x = alpha*x. Local.
  subroutine dlops_darray_scale_s(x, alpha, ierr)
    type(dlops_darray), intent(in) :: x
    type(dlops_scalar), intent(in) :: alpha
    integer, intent(out), optional :: ierr
    call f_check(c_darray_scale(x%ptr, alpha), 'dlops_darray_scale', ierr)
  end subroutine dlops_darray_scale_s
  subroutine dlops_darray_scale_i(x, alpha, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: alpha
    integer, intent(out), optional :: ierr
    call dlops_darray_scale_s(x, f_scalar_i(alpha), ierr)
  end subroutine dlops_darray_scale_i
  subroutine dlops_darray_scale_r4(x, alpha, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_float), intent(in) :: alpha
    integer, intent(out), optional :: ierr
    call dlops_darray_scale_s(x, f_scalar_r4(alpha), ierr)
  end subroutine dlops_darray_scale_r4
  subroutine dlops_darray_scale_r8(x, alpha, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_double), intent(in) :: alpha
    integer, intent(out), optional :: ierr
    call dlops_darray_scale_s(x, f_scalar_r8(alpha), ierr)
  end subroutine dlops_darray_scale_r8
  subroutine dlops_darray_scale_c4(x, alpha, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_float_complex), intent(in) :: alpha
    integer, intent(out), optional :: ierr
    call dlops_darray_scale_s(x, f_scalar_c4(alpha), ierr)
  end subroutine dlops_darray_scale_c4
  subroutine dlops_darray_scale_c8(x, alpha, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_double_complex), intent(in) :: alpha
    integer, intent(out), optional :: ierr
    call dlops_darray_scale_s(x, f_scalar_c8(alpha), ierr)
  end subroutine dlops_darray_scale_c8

  !> x = conj(x) (no-op for real arrays). Local.
  subroutine dlops_darray_conj(x, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(out), optional :: ierr
    call f_check(c_darray_conj(x%ptr), 'dlops_darray_conj', ierr)
  end subroutine dlops_darray_conj

  !> z = x .* y element by element (z may be x or y). Local.
  subroutine dlops_darray_pointwise_mult(x, y, z, ierr)
    type(dlops_darray), intent(in) :: x, y, z
    integer, intent(out), optional :: ierr
    call f_check(c_darray_pointwise_mult(x%ptr, y%ptr, z%ptr), 'dlops_darray_pointwise_mult', ierr)
  end subroutine dlops_darray_pointwise_mult

  !> Checks that a real result is asked only of a real array (the same answer on every rank, as
  !> the element type is agreed at creation).
  function f_real_result_ok(x, where) result(rc)
    type(dlops_darray), intent(in) :: x
    character(len=*), intent(in) :: where
    integer(c_int) :: rc, t
    t = -1
    rc = c_darray_get_dtype(x%ptr, t)
    if (rc == DLOPS_SUCCESS .and. (t == DLOPS_C64 .or. t == DLOPS_C128)) &
         rc = f_error(DLOPS_ERR_ARG, where // ': a real result was passed for a complex (' // &
         dlops_dtype_name(int(t)) // ') array: pass a complex(c_double_complex) or type(dlops_scalar) result')
  end function f_real_result_ok

  !> dlops_darray_dot(x, y, result [, ierr]): sum_i x_i*y_i over the global array. **Collective**.
  subroutine dlops_darray_dot_s(x, y, result, ierr)
    type(dlops_darray), intent(in) :: x, y
    type(dlops_scalar), intent(out) :: result
    integer, intent(out), optional :: ierr
    call f_check(c_darray_dot(x%ptr, y%ptr, result), 'dlops_darray_dot', ierr)
  end subroutine dlops_darray_dot_s
  subroutine dlops_darray_dot_c8(x, y, result, ierr)
    type(dlops_darray), intent(in) :: x, y
    complex(c_double_complex), intent(out) :: result
    integer, intent(out), optional :: ierr
    type(dlops_scalar) :: s
    call f_check(c_darray_dot(x%ptr, y%ptr, s), 'dlops_darray_dot', ierr)
    result = cmplx(s%re, s%im, c_double_complex)
  end subroutine dlops_darray_dot_c8
  subroutine dlops_darray_dot_r8(x, y, result, ierr)
    type(dlops_darray), intent(in) :: x, y
    real(c_double), intent(out) :: result
    integer, intent(out), optional :: ierr
    type(dlops_scalar) :: s
    integer(c_int) :: rc
    rc = f_real_result_ok(x, 'dlops_darray_dot')
    if (rc == DLOPS_SUCCESS) rc = c_darray_dot(x%ptr, y%ptr, s)
    result = s%re
    call f_check(rc, 'dlops_darray_dot', ierr)
  end subroutine dlops_darray_dot_r8

  !> dlops_darray_vdot(x, y, result [, ierr]): sum_i conj(x_i)*y_i. **Collective**.
  subroutine dlops_darray_vdot_s(x, y, result, ierr)
    type(dlops_darray), intent(in) :: x, y
    type(dlops_scalar), intent(out) :: result
    integer, intent(out), optional :: ierr
    call f_check(c_darray_vdot(x%ptr, y%ptr, result), 'dlops_darray_vdot', ierr)
  end subroutine dlops_darray_vdot_s
  subroutine dlops_darray_vdot_c8(x, y, result, ierr)
    type(dlops_darray), intent(in) :: x, y
    complex(c_double_complex), intent(out) :: result
    integer, intent(out), optional :: ierr
    type(dlops_scalar) :: s
    call f_check(c_darray_vdot(x%ptr, y%ptr, s), 'dlops_darray_vdot', ierr)
    result = cmplx(s%re, s%im, c_double_complex)
  end subroutine dlops_darray_vdot_c8
  subroutine dlops_darray_vdot_r8(x, y, result, ierr)
    type(dlops_darray), intent(in) :: x, y
    real(c_double), intent(out) :: result
    integer, intent(out), optional :: ierr
    type(dlops_scalar) :: s
    integer(c_int) :: rc
    rc = f_real_result_ok(x, 'dlops_darray_vdot')
    if (rc == DLOPS_SUCCESS) rc = c_darray_vdot(x%ptr, y%ptr, s)
    result = s%re
    call f_check(rc, 'dlops_darray_vdot', ierr)
  end subroutine dlops_darray_vdot_r8

  !> dlops_darray_norm(x, ord, result [, ierr]): vector norm of the flattened array in double
  !> precision: ord = 2, 1, DLOPS_NORM_INF (max |x_i|), DLOPS_NORM_MINUS_INF (min |x_i|), 0
  !> (non-zeros) or any p > 0. **Collective**.
  subroutine dlops_darray_norm_r8(x, ord, result, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_double), intent(in) :: ord
    real(c_double), intent(out) :: result
    integer, intent(out), optional :: ierr
    real(c_double) :: o
    o = ord
    if (o >= huge(o)) o = ieee_value(o, ieee_positive_inf)
    if (o <= -huge(o)) o = ieee_value(o, ieee_negative_inf)
    result = 0
    call f_check(c_darray_norm(x%ptr, o, result), 'dlops_darray_norm', ierr)
  end subroutine dlops_darray_norm_r8
  subroutine dlops_darray_norm_i(x, ord, result, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: ord
    real(c_double), intent(out) :: result
    integer, intent(out), optional :: ierr
    call dlops_darray_norm_r8(x, real(ord, c_double), result, ierr)
  end subroutine dlops_darray_norm_i

  !> dlops_darray_multi_dot(xs, ys, conj_first, result [, ierr]): result(k) = dot (or vdot when
  !> conj_first(k)) of xs(k), ys(k), in one reduction. All arrays have size n >= 1.
  !> **Collective**.
  subroutine dlops_darray_multi_dot_s(xs, ys, conj_first, result, ierr)
    type(dlops_darray), intent(in) :: xs(:), ys(:)
    logical, intent(in) :: conj_first(:)
    type(dlops_scalar), intent(out) :: result(:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    integer(c_int), allocatable :: cf(:)
    integer :: n
    n = size(xs)
    if (size(ys) /= n .or. size(conj_first) /= n .or. size(result) /= n) then
      rc = f_error(DLOPS_ERR_ARG, 'dlops_darray_multi_dot: xs, ys, conj_first and result must have the same size')
    else
      allocate (cf(n))
      cf = merge(1_c_int, 0_c_int, conj_first)
      rc = c_darray_multi_dot(int(n, c_int), xs, ys, cf, result)
    end if
    call f_check(rc, 'dlops_darray_multi_dot', ierr)
  end subroutine dlops_darray_multi_dot_s
  subroutine dlops_darray_multi_dot_c8(xs, ys, conj_first, result, ierr)
    type(dlops_darray), intent(in) :: xs(:), ys(:)
    logical, intent(in) :: conj_first(:)
    complex(c_double_complex), intent(out) :: result(:)
    integer, intent(out), optional :: ierr
    type(dlops_scalar) :: s(size(result))
    integer :: k
    call dlops_darray_multi_dot_s(xs, ys, conj_first, s, ierr)
    do k = 1, size(result)
      result(k) = cmplx(s(k)%re, s(k)%im, c_double_complex)
    end do
  end subroutine dlops_darray_multi_dot_c8

  !> Common part of multi_dot_begin: r is the address of n (re, im) pairs.
  function f_multi_dot_begin(xs, ys, conj_first, n, r, req) result(rc)
    type(dlops_darray), intent(in) :: xs(:), ys(:)
    logical, intent(in) :: conj_first(:)
    integer, intent(in) :: n
    type(c_ptr), intent(in) :: r
    type(dlops_pending), intent(inout) :: req
    integer(c_int) :: rc
    integer(c_int), allocatable :: cf(:)
    if (size(xs) /= n .or. size(ys) /= n .or. size(conj_first) /= n .or. n < 1) then
      rc = f_error(DLOPS_ERR_ARG, 'dlops_darray_multi_dot_begin: xs, ys, conj_first and result must have ' // &
           'the same size >= 1')
      return
    end if
    allocate (cf(n))
    cf = merge(1_c_int, 0_c_int, conj_first)
    rc = c_darray_multi_dot_begin(int(n, c_int), xs, ys, cf, r, req)
  end function f_multi_dot_begin

  !> dlops_darray_multi_dot_begin(xs, ys, conj_first, result, req [, ierr]): start
  !> dlops_darray_multi_dot without waiting for the reduction (overlap it with other work). result
  !> (type(dlops_scalar) or complex(c_double_complex)) must be a contiguous array with the TARGET
  !> (or POINTER) attribute that stays alive: it is written by dlops_darray_multi_dot_end(req).
  !> **Collective**.
  subroutine dlops_darray_multi_dot_begin_s(xs, ys, conj_first, result, req, ierr)
    type(dlops_darray), intent(in) :: xs(:), ys(:)
    logical, intent(in) :: conj_first(:)
    type(dlops_scalar), intent(inout), target, contiguous :: result(:)
    type(dlops_pending), intent(inout) :: req
    integer, intent(out), optional :: ierr
    call f_check(f_multi_dot_begin(xs, ys, conj_first, size(result), c_loc(result), req), &
         'dlops_darray_multi_dot_begin', ierr)
  end subroutine dlops_darray_multi_dot_begin_s
  subroutine dlops_darray_multi_dot_begin_c8(xs, ys, conj_first, result, req, ierr)
    type(dlops_darray), intent(in) :: xs(:), ys(:)
    logical, intent(in) :: conj_first(:)
    complex(c_double_complex), intent(inout), target, contiguous :: result(:)
    type(dlops_pending), intent(inout) :: req
    integer, intent(out), optional :: ierr
    ! complex(c_double_complex) has the layout of dlops_scalar: (re, im) in double precision
    call f_check(f_multi_dot_begin(xs, ys, conj_first, size(result), c_loc(result), req), &
         'dlops_darray_multi_dot_begin', ierr)
  end subroutine dlops_darray_multi_dot_begin_c8

  !> Complete a reduction started by dlops_darray_multi_dot_begin (writes its result) and null
  !> req. **Collective** (with the matching begin).
  subroutine dlops_darray_multi_dot_end(req, ierr)
    type(dlops_pending), intent(inout) :: req
    integer, intent(out), optional :: ierr
    call f_check(c_darray_multi_dot_end(req), 'dlops_darray_multi_dot_end', ierr)
  end subroutine dlops_darray_multi_dot_end

  ! ================================================================== data movement
  !> Common part of scatter and gather: which is 1 for scatter, 2 for gather. The buffer is
  !> checked (kind, size) on the ranks that use it; a bad buffer is passed on as a null pointer
  !> so that C fails on every rank (the check is agreed there) and nobody hangs.
  function f_move(x, dtype, cp_in, n, root, which) result(rc)
    type(dlops_darray), intent(in) :: x
    integer(c_int), intent(in) :: dtype
    type(c_ptr), intent(in) :: cp_in
    integer(c_int64_t), intent(in) :: n
    integer, intent(in) :: root, which
    integer(c_int) :: rc, xt, me
    integer(c_int64_t) :: need
    type(dlops_ctx) :: ctx
    type(c_ptr) :: cp
    character(len=:), allocatable :: msg, where
    where = merge('dlops_darray_scatter', 'dlops_darray_gather ', which == 1)
    where = trim(where)
    xt = -1
    me = 0
    need = 0
    rc = c_darray_get_dtype(x%ptr, xt)
    if (rc == DLOPS_SUCCESS) rc = c_darray_get_ctx(x%ptr, ctx)
    if (rc == DLOPS_SUCCESS) rc = c_ctx_get_rank(ctx%ptr, me)
    if (rc == DLOPS_SUCCESS) rc = c_darray_get_global_size(x%ptr, need)
    if (rc /= DLOPS_SUCCESS) return
    cp = cp_in
    msg = ''
    if (root < 0 .or. root == me) then
      if (xt /= dtype) then
        msg = where // ': the array holds ' // dlops_dtype_name(int(xt)) // ' elements but the global buffer is ' // &
             f_kind_name(dtype)
      else if (n < need) then
        msg = where // ': the global buffer has ' // f_itoa(n) // ' elements, the array needs ' // f_itoa(need)
      else if (.not. c_associated(cp)) then
        cp = c_loc(f_empty)
      end if
      if (len(msg) > 0) cp = c_null_ptr
    end if
    if (which == 1) then
      rc = c_darray_scatter(x%ptr, cp, int(root, c_int))
    else
      rc = c_darray_gather(x%ptr, cp, int(root, c_int))
    end if
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
  end function f_move

  !> Common part of add_ghost_cells, same idea as f_move.
  function f_ghost(x, front, back, dtype, cp_in, n) result(rc)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: front, back
    integer(c_int), intent(in) :: dtype
    type(c_ptr), intent(in) :: cp_in
    integer(c_int64_t), intent(in) :: n
    integer(c_int) :: rc, xt, nd
    integer(c_int64_t) :: gs(DLOPS_MAX_NDIM), need
    type(c_ptr) :: cp
    character(len=:), allocatable :: msg
    xt = -1
    nd = 0
    gs = 0
    rc = c_darray_get_dtype(x%ptr, xt)
    if (rc == DLOPS_SUCCESS) rc = c_darray_get_ndim(x%ptr, nd)
    if (rc /= DLOPS_SUCCESS) return
    msg = ''
    cp = cp_in
    need = 0
    if (c_darray_ghost_shape(x%ptr, int(max(front, 0), c_int64_t), int(max(back, 0), c_int64_t), gs) &
         == DLOPS_SUCCESS) need = product(gs(1:nd))
    if (xt /= dtype) then
      msg = 'dlops_darray_add_ghost_cells: the array holds ' // dlops_dtype_name(int(xt)) // &
           ' elements but the ghosted buffer is ' // f_kind_name(dtype)
    else if (n < need) then
      msg = 'dlops_darray_add_ghost_cells: the ghosted buffer has ' // f_itoa(n) // ' elements, it needs ' // &
           f_itoa(need) // ' (see dlops_darray_ghost_shape)'
    else if (.not. c_associated(cp)) then
      cp = c_loc(f_empty)
    end if
    if (len(msg) > 0) cp = c_null_ptr
    rc = c_darray_add_ghost_cells(x%ptr, int(front, c_int64_t), int(back, c_int64_t), cp)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
  end function f_ghost

  !> New SCATTER array y with the data of x distributed along C axis new_axis. **Collective**.
  subroutine dlops_darray_redistribute(x, new_axis, y, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: new_axis
    type(dlops_darray), intent(inout) :: y
    integer, intent(out), optional :: ierr
    call f_check(c_darray_redistribute(x%ptr, int(new_axis, c_int), y), 'dlops_darray_redistribute', ierr)
  end subroutine dlops_darray_redistribute

  !> Shape (C order, allocated to ndim entries) of the ghosted local block. Local.
  subroutine dlops_darray_ghost_shape(x, cells_front, cells_back, shape, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: cells_front, cells_back
    integer(c_int64_t), allocatable, intent(out) :: shape(:)
    integer, intent(out), optional :: ierr
    integer(c_int64_t) :: s(DLOPS_MAX_NDIM)
    integer(c_int) :: nd, rc
    nd = 0
    s = 0
    rc = c_darray_get_ndim(x%ptr, nd)
    if (rc == DLOPS_SUCCESS) rc = c_darray_ghost_shape(x%ptr, int(cells_front, c_int64_t), &
         int(cells_back, c_int64_t), s)
    if (rc /= DLOPS_SUCCESS) nd = 0
    shape = s(1:nd)
    call f_check(rc, 'dlops_darray_ghost_shape', ierr)
  end subroutine dlops_darray_ghost_shape

  ! ================================================================== .npy files
  !> Write x to a .npy file numpy reads (C order; a Fortran reader sees the Fortran shape with
  !> numpy's fortran_order=False, i.e. np.load(path).T is the Fortran-shaped field).
  !> **Collective**.
  subroutine dlops_darray_write_npy(x, path, ierr)
    type(dlops_darray), intent(in) :: x
    character(len=*), intent(in) :: path
    integer, intent(out), optional :: ierr
    call f_check(c_darray_write_npy(x%ptr, f_cstr(path)), 'dlops_darray_write_npy', ierr)
  end subroutine dlops_darray_write_npy

  !> Read a .npy file into a new array distributed along C axis `axis`. **Collective**.
  subroutine dlops_darray_read_npy(ctx, path, axis, partition, x, ierr)
    type(dlops_ctx), intent(in) :: ctx
    character(len=*), intent(in) :: path
    integer, intent(in) :: axis, partition
    type(dlops_darray), intent(inout) :: x
    integer, intent(out), optional :: ierr
    call f_check(c_darray_read_npy(ctx%ptr, f_cstr(path), int(axis, c_int), int(partition, c_int), x), &
         'dlops_darray_read_npy', ierr)
  end subroutine dlops_darray_read_npy

  ! ================================================================== operators: core (op.h)
  !> y = A x. x must have A's domain layout and y its range layout (DLOPS_ERR_SIZE otherwise).
  !> **Collective**.
  subroutine dlops_op_apply(A, x, y, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_darray), intent(in) :: x, y
    integer, intent(out), optional :: ierr
    call f_check(c_op_apply(A%ptr, x%ptr, y%ptr), 'dlops_op_apply', ierr)
  end subroutine dlops_op_apply

  !> x = A^H y. **Collective**.
  subroutine dlops_op_apply_adjoint(A, y, x, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_darray), intent(in) :: y, x
    integer, intent(out), optional :: ierr
    call f_check(c_op_apply_adjoint(A%ptr, y%ptr, x%ptr), 'dlops_op_apply_adjoint', ierr)
  end subroutine dlops_op_apply_adjoint

  !> dlops_op_create_vecs(A [, x] [, y] [, ierr]): new zero-filled arrays with A's domain (x)
  !> and range (y) layouts; either may be left out (pass the others by keyword). Not collective
  !> for unmasked layouts.
  subroutine dlops_op_create_vecs(A, x, y, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_darray), intent(inout), optional :: x, y
    integer, intent(out), optional :: ierr
    call f_check(c_op_create_vecs(A%ptr, x, y), 'dlops_op_create_vecs', ierr)
  end subroutine dlops_op_create_vecs

  !> Drop a reference to A and null the handle (a null handle is a no-op). Not collective.
  subroutine dlops_op_destroy(A, ierr)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    call f_check(c_op_destroy(A), 'dlops_op_destroy', ierr)
  end subroutine dlops_op_destroy

  !> Global shape: nrows = range size, ncols = domain size. Not collective.
  subroutine dlops_op_get_shape(A, nrows, ncols, ierr)
    type(dlops_op), intent(in) :: A
    integer(c_int64_t), intent(out) :: nrows, ncols
    integer, intent(out), optional :: ierr
    nrows = 0
    ncols = 0
    call f_check(c_op_get_shape(A%ptr, nrows, ncols), 'dlops_op_get_shape', ierr)
  end subroutine dlops_op_get_shape

  !> dims: the model shape (PyLops' dims) in C order, allocated to its number of entries. Not
  !> collective.
  subroutine dlops_op_get_dims(A, dims, ierr)
    type(dlops_op), intent(in) :: A
    integer(c_int64_t), allocatable, intent(out) :: dims(:)
    integer, intent(out), optional :: ierr
    integer(c_int64_t) :: s(DLOPS_MAX_NDIM)
    integer(c_int) :: nd, rc
    nd = 0
    s = 0
    rc = c_op_get_dims(A%ptr, nd, s)
    if (rc /= DLOPS_SUCCESS) nd = 0
    dims = s(1:max(0, min(nd, DLOPS_MAX_NDIM)))
    call f_check(rc, 'dlops_op_get_dims', ierr)
  end subroutine dlops_op_get_dims

  !> dimsd: the data shape (PyLops' dimsd) in C order, allocated. Not collective.
  subroutine dlops_op_get_dimsd(A, dimsd, ierr)
    type(dlops_op), intent(in) :: A
    integer(c_int64_t), allocatable, intent(out) :: dimsd(:)
    integer, intent(out), optional :: ierr
    integer(c_int64_t) :: s(DLOPS_MAX_NDIM)
    integer(c_int) :: nd, rc
    nd = 0
    s = 0
    rc = c_op_get_dimsd(A%ptr, nd, s)
    if (rc /= DLOPS_SUCCESS) nd = 0
    dimsd = s(1:max(0, min(nd, DLOPS_MAX_NDIM)))
    call f_check(rc, 'dlops_op_get_dimsd', ierr)
  end subroutine dlops_op_get_dimsd

  !> Element type (DLOPS_F32, ...). Not collective.
  subroutine dlops_op_get_dtype(A, dtype, ierr)
    type(dlops_op), intent(in) :: A
    integer, intent(out) :: dtype
    integer, intent(out), optional :: ierr
    integer(c_int) :: v
    v = 0
    call f_check(c_op_get_dtype(A%ptr, v), 'dlops_op_get_dtype', ierr)
    dtype = int(v)
  end subroutine dlops_op_get_dtype

  !> The operator's context (borrowed: do not destroy). Not collective.
  subroutine dlops_op_get_ctx(A, ctx, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_ctx), intent(out) :: ctx
    integer, intent(out), optional :: ierr
    call f_check(c_op_get_ctx(A%ptr, ctx), 'dlops_op_get_ctx', ierr)
  end subroutine dlops_op_get_ctx

  !> Short name of the operator kind ("blockdiag", "product", "user", ...). Not collective.
  subroutine dlops_op_get_name(A, name, ierr)
    type(dlops_op), intent(in) :: A
    character(len=:), allocatable, intent(out) :: name
    integer, intent(out), optional :: ierr
    type(c_ptr) :: s
    integer(c_int) :: rc
    s = c_null_ptr
    rc = c_op_get_name(A%ptr, s)
    name = f_string(s)
    call f_check(rc, 'dlops_op_get_name', ierr)
  end subroutine dlops_op_get_name

  !> dlops_op_dottest(A, rtol, seed, passed [, relerr] [, ierr]): checks <A u, v> = <u, A^H v>
  !> on random u, v drawn from seed, to relative tolerance rtol. passed is the same on every
  !> rank; relerr receives the relative difference. **Collective**.
  subroutine dlops_op_dottest_i8(A, rtol, seed, passed, relerr, ierr)
    type(dlops_op), intent(in) :: A
    real(c_double), intent(in) :: rtol
    integer(c_int64_t), intent(in) :: seed
    logical, intent(out) :: passed
    real(c_double), intent(out), optional :: relerr
    integer, intent(out), optional :: ierr
    integer(c_int) :: p
    real(c_double) :: e
    p = 0
    e = 0
    call f_check(c_op_dottest(A%ptr, rtol, int(seed, c_long_long), p, e), 'dlops_op_dottest', ierr)
    passed = p /= 0
    if (present(relerr)) relerr = e
  end subroutine dlops_op_dottest_i8
  subroutine dlops_op_dottest_i4(A, rtol, seed, passed, relerr, ierr)
    type(dlops_op), intent(in) :: A
    real(c_double), intent(in) :: rtol
    integer, intent(in) :: seed
    logical, intent(out) :: passed
    real(c_double), intent(out), optional :: relerr
    integer, intent(out), optional :: ierr
    call dlops_op_dottest_i8(A, rtol, int(seed, c_int64_t), passed, relerr, ierr)
  end subroutine dlops_op_dottest_i4

  ! ================================================================== operators: algebra (not collective)
  !> C = A B (A's domain layout must equal B's range layout).
  subroutine dlops_op_create_product(A, B, C, ierr)
    type(dlops_op), intent(in) :: A, B
    type(dlops_op), intent(inout) :: C
    integer, intent(out), optional :: ierr
    call f_check(c_op_create_product(A%ptr, B%ptr, C), 'dlops_op_create_product', ierr)
  end subroutine dlops_op_create_product

  !> C = A + B (same layouts).
  subroutine dlops_op_create_sum(A, B, C, ierr)
    type(dlops_op), intent(in) :: A, B
    type(dlops_op), intent(inout) :: C
    integer, intent(out), optional :: ierr
    call f_check(c_op_create_sum(A%ptr, B%ptr, C), 'dlops_op_create_sum', ierr)
  end subroutine dlops_op_create_sum

  !> dlops_op_create_scaled(A, alpha, C [, ierr]): C = alpha A.
  subroutine dlops_op_create_scaled_s(A, alpha, C, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_scalar), intent(in) :: alpha
    type(dlops_op), intent(inout) :: C
    integer, intent(out), optional :: ierr
    call f_check(c_op_create_scaled(A%ptr, alpha, C), 'dlops_op_create_scaled', ierr)
  end subroutine dlops_op_create_scaled_s
  subroutine dlops_op_create_scaled_i(A, alpha, C, ierr)
    type(dlops_op), intent(in) :: A
    integer, intent(in) :: alpha
    type(dlops_op), intent(inout) :: C
    integer, intent(out), optional :: ierr
    call dlops_op_create_scaled_s(A, f_scalar_i(alpha), C, ierr)
  end subroutine dlops_op_create_scaled_i
  subroutine dlops_op_create_scaled_r4(A, alpha, C, ierr)
    type(dlops_op), intent(in) :: A
    real(c_float), intent(in) :: alpha
    type(dlops_op), intent(inout) :: C
    integer, intent(out), optional :: ierr
    call dlops_op_create_scaled_s(A, f_scalar_r4(alpha), C, ierr)
  end subroutine dlops_op_create_scaled_r4
  subroutine dlops_op_create_scaled_r8(A, alpha, C, ierr)
    type(dlops_op), intent(in) :: A
    real(c_double), intent(in) :: alpha
    type(dlops_op), intent(inout) :: C
    integer, intent(out), optional :: ierr
    call dlops_op_create_scaled_s(A, f_scalar_r8(alpha), C, ierr)
  end subroutine dlops_op_create_scaled_r8
  subroutine dlops_op_create_scaled_c4(A, alpha, C, ierr)
    type(dlops_op), intent(in) :: A
    complex(c_float_complex), intent(in) :: alpha
    type(dlops_op), intent(inout) :: C
    integer, intent(out), optional :: ierr
    call dlops_op_create_scaled_s(A, f_scalar_c4(alpha), C, ierr)
  end subroutine dlops_op_create_scaled_c4
  subroutine dlops_op_create_scaled_c8(A, alpha, C, ierr)
    type(dlops_op), intent(in) :: A
    complex(c_double_complex), intent(in) :: alpha
    type(dlops_op), intent(inout) :: C
    integer, intent(out), optional :: ierr
    call dlops_op_create_scaled_s(A, f_scalar_c8(alpha), C, ierr)
  end subroutine dlops_op_create_scaled_c8

  !> C = A^H.
  subroutine dlops_op_create_adjoint(A, C, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_op), intent(inout) :: C
    integer, intent(out), optional :: ierr
    call f_check(c_op_create_adjoint(A%ptr, C), 'dlops_op_create_adjoint', ierr)
  end subroutine dlops_op_create_adjoint

  !> C = A^T (= conj(A^H)).
  subroutine dlops_op_create_transpose(A, C, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_op), intent(inout) :: C
    integer, intent(out), optional :: ierr
    call f_check(c_op_create_transpose(A%ptr, C), 'dlops_op_create_transpose', ierr)
  end subroutine dlops_op_create_transpose

  !> C = conj(A).
  subroutine dlops_op_create_conj(A, C, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_op), intent(inout) :: C
    integer, intent(out), optional :: ierr
    call f_check(c_op_create_conj(A%ptr, C), 'dlops_op_create_conj', ierr)
  end subroutine dlops_op_create_conj

  !> C = A^p, p >= 0 (A square with equal domain and range layouts; p = 0 is the identity).
  subroutine dlops_op_create_power(A, p, C, ierr)
    type(dlops_op), intent(in) :: A
    integer, intent(in) :: p
    type(dlops_op), intent(inout) :: C
    integer, intent(out), optional :: ierr
    call f_check(c_op_create_power(A%ptr, int(p, c_int), C), 'dlops_op_create_power', ierr)
  end subroutine dlops_op_create_power

  ! ================================================================== user operators
  !> dlops_op_create_user(domain, range, apply, apply_adjoint, user, destroy, A [, ierr]):
  !> an operator from Fortran callbacks. domain and range are template arrays fixing the
  !> layouts (the operator keeps references to them, never their data; destroy your handles when
  !> you like). apply and apply_adjoint are bind(C) functions with the interface
  !> dlops_op_callback; apply_adjoint may be left out (the adjoint then fails with
  !> DLOPS_ERR_UNSUPPORTED). user is passed to the callbacks (c_loc of a TARGET variable, or
  !> c_null_ptr); destroy (a bind(C) subroutine with the interface dlops_user_destroy, may be
  !> left out) is called with user when the operator is freed. When leaving an optional
  !> procedure out, pass the following arguments by keyword (A=...). Not collective.
  subroutine dlops_op_create_user(domain, range, apply, apply_adjoint, user, destroy, A, ierr)
    type(dlops_darray), intent(in) :: domain, range
    procedure(dlops_op_callback) :: apply
    procedure(dlops_op_callback), optional :: apply_adjoint
    type(c_ptr), intent(in) :: user
    procedure(dlops_user_destroy), optional :: destroy
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_funptr) :: fa, fd
    fa = c_null_funptr
    fd = c_null_funptr
    if (present(apply_adjoint)) fa = c_funloc(apply_adjoint)
    if (present(destroy)) fd = c_funloc(destroy)
    call f_check(c_op_create_user(domain%ptr, range%ptr, c_funloc(apply), fa, user, fd, A), 'dlops_op_create_user', ierr)
  end subroutine dlops_op_create_user

  ! ================================================================== basic operators
  !> Common tail of the creators taking a typed buffer: kind_ok tells whether the buffer's kind
  !> matches dtype, have whether it holds at least the elements the operator reads. A bad buffer
  !> becomes a bad dtype (kind) or a null pointer (size) so that C fails on every rank (its
  !> checks are agreed), and the Fortran-side message replaces C's on the ranks that found it.
  subroutine f_buffer_args(where, dtype, kind_dtype, n, need, cp, t, msg)
    character(len=*), intent(in) :: where
    integer, intent(in) :: dtype
    integer(c_int), intent(in) :: kind_dtype
    integer(c_int64_t), intent(in) :: n, need
    type(c_ptr), intent(inout) :: cp
    integer(c_int), intent(out) :: t
    character(len=:), allocatable, intent(out) :: msg
    t = int(dtype, c_int)
    msg = ''
    if (dtype /= kind_dtype) then
      msg = where // ': dtype is ' // dlops_dtype_name(dtype) // ' but the buffer is ' // f_kind_name(kind_dtype) // &
           ' (pass a buffer of kind ' // f_kind_name(int(dtype, c_int)) // ')'
      t = -1
    else if (n < need) then
      msg = where // ': the buffer has ' // f_itoa(n) // ' elements, this rank needs ' // f_itoa(need)
      cp = c_null_ptr
    else if (.not. c_associated(cp)) then
      cp = c_loc(f_empty)
    end if
  end subroutine f_buffer_args

  !> Finish a creator that went through f_buffer_args.
  function f_buffer_rc(rc, msg) result(r)
    integer(c_int), intent(in) :: rc
    character(len=*), intent(in) :: msg
    integer(c_int) :: r
    r = rc
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) r = f_error(rc, msg)
  end function f_buffer_rc

  function f_matrix(ctx, nrows, ncols, dtype, kd, cp, n, A) result(rc)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nrows, ncols, n
    integer, intent(in) :: dtype
    integer(c_int), intent(in) :: kd
    type(c_ptr), intent(in) :: cp
    type(dlops_op), intent(inout) :: A
    integer(c_int) :: rc, t
    type(c_ptr) :: p
    character(len=:), allocatable :: msg
    p = cp
    call f_buffer_args('dlops_op_create_matrix', dtype, kd, n, max(0_c_int64_t, nrows) * max(0_c_int64_t, ncols), &
         p, t, msg)
    rc = f_buffer_rc(c_op_create_matrix(ctx%ptr, nrows, ncols, t, p, A), msg)
  end function f_matrix

  function f_diagonal(ctx, n, dtype, kd, cp, nbuf, A) result(rc)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: n, nbuf
    integer, intent(in) :: dtype
    integer(c_int), intent(in) :: kd
    type(c_ptr), intent(in) :: cp
    type(dlops_op), intent(inout) :: A
    integer(c_int) :: rc, t, p, r
    integer(c_int64_t) :: need
    type(c_ptr) :: q
    character(len=:), allocatable :: msg
    integer(c_int) :: e1, e2
    p = 1
    r = 0
    need = 0
    e1 = c_ctx_get_size(ctx%ptr, p)
    e2 = c_ctx_get_rank(ctx%ptr, r)
    if (e1 == DLOPS_SUCCESS .and. e2 == DLOPS_SUCCESS .and. n >= 0 .and. p > 0) then
      need = n / p
      if (r < mod(n, int(p, c_int64_t))) need = need + 1
    end if
    q = cp
    call f_buffer_args('dlops_op_create_diagonal', dtype, kd, nbuf, need, q, t, msg)
    rc = f_buffer_rc(c_op_create_diagonal(ctx%ptr, n, t, q, A), msg)
  end function f_diagonal

  function f_convolve1d(ctx, dims, axis, kd, cp, nh, offset, dtype, A) result(rc)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:), nh, offset
    integer, intent(in) :: axis, dtype
    integer(c_int), intent(in) :: kd
    type(c_ptr), intent(in) :: cp
    type(dlops_op), intent(inout) :: A
    integer(c_int) :: rc, t
    type(c_ptr) :: q
    character(len=:), allocatable :: msg
    q = cp
    call f_buffer_args('dlops_op_create_convolve1d', dtype, kd, nh, nh, q, t, msg)
    rc = f_buffer_rc(c_op_create_convolve1d(ctx%ptr, int(size(dims), c_int), dims, int(axis, c_int), q, nh, offset, &
         t, A), msg)
  end function f_convolve1d

  !> Identity nrows x ncols (copies min(nrows, ncols) leading entries; PyLops' Identity(N, M));
  !> rectangular only on a one-rank context. Vectors: 1-D SCATTER, default split.
  subroutine dlops_op_create_identity_i8(ctx, nrows, ncols, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nrows, ncols
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    call f_check(c_op_create_identity(ctx%ptr, nrows, ncols, int(dtype, c_int), A), 'dlops_op_create_identity', ierr)
  end subroutine dlops_op_create_identity_i8
  subroutine dlops_op_create_identity_i4(ctx, nrows, ncols, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nrows, ncols
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    call dlops_op_create_identity_i8(ctx, int(nrows, c_int64_t), int(ncols, c_int64_t), dtype, A, ierr)
  end subroutine dlops_op_create_identity_i4

  !> Zero operator nrows x ncols.
  subroutine dlops_op_create_zero_i8(ctx, nrows, ncols, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nrows, ncols
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    call f_check(c_op_create_zero(ctx%ptr, nrows, ncols, int(dtype, c_int), A), 'dlops_op_create_zero', ierr)
  end subroutine dlops_op_create_zero_i8
  subroutine dlops_op_create_zero_i4(ctx, nrows, ncols, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nrows, ncols
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    call dlops_op_create_zero_i8(ctx, int(nrows, c_int64_t), int(ncols, c_int64_t), dtype, A, ierr)
  end subroutine dlops_op_create_zero_i4

  ! ================================================================== derivative family
  !> dlops_op_create_first_derivative(ctx, dims, axis, sampling, kind, order, edge, dtype, A
  !> [, ierr]): first derivative along C axis `axis` (0-based) of an N-D model of C shape dims
  !> (a Fortran field u(n1, ..., nk) has dims = dlops_shape_from_fortran(shape(u)) and its
  !> dimension d is axis dlops_axis_from_fortran(d, k)), distributed along axis 0 (the slowest,
  !> i.e. the last Fortran dimension). kind DLOPS_DERIV_FORWARD/BACKWARD/CENTERED, order 3 or 5
  !> (centered), edge (centered): PyLops' stencils. **Collective**.
  subroutine dlops_op_create_first_derivative_i8(ctx, dims, axis, sampling, kind, order, edge, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_double), intent(in) :: sampling
    integer, intent(in) :: kind, order
    logical, intent(in) :: edge
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    call f_check(c_op_create_first_derivative(ctx%ptr, int(size(dims), c_int), dims, int(axis, c_int), sampling, &
         int(kind, c_int), int(order, c_int), merge(1_c_int, 0_c_int, edge), int(dtype, c_int), A), &
         'dlops_op_create_first_derivative', ierr)
  end subroutine dlops_op_create_first_derivative_i8
  subroutine dlops_op_create_first_derivative_i4(ctx, dims, axis, sampling, kind, order, edge, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_double), intent(in) :: sampling
    integer, intent(in) :: kind, order
    logical, intent(in) :: edge
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    call dlops_op_create_first_derivative_i8(ctx, int(dims, c_int64_t), axis, sampling, kind, order, edge, dtype, A, &
         ierr)
  end subroutine dlops_op_create_first_derivative_i4

  !> dlops_op_create_second_derivative(ctx, dims, axis, sampling, kind, edge, dtype, A [, ierr]):
  !> second derivative along C axis `axis` (as the first derivative). **Collective**.
  subroutine dlops_op_create_second_derivative_i8(ctx, dims, axis, sampling, kind, edge, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_double), intent(in) :: sampling
    integer, intent(in) :: kind
    logical, intent(in) :: edge
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    call f_check(c_op_create_second_derivative(ctx%ptr, int(size(dims), c_int), dims, int(axis, c_int), sampling, &
         int(kind, c_int), merge(1_c_int, 0_c_int, edge), int(dtype, c_int), A), 'dlops_op_create_second_derivative', ierr)
  end subroutine dlops_op_create_second_derivative_i8
  subroutine dlops_op_create_second_derivative_i4(ctx, dims, axis, sampling, kind, edge, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_double), intent(in) :: sampling
    integer, intent(in) :: kind
    logical, intent(in) :: edge
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    call dlops_op_create_second_derivative_i8(ctx, int(dims, c_int64_t), axis, sampling, kind, edge, dtype, A, ierr)
  end subroutine dlops_op_create_second_derivative_i4

  !> dlops_op_create_laplacian(ctx, dims, axes, weights, sampling, kind, edge, dtype, A [, ierr]):
  !> sum over k of weights(k) * second derivative along C axis axes(k) with sampling(k)
  !> (PyLops-MPI MPILaplacian); axes, weights and sampling have the same size. **Collective**.
  subroutine dlops_op_create_laplacian_i8(ctx, dims, axes, weights, sampling, kind, edge, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: axes(:)
    real(c_double), intent(in) :: weights(:), sampling(:)
    integer, intent(in) :: kind
    logical, intent(in) :: edge
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    if (size(weights) /= size(axes) .or. size(sampling) /= size(axes)) then
      rc = f_error(DLOPS_ERR_ARG, 'dlops_op_create_laplacian: axes, weights and sampling must have the same size')
      ! still enter the collective call (with no axes) so that every rank fails together
      if (c_op_create_laplacian(ctx%ptr, int(size(dims), c_int), dims, -1_c_int, [0_c_int], [0.0_c_double], &
           [0.0_c_double], int(kind, c_int), 0_c_int, int(dtype, c_int), A) == DLOPS_SUCCESS) &
           rc = f_error(DLOPS_ERR_INTERNAL, 'dlops_op_create_laplacian: a bad axis count was accepted')
    else
      rc = c_op_create_laplacian(ctx%ptr, int(size(dims), c_int), dims, int(size(axes), c_int), int(axes, c_int), &
           weights, sampling, int(kind, c_int), merge(1_c_int, 0_c_int, edge), int(dtype, c_int), A)
    end if
    call f_check(rc, 'dlops_op_create_laplacian', ierr)
  end subroutine dlops_op_create_laplacian_i8
  subroutine dlops_op_create_laplacian_i4(ctx, dims, axes, weights, sampling, kind, edge, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: axes(:)
    real(c_double), intent(in) :: weights(:), sampling(:)
    integer, intent(in) :: kind
    logical, intent(in) :: edge
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    call dlops_op_create_laplacian_i8(ctx, int(dims, c_int64_t), axes, weights, sampling, kind, edge, dtype, A, ierr)
  end subroutine dlops_op_create_laplacian_i4

  !> dlops_op_create_gradient(ctx, dims, sampling, kind, edge, dtype, A [, ierr]): first
  !> derivatives along every C axis (sampling(size(dims))); the range is a stacked array of
  !> size(dims) components (PyLops-MPI MPIGradient). **Collective**.
  subroutine dlops_op_create_gradient_i8(ctx, dims, sampling, kind, edge, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    real(c_double), intent(in) :: sampling(:)
    integer, intent(in) :: kind
    logical, intent(in) :: edge
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    real(c_double), target :: s(max(1, size(dims)))
    type(c_ptr) :: sp
    integer(c_int) :: rc
    ! a sampling array of the wrong size goes to C as NULL, which fails on every rank
    s = 0
    sp = c_null_ptr
    if (size(sampling) == size(dims)) then
      s(1:size(sampling)) = sampling
      sp = c_loc(s)
    end if
    rc = c_op_create_gradient(ctx%ptr, int(size(dims), c_int), dims, sp, int(kind, c_int), merge(1_c_int, 0_c_int, edge), &
         int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. size(sampling) /= size(dims)) &
         rc = f_error(rc, 'dlops_op_create_gradient: sampling has ' // f_itoa(int(size(sampling), c_int64_t)) // &
         ' entries, one per axis (' // f_itoa(int(size(dims), c_int64_t)) // ') is needed')
    call f_check(rc, 'dlops_op_create_gradient', ierr)
  end subroutine dlops_op_create_gradient_i8
  subroutine dlops_op_create_gradient_i4(ctx, dims, sampling, kind, edge, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    real(c_double), intent(in) :: sampling(:)
    integer, intent(in) :: kind
    logical, intent(in) :: edge
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    call dlops_op_create_gradient_i8(ctx, int(dims, c_int64_t), sampling, kind, edge, dtype, A, ierr)
  end subroutine dlops_op_create_gradient_i4

  !> dlops_op_create_transpose_axes(ctx, dims, perm, dtype, A [, ierr]): y = x.transpose(perm)
  !> in C terms (dims in C order, perm of 0-based C axes). One-rank context.
  subroutine dlops_op_create_transpose_axes_i8(ctx, dims, perm, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: perm(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    if (size(perm) /= size(dims)) then
      rc = f_error(DLOPS_ERR_ARG, 'dlops_op_create_transpose_axes: perm has ' // f_itoa(int(size(perm), c_int64_t)) // &
           ' entries but dims has ' // f_itoa(int(size(dims), c_int64_t)))
    else
      rc = c_op_create_transpose_axes(ctx%ptr, int(size(dims), c_int), dims, int(perm, c_int), int(dtype, c_int), A)
    end if
    call f_check(rc, 'dlops_op_create_transpose_axes', ierr)
  end subroutine dlops_op_create_transpose_axes_i8
  subroutine dlops_op_create_transpose_axes_i4(ctx, dims, perm, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: perm(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    call dlops_op_create_transpose_axes_i8(ctx, int(dims, c_int64_t), perm, dtype, A, ierr)
  end subroutine dlops_op_create_transpose_axes_i4

  ! ================================================================== distributed composition
  !> Block-diagonal operator (PyLops-MPI MPIBlockDiag): ops(:) are this rank's local operators
  !> (one-rank contexts; size 0 allowed), applied to consecutive pieces of its local block.
  !> mask_color as in dlops_darray_create_ext (-1: none). **Collective**.
  subroutine dlops_op_create_blockdiag(ctx, ops, mask_color, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_op), intent(in) :: ops(:)
    integer, intent(in) :: mask_color
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(dlops_op) :: o(max(1, size(ops)))
    o(1:size(ops)) = ops
    call f_check(c_op_create_blockdiag(ctx%ptr, int(size(ops), c_int), o, int(mask_color, c_int), A), &
         'dlops_op_create_blockdiag', ierr)
  end subroutine dlops_op_create_blockdiag

  !> Stacked block diagonal of distributed operators (stacked domain and range). Not collective.
  subroutine dlops_op_create_stacked_blockdiag(ops, A, ierr)
    type(dlops_op), intent(in) :: ops(:)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(dlops_op) :: o(max(1, size(ops)))
    o(1:size(ops)) = ops
    call f_check(c_op_create_stacked_blockdiag(int(size(ops), c_int), o, A), 'dlops_op_create_stacked_blockdiag', ierr)
  end subroutine dlops_op_create_stacked_blockdiag

  !> Vertical stack (PyLops-MPI MPIVStack) of this rank's local operators (equal column counts
  !> on every rank; size 0 allowed): domain BROADCAST, range SCATTER. **Collective**.
  subroutine dlops_op_create_vstack(ctx, ops, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_op), intent(in) :: ops(:)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(dlops_op) :: o(max(1, size(ops)))
    o(1:size(ops)) = ops
    call f_check(c_op_create_vstack(ctx%ptr, int(size(ops), c_int), o, A), 'dlops_op_create_vstack', ierr)
  end subroutine dlops_op_create_vstack

  !> Horizontal stack (PyLops-MPI MPIHStack): domain SCATTER, range BROADCAST. **Collective**.
  subroutine dlops_op_create_hstack(ctx, ops, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_op), intent(in) :: ops(:)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(dlops_op) :: o(max(1, size(ops)))
    o(1:size(ops)) = ops
    call f_check(c_op_create_hstack(ctx%ptr, int(size(ops), c_int), o, A), 'dlops_op_create_hstack', ierr)
  end subroutine dlops_op_create_hstack

  !> Stack of distributed operators with the same domain; the range is stacked
  !> (MPIStackedVStack). Not collective.
  subroutine dlops_op_create_stacked_vstack(ops, A, ierr)
    type(dlops_op), intent(in) :: ops(:)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(dlops_op) :: o(max(1, size(ops)))
    o(1:size(ops)) = ops
    call f_check(c_op_create_stacked_vstack(int(size(ops), c_int), o, A), 'dlops_op_create_stacked_vstack', ierr)
  end subroutine dlops_op_create_stacked_vstack

  !> A local operator applied to every rank's copy of a BROADCAST (or UNSAFE_BROADCAST,
  !> `partition`) array. **Collective**.
  subroutine dlops_op_create_replicated(ctx, local, partition, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_op), intent(in) :: local
    integer, intent(in) :: partition
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    call f_check(c_op_create_replicated(ctx%ptr, local%ptr, int(partition, c_int), A), 'dlops_op_create_replicated', ierr)
  end subroutine dlops_op_create_replicated

  !> dlops_op_create_halo(ctx, dims, halo, grid, dtype, A [, ierr]): N-D Cartesian halo
  !> exchange (PyLops-MPI MPIHalo), all in C order: dims(ndim), halo(2*ndim) = (minus, plus)
  !> widths per axis, grid(ndim) the process grid, or a size-0 array for (1, ..., 1, P).
  !> **Collective**.
  subroutine dlops_op_create_halo_i8(ctx, dims, halo, grid, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:), halo(:)
    integer, intent(in) :: grid(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int), target :: g(max(1, size(dims)))
    integer(c_int64_t) :: h(max(1, 2 * size(dims)))
    type(c_ptr) :: gp
    integer(c_int) :: rc
    character(len=:), allocatable :: msg
    msg = ''
    ! short arrays are padded so that C never reads past them: a zero grid entry fails on every rank
    h = 0
    h(1:min(size(h), size(halo))) = halo(1:min(size(h), size(halo)))
    g = 0
    gp = c_null_ptr
    if (size(grid) > 0) then
      g(1:min(size(g), size(grid))) = int(grid(1:min(size(g), size(grid))), c_int)
      gp = c_loc(g)
    end if
    if (size(halo) /= 2 * size(dims)) then
      msg = 'dlops_op_create_halo: halo has ' // f_itoa(int(size(halo), c_int64_t)) // ' entries, 2*ndim = ' // &
           f_itoa(int(2 * size(dims), c_int64_t)) // ' are needed'
    else if (size(grid) /= 0 .and. size(grid) /= size(dims)) then
      msg = 'dlops_op_create_halo: grid has ' // f_itoa(int(size(grid), c_int64_t)) // ' entries, ndim = ' // &
           f_itoa(int(size(dims), c_int64_t)) // ' (or none) are needed'
      g = 0
      gp = c_loc(g)
    end if
    if (len(msg) > 0) h = -1  ! a negative width fails on every rank
    rc = c_op_create_halo(ctx%ptr, int(size(dims), c_int), dims, h, gp, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_halo', ierr)
  end subroutine dlops_op_create_halo_i8
  subroutine dlops_op_create_halo_i4(ctx, dims, halo, grid, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:), halo(:)
    integer, intent(in) :: grid(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    call dlops_op_create_halo_i8(ctx, int(dims, c_int64_t), int(halo, c_int64_t), grid, dtype, A, ierr)
  end subroutine dlops_op_create_halo_i4

  ! ================================================================== dense products (dense.h)
  !> dlops_ceil_block(n, q, t, start, len [, ierr]): the ceil-block range [start, start + len)
  !> (0-based, C meaning) of part t (0-based) of n split into q parts. Not collective.
  subroutine dlops_ceil_block_i8(n, q, t, start, len, ierr)
    integer(c_int64_t), intent(in) :: n
    integer, intent(in) :: q, t
    integer(c_int64_t), intent(out) :: start, len
    integer, intent(out), optional :: ierr
    start = 0
    len = 0
    call f_check(c_ceil_block(n, int(q, c_int), int(t, c_int), start, len), 'dlops_ceil_block', ierr)
  end subroutine dlops_ceil_block_i8
  subroutine dlops_ceil_block_i4(n, q, t, start, len, ierr)
    integer, intent(in) :: n
    integer, intent(in) :: q, t
    integer, intent(out) :: start, len
    integer, intent(out), optional :: ierr
    integer(c_int64_t) :: s, l
    call dlops_ceil_block_i8(int(n, c_int64_t), q, t, s, l, ierr)
    start = int(s)
    len = int(l)
  end subroutine dlops_ceil_block_i4

  !> Elements of this rank's A tile for dlops_op_create_matmul (0 when it cannot tell: C then
  !> reports the bad arguments).
  function f_matmul_tile(ctx, kind, pr_in, pc_in, N, K) result(need)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: kind, pr_in, pc_in
    integer(c_int64_t), intent(in) :: N, K
    integer(c_int64_t) :: need, s, an, ak
    integer(c_int) :: p, me
    integer :: pr, pc, i, j
    need = 0
    p = 0
    me = 0
    if (c_ctx_get_size(ctx%ptr, p) /= DLOPS_SUCCESS) return
    if (c_ctx_get_rank(ctx%ptr, me) /= DLOPS_SUCCESS) return
    pr = pr_in
    pc = pc_in
    if (pr == 0 .and. pc == 0) then  ! the most square grid, as C picks it
      pr = int(sqrt(real(p, c_double)))
      do while (pr > 1 .and. mod(int(p), pr) /= 0)
        pr = pr - 1
      end do
      pr = max(pr, 1)
      pc = int(p) / pr
    end if
    if (pr < 1 .or. pc < 1 .or. N < 0 .or. K < 0) return
    if (pr * pc > int(p) .or. int(me) >= pr * pc) return
    i = int(me) / pc
    j = mod(int(me), pc)
    an = 0
    ak = 0
    if (kind == DLOPS_MATMUL_BLOCK) then
      if (c_ceil_block(N, int(pc, c_int), int(j, c_int), s, an) /= DLOPS_SUCCESS) return
      ak = K
    else
      if (c_ceil_block(N, int(pr, c_int), int(i, c_int), s, an) /= DLOPS_SUCCESS) return
      if (c_ceil_block(K, int(pc, c_int), int(j, c_int), s, ak) /= DLOPS_SUCCESS) return
    end if
    need = an * ak
  end function f_matmul_tile

  function f_matmul(ctx, kind, pr, pc, N, K, M, kd, cp, na, nb, dtype, A) result(rc)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: kind, pr, pc, dtype
    integer(c_int64_t), intent(in) :: N, K, M, na, nb
    integer(c_int), intent(in) :: kd
    type(c_ptr), intent(in) :: cp
    type(dlops_op), intent(inout) :: A
    integer(c_int) :: rc, t
    type(c_ptr) :: q
    character(len=:), allocatable :: msg
    q = cp
    call f_buffer_args('dlops_op_create_matmul', dtype, kd, na, f_matmul_tile(ctx, kind, pr, pc, N, K), q, t, msg)
    rc = f_buffer_rc(c_op_create_matmul(ctx%ptr, int(kind, c_int), int(pr, c_int), int(pc, c_int), N, K, M, q, nb, t, &
         A), msg)
  end function f_matmul

  !> dlops_op_matmul_get_layout(A [, pr] [, pc] [, i] [, j] [, a_shape] [, x_shape] [, y_shape]
  !> [, ierr]): grid (pr, pc), this rank's 0-based grid position (i, j) (-1 when idle) and the
  !> C shapes (rows, cols) of its tiles of A, X and Y. The tiles are row-major, so as Fortran
  !> arrays they have the reversed shapes (cols, rows). Not collective.
  subroutine dlops_op_matmul_get_layout(A, pr, pc, i, j, a_shape, x_shape, y_shape, ierr)
    type(dlops_op), intent(in) :: A
    integer, intent(out), optional :: pr, pc, i, j
    integer(c_int64_t), intent(out), optional :: a_shape(2), x_shape(2), y_shape(2)
    integer, intent(out), optional :: ierr
    integer(c_int) :: v(4)
    integer(c_int64_t) :: s(2, 3)
    v = 0
    s = 0
    call f_check(c_op_matmul_get_layout(A%ptr, v(1), v(2), v(3), v(4), s(:, 1), s(:, 2), s(:, 3)), &
         'dlops_op_matmul_get_layout', ierr)
    if (present(pr)) pr = int(v(1))
    if (present(pc)) pc = int(v(2))
    if (present(i)) i = int(v(3))
    if (present(j)) j = int(v(4))
    if (present(a_shape)) a_shape = s(:, 1)
    if (present(x_shape)) x_shape = s(:, 2)
    if (present(y_shape)) y_shape = s(:, 3)
  end subroutine dlops_op_matmul_get_layout

  !> ScaLAPACK's numroc: local count of a block-cyclic dimension.
  pure function f_numroc(n, nb, iproc, isrc, nprocs) result(r)
    integer(c_int64_t), intent(in) :: n
    integer(c_int), intent(in) :: nb, iproc, isrc, nprocs
    integer(c_int64_t) :: r, nblocks, extra
    integer :: mydist
    r = 0
    if (nb < 1 .or. nprocs < 1 .or. n <= 0) return
    mydist = modulo(int(iproc - isrc), int(nprocs))
    nblocks = n / nb
    r = (nblocks / nprocs) * nb
    extra = mod(nblocks, int(nprocs, c_int64_t))
    if (mydist < extra) then
      r = r + nb
    else if (mydist == extra) then
      r = r + mod(n, int(nb, c_int64_t))
    end if
  end function f_numroc

  !> Checks the arguments of a p?gemm that C cannot check (descriptor lengths, local array sizes)
  !> and prepares what goes to C: 9-entry descriptors and data pointers, a null pointer for an
  !> array smaller than its local block (C then fails on every rank). Returns the message ('' if
  !> none).
  function f_pgemm_args(where, ctx, pr, pc, m, n, k, desca, descb, descc, na, nb_, nc, da, db, dc, pa, pb, pcc) &
       result(msg)
    character(len=*), intent(in) :: where
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: pr, pc
    integer(c_int64_t), intent(in) :: m, n, k, na, nb_, nc
    integer, intent(in) :: desca(:), descb(:), descc(:)
    integer(c_int), intent(out) :: da(9), db(9), dc(9)
    type(c_ptr), intent(inout) :: pa, pb, pcc
    character(len=:), allocatable :: msg
    integer(c_int) :: me
    integer :: myrow, mycol
    integer(c_int64_t) :: need
    msg = ''
    da = 0
    db = 0
    dc = 0
    da(1:min(9, size(desca))) = int(desca(1:min(9, size(desca))), c_int)
    db(1:min(9, size(descb))) = int(descb(1:min(9, size(descb))), c_int)
    dc(1:min(9, size(descc))) = int(descc(1:min(9, size(descc))), c_int)
    if (size(desca) < 9 .or. size(descb) < 9 .or. size(descc) < 9) then
      msg = where // ': descriptors have 9 entries'
      ! zero block sizes make C fail with DLOPS_ERR_ARG on every rank
      da = [1_c_int, 0_c_int, int(min(m, huge(1_c_int) + 0_c_int64_t), c_int), &
           int(min(k, huge(1_c_int) + 0_c_int64_t), c_int), 0_c_int, 0_c_int, 0_c_int, 0_c_int, 1_c_int]
      return
    end if
    me = 0
    if (c_ctx_get_rank(ctx%ptr, me) /= DLOPS_SUCCESS) return
    if (pr < 1 .or. pc < 1 .or. int(me) >= pr * pc) return
    myrow = int(me) / pc
    mycol = mod(int(me), pc)
    ! local blocks: lld x (local columns), column-major
    need = int(max(da(9), 0), c_int64_t) * f_numroc(k, da(6), int(mycol, c_int), da(8), int(pc, c_int))
    if (f_numroc(m, da(5), int(myrow, c_int), da(7), int(pr, c_int)) == 0) need = 0
    if (na < need) then
      msg = where // ': the local array a has ' // f_itoa(na) // ' elements, this rank needs ' // f_itoa(need)
      pa = c_null_ptr
    end if
    need = int(max(db(9), 0), c_int64_t) * f_numroc(n, db(6), int(mycol, c_int), db(8), int(pc, c_int))
    if (f_numroc(k, db(5), int(myrow, c_int), db(7), int(pr, c_int)) == 0) need = 0
    if (nb_ < need) then
      msg = where // ': the local array b has ' // f_itoa(nb_) // ' elements, this rank needs ' // f_itoa(need)
      pb = c_null_ptr
    end if
    need = int(max(dc(9), 0), c_int64_t) * f_numroc(n, dc(6), int(mycol, c_int), dc(8), int(pc, c_int))
    if (f_numroc(m, dc(5), int(myrow, c_int), dc(7), int(pr, c_int)) == 0) need = 0
    if (nc < need) then
      msg = where // ': the local array c has ' // f_itoa(nc) // ' elements, this rank needs ' // f_itoa(need)
      pcc = c_null_ptr
    end if
  end function f_pgemm_args

  !> dlops_pdgemm(ctx, pr, pc, m, n, k, alpha, a, desca, b, descb, beta, c, descc, nb [, ierr]):
  !> ScaLAPACK-shaped C = alpha A B + beta C (no transposes) on block-cyclic matrices: desca,
  !> descb, descc are ScaLAPACK descriptors (9 integers: dtype=1, ctxt (ignored), m, n, mb, nb,
  !> rsrc, csrc, lld); a, b, c are this rank's local arrays, column-major as in ScaLAPACK, so a
  !> Fortran array a(lld, local_cols) is passed as it is. The grid pr x pc uses the context's
  !> first pr*pc ranks in row-major order. nb: panel width (0 = the natural block width).
  !> **Collective**. dlops_psgemm (real(c_float)), dlops_pzgemm (complex(c_double_complex)) and
  !> dlops_pcgemm (complex(c_float_complex)) take the same arguments.
  subroutine dlops_pdgemm_i8(ctx, pr, pc, m, n, k, alpha, a, desca, b, descb, beta, c, descc, nb, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: pr, pc
    integer(c_int64_t), intent(in) :: m, n, k
    real(c_double), intent(in) :: alpha, beta
    real(c_double), intent(in), target, contiguous :: a(..), b(..)
    real(c_double), intent(inout), target, contiguous :: c(..)
    integer, intent(in) :: desca(:), descb(:), descc(:)
    integer(c_int64_t), intent(in) :: nb
    integer, intent(out), optional :: ierr
    integer(c_int) :: da(9), db(9), dc(9), rc
    type(c_ptr) :: pa, pb, pcc
    character(len=:), allocatable :: msg
    pa = c_loc(f_empty)
    pb = c_loc(f_empty)
    pcc = c_loc(f_empty)
    if (size(a) > 0) pa = c_loc(a)
    if (size(b) > 0) pb = c_loc(b)
    if (size(c) > 0) pcc = c_loc(c)
    msg = f_pgemm_args('dlops_pdgemm', ctx, pr, pc, m, n, k, desca, descb, descc, size(a, kind=c_int64_t), &
         size(b, kind=c_int64_t), size(c, kind=c_int64_t), da, db, dc, pa, pb, pcc)
    rc = c_pdgemm(ctx%ptr, int(pr, c_int), int(pc, c_int), m, n, k, alpha, pa, da, pb, db, beta, pcc, dc, nb)
    call f_check(f_buffer_rc(rc, msg), 'dlops_pdgemm', ierr)
  end subroutine dlops_pdgemm_i8
  subroutine dlops_pdgemm_i4(ctx, pr, pc, m, n, k, alpha, a, desca, b, descb, beta, c, descc, nb, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: pr, pc
    integer, intent(in) :: m, n, k
    real(c_double), intent(in) :: alpha, beta
    real(c_double), intent(in), target, contiguous :: a(..), b(..)
    real(c_double), intent(inout), target, contiguous :: c(..)
    integer, intent(in) :: desca(:), descb(:), descc(:)
    integer, intent(in) :: nb
    integer, intent(out), optional :: ierr
    call dlops_pdgemm_i8(ctx, pr, pc, int(m, c_int64_t), int(n, c_int64_t), int(k, c_int64_t), alpha, a, desca, b, &
         descb, beta, c, descc, int(nb, c_int64_t), ierr)
  end subroutine dlops_pdgemm_i4

  subroutine dlops_psgemm_i8(ctx, pr, pc, m, n, k, alpha, a, desca, b, descb, beta, c, descc, nb, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: pr, pc
    integer(c_int64_t), intent(in) :: m, n, k
    real(c_float), intent(in) :: alpha, beta
    real(c_float), intent(in), target, contiguous :: a(..), b(..)
    real(c_float), intent(inout), target, contiguous :: c(..)
    integer, intent(in) :: desca(:), descb(:), descc(:)
    integer(c_int64_t), intent(in) :: nb
    integer, intent(out), optional :: ierr
    integer(c_int) :: da(9), db(9), dc(9), rc
    type(c_ptr) :: pa, pb, pcc
    character(len=:), allocatable :: msg
    pa = c_loc(f_empty)
    pb = c_loc(f_empty)
    pcc = c_loc(f_empty)
    if (size(a) > 0) pa = c_loc(a)
    if (size(b) > 0) pb = c_loc(b)
    if (size(c) > 0) pcc = c_loc(c)
    msg = f_pgemm_args('dlops_psgemm', ctx, pr, pc, m, n, k, desca, descb, descc, size(a, kind=c_int64_t), &
         size(b, kind=c_int64_t), size(c, kind=c_int64_t), da, db, dc, pa, pb, pcc)
    rc = c_psgemm(ctx%ptr, int(pr, c_int), int(pc, c_int), m, n, k, alpha, pa, da, pb, db, beta, pcc, dc, nb)
    call f_check(f_buffer_rc(rc, msg), 'dlops_psgemm', ierr)
  end subroutine dlops_psgemm_i8
  subroutine dlops_psgemm_i4(ctx, pr, pc, m, n, k, alpha, a, desca, b, descb, beta, c, descc, nb, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: pr, pc
    integer, intent(in) :: m, n, k
    real(c_float), intent(in) :: alpha, beta
    real(c_float), intent(in), target, contiguous :: a(..), b(..)
    real(c_float), intent(inout), target, contiguous :: c(..)
    integer, intent(in) :: desca(:), descb(:), descc(:)
    integer, intent(in) :: nb
    integer, intent(out), optional :: ierr
    call dlops_psgemm_i8(ctx, pr, pc, int(m, c_int64_t), int(n, c_int64_t), int(k, c_int64_t), alpha, a, desca, b, &
         descb, beta, c, descc, int(nb, c_int64_t), ierr)
  end subroutine dlops_psgemm_i4

  subroutine dlops_pzgemm_i8(ctx, pr, pc, m, n, k, alpha, a, desca, b, descb, beta, c, descc, nb, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: pr, pc
    integer(c_int64_t), intent(in) :: m, n, k
    complex(c_double_complex), intent(in) :: alpha, beta
    complex(c_double_complex), intent(in), target, contiguous :: a(..), b(..)
    complex(c_double_complex), intent(inout), target, contiguous :: c(..)
    integer, intent(in) :: desca(:), descb(:), descc(:)
    integer(c_int64_t), intent(in) :: nb
    integer, intent(out), optional :: ierr
    integer(c_int) :: da(9), db(9), dc(9), rc
    type(c_ptr) :: pa, pb, pcc
    character(len=:), allocatable :: msg
    pa = c_loc(f_empty)
    pb = c_loc(f_empty)
    pcc = c_loc(f_empty)
    if (size(a) > 0) pa = c_loc(a)
    if (size(b) > 0) pb = c_loc(b)
    if (size(c) > 0) pcc = c_loc(c)
    msg = f_pgemm_args('dlops_pzgemm', ctx, pr, pc, m, n, k, desca, descb, descc, size(a, kind=c_int64_t), &
         size(b, kind=c_int64_t), size(c, kind=c_int64_t), da, db, dc, pa, pb, pcc)
    rc = c_pzgemm(ctx%ptr, int(pr, c_int), int(pc, c_int), m, n, k, f_scalar_c8(alpha), pa, da, pb, db, &
         f_scalar_c8(beta), pcc, dc, nb)
    call f_check(f_buffer_rc(rc, msg), 'dlops_pzgemm', ierr)
  end subroutine dlops_pzgemm_i8
  subroutine dlops_pzgemm_i4(ctx, pr, pc, m, n, k, alpha, a, desca, b, descb, beta, c, descc, nb, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: pr, pc
    integer, intent(in) :: m, n, k
    complex(c_double_complex), intent(in) :: alpha, beta
    complex(c_double_complex), intent(in), target, contiguous :: a(..), b(..)
    complex(c_double_complex), intent(inout), target, contiguous :: c(..)
    integer, intent(in) :: desca(:), descb(:), descc(:)
    integer, intent(in) :: nb
    integer, intent(out), optional :: ierr
    call dlops_pzgemm_i8(ctx, pr, pc, int(m, c_int64_t), int(n, c_int64_t), int(k, c_int64_t), alpha, a, desca, b, &
         descb, beta, c, descc, int(nb, c_int64_t), ierr)
  end subroutine dlops_pzgemm_i4

  subroutine dlops_pcgemm_i8(ctx, pr, pc, m, n, k, alpha, a, desca, b, descb, beta, c, descc, nb, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: pr, pc
    integer(c_int64_t), intent(in) :: m, n, k
    complex(c_float_complex), intent(in) :: alpha, beta
    complex(c_float_complex), intent(in), target, contiguous :: a(..), b(..)
    complex(c_float_complex), intent(inout), target, contiguous :: c(..)
    integer, intent(in) :: desca(:), descb(:), descc(:)
    integer(c_int64_t), intent(in) :: nb
    integer, intent(out), optional :: ierr
    integer(c_int) :: da(9), db(9), dc(9), rc
    type(c_ptr) :: pa, pb, pcc
    character(len=:), allocatable :: msg
    pa = c_loc(f_empty)
    pb = c_loc(f_empty)
    pcc = c_loc(f_empty)
    if (size(a) > 0) pa = c_loc(a)
    if (size(b) > 0) pb = c_loc(b)
    if (size(c) > 0) pcc = c_loc(c)
    msg = f_pgemm_args('dlops_pcgemm', ctx, pr, pc, m, n, k, desca, descb, descc, size(a, kind=c_int64_t), &
         size(b, kind=c_int64_t), size(c, kind=c_int64_t), da, db, dc, pa, pb, pcc)
    rc = c_pcgemm(ctx%ptr, int(pr, c_int), int(pc, c_int), m, n, k, f_scalar_c4(alpha), pa, da, pb, db, &
         f_scalar_c4(beta), pcc, dc, nb)
    call f_check(f_buffer_rc(rc, msg), 'dlops_pcgemm', ierr)
  end subroutine dlops_pcgemm_i8
  subroutine dlops_pcgemm_i4(ctx, pr, pc, m, n, k, alpha, a, desca, b, descb, beta, c, descc, nb, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: pr, pc
    integer, intent(in) :: m, n, k
    complex(c_float_complex), intent(in) :: alpha, beta
    complex(c_float_complex), intent(in), target, contiguous :: a(..), b(..)
    complex(c_float_complex), intent(inout), target, contiguous :: c(..)
    integer, intent(in) :: desca(:), descb(:), descc(:)
    integer, intent(in) :: nb
    integer, intent(out), optional :: ierr
    call dlops_pcgemm_i8(ctx, pr, pc, int(m, c_int64_t), int(n, c_int64_t), int(k, c_int64_t), alpha, a, desca, b, &
         descb, beta, c, descc, int(nb, c_int64_t), ierr)
  end subroutine dlops_pcgemm_i4

  ! ================================================================== solvers (solver.h)
  !> Static name of a stop reason ("converged_tol", ...; "?" when out of range). Local.
  function dlops_stop_reason_name(reason) result(s)
    integer, intent(in) :: reason
    character(len=:), allocatable :: s
    s = f_string(c_stop_reason_name(int(reason, c_int)))
  end function dlops_stop_reason_name

  !> Fill opts with the defaults documented in include/dlops/solver.h. Not collective.
  subroutine dlops_solver_opts_default(opts, ierr)
    type(dlops_solver_opts), intent(out) :: opts
    integer, intent(out), optional :: ierr
    call f_check(c_solver_opts_default(opts), 'dlops_solver_opts_default', ierr)
  end subroutine dlops_solver_opts_default

  !> Attach a monitor (a bind(C) function with the interface dlops_solver_monitor) and its user
  !> pointer (c_loc of a TARGET variable, or c_null_ptr) to opts. Local.
  subroutine dlops_solver_opts_set_monitor(opts, monitor, user)
    type(dlops_solver_opts), intent(inout) :: opts
    procedure(dlops_solver_monitor) :: monitor
    type(c_ptr), intent(in) :: user
    opts%monitor = c_funloc(monitor)
    opts%monitor_user = user
  end subroutine dlops_solver_opts_set_monitor

  !> dlops_solve_cg(A, y, x, opts, res [, ierr]): conjugate gradient for A x = y (A Hermitian
  !> positive definite). x holds x0 on input and the solution on output. opts and res may be
  !> left out (defaults; no result): pass what follows by keyword then. A stop reason is not an
  !> error: see res%reason. **Collective**.
  subroutine dlops_solve_cg(A, y, x, opts, res, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_darray), intent(in) :: y, x
    type(dlops_solver_opts), intent(in), optional :: opts
    type(dlops_solver_result), intent(out), optional :: res
    integer, intent(out), optional :: ierr
    call f_check(c_solve_cg(A%ptr, y%ptr, x%ptr, opts, res), 'dlops_solve_cg', ierr)
  end subroutine dlops_solve_cg

  !> dlops_solve_cgls(A, y, x, opts, res [, ierr]): CGLS for min ||y - A x||^2 + damp^2 ||x||^2
  !> (A may be rectangular). **Collective**.
  subroutine dlops_solve_cgls(A, y, x, opts, res, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_darray), intent(in) :: y, x
    type(dlops_solver_opts), intent(in), optional :: opts
    type(dlops_solver_result), intent(out), optional :: res
    integer, intent(out), optional :: ierr
    call f_check(c_solve_cgls(A%ptr, y%ptr, x%ptr, opts, res), 'dlops_solve_cgls', ierr)
  end subroutine dlops_solve_cgls

  !> dlops_solve_lsqr(A, y, x, opts, res [, ierr]): LSQR (scipy/PyLops). **Collective**.
  subroutine dlops_solve_lsqr(A, y, x, opts, res, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_darray), intent(in) :: y, x
    type(dlops_solver_opts), intent(in), optional :: opts
    type(dlops_solver_result), intent(out), optional :: res
    integer, intent(out), optional :: ierr
    call f_check(c_solve_lsqr(A%ptr, y%ptr, x%ptr, opts, res), 'dlops_solve_lsqr', ierr)
  end subroutine dlops_solve_lsqr

  !> dlops_solve_ista(A, y, x, opts, res [, ierr]): ISTA for 0.5 ||y - A x||^2 + eps ||x||_1
  !> (soft; hard/half thresholds with opts%threshkind). **Collective**.
  subroutine dlops_solve_ista(A, y, x, opts, res, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_darray), intent(in) :: y, x
    type(dlops_solver_opts), intent(in), optional :: opts
    type(dlops_solver_result), intent(out), optional :: res
    integer, intent(out), optional :: ierr
    call f_check(c_solve_ista(A%ptr, y%ptr, x%ptr, opts, res), 'dlops_solve_ista', ierr)
  end subroutine dlops_solve_ista

  !> dlops_solve_fista(A, y, x, opts, res [, ierr]): FISTA. **Collective**.
  subroutine dlops_solve_fista(A, y, x, opts, res, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_darray), intent(in) :: y, x
    type(dlops_solver_opts), intent(in), optional :: opts
    type(dlops_solver_result), intent(out), optional :: res
    integer, intent(out), optional :: ierr
    call f_check(c_solve_fista(A%ptr, y%ptr, x%ptr, opts, res), 'dlops_solve_fista', ierr)
  end subroutine dlops_solve_fista

  !> dlops_solve_power(A, b, opts, maxeig, res [, ierr]): power iteration for the eigenvalue of
  !> largest modulus of a square operator; b: start (opts%random_start = 0) and eigenvector
  !> estimate. opts may be left out (pass maxeig= by keyword then). **Collective**.
  subroutine dlops_solve_power_s(A, b, opts, maxeig, res, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_darray), intent(in) :: b
    type(dlops_solver_opts), intent(in), optional :: opts
    type(dlops_scalar), intent(out) :: maxeig
    type(dlops_solver_result), intent(out), optional :: res
    integer, intent(out), optional :: ierr
    call f_check(c_solve_power(A%ptr, b%ptr, opts, maxeig, res), 'dlops_solve_power', ierr)
  end subroutine dlops_solve_power_s
  subroutine dlops_solve_power_c8(A, b, opts, maxeig, res, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_darray), intent(in) :: b
    type(dlops_solver_opts), intent(in), optional :: opts
    complex(c_double_complex), intent(out) :: maxeig
    type(dlops_solver_result), intent(out), optional :: res
    integer, intent(out), optional :: ierr
    type(dlops_scalar) :: s
    call f_check(c_solve_power(A%ptr, b%ptr, opts, s, res), 'dlops_solve_power', ierr)
    maxeig = cmplx(s%re, s%im, c_double_complex)
  end subroutine dlops_solve_power_c8
  subroutine dlops_solve_power_r8(A, b, opts, maxeig, res, ierr)
    type(dlops_op), intent(in) :: A
    type(dlops_darray), intent(in) :: b
    type(dlops_solver_opts), intent(in), optional :: opts
    real(c_double), intent(out) :: maxeig
    type(dlops_solver_result), intent(out), optional :: res
    integer, intent(out), optional :: ierr
    type(dlops_scalar) :: s
    integer(c_int) :: rc, t
    t = -1
    rc = c_op_get_dtype(A%ptr, t)
    if (rc == DLOPS_SUCCESS .and. (t == DLOPS_C64 .or. t == DLOPS_C128)) &
         rc = f_error(DLOPS_ERR_ARG, 'dlops_solve_power: a real maxeig was passed for a complex (' // &
         dlops_dtype_name(int(t)) // ') operator: pass a complex(c_double_complex) or type(dlops_scalar) maxeig')
    if (rc == DLOPS_SUCCESS) rc = c_solve_power(A%ptr, b%ptr, opts, s, res)
    maxeig = s%re
    call f_check(rc, 'dlops_solve_power', ierr)
  end subroutine dlops_solve_power_r8

  ! ------------------------------------------------------------------ proximal operators
  !> f(x) = sigma ||x||_1 (soft threshold). Not collective.
  subroutine dlops_prox_create_l1(sigma, p, ierr)
    real(c_double), intent(in) :: sigma
    type(dlops_prox), intent(inout) :: p
    integer, intent(out), optional :: ierr
    call f_check(c_prox_create_l1(sigma, p), 'dlops_prox_create_l1', ierr)
  end subroutine dlops_prox_create_l1

  !> L0 (hard threshold at tau*sigma). Not collective.
  subroutine dlops_prox_create_l0(sigma, p, ierr)
    real(c_double), intent(in) :: sigma
    type(dlops_prox), intent(inout) :: p
    integer, intent(out), optional :: ierr
    call f_check(c_prox_create_l0(sigma, p), 'dlops_prox_create_l0', ierr)
  end subroutine dlops_prox_create_l0

  !> Indicator of the box lower <= x <= upper (+-huge or IEEE infinities allowed). Not collective.
  subroutine dlops_prox_create_box(lower, upper, p, ierr)
    real(c_double), intent(in) :: lower, upper
    type(dlops_prox), intent(inout) :: p
    integer, intent(out), optional :: ierr
    call f_check(c_prox_create_box(lower, upper, p), 'dlops_prox_create_box', ierr)
  end subroutine dlops_prox_create_box

  !> Defaults of dlops_prox_l2_params. Not collective.
  subroutine dlops_prox_l2_params_default(prm, ierr)
    type(dlops_prox_l2_params), intent(out) :: prm
    integer, intent(out), optional :: ierr
    call f_check(c_prox_l2_params_default(prm), 'dlops_prox_l2_params_default', ierr)
  end subroutine dlops_prox_l2_params_default

  !> dlops_prox_create_l2(Op, b, q, x0, prm, p [, ierr]): f(x) = sigma/2 ||Op x - b||^2 +
  !> alpha q^H x. Op, b, q and x0 may be null handles (type(dlops_op)() / type(dlops_darray)()),
  !> see the C documentation; prm may be left out (defaults; pass p= by keyword). Not collective.
  subroutine dlops_prox_create_l2(Op, b, q, x0, prm, p, ierr)
    type(dlops_op), intent(in) :: Op
    type(dlops_darray), intent(in) :: b, q, x0
    type(dlops_prox_l2_params), intent(in), optional :: prm
    type(dlops_prox), intent(inout) :: p
    integer, intent(out), optional :: ierr
    call f_check(c_prox_create_l2(Op%ptr, b%ptr, q%ptr, x0%ptr, prm, p), 'dlops_prox_create_l2', ierr)
  end subroutine dlops_prox_create_l2

  !> Destroy and null the handle (a null handle is a no-op). Not collective.
  subroutine dlops_prox_destroy(p, ierr)
    type(dlops_prox), intent(inout) :: p
    integer, intent(out), optional :: ierr
    call f_check(c_prox_destroy(p), 'dlops_prox_destroy', ierr)
  end subroutine dlops_prox_destroy

  !> value = f(x). **Collective**.
  subroutine dlops_prox_value(p, x, value, ierr)
    type(dlops_prox), intent(in) :: p
    type(dlops_darray), intent(in) :: x
    real(c_double), intent(out) :: value
    integer, intent(out), optional :: ierr
    value = 0
    call f_check(c_prox_value(p%ptr, x%ptr, value), 'dlops_prox_value', ierr)
  end subroutine dlops_prox_value

  !> out = prox_{tau f}(x) (out may be x; tau > 0). **Collective** for L2 with an operator.
  subroutine dlops_prox_apply(p, x, tau, out, ierr)
    type(dlops_prox), intent(in) :: p
    type(dlops_darray), intent(in) :: x
    real(c_double), intent(in) :: tau
    type(dlops_darray), intent(in) :: out
    integer, intent(out), optional :: ierr
    call f_check(c_prox_apply(p%ptr, x%ptr, tau, out%ptr), 'dlops_prox_apply', ierr)
  end subroutine dlops_prox_apply

  !> g = grad f(x) (L2 only). **Collective** when f has an operator.
  subroutine dlops_prox_grad(p, x, g, ierr)
    type(dlops_prox), intent(in) :: p
    type(dlops_darray), intent(in) :: x, g
    integer, intent(out), optional :: ierr
    call f_check(c_prox_grad(p%ptr, x%ptr, g%ptr), 'dlops_prox_grad', ierr)
  end subroutine dlops_prox_grad

  !> dlops_solve_proximal_gradient(proxf, proxg, x, opts, res [, ierr]): min f(x) + epsg g(x)
  !> (f an L2 prox; opts%tau > 0 required, so opts is needed in practice). **Collective**.
  subroutine dlops_solve_proximal_gradient(proxf, proxg, x, opts, res, ierr)
    type(dlops_prox), intent(in) :: proxf, proxg
    type(dlops_darray), intent(in) :: x
    type(dlops_solver_opts), intent(in), optional :: opts
    type(dlops_solver_result), intent(out), optional :: res
    integer, intent(out), optional :: ierr
    call f_check(c_solve_proximal_gradient(proxf%ptr, proxg%ptr, x%ptr, opts, res), 'dlops_solve_proximal_gradient', &
         ierr)
  end subroutine dlops_solve_proximal_gradient

  !> dlops_solve_admm_l2(proxg, Op, b, A, x, z, opts, res [, ierr]): ADMM with an L2 misfit;
  !> z may be a null handle (type(dlops_darray)()). **Collective**.
  subroutine dlops_solve_admm_l2(proxg, Op, b, A, x, z, opts, res, ierr)
    type(dlops_prox), intent(in) :: proxg
    type(dlops_op), intent(in) :: Op, A
    type(dlops_darray), intent(in) :: b, x, z
    type(dlops_solver_opts), intent(in), optional :: opts
    type(dlops_solver_result), intent(out), optional :: res
    integer, intent(out), optional :: ierr
    call f_check(c_solve_admm_l2(proxg%ptr, Op%ptr, b%ptr, A%ptr, x%ptr, z%ptr, opts, res), 'dlops_solve_admm_l2', ierr)
  end subroutine dlops_solve_admm_l2

  ! BEGIN GENERATED PROCEDURES (fortran/gen_kinds.py)
  subroutine f_get_local_f32_1(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_float), pointer, intent(out) :: ptr(:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(1)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_F32, 1, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_f32_1
  subroutine f_restore_local_f32_1(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_float), pointer, intent(inout) :: ptr(:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_f32_1

  subroutine f_get_local_f32_2(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_float), pointer, intent(out) :: ptr(:,:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(2)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_F32, 2, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_f32_2
  subroutine f_restore_local_f32_2(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_float), pointer, intent(inout) :: ptr(:,:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_f32_2

  subroutine f_get_local_f32_3(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_float), pointer, intent(out) :: ptr(:,:,:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(3)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_F32, 3, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_f32_3
  subroutine f_restore_local_f32_3(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_float), pointer, intent(inout) :: ptr(:,:,:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_f32_3

  subroutine f_get_local_f32_4(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_float), pointer, intent(out) :: ptr(:,:,:,:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(4)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_F32, 4, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_f32_4
  subroutine f_restore_local_f32_4(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_float), pointer, intent(inout) :: ptr(:,:,:,:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_f32_4

  subroutine f_scatter_f32(x, global, root, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_float), intent(in), target, contiguous :: global(..)
    integer, intent(in) :: root
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(global) > 0) cp = c_loc(global)
    call f_check(f_move(x, DLOPS_F32, cp, size(global, kind=c_int64_t), root, 1), 'dlops_darray_scatter', ierr)
  end subroutine f_scatter_f32
  subroutine f_gather_f32(x, global, root, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_float), intent(inout), target, contiguous :: global(..)
    integer, intent(in) :: root
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(global) > 0) cp = c_loc(global)
    call f_check(f_move(x, DLOPS_F32, cp, size(global, kind=c_int64_t), root, 2), 'dlops_darray_gather', ierr)
  end subroutine f_gather_f32
  subroutine f_add_ghost_cells_f32(x, cells_front, cells_back, ghosted, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: cells_front, cells_back
    real(c_float), intent(inout), target, contiguous :: ghosted(..)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(ghosted) > 0) cp = c_loc(ghosted)
    call f_check(f_ghost(x, cells_front, cells_back, DLOPS_F32, cp, size(ghosted, kind=c_int64_t)), &
         'dlops_darray_add_ghost_cells', ierr)
  end subroutine f_add_ghost_cells_f32

  subroutine f_op_matrix_f32_i8(ctx, nrows, ncols, dtype, values, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nrows, ncols
    integer, intent(in) :: dtype
    real(c_float), intent(in), target, contiguous :: values(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(values) > 0) cp = c_loc(values)
    call f_check(f_matrix(ctx, int(nrows, c_int64_t), int(ncols, c_int64_t), dtype, DLOPS_F32, cp, &
         size(values, kind=c_int64_t), A), 'dlops_op_create_matrix', ierr)
  end subroutine f_op_matrix_f32_i8
  subroutine f_op_diagonal_f32_i8(ctx, n, dtype, d, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: n
    integer, intent(in) :: dtype
    real(c_float), intent(in), target, contiguous :: d(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(d) > 0) cp = c_loc(d)
    call f_check(f_diagonal(ctx, int(n, c_int64_t), dtype, DLOPS_F32, cp, size(d, kind=c_int64_t), A), &
         'dlops_op_create_diagonal', ierr)
  end subroutine f_op_diagonal_f32_i8
  subroutine f_op_convolve1d_f32_i8(ctx, dims, axis, h, offset, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_float), intent(in), target, contiguous :: h(:)
    integer(c_int64_t), intent(in) :: offset
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(h) > 0) cp = c_loc(h)
    call f_check(f_convolve1d(ctx, int(dims, c_int64_t), axis, DLOPS_F32, cp, size(h, kind=c_int64_t), &
         int(offset, c_int64_t), dtype, A), 'dlops_op_create_convolve1d', ierr)
  end subroutine f_op_convolve1d_f32_i8
  subroutine f_op_matmul_f32_i8(ctx, kind, pr, pc, N, K, M, A_local, nb, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: kind, pr, pc
    integer(c_int64_t), intent(in) :: N, K, M
    real(c_float), intent(in), target, contiguous :: A_local(..)
    integer(c_int64_t), intent(in) :: nb
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(A_local) > 0) cp = c_loc(A_local)
    call f_check(f_matmul(ctx, kind, pr, pc, int(N, c_int64_t), int(K, c_int64_t), int(M, c_int64_t), DLOPS_F32, cp, &
         size(A_local, kind=c_int64_t), int(nb, c_int64_t), dtype, A), 'dlops_op_create_matmul', ierr)
  end subroutine f_op_matmul_f32_i8

  subroutine f_op_matrix_f32_i4(ctx, nrows, ncols, dtype, values, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nrows, ncols
    integer, intent(in) :: dtype
    real(c_float), intent(in), target, contiguous :: values(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(values) > 0) cp = c_loc(values)
    call f_check(f_matrix(ctx, int(nrows, c_int64_t), int(ncols, c_int64_t), dtype, DLOPS_F32, cp, &
         size(values, kind=c_int64_t), A), 'dlops_op_create_matrix', ierr)
  end subroutine f_op_matrix_f32_i4
  subroutine f_op_diagonal_f32_i4(ctx, n, dtype, d, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: n
    integer, intent(in) :: dtype
    real(c_float), intent(in), target, contiguous :: d(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(d) > 0) cp = c_loc(d)
    call f_check(f_diagonal(ctx, int(n, c_int64_t), dtype, DLOPS_F32, cp, size(d, kind=c_int64_t), A), &
         'dlops_op_create_diagonal', ierr)
  end subroutine f_op_diagonal_f32_i4
  subroutine f_op_convolve1d_f32_i4(ctx, dims, axis, h, offset, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_float), intent(in), target, contiguous :: h(:)
    integer, intent(in) :: offset
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(h) > 0) cp = c_loc(h)
    call f_check(f_convolve1d(ctx, int(dims, c_int64_t), axis, DLOPS_F32, cp, size(h, kind=c_int64_t), &
         int(offset, c_int64_t), dtype, A), 'dlops_op_create_convolve1d', ierr)
  end subroutine f_op_convolve1d_f32_i4
  subroutine f_op_matmul_f32_i4(ctx, kind, pr, pc, N, K, M, A_local, nb, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: kind, pr, pc
    integer, intent(in) :: N, K, M
    real(c_float), intent(in), target, contiguous :: A_local(..)
    integer, intent(in) :: nb
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(A_local) > 0) cp = c_loc(A_local)
    call f_check(f_matmul(ctx, kind, pr, pc, int(N, c_int64_t), int(K, c_int64_t), int(M, c_int64_t), DLOPS_F32, cp, &
         size(A_local, kind=c_int64_t), int(nb, c_int64_t), dtype, A), 'dlops_op_create_matmul', ierr)
  end subroutine f_op_matmul_f32_i4

  subroutine f_get_local_f64_1(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_double), pointer, intent(out) :: ptr(:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(1)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_F64, 1, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_f64_1
  subroutine f_restore_local_f64_1(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_double), pointer, intent(inout) :: ptr(:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_f64_1

  subroutine f_get_local_f64_2(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_double), pointer, intent(out) :: ptr(:,:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(2)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_F64, 2, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_f64_2
  subroutine f_restore_local_f64_2(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_double), pointer, intent(inout) :: ptr(:,:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_f64_2

  subroutine f_get_local_f64_3(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_double), pointer, intent(out) :: ptr(:,:,:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(3)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_F64, 3, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_f64_3
  subroutine f_restore_local_f64_3(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_double), pointer, intent(inout) :: ptr(:,:,:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_f64_3

  subroutine f_get_local_f64_4(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_double), pointer, intent(out) :: ptr(:,:,:,:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(4)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_F64, 4, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_f64_4
  subroutine f_restore_local_f64_4(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_double), pointer, intent(inout) :: ptr(:,:,:,:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_f64_4

  subroutine f_scatter_f64(x, global, root, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_double), intent(in), target, contiguous :: global(..)
    integer, intent(in) :: root
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(global) > 0) cp = c_loc(global)
    call f_check(f_move(x, DLOPS_F64, cp, size(global, kind=c_int64_t), root, 1), 'dlops_darray_scatter', ierr)
  end subroutine f_scatter_f64
  subroutine f_gather_f64(x, global, root, ierr)
    type(dlops_darray), intent(in) :: x
    real(c_double), intent(inout), target, contiguous :: global(..)
    integer, intent(in) :: root
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(global) > 0) cp = c_loc(global)
    call f_check(f_move(x, DLOPS_F64, cp, size(global, kind=c_int64_t), root, 2), 'dlops_darray_gather', ierr)
  end subroutine f_gather_f64
  subroutine f_add_ghost_cells_f64(x, cells_front, cells_back, ghosted, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: cells_front, cells_back
    real(c_double), intent(inout), target, contiguous :: ghosted(..)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(ghosted) > 0) cp = c_loc(ghosted)
    call f_check(f_ghost(x, cells_front, cells_back, DLOPS_F64, cp, size(ghosted, kind=c_int64_t)), &
         'dlops_darray_add_ghost_cells', ierr)
  end subroutine f_add_ghost_cells_f64

  subroutine f_op_matrix_f64_i8(ctx, nrows, ncols, dtype, values, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nrows, ncols
    integer, intent(in) :: dtype
    real(c_double), intent(in), target, contiguous :: values(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(values) > 0) cp = c_loc(values)
    call f_check(f_matrix(ctx, int(nrows, c_int64_t), int(ncols, c_int64_t), dtype, DLOPS_F64, cp, &
         size(values, kind=c_int64_t), A), 'dlops_op_create_matrix', ierr)
  end subroutine f_op_matrix_f64_i8
  subroutine f_op_diagonal_f64_i8(ctx, n, dtype, d, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: n
    integer, intent(in) :: dtype
    real(c_double), intent(in), target, contiguous :: d(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(d) > 0) cp = c_loc(d)
    call f_check(f_diagonal(ctx, int(n, c_int64_t), dtype, DLOPS_F64, cp, size(d, kind=c_int64_t), A), &
         'dlops_op_create_diagonal', ierr)
  end subroutine f_op_diagonal_f64_i8
  subroutine f_op_convolve1d_f64_i8(ctx, dims, axis, h, offset, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_double), intent(in), target, contiguous :: h(:)
    integer(c_int64_t), intent(in) :: offset
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(h) > 0) cp = c_loc(h)
    call f_check(f_convolve1d(ctx, int(dims, c_int64_t), axis, DLOPS_F64, cp, size(h, kind=c_int64_t), &
         int(offset, c_int64_t), dtype, A), 'dlops_op_create_convolve1d', ierr)
  end subroutine f_op_convolve1d_f64_i8
  subroutine f_op_matmul_f64_i8(ctx, kind, pr, pc, N, K, M, A_local, nb, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: kind, pr, pc
    integer(c_int64_t), intent(in) :: N, K, M
    real(c_double), intent(in), target, contiguous :: A_local(..)
    integer(c_int64_t), intent(in) :: nb
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(A_local) > 0) cp = c_loc(A_local)
    call f_check(f_matmul(ctx, kind, pr, pc, int(N, c_int64_t), int(K, c_int64_t), int(M, c_int64_t), DLOPS_F64, cp, &
         size(A_local, kind=c_int64_t), int(nb, c_int64_t), dtype, A), 'dlops_op_create_matmul', ierr)
  end subroutine f_op_matmul_f64_i8

  subroutine f_op_matrix_f64_i4(ctx, nrows, ncols, dtype, values, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nrows, ncols
    integer, intent(in) :: dtype
    real(c_double), intent(in), target, contiguous :: values(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(values) > 0) cp = c_loc(values)
    call f_check(f_matrix(ctx, int(nrows, c_int64_t), int(ncols, c_int64_t), dtype, DLOPS_F64, cp, &
         size(values, kind=c_int64_t), A), 'dlops_op_create_matrix', ierr)
  end subroutine f_op_matrix_f64_i4
  subroutine f_op_diagonal_f64_i4(ctx, n, dtype, d, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: n
    integer, intent(in) :: dtype
    real(c_double), intent(in), target, contiguous :: d(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(d) > 0) cp = c_loc(d)
    call f_check(f_diagonal(ctx, int(n, c_int64_t), dtype, DLOPS_F64, cp, size(d, kind=c_int64_t), A), &
         'dlops_op_create_diagonal', ierr)
  end subroutine f_op_diagonal_f64_i4
  subroutine f_op_convolve1d_f64_i4(ctx, dims, axis, h, offset, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_double), intent(in), target, contiguous :: h(:)
    integer, intent(in) :: offset
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(h) > 0) cp = c_loc(h)
    call f_check(f_convolve1d(ctx, int(dims, c_int64_t), axis, DLOPS_F64, cp, size(h, kind=c_int64_t), &
         int(offset, c_int64_t), dtype, A), 'dlops_op_create_convolve1d', ierr)
  end subroutine f_op_convolve1d_f64_i4
  subroutine f_op_matmul_f64_i4(ctx, kind, pr, pc, N, K, M, A_local, nb, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: kind, pr, pc
    integer, intent(in) :: N, K, M
    real(c_double), intent(in), target, contiguous :: A_local(..)
    integer, intent(in) :: nb
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(A_local) > 0) cp = c_loc(A_local)
    call f_check(f_matmul(ctx, kind, pr, pc, int(N, c_int64_t), int(K, c_int64_t), int(M, c_int64_t), DLOPS_F64, cp, &
         size(A_local, kind=c_int64_t), int(nb, c_int64_t), dtype, A), 'dlops_op_create_matmul', ierr)
  end subroutine f_op_matmul_f64_i4

  subroutine f_get_local_c64_1(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_float_complex), pointer, intent(out) :: ptr(:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(1)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_C64, 1, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_c64_1
  subroutine f_restore_local_c64_1(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_float_complex), pointer, intent(inout) :: ptr(:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_c64_1

  subroutine f_get_local_c64_2(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_float_complex), pointer, intent(out) :: ptr(:,:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(2)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_C64, 2, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_c64_2
  subroutine f_restore_local_c64_2(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_float_complex), pointer, intent(inout) :: ptr(:,:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_c64_2

  subroutine f_get_local_c64_3(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_float_complex), pointer, intent(out) :: ptr(:,:,:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(3)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_C64, 3, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_c64_3
  subroutine f_restore_local_c64_3(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_float_complex), pointer, intent(inout) :: ptr(:,:,:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_c64_3

  subroutine f_get_local_c64_4(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_float_complex), pointer, intent(out) :: ptr(:,:,:,:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(4)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_C64, 4, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_c64_4
  subroutine f_restore_local_c64_4(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_float_complex), pointer, intent(inout) :: ptr(:,:,:,:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_c64_4

  subroutine f_scatter_c64(x, global, root, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_float_complex), intent(in), target, contiguous :: global(..)
    integer, intent(in) :: root
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(global) > 0) cp = c_loc(global)
    call f_check(f_move(x, DLOPS_C64, cp, size(global, kind=c_int64_t), root, 1), 'dlops_darray_scatter', ierr)
  end subroutine f_scatter_c64
  subroutine f_gather_c64(x, global, root, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_float_complex), intent(inout), target, contiguous :: global(..)
    integer, intent(in) :: root
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(global) > 0) cp = c_loc(global)
    call f_check(f_move(x, DLOPS_C64, cp, size(global, kind=c_int64_t), root, 2), 'dlops_darray_gather', ierr)
  end subroutine f_gather_c64
  subroutine f_add_ghost_cells_c64(x, cells_front, cells_back, ghosted, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: cells_front, cells_back
    complex(c_float_complex), intent(inout), target, contiguous :: ghosted(..)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(ghosted) > 0) cp = c_loc(ghosted)
    call f_check(f_ghost(x, cells_front, cells_back, DLOPS_C64, cp, size(ghosted, kind=c_int64_t)), &
         'dlops_darray_add_ghost_cells', ierr)
  end subroutine f_add_ghost_cells_c64

  subroutine f_op_matrix_c64_i8(ctx, nrows, ncols, dtype, values, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nrows, ncols
    integer, intent(in) :: dtype
    complex(c_float_complex), intent(in), target, contiguous :: values(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(values) > 0) cp = c_loc(values)
    call f_check(f_matrix(ctx, int(nrows, c_int64_t), int(ncols, c_int64_t), dtype, DLOPS_C64, cp, &
         size(values, kind=c_int64_t), A), 'dlops_op_create_matrix', ierr)
  end subroutine f_op_matrix_c64_i8
  subroutine f_op_diagonal_c64_i8(ctx, n, dtype, d, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: n
    integer, intent(in) :: dtype
    complex(c_float_complex), intent(in), target, contiguous :: d(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(d) > 0) cp = c_loc(d)
    call f_check(f_diagonal(ctx, int(n, c_int64_t), dtype, DLOPS_C64, cp, size(d, kind=c_int64_t), A), &
         'dlops_op_create_diagonal', ierr)
  end subroutine f_op_diagonal_c64_i8
  subroutine f_op_convolve1d_c64_i8(ctx, dims, axis, h, offset, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: axis
    complex(c_float_complex), intent(in), target, contiguous :: h(:)
    integer(c_int64_t), intent(in) :: offset
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(h) > 0) cp = c_loc(h)
    call f_check(f_convolve1d(ctx, int(dims, c_int64_t), axis, DLOPS_C64, cp, size(h, kind=c_int64_t), &
         int(offset, c_int64_t), dtype, A), 'dlops_op_create_convolve1d', ierr)
  end subroutine f_op_convolve1d_c64_i8
  subroutine f_op_matmul_c64_i8(ctx, kind, pr, pc, N, K, M, A_local, nb, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: kind, pr, pc
    integer(c_int64_t), intent(in) :: N, K, M
    complex(c_float_complex), intent(in), target, contiguous :: A_local(..)
    integer(c_int64_t), intent(in) :: nb
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(A_local) > 0) cp = c_loc(A_local)
    call f_check(f_matmul(ctx, kind, pr, pc, int(N, c_int64_t), int(K, c_int64_t), int(M, c_int64_t), DLOPS_C64, cp, &
         size(A_local, kind=c_int64_t), int(nb, c_int64_t), dtype, A), 'dlops_op_create_matmul', ierr)
  end subroutine f_op_matmul_c64_i8

  subroutine f_op_matrix_c64_i4(ctx, nrows, ncols, dtype, values, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nrows, ncols
    integer, intent(in) :: dtype
    complex(c_float_complex), intent(in), target, contiguous :: values(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(values) > 0) cp = c_loc(values)
    call f_check(f_matrix(ctx, int(nrows, c_int64_t), int(ncols, c_int64_t), dtype, DLOPS_C64, cp, &
         size(values, kind=c_int64_t), A), 'dlops_op_create_matrix', ierr)
  end subroutine f_op_matrix_c64_i4
  subroutine f_op_diagonal_c64_i4(ctx, n, dtype, d, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: n
    integer, intent(in) :: dtype
    complex(c_float_complex), intent(in), target, contiguous :: d(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(d) > 0) cp = c_loc(d)
    call f_check(f_diagonal(ctx, int(n, c_int64_t), dtype, DLOPS_C64, cp, size(d, kind=c_int64_t), A), &
         'dlops_op_create_diagonal', ierr)
  end subroutine f_op_diagonal_c64_i4
  subroutine f_op_convolve1d_c64_i4(ctx, dims, axis, h, offset, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: axis
    complex(c_float_complex), intent(in), target, contiguous :: h(:)
    integer, intent(in) :: offset
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(h) > 0) cp = c_loc(h)
    call f_check(f_convolve1d(ctx, int(dims, c_int64_t), axis, DLOPS_C64, cp, size(h, kind=c_int64_t), &
         int(offset, c_int64_t), dtype, A), 'dlops_op_create_convolve1d', ierr)
  end subroutine f_op_convolve1d_c64_i4
  subroutine f_op_matmul_c64_i4(ctx, kind, pr, pc, N, K, M, A_local, nb, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: kind, pr, pc
    integer, intent(in) :: N, K, M
    complex(c_float_complex), intent(in), target, contiguous :: A_local(..)
    integer, intent(in) :: nb
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(A_local) > 0) cp = c_loc(A_local)
    call f_check(f_matmul(ctx, kind, pr, pc, int(N, c_int64_t), int(K, c_int64_t), int(M, c_int64_t), DLOPS_C64, cp, &
         size(A_local, kind=c_int64_t), int(nb, c_int64_t), dtype, A), 'dlops_op_create_matmul', ierr)
  end subroutine f_op_matmul_c64_i4

  subroutine f_get_local_c128_1(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_double_complex), pointer, intent(out) :: ptr(:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(1)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_C128, 1, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_c128_1
  subroutine f_restore_local_c128_1(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_double_complex), pointer, intent(inout) :: ptr(:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_c128_1

  subroutine f_get_local_c128_2(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_double_complex), pointer, intent(out) :: ptr(:,:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(2)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_C128, 2, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_c128_2
  subroutine f_restore_local_c128_2(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_double_complex), pointer, intent(inout) :: ptr(:,:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_c128_2

  subroutine f_get_local_c128_3(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_double_complex), pointer, intent(out) :: ptr(:,:,:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(3)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_C128, 3, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_c128_3
  subroutine f_restore_local_c128_3(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_double_complex), pointer, intent(inout) :: ptr(:,:,:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_c128_3

  subroutine f_get_local_c128_4(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_double_complex), pointer, intent(out) :: ptr(:,:,:,:)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp(4)
    integer(c_int) :: rc
    rc = f_get_view(x, DLOPS_C128, 4, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_c128_4
  subroutine f_restore_local_c128_4(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_double_complex), pointer, intent(inout) :: ptr(:,:,:,:)
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_c128_4

  subroutine f_scatter_c128(x, global, root, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_double_complex), intent(in), target, contiguous :: global(..)
    integer, intent(in) :: root
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(global) > 0) cp = c_loc(global)
    call f_check(f_move(x, DLOPS_C128, cp, size(global, kind=c_int64_t), root, 1), 'dlops_darray_scatter', ierr)
  end subroutine f_scatter_c128
  subroutine f_gather_c128(x, global, root, ierr)
    type(dlops_darray), intent(in) :: x
    complex(c_double_complex), intent(inout), target, contiguous :: global(..)
    integer, intent(in) :: root
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(global) > 0) cp = c_loc(global)
    call f_check(f_move(x, DLOPS_C128, cp, size(global, kind=c_int64_t), root, 2), 'dlops_darray_gather', ierr)
  end subroutine f_gather_c128
  subroutine f_add_ghost_cells_c128(x, cells_front, cells_back, ghosted, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: cells_front, cells_back
    complex(c_double_complex), intent(inout), target, contiguous :: ghosted(..)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(ghosted) > 0) cp = c_loc(ghosted)
    call f_check(f_ghost(x, cells_front, cells_back, DLOPS_C128, cp, size(ghosted, kind=c_int64_t)), &
         'dlops_darray_add_ghost_cells', ierr)
  end subroutine f_add_ghost_cells_c128

  subroutine f_op_matrix_c128_i8(ctx, nrows, ncols, dtype, values, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nrows, ncols
    integer, intent(in) :: dtype
    complex(c_double_complex), intent(in), target, contiguous :: values(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(values) > 0) cp = c_loc(values)
    call f_check(f_matrix(ctx, int(nrows, c_int64_t), int(ncols, c_int64_t), dtype, DLOPS_C128, cp, &
         size(values, kind=c_int64_t), A), 'dlops_op_create_matrix', ierr)
  end subroutine f_op_matrix_c128_i8
  subroutine f_op_diagonal_c128_i8(ctx, n, dtype, d, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: n
    integer, intent(in) :: dtype
    complex(c_double_complex), intent(in), target, contiguous :: d(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(d) > 0) cp = c_loc(d)
    call f_check(f_diagonal(ctx, int(n, c_int64_t), dtype, DLOPS_C128, cp, size(d, kind=c_int64_t), A), &
         'dlops_op_create_diagonal', ierr)
  end subroutine f_op_diagonal_c128_i8
  subroutine f_op_convolve1d_c128_i8(ctx, dims, axis, h, offset, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: axis
    complex(c_double_complex), intent(in), target, contiguous :: h(:)
    integer(c_int64_t), intent(in) :: offset
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(h) > 0) cp = c_loc(h)
    call f_check(f_convolve1d(ctx, int(dims, c_int64_t), axis, DLOPS_C128, cp, size(h, kind=c_int64_t), &
         int(offset, c_int64_t), dtype, A), 'dlops_op_create_convolve1d', ierr)
  end subroutine f_op_convolve1d_c128_i8
  subroutine f_op_matmul_c128_i8(ctx, kind, pr, pc, N, K, M, A_local, nb, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: kind, pr, pc
    integer(c_int64_t), intent(in) :: N, K, M
    complex(c_double_complex), intent(in), target, contiguous :: A_local(..)
    integer(c_int64_t), intent(in) :: nb
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(A_local) > 0) cp = c_loc(A_local)
    call f_check(f_matmul(ctx, kind, pr, pc, int(N, c_int64_t), int(K, c_int64_t), int(M, c_int64_t), DLOPS_C128, cp, &
         size(A_local, kind=c_int64_t), int(nb, c_int64_t), dtype, A), 'dlops_op_create_matmul', ierr)
  end subroutine f_op_matmul_c128_i8

  subroutine f_op_matrix_c128_i4(ctx, nrows, ncols, dtype, values, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nrows, ncols
    integer, intent(in) :: dtype
    complex(c_double_complex), intent(in), target, contiguous :: values(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(values) > 0) cp = c_loc(values)
    call f_check(f_matrix(ctx, int(nrows, c_int64_t), int(ncols, c_int64_t), dtype, DLOPS_C128, cp, &
         size(values, kind=c_int64_t), A), 'dlops_op_create_matrix', ierr)
  end subroutine f_op_matrix_c128_i4
  subroutine f_op_diagonal_c128_i4(ctx, n, dtype, d, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: n
    integer, intent(in) :: dtype
    complex(c_double_complex), intent(in), target, contiguous :: d(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(d) > 0) cp = c_loc(d)
    call f_check(f_diagonal(ctx, int(n, c_int64_t), dtype, DLOPS_C128, cp, size(d, kind=c_int64_t), A), &
         'dlops_op_create_diagonal', ierr)
  end subroutine f_op_diagonal_c128_i4
  subroutine f_op_convolve1d_c128_i4(ctx, dims, axis, h, offset, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: axis
    complex(c_double_complex), intent(in), target, contiguous :: h(:)
    integer, intent(in) :: offset
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(h) > 0) cp = c_loc(h)
    call f_check(f_convolve1d(ctx, int(dims, c_int64_t), axis, DLOPS_C128, cp, size(h, kind=c_int64_t), &
         int(offset, c_int64_t), dtype, A), 'dlops_op_create_convolve1d', ierr)
  end subroutine f_op_convolve1d_c128_i4
  subroutine f_op_matmul_c128_i4(ctx, kind, pr, pc, N, K, M, A_local, nb, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: kind, pr, pc
    integer, intent(in) :: N, K, M
    complex(c_double_complex), intent(in), target, contiguous :: A_local(..)
    integer, intent(in) :: nb
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(A_local) > 0) cp = c_loc(A_local)
    call f_check(f_matmul(ctx, kind, pr, pc, int(N, c_int64_t), int(K, c_int64_t), int(M, c_int64_t), DLOPS_C128, cp, &
         size(A_local, kind=c_int64_t), int(nb, c_int64_t), dtype, A), 'dlops_op_create_matmul', ierr)
  end subroutine f_op_matmul_c128_i4
  ! END GENERATED PROCEDURES

end module dlops
