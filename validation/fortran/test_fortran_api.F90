!> The Fortran interface against the C library and against serial Fortran computations.
!> Runs at NP 1..4 on every host backend (DLOPS_SPEC). Uses mpi_f08 communicators here and
!> `use mpi` integer communicators in legacy_part.F90.
module fref_c
  use, intrinsic :: iso_c_binding
  implicit none
  interface
    function fref_constants(v, n) bind(C, name='fref_constants') result(m)
      import :: c_int
      integer(c_int), intent(out) :: v(*)
      integer(c_int), value :: n
      integer(c_int) :: m
    end function fref_constants
    function fref_compute(fcomm, dtype, ndim, cshape, axis, out, gathered) bind(C, name='fref_compute') result(rc)
      import :: c_int, c_int64_t, c_double
      integer(c_int), value :: fcomm, dtype, ndim, axis
      integer(c_int64_t), intent(in) :: cshape(*)
      real(c_double), intent(out) :: out(*), gathered(*)
      integer(c_int) :: rc
    end function fref_compute
  end interface
end module fref_c

module api_cases
  use, intrinsic :: iso_c_binding
  use mpi_f08
  use dlops
  use ftest
  use fref_c
  implicit none
  private
  public :: test_constants, test_context, test_layout, test_case, test_errors, test_misc, test_memspaces

contains

  !> the test data at 1-based flat index k (C flat index k-1), rounded to the dtype
  function tdata(k, dtype) result(z)
    integer(c_int64_t), intent(in) :: k
    integer, intent(in) :: dtype
    complex(c_double_complex) :: z
    real(c_double) :: a, b
    ! volatile: gfortran 12 drops real(real(a, c_float), c_double) after merging sin and cos
    ! into sincos (seen at -O2 and -O3 depending on inlining), and the values were not rounded
    real(c_float), volatile :: af, bf
    a = sin(real(k, c_double))
    b = cos(real(k, c_double))
    if (dtype == DLOPS_F32 .or. dtype == DLOPS_C64) then
      af = real(a, c_float)
      bf = real(b, c_float)
      a = real(af, c_double)
      b = real(bf, c_double)
    end if
    if (dtype == DLOPS_F32 .or. dtype == DLOPS_F64) b = 0
    z = cmplx(a, b, c_double_complex)
  end function tdata

  !> 0-based global flat index of 0-based local flat index l (C order everywhere)
  function gidx(l, ls, cs, axis, off) result(g)
    integer(c_int64_t), intent(in) :: l, ls(:), cs(:), off
    integer, intent(in) :: axis
    integer(c_int64_t) :: g, rem, i, stride
    integer :: d
    rem = l
    g = 0
    stride = 1
    do d = size(cs), 1, -1
      i = mod(rem, ls(d))
      rem = rem / ls(d)
      if (d - 1 == axis) i = i + off
      g = g + i * stride
      stride = stride * cs(d)
    end do
  end function gidx

  !> the local block of x as complex(8), through the typed flat pointer of its kind
  subroutine local_values(x, dtype, v)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: dtype
    complex(c_double_complex), allocatable, intent(out) :: v(:)
    real(c_float), pointer :: p4(:)
    real(c_double), pointer :: p8(:)
    complex(c_float_complex), pointer :: z4(:)
    complex(c_double_complex), pointer :: z8(:)
    select case (dtype)
    case (DLOPS_F32)
      call dlops_darray_get_local(x, p4)
      v = cmplx(p4, 0, c_double_complex)
      call dlops_darray_restore_local(x, p4)
    case (DLOPS_F64)
      call dlops_darray_get_local(x, p8)
      v = cmplx(p8, 0, c_double_complex)
      call dlops_darray_restore_local(x, p8)
    case (DLOPS_C64)
      call dlops_darray_get_local(x, z4)
      v = cmplx(z4, kind=c_double_complex)
      call dlops_darray_restore_local(x, z4)
    case default
      call dlops_darray_get_local(x, z8)
      v = z8
      call dlops_darray_restore_local(x, z8)
    end select
  end subroutine local_values

  ! ------------------------------------------------------------------ constants and strings
  subroutine test_constants()
    integer(c_int) :: v(64)
    integer :: m, i
    integer, parameter :: mine(52) = [DLOPS_F32, DLOPS_F64, DLOPS_C64, DLOPS_C128, DLOPS_NUM_DTYPES, &
         DLOPS_MEM_HOST, DLOPS_MEM_DEVICE, DLOPS_NUM_MEMSPACES, &
         DLOPS_MAP_SOFT_THRESHOLD, DLOPS_MAP_HARD_THRESHOLD, DLOPS_MAP_HALF_THRESHOLD, DLOPS_MAP_HARD_CUT, &
         DLOPS_MAP_CLIP, DLOPS_MAP_SIGN, DLOPS_MAP_NONZERO, DLOPS_MAP_OUTSIDE, DLOPS_NUM_MAPS, &
         DLOPS_SUCCESS, DLOPS_ERR_ARG, DLOPS_ERR_SIZE, DLOPS_ERR_STATE, DLOPS_ERR_UNSUPPORTED, DLOPS_ERR_MEM, &
         DLOPS_ERR_MPI, DLOPS_ERR_CUDA, DLOPS_ERR_CUBLAS, DLOPS_ERR_NCCL, DLOPS_ERR_IO, DLOPS_ERR_INTERNAL, &
         DLOPS_NUM_ERRORS, &
         DLOPS_SCATTER, DLOPS_BROADCAST, DLOPS_UNSAFE_BROADCAST, &
         DLOPS_COMM_ALLREDUCE, DLOPS_COMM_ALLGATHER, DLOPS_COMM_BCAST, DLOPS_COMM_REDUCE, DLOPS_COMM_ALLTOALLV, &
         DLOPS_COMM_NEIGHBOR, DLOPS_COMM_SPLIT, DLOPS_COMM_META, DLOPS_COMM_NUM_KINDS, &
         DLOPS_MAX_NDIM, DLOPS_VERSION_MAJOR, DLOPS_VERSION_MINOR, DLOPS_VERSION_PATCH, &
         int(c_sizeof(dlops_scalar())), int(c_sizeof(dlops_comm_counter())), int(c_sizeof(dlops_ctx())), &
         int(c_sizeof(dlops_darray())), int(c_sizeof(dlops_pending())), int(c_sizeof(dlops_mem_counter()))]
    character(len=8) :: s
    m = fref_constants(v, size(v, kind=c_int))
    call check(m == size(mine), 'number of constants compared with C')
    do i = 1, min(m, size(mine))
      write (s, '(i0)') i
      call check(v(i) == mine(i), 'constant #' // trim(s) // ' differs from its C value')
    end do
    call check(dlops_dtype_name(DLOPS_F64) == 'f64', 'dtype_name f64')
    call check(dlops_dtype_name(DLOPS_C128) == 'c128', 'dtype_name c128')
    call check(dlops_dtype_size(DLOPS_C128) == 16, 'dtype_size c128')
    call check(dlops_dtype_size(DLOPS_F32) == 4, 'dtype_size f32')
    call check(len(dlops_error_string(DLOPS_ERR_ARG)) > 0, 'error_string')
    call check(dlops_error_string(DLOPS_ERR_ARG) /= dlops_error_string(DLOPS_ERR_SIZE), 'error strings differ')
    call check(dlops_partition_name(DLOPS_BROADCAST) == 'broadcast', 'partition_name')
    call check(dlops_comm_kind_name(DLOPS_COMM_ALLREDUCE) == 'allreduce', 'comm_kind_name')
    ! layout helpers
    call check(all(dlops_shape_from_fortran([5, 7, 9]) == [9_c_int64_t, 7_c_int64_t, 5_c_int64_t]), 'shape_from_fortran')
    call check(all(dlops_shape_to_fortran([9_c_int64_t, 7_c_int64_t]) == [7_c_int64_t, 9_c_int64_t]), 'shape_to_fortran')
    call check(dlops_axis_from_fortran(3, 3) == 0 .and. dlops_axis_from_fortran(1, 3) == 2, 'axis_from_fortran')
    do i = 1, 4
      call check(dlops_axis_to_fortran(dlops_axis_from_fortran(i, 4), 4) == i, 'axis round trip')
    end do
    call check(dlops_axis_to_fortran(-1, 3) == 1, 'axis_to_fortran of a negative axis')
  end subroutine test_constants

  ! ------------------------------------------------------------------ context
  subroutine test_context(ctx)
    type(dlops_ctx), intent(in) :: ctx
    type(MPI_Comm) :: comm
    integer :: icomm, r, s, res
    character(len=:), allocatable :: name, spec, text
    type(dlops_comm_counter) :: cnt
    type(dlops_darray) :: x
    real(c_double) :: d
    call dlops_ctx_get_rank(ctx, r)
    call dlops_ctx_get_size(ctx, s)
    call check(r == ftest_rank .and. s == ftest_size, 'ctx rank/size equal MPI_COMM_WORLD''s')
    call dlops_ctx_get_comm(ctx, comm)
    call MPI_Comm_compare(comm, MPI_COMM_WORLD, res)
    call check(res == MPI_CONGRUENT, 'ctx comm (mpi_f08) is a duplicate of MPI_COMM_WORLD')
    call dlops_ctx_get_comm(ctx, icomm)
    call check(icomm == comm%MPI_VAL, 'ctx comm as an integer is the same handle')
    call dlops_ctx_get_backend(ctx, name)
    call dlops_ctx_get_spec(ctx, spec)
    call check(name == 'mpi' .or. name == 'rma' .or. name == 'nccl', 'backend name: ' // name)
    call check(index(spec, 'comm=' // name) > 0, 'spec "' // spec // '" names backend ' // name)
    call dlops_backends_describe(text)
    call check(index(text, 'mpi') > 0 .and. index(text, 'nccl') > 0, 'backends_describe lists mpi and nccl')
    call check(len(dlops_ctx_last_error(ctx)) >= 0, 'ctx_last_error callable')
    ! counters: one dot = at least one allreduce call on this rank
    call dlops_darray_create(ctx, [10], 0, DLOPS_SCATTER, DLOPS_F64, x)
    call dlops_darray_fill(x, 1.0d0)
    call dlops_ctx_reset_counters(ctx)
    call dlops_ctx_get_counter(ctx, DLOPS_COMM_ALLREDUCE, cnt)
    call check(cnt%calls == 0 .and. cnt%bytes == 0, 'counters reset')
    call dlops_darray_dot(x, x, d)
    call check_close(d, 10.0d0, 1d-14, 'dot of ones')
    call dlops_ctx_get_counter(ctx, DLOPS_COMM_ALLREDUCE, cnt)
    call check(cnt%calls >= 1 .and. cnt%seconds >= 0, 'dot counted as an allreduce')
    call dlops_ctx_print_counters(ctx)
    call dlops_darray_destroy(x)
    call check(.not. c_associated(x%ptr), 'destroy nulls the handle')
  end subroutine test_context

  ! ------------------------------------------------------------------ Fortran layout
  subroutine test_layout(ctx)
    type(dlops_ctx), intent(in) :: ctx
    real(c_double), target :: u(5, 7), w(5, 7), u3(3, 4, 5), w3(3, 4, 5)
    real(c_double) :: empty(0)
    real(c_double), pointer :: p1(:), p2(:, :), p3(:, :, :)
    type(dlops_darray) :: x, x1, x3, y
    integer(c_int64_t), allocatable :: ls(:), gs(:), sizes(:)
    integer(c_int64_t) :: off
    integer :: i, j, k, ln, ax
    do j = 1, 7
      do i = 1, 5
        u(i, j) = 10 * i + j
      end do
    end do
    do k = 1, 5
      do j = 1, 4
        do i = 1, 3
          u3(i, j, k) = i + 10 * j + 100 * k
        end do
      end do
    end do
    ! u(5,7) distributed over its last (slowest) Fortran dimension = C axis 0 of shape [7,5]
    call dlops_darray_create(ctx, dlops_shape_from_fortran(shape(u)), dlops_axis_from_fortran(2, 2), &
         DLOPS_SCATTER, DLOPS_F64, x)
    call dlops_darray_get_global_shape(x, gs)
    call check(all(dlops_shape_to_fortran(gs) == shape(u)), 'global shape in Fortran order')
    call dlops_darray_get_axis(x, ax)
    call check(ax == 0 .and. dlops_axis_to_fortran(ax, 2) == 2, 'axis')
    if (ftest_rank == 0) then
      call dlops_darray_scatter(x, u, 0)
    else
      call dlops_darray_scatter(x, empty, 0)
    end if
    call dlops_darray_get_local_shape(x, ls)
    call dlops_darray_get_offset(x, off)
    call dlops_darray_get_axis_sizes(x, sizes)
    ln = int(ls(1))
    call check(size(sizes) == ftest_size, 'axis_sizes has one entry per rank')
    call check(sizes(ftest_rank + 1) == ln .and. sum(sizes) == 7, 'axis_sizes')
    call check(ls(2) == 5, 'local shape [ln, 5]')
    call dlops_darray_get_local(x, p2)
    call check(all(shape(p2) == [5, ln]), 'pointer shape (5, ln)')
    call check(all(p2 == u(:, off + 1:off + ln)), 'local block is u(:, off+1:off+ln)')
    p2 = 2 * p2
    call dlops_darray_restore_local(x, p2)
    call check(.not. associated(p2), 'restore nullifies the pointer')
    w = 0
    call dlops_darray_gather(x, w, -1)
    call check(all(w == 2 * u), 'gather to all gives the Fortran field')
    w = 0
    if (ftest_rank == 0) then
      call dlops_darray_gather(x, w, 0)
      call check(all(w == 2 * u), 'gather to root 0')
    else
      call dlops_darray_gather(x, empty, 0)
    end if
    ! the per-kind generic and the flat view
    call dlops_darray_get_local_f64(x, p1)
    call check(size(p1) == 5 * ln, 'flat view size')
    if (ln > 0) call check(all(p1 == reshape(2 * u(:, off + 1:off + ln), [5 * ln])), 'flat view values')
    call dlops_darray_restore_local(x, p1)
    ! redistribute to C axis 1 (Fortran dimension 1)
    call dlops_darray_redistribute(x, 1, y)
    call dlops_darray_get_axis(y, ax)
    call check(ax == 1, 'redistributed axis')
    call dlops_darray_get_local(y, p2)
    call dlops_darray_get_offset(y, off)
    call check(size(p2, 2) == 7, 'redistributed block spans Fortran dimension 2')
    call check(all(p2 == 2 * u(off + 1:off + size(p2, 1), :)), 'redistributed block values')
    call dlops_darray_restore_local(y, p2)
    w = 0
    call dlops_darray_gather(y, w, -1)
    call check(all(w == 2 * u), 'redistributed gather')
    call dlops_darray_destroy(y)
    call dlops_darray_destroy(x)
    ! distributed over Fortran dimension 1 (C axis 1), every rank passes the global array
    call dlops_darray_create(ctx, dlops_shape_from_fortran(shape(u)), dlops_axis_from_fortran(1, 2), &
         DLOPS_SCATTER, DLOPS_F64, x1)
    call dlops_darray_scatter(x1, u, -1)
    call dlops_darray_get_offset(x1, off)
    call dlops_darray_get_local(x1, p2)
    call check(size(p2, 2) == 7, 'axis-1 block keeps Fortran dimension 2')
    call check(all(p2 == u(off + 1:off + size(p2, 1), :)), 'axis-1 block is u(off+1:off+ln, :)')
    call dlops_darray_restore_local(x1, p2)
    call dlops_darray_destroy(x1)
    ! 3-D over the middle Fortran dimension
    call dlops_darray_create(ctx, dlops_shape_from_fortran(shape(u3)), dlops_axis_from_fortran(2, 3), &
         DLOPS_SCATTER, DLOPS_F64, x3)
    call dlops_darray_scatter(x3, u3, -1)
    call dlops_darray_get_offset(x3, off)
    call dlops_darray_get_local(x3, p3)
    call check(size(p3, 1) == 3 .and. size(p3, 3) == 5, '3-D pointer shape (3, ln, 5)')
    call check(all(p3 == u3(:, off + 1:off + size(p3, 2), :)), '3-D block is u3(:, off+1:off+ln, :)')
    call dlops_darray_restore_local(x3, p3)
    w3 = 0
    call dlops_darray_gather(x3, w3, -1)
    call check(all(w3 == u3), '3-D gather')
    call dlops_darray_destroy(x3)
  end subroutine test_layout

  ! ------------------------------------------------------------------ one dtype, C vs Fortran
  subroutine test_case(ctx, dtype, fshape, fdim)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: dtype, fshape(:), fdim
    type(dlops_darray) :: x, y
    type(MPI_Comm) :: comm
    integer(c_int64_t), allocatable :: cs(:), ls(:)
    integer(c_int64_t) :: n, k, off, nloc
    integer :: nd, axis, i
    complex(c_double_complex), allocatable :: gz(:), lv(:), fz(:), sz(:)
    real(c_float), allocatable :: b4(:)
    real(c_double), allocatable :: b8(:), cg(:)
    complex(c_float_complex), allocatable :: z4(:)
    complex(c_double_complex), allocatable :: z8(:)
    real(c_double) :: cout(10), norms(6), sn(6), tol, a
    complex(c_double_complex) :: zd, zv, sd, sv, alpha, sc0, y0
    type(dlops_scalar) :: sdot
    character(len=:), allocatable :: tag
    logical :: cplx
    integer(c_int) :: rc
    tag = 'dtype ' // dlops_dtype_name(dtype) // ': '
    cplx = dtype == DLOPS_C64 .or. dtype == DLOPS_C128
    tol = merge(1d-5, 1d-12, dtype == DLOPS_F32 .or. dtype == DLOPS_C64)
    nd = size(fshape)
    cs = dlops_shape_from_fortran(fshape)
    axis = dlops_axis_from_fortran(fdim, nd)
    n = product(cs)
    allocate (gz(n))
    do k = 1, n
      gz(k) = tdata(k, dtype)
    end do
    call dlops_darray_create(ctx, cs, axis, DLOPS_SCATTER, dtype, x)
    select case (dtype)
    case (DLOPS_F32)
      b4 = real(gz, c_float)
      call dlops_darray_scatter(x, b4, 0)
    case (DLOPS_F64)
      b8 = real(gz, c_double)
      call dlops_darray_scatter(x, b8, 0)
    case (DLOPS_C64)
      z4 = cmplx(gz, kind=c_float_complex)
      call dlops_darray_scatter(x, z4, 0)
    case default
      z8 = gz
      call dlops_darray_scatter(x, z8, 0)
    end select
    ! the local block holds the right part of the global data
    call dlops_darray_get_local_shape(x, ls)
    call dlops_darray_get_offset(x, off)
    call dlops_darray_get_local_size(x, nloc)
    call check(nloc == product(ls), tag // 'local size')
    call local_values(x, dtype, lv)
    call check(size(lv, kind=c_int64_t) == nloc, tag // 'flat view size')
    do k = 0, nloc - 1
      if (lv(k + 1) /= gz(gidx(k, ls, cs, axis, off) + 1)) then
        call check(.false., tag // 'local block value')
        exit
      end if
    end do
    ! reductions through the generic wrappers
    if (cplx) then
      call dlops_darray_dot(x, x, zd)
      call dlops_darray_vdot(x, x, sdot)
      zv = cmplx(sdot%re, sdot%im, c_double_complex)
    else
      call dlops_darray_dot(x, x, a)
      zd = a
      call dlops_darray_vdot(x, x, a)
      zv = a
    end if
    call dlops_darray_norm(x, 2, norms(1))
    call dlops_darray_norm(x, 1.0d0, norms(2))
    call dlops_darray_norm(x, DLOPS_NORM_INF, norms(3))
    call dlops_darray_norm(x, DLOPS_NORM_MINUS_INF, norms(4))
    call dlops_darray_norm(x, 0, norms(5))
    call dlops_darray_norm(x, 3, norms(6))
    ! serial Fortran
    sd = sum(gz * gz)
    sv = sum(conjg(gz) * gz)
    sn(1) = sqrt(sum(abs(gz)**2))
    sn(2) = sum(abs(gz))
    sn(3) = maxval(abs(gz))
    sn(4) = minval(abs(gz))
    sn(5) = count(gz /= 0)
    sn(6) = sum(abs(gz)**3)**(1.0d0 / 3)
    call check_close_z(zd, sd, tol, tag // 'dot vs serial')
    call check_close_z(zv, sv, tol, tag // 'vdot vs serial')
    do i = 1, 6
      call check_close(norms(i), sn(i), tol, tag // 'norm vs serial')
    end do
    ! the C library on the same data
    call dlops_ctx_get_comm(ctx, comm)
    allocate (cg(2 * n))
    rc = fref_compute(int(comm%MPI_VAL, c_int), int(dtype, c_int), int(nd, c_int), cs, int(axis, c_int), cout, cg)
    call check(rc == 0, tag // 'C reference ran')
    call check_close_z(zd, cmplx(cout(1), cout(2), c_double_complex), 1d-14, tag // 'dot vs C')
    call check_close_z(zv, cmplx(cout(3), cout(4), c_double_complex), 1d-14, tag // 'vdot vs C')
    do i = 1, 6
      call check_close(norms(i), cout(4 + i), 1d-14, tag // 'norm vs C')
    end do
    ! y = fill(0.5 - 0.25i); y = (2 + i) x + 0.5 y; y *= (3 - i); y = x .* y; y = conj(y), with a
    ! different scalar kind per dtype so every generic specific runs
    call dlops_darray_duplicate(x, y)
    select case (dtype)
    case (DLOPS_F32)
      call dlops_darray_fill(y, 0.5_c_float)
      call dlops_darray_axpby(2.0_c_float, x, 0.5_c_float, y)
      call dlops_darray_scale(y, 3)
    case (DLOPS_F64)
      call dlops_darray_fill(y, dlops_scalar_from(0.5d0))
      call dlops_darray_axpby(2.0d0, x, 0.5d0, y)
      call dlops_darray_scale(y, 3.0d0)
    case (DLOPS_C64)
      call dlops_darray_fill(y, cmplx(0.5, -0.25, c_float_complex))
      call dlops_darray_axpby(cmplx(2, 1, c_float_complex), x, cmplx(0.5, 0, c_float_complex), y)
      call dlops_darray_scale(y, cmplx(3, -1, c_float_complex))
    case default
      call dlops_darray_fill(y, (0.5d0, -0.25d0))
      call dlops_darray_axpby(dlops_scalar(2, 1), x, dlops_scalar_from(0.5d0), y)
      call dlops_darray_scale(y, dlops_scalar(3, -1))
    end select
    call dlops_darray_pointwise_mult(x, y, y)
    call dlops_darray_conj(y)
    allocate (fz(n))
    select case (dtype)
    case (DLOPS_F32)
      call dlops_darray_gather(y, b4, -1)
      fz = b4
    case (DLOPS_F64)
      call dlops_darray_gather(y, b8, -1)
      fz = b8
    case (DLOPS_C64)
      call dlops_darray_gather(y, z4, -1)
      fz = z4
    case default
      call dlops_darray_gather(y, z8, -1)
      fz = z8
    end select
    alpha = merge((2.0d0, 1.0d0), (2.0d0, 0.0d0), cplx)
    sc0 = merge((3.0d0, -1.0d0), (3.0d0, 0.0d0), cplx)
    y0 = merge((0.5d0, -0.25d0), (0.5d0, 0.0d0), cplx)
    sz = conjg(gz * (sc0 * (alpha * gz + 0.5d0 * y0)))
    do k = 1, n
      if (abs(fz(k) - cmplx(cg(2 * k - 1), cg(2 * k), c_double_complex)) > 1d-14 * max(1.0d0, abs(fz(k)))) then
        call check(.false., tag // 'vector operations: Fortran and C differ')
        exit
      end if
    end do
    call check(maxval(abs(fz - sz)) <= 10 * tol * max(1.0d0, maxval(abs(sz))), tag // 'vector operations vs serial')
    call dlops_darray_destroy(y)
    call dlops_darray_destroy(x)
  end subroutine test_case

  ! ------------------------------------------------------------------ error returns through ierr
  subroutine test_errors(ctx)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_ctx) :: bad
    type(dlops_darray) :: x, z, c, r, nf
    real(c_double), pointer :: p2(:, :), p2b(:, :), p3(:, :, :)
    real(c_float), pointer :: q2(:, :)
    real(c_double) :: small(3), empty(0), d, u(5, 7), gh(2)
    real(c_float) :: u4(5, 7)
    complex(c_double_complex) :: zr(2)
    integer :: ierr
    call dlops_ctx_create(MPI_COMM_WORLD, 'comm=bogus', bad, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'unknown backend spec')
    call check(.not. c_associated(bad%ptr), 'failed create leaves a null context')
    call dlops_ctx_create(MPI_COMM_WORLD, 'nonsense_key=1', bad, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'unknown spec key')

    call dlops_darray_create(ctx, [7, 5], 0, DLOPS_SCATTER, DLOPS_F64, x)
    ! kind mismatch on get_local: nothing is borrowed
    call dlops_darray_get_local(x, q2, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'get_local with a real(c_float) pointer on an f64 array')
    call check(index(dlops_last_error(), 'real(c_double)') > 0, 'kind message names the right kind: ' // &
         dlops_last_error())
    call check(.not. associated(q2), 'pointer not associated after a kind mismatch')
    call dlops_darray_get_local(x, p3, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'get_local with a rank-3 pointer on a 2-D array')
    call dlops_darray_get_local(x, p2, ierr)
    call check_err(ierr, DLOPS_SUCCESS, 'get_local after the failures (nothing was left borrowed)')
    call dlops_darray_get_local(x, p2b, ierr)
    call check_err(ierr, DLOPS_ERR_STATE, 'get_local twice')
    call dlops_darray_fill(x, 1, ierr)
    call check(ierr /= DLOPS_SUCCESS, 'fill while borrowed fails')
    call dlops_darray_restore_local(x, p2, ierr)
    call check_err(ierr, DLOPS_SUCCESS, 'restore')
    call dlops_darray_restore_local(x, p2, ierr)
    call check_err(ierr, DLOPS_ERR_STATE, 'restore without get')
    ! shapes that differ across ranks fail on every rank
    if (ftest_size > 1) then
      call dlops_darray_create(ctx, [10 + ftest_rank], 0, DLOPS_SCATTER, DLOPS_F64, z, ierr)
      call check_err(ierr, DLOPS_ERR_SIZE, 'global shapes differ across ranks')
      call check(.not. c_associated(z%ptr), 'no array after a failed create')
      call dlops_darray_create(ctx, [10], 0, DLOPS_SCATTER, merge(DLOPS_F64, DLOPS_F32, ftest_rank == 0), z, ierr)
      ! darray.h documents DLOPS_ERR_SIZE; the C implementation currently returns DLOPS_ERR_ARG
      call check(ierr == DLOPS_ERR_SIZE .or. ierr == DLOPS_ERR_ARG, 'dtypes differ across ranks: ' // &
           dlops_last_error())
    end if
    call dlops_darray_create(ctx, [7, 5], 2, DLOPS_SCATTER, DLOPS_F64, z, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'axis out of range')
    call dlops_darray_create(ctx, [7, 5], 0, DLOPS_SCATTER, 17, z, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'bad dtype')
    ! scatter: a too small buffer on the root fails on every rank
    if (ftest_rank == 0) then
      call dlops_darray_scatter(x, small, 0, ierr)
      call check(index(dlops_last_error(), 'elements') > 0, 'too-small message: ' // dlops_last_error())
    else
      call dlops_darray_scatter(x, empty, 0, ierr)
    end if
    call check_err(ierr, DLOPS_ERR_ARG, 'scatter from a too small buffer')
    u4 = 1
    call dlops_darray_scatter(x, u4, -1, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'scatter of real(c_float) data into an f64 array')
    u = 0
    if (ftest_rank == ftest_size - 1) then
      call dlops_darray_gather(x, small, ftest_size - 1, ierr)
    else
      call dlops_darray_gather(x, u, ftest_size - 1, ierr)
    end if
    call check_err(ierr, DLOPS_ERR_ARG, 'gather into a too small buffer on the root')
    call dlops_darray_scatter(x, u, ftest_size, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'root out of range')
    ! layouts that do not match
    call dlops_darray_create(ctx, [5, 7], 0, DLOPS_SCATTER, DLOPS_F64, z)
    call dlops_darray_dot(x, z, d, ierr)
    call check_err(ierr, DLOPS_ERR_SIZE, 'dot of different shapes')
    call dlops_darray_axpby(1.0d0, x, 1.0d0, z, ierr)
    call check_err(ierr, DLOPS_ERR_SIZE, 'axpby of different shapes')
    call dlops_darray_scale(x, (0.0d0, 1.0d0), ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'complex scale of a real array')
    ! a real result for a complex array
    call dlops_darray_create(ctx, [6], 0, DLOPS_SCATTER, DLOPS_C128, c)
    call dlops_darray_dot(c, c, d, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'real dot result for a complex array')
    call dlops_darray_dot(x, c, zr(1), ierr)
    call check(ierr /= DLOPS_SUCCESS, 'dot of f64 and c128 arrays fails')
    call dlops_darray_multi_dot([x, x], [x], [.false., .false.], zr, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'multi_dot with arrays of different sizes')
    ! ghost cells into a too small buffer; non-SCATTER array
    call dlops_darray_add_ghost_cells(x, 1, 1, gh, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'add_ghost_cells into a too small buffer')
    call dlops_darray_create(ctx, [4], 0, DLOPS_BROADCAST, DLOPS_F64, r)
    call dlops_darray_add_ghost_cells(r, 0, 0, gh, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'add_ghost_cells on a BROADCAST array')
    ! files
    call dlops_darray_read_npy(ctx, 'no/such/dir/file.npy', 0, DLOPS_SCATTER, nf, ierr)
    call check(ierr == DLOPS_ERR_IO, 'read_npy of a missing file gives DLOPS_ERR_IO: ' // dlops_last_error())
    call check(.not. c_associated(nf%ptr), 'no array after a failed read_npy')
    ! errors on a null handle
    call dlops_darray_destroy(r)
    call dlops_darray_fill(r, 1.0d0, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'fill of a destroyed (null) handle')
    call dlops_darray_destroy(c)
    call dlops_darray_destroy(z)
    call dlops_darray_destroy(x)
  end subroutine test_errors

  ! ------------------------------------------------------------------ everything else
  ! ------------------------------------------------------------------ memory spaces
  !> the context's memory space, device pointers as c_ptr, host copies, the memory counters,
  !> element maps and random fills (the emu pass runs this on the emulated device)
  subroutine test_memspaces(ctx)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_darray) :: x, y
    type(dlops_mem_counter) :: mc
    type(dlops_scalar) :: d
    type(c_ptr) :: cp
    real(c_double), pointer :: px(:), py(:), pr(:)
    character(len=:), allocatable :: spec
    integer :: mem, ierr, i, nl
    logical :: ok
    call dlops_ctx_get_memspace(ctx, mem)
    call dlops_ctx_get_spec(ctx, spec)
    if (index(spec, 'mem=host') > 0) then
      call check(mem == DLOPS_MEM_HOST, 'host context memory space')
    else
      call check(mem == DLOPS_MEM_DEVICE, 'device context memory space')
    end if
    call dlops_darray_create(ctx, [4 * ftest_size + 3], 0, DLOPS_SCATTER, DLOPS_F64, x)
    call dlops_darray_duplicate(x, y)
    call dlops_darray_get_memspace(x, i)
    call check(i == mem, 'dlops_darray_create follows the context memory space')
    call dlops_darray_fill_random(x, 11_c_int64_t, -1.0_c_double, 1.0_c_double)
    call dlops_darray_map(DLOPS_MAP_SIGN, 0.0_c_double, 0.0_c_double, x, y)
    call dlops_darray_get_local(x, px)
    call dlops_darray_get_local(y, py)
    nl = size(px)
    call check(all(px >= -1.0_c_double .and. px < 1.0_c_double), 'fill_random range')
    call check(all(py == sign(1.0_c_double, px) .or. (px == 0 .and. py == 0)), 'map sign')
    call dlops_darray_restore_local(y, py)
    call dlops_darray_restore_local(x, px)
    ! the data pointer of its own space, as a c_ptr (a device pointer on device contexts)
    call dlops_darray_get_local_cptr(x, mem, cp)
    call check(c_associated(cp), 'get_local_cptr in the array''s space')
    call dlops_darray_restore_local_cptr(x, cp)
    call check(.not. c_associated(cp), 'restore_local_cptr nulls the pointer')
    ! read-only host copy: not written back
    call dlops_darray_get_local_read_cptr(x, DLOPS_MEM_HOST, cp)
    call c_f_pointer(cp, pr, [nl])
    if (nl > 0) pr(1) = 42.0_c_double
    call dlops_darray_restore_local_read_cptr(x, cp)
    call dlops_darray_get_local(x, px)
    if (mem == DLOPS_MEM_DEVICE .and. nl > 0) call check(px(1) /= 42.0_c_double, 'a read-only copy was written back')
    call dlops_darray_restore_local(x, px)
    ! counters: one device-to-host copy per reduction on device data, none on host data
    call dlops_ctx_reset_counters(ctx)
    call dlops_darray_dot(x, y, d)
    call dlops_ctx_get_mem_counter(ctx, mc)
    if (mem == DLOPS_MEM_DEVICE) then
      call check(mc%d2h == 1 .and. mc%d2h_bytes == 16 .and. mc%h2d == 0 .and. mc%kernels == 1, 'dot device traffic')
    else
      call check(mc%d2h == 0 .and. mc%kernels == 0, 'dot on host arrays counts no device traffic')
    end if
    ! errors through ierr
    call dlops_darray_map(99, 0.0_c_double, 0.0_c_double, x, y, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'map with an unknown kind')
    call dlops_darray_fill_random(x, 1_c_int64_t, 1.0_c_double, 0.0_c_double, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'fill_random with lo > hi')
    call dlops_darray_get_local_read_cptr(x, 5, cp, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'get_local_read_cptr with a bad memory space')
    ok = .true.
    call dlops_darray_destroy(x)
    call dlops_darray_destroy(y)
    call check(ok, 'memspaces')
  end subroutine test_memspaces

  subroutine test_misc(ctx)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_ctx) :: c2
    type(dlops_darray) :: e, m, a, b, s, part, rb, g1, rd
    type(dlops_pending) :: req
    integer(c_int64_t), allocatable :: sizes(:), gs(:), ls(:)
    integer(c_int64_t) :: off, n
    integer :: p, r, i, color, nd, ax, part_, dt, mem, cnt, ierr, nglob
    logical :: st
    real(c_double) :: d, da, db
    real(c_double), pointer :: p1(:)
    real(c_double), allocatable :: gv(:), ghost(:), want(:), back(:)
    complex(c_double_complex), allocatable, target :: res(:)
    type(dlops_scalar), allocatable, target :: sres(:)
    character(len=:), allocatable :: backend, path
    integer(c_int) :: memsp
    p = ftest_size
    r = ftest_rank
    ! explicit split: rank r owns r+1 rows
    call dlops_darray_create_ext(ctx, [p * (p + 1) / 2, 3], 0, DLOPS_SCATTER, DLOPS_F64, r + 1, -1, &
         DLOPS_MEM_HOST, e)
    call dlops_darray_get_axis_sizes(e, sizes)
    call check(all(sizes == [(int(i, c_int64_t), i=1, p)]), 'explicit split sizes')
    call dlops_darray_get_offset(e, off)
    call check(off == r * (r + 1) / 2, 'explicit split offset')
    call dlops_darray_get_local_shape(e, ls)
    call check(all(ls == [int(r + 1, c_int64_t), 3_c_int64_t]), 'explicit split local shape')
    call dlops_darray_get_ndim(e, nd)
    call dlops_darray_get_partition(e, part_)
    call dlops_darray_get_dtype(e, dt)
    call dlops_darray_get_memspace(e, mem)
    call dlops_darray_get_mask_color(e, color)
    call dlops_darray_get_global_size(e, n)
    call check(nd == 2 .and. part_ == DLOPS_SCATTER .and. dt == DLOPS_F64 .and. mem == DLOPS_MEM_HOST .and. &
         color == -1 .and. n == 3 * p * (p + 1) / 2, 'queries')
    call dlops_darray_get_ctx(e, c2)
    call check(c_associated(c2%ptr, ctx%ptr), 'get_ctx')
    call dlops_darray_destroy(e)
    ! int64 shapes and sizes, a mask: ranks of the same parity hold one replica each
    call dlops_darray_create_ext(ctx, [6_c_int64_t], 0, DLOPS_SCATTER, DLOPS_F64, -1_c_int64_t, mod(r, 2), &
         DLOPS_MEM_HOST, m)
    call dlops_darray_get_mask_color(m, color)
    call check(color == mod(r, 2), 'mask colour')
    call dlops_darray_fill(m, 2)
    call dlops_darray_dot(m, m, d)
    call check_close(d, 24.0d0, 1d-14, 'masked dot counts one replica')
    call dlops_darray_destroy(m)
    ! stacked arrays
    call dlops_darray_create(ctx, [4], 0, DLOPS_SCATTER, DLOPS_F64, a)
    call dlops_darray_create(ctx, [3, 2], 1, DLOPS_SCATTER, DLOPS_F64, b)
    call dlops_darray_fill(a, 1.5d0)
    call dlops_darray_fill(b, -2.0d0)
    call dlops_darray_create_stacked([a, b], s)
    call dlops_darray_is_stacked(s, st)
    call check(st, 'is_stacked')
    call dlops_darray_is_stacked(a, st)
    call check(.not. st, 'plain array is not stacked')
    call dlops_darray_stacked_count(s, cnt)
    call check(cnt == 2, 'stacked_count')
    call dlops_darray_stacked_get(s, 1, part)
    call check(c_associated(part%ptr, b%ptr), 'stacked_get(1) is the second component')
    call dlops_darray_get_global_size(s, n)
    call check(n == 10, 'stacked global size')
    call dlops_darray_dot(s, s, d)
    call dlops_darray_dot(a, a, da)
    call dlops_darray_dot(b, b, db)
    call check_close(d, da + db, 1d-14, 'stacked dot is the sum of the components'' dots')
    call check_close(d, 4 * 2.25d0 + 6 * 4.0d0, 1d-14, 'stacked dot value')
    call dlops_darray_get_local(s, p1, ierr)
    call check_err(ierr, DLOPS_ERR_STATE, 'get_local on a stacked array')
    allocate (gv(10))
    call dlops_darray_gather(s, gv, -1)
    call check(all(gv(1:4) == 1.5d0) .and. all(gv(5:10) == -2.0d0), 'stacked gather')
    ! multi_dot, blocking and split
    allocate (res(3), sres(3))
    call dlops_darray_multi_dot([a, b, s], [a, b, s], [.false., .true., .false.], res)
    call check_close_z(res(1), cmplx(da, 0, c_double_complex), 1d-14, 'multi_dot 1')
    call check_close_z(res(2), cmplx(db, 0, c_double_complex), 1d-14, 'multi_dot 2')
    call check_close_z(res(3), cmplx(d, 0, c_double_complex), 1d-14, 'multi_dot 3')
    res = 0
    call dlops_darray_multi_dot_begin([a, b, s], [a, b, s], [.false., .false., .true.], res, req)
    call check(c_associated(req%ptr), 'multi_dot_begin gives a request')
    call dlops_darray_multi_dot_end(req)
    call check(.not. c_associated(req%ptr), 'multi_dot_end nulls the request')
    call check_close_z(res(3), cmplx(d, 0, c_double_complex), 1d-14, 'multi_dot_begin/end (complex result)')
    ! bad arguments are reported by the end call, on every rank (the begin call sends nothing
    ! that could disagree): begin succeeds and end fails
    call dlops_darray_multi_dot_begin([b], [a], [.false.], sres(1:1), req, ierr)
    call check(ierr == DLOPS_SUCCESS .and. c_associated(req%ptr), 'multi_dot_begin of different layouts gives a request')
    call dlops_darray_multi_dot_end(req, ierr)
    call check(ierr /= DLOPS_SUCCESS, 'multi_dot of different layouts fails at end')
    call check(.not. c_associated(req%ptr), 'a failed multi_dot_end nulls the request')
    call dlops_darray_multi_dot_begin([b], [b], [.false.], sres(1:1), req)
    call dlops_darray_multi_dot_end(req)
    call check_close(sres(1)%re, db, 1d-14, 'multi_dot_begin/end (dlops_scalar result)')
    call dlops_darray_destroy(s)
    call dlops_darray_destroy(b)
    ! duplicate: same layout, zeros
    call dlops_darray_duplicate(a, b)
    call dlops_darray_norm(b, 2, d)
    call check(d == 0, 'duplicate is zero')
    call dlops_darray_copy(a, b)
    call dlops_darray_norm(b, DLOPS_NORM_INF, d)
    call check(d == 1.5d0, 'copy')
    call dlops_darray_destroy(b)
    call dlops_darray_destroy(a)
    ! BROADCAST: every rank writes its rank, sync makes them all rank 0's
    call dlops_darray_create(ctx, [5], 0, DLOPS_BROADCAST, DLOPS_F64, rb)
    call dlops_darray_get_local(rb, p1)
    call check(size(p1) == 5, 'broadcast arrays are whole on every rank')
    p1 = r + 1
    call dlops_darray_restore_local(rb, p1)
    call dlops_darray_sync_broadcast(rb)
    call dlops_darray_get_local(rb, p1)
    call check(all(p1 == 1), 'sync_broadcast copies rank 0''s values')
    call dlops_darray_restore_local(rb, p1)
    call dlops_darray_destroy(rb)
    ! ghost cells of a 1-D array 1..nglob
    nglob = 11
    call dlops_darray_create(ctx, [nglob], 0, DLOPS_SCATTER, DLOPS_F64, g1)
    gv = [(real(i, c_double), i=1, nglob)]
    call dlops_darray_scatter(g1, gv, -1)
    call dlops_darray_get_offset(g1, off)
    call dlops_darray_get_local_shape(g1, ls)
    call dlops_darray_ghost_shape(g1, 1, 2, gs)
    call check(size(gs) == 1, 'ghost shape has ndim entries')
    allocate (ghost(gs(1)))
    call dlops_darray_add_ghost_cells(g1, 1, 2, ghost)
    ! serial: rank 0 gets no front cells and the last rank no back cells
    want = gv(max(1_c_int64_t, off + 1 - merge(1, 0, r > 0)):min(int(nglob, c_int64_t), off + ls(1) + &
         merge(2, 0, r < p - 1)))
    call check(size(want) == size(ghost), 'ghosted size')
    if (size(want) == size(ghost)) call check(all(ghost == want), 'ghosted values')
    call dlops_darray_destroy(g1)
    ! .npy round trip (C order on disk; the Fortran field comes back identical)
    ! one file per test run: the host and emulated-device runs of one backend and rank count may
    ! run at the same time in the same folder
    call dlops_ctx_get_backend(ctx, backend)
    call dlops_ctx_get_memspace(ctx, memsp)
    path = 'fortran_api_' // backend // '_mem' // achar(48 + memsp) // '_np' // achar(48 + p) // '.npy'
    call dlops_darray_create(ctx, [3, nglob], 1, DLOPS_SCATTER, DLOPS_F64, g1)
    deallocate (gv)
    gv = [(sin(real(i, c_double)), i=1, 3 * nglob)]
    call dlops_darray_scatter(g1, gv, -1)
    call dlops_darray_write_npy(g1, path)
    call dlops_darray_read_npy(ctx, path, 0, DLOPS_SCATTER, rd)
    call dlops_darray_get_global_shape(rd, gs)
    call dlops_darray_get_axis(rd, ax)
    call check(all(gs == [3_c_int64_t, int(nglob, c_int64_t)]) .and. ax == 0, 'read_npy shape and axis')
    allocate (back(3 * nglob))
    call dlops_darray_gather(rd, back, -1)
    call check(all(back == gv), 'write_npy/read_npy round trip')
    call dlops_darray_destroy(rd)
    call dlops_darray_destroy(g1)
    call MPI_Barrier(MPI_COMM_WORLD)
    if (r == 0) then
      open (newunit=i, file=path, status='old', iostat=ierr)
      if (ierr == 0) close (i, status='delete')
    end if
  end subroutine test_misc
end module api_cases

program test_fortran_api
  use dlops
  use ftest
  use api_cases
  use legacy_part, only: legacy_checks
  implicit none
  type(dlops_ctx) :: ctx
  integer :: t
  call ftest_init(ctx)
  call test_constants()
  call test_context(ctx)
  call test_layout(ctx)
  do t = DLOPS_F32, DLOPS_C128
    call test_case(ctx, t, [5, 7], 2)        ! Fortran (5,7) over its last dimension (C axis 0)
    call test_case(ctx, t, [3, 4, 5], 2)     ! a middle dimension (C axis 1)
    call test_case(ctx, t, [9], 1)           ! 1-D
  end do
  call test_errors(ctx)
  call test_misc(ctx)
  call test_memspaces(ctx)
  call legacy_checks()
  call ftest_finish(ctx)
end program test_fortran_api
