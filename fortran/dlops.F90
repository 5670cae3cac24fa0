!> module dlops: the Fortran interface of dlops (distributed arrays, operators, solvers).
!>
!> Built on ISO_C_BINDING only: no hidden string lengths, no mpif.h. Every public C function of
!> include/dlops (base.h, ctx.h, darray.h) has a wrapper here with the same name and the same arguments in the same
!> order, with these Fortran conventions:
!>
!> * Handles are derived types the compiler checks: type(dlops_ctx), type(dlops_darray). A fresh
!>   handle is null; destroy sets it back to null.
!> * Every subroutine has an optional last argument `ierr` (integer, intent(out)). When present
!>   it receives the error code (DLOPS_SUCCESS = 0 on success). When absent and the call fails,
!>   the wrapper prints the dlops message on the error unit and executes `error stop`. Collective
!>   calls fail on every rank with the same code, as in C. The message of the last failure is
!>   dlops_last_error().
!> * Communicators: dlops_ctx_create accepts an `integer` communicator (`use mpi`) or a
!>   `type(MPI_Comm)` (`use mpi_f08`). They cross to C as MPI_Fint.
!> * Strings are ordinary Fortran character variables (trailing blanks are ignored); strings
!>   coming back are `character(len=:), allocatable`.
!> * Scalars (fill, scale, axpby) may be real or complex of either kind, or type(dlops_scalar);
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
  integer(c_int), parameter, public :: DLOPS_MEM_HOST = 0, DLOPS_MEM_DEVICE = 1
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

  ! ------------------------------------------------------------------ public procedures
  public :: dlops_error_string, dlops_dtype_name, dlops_dtype_size, dlops_last_error
  public :: dlops_partition_name, dlops_comm_kind_name
  public :: dlops_shape_from_fortran, dlops_shape_to_fortran, dlops_axis_from_fortran, dlops_axis_to_fortran
  public :: dlops_scalar_from
  public :: dlops_ctx_create, dlops_ctx_destroy, dlops_ctx_get_comm, dlops_ctx_get_rank, dlops_ctx_get_size
  public :: dlops_ctx_get_backend, dlops_ctx_get_spec, dlops_ctx_last_error, dlops_backends_describe
  public :: dlops_ctx_get_counter, dlops_ctx_reset_counters, dlops_ctx_print_counters
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
  public :: dlops_darray_fill, dlops_darray_copy, dlops_darray_axpby, dlops_darray_scale
  public :: dlops_darray_conj, dlops_darray_pointwise_mult, dlops_darray_dot, dlops_darray_vdot
  public :: dlops_darray_norm, dlops_darray_multi_dot, dlops_darray_multi_dot_begin, dlops_darray_multi_dot_end
  public :: dlops_darray_scatter, dlops_darray_gather, dlops_darray_redistribute
  public :: dlops_darray_add_ghost_cells, dlops_darray_ghost_shape
  public :: dlops_darray_write_npy, dlops_darray_read_npy

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
    call f_check(c_darray_create_ext(ctx%ptr, int(size(shape), c_int), shape, int(axis, c_int), &
         int(partition, c_int), int(dtype, c_int), -1_c_int64_t, -1_c_int, DLOPS_MEM_HOST, x), &
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
  ! END GENERATED PROCEDURES

end module dlops
