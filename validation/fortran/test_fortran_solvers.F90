!> The Fortran solver bindings (solver.h): struct layouts against C, CG / CGLS / LSQR on a Fortran
!> user operator (the ghost-cell tridiagonal of fops_user) against the known solution, a Fortran
!> monitor callback (sees every iteration, stops the solve), the cost history buffer, power
!> iteration, FISTA, proximal operators, and errors through ierr. NP 1..4 on every host backend.
module fsolve_ref
  use, intrinsic :: iso_c_binding
  implicit none
  interface
    function fref_solver_layout(v, n) bind(C, name='fref_solver_layout') result(m)
      import :: c_int, c_int64_t
      integer(c_int64_t), intent(out) :: v(*)
      integer(c_int), value :: n
      integer(c_int) :: m
    end function fref_solver_layout
  end interface
end module fsolve_ref

module solver_cases
  use, intrinsic :: iso_c_binding
  use dlops
  use ftest
  use fops_user
  use fsolve_ref
  implicit none
  private
  public :: test_layout, test_cg_cgls, test_monitor, test_power_fista, test_prox, test_solver_errors

  integer, parameter :: n = 13

  type(tridiag_t), target, save :: tspd, tgen

  !> what the monitor records
  type, public :: mon_t
    integer :: calls = 0
    integer :: stop_at = -1
    integer(c_int64_t) :: last_iter = -1
    real(c_double) :: first_r1 = -1
    real(c_double) :: xnorm = -1
    logical :: ordered = .true.
  end type mon_t
  type(mon_t), target, save :: mon

contains

  function offset(a, b) result(o)
    type(c_ptr), intent(in) :: a, b
    integer(c_int64_t) :: o
    o = int(transfer(b, 0_c_intptr_t) - transfer(a, 0_c_intptr_t), c_int64_t)
  end function offset

  ! ------------------------------------------------------------------ layouts and defaults
  subroutine test_layout()
    type(dlops_solver_opts), target :: o
    type(dlops_solver_result), target :: r
    type(dlops_solver_iter), target :: it
    type(dlops_prox_l2_params), target :: p
    integer(c_int64_t) :: v(128)
    integer(c_int64_t), allocatable :: mine(:)
    integer :: m, i
    character(len=8) :: s
    type(c_ptr) :: b
    allocate (mine(0))
    b = c_loc(o)
    mine = [mine, c_sizeof(o), offset(b, c_loc(o%niter)), offset(b, c_loc(o%tol)), offset(b, c_loc(o%damp)), &
         offset(b, c_loc(o%variant)), offset(b, c_loc(o%show)), offset(b, c_loc(o%itershow)), &
         offset(b, c_loc(o%monitor)), offset(b, c_loc(o%monitor_user)), offset(b, c_loc(o%monitor_agree)), &
         offset(b, c_loc(o%cost)), offset(b, c_loc(o%seed)), offset(b, c_loc(o%pylops_quirks)), &
         offset(b, c_loc(o%atol)), offset(b, c_loc(o%btol)), offset(b, c_loc(o%conlim)), &
         offset(b, c_loc(o%random_start)), offset(b, c_loc(o%power_niter)), offset(b, c_loc(o%power_tol)), &
         offset(b, c_loc(o%eps)), offset(b, c_loc(o%alpha)), offset(b, c_loc(o%threshkind)), &
         offset(b, c_loc(o%decay)), offset(b, c_loc(o%monitorres)), offset(b, c_loc(o%rtol)), &
         offset(b, c_loc(o%tau)), offset(b, c_loc(o%epsg)), offset(b, c_loc(o%epsg_array)), &
         offset(b, c_loc(o%eta)), offset(b, c_loc(o%acceleration)), offset(b, c_loc(o%inner_niter)), &
         offset(b, c_loc(o%inner_tol)), offset(b, c_loc(o%gfirst)), offset(b, c_loc(o%use_z0))]
    b = c_loc(r)
    mine = [mine, c_sizeof(r), offset(b, c_loc(r%iterations)), offset(b, c_loc(r%reason)), &
         offset(b, c_loc(r%r1norm)), offset(b, c_loc(r%r2norm)), offset(b, c_loc(r%cost)), &
         offset(b, c_loc(r%ncost)), offset(b, c_loc(r%istop))]
    b = c_loc(it)
    mine = [mine, c_sizeof(it), offset(b, c_loc(it%iter)), offset(b, c_loc(it%solver)), &
         offset(b, c_loc(it%r1norm)), offset(b, c_loc(it%r2norm)), offset(b, c_loc(it%cost)), &
         offset(b, c_loc(it%xupdate)), offset(b, c_loc(it%x))]
    b = c_loc(p)
    mine = [mine, c_sizeof(p), offset(b, c_loc(p%sigma)), offset(b, c_loc(p%alpha)), offset(b, c_loc(p%qgrad)), &
         offset(b, c_loc(p%niter)), offset(b, c_loc(p%warm)), offset(b, c_loc(p%solver)), offset(b, c_loc(p%variant))]
    mine = [mine, c_sizeof(dlops_op()), c_sizeof(dlops_prox()), &
         int([DLOPS_SOLVER_RUNNING, DLOPS_CONVERGED_TOL, DLOPS_STOP_MAXIT, DLOPS_DIVERGED_BREAKDOWN, DLOPS_DIVERGED_NAN, &
         DLOPS_STOPPED_BY_USER, DLOPS_DIVERGED_RESIDUAL, DLOPS_SOLVER_BLOCKING, DLOPS_SOLVER_FUSED, &
         DLOPS_SOLVER_PIPELINED, DLOPS_THRESH_SOFT, DLOPS_THRESH_HARD, DLOPS_THRESH_HALF, DLOPS_ACCEL_NONE, &
         DLOPS_ACCEL_VANDENBERGHE, DLOPS_ACCEL_FISTA, DLOPS_L2_SOLVER_CGLS, DLOPS_L2_SOLVER_CG, DLOPS_DERIV_FORWARD, &
         DLOPS_DERIV_BACKWARD, DLOPS_DERIV_CENTERED, DLOPS_MATMUL_BLOCK, DLOPS_MATMUL_SUMMA], c_int64_t)]
    m = fref_solver_layout(v, size(v, kind=c_int))
    call check(m == size(mine), 'number of layout entries compared with C')
    do i = 1, min(m, size(mine))
      write (s, '(i0)') i
      call check(v(i) == mine(i), 'struct size/offset or constant #' // trim(s) // ' differs from C')
    end do
    ! the C defaults, read through the Fortran type
    call dlops_solver_opts_default(o)
    call check(o%niter == 10 .and. o%variant == DLOPS_SOLVER_FUSED .and. o%monitor_agree == 1, 'opts defaults (1)')
    call check(all(o%itershow == 10) .and. .not. c_associated(o%monitor) .and. .not. c_associated(o%cost), &
         'opts defaults (2)')
    call check(o%tol < 0 .and. o%atol == 1e-8_c_double .and. o%eps == 0.1_c_double .and. o%inner_niter == 10, &
         'opts defaults (3)')
    call dlops_prox_l2_params_default(p)
    call check(p%sigma == 1 .and. p%niter == 10 .and. p%warm == 1 .and. p%solver == DLOPS_L2_SOLVER_CGLS, &
         'l2 params defaults')
    call check(dlops_stop_reason_name(DLOPS_CONVERGED_TOL) == 'converged_tol', 'stop_reason_name: ' // &
         dlops_stop_reason_name(DLOPS_CONVERGED_TOL))
  end subroutine test_layout

  ! ------------------------------------------------------------------ helpers
  subroutine make_op(ctx, t, lo, di, up, A)
    type(dlops_ctx), intent(in) :: ctx
    type(tridiag_t), intent(inout), target :: t
    real(c_double), intent(in) :: lo, di, up
    type(dlops_op), intent(inout) :: A
    type(dlops_darray) :: tmpl
    t = tridiag_t(lo, di, up, 0, 0)
    call dlops_darray_create(ctx, [n], 0, DLOPS_SCATTER, DLOPS_F64, tmpl)
    call dlops_op_create_user(tmpl, tmpl, tri_apply, tri_adjoint, c_loc(t), A=A)
    call dlops_darray_destroy(tmpl)
  end subroutine make_op

  !> y = A xtrue computed serially and scattered; x = 0
  subroutine problem(A, t, xtrue, x, y)
    type(dlops_op), intent(in) :: A
    type(tridiag_t), intent(in) :: t
    real(c_double), intent(in) :: xtrue(:)
    type(dlops_darray), intent(inout) :: x, y
    call dlops_op_create_vecs(A, x, y)
    call dlops_darray_scatter(y, tri_serial(t, xtrue, .false.), -1)
  end subroutine problem

  subroutine check_solution(x, xtrue, tol, what)
    type(dlops_darray), intent(in) :: x
    real(c_double), intent(in) :: xtrue(:), tol
    character(len=*), intent(in) :: what
    real(c_double) :: g(size(xtrue)), e
    character(len=24) :: s
    call dlops_darray_gather(x, g, -1)
    e = maxval(abs(g - xtrue)) / maxval(abs(xtrue))
    write (s, '(es10.3)') e
    call check(e <= tol, what // ': max rel error ' // trim(s))
  end subroutine check_solution

  ! ------------------------------------------------------------------ CG, CGLS, LSQR
  subroutine test_cg_cgls(ctx)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_op) :: S, G
    type(dlops_darray) :: x, y
    type(dlops_solver_opts) :: opts
    type(dlops_solver_result) :: res
    real(c_double) :: xtrue(n)
    real(c_double), target :: cost(61)
    integer :: i, v
    character(len=40) :: what
    xtrue = gvals([(i, i = 1, n)], 21)
    ! CG on the symmetric positive definite tridiag(-1, 4, -1), every variant
    call make_op(ctx, tspd, -1.0_c_double, 4.0_c_double, -1.0_c_double, S)
    do v = DLOPS_SOLVER_BLOCKING, DLOPS_SOLVER_PIPELINED
      write (what, '(a,i0)') 'cg variant ', v
      call problem(S, tspd, xtrue, x, y)
      call dlops_solver_opts_default(opts)
      opts%niter = 60
      opts%tol = 1e-26_c_double
      opts%variant = v
      opts%cost = c_loc(cost)
      cost = -1
      call dlops_solve_cg(S, y, x, opts, res)
      call check_solution(x, xtrue, 1e-10_c_double, trim(what))
      call check(res%reason == DLOPS_CONVERGED_TOL .or. res%reason == DLOPS_STOP_MAXIT, trim(what) // ': reason ' // &
           dlops_stop_reason_name(res%reason))
      call check(res%iterations > 0 .and. res%iterations <= 60, trim(what) // ': iterations')
      call check(res%ncost == res%iterations + 1, trim(what) // ': cost history length')
      ! cost(1) = ||y - A x0|| = ||y|| for x0 = 0
      call check_close(cost(1), norm2(tri_serial(tspd, xtrue, .false.)), 1e-12_c_double, trim(what) // ': cost(1)')
      call check(cost(res%ncost) < 1e-8_c_double * cost(1), trim(what) // ': final residual in the history')
      call dlops_darray_destroy(x)
      call dlops_darray_destroy(y)
    end do
    ! CG without opts and res (defaults: 10 iterations) runs too
    call problem(S, tspd, xtrue, x, y)
    call dlops_solve_cg(S, y, x)
    call dlops_darray_destroy(x)
    call dlops_darray_destroy(y)
    call dlops_op_destroy(S)
    ! CGLS and LSQR on the non-symmetric tridiag(-1, 3, 0.5)
    call make_op(ctx, tgen, -1.0_c_double, 3.0_c_double, 0.5_c_double, G)
    do v = DLOPS_SOLVER_BLOCKING, DLOPS_SOLVER_FUSED
      write (what, '(a,i0)') 'cgls variant ', v
      call problem(G, tgen, xtrue, x, y)
      call dlops_solver_opts_default(opts)
      opts%niter = 60
      opts%tol = 1e-28_c_double
      opts%variant = v
      call dlops_solve_cgls(G, y, x, opts, res)
      call check_solution(x, xtrue, 1e-9_c_double, trim(what))
      call check(res%iterations > 0, trim(what) // ': iterations')
      call dlops_darray_destroy(x)
      call dlops_darray_destroy(y)
    end do
    call problem(G, tgen, xtrue, x, y)
    call dlops_solver_opts_default(opts)
    opts%niter = 60
    call dlops_solve_lsqr(G, y, x, opts, res)
    call check_solution(x, xtrue, 1e-6_c_double, 'lsqr')
    call check(res%reason == DLOPS_CONVERGED_TOL .or. res%reason == DLOPS_STOP_MAXIT, 'lsqr reason')
    call dlops_darray_destroy(x)
    call dlops_darray_destroy(y)
    call dlops_op_destroy(G)
  end subroutine test_cg_cgls

  ! ------------------------------------------------------------------ monitor
  function monitor(user, it) bind(C) result(rc)
    type(c_ptr), value :: user
    type(dlops_solver_iter), intent(in) :: it
    integer(c_int) :: rc
    type(mon_t), pointer :: m
    integer :: ierr
    call c_f_pointer(user, m)
    if (it%iter /= m%last_iter + 1) m%ordered = .false.
    m%last_iter = it%iter
    m%calls = m%calls + 1
    if (it%iter == 0) m%first_r1 = it%r1norm
    ! the iterate is readable (a collective call is fine: every rank runs the monitor)
    call dlops_darray_norm(it%x, 2, m%xnorm, ierr)
    if (ierr /= 0) m%xnorm = -2
    rc = 0
    if (m%stop_at >= 0 .and. it%iter >= m%stop_at) rc = 1
  end function monitor

  subroutine test_monitor(ctx)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_op) :: S
    type(dlops_darray) :: x, y
    type(dlops_solver_opts) :: opts
    type(dlops_solver_result) :: res
    real(c_double) :: xtrue(n), g(n)
    integer :: i
    xtrue = gvals([(i, i = 1, n)], 22)
    call make_op(ctx, tspd, -1.0_c_double, 4.0_c_double, -1.0_c_double, S)
    ! a monitor that watches: iterations 0..k in order, r1norm(0) = ||y||, the iterate readable
    call problem(S, tspd, xtrue, x, y)
    call dlops_solver_opts_default(opts)
    opts%niter = 5
    opts%tol = 0
    mon = mon_t()
    call dlops_solver_opts_set_monitor(opts, monitor, c_loc(mon))
    call dlops_solve_cg(S, y, x, opts, res)
    call check(mon%calls == res%iterations + 1 .and. mon%ordered, 'monitor called once per iteration, in order')
    call check_close(mon%first_r1, norm2(tri_serial(tspd, xtrue, .false.)), 1e-12_c_double, 'monitor r1norm at iter 0')
    call dlops_darray_gather(x, g, -1)
    call check_close(mon%xnorm, norm2(g), 1e-12_c_double, 'monitor sees the last iterate')
    call dlops_darray_destroy(x)
    call dlops_darray_destroy(y)
    ! a monitor that stops at iteration 3, in CGLS
    call problem(S, tspd, xtrue, x, y)
    mon = mon_t(stop_at=3)
    opts%niter = 50
    call dlops_solve_cgls(S, y, x, opts, res)
    call check(res%reason == DLOPS_STOPPED_BY_USER, 'monitor stops the solve: reason ' // &
         dlops_stop_reason_name(res%reason))
    call check(res%iterations == 3, 'stopped after 3 iterations')
    call dlops_darray_destroy(x)
    call dlops_darray_destroy(y)
    call dlops_op_destroy(S)
  end subroutine test_monitor

  ! ------------------------------------------------------------------ power iteration, FISTA
  subroutine test_power_fista(ctx)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_op) :: D, I
    type(dlops_darray) :: b, x, y, tmpl
    type(dlops_solver_opts) :: opts
    type(dlops_solver_result) :: res
    real(c_double) :: dg(n), lam, yg(n), xg(n)
    complex(c_double_complex) :: lamz
    integer(c_int64_t) :: off, nl
    integer :: k
    ! power iteration on a diagonal operator with a dominant eigenvalue 30
    dg = [(real(k, c_double), k = 1, n)]
    dg(7) = 30
    call dlops_darray_create(ctx, [n], 0, DLOPS_SCATTER, DLOPS_F64, tmpl)
    call dlops_darray_get_offset(tmpl, off)
    call dlops_darray_get_local_size(tmpl, nl)
    call dlops_op_create_diagonal(ctx, n, DLOPS_F64, dg(off + 1:off + nl), D)
    call dlops_op_create_vecs(D, b)
    call dlops_solver_opts_default(opts)
    opts%niter = 200
    opts%tol = 1e-14_c_double
    call dlops_solve_power(D, b, opts, lam, res)
    call check_close(lam, 30.0_c_double, 1e-8_c_double, 'power iteration eigenvalue (real)')
    call dlops_solve_power(D, b, opts, lamz)
    call check_close_z(lamz, (30.0_c_double, 0.0_c_double), 1e-8_c_double, 'power iteration eigenvalue (complex)')
    call dlops_darray_destroy(b)
    call dlops_op_destroy(D)
    ! FISTA on the identity with alpha = 1: the minimiser is soft(y, eps*alpha/2) (PyLops' threshold)
    call dlops_op_create_identity(ctx, n, n, DLOPS_F64, I)
    call dlops_op_create_vecs(I, x, y)
    yg = gvals([(k, k = 1, n)], 23)
    call dlops_darray_scatter(y, yg, -1)
    call dlops_solver_opts_default(opts)
    opts%niter = 20
    opts%alpha = 1
    opts%eps = 0.4_c_double
    call dlops_solve_fista(I, y, x, opts, res)
    call dlops_darray_gather(x, xg, -1)
    call check(maxval(abs(xg - sign(max(abs(yg) - 0.2_c_double, 0.0_c_double), yg))) < 1e-12_c_double, &
         'fista on the identity gives the soft threshold')
    call dlops_darray_fill(x, 0)
    call dlops_solve_ista(I, y, x, opts, res)
    call dlops_darray_gather(x, xg, -1)
    call check(maxval(abs(xg - sign(max(abs(yg) - 0.2_c_double, 0.0_c_double), yg))) < 1e-12_c_double, &
         'ista on the identity gives the soft threshold')
    call dlops_darray_destroy(x)
    call dlops_darray_destroy(y)
    call dlops_darray_destroy(tmpl)
    call dlops_op_destroy(I)
  end subroutine test_power_fista

  ! ------------------------------------------------------------------ proximal operators
  subroutine test_prox(ctx)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_prox) :: p, f
    type(dlops_darray) :: x, z
    type(dlops_op) :: I
    type(dlops_solver_opts) :: opts
    real(c_double) :: xg(n), zg(n), v
    integer :: k
    xg = gvals([(k, k = 1, n)], 24)
    call dlops_darray_create(ctx, [n], 0, DLOPS_SCATTER, DLOPS_F64, x)
    call dlops_darray_duplicate(x, z)
    call dlops_darray_scatter(x, xg, -1)
    ! L1: value sigma ||x||_1, prox soft threshold at tau*sigma
    call dlops_prox_create_l1(0.5_c_double, p)
    call dlops_prox_value(p, x, v)
    call check_close(v, 0.5_c_double * sum(abs(xg)), 1e-12_c_double, 'l1 value')
    call dlops_prox_apply(p, x, 0.4_c_double, z)
    call dlops_darray_gather(z, zg, -1)
    call check(maxval(abs(zg - sign(max(abs(xg) - 0.2_c_double, 0.0_c_double), xg))) < 1e-14_c_double, 'l1 prox')
    call dlops_prox_destroy(p)
    call check(.not. c_associated(p%ptr), 'prox_destroy nulls the handle')
    ! box: clip
    call dlops_prox_create_box(-0.3_c_double, 0.5_c_double, p)
    call dlops_prox_apply(p, x, 1.0_c_double, z)
    call dlops_darray_gather(z, zg, -1)
    call check(maxval(abs(zg - min(max(xg, -0.3_c_double), 0.5_c_double))) == 0, 'box prox')
    ! proximal gradient: min 1/2 ||x - b||^2 + indicator of the box = clip(b)
    call dlops_prox_create_l2(dlops_op(), x, dlops_darray(), dlops_darray(), p=f)
    call dlops_darray_fill(z, 0)
    call dlops_solver_opts_default(opts)
    opts%niter = 5
    opts%tau = 1
    call dlops_solve_proximal_gradient(f, p, z, opts)
    call dlops_darray_gather(z, zg, -1)
    call check(maxval(abs(zg - min(max(xg, -0.3_c_double), 0.5_c_double))) < 1e-12_c_double, &
         'proximal gradient with an L2 and a box')
    ! L2 gradient: x - b at x
    call dlops_prox_grad(f, x, z)
    call dlops_darray_gather(z, zg, -1)
    call check(maxval(abs(zg)) < 1e-14_c_double, 'l2 gradient at b is 0')
    call dlops_prox_destroy(f)
    call dlops_prox_destroy(p)
    ! L1 has no gradient
    call dlops_prox_create_l1(1.0_c_double, p)
    block
      integer :: ierr
      call dlops_prox_grad(p, x, z, ierr)
      call check_err(ierr, DLOPS_ERR_UNSUPPORTED, 'gradient of L1')
      call dlops_prox_apply(p, x, -1.0_c_double, z, ierr)
      call check_err(ierr, DLOPS_ERR_ARG, 'prox with tau < 0')
    end block
    call dlops_prox_destroy(p)
    ! L0: hard threshold at tau*sigma
    call dlops_prox_create_l0(0.5_c_double, p)
    call dlops_prox_apply(p, x, 1.0_c_double, z)
    call dlops_darray_gather(z, zg, -1)
    call check(all(zg == merge(xg, 0.0_c_double, abs(xg) > 0.5_c_double)), 'l0 prox')
    call dlops_prox_destroy(p)
    ! ADMM: min 1/2 ||I x - b||^2 + box(I x) = clip(b)
    call dlops_op_create_identity(ctx, n, n, DLOPS_F64, I)
    call dlops_prox_create_box(-0.3_c_double, 0.5_c_double, p)
    call dlops_darray_fill(z, 0)
    call dlops_solver_opts_default(opts)
    opts%niter = 60
    opts%tau = 1
    opts%inner_niter = 20
    opts%inner_tol = 0
    call dlops_solve_admm_l2(p, I, x, I, z, dlops_darray(), opts)
    call dlops_darray_gather(z, zg, -1)
    call check(maxval(abs(zg - min(max(xg, -0.3_c_double), 0.5_c_double))) < 1e-6_c_double, 'admm_l2 with a box')
    call dlops_prox_destroy(p)
    call dlops_op_destroy(I)
    call dlops_darray_destroy(x)
    call dlops_darray_destroy(z)
  end subroutine test_prox

  ! ------------------------------------------------------------------ errors
  subroutine test_solver_errors(ctx)
    type(dlops_ctx), intent(in) :: ctx
    type(dlops_op) :: S, Z
    type(dlops_darray) :: x, y, w
    type(dlops_solver_opts) :: opts
    real(c_double) :: xg(n), g(n)
    integer :: ierr, k
    call make_op(ctx, tspd, -1.0_c_double, 4.0_c_double, -1.0_c_double, S)
    call dlops_op_create_vecs(S, x, y)
    xg = gvals([(k, k = 1, n)], 25)
    call dlops_darray_scatter(x, xg, -1)
    call dlops_solver_opts_default(opts)
    opts%niter = -1
    call dlops_solve_cg(S, y, x, opts, ierr=ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'cg with niter < 0')
    call dlops_darray_gather(x, g, -1)
    call check(all(g == xg), 'x untouched by a failed solve')
    call dlops_op_create_zero(ctx, 5, n, DLOPS_F64, Z)
    call dlops_op_create_vecs(Z, y=w)
    call dlops_solve_cg(S, w, x, ierr=ierr)
    call check_err(ierr, DLOPS_ERR_SIZE, 'cg with a right-hand side of the wrong layout')
    call dlops_solve_cg(Z, w, x, ierr=ierr)
    call check(ierr /= DLOPS_SUCCESS, 'cg with a rectangular operator fails')
    call dlops_darray_destroy(w)
    call dlops_darray_destroy(x)
    call dlops_darray_destroy(y)
    call dlops_op_destroy(Z)
    call dlops_op_destroy(S)
  end subroutine test_solver_errors
end module solver_cases

program test_fortran_solvers
  use dlops
  use ftest
  use solver_cases
  implicit none
  type(dlops_ctx) :: ctx
  call ftest_init(ctx)
  call test_layout()
  call test_cg_cgls(ctx)
  call test_monitor(ctx)
  call test_power_fista(ctx)
  call test_prox(ctx)
  call test_solver_errors(ctx)
  call ftest_finish(ctx)
end program test_fortran_solvers
