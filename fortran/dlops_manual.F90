!> module dlops_manual: the hand-written wrappers of module dlops, for the C functions whose header
!> declaration carries the marker comment "fortran: manual" (generics over kinds and types, callbacks,
!> buffers checked on the Fortran side, shapes allocated to ndim, MPI communicators) and the
!> Fortran-only helpers (layout conversions, scalars). Everything that follows mechanically from a
!> prototype is generated instead (fortran/generated/dlops_gen.F90, fortran/gen_fortran.py).
!> Use module dlops.
module dlops_manual
  use, intrinsic :: iso_c_binding
  use, intrinsic :: iso_fortran_env, only: output_unit
  use, intrinsic :: ieee_arithmetic, only: ieee_value, ieee_positive_inf, ieee_negative_inf
#ifdef DLOPS_HAVE_MPI_F08
  use mpi_f08, only: MPI_Comm
#endif
  use dlops_types
  use dlops_c
  use dlops_support
  implicit none
  private

  public :: dlops_last_error, dlops_print_error  ! defined in dlops_support, next to the error state they read
  public :: dlops_shape_from_fortran, dlops_shape_to_fortran, dlops_axis_from_fortran
  public :: dlops_axis_to_fortran, dlops_scalar_from, dlops_ctx_create
  public :: dlops_options_create, dlops_options_get_string
  public :: dlops_ctx_get_comm, dlops_ctx_last_error, dlops_backends_describe
  public :: dlops_ctx_print_counters, dlops_darray_create, dlops_darray_destroy
  public :: dlops_darray_get_global_shape, dlops_darray_get_local_shape, dlops_darray_get_axis_sizes
  public :: dlops_darray_get_local_cptr, dlops_darray_restore_local_cptr, dlops_darray_get_local_read_cptr
  public :: dlops_darray_restore_local_read_cptr, dlops_darray_fill, dlops_darray_axpby
  public :: dlops_darray_scale, dlops_darray_dot, dlops_darray_vdot
  public :: dlops_darray_norm, dlops_darray_multi_dot, dlops_darray_multi_dot_begin
  public :: dlops_darray_ghost_shape, dlops_op_get_dims, dlops_op_get_dimsd
  public :: dlops_op_dottest, dlops_op_create_scaled, dlops_op_create_user
  public :: dlops_op_create_laplacian, dlops_op_create_gradient, dlops_op_create_transpose_axes
  public :: dlops_op_create_halo, dlops_ceil_block, dlops_op_matmul_get_layout
  public :: dlops_pdgemm, dlops_psgemm, dlops_pzgemm
  public :: dlops_pcgemm, dlops_solver_opts_set_monitor, dlops_solve_power
  public :: dlops_op_create_fredholm1, dlops_op_create_mpi_fredholm1
  public :: dlops_op_create_mdc
  public :: dlops_op_create_nonstationary_convolve1d, dlops_op_create_mpi_nonstationary_convolve1d

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
  interface dlops_op_create_laplacian
    module procedure dlops_op_create_laplacian_i8, dlops_op_create_laplacian_i4
  end interface dlops_op_create_laplacian
  interface dlops_op_create_gradient
    module procedure dlops_op_create_gradient_i8, dlops_op_create_gradient_i4
  end interface dlops_op_create_gradient
  interface dlops_op_create_transpose_axes
    module procedure dlops_op_create_transpose_axes_i8, dlops_op_create_transpose_axes_i4
  end interface dlops_op_create_transpose_axes
  !> dlops_op_create_fredholm1(ctx, nsl, nx, ny, nz, G, saveGt, dtype, A [, ierr]): Fredholm1
  !> (local, one-rank context). G: nsl*nx*ny elements of the kind dtype names, in C order
  !> (G[k][i][j]), of any rank: e.g. complex(c_double_complex) :: G(ny, nx, nsl).
  interface dlops_op_create_fredholm1
    module procedure dlops_op_create_fredholm1_f32_i8, dlops_op_create_fredholm1_f32_i4
    module procedure dlops_op_create_fredholm1_f64_i8, dlops_op_create_fredholm1_f64_i4
    module procedure dlops_op_create_fredholm1_c64_i8, dlops_op_create_fredholm1_c64_i4
    module procedure dlops_op_create_fredholm1_c128_i8, dlops_op_create_fredholm1_c128_i4
  end interface dlops_op_create_fredholm1
  !> dlops_op_create_mpi_fredholm1(ctx, nsl_local, nx, ny, nz, G, saveGt, partition, dtype, A
  !> [, ierr]): MPIFredholm1, this rank's nsl_local slices in G (as dlops_op_create_fredholm1).
  !> **Collective**: a kernel of the wrong size or kind on one rank fails on every rank.
  interface dlops_op_create_mpi_fredholm1
    module procedure dlops_op_create_mpi_fredholm1_f32_i8, dlops_op_create_mpi_fredholm1_f32_i4
    module procedure dlops_op_create_mpi_fredholm1_f64_i8, dlops_op_create_mpi_fredholm1_f64_i4
    module procedure dlops_op_create_mpi_fredholm1_c64_i8, dlops_op_create_mpi_fredholm1_c64_i4
    module procedure dlops_op_create_mpi_fredholm1_c128_i8, dlops_op_create_mpi_fredholm1_c128_i4
  end interface dlops_op_create_mpi_fredholm1
  !> dlops_op_create_nonstationary_convolve1d(ctx, dims, axis, hs, ih, dtype, A [, ierr]):
  !> NonStationaryConvolve1D; dims and axis in C terms (dlops_shape_from_fortran,
  !> dlops_axis_from_fortran), hs(nh, nfilts) of the kind dtype names, ih(nfilts) 0-based positions.
  interface dlops_op_create_nonstationary_convolve1d
    module procedure dlops_op_create_nonstationary_convolve1d_f32_i8, dlops_op_create_nonstationary_convolve1d_f32_i4
    module procedure dlops_op_create_nonstationary_convolve1d_f64_i8, dlops_op_create_nonstationary_convolve1d_f64_i4
    module procedure dlops_op_create_nonstationary_convolve1d_c64_i8, dlops_op_create_nonstationary_convolve1d_c64_i4
    module procedure dlops_op_create_nonstationary_convolve1d_c128_i8, dlops_op_create_nonstationary_convolve1d_c128_i4
  end interface dlops_op_create_nonstationary_convolve1d
  !> dlops_op_create_mpi_nonstationary_convolve1d(ctx, dims, axis, hs, ih, dtype, A [, ierr]): its
  !> distributed form (split along axis), arguments as dlops_op_create_nonstationary_convolve1d.
  interface dlops_op_create_mpi_nonstationary_convolve1d
    module procedure dlops_op_create_mpi_nonstationary_convolve1d_f32_i8, dlops_op_create_mpi_nonstationary_convolve1d_f32_i4
    module procedure dlops_op_create_mpi_nonstationary_convolve1d_f64_i8, dlops_op_create_mpi_nonstationary_convolve1d_f64_i4
    module procedure dlops_op_create_mpi_nonstationary_convolve1d_c64_i8, dlops_op_create_mpi_nonstationary_convolve1d_c64_i4
    module procedure dlops_op_create_mpi_nonstationary_convolve1d_c128_i8, dlops_op_create_mpi_nonstationary_convolve1d_c128_i4
  end interface dlops_op_create_mpi_nonstationary_convolve1d
  !> dlops_op_create_mdc(ctx, nfreq_local, ns, nr, G, nt, nv, dt, dr, twosided, saveGt, conj,
  !> prescaled, partition, dtype, A [, ierr]): MPIMDC, this rank's nfreq_local frequency slices of
  !> the kernel in G (complex, C order G[f][s][r]: e.g. complex(c_double_complex) :: G(nr, ns, nf)).
  !> **Collective**: a kernel of the wrong size or kind on one rank fails on every rank.
  interface dlops_op_create_mdc
    module procedure dlops_op_create_mdc_c64_i8, dlops_op_create_mdc_c64_i4
    module procedure dlops_op_create_mdc_c128_i8, dlops_op_create_mdc_c128_i4
  end interface dlops_op_create_mdc
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

  ! ------------------------------------------------------------------ the C shim (fortran/dlops_f.c)
  interface
    function c_ctx_get_comm_f(ctx, fcomm) bind(C, name='dlops_f_ctx_get_comm') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: ctx
      integer(c_int), intent(out) :: fcomm
      integer(c_int) :: rc
    end function c_ctx_get_comm_f
  end interface

contains


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

  !> Destroy an array (drop this reference) and null the handle. Local.
  subroutine dlops_darray_destroy(x, ierr)
    type(dlops_darray), intent(inout) :: x
    integer, intent(out), optional :: ierr
    call f_borrow_drop(x%ptr)
    call f_check(c_darray_destroy(x), 'dlops_darray_destroy', ierr)
  end subroutine dlops_darray_destroy

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

  !> Return a pointer from dlops_darray_get_local_cptr; nulls it. Local.
  subroutine dlops_darray_restore_local_cptr(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    type(c_ptr), intent(inout) :: ptr
    integer, intent(out), optional :: ierr
    call f_check(c_darray_restore_local(x%ptr, ptr), 'dlops_darray_restore_local', ierr)
  end subroutine dlops_darray_restore_local_cptr

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
         f_dtype_name(int(t)) // ') array: pass a complex(c_double_complex) or type(dlops_scalar) result')
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

  !> Attach a monitor (a bind(C) function with the interface dlops_solver_monitor) and its user
  !> pointer (c_loc of a TARGET variable, or c_null_ptr) to opts. Local.
  subroutine dlops_solver_opts_set_monitor(opts, monitor, user)
    type(dlops_solver_opts), intent(inout) :: opts
    procedure(dlops_solver_monitor) :: monitor
    type(c_ptr), intent(in) :: user
    opts%monitor = c_funloc(monitor)
    opts%monitor_user = user
  end subroutine dlops_solver_opts_set_monitor

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
         f_dtype_name(int(t)) // ') operator: pass a complex(c_double_complex) or type(dlops_scalar) maxeig')
    if (rc == DLOPS_SUCCESS) rc = c_solve_power(A%ptr, b%ptr, opts, s, res)
    maxeig = s%re
    call f_check(rc, 'dlops_solve_power', ierr)
  end subroutine dlops_solve_power_r8
  !> The kernel pointer of a Fredholm1 creation: c_loc(G) when G holds nsl*nx*ny elements of
  !> the type named by dtype (the Fortran kind kd of G), else NULL (the C call then fails on every
  !> rank) and the reason in msg.
  subroutine f_fred_kernel(where, cp, n, kd, nsl, nx, ny, dtype, p, msg)
    character(len=*), intent(in) :: where
    type(c_ptr), intent(in) :: cp
    integer(c_int64_t), intent(in) :: n, nsl, nx, ny
    integer, intent(in) :: kd, dtype
    type(c_ptr), intent(out) :: p
    character(len=:), allocatable, intent(out) :: msg
    integer(c_int64_t) :: need
    p = c_null_ptr
    msg = ''
    need = max(0_c_int64_t, nsl) * max(0_c_int64_t, nx) * max(0_c_int64_t, ny)
    if (kd /= dtype) then
      msg = where // ': G is ' // f_dtype_name(kd) // ' but dtype is ' // f_dtype_name(dtype)
    else if (n /= need) then
      msg = where // ': G has ' // f_itoa(n) // ' elements, nsl*nx*ny = ' // f_itoa(need)
    else
      p = cp
    end if
  end subroutine f_fred_kernel
  subroutine dlops_op_create_fredholm1_f32_i8(ctx, nsl, nx, ny, nz, G, saveGt, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nsl, nx, ny, nz
    real(c_float), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    call f_fred_kernel('dlops_op_create_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_F32, int(nsl, c_int64_t), &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    if (len(msg) > 0) then
      rc = f_error(DLOPS_ERR_ARG, msg)
    else
      rc = c_op_create_fredholm1(ctx%ptr, int(nsl, c_int64_t), int(nx, c_int64_t), int(ny, c_int64_t), &
           int(nz, c_int64_t), p, merge(1_c_int, 0_c_int, saveGt), int(dtype, c_int), A)
    end if
    call f_check(rc, 'dlops_op_create_fredholm1', ierr)
  end subroutine dlops_op_create_fredholm1_f32_i8
  subroutine dlops_op_create_mpi_fredholm1_f32_i8(ctx, nsl_local, nx, ny, nz, G, saveGt, partition, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nsl_local, nx, ny, nz
    real(c_float), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: partition, dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    integer(c_int64_t) :: nl
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    nl = int(nsl_local, c_int64_t)
    call f_fred_kernel('dlops_op_create_mpi_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_F32, nl, &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    ! a bad kernel joins the collective with a NULL kernel and at least one slice, which fails on
    ! every rank; this rank then says why
    if (len(msg) > 0) nl = max(1_c_int64_t, nl)
    rc = c_op_create_mpi_fredholm1(ctx%ptr, nl, int(nx, c_int64_t), int(ny, c_int64_t), int(nz, c_int64_t), p, &
         merge(1_c_int, 0_c_int, saveGt), int(partition, c_int), int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_fredholm1', ierr)
  end subroutine dlops_op_create_mpi_fredholm1_f32_i8
  subroutine dlops_op_create_fredholm1_f32_i4(ctx, nsl, nx, ny, nz, G, saveGt, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nsl, nx, ny, nz
    real(c_float), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    call f_fred_kernel('dlops_op_create_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_F32, int(nsl, c_int64_t), &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    if (len(msg) > 0) then
      rc = f_error(DLOPS_ERR_ARG, msg)
    else
      rc = c_op_create_fredholm1(ctx%ptr, int(nsl, c_int64_t), int(nx, c_int64_t), int(ny, c_int64_t), &
           int(nz, c_int64_t), p, merge(1_c_int, 0_c_int, saveGt), int(dtype, c_int), A)
    end if
    call f_check(rc, 'dlops_op_create_fredholm1', ierr)
  end subroutine dlops_op_create_fredholm1_f32_i4
  subroutine dlops_op_create_mpi_fredholm1_f32_i4(ctx, nsl_local, nx, ny, nz, G, saveGt, partition, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nsl_local, nx, ny, nz
    real(c_float), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: partition, dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    integer(c_int64_t) :: nl
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    nl = int(nsl_local, c_int64_t)
    call f_fred_kernel('dlops_op_create_mpi_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_F32, nl, &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    ! a bad kernel joins the collective with a NULL kernel and at least one slice, which fails on
    ! every rank; this rank then says why
    if (len(msg) > 0) nl = max(1_c_int64_t, nl)
    rc = c_op_create_mpi_fredholm1(ctx%ptr, nl, int(nx, c_int64_t), int(ny, c_int64_t), int(nz, c_int64_t), p, &
         merge(1_c_int, 0_c_int, saveGt), int(partition, c_int), int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_fredholm1', ierr)
  end subroutine dlops_op_create_mpi_fredholm1_f32_i4
  subroutine dlops_op_create_fredholm1_f64_i8(ctx, nsl, nx, ny, nz, G, saveGt, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nsl, nx, ny, nz
    real(c_double), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    call f_fred_kernel('dlops_op_create_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_F64, int(nsl, c_int64_t), &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    if (len(msg) > 0) then
      rc = f_error(DLOPS_ERR_ARG, msg)
    else
      rc = c_op_create_fredholm1(ctx%ptr, int(nsl, c_int64_t), int(nx, c_int64_t), int(ny, c_int64_t), &
           int(nz, c_int64_t), p, merge(1_c_int, 0_c_int, saveGt), int(dtype, c_int), A)
    end if
    call f_check(rc, 'dlops_op_create_fredholm1', ierr)
  end subroutine dlops_op_create_fredholm1_f64_i8
  subroutine dlops_op_create_mpi_fredholm1_f64_i8(ctx, nsl_local, nx, ny, nz, G, saveGt, partition, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nsl_local, nx, ny, nz
    real(c_double), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: partition, dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    integer(c_int64_t) :: nl
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    nl = int(nsl_local, c_int64_t)
    call f_fred_kernel('dlops_op_create_mpi_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_F64, nl, &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    ! a bad kernel joins the collective with a NULL kernel and at least one slice, which fails on
    ! every rank; this rank then says why
    if (len(msg) > 0) nl = max(1_c_int64_t, nl)
    rc = c_op_create_mpi_fredholm1(ctx%ptr, nl, int(nx, c_int64_t), int(ny, c_int64_t), int(nz, c_int64_t), p, &
         merge(1_c_int, 0_c_int, saveGt), int(partition, c_int), int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_fredholm1', ierr)
  end subroutine dlops_op_create_mpi_fredholm1_f64_i8
  subroutine dlops_op_create_fredholm1_f64_i4(ctx, nsl, nx, ny, nz, G, saveGt, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nsl, nx, ny, nz
    real(c_double), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    call f_fred_kernel('dlops_op_create_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_F64, int(nsl, c_int64_t), &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    if (len(msg) > 0) then
      rc = f_error(DLOPS_ERR_ARG, msg)
    else
      rc = c_op_create_fredholm1(ctx%ptr, int(nsl, c_int64_t), int(nx, c_int64_t), int(ny, c_int64_t), &
           int(nz, c_int64_t), p, merge(1_c_int, 0_c_int, saveGt), int(dtype, c_int), A)
    end if
    call f_check(rc, 'dlops_op_create_fredholm1', ierr)
  end subroutine dlops_op_create_fredholm1_f64_i4
  subroutine dlops_op_create_mpi_fredholm1_f64_i4(ctx, nsl_local, nx, ny, nz, G, saveGt, partition, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nsl_local, nx, ny, nz
    real(c_double), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: partition, dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    integer(c_int64_t) :: nl
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    nl = int(nsl_local, c_int64_t)
    call f_fred_kernel('dlops_op_create_mpi_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_F64, nl, &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    ! a bad kernel joins the collective with a NULL kernel and at least one slice, which fails on
    ! every rank; this rank then says why
    if (len(msg) > 0) nl = max(1_c_int64_t, nl)
    rc = c_op_create_mpi_fredholm1(ctx%ptr, nl, int(nx, c_int64_t), int(ny, c_int64_t), int(nz, c_int64_t), p, &
         merge(1_c_int, 0_c_int, saveGt), int(partition, c_int), int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_fredholm1', ierr)
  end subroutine dlops_op_create_mpi_fredholm1_f64_i4
  subroutine dlops_op_create_fredholm1_c64_i8(ctx, nsl, nx, ny, nz, G, saveGt, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nsl, nx, ny, nz
    complex(c_float_complex), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    call f_fred_kernel('dlops_op_create_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_C64, int(nsl, c_int64_t), &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    if (len(msg) > 0) then
      rc = f_error(DLOPS_ERR_ARG, msg)
    else
      rc = c_op_create_fredholm1(ctx%ptr, int(nsl, c_int64_t), int(nx, c_int64_t), int(ny, c_int64_t), &
           int(nz, c_int64_t), p, merge(1_c_int, 0_c_int, saveGt), int(dtype, c_int), A)
    end if
    call f_check(rc, 'dlops_op_create_fredholm1', ierr)
  end subroutine dlops_op_create_fredholm1_c64_i8
  subroutine dlops_op_create_mpi_fredholm1_c64_i8(ctx, nsl_local, nx, ny, nz, G, saveGt, partition, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nsl_local, nx, ny, nz
    complex(c_float_complex), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: partition, dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    integer(c_int64_t) :: nl
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    nl = int(nsl_local, c_int64_t)
    call f_fred_kernel('dlops_op_create_mpi_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_C64, nl, &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    ! a bad kernel joins the collective with a NULL kernel and at least one slice, which fails on
    ! every rank; this rank then says why
    if (len(msg) > 0) nl = max(1_c_int64_t, nl)
    rc = c_op_create_mpi_fredholm1(ctx%ptr, nl, int(nx, c_int64_t), int(ny, c_int64_t), int(nz, c_int64_t), p, &
         merge(1_c_int, 0_c_int, saveGt), int(partition, c_int), int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_fredholm1', ierr)
  end subroutine dlops_op_create_mpi_fredholm1_c64_i8
  subroutine dlops_op_create_fredholm1_c64_i4(ctx, nsl, nx, ny, nz, G, saveGt, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nsl, nx, ny, nz
    complex(c_float_complex), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    call f_fred_kernel('dlops_op_create_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_C64, int(nsl, c_int64_t), &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    if (len(msg) > 0) then
      rc = f_error(DLOPS_ERR_ARG, msg)
    else
      rc = c_op_create_fredholm1(ctx%ptr, int(nsl, c_int64_t), int(nx, c_int64_t), int(ny, c_int64_t), &
           int(nz, c_int64_t), p, merge(1_c_int, 0_c_int, saveGt), int(dtype, c_int), A)
    end if
    call f_check(rc, 'dlops_op_create_fredholm1', ierr)
  end subroutine dlops_op_create_fredholm1_c64_i4
  subroutine dlops_op_create_mpi_fredholm1_c64_i4(ctx, nsl_local, nx, ny, nz, G, saveGt, partition, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nsl_local, nx, ny, nz
    complex(c_float_complex), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: partition, dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    integer(c_int64_t) :: nl
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    nl = int(nsl_local, c_int64_t)
    call f_fred_kernel('dlops_op_create_mpi_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_C64, nl, &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    ! a bad kernel joins the collective with a NULL kernel and at least one slice, which fails on
    ! every rank; this rank then says why
    if (len(msg) > 0) nl = max(1_c_int64_t, nl)
    rc = c_op_create_mpi_fredholm1(ctx%ptr, nl, int(nx, c_int64_t), int(ny, c_int64_t), int(nz, c_int64_t), p, &
         merge(1_c_int, 0_c_int, saveGt), int(partition, c_int), int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_fredholm1', ierr)
  end subroutine dlops_op_create_mpi_fredholm1_c64_i4
  subroutine dlops_op_create_fredholm1_c128_i8(ctx, nsl, nx, ny, nz, G, saveGt, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nsl, nx, ny, nz
    complex(c_double_complex), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    call f_fred_kernel('dlops_op_create_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_C128, int(nsl, c_int64_t), &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    if (len(msg) > 0) then
      rc = f_error(DLOPS_ERR_ARG, msg)
    else
      rc = c_op_create_fredholm1(ctx%ptr, int(nsl, c_int64_t), int(nx, c_int64_t), int(ny, c_int64_t), &
           int(nz, c_int64_t), p, merge(1_c_int, 0_c_int, saveGt), int(dtype, c_int), A)
    end if
    call f_check(rc, 'dlops_op_create_fredholm1', ierr)
  end subroutine dlops_op_create_fredholm1_c128_i8
  subroutine dlops_op_create_mpi_fredholm1_c128_i8(ctx, nsl_local, nx, ny, nz, G, saveGt, partition, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nsl_local, nx, ny, nz
    complex(c_double_complex), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: partition, dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    integer(c_int64_t) :: nl
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    nl = int(nsl_local, c_int64_t)
    call f_fred_kernel('dlops_op_create_mpi_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_C128, nl, &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    ! a bad kernel joins the collective with a NULL kernel and at least one slice, which fails on
    ! every rank; this rank then says why
    if (len(msg) > 0) nl = max(1_c_int64_t, nl)
    rc = c_op_create_mpi_fredholm1(ctx%ptr, nl, int(nx, c_int64_t), int(ny, c_int64_t), int(nz, c_int64_t), p, &
         merge(1_c_int, 0_c_int, saveGt), int(partition, c_int), int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_fredholm1', ierr)
  end subroutine dlops_op_create_mpi_fredholm1_c128_i8
  subroutine dlops_op_create_fredholm1_c128_i4(ctx, nsl, nx, ny, nz, G, saveGt, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nsl, nx, ny, nz
    complex(c_double_complex), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    call f_fred_kernel('dlops_op_create_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_C128, int(nsl, c_int64_t), &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    if (len(msg) > 0) then
      rc = f_error(DLOPS_ERR_ARG, msg)
    else
      rc = c_op_create_fredholm1(ctx%ptr, int(nsl, c_int64_t), int(nx, c_int64_t), int(ny, c_int64_t), &
           int(nz, c_int64_t), p, merge(1_c_int, 0_c_int, saveGt), int(dtype, c_int), A)
    end if
    call f_check(rc, 'dlops_op_create_fredholm1', ierr)
  end subroutine dlops_op_create_fredholm1_c128_i4
  subroutine dlops_op_create_mpi_fredholm1_c128_i4(ctx, nsl_local, nx, ny, nz, G, saveGt, partition, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nsl_local, nx, ny, nz
    complex(c_double_complex), intent(in), target, contiguous :: G(..)
    logical, intent(in) :: saveGt
    integer, intent(in) :: partition, dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    integer(c_int64_t) :: nl
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    nl = int(nsl_local, c_int64_t)
    call f_fred_kernel('dlops_op_create_mpi_fredholm1', cp, size(G, kind=c_int64_t), DLOPS_C128, nl, &
         int(nx, c_int64_t), int(ny, c_int64_t), dtype, p, msg)
    ! a bad kernel joins the collective with a NULL kernel and at least one slice, which fails on
    ! every rank; this rank then says why
    if (len(msg) > 0) nl = max(1_c_int64_t, nl)
    rc = c_op_create_mpi_fredholm1(ctx%ptr, nl, int(nx, c_int64_t), int(ny, c_int64_t), int(nz, c_int64_t), p, &
         merge(1_c_int, 0_c_int, saveGt), int(partition, c_int), int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_fredholm1', ierr)
  end subroutine dlops_op_create_mpi_fredholm1_c128_i4
  subroutine dlops_op_create_nonstationary_convolve1d_f32_i8(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_float), intent(in), target, contiguous :: hs(:, :)
    integer(c_int64_t), intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_F32 /= dtype) msg = 'dlops_op_create_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_F32) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_nonstationary_convolve1d_f32_i8
  subroutine dlops_op_create_nonstationary_convolve1d_f32_i4(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_float), intent(in), target, contiguous :: hs(:, :)
    integer, intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_F32 /= dtype) msg = 'dlops_op_create_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_F32) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_nonstationary_convolve1d_f32_i4
  subroutine dlops_op_create_nonstationary_convolve1d_f64_i8(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_double), intent(in), target, contiguous :: hs(:, :)
    integer(c_int64_t), intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_F64 /= dtype) msg = 'dlops_op_create_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_F64) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_nonstationary_convolve1d_f64_i8
  subroutine dlops_op_create_nonstationary_convolve1d_f64_i4(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_double), intent(in), target, contiguous :: hs(:, :)
    integer, intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_F64 /= dtype) msg = 'dlops_op_create_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_F64) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_nonstationary_convolve1d_f64_i4
  subroutine dlops_op_create_nonstationary_convolve1d_c64_i8(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: axis
    complex(c_float_complex), intent(in), target, contiguous :: hs(:, :)
    integer(c_int64_t), intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_C64 /= dtype) msg = 'dlops_op_create_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_C64) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_nonstationary_convolve1d_c64_i8
  subroutine dlops_op_create_nonstationary_convolve1d_c64_i4(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: axis
    complex(c_float_complex), intent(in), target, contiguous :: hs(:, :)
    integer, intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_C64 /= dtype) msg = 'dlops_op_create_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_C64) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_nonstationary_convolve1d_c64_i4
  subroutine dlops_op_create_nonstationary_convolve1d_c128_i8(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: axis
    complex(c_double_complex), intent(in), target, contiguous :: hs(:, :)
    integer(c_int64_t), intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_C128 /= dtype) msg = 'dlops_op_create_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_C128) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_nonstationary_convolve1d_c128_i8
  subroutine dlops_op_create_nonstationary_convolve1d_c128_i4(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: axis
    complex(c_double_complex), intent(in), target, contiguous :: hs(:, :)
    integer, intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_C128 /= dtype) msg = 'dlops_op_create_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_C128) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_nonstationary_convolve1d_c128_i4
  subroutine dlops_op_create_mpi_nonstationary_convolve1d_f32_i8(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_float), intent(in), target, contiguous :: hs(:, :)
    integer(c_int64_t), intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_F32 /= dtype) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_F32) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_mpi_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_mpi_nonstationary_convolve1d_f32_i8
  subroutine dlops_op_create_mpi_nonstationary_convolve1d_f32_i4(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_float), intent(in), target, contiguous :: hs(:, :)
    integer, intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_F32 /= dtype) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_F32) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_mpi_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_mpi_nonstationary_convolve1d_f32_i4
  subroutine dlops_op_create_mpi_nonstationary_convolve1d_f64_i8(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_double), intent(in), target, contiguous :: hs(:, :)
    integer(c_int64_t), intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_F64 /= dtype) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_F64) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_mpi_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_mpi_nonstationary_convolve1d_f64_i8
  subroutine dlops_op_create_mpi_nonstationary_convolve1d_f64_i4(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: axis
    real(c_double), intent(in), target, contiguous :: hs(:, :)
    integer, intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_F64 /= dtype) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_F64) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_mpi_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_mpi_nonstationary_convolve1d_f64_i4
  subroutine dlops_op_create_mpi_nonstationary_convolve1d_c64_i8(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: axis
    complex(c_float_complex), intent(in), target, contiguous :: hs(:, :)
    integer(c_int64_t), intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_C64 /= dtype) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_C64) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_mpi_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_mpi_nonstationary_convolve1d_c64_i8
  subroutine dlops_op_create_mpi_nonstationary_convolve1d_c64_i4(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: axis
    complex(c_float_complex), intent(in), target, contiguous :: hs(:, :)
    integer, intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_C64 /= dtype) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_C64) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_mpi_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_mpi_nonstationary_convolve1d_c64_i4
  subroutine dlops_op_create_mpi_nonstationary_convolve1d_c128_i8(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:)
    integer, intent(in) :: axis
    complex(c_double_complex), intent(in), target, contiguous :: hs(:, :)
    integer(c_int64_t), intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_C128 /= dtype) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_C128) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_mpi_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_mpi_nonstationary_convolve1d_c128_i8
  subroutine dlops_op_create_mpi_nonstationary_convolve1d_c128_i4(ctx, dims, axis, hs, ih, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dims(:)
    integer, intent(in) :: axis
    complex(c_double_complex), intent(in), target, contiguous :: hs(:, :)
    integer, intent(in) :: ih(:)
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    integer(c_int64_t), target :: ihc(max(1, size(ih)))
    type(c_ptr) :: hp, ip
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    ! hs(nh, nfilts) in Fortran order is the C hs[nfilts][nh]; a kind other than dtype's, or an ih
    ! of another length, goes to C as NULL, which fails on every rank; this rank then says why
    msg = ''
    if (DLOPS_C128 /= dtype) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: hs is ' // f_dtype_name(DLOPS_C128) // &
         ' but dtype is ' // f_dtype_name(dtype)
    if (size(ih) /= size(hs, 2)) msg = 'dlops_op_create_mpi_nonstationary_convolve1d: ih has ' // &
         f_itoa(int(size(ih), c_int64_t)) // ' entries for ' // f_itoa(int(size(hs, 2), c_int64_t)) // ' filters'
    hp = c_null_ptr
    ip = c_null_ptr
    ihc = 0
    ihc(1:size(ih)) = int(ih, c_int64_t)
    if (len(msg) == 0 .and. size(hs) > 0) hp = c_loc(hs)
    if (len(msg) == 0) ip = c_loc(ihc)
    rc = c_op_create_mpi_nonstationary_convolve1d(ctx%ptr, int(size(dims), c_int), int(dims, c_int64_t), int(axis, c_int), &
         size(hs, 2, kind=c_int64_t), size(hs, 1, kind=c_int64_t), hp, ip, int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mpi_nonstationary_convolve1d', ierr)
  end subroutine dlops_op_create_mpi_nonstationary_convolve1d_c128_i4
  subroutine dlops_op_create_mdc_c64_i8(ctx, nfreq_local, ns, nr, G, nt, nv, dt, dr, twosided, saveGt, conj, &
       prescaled, partition, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nfreq_local, ns, nr, nt, nv
    complex(c_float_complex), intent(in), target, contiguous :: G(..)
    real(c_double), intent(in) :: dt, dr
    logical, intent(in) :: twosided, saveGt, conj, prescaled
    integer, intent(in) :: partition, dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    integer(c_int64_t) :: nl
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    nl = int(nfreq_local, c_int64_t)
    call f_fred_kernel('dlops_op_create_mdc', cp, size(G, kind=c_int64_t), DLOPS_C64, nl, &
         int(ns, c_int64_t), int(nr, c_int64_t), dtype, p, msg)
    ! a bad kernel joins the collective with a NULL kernel and at least one slice, which fails on
    ! every rank; this rank then says why
    if (len(msg) > 0) nl = max(1_c_int64_t, nl)
    rc = c_op_create_mdc(ctx%ptr, nl, int(ns, c_int64_t), int(nr, c_int64_t), p, int(nt, c_int64_t), &
         int(nv, c_int64_t), dt, dr, merge(1_c_int, 0_c_int, twosided), merge(1_c_int, 0_c_int, saveGt), &
         merge(1_c_int, 0_c_int, conj), merge(1_c_int, 0_c_int, prescaled), int(partition, c_int), &
         int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mdc', ierr)
  end subroutine dlops_op_create_mdc_c64_i8
  subroutine dlops_op_create_mdc_c64_i4(ctx, nfreq_local, ns, nr, G, nt, nv, dt, dr, twosided, saveGt, conj, &
       prescaled, partition, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nfreq_local, ns, nr, nt, nv
    complex(c_float_complex), intent(in), target, contiguous :: G(..)
    real(c_double), intent(in) :: dt, dr
    logical, intent(in) :: twosided, saveGt, conj, prescaled
    integer, intent(in) :: partition, dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    integer(c_int64_t) :: nl
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    nl = int(nfreq_local, c_int64_t)
    call f_fred_kernel('dlops_op_create_mdc', cp, size(G, kind=c_int64_t), DLOPS_C64, nl, &
         int(ns, c_int64_t), int(nr, c_int64_t), dtype, p, msg)
    ! a bad kernel joins the collective with a NULL kernel and at least one slice, which fails on
    ! every rank; this rank then says why
    if (len(msg) > 0) nl = max(1_c_int64_t, nl)
    rc = c_op_create_mdc(ctx%ptr, nl, int(ns, c_int64_t), int(nr, c_int64_t), p, int(nt, c_int64_t), &
         int(nv, c_int64_t), dt, dr, merge(1_c_int, 0_c_int, twosided), merge(1_c_int, 0_c_int, saveGt), &
         merge(1_c_int, 0_c_int, conj), merge(1_c_int, 0_c_int, prescaled), int(partition, c_int), &
         int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mdc', ierr)
  end subroutine dlops_op_create_mdc_c64_i4
  subroutine dlops_op_create_mdc_c128_i8(ctx, nfreq_local, ns, nr, G, nt, nv, dt, dr, twosided, saveGt, conj, &
       prescaled, partition, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nfreq_local, ns, nr, nt, nv
    complex(c_double_complex), intent(in), target, contiguous :: G(..)
    real(c_double), intent(in) :: dt, dr
    logical, intent(in) :: twosided, saveGt, conj, prescaled
    integer, intent(in) :: partition, dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    integer(c_int64_t) :: nl
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    nl = int(nfreq_local, c_int64_t)
    call f_fred_kernel('dlops_op_create_mdc', cp, size(G, kind=c_int64_t), DLOPS_C128, nl, &
         int(ns, c_int64_t), int(nr, c_int64_t), dtype, p, msg)
    ! a bad kernel joins the collective with a NULL kernel and at least one slice, which fails on
    ! every rank; this rank then says why
    if (len(msg) > 0) nl = max(1_c_int64_t, nl)
    rc = c_op_create_mdc(ctx%ptr, nl, int(ns, c_int64_t), int(nr, c_int64_t), p, int(nt, c_int64_t), &
         int(nv, c_int64_t), dt, dr, merge(1_c_int, 0_c_int, twosided), merge(1_c_int, 0_c_int, saveGt), &
         merge(1_c_int, 0_c_int, conj), merge(1_c_int, 0_c_int, prescaled), int(partition, c_int), &
         int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mdc', ierr)
  end subroutine dlops_op_create_mdc_c128_i8
  subroutine dlops_op_create_mdc_c128_i4(ctx, nfreq_local, ns, nr, G, nt, nv, dt, dr, twosided, saveGt, conj, &
       prescaled, partition, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: nfreq_local, ns, nr, nt, nv
    complex(c_double_complex), intent(in), target, contiguous :: G(..)
    real(c_double), intent(in) :: dt, dr
    logical, intent(in) :: twosided, saveGt, conj, prescaled
    integer, intent(in) :: partition, dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp, p
    character(len=:), allocatable :: msg
    integer(c_int) :: rc
    integer(c_int64_t) :: nl
    cp = c_null_ptr
    if (size(G) > 0) cp = c_loc(G)
    nl = int(nfreq_local, c_int64_t)
    call f_fred_kernel('dlops_op_create_mdc', cp, size(G, kind=c_int64_t), DLOPS_C128, nl, &
         int(ns, c_int64_t), int(nr, c_int64_t), dtype, p, msg)
    ! a bad kernel joins the collective with a NULL kernel and at least one slice, which fails on
    ! every rank; this rank then says why
    if (len(msg) > 0) nl = max(1_c_int64_t, nl)
    rc = c_op_create_mdc(ctx%ptr, nl, int(ns, c_int64_t), int(nr, c_int64_t), p, int(nt, c_int64_t), &
         int(nv, c_int64_t), dt, dr, merge(1_c_int, 0_c_int, twosided), merge(1_c_int, 0_c_int, saveGt), &
         merge(1_c_int, 0_c_int, conj), merge(1_c_int, 0_c_int, prescaled), int(partition, c_int), &
         int(dtype, c_int), A)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
    call f_check(rc, 'dlops_op_create_mdc', ierr)
  end subroutine dlops_op_create_mdc_c128_i4
  !> dlops_options_get_string (options.h): out = the value of key, or def when it was not given.
  !> Hand-written: C may return its def pointer, so the C copy of def must outlive the copy-out.
  subroutine dlops_options_get_string(opts, key, def, help, out, ierr)
    type(dlops_options), intent(in) :: opts
    character(len=*), intent(in) :: key, def, help
    character(len=:), allocatable, intent(out) :: out
    integer, intent(out), optional :: ierr
    character(kind=c_char, len=:), allocatable :: cdef
    type(c_ptr) :: w_out
    integer(c_int) :: rc
    cdef = f_cstr(def)
    w_out = c_null_ptr
    rc = c_options_get_string(opts%ptr, f_cstr(key), cdef, f_cstr(help), w_out)
    out = f_string(w_out)
    deallocate(cdef)
    call f_check(rc, 'dlops_options_get_string', ierr)
  end subroutine dlops_options_get_string

  !> dlops_options_create (options.h): the options of the environment variable env_var (optional)
  !> and then of the program's command line, read with get_command_argument (the command line
  !> wins, as in C). Not collective.
  subroutine dlops_options_create(opts, env_var, ierr)
    type(dlops_options), intent(inout) :: opts
    character(len=*), intent(in), optional :: env_var
    integer, intent(out), optional :: ierr
    type(c_ptr) :: noargv
    integer(c_int) :: rc
    integer :: i, n
    character(len=:), allocatable :: arg
    noargv = c_null_ptr
    if (present(env_var)) then
      rc = c_options_create(0_c_int, noargv, f_cstr(env_var), opts)
    else
      rc = c_options_create(0_c_int, noargv, f_cstr(''), opts) ! getenv(""): no variable
    end if
    do i = 1, command_argument_count()
      if (rc /= 0) exit
      call get_command_argument(i, length=n)
      allocate(character(len=n) :: arg)
      if (n > 0) call get_command_argument(i, arg)
      rc = c_options_insert(opts%ptr, f_cstr(arg))
      deallocate(arg)
    end do
    if (rc /= 0 .and. c_associated(opts%ptr)) then
      call f_check(rc, 'dlops_options_create', ierr) ! the insert's message, before destroy
      rc = c_options_destroy(opts)
      return
    end if
    call f_check(rc, 'dlops_options_create', ierr)
  end subroutine dlops_options_create

end module dlops_manual
