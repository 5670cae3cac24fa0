!> The Fortran operator bindings (op.h) against serial Fortran computations of the same global
!> data: user operators with Fortran callbacks (a ghost-cell tridiagonal and a per-block complex
!> convolution), the algebra on them, basic operators, distributed compositions, the derivative
!> family, and error returns through ierr. Runs at NP 1..4 on every host backend.
module ops_cases
  use, intrinsic :: iso_c_binding
  use mpi_f08
  use dlops
  use ftest
  use fops_user
  implicit none
  private
  public :: test_user_tridiag, test_user_conv, test_errors, test_basic, test_compositions, test_derivatives
  public :: test_other_ops, test_poststack, test_fredholm1, test_kirchhoff, test_nsconv1d, test_fft_mdc

  integer, parameter :: n = 11
  real(c_double), parameter :: tol = 1e-12_c_double

  !> the user data must outlive the operators: module variables with TARGET
  type(tridiag_t), target, save :: t1, t2
  type(conv_t), target, save :: cv

contains

  subroutine check_vec(a, b, what)
    real(c_double), intent(in) :: a(:), b(:)
    character(len=*), intent(in) :: what
    character(len=40) :: s
    real(c_double) :: e
    e = maxval(abs(a - b)) / max(1.0_c_double, maxval(abs(b)))
    write (s, '(es10.3)') e
    call check(size(a) == size(b) .and. e <= tol, what // ': max rel diff ' // trim(s))
  end subroutine check_vec

  subroutine check_vecz(a, b, what)
    complex(c_double_complex), intent(in) :: a(:), b(:)
    character(len=*), intent(in) :: what
    character(len=40) :: s
    real(c_double) :: e
    e = maxval(abs(a - b)) / max(1.0_c_double, maxval(abs(b)))
    write (s, '(es10.3)') e
    call check(size(a) == size(b) .and. e <= tol, what // ': max rel diff ' // trim(s))
  end subroutine check_vecz

  subroutine dottest(A, what)
    type(dlops_op), intent(in) :: A
    character(len=*), intent(in) :: what
    logical :: passed
    real(c_double) :: e
    integer :: ierr
    character(len=24) :: s
    call dlops_op_dottest(A, 1e-10_c_double, 42, passed, e, ierr)
    write (s, '(es10.3)') e
    call check(ierr == DLOPS_SUCCESS .and. passed, what // ': dot test (relerr ' // trim(s) // ') ' // dlops_last_error())
  end subroutine dottest

  !> y = A x (or A^H x) on the global real array gx, gathered on every rank
  function fwd(A, gx, adjoint) result(gy)
    type(dlops_op), intent(in) :: A
    real(c_double), intent(in) :: gx(:)
    logical, intent(in) :: adjoint
    real(c_double), allocatable :: gy(:)
    type(dlops_darray) :: x, y
    integer(c_int64_t) :: m
    if (adjoint) then
      call dlops_op_create_vecs(A, x=y, y=x)
    else
      call dlops_op_create_vecs(A, x, y)
    end if
    call dlops_darray_scatter(x, gx, -1)
    if (adjoint) then
      call dlops_op_apply_adjoint(A, x, y)
    else
      call dlops_op_apply(A, x, y)
    end if
    call dlops_darray_get_global_size(y, m)
    allocate (gy(m))
    call dlops_darray_gather(y, gy, -1)
    call dlops_darray_destroy(x)
    call dlops_darray_destroy(y)
  end function fwd

  function fwdz(A, gx, adjoint) result(gy)
    type(dlops_op), intent(in) :: A
    complex(c_double_complex), intent(in) :: gx(:)
    logical, intent(in) :: adjoint
    complex(c_double_complex), allocatable :: gy(:)
    type(dlops_darray) :: x, y
    integer(c_int64_t) :: m
    if (adjoint) then
      call dlops_op_create_vecs(A, x=y, y=x)
    else
      call dlops_op_create_vecs(A, x, y)
    end if
    call dlops_darray_scatter(x, gx, -1)
    if (adjoint) then
      call dlops_op_apply_adjoint(A, x, y)
    else
      call dlops_op_apply(A, x, y)
    end if
    call dlops_darray_get_global_size(y, m)
    allocate (gy(m))
    call dlops_darray_gather(y, gy, -1)
    call dlops_darray_destroy(x)
    call dlops_darray_destroy(y)
  end function fwdz

  subroutine make_tridiag(ctx, t, lo, di, up, A)
    type(dlops_ctx), intent(in) :: ctx
    type(tridiag_t), intent(inout), target :: t
    real(c_double), intent(in) :: lo, di, up
    type(dlops_op), intent(inout) :: A
    type(dlops_darray) :: tmpl
    t = tridiag_t(lo, di, up, 0, 0)
    call dlops_darray_create(ctx, [n], 0, DLOPS_SCATTER, DLOPS_F64, tmpl)
    call dlops_op_create_user(tmpl, tmpl, tri_apply, tri_adjoint, c_loc(t), tri_destroy, A)
    call dlops_darray_destroy(tmpl)  ! the operator keeps its own reference
  end subroutine make_tridiag

  ! ------------------------------------------------------------------ user operator: tridiagonal
  subroutine test_user_tridiag(ctx)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_op) :: T, U, P, S, C, H, Q, Q0
    real(c_double) :: gx(n), y1(n)
    integer(c_int64_t) :: nr, nc
    integer(c_int64_t), allocatable :: dims(:)
    integer :: dt, i
    character(len=:), allocatable :: name
    type(dlops_ctx) :: octx
    gx = gvals([(i, i = 1, n)], 1)
    call make_tridiag(ctx, t1, -1.0_c_double, 2.5_c_double, 0.75_c_double, T)
    call make_tridiag(ctx, t2, 0.5_c_double, -1.0_c_double, 3.0_c_double, U)
    ! queries
    call dlops_op_get_shape(T, nr, nc)
    call check(nr == n .and. nc == n, 'user op shape')
    call dlops_op_get_dims(T, dims)
    call check(size(dims) == 1, 'user op dims rank')
    if (size(dims) == 1) call check(dims(1) == n, 'user op dims')
    call dlops_op_get_dimsd(T, dims)
    call check(size(dims) == 1, 'user op dimsd rank')
    call dlops_op_get_dtype(T, dt)
    call check(dt == DLOPS_F64, 'user op dtype')
    call dlops_op_get_name(T, name)
    call check(name == 'user', 'user op name: ' // name)
    call dlops_op_get_ctx(T, octx)
    call check(c_associated(octx%ptr), 'user op ctx')
    ! dot test, apply and adjoint against the serial stencil
    call dottest(T, 'tridiag')
    call check(t1%ncalls >= 2, 'tridiag callbacks were called')
    call check_vec(fwd(T, gx, .false.), tri_serial(t1, gx, .false.), 'tridiag forward')
    call check_vec(fwd(T, gx, .true.), tri_serial(t1, gx, .true.), 'tridiag adjoint')
    ! algebra
    call dlops_op_create_product(T, U, P)
    call check_vec(fwd(P, gx, .false.), tri_serial(t1, tri_serial(t2, gx, .false.), .false.), 'product T U')
    call check_vec(fwd(P, gx, .true.), tri_serial(t2, tri_serial(t1, gx, .true.), .true.), 'product adjoint')
    call dottest(P, 'product')
    call dlops_op_get_name(P, name)
    call check(name == 'product', 'product name: ' // name)
    call dlops_op_create_sum(T, U, S)
    call check_vec(fwd(S, gx, .false.), tri_serial(t1, gx, .false.) + tri_serial(t2, gx, .false.), 'sum T + U')
    call dottest(S, 'sum')
    call dlops_op_create_scaled(T, 2.5_c_double, C)
    call check_vec(fwd(C, gx, .false.), 2.5_c_double * tri_serial(t1, gx, .false.), 'scaled 2.5 T')
    call dlops_op_destroy(C)
    call dlops_op_create_scaled(T, -3, C)
    call check_vec(fwd(C, gx, .true.), -3 * tri_serial(t1, gx, .true.), 'scaled (-3 T)^H')
    call dlops_op_destroy(C)
    call dlops_op_create_scaled(T, 0.5_c_float, C)
    call check_vec(fwd(C, gx, .false.), 0.5_c_double * tri_serial(t1, gx, .false.), 'scaled by a real(c_float)')
    call dlops_op_destroy(C)
    call dlops_op_create_adjoint(T, H)
    call check_vec(fwd(H, gx, .false.), tri_serial(t1, gx, .true.), 'adjoint T^H x')
    call check_vec(fwd(H, gx, .true.), tri_serial(t1, gx, .false.), 'adjoint (T^H)^H x')
    call dlops_op_destroy(H)
    call dlops_op_create_transpose(T, H)
    call check_vec(fwd(H, gx, .false.), tri_serial(t1, gx, .true.), 'transpose T^T x (real)')
    call dlops_op_destroy(H)
    call dlops_op_create_conj(T, H)
    call check_vec(fwd(H, gx, .false.), tri_serial(t1, gx, .false.), 'conj(T) x (real)')
    call dlops_op_destroy(H)
    call dlops_op_create_power(T, 3, Q)
    y1 = tri_serial(t1, tri_serial(t1, tri_serial(t1, gx, .false.), .false.), .false.)
    call check_vec(fwd(Q, gx, .false.), y1, 'power T^3')
    call dottest(Q, 'power')
    call dlops_op_create_power(T, 0, Q0)
    call check_vec(fwd(Q0, gx, .false.), gx, 'power T^0 = I')
    ! composing kept references: the user data is freed only when the last operator goes
    call dlops_op_destroy(T)
    call check(t1%destroyed == 0, 'user data alive while composed operators use it')
    call check_vec(fwd(P, gx, .false.), tri_serial(t1, tri_serial(t2, gx, .false.), .false.), &
         'product after destroying T')
    call dlops_op_destroy(P)
    call dlops_op_destroy(S)
    call dlops_op_destroy(Q)
    call dlops_op_destroy(Q0)
    call check(t1%destroyed == 1, 'destroy callback called once for T')
    call dlops_op_destroy(U)
    call check(t2%destroyed == 1, 'destroy callback called once for U')
    call check(.not. c_associated(U%ptr), 'destroy nulls the handle')
    call dlops_op_destroy(U)  ! a null handle is a no-op
  end subroutine test_user_tridiag

  ! ------------------------------------------------------------------ user operator: complex block convolution
  subroutine test_user_conv(ctx)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_op) :: A, C, H
    type(dlops_darray) :: tmpl
    complex(c_double_complex) :: gx(n), alpha
    integer(c_int64_t), allocatable :: sizes(:)
    integer :: i
    cv = conv_t([(1.0_c_double, 0.5_c_double), (-0.25_c_double, 1.0_c_double), (0.5_c_double, -0.75_c_double)], 0)
    gx = gvalz([(i, i = 1, n)], 2)
    call dlops_darray_create(ctx, [n], 0, DLOPS_SCATTER, DLOPS_C128, tmpl)
    call dlops_darray_get_axis_sizes(tmpl, sizes)
    call dlops_op_create_user(tmpl, tmpl, conv_apply, conv_adjoint, c_loc(cv), A=A)
    call dlops_darray_destroy(tmpl)
    call dottest(A, 'block convolution')
    call check_vecz(fwdz(A, gx, .false.), conv_serial(cv%h, gx, sizes), 'block convolution forward')
    call check_vecz(fwdz(A, gx, .true.), conv_serial_adj(cv%h, gx, sizes), 'block convolution adjoint')
    ! complex factor
    alpha = (1.0_c_double, -2.0_c_double)
    call dlops_op_create_scaled(A, alpha, C)
    call check_vecz(fwdz(C, gx, .false.), alpha * conv_serial(cv%h, gx, sizes), 'scaled by (1-2i)')
    call check_vecz(fwdz(C, gx, .true.), conjg(alpha) * conv_serial_adj(cv%h, gx, sizes), 'adjoint of (1-2i) A')
    call dottest(C, 'complex scaled')
    call dlops_op_destroy(C)
    call dlops_op_create_scaled(A, dlops_scalar_from((0.0_c_float, 1.0_c_float)), C)
    call check_vecz(fwdz(C, gx, .false.), (0.0_c_double, 1.0_c_double) * conv_serial(cv%h, gx, sizes), &
         'scaled by i (dlops_scalar)')
    call dlops_op_destroy(C)
    ! transpose and conj: A^T x = conj(A^H conj(x)), conj(A) x = conj(A conj(x))
    call dlops_op_create_transpose(A, H)
    call check_vecz(fwdz(H, gx, .false.), conjg(conv_serial_adj(cv%h, conjg(gx), sizes)), 'transpose A^T')
    call dottest(H, 'transpose')
    call dlops_op_destroy(H)
    call dlops_op_create_conj(A, H)
    call check_vecz(fwdz(H, gx, .false.), conjg(conv_serial(cv%h, conjg(gx), sizes)), 'conj(A)')
    call check_vecz(fwdz(H, gx, .true.), conjg(conv_serial_adj(cv%h, conjg(gx), sizes)), 'conj(A)^H')
    call dlops_op_destroy(H)
    call dlops_op_destroy(A)
  end subroutine test_user_conv

  ! ------------------------------------------------------------------ errors through ierr
  subroutine test_errors(ctx)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_op) :: T, Z, C, F
    type(dlops_darray) :: x, y, w, w2, tmpl
    integer :: ierr
    call make_tridiag(ctx, t1, 1.0_c_double, 2.0_c_double, 3.0_c_double, T)
    call dlops_op_create_zero(ctx, 7, n, DLOPS_F64, Z)
    ! non-square power
    call dlops_op_create_power(Z, 2, C, ierr)
    call check_err(ierr, DLOPS_ERR_SIZE, 'power of a 7 x 11 operator')
    call check(.not. c_associated(C%ptr), 'failed power leaves the handle null')
    call dlops_op_create_power(T, -1, C, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'negative power')
    ! layout mismatches
    call dlops_op_create_product(T, Z, C, ierr)
    call check_err(ierr, DLOPS_ERR_SIZE, 'product T (11x11) Z (7x11)')
    call dlops_op_create_sum(T, Z, C, ierr)
    call check_err(ierr, DLOPS_ERR_SIZE, 'sum of 11x11 and 7x11')
    call dlops_op_create_vecs(Z, x, y)
    call dlops_op_apply(T, y, x, ierr)
    call check_err(ierr, DLOPS_ERR_SIZE, 'apply with a 7-element x')
    call dlops_darray_create(ctx, [n], 0, DLOPS_SCATTER, DLOPS_C128, w)
    call dlops_op_apply(T, x, w, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'apply into a complex y')
    ! callbacks: failure and missing adjoint
    call dlops_darray_create(ctx, [n], 0, DLOPS_SCATTER, DLOPS_F64, tmpl)
    call dlops_op_create_user(tmpl, tmpl, failing_apply, user=c_null_ptr, A=F)
    call dlops_op_apply(F, x, x, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'apply whose callback fails')
    call dlops_darray_duplicate(x, w2)
    call dlops_op_apply_adjoint(F, x, w2, ierr)
    call check_err(ierr, DLOPS_ERR_UNSUPPORTED, 'adjoint of a user operator without one')
    call dlops_darray_destroy(w2)
    ! a kind that does not match dtype is caught before C reads the buffer
    call dlops_op_create_diagonal(ctx, 5, DLOPS_F64, [1.0_c_float, 2.0_c_float], C, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'diagonal of real(c_float) values with dtype f64')
    call dlops_op_create_diagonal(ctx, 4 * ftest_size, DLOPS_F64, [1.0_c_double], C, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'diagonal values shorter than the local part')
    call dlops_op_destroy(F)
    call dlops_darray_destroy(tmpl)
    call dlops_darray_destroy(w)
    call dlops_darray_destroy(x)
    call dlops_darray_destroy(y)
    call dlops_op_destroy(Z)
    call dlops_op_destroy(T)
  end subroutine test_errors

  ! ------------------------------------------------------------------ basic operators
  subroutine test_basic(ctx, sctx)
    type(dlops_ctx), intent(in) :: ctx, sctx
    type(dlops_op) :: A
    real(c_double) :: m(4, 3), gx(n), d(n)
    complex(c_double_complex) :: mz(4, 3), gz(n), dz(n)
    real(c_double), allocatable :: y(:)
    integer(c_int64_t) :: off, nl
    type(dlops_darray) :: tmpl
    integer :: i, j
    ! dense matrix on a one-rank context: the Fortran matrix m goes in as transpose(m)
    gx = gvals([(i, i = 1, n)], 5) ! (was left uninitialised: gfortran -O3 saw it)
    do j = 1, 3
      do i = 1, 4
        m(i, j) = gvals(10 * i + j, 3)
        mz(i, j) = gvalz(10 * i + j, 4)
      end do
    end do
    call dlops_op_create_matrix(sctx, 4, 3, DLOPS_F64, transpose(m), A)
    call check_vec(fwd(A, gx(1:3), .false.), matmul(m, gx(1:3)), 'matrix forward')
    call check_vec(fwd(A, gx(1:4), .true.), matmul(transpose(m), gx(1:4)), 'matrix adjoint')
    call dottest(A, 'matrix f64')
    call dlops_op_destroy(A)
    gz = gvalz([(i, i = 1, n)], 5)
    call dlops_op_create_matrix(sctx, 4_c_int64_t, 3_c_int64_t, DLOPS_C128, transpose(mz), A)
    call check_vecz(fwdz(A, gz(1:3), .false.), matmul(mz, gz(1:3)), 'complex matrix forward')
    call check_vecz(fwdz(A, gz(1:4), .true.), matmul(conjg(transpose(mz)), gz(1:4)), 'complex matrix adjoint')
    call dottest(A, 'matrix c128')
    call dlops_op_destroy(A)
    ! diagonal on the distributed context: each rank passes its part of d
    gx = gvals([(i, i = 1, n)], 6)
    d = gvals([(i, i = 1, n)], 7)
    dz = gvalz([(i, i = 1, n)], 8)
    call dlops_darray_create(ctx, [n], 0, DLOPS_SCATTER, DLOPS_F64, tmpl)
    call dlops_darray_get_offset(tmpl, off)
    call dlops_darray_get_local_size(tmpl, nl)
    call dlops_darray_destroy(tmpl)
    call dlops_op_create_diagonal(ctx, n, DLOPS_F64, d(off + 1:off + nl), A)
    call check_vec(fwd(A, gx, .false.), d * gx, 'diagonal forward')
    call dottest(A, 'diagonal')
    call dlops_op_destroy(A)
    call dlops_op_create_diagonal(ctx, int(n, c_int64_t), DLOPS_C128, dz(off + 1:off + nl), A)
    call check_vecz(fwdz(A, gz, .true.), conjg(dz) * gz, 'complex diagonal adjoint')
    call dlops_op_destroy(A)
    ! identity and zero
    call dlops_op_create_identity(ctx, n, n, DLOPS_F64, A)
    call check_vec(fwd(A, gx, .false.), gx, 'identity')
    call dlops_op_destroy(A)
    call dlops_op_create_identity(sctx, 5, 3, DLOPS_F64, A)
    y = fwd(A, gx(1:3), .false.)
    call check_vec(y, [gx(1:3), 0.0_c_double, 0.0_c_double], 'rectangular identity 5 x 3')
    call dlops_op_destroy(A)
    call dlops_op_create_zero(ctx, n, n, DLOPS_F64, A)
    y = fwd(A, gx, .false.)
    call check_vec(y, 0 * gx, 'zero operator')
    call dlops_op_destroy(A)
  end subroutine test_basic

  ! ------------------------------------------------------------------ compositions
  !> the local matrix of rank r (rows x cols), Fortran order
  function rank_matrix(r, rows, cols) result(m)
    integer, intent(in) :: r, rows, cols
    real(c_double) :: m(rows, cols)
    integer :: i, j
    do j = 1, cols
      do i = 1, rows
        m(i, j) = gvals(100 * r + 10 * i + j, 9)
      end do
    end do
  end function rank_matrix

  subroutine test_compositions(ctx, sctx)
    type(dlops_ctx), intent(in) :: ctx, sctx
    type(dlops_op) :: loc(2), A, B, S
    real(c_double), allocatable :: gx(:), ys(:), m(:, :)
    real(c_double) :: dl(2)
    integer :: r, np, me, i, o, oy, rows, nx, ny
    type(dlops_darray) :: x, y
    logical :: stacked
    integer :: cnt
    np = ftest_size
    me = ftest_rank
    ! blockdiag: rank r owns a (r+2) x (r+1) matrix and a diagonal of size 2
    call dlops_op_create_matrix(sctx, me + 2, me + 1, DLOPS_F64, transpose(rank_matrix(me, me + 2, me + 1)), loc(1))
    dl = [1.5_c_double + me, -0.5_c_double - me]
    call dlops_op_create_diagonal(sctx, 2, DLOPS_F64, dl, loc(2))
    call dlops_op_create_blockdiag(ctx, loc, -1, A)
    nx = 0
    ny = 0
    do r = 0, np - 1
      nx = nx + r + 1 + 2
      ny = ny + r + 2 + 2
    end do
    gx = gvals([(i, i = 1, nx)], 10)
    allocate (ys(ny))
    o = 0
    oy = 0
    do r = 0, np - 1
      m = rank_matrix(r, r + 2, r + 1)
      ys(oy + 1:oy + r + 2) = matmul(m, gx(o + 1:o + r + 1))
      ys(oy + r + 3:oy + r + 4) = [1.5_c_double + r, -0.5_c_double - r] * gx(o + r + 2:o + r + 3)
      o = o + r + 3
      oy = oy + r + 4
    end do
    call check_vec(fwd(A, gx, .false.), ys, 'blockdiag forward')
    call dottest(A, 'blockdiag')
    ! stacked block diagonal and stacked vstack of distributed operators
    call dlops_op_create_adjoint(A, B)
    call dlops_op_create_stacked_blockdiag([A, B], S)
    call dlops_op_create_vecs(S, x, y)
    call dlops_darray_is_stacked(x, stacked)
    call dlops_darray_stacked_count(y, cnt)
    call check(stacked .and. cnt == 2, 'stacked_blockdiag vectors are stacked with 2 components')
    call dottest(S, 'stacked_blockdiag')
    call dlops_darray_destroy(x)
    call dlops_darray_destroy(y)
    call dlops_op_destroy(S)
    call dlops_op_destroy(B)
    call dlops_op_create_scaled(A, 2, B)
    call dlops_op_create_stacked_vstack([A, B], S)
    call dottest(S, 'stacked_vstack')
    call dlops_op_destroy(S)
    call dlops_op_destroy(B)
    call dlops_op_destroy(A)
    call dlops_op_destroy(loc(1))
    call dlops_op_destroy(loc(2))
    ! vstack: rank r stacks (r+1) matrices? one matrix of r+1 rows x 4 columns
    call dlops_op_create_matrix(sctx, me + 1, 4, DLOPS_F64, transpose(rank_matrix(me, me + 1, 4)), loc(1))
    call dlops_op_create_vstack(ctx, loc(1:1), A)
    gx = gvals([(i, i = 1, 4)], 11)
    deallocate (ys)
    allocate (ys(0))
    do r = 0, np - 1
      ys = [ys, matmul(rank_matrix(r, r + 1, 4), gx)]
    end do
    call check_vec(fwd(A, gx, .false.), ys, 'vstack forward')
    ! the adjoint sums over ranks: A^H y = sum_r M_r^T y_r
    block
      real(c_double) :: xs(4)
      xs = 0
      o = 0
      do r = 0, np - 1
        rows = r + 1
        xs = xs + matmul(transpose(rank_matrix(r, rows, 4)), ys(o + 1:o + rows))
        o = o + rows
      end do
      call check_vec(fwd(A, ys, .true.), xs, 'vstack adjoint')
    end block
    call dottest(A, 'vstack')
    call dlops_op_destroy(A)
    call dlops_op_destroy(loc(1))
    ! hstack: rank r contributes a 3 x (r+1) matrix
    call dlops_op_create_matrix(sctx, 3, me + 1, DLOPS_F64, transpose(rank_matrix(me, 3, me + 1)), loc(1))
    call dlops_op_create_hstack(ctx, loc(1:1), A)
    nx = np * (np + 1) / 2
    gx = gvals([(i, i = 1, nx)], 12)
    block
      real(c_double) :: yh(3)
      yh = 0
      o = 0
      do r = 0, np - 1
        yh = yh + matmul(rank_matrix(r, 3, r + 1), gx(o + 1:o + r + 1))
        o = o + r + 1
      end do
      call check_vec(fwd(A, gx, .false.), yh, 'hstack forward')
    end block
    call dottest(A, 'hstack')
    call dlops_op_destroy(A)
    call dlops_op_destroy(loc(1))
    ! replicated: the same local 3 x 3 matrix on every rank's copy of a BROADCAST array
    call dlops_op_create_matrix(sctx, 3, 3, DLOPS_F64, transpose(rank_matrix(0, 3, 3)), loc(1))
    call dlops_op_create_replicated(ctx, loc(1), DLOPS_BROADCAST, A)
    gx = gvals([1, 2, 3], 13)
    call check_vec(fwd(A, gx, .false.), matmul(rank_matrix(0, 3, 3), gx), 'replicated forward')
    call dottest(A, 'replicated')
    call dlops_op_destroy(A)
    call dlops_op_destroy(loc(1))
  end subroutine test_compositions

  ! ------------------------------------------------------------------ derivatives
  !> serial first derivative along Fortran dimension fd of a field u(n1, n2) (PyLops stencils,
  !> edge false): forward or centered order 3
  function d1_serial(u, fd, kind, h) result(v)
    real(c_double), intent(in) :: u(:, :)
    integer, intent(in) :: fd, kind
    real(c_double), intent(in) :: h
    real(c_double) :: v(size(u, 1), size(u, 2))
    integer :: i, nn
    v = 0
    nn = size(u, fd)
    do i = 1, nn
      if (kind == DLOPS_DERIV_FORWARD .and. i < nn) then
        if (fd == 1) v(i, :) = (u(i + 1, :) - u(i, :)) / h
        if (fd == 2) v(:, i) = (u(:, i + 1) - u(:, i)) / h
      else if (kind == DLOPS_DERIV_CENTERED .and. i > 1 .and. i < nn) then
        if (fd == 1) v(i, :) = 0.5_c_double * (u(i + 1, :) - u(i - 1, :)) / h
        if (fd == 2) v(:, i) = 0.5_c_double * (u(:, i + 1) - u(:, i - 1)) / h
      end if
    end do
  end function d1_serial

  !> serial centered second derivative along Fortran dimension fd (edge false)
  function d2_serial(u, fd, h) result(v)
    real(c_double), intent(in) :: u(:, :)
    integer, intent(in) :: fd
    real(c_double), intent(in) :: h
    real(c_double) :: v(size(u, 1), size(u, 2))
    integer :: i
    v = 0
    do i = 2, size(u, fd) - 1
      if (fd == 1) v(i, :) = (u(i + 1, :) - 2 * u(i, :) + u(i - 1, :)) / h**2
      if (fd == 2) v(:, i) = (u(:, i + 1) - 2 * u(:, i) + u(:, i - 1)) / h**2
    end do
  end function d2_serial

  !> The field is u(nz, nx) in Fortran, distributed over its last dimension nx: the C model shape
  !> is (nx, nz), axis 0 is Fortran dimension 2.
  subroutine test_derivatives(ctx)
    type(dlops_ctx), intent(in) :: ctx
    integer, parameter :: nz = 5, nx = 9
    real(c_double) :: u(nz, nx), ref(nz, nx)
    real(c_double), allocatable :: v(:)
    integer(c_int64_t) :: cdims(2)
    integer :: fd, i, kind
    type(dlops_op) :: A
    character(len=40) :: what
    u = reshape(gvals([(i, i = 1, nz * nx)], 14), [nz, nx])
    cdims = dlops_shape_from_fortran([nz, nx])
    do fd = 1, 2
      do kind = DLOPS_DERIV_FORWARD, DLOPS_DERIV_CENTERED, 2
        write (what, '(a,i0,a,i0)') 'first derivative kind ', kind, ' dim ', fd
        call dlops_op_create_first_derivative(ctx, cdims, dlops_axis_from_fortran(fd, 2), 0.5_c_double, kind, 3, &
             .false., DLOPS_F64, A)
        v = fwd(A, reshape(u, [nz * nx]), .false.)
        ref = d1_serial(u, fd, kind, 0.5_c_double)
        call check_vec(v, reshape(ref, [nz * nx]), trim(what))
        call dottest(A, trim(what))
        call dlops_op_destroy(A)
      end do
      write (what, '(a,i0)') 'second derivative dim ', fd
      call dlops_op_create_second_derivative(ctx, [nx, nz], dlops_axis_from_fortran(fd, 2), 2.0_c_double, &
           DLOPS_DERIV_CENTERED, .false., DLOPS_F64, A)
      v = fwd(A, reshape(u, [nz * nx]), .false.)
      call check_vec(v, reshape(d2_serial(u, fd, 2.0_c_double), [nz * nx]), trim(what))
      call dottest(A, trim(what))
      call dlops_op_destroy(A)
    end do
    ! Laplacian: weights 1 and 0.5 along both axes (C axes 0 and 1)
    call dlops_op_create_laplacian(ctx, cdims, [0, 1], [1.0_c_double, 0.5_c_double], [1.0_c_double, 2.0_c_double], &
         DLOPS_DERIV_CENTERED, .false., DLOPS_F64, A)
    v = fwd(A, reshape(u, [nz * nx]), .false.)
    ref = d2_serial(u, 2, 1.0_c_double) + 0.5_c_double * d2_serial(u, 1, 2.0_c_double)
    call check_vec(v, reshape(ref, [nz * nx]), 'laplacian')
    call dottest(A, 'laplacian')
    call dlops_op_destroy(A)
    ! Gradient: stacked range, component k = derivative along C axis k-1
    call dlops_op_create_gradient(ctx, cdims, [1.0_c_double, 1.0_c_double], DLOPS_DERIV_CENTERED, .false., DLOPS_F64, A)
    v = fwd(A, reshape(u, [nz * nx]), .false.)
    call check_vec(v, [reshape(d1_serial(u, 2, DLOPS_DERIV_CENTERED, 1.0_c_double), [nz * nx]), &
         reshape(d1_serial(u, 1, DLOPS_DERIV_CENTERED, 1.0_c_double), [nz * nx])], 'gradient')
    call dottest(A, 'gradient')
    call dlops_op_destroy(A)
  end subroutine test_derivatives

  ! ------------------------------------------------------------------ post-stack modelling, Ricker wavelet
  subroutine test_poststack(ctx)
    type(dlops_ctx), intent(in) :: ctx
    integer, parameter :: nt = 14
    real(c_double) :: w(11), u(nt, 3)
    real(c_double), allocatable :: v(:), ref(:)
    type(dlops_op) :: P, D, W1, WD
    integer :: nw, i, kind, ierr
    character(len=64) :: what
    ! Fortran field u(nt, nx): time contiguous, the C model [nx, nt] along axis 1 (the last)
    call dlops_wavelet_ricker(6, 0.004_c_double, 30.0_c_double, w, nw)
    call check(nw == 9, 'ricker: 9 taps from nt = 6 (cropped to 5)')
    call check(w(5) == 1.0_c_double, 'ricker: peak 1 in the middle')
    call check(all(w(1:4) == w(9:6:-1)), 'ricker: symmetric')
    u = reshape([(sin(0.37_c_double * i), i = 1, nt * 3)], [nt, 3])
    do kind = DLOPS_DERIV_FORWARD, DLOPS_DERIV_CENTERED, 2
      write (what, '(a,i0)') 'poststack kind ', kind
      call dlops_op_create_poststack(ctx, dlops_shape_from_fortran([nt, 3 * ftest_size]), &
           dlops_axis_from_fortran(1, 2), w(1:nw), kind, DLOPS_F64, P)
      call dottest(P, trim(what))
      ! the same operator as W D built from the two creators
      call dlops_op_create_first_derivative(ctx, dlops_shape_from_fortran([nt, 3 * ftest_size]), &
           dlops_axis_from_fortran(1, 2), 1.0_c_double, kind, 3, .false., DLOPS_F64, D)
      call dlops_op_create_convolve1d(ctx, dlops_shape_from_fortran([nt, 3 * ftest_size]), &
           dlops_axis_from_fortran(1, 2), w(1:nw), int(nw / 2, c_int64_t), DLOPS_F64, W1)
      call dlops_op_create_product(W1, D, WD)
      v = fwd(P, [(reshape(u, [nt * 3]), i = 1, ftest_size)], .false.)
      ref = fwd(WD, [(reshape(u, [nt * 3]), i = 1, ftest_size)], .false.)
      call check(all(v == ref), trim(what) // ': forward equals W D')
      v = fwd(P, ref, .true.)
      ref = fwd(WD, ref, .true.)
      call check(all(v == ref), trim(what) // ': adjoint equals D^H W^H')
      call dlops_op_destroy(WD)
      call dlops_op_destroy(W1)
      call dlops_op_destroy(D)
      call dlops_op_destroy(P)
    end do
    ! a backward derivative is not PyLops' post-stack modelling: an error through ierr
    call dlops_op_create_poststack(ctx, dlops_shape_from_fortran([nt, 3 * ftest_size]), 1, w(1:nw), &
         DLOPS_DERIV_BACKWARD, DLOPS_F64, P, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'poststack with a backward derivative')
  end subroutine test_poststack

  ! ------------------------------------------------------------------ convolve1d, transpose_axes, halo
  subroutine test_other_ops(ctx, sctx)
    type(dlops_ctx), intent(in) :: ctx, sctx
    type(dlops_op) :: A
    real(c_double) :: u(4, 3), h(3), ref(8)
    real(c_double), allocatable :: v(:), gx(:), ext(:)
    integer :: i, q, j, r, nn, st, ln, hw
    character(len=40) :: what
    ! transpose of axes: C shape (3, 4) -> (4, 3), i.e. the Fortran u(4, 3) -> transpose(u)
    u = reshape(gvals([(i, i = 1, 12)], 15), [4, 3])
    call dlops_op_create_transpose_axes(sctx, [3, 4], [1, 0], DLOPS_F64, A)
    v = fwd(A, reshape(u, [12]), .false.)
    call check_vec(v, reshape(transpose(u), [12]), 'transpose_axes')
    call dottest(A, 'transpose_axes')
    call dlops_op_destroy(A)
    ! convolve1d on one rank: y[i] = sum_q x[q] h[i + offset - q] (0-based), nh = 3, offset 1
    h = [0.25_c_double, 1.0_c_double, -0.5_c_double]
    gx = gvals([(i, i = 1, 8)], 16)
    call dlops_op_create_convolve1d(sctx, [8], 0, h, 1, DLOPS_F64, A)
    ref = 0
    do i = 0, 7
      do q = 0, 7
        j = i + 1 - q
        if (j >= 0 .and. j <= 2) ref(i + 1) = ref(i + 1) + gx(q + 1) * h(j + 1)
      end do
    end do
    call check_vec(fwd(A, gx, .false.), ref, 'convolve1d')
    call dottest(A, 'convolve1d')
    call dlops_op_destroy(A)
    ! distributed convolve1d along C axis 1 of a (P+2, 8) model
    call dlops_op_create_convolve1d(ctx, [ftest_size + 2, 8], 1, h, 1, DLOPS_F64, A)
    call dottest(A, 'distributed convolve1d')
    call dlops_op_destroy(A)
    ! halo: 1-D, default grid (P): each rank's ceil block of the model extended by hm values of its
    ! minus neighbour and hp of its plus neighbour. Equal widths (PyLops-MPI's scalar halo) are
    ! trimmed at the global edges; unequal ones (a tuple) are kept and zero there. The adjoint
    ! crops (MPIHalo is not a true adjoint pair, so no dot test): Halo^H Halo = I.
    ! (hw = 1: 1-D model, widths (1, 1); hw = 2: 2-D model (nn, 2) split along C axis 0 by the
    ! grid (P, 1), widths (1, 1, 0, 0), rows of 2 values)
    nn = 4 * ftest_size + 1
    gx = gvals([(i, i = 1, 2 * nn)], 17)
    do hw = 2, 1, -1
      if (hw == 2) then
        call dlops_op_create_halo(ctx, [nn, 2], [1, 1, 0, 0], [ftest_size, 1], DLOPS_F64, A)
      else
        call dlops_op_create_halo(ctx, [nn], [1, 1], [integer ::], DLOPS_F64, A)
      end if
      ext = [real(c_double) ::]
      do r = 0, ftest_size - 1
        call dlops_ceil_block(nn, ftest_size, r, st, ln)
        if (st > 0) then
          ext = [ext, gx(hw * (st - 1) + 1:hw * st)]
        else if (hw == 2) then
          ext = [ext, 0.0_c_double, 0.0_c_double]
        end if
        ext = [ext, gx(hw * st + 1:hw * (st + ln))]
        if (st + ln < nn) then
          ext = [ext, gx(hw * (st + ln) + 1:hw * (st + ln + 1))]
        else if (hw == 2) then
          ext = [ext, 0.0_c_double, 0.0_c_double]
        end if
      end do
      v = fwd(A, gx(1:hw * nn), .false.)
      write (what, '(a,i0,a)') 'halo (', hw, '-D) forward'
      call check(size(v) == size(ext), trim(what) // ': range size')
      if (size(v) == size(ext)) call check_vec(v, ext, trim(what) // ': blocks extended by the neighbours'' values')
      if (hw == 2) call dlops_op_destroy(A)
    end do
    gx = gx(1:nn)
    block
      type(dlops_darray) :: x, y, z
      real(c_double), allocatable :: g(:)
      call dlops_op_create_vecs(A, x, y)
      call dlops_darray_duplicate(x, z)
      call dlops_darray_scatter(x, gx, -1)
      call dlops_op_apply(A, x, y)
      call dlops_op_apply_adjoint(A, y, z)
      allocate (g(size(gx)))
      call dlops_darray_gather(z, g, -1)
      call check_vec(g, gx, 'halo adjoint crops the extended block')
      call dlops_darray_destroy(x)
      call dlops_darray_destroy(y)
      call dlops_darray_destroy(z)
    end block
    call dlops_op_destroy(A)
  end subroutine test_other_ops
  ! ------------------------------------------------------------------ Fredholm1, MPIFredholm1
  subroutine test_fredholm1(ctx, sctx)
    type(dlops_ctx), intent(in) :: ctx, sctx
    integer, parameter :: nx = 3, ny = 4, nz = 2, nl = 2
    complex(c_double_complex), allocatable :: G(:, :, :), m(:, :, :), ref(:, :, :), v(:)
    type(dlops_op) :: A
    integer :: i, j, k, ns, r, ierr
    character(len=48) :: what
    ! G(j, i, k) in Fortran order is the C kernel G[k][i][j]; m(z, j, k) the C model m[k][j][z]
    ns = nl * ftest_size
    allocate (G(ny, nx, ns), m(nz, ny, ns), ref(nz, nx, ns))
    G = reshape([(cmplx(sin(0.3_c_double * i), cos(0.7_c_double * i), c_double_complex), i = 1, ny * nx * ns)], &
         [ny, nx, ns])
    m = reshape([(cmplx(cos(0.11_c_double * i), 0.5_c_double, c_double_complex), i = 1, nz * ny * ns)], [nz, ny, ns])
    ref = 0
    do k = 1, ns
      do i = 1, nx
        do j = 1, ny
          ref(:, i, k) = ref(:, i, k) + G(j, i, k) * m(:, j, k)
        end do
      end do
    end do
    ! local, on the one-rank context, the whole kernel
    do r = 0, 1
      write (what, '(a,l1)') 'fredholm1 saveGt=', r == 1
      call dlops_op_create_fredholm1(sctx, ns, nx, ny, nz, G, r == 1, DLOPS_C128, A)
      v = fwdz(A, reshape(m, [nz * ny * ns]), .false.)
      call check(maxval(abs(v - reshape(ref, [nz * nx * ns]))) < tol, trim(what) // ': forward')
      call dottest(A, trim(what))
      call dlops_op_destroy(A)
    end do
    ! distributed: this rank's nl slices
    call dlops_op_create_mpi_fredholm1(ctx, nl, nx, ny, nz, G(:, :, nl * ftest_rank + 1:nl * ftest_rank + nl), .false., &
         DLOPS_BROADCAST, DLOPS_C128, A)
    v = fwdz(A, reshape(m, [nz * ny * ns]), .false.)
    call check(maxval(abs(v - reshape(ref, [nz * nx * ns]))) < tol, 'mpi_fredholm1: forward')
    call dottest(A, 'mpi_fredholm1')
    call dlops_op_destroy(A)
    ! a kernel of the wrong size (on every rank here): an error through ierr
    call dlops_op_create_mpi_fredholm1(ctx, nl + 1, nx, ny, nz, G(:, :, 1:nl), .false., DLOPS_BROADCAST, DLOPS_C128, &
         A, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'mpi_fredholm1 with a kernel of the wrong size')
    call dlops_op_create_fredholm1(sctx, 1, nx, ny, nz, G(:, :, 1), .false., DLOPS_F64, A, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'fredholm1 with a complex kernel for f64')
  end subroutine test_fredholm1
  ! ------------------------------------------------------------------ kirchhoff (seismic.h)
  !> dlops_op_create_kirchhoff from Fortran: a spike model with a one-tap wavelet lands on samples
  !> k and k + 1 of every trace with weights 1 - f and f (f the fractional traveltime in samples),
  !> dot tests of the local operator and of a vstack over sources (one operator per rank), bad
  !> input through ierr; on a device (or emulated device) context the creation is unsupported.
  subroutine test_kirchhoff(ctx, sctx)
    type(dlops_ctx), intent(in) :: ctx, sctx
    integer, parameter :: nx = 6, nz = 5, nt = 40, ns = 2, nr = 3
    real(c_double), parameter :: dx = 4, dz = 3, dt = 0.002_c_double, vel = 1500
    real(c_double) :: sx(ns), sz(ns), rx(nr), rz(nr), one(1), w(81), q, f, X, Z
    real(c_double), allocatable :: m(:), d(:), ref(:)
    type(dlops_op) :: K, V
    integer :: mem, nw, ierr, is, ir, k0, ix, iz, rank, nprocs
    sx = [2.0_c_double, 17.0_c_double]
    sz = [0.0_c_double, 1.0_c_double]
    rx = [0.0_c_double, 9.0_c_double, 21.0_c_double]
    rz = [0.5_c_double, 0.5_c_double, 0.0_c_double]
    one = 1
    call dlops_ctx_get_memspace(sctx, mem)
    if (mem /= DLOPS_MEM_HOST) then
      call dlops_op_create_kirchhoff(sctx, nx, 0.0_c_double, dx, nz, 0.0_c_double, dz, nt, dt, sx, sz, rx, rz, vel, &
           one, 0, DLOPS_F64, K, ierr)
      call check_err(ierr, DLOPS_ERR_UNSUPPORTED, 'kirchhoff on a device context')
      return
    end if
    ! a spike at (ix, iz) = (3, 2) (0-based), one-tap wavelet
    call dlops_op_create_kirchhoff(sctx, nx, 0.0_c_double, dx, nz, 0.0_c_double, dz, nt, dt, sx, sz, rx, rz, vel, &
         one, 0, DLOPS_F64, K)
    ix = 3
    iz = 2
    allocate (m(nx * nz))
    m = 0
    m(ix * nz + iz + 1) = 1
    d = fwd(K, m, .false.)
    allocate (ref(ns * nr * nt))
    ref = 0
    X = ix * dx
    Z = iz * dz
    do is = 1, ns
      do ir = 1, nr
        q = (sqrt((X - sx(is))**2 + (Z - sz(is))**2) / vel + sqrt((X - rx(ir))**2 + (Z - rz(ir))**2) / vel) / dt
        k0 = int(q)
        f = q - k0
        ref(((is - 1) * nr + ir - 1) * nt + k0 + 1) = 1 - f
        ref(((is - 1) * nr + ir - 1) * nt + k0 + 2) = f
      end do
    end do
    call check_vec(d, ref, 'kirchhoff: a spike lands on two samples per trace')
    call dottest(K, 'kirchhoff')
    call dlops_op_destroy(K)
    ! the tutorial's distribution: rank r models source r mod ns, stacked over ranks
    call dlops_wavelet_ricker(11, dt, 40.0_c_double, w, nw)
    call MPI_Comm_rank(MPI_COMM_WORLD, rank)
    call MPI_Comm_size(MPI_COMM_WORLD, nprocs)
    is = mod(rank, ns) + 1
    call dlops_op_create_kirchhoff(sctx, nx, 0.0_c_double, dx, nz, 0.0_c_double, dz, nt, dt, sx(is:is), sz(is:is), &
         rx, rz, vel, w(1:nw), nw / 2, DLOPS_F64, K)
    call dlops_op_create_vstack(ctx, [K], V)
    call dottest(V, 'kirchhoff vstack')
    call dlops_op_destroy(V)
    call dlops_op_destroy(K)
    ! bad input through ierr
    call dlops_op_create_kirchhoff(sctx, nx, 0.0_c_double, dx, nz, 0.0_c_double, dz, nt, dt, sx, sz, rx, rz, &
         0.0_c_double, one, 0, DLOPS_F64, K, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'kirchhoff with velocity 0')
    call dlops_op_create_kirchhoff(sctx, nx, 0.0_c_double, dx, nz, 0.0_c_double, dz, nt, dt, sx, sz, rx, rz, vel, &
         one, 0, DLOPS_C128, K, ierr)
    call check_err(ierr, DLOPS_ERR_UNSUPPORTED, 'kirchhoff in complex')
  end subroutine test_kirchhoff
  ! ------------------------------------------------------------------ NonStationaryConvolve1D
  subroutine test_nsconv1d(ctx, sctx)
    type(dlops_ctx), intent(in) :: ctx, sctx
    integer, parameter :: n = 12, nh = 3, nf = 3, hh = 1 ! hh = nh / 2
    real(c_double) :: hs(nh, nf), g(nh), x(n), ref(n), w, q
    real(c_double), allocatable :: v(:)
    type(dlops_op) :: A
    integer :: i, k, c, ierr
    hs = reshape([(0.1_c_double * i + 0.05_c_double, i = 1, nh * nf)], [nh, nf])
    x = [(cos(0.4_c_double * i), i = 1, n)]
    ! PyLops: the filter at sample i (0-based) interpolated between the filters at 1, 5, 9
    ref = 0
    do i = 0, n - 1
      q = (i - 1) / 4.0_c_double
      c = floor(q)
      w = q - c
      if (c < 0) then
        g = hs(:, 1)
      else if (c >= nf - 1) then
        g = hs(:, nf)
      else
        g = (1 - w) * hs(:, c + 1) + w * hs(:, c + 2)
      end if
      do k = 0, nh - 1
        if (i - hh + k >= 0 .and. i - hh + k < n) ref(i - hh + k + 1) = ref(i - hh + k + 1) + x(i + 1) * g(k + 1)
      end do
    end do
    ! host memory only: the emulated device refuses it
    call dlops_op_create_nonstationary_convolve1d(sctx, [n], 0, hs, [1, 5, 9], DLOPS_F64, A, ierr)
    call check(ierr == DLOPS_SUCCESS .or. ierr == DLOPS_ERR_UNSUPPORTED, 'nsconv1d: created or refused as host-only')
    if (ierr == DLOPS_SUCCESS) then
      v = fwd(A, x, .false.)
      call check(maxval(abs(v - ref)) < tol, 'nsconv1d: forward')
      call dottest(A, 'nsconv1d')
      call dlops_op_destroy(A)
      ! distributed along C axis 1 of a (P, n) model
      call dlops_op_create_nonstationary_convolve1d(ctx, [ftest_size, n], 1, hs, [1, 5, 9], DLOPS_F64, A)
      call dottest(A, 'distributed nsconv1d')
      call dlops_op_destroy(A)
      ! split along the filtered axis: the same values as on one rank
      call dlops_op_create_mpi_nonstationary_convolve1d(ctx, [n * ftest_size], 0, hs, [1, 5, 9], DLOPS_F64, A)
      call dottest(A, 'mpi nsconv1d')
      call dlops_op_destroy(A)
    end if
    ! ih of the wrong length: an error through ierr, on every rank
    call dlops_op_create_nonstationary_convolve1d(ctx, [ftest_size, n], 1, hs, [1, 5], DLOPS_F64, A, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'nsconv1d with 2 positions for 3 filters')
  end subroutine test_nsconv1d
  ! ------------------------------------------------------------------ fft and mdc (signal.h)
  !> dlops_op_create_fft from Fortran: the real transform (ortho) of cos(2 pi 2 t / 8) is 2 in
  !> bin 2 (4/sqrt(8) times PyLops' sqrt(2)) and 0 elsewhere; a real model with complex data
  !> (mixed types); its adjoint gives the cosine back. dlops_op_create_mdc with an identity
  !> kernel on every frequency (prescaled, one-sided) is the identity; dlops_op_create_mpi_fftnd
  !> of a delta is all ones.
  subroutine test_fft_mdc(ctx, sctx)
    type(dlops_ctx), intent(in) :: ctx, sctx
    integer, parameter :: n = 8, nt = 9, nf = 5, nr = 2, nv = 3
    real(c_double) :: x(n), xb(n), xm(nt * nr * nv), ym(nt * nr * nv)
    complex(c_double_complex) :: y(n / 2 + 1), want(n / 2 + 1)
    complex(c_double_complex), allocatable :: G(:, :, :), zin(:), zout(:)
    type(dlops_op) :: A
    type(dlops_darray) :: vx, vy
    integer :: i, td, tr, nloc
    x = [(cos(2 * acos(-1.0_c_double) * 2 * i / n), i = 0, n - 1)]
    call dlops_op_create_fft(sctx, [int(n, c_int64_t)], 0, 0_c_int64_t, DLOPS_FFT_ORTHO, .true., .false., .false., &
         DLOPS_F64, A)
    call dlops_op_get_dtypes(A, td, tr)
    call check(td == DLOPS_F64 .and. tr == DLOPS_C128, 'fft: a real model and complex data')
    call dlops_op_create_vecs(A, vx, vy)
    call dlops_darray_scatter(vx, x, -1)
    call dlops_op_apply(A, vx, vy)
    call dlops_darray_gather(vy, y, -1)
    want = 0
    want(3) = 2
    call check(maxval(abs(y - want)) < 1e-12_c_double, 'fft: the real transform of a cosine')
    call dlops_op_apply_adjoint(A, vy, vx)
    call dlops_darray_gather(vx, xb, -1)
    call check(maxval(abs(xb - x)) < 1e-12_c_double, 'fft: the adjoint gives the cosine back')
    call dottest(A, 'fft real')
    call dlops_darray_destroy(vx)
    call dlops_darray_destroy(vy)
    call dlops_op_destroy(A)
    ! mpi_fftnd over (6, 5), axes (0, 1), norm none: a delta at the origin transforms to ones
    call dlops_op_create_mpi_fftnd(ctx, [6_c_int64_t, 5_c_int64_t], [0, 1], DLOPS_FFT_NONE, .false., 0, 0, &
         DLOPS_C128, A)
    call dlops_op_create_vecs(A, vx, vy)
    allocate (zin(30), zout(30))
    zin = 0
    zin(1) = 1
    call dlops_darray_scatter(vx, zin, -1)
    call dlops_op_apply(A, vx, vy)
    call dlops_darray_gather(vy, zout, -1)
    call check(maxval(abs(zout - 1)) < 1e-12_c_double, 'mpi_fftnd of a delta is all ones')
    call dottest(A, 'mpi_fftnd')
    call dlops_darray_destroy(vx)
    call dlops_darray_destroy(vy)
    call dlops_op_destroy(A)
    ! mdc: rank 0 holds every frequency, the identity on each
    nloc = merge(nf, 0, ftest_rank == 0)
    allocate (G(nr, nr, max(nloc, 1)))
    G = 0
    do i = 1, nr
      G(i, i, :) = 1
    end do
    call dlops_op_create_mdc(ctx, nloc, nr, nr, G(:, :, 1:nloc), nt, nv, 1.0_c_double, 1.0_c_double, .false., &
         .true., .false., .true., DLOPS_BROADCAST, DLOPS_C128, A)
    xm = [(sin(0.37_c_double * i), i = 1, nt * nr * nv)]
    call dlops_op_create_vecs(A, vx, vy)
    call dlops_darray_scatter(vx, xm, -1)
    call dlops_op_apply(A, vx, vy)
    call dlops_darray_gather(vy, ym, -1)
    call check(maxval(abs(ym - xm)) < 1e-12_c_double, 'mdc with an identity kernel is the identity')
    call dottest(A, 'mdc')
    call dlops_darray_destroy(vx)
    call dlops_darray_destroy(vy)
    call dlops_op_destroy(A)
  end subroutine test_fft_mdc
end module ops_cases

program test_fortran_ops
  use mpi_f08
  use dlops
  use ftest
  use ops_cases
  implicit none
  type(dlops_ctx) :: ctx, sctx
  call ftest_init(ctx)
  call dlops_ctx_create(MPI_COMM_SELF, '', sctx)
  call test_user_tridiag(ctx)
  call test_user_conv(ctx)
  call test_errors(ctx)
  call test_basic(ctx, sctx)
  call test_compositions(ctx, sctx)
  call test_derivatives(ctx)
  call test_other_ops(ctx, sctx)
  call test_poststack(ctx)
  call test_fredholm1(ctx, sctx)
  call test_nsconv1d(ctx, sctx)
  call test_kirchhoff(ctx, sctx)
  call test_fft_mdc(ctx, sctx)
  call dlops_ctx_destroy(sctx)
  call ftest_finish(ctx)
end program test_fortran_ops
