!> The Fortran dense bindings (dense.h) against serial Fortran matmul of the global matrices:
!> matmul operators of both kinds (1D block and 2D SUMMA) on every grid that fits, with tiles cut
!> from Fortran matrices; the ScaLAPACK-shaped dlops_pdgemm / dlops_pzgemm on block-cyclic local
!> arrays built in Fortran (column-major, so they go in as they are); error returns through ierr.
!> Runs at NP 1..4 on every host backend.
module dense_cases
  use, intrinsic :: iso_c_binding
  use dlops
  use ftest
  implicit none
  private
  public :: test_matmul, test_pgemm, test_dense_errors

  real(c_double), parameter :: tol = 1e-12_c_double

contains

  !> deterministic complex test values of global matrix `which` at 1-based (i, j)
  elemental function mval(which, i, j) result(v)
    integer, intent(in) :: which, i, j
    complex(c_double_complex) :: v
    v = cmplx(sin(0.37_c_double * i + 1.1_c_double * j + which), cos(0.53_c_double * i - 0.71_c_double * j + 2 * which), &
         c_double_complex)
  end function mval

  function gmat(which, rows, cols, cplx) result(m)
    integer, intent(in) :: which, rows, cols
    logical, intent(in) :: cplx
    complex(c_double_complex) :: m(rows, cols)
    integer :: i, j
    do j = 1, cols
      do i = 1, rows
        m(i, j) = mval(which, i, j)
        if (.not. cplx) m(i, j) = m(i, j)%re
      end do
    end do
  end function gmat

  subroutine check_close_arr(a, b, what)
    complex(c_double_complex), intent(in) :: a(:), b(:)
    character(len=*), intent(in) :: what
    real(c_double) :: e
    character(len=24) :: s
    e = 0
    if (size(a) > 0) e = maxval(abs(a - b)) / max(1.0_c_double, maxval(abs(b)))
    write (s, '(es10.3)') e
    call check(size(a) == size(b) .and. e <= tol, what // ': max rel diff ' // trim(s))
  end subroutine check_close_arr

  !> put the Fortran tile t (rows x cols) into the local block of v (row-major tile)
  subroutine put_tile(v, t, dtype)
    type(dlops_darray), intent(in) :: v
    complex(c_double_complex), intent(in) :: t(:, :)
    integer, intent(in) :: dtype
    real(c_double), pointer :: p(:)
    complex(c_double_complex), pointer :: z(:)
    if (dtype == DLOPS_F64) then
      call dlops_darray_get_local(v, p)
      call check(size(p) == size(t), 'local size = tile size')
      if (size(p) == size(t)) p = reshape(real(transpose(t), c_double), [size(t)])
      call dlops_darray_restore_local(v, p)
    else
      call dlops_darray_get_local(v, z)
      call check(size(z) == size(t), 'local size = tile size')
      if (size(z) == size(t)) z = reshape(transpose(t), [size(t)])
      call dlops_darray_restore_local(v, z)
    end if
  end subroutine put_tile

  !> the local block of v as a Fortran tile (rows x cols)
  function get_tile(v, rows, cols, dtype) result(t)
    type(dlops_darray), intent(in) :: v
    integer, intent(in) :: rows, cols, dtype
    complex(c_double_complex) :: t(rows, cols)
    real(c_double), pointer :: p(:)
    complex(c_double_complex), pointer :: z(:)
    t = 0
    if (dtype == DLOPS_F64) then
      call dlops_darray_get_local(v, p)
      if (size(p) == rows * cols) t = transpose(reshape(cmplx(p, 0, c_double_complex), [cols, rows]))
      call dlops_darray_restore_local(v, p)
    else
      call dlops_darray_get_local(v, z)
      if (size(z) == rows * cols) t = transpose(reshape(z, [cols, rows]))
      call dlops_darray_restore_local(v, z)
    end if
  end function get_tile

  ! ------------------------------------------------------------------ matmul operators
  subroutine run_matmul(ctx, kind, pr, pc, N, K, M, dtype)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: kind, pr, pc, N, K, M, dtype
    complex(c_double_complex) :: Ag(N, K), Xg(K, M), Yg(N, M), Y2(N, M), X2(K, M)
    complex(c_double_complex), allocatable :: t(:, :)
    integer :: gpr, gpc, i, j, a0, an, k0, ak, xr0, xr, xc0, xc, yr0, yr, yc0, yc, me, tpr, tpc
    integer(c_int64_t) :: as(2), xs(2), ys(2)
    type(dlops_op) :: A
    type(dlops_darray) :: x, y
    logical :: passed, active
    real(c_double) :: e
    character(len=80) :: what
    write (what, '(a,1x,i0,a,i0,a,3(1x,i0),1x,a)') merge('summa', 'block', kind == DLOPS_MATMUL_SUMMA), pr, 'x', pc, &
         ' NKM', N, K, M, dlops_dtype_name(dtype)
    Ag = gmat(1, N, K, dtype == DLOPS_C128)
    Xg = gmat(2, K, M, dtype == DLOPS_C128)
    Y2 = gmat(3, N, M, dtype == DLOPS_C128)
    Yg = matmul(Ag, Xg)
    X2 = matmul(conjg(transpose(Ag)), Y2)
    me = ftest_rank
    tpr = pr
    tpc = pc
    if (pr == 0) then  ! the grid C picks: most square
      tpr = int(sqrt(real(ftest_size)))
      do while (tpr > 1 .and. mod(ftest_size, tpr) /= 0)
        tpr = tpr - 1
      end do
      tpc = ftest_size / tpr
    end if
    active = me < tpr * tpc
    i = -1
    j = -1
    a0 = 0
    an = 0
    k0 = 0
    ak = 0
    if (active) then
      i = me / tpc
      j = mod(me, tpc)
      if (kind == DLOPS_MATMUL_BLOCK) then
        call dlops_ceil_block(N, tpc, j, a0, an)
        ak = K
      else
        call dlops_ceil_block(N, tpr, i, a0, an)
        call dlops_ceil_block(K, tpc, j, k0, ak)
      end if
    end if
    ! the A tile from the Fortran matrix, in C order: transpose of the Fortran tile
    if (dtype == DLOPS_F64) then
      call dlops_op_create_matmul(ctx, kind, pr, pc, N, K, M, real(transpose(Ag(a0 + 1:a0 + an, k0 + 1:k0 + ak)), &
           c_double), 0, dtype, A)
    else
      call dlops_op_create_matmul(ctx, kind, pr, pc, N, K, M, transpose(Ag(a0 + 1:a0 + an, k0 + 1:k0 + ak)), 0, dtype, A)
    end if
    call dlops_op_matmul_get_layout(A, gpr, gpc, a_shape=as, x_shape=xs, y_shape=ys)
    call check(gpr == tpr .and. gpc == tpc, trim(what) // ': grid')
    call check(as(1) == an .and. as(2) == ak, trim(what) // ': A tile shape')
    block
      integer :: gi, gj
      call dlops_op_matmul_get_layout(A, i=gi, j=gj)
      call check(gi == i .and. gj == j, trim(what) // ': grid position')
    end block
    ! tiles of X and Y
    xr0 = 0
    xr = 0
    xc0 = 0
    xc = 0
    yr0 = 0
    yr = 0
    yc0 = 0
    yc = 0
    if (active) then
      if (kind == DLOPS_MATMUL_BLOCK) then
        xr = K
        call dlops_ceil_block(M, tpr, i, xc0, xc)
        yr = N
        yc0 = xc0
        yc = xc
      else
        xr0 = k0
        xr = ak
        call dlops_ceil_block(M, tpr, i, xc0, xc)
        yr0 = a0
        yr = an
        call dlops_ceil_block(M, tpc, j, yc0, yc)
      end if
    end if
    call check(xs(1) == xr .and. xs(2) == xc .and. ys(1) == yr .and. ys(2) == yc, trim(what) // ': X/Y tile shapes')
    call dlops_op_create_vecs(A, x, y)
    call put_tile(x, Xg(xr0 + 1:xr0 + xr, xc0 + 1:xc0 + xc), dtype)
    call dlops_op_apply(A, x, y)
    allocate (t(yr, yc))
    t = get_tile(y, yr, yc, dtype)
    call check_close_arr(reshape(t, [yr * yc]), reshape(Yg(yr0 + 1:yr0 + yr, yc0 + 1:yc0 + yc), [yr * yc]), &
         trim(what) // ': Y = A X')
    call put_tile(y, Y2(yr0 + 1:yr0 + yr, yc0 + 1:yc0 + yc), dtype)
    call dlops_op_apply_adjoint(A, y, x)
    deallocate (t)
    allocate (t(xr, xc))
    t = get_tile(x, xr, xc, dtype)
    call check_close_arr(reshape(t, [xr * xc]), reshape(X2(xr0 + 1:xr0 + xr, xc0 + 1:xc0 + xc), [xr * xc]), &
         trim(what) // ': X = A^H Y')
    call dlops_op_dottest(A, 1e-10_c_double, 7, passed, e)
    call check(passed, trim(what) // ': dot test')
    call dlops_darray_destroy(x)
    call dlops_darray_destroy(y)
    call dlops_op_destroy(A)
  end subroutine run_matmul

  subroutine test_matmul(ctx)
    type(dlops_ctx), intent(in) :: ctx
    integer :: kind, pr, pc, t
    integer, parameter :: dts(2) = [DLOPS_F64, DLOPS_C128]
    do t = 1, 2
      do kind = DLOPS_MATMUL_BLOCK, DLOPS_MATMUL_SUMMA
        call run_matmul(ctx, kind, 0, 0, 7, 5, 6, dts(t))
        do pr = 1, ftest_size
          do pc = 1, ftest_size / pr
            call run_matmul(ctx, kind, pr, pc, 7, 5, 6, dts(t))
          end do
        end do
        call run_matmul(ctx, kind, 1, ftest_size, 2, 3, 1, dts(t))  ! more ranks than rows
      end do
    end do
  end subroutine test_matmul

  ! ------------------------------------------------------------------ ScaLAPACK-shaped products
  !> local index (1-based) of 0-based global index g in a block-cyclic dimension
  pure integer function lidx(g, nb, np)
    integer, intent(in) :: g, nb, np
    lidx = (g / nb) / np * nb + mod(g, nb) + 1
  end function lidx
  pure integer function owner(g, nb, src, np)
    integer, intent(in) :: g, nb, src, np
    owner = mod(g / nb + src, np)
  end function owner
  pure integer function numroc(n, nb, iproc, isrc, np)
    integer, intent(in) :: n, nb, iproc, isrc, np
    integer :: d, nblk, extra
    d = modulo(iproc - isrc, np)
    nblk = n / nb
    numroc = (nblk / np) * nb
    extra = mod(nblk, np)
    if (d < extra) then
      numroc = numroc + nb
    else if (d == extra) then
      numroc = numroc + mod(n, nb)
    end if
  end function numroc

  !> this rank's block-cyclic local array (lld x local cols, column-major) of the global g
  subroutine distribute(g, mb, nb, rsrc, csrc, pr, pc, myrow, mycol, loc, desc)
    complex(c_double_complex), intent(in) :: g(:, :)
    integer, intent(in) :: mb, nb, rsrc, csrc, pr, pc, myrow, mycol
    complex(c_double_complex), allocatable, intent(out) :: loc(:, :)
    integer, intent(out) :: desc(9)
    integer :: ml, nl, i, j
    ml = 0
    nl = 0
    if (myrow >= 0) then
      ml = numroc(size(g, 1), mb, myrow, rsrc, pr)
      nl = numroc(size(g, 2), nb, mycol, csrc, pc)
    end if
    allocate (loc(max(1, ml), nl))
    loc = 0
    desc = [1, 0, size(g, 1), size(g, 2), mb, nb, rsrc, csrc, max(1, ml)]
    if (myrow < 0) return
    do j = 0, size(g, 2) - 1
      if (owner(j, nb, csrc, pc) /= mycol) cycle
      do i = 0, size(g, 1) - 1
        if (owner(i, mb, rsrc, pr) /= myrow) cycle
        loc(lidx(i, mb, pr), lidx(j, nb, pc)) = g(i + 1, j + 1)
      end do
    end do
  end subroutine distribute

  subroutine run_pgemm(ctx, pr, pc, m, n, k, cplx)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: pr, pc, m, n, k
    logical, intent(in) :: cplx
    complex(c_double_complex) :: Ag(m, k), Bg(k, n), Cg(m, n), ref(m, n), alpha, beta
    complex(c_double_complex), allocatable :: al(:, :), bl(:, :), cl(:, :), expect(:, :), expr(:, :)
    real(c_double), allocatable :: ar(:, :), br(:, :), cr(:, :)
    integer :: da(9), db(9), dc(9), myrow, mycol, ierr
    character(len=60) :: what
    integer, parameter :: mb = 2, nb = 3, kba = 2, kbb = 3, rsrc = 0, csrc = 0
    write (what, '(a,1x,i0,a,i0,a,3(1x,i0))') merge('pzgemm', 'pdgemm', cplx), pr, 'x', pc, ' mnk', m, n, k
    Ag = gmat(4, m, k, cplx)
    Bg = gmat(5, k, n, cplx)
    Cg = gmat(6, m, n, cplx)
    alpha = merge((1.5_c_double, -0.5_c_double), (1.5_c_double, 0.0_c_double), cplx)
    beta = merge((-0.75_c_double, 0.25_c_double), (-0.75_c_double, 0.0_c_double), cplx)
    ref = alpha * matmul(Ag, Bg) + beta * Cg
    myrow = -1
    mycol = -1
    if (ftest_rank < pr * pc) then
      myrow = ftest_rank / pc
      mycol = mod(ftest_rank, pc)
    end if
    ! A's rows are blocked as C's (mb), B's columns as C's (nb); along k they may differ
    call distribute(Ag, mb, kba, rsrc, csrc, pr, pc, myrow, mycol, al, da)
    call distribute(Bg, kbb, nb, rsrc, csrc, pr, pc, myrow, mycol, bl, db)
    call distribute(Cg, mb, nb, rsrc, csrc, pr, pc, myrow, mycol, cl, dc)
    call distribute(ref, mb, nb, rsrc, csrc, pr, pc, myrow, mycol, expect, dc)
    if (cplx) then
      ! single precision first (from the same data), then double
      block
        complex(c_float_complex), allocatable :: as(:, :), bs(:, :), cs(:, :)
        real(c_float), allocatable :: ars(:, :), brs(:, :), crs(:, :)
        real(c_double) :: e
        as = cmplx(al, kind=c_float_complex)
        bs = cmplx(bl, kind=c_float_complex)
        cs = cmplx(cl, kind=c_float_complex)
        call dlops_pcgemm(ctx, pr, pc, m, n, k, cmplx(alpha, kind=c_float_complex), as, da, bs, db, &
             cmplx(beta, kind=c_float_complex), cs, dc, 0, ierr)
        call check_err(ierr, DLOPS_SUCCESS, 'pcgemm ' // trim(what))
        e = maxval(abs(cmplx(cs, kind=c_double_complex) - expect)) / &
             max(1.0_c_double, maxval(abs(expect)))
        call check(e < 1e-5_c_double, 'pcgemm ' // trim(what) // ': single precision result')
        ! psgemm on the real parts
        ars = real(al, c_float)
        brs = real(bl, c_float)
        crs = real(cl, c_float)
        call distribute(cmplx(1.5_c_double * matmul(real(Ag, c_double), real(Bg, c_double)) - &
             0.75_c_double * real(Cg, c_double), 0, c_double_complex), mb, nb, rsrc, csrc, pr, pc, myrow, mycol, &
             expr, dc)
        call dlops_psgemm(ctx, pr, pc, m, n, k, 1.5_c_float, ars, da, brs, db, -0.75_c_float, crs, dc, 0, ierr)
        call check_err(ierr, DLOPS_SUCCESS, 'psgemm ' // trim(what))
        e = maxval(abs(crs - real(expr, c_double))) / max(1.0_c_double, maxval(abs(expr)))
        call check(e < 1e-5_c_double, 'psgemm ' // trim(what) // ': single precision result')
      end block
      call dlops_pzgemm(ctx, pr, pc, m, n, k, alpha, al, da, bl, db, beta, cl, dc, 0, ierr)
      call check_err(ierr, DLOPS_SUCCESS, trim(what))
      call check_close_arr(reshape(cl, [size(cl)]), reshape(expect, [size(expect)]), trim(what))
    else
      ar = real(al, c_double)
      br = real(bl, c_double)
      cr = real(cl, c_double)
      call dlops_pdgemm(ctx, pr, pc, m, n, k, alpha%re, ar, da, br, db, beta%re, cr, dc, 1, ierr)
      call check_err(ierr, DLOPS_SUCCESS, trim(what))
      call check_close_arr(reshape(cmplx(cr, 0, c_double_complex), [size(cr)]), reshape(expect, [size(expect)]), &
           trim(what))
    end if
  end subroutine run_pgemm

  subroutine test_pgemm(ctx)
    type(dlops_ctx), intent(in) :: ctx
    integer :: pr, pc
    do pr = 1, ftest_size
      do pc = 1, ftest_size / pr
        call run_pgemm(ctx, pr, pc, 9, 7, 5, .false.)
        call run_pgemm(ctx, pr, pc, 9, 7, 5, .true.)
        call run_pgemm(ctx, pr, pc, 1, 2, 3, .false.)
      end do
    end do
  end subroutine test_pgemm

  ! ------------------------------------------------------------------ errors
  subroutine test_dense_errors(ctx)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_op) :: op
    real(c_double) :: a(4, 4), b(4, 4), c(4, 4)
    real(c_float) :: af(4)
    integer :: ierr, desc(9), dbad(9)
    integer :: s, l
    integer(c_int64_t) :: s8, l8
    ! ceil blocks
    call dlops_ceil_block(10, 4, 3, s, l)
    call check(s == 9 .and. l == 1, 'ceil_block(10, 4, 3)')
    call dlops_ceil_block(10_c_int64_t, 4, 1, s8, l8)
    call check(s8 == 3 .and. l8 == 3, 'ceil_block(10, 4, 1)')
    ! A tile too small for this rank (every rank's tile is 4 x 4 on a P x 1 SUMMA grid)
    call dlops_op_create_matmul(ctx, DLOPS_MATMUL_SUMMA, ftest_size, 1, 4 * ftest_size, 4, 3, [1.0_c_double], 0, &
         DLOPS_F64, op, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'matmul with a too small A tile')
    call check(.not. c_associated(op%ptr), 'failed matmul leaves the handle null')
    ! kind of the tile that does not match dtype
    af = 1
    call dlops_op_create_matmul(ctx, DLOPS_MATMUL_BLOCK, 1, 1, 2, 2, 2, af, 0, DLOPS_F64, op, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'matmul with real(c_float) tile and dtype f64')
    ! grid larger than the context
    call dlops_op_create_matmul(ctx, DLOPS_MATMUL_SUMMA, ftest_size + 1, 1, 2, 2, 2, [real(c_double) ::], 0, &
         DLOPS_F64, op, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'matmul grid larger than the context')
    ! pdgemm: layout mismatch (A's row blocking differs from C's) on a 1 x 1 grid
    a = 1
    b = 1
    c = 0
    desc = [1, 0, 4, 4, 2, 2, 0, 0, 4]
    dbad = [1, 0, 4, 4, 1, 2, 0, 0, 4]
    if (ftest_rank /= 0) then
      desc(9) = 1
      dbad(9) = 1
    end if
    call dlops_pdgemm(ctx, 1, 1, 4, 4, 4, 1.0_c_double, a, dbad, b, desc, 0.0_c_double, c, desc, 0, ierr)
    call check_err(ierr, DLOPS_ERR_UNSUPPORTED, 'pdgemm with A row blocking different from C''s')
    call check(all(c == 0), 'C untouched by a failed pdgemm')
    call dlops_pdgemm(ctx, 1, 1, 4, 4, 4, 1.0_c_double, a, desc(1:8), b, desc, 0.0_c_double, c, desc, 0, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'pdgemm with an 8-entry descriptor')
    call dlops_pdgemm(ctx, 1, 1, 4, 4, 4, 1.0_c_double, a(:, 1:2), desc, b, desc, 0.0_c_double, c, desc, 0, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'pdgemm with a local array smaller than its block (rank 0), on every rank')
    call dlops_pdgemm(ctx, 1, 1, 5, 4, 4, 1.0_c_double, a, desc, b, desc, 0.0_c_double, c, desc, 0, ierr)
    call check_err(ierr, DLOPS_ERR_SIZE, 'pdgemm with m different from the descriptors''')
  end subroutine test_dense_errors
end module dense_cases

program test_fortran_dense
  use dlops
  use ftest
  use dense_cases
  implicit none
  type(dlops_ctx) :: ctx
  call ftest_init(ctx)
  call test_matmul(ctx)
  call test_pgemm(ctx)
  call test_dense_errors(ctx)
  call ftest_finish(ctx)
end program test_fortran_dense
