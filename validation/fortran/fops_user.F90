!> Fortran "modelling codes" wrapped as dlops user operators for the Fortran operator and solver
!> tests, with the serial computations they are compared against.
!>
!>   tridiagonal  y_i = lo x_{i-1} + di x_i + up x_{i+1} on the GLOBAL 1-D array (zero outside): the
!>                callback exchanges one ghost cell with each neighbour (dlops_darray_add_ghost_cells,
!>                a collective call inside the callback), so the operator does not depend on the
!>                rank count. Adjoint: the transposed stencil.
!>   blockconv    a causal 3-tap complex filter y_i = sum_q h_q x_{i-q} run on each rank's LOCAL
!>                block independently (zero before the block's first element): a block-diagonal
!>                operator whose blocks follow the partition. Adjoint: correlation with conj(h).
module fops_user
  use, intrinsic :: iso_c_binding
  use dlops
  implicit none
  private
  public :: tridiag_t, tri_apply, tri_adjoint, tri_destroy, tri_serial
  public :: conv_t, conv_apply, conv_adjoint, conv_serial, conv_serial_adj, failing_apply, gvals, gvalz

  type, public :: tridiag_t
    real(c_double) :: lo = 0, di = 0, up = 0
    integer :: ncalls = 0
    integer :: destroyed = 0
  end type tridiag_t

  type, public :: conv_t
    complex(c_double_complex) :: h(0:2) = 0
    integer :: ncalls = 0
  end type conv_t

contains

  !> deterministic real test values (1-based global index k)
  elemental function gvals(k, seed) result(v)
    integer, intent(in) :: k, seed
    real(c_double) :: v
    v = sin(1.3_c_double * k + 0.7_c_double * seed) + 0.05_c_double * mod(k * 7 + seed, 11)
  end function gvals

  elemental function gvalz(k, seed) result(v)
    integer, intent(in) :: k, seed
    complex(c_double_complex) :: v
    v = cmplx(gvals(k, seed), gvals(k + 101, seed + 3), c_double_complex)
  end function gvalz

  ! ------------------------------------------------------------------ tridiagonal (ghost cells)
  !> y = tridiag(lo, di, up) x on the distributed 1-D real(c_double) arrays xin -> yout.
  function tri_run(lo, di, up, xin, yout) result(rc)
    real(c_double), intent(in) :: lo, di, up
    type(dlops_darray), intent(in) :: xin, yout
    integer(c_int) :: rc
    type(dlops_ctx) :: ctx
    integer :: ierr, rank, np, front, back, i
    integer(c_int64_t) :: nl
    integer(c_int64_t), allocatable :: gs(:)
    real(c_double), allocatable :: g(:), ext(:)
    real(c_double), pointer :: y(:)
    rc = 1
    call dlops_darray_get_ctx(xin, ctx, ierr)
    if (ierr /= 0) return
    call dlops_ctx_get_rank(ctx, rank, ierr)
    if (ierr /= 0) return
    call dlops_ctx_get_size(ctx, np, ierr)
    if (ierr /= 0) return
    call dlops_darray_get_local_size(xin, nl, ierr)
    if (ierr /= 0) return
    front = merge(1, 0, rank > 0)
    back = merge(1, 0, rank < np - 1)
    call dlops_darray_ghost_shape(xin, front, back, gs, ierr)
    if (ierr /= 0) return
    allocate (g(product(gs)), ext(0:nl + 1))
    call dlops_darray_add_ghost_cells(xin, front, back, g, ierr)
    if (ierr /= 0) return
    ! ext(0) and ext(nl+1): the neighbours' values, zero at the global edges
    ext = 0
    ext(1 - front:nl + back) = g
    call dlops_darray_get_local(yout, y, ierr)
    if (ierr /= 0) return
    do i = 1, int(nl)
      y(i) = lo * ext(i - 1) + di * ext(i) + up * ext(i + 1)
    end do
    call dlops_darray_restore_local(yout, y, ierr)
    if (ierr /= 0) return
    rc = 0
  end function tri_run

  function tri_apply(user, xin, yout) bind(C) result(rc)
    type(c_ptr), value :: user
    type(dlops_darray), value :: xin, yout
    integer(c_int) :: rc
    type(tridiag_t), pointer :: t
    call c_f_pointer(user, t)
    t%ncalls = t%ncalls + 1
    rc = tri_run(t%lo, t%di, t%up, xin, yout)
  end function tri_apply

  function tri_adjoint(user, xin, yout) bind(C) result(rc)
    type(c_ptr), value :: user
    type(dlops_darray), value :: xin, yout
    integer(c_int) :: rc
    type(tridiag_t), pointer :: t
    call c_f_pointer(user, t)
    t%ncalls = t%ncalls + 1
    rc = tri_run(t%up, t%di, t%lo, xin, yout)
  end function tri_adjoint

  subroutine tri_destroy(user) bind(C)
    type(c_ptr), value :: user
    type(tridiag_t), pointer :: t
    call c_f_pointer(user, t)
    t%destroyed = t%destroyed + 1
  end subroutine tri_destroy

  !> serial tridiagonal product of a global array (adjoint: transposed stencil)
  function tri_serial(t, x, adjoint) result(y)
    type(tridiag_t), intent(in) :: t
    real(c_double), intent(in) :: x(:)
    logical, intent(in) :: adjoint
    real(c_double) :: y(size(x)), lo, up, e(0:size(x) + 1)
    integer :: i, n
    n = size(x)
    lo = merge(t%up, t%lo, adjoint)
    up = merge(t%lo, t%up, adjoint)
    e = 0
    e(1:n) = x
    do i = 1, n
      y(i) = lo * e(i - 1) + t%di * e(i) + up * e(i + 1)
    end do
  end function tri_serial

  ! ------------------------------------------------------------------ block convolution (local)
  function conv_apply(user, xin, yout) bind(C) result(rc)
    type(c_ptr), value :: user
    type(dlops_darray), value :: xin, yout
    integer(c_int) :: rc
    type(conv_t), pointer :: c
    complex(c_double_complex), pointer :: x(:), y(:)
    integer :: ierr, i, q
    call c_f_pointer(user, c)
    c%ncalls = c%ncalls + 1
    rc = 1
    call dlops_darray_get_local(xin, x, ierr)
    if (ierr /= 0) return
    call dlops_darray_get_local(yout, y, ierr)
    if (ierr /= 0) return
    do i = 1, size(y)
      y(i) = 0
      do q = 0, 2
        if (i - q >= 1) y(i) = y(i) + c%h(q) * x(i - q)
      end do
    end do
    call dlops_darray_restore_local(yout, y, ierr)
    if (ierr /= 0) return
    call dlops_darray_restore_local(xin, x, ierr)
    if (ierr /= 0) return
    rc = 0
  end function conv_apply

  function conv_adjoint(user, xin, yout) bind(C) result(rc)
    type(c_ptr), value :: user
    type(dlops_darray), value :: xin, yout
    integer(c_int) :: rc
    type(conv_t), pointer :: c
    complex(c_double_complex), pointer :: x(:), y(:)
    integer :: ierr, i, q
    call c_f_pointer(user, c)
    c%ncalls = c%ncalls + 1
    rc = 1
    call dlops_darray_get_local(xin, x, ierr)
    if (ierr /= 0) return
    call dlops_darray_get_local(yout, y, ierr)
    if (ierr /= 0) return
    do i = 1, size(y)
      y(i) = 0
      do q = 0, 2
        if (i + q <= size(x)) y(i) = y(i) + conjg(c%h(q)) * x(i + q)
      end do
    end do
    call dlops_darray_restore_local(yout, y, ierr)
    if (ierr /= 0) return
    call dlops_darray_restore_local(xin, x, ierr)
    if (ierr /= 0) return
    rc = 0
  end function conv_adjoint

  !> serial block convolution of a global array split in blocks of the given sizes
  function conv_serial(h, x, sizes) result(y)
    complex(c_double_complex), intent(in) :: h(0:2), x(:)
    integer(c_int64_t), intent(in) :: sizes(:)
    complex(c_double_complex) :: y(size(x))
    integer :: r, o, i, q, nb
    o = 0
    do r = 1, size(sizes)
      nb = int(sizes(r))
      do i = 1, nb
        y(o + i) = 0
        do q = 0, 2
          if (i - q >= 1) y(o + i) = y(o + i) + h(q) * x(o + i - q)
        end do
      end do
      o = o + nb
    end do
  end function conv_serial

  function conv_serial_adj(h, x, sizes) result(y)
    complex(c_double_complex), intent(in) :: h(0:2), x(:)
    integer(c_int64_t), intent(in) :: sizes(:)
    complex(c_double_complex) :: y(size(x))
    integer :: r, o, i, q, nb
    o = 0
    do r = 1, size(sizes)
      nb = int(sizes(r))
      do i = 1, nb
        y(o + i) = 0
        do q = 0, 2
          if (i + q <= nb) y(o + i) = y(o + i) + conjg(h(q)) * x(o + i + q)
        end do
      end do
      o = o + nb
    end do
  end function conv_serial_adj

  !> a callback that reports failure on every rank
  function failing_apply(user, xin, yout) bind(C) result(rc)
    type(c_ptr), value :: user
    type(dlops_darray), value :: xin, yout
    integer(c_int) :: rc
    ! fail whatever the arguments (they are only looked at)
    rc = 3
    if (c_associated(user) .and. c_associated(xin%ptr, yout%ptr)) rc = 4
  end function failing_apply
end module fops_user
