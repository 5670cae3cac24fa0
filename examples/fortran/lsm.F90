!> lsm_f: the Fortran twin of examples/c/lsm.c, PyLops-MPI's least-squares migration tutorial
!> (tutorials/lsm.py) with dlops: the same problem, options, summary, output files and verdict,
!> so the two programs give the same numbers (ctest example_lsm_same compares their minv.npy).
!>
!>   mpiexec -n P ./lsm_f [nx=N] [nz=N] [nt=N] [ns=N | nstot=N] [nr=N] [niter=N] [out=DIR]
!>                        [maxerr=E] [maxres=R] [help]
!>
!> Options as the C program's (dlops_options_create(opts, 'LSM_OPTIONS'): also from the
!> environment variable LSM_OPTIONS, the command line wins; "help" lists them and exits 0). A
!> malformed value (niter=12x), a value out of range, a positional argument or an unknown key
!> stops every rank with exit code 2 before any work.
!>
!> Defaults (the tutorial's): 81 x 60 grid of 4 m, reflectors -1 at iz = nz/2 and 0.5 at
!> iz = 5 nz/6, 10 sources per rank at z = 10 m and 11 receivers at z = 20 m on
!> np.linspace(10 dx, (nx - 10) dx, n), 651 samples of 4 ms, velocity 1000 m/s, 20 Hz Ricker
!> wavelet on 41 samples (81 taps centred at 40), CGLS 100 iterations (blocking variant) from 0.
!> One Kirchhoff operator per rank for its sources (host memory only) stacked with a vstack.
!> The model is the Fortran field m(nz, nx) (z fastest), the C model (nx, nz). The exit code is
!> non-zero when the relative error to the true reflectivity is above maxerr (default 0.6) or
!> the relative data residual above maxres (default 0.02); see examples/c/lsm.c for the measured
!> values.
program lsm_f
  use mpi_f08
  use dlops
  use, intrinsic :: iso_c_binding, only: c_double, c_int64_t
  implicit none

  integer, parameter :: dp = c_double, i8 = c_int64_t
  real(dp), parameter :: dx = 4, dz = 4, dt = 0.004_dp, v0 = 1000
  type(dlops_ctx) :: ctx, self
  type(dlops_op) :: K(1), V
  type(dlops_darray) :: m, d, madj, minv, dres, e
  type(dlops_solver_opts) :: opts
  type(dlops_solver_result) :: sr
  type(dlops_comm_counter) :: c
  type(dlops_options) :: cl
  integer(i8) :: nx, nz, nt, ns, nstot, nr, niter
  integer(i8) :: per, extra, mine, s0, s, iz1, iz2, bytes(0:DLOPS_COMM_NUM_KINDS - 1), calls(0:DLOPS_COMM_NUM_KINDS - 1)
  real(dp) :: maxerr, maxres, wav(128), t0, tsol, nd, nres, nm, nerr, rerr, rres
  real(dp), allocatable :: sx(:), sz(:), rx(:), rz(:), refl(:, :)
  real(dp), pointer :: p(:)
  integer :: rank, nranks, nw, ierr, mem, kk, nops, u, help, nunused
  logical :: failed
  character(len=:), allocatable :: spec, backend, out, pos, optmsg
  character(len=1024) :: fn

  call MPI_Init()
  call MPI_Comm_rank(MPI_COMM_WORLD, rank)
  call MPI_Comm_size(MPI_COMM_WORLD, nranks)

  ! ---- 0. options (every rank reads the same command line and environment: the same values,
  ! or the same error)
  optmsg = ''
  call dlops_options_create(cl, 'LSM_OPTIONS', ierr)
  if (ierr /= 0) call usage(dlops_last_error())
  call dlops_options_get_int(cl, 'nx', 81_i8, 'model size along x (dx = 4 m; >= 21)', nx, ierr)
  call note(ierr)
  call dlops_options_get_int(cl, 'nz', 60_i8, 'model size along z (dz = 4 m; >= 6); reflectors at nz/2, 5 nz/6', &
       nz, ierr)
  call note(ierr)
  call dlops_options_get_int(cl, 'nt', 651_i8, 'time samples of 4 ms (>= 81, the wavelet''s taps)', nt, ierr)
  call note(ierr)
  call dlops_options_get_int(cl, 'ns', 10_i8, 'sources per rank, at z = 10 m', ns, ierr)
  call note(ierr)
  call dlops_options_get_int(cl, 'nstot', -1_i8, 'total sources instead of ns (split over ranks; -1: ns * ranks)', &
       nstot, ierr)
  call note(ierr)
  call dlops_options_get_int(cl, 'nr', 11_i8, 'receivers, at z = 20 m', nr, ierr)
  call note(ierr)
  call dlops_options_get_int(cl, 'niter', 100_i8, 'CGLS iterations (>= 0)', niter, ierr)
  call note(ierr)
  call dlops_options_get_string(cl, 'out', 'lsm_out', 'folder for the .npy results ("{tag}" becomes np<P>_<backend>)', &
       out, ierr)
  call note(ierr)
  call dlops_options_get_double(cl, 'maxerr', 0.6_dp, 'largest relative error to the true reflectivity accepted', &
       maxerr, ierr)
  call note(ierr)
  call dlops_options_get_double(cl, 'maxres', 0.02_dp, &
       'largest relative data residual ||d - V minv|| / ||d|| accepted', maxres, ierr)
  call note(ierr)
  call dlops_options_help_requested(cl, help)
  call dlops_options_get_positional(cl, 0, pos)
  if (help /= 0) then
    call dlops_options_print_help(cl, 'lsm_f: least-squares migration (PyLops-MPI''s tutorials/lsm.py), Fortran' // &
         new_line('a') // 'usage: mpiexec -n P ./lsm_f [key=value ...]   (also from LSM_OPTIONS)', merge(1, 0, rank == 0))
    call dlops_options_destroy(cl)
    call MPI_Finalize()
    stop
  end if
  if (len(optmsg) > 0) call usage(optmsg)
  if (len(pos) > 0) call usage("'" // pos // "': arguments are key=value")
  call dlops_options_report_unused(cl, merge(1, 0, rank == 0), nunused)  ! names the nearest known key
  if (nunused > 0) call usage('unknown option')
  if (nstot < 0) nstot = ns * nranks
  if (nx < 21 .or. nz < 6 .or. nt < 81 .or. nstot < 1 .or. nr < 1 .or. niter < 0 .or. .not. (maxerr > 0) &
      .or. .not. (maxres > 0)) call usage('need nx >= 21, nz >= 6, nt >= 81, sources and receivers >= 1, ' // &
                                          'niter >= 0, maxerr > 0, maxres > 0')
  iz1 = nz / 2
  iz2 = 5 * nz / 6

  call dlops_ctx_create(MPI_COMM_WORLD, '', ctx)         ! backend and mem= from DLOPS_SPEC
  call dlops_ctx_create(MPI_COMM_SELF, '', self)         ! one-rank context for the local operators
  call dlops_ctx_get_spec(ctx, spec)
  call dlops_ctx_get_backend(ctx, backend)
  call dlops_ctx_get_memspace(ctx, mem)

  ! ---- 1. acquisition: this rank's sources (default split of nstot), all receivers
  per = nstot / nranks
  extra = mod(nstot, int(nranks, i8))
  mine = per
  if (rank < extra) mine = mine + 1
  s0 = rank * per + min(int(rank, i8), extra)
  allocate (sx(mine), sz(mine), rx(nr), rz(nr), refl(nz, nx))
  do s = 1, mine
    sx(s) = linspace(10 * dx, real(nx - 10, dp) * dx, nstot, s0 + s - 1)
  end do
  sz = 10
  do s = 1, nr
    rx(s) = linspace(10 * dx, real(nx - 10, dp) * dx, nr, s - 1)
  end do
  rz = 20
  refl = 0
  refl(iz1 + 1, :) = -1
  refl(iz2 + 1, :) = 0.5_dp
  call dlops_wavelet_ricker(41, dt, 20.0_dp, wav, nw)

  ! ---- 2. the operator: one Kirchhoff per rank, stacked over ranks
  ierr = 0
  nops = 0
  if (mine > 0) then
    call dlops_op_create_kirchhoff(self, nx, 0.0_dp, dx, nz, 0.0_dp, dz, nt, dt, sx, sz, rx, rz, v0, wav(1:nw), &
         nw / 2, DLOPS_F64, K(1), ierr)
    nops = 1
  end if
  kk = ierr
  call MPI_Allreduce(MPI_IN_PLACE, ierr, 1, MPI_INTEGER, MPI_MAX, MPI_COMM_WORLD)
  if (ierr /= 0) then
    if (rank == 0 .and. kk /= 0) then
      write (*, '(a,i0,2a)') 'lsm_f: cannot create the Kirchhoff operator (memory space ', mem, '): ', dlops_last_error()
    else if (rank == 0) then
      write (*, '(a)') 'lsm_f: cannot create the Kirchhoff operator: failed on another rank'
    end if
    call dlops_ctx_destroy(self)
    call dlops_ctx_destroy(ctx)
    call MPI_Finalize()
    stop 1
  end if
  call dlops_op_create_vstack(ctx, K(1:nops), V)
  if (nops > 0) call dlops_op_destroy(K(1))

  ! ---- 3. data, migration, inversion
  call dlops_op_create_vecs(V, x=m, y=d)
  call dlops_op_create_vecs(V, x=madj, y=dres)
  call dlops_op_create_vecs(V, x=minv)
  call dlops_darray_get_local(m, p)                      ! broadcast: every rank holds the model
  p = reshape(refl, [nx * nz])
  call dlops_darray_restore_local(m, p)
  call dlops_op_apply(V, m, d)
  call dlops_op_apply_adjoint(V, d, madj)
  call dlops_darray_fill(minv, 0.0_dp)
  call dlops_solver_opts_default(opts)
  opts%niter = niter
  opts%variant = DLOPS_SOLVER_BLOCKING                   ! PyLops-MPI's cgls recurrences
  call dlops_ctx_reset_counters(ctx)
  call MPI_Barrier(MPI_COMM_WORLD)
  t0 = MPI_Wtime()
  call dlops_solve_cgls(V, d, minv, opts, sr)
  tsol = MPI_Wtime() - t0
  call MPI_Allreduce(MPI_IN_PLACE, tsol, 1, MPI_DOUBLE_PRECISION, MPI_MAX, MPI_COMM_WORLD)
  do kk = 0, DLOPS_COMM_NUM_KINDS - 1
    call dlops_ctx_get_counter(ctx, kk, c)
    bytes(kk) = c%bytes
    calls(kk) = c%calls
  end do
  call MPI_Allreduce(MPI_IN_PLACE, bytes, DLOPS_COMM_NUM_KINDS, MPI_INTEGER8, MPI_SUM, MPI_COMM_WORLD)
  call MPI_Allreduce(MPI_IN_PLACE, calls, DLOPS_COMM_NUM_KINDS, MPI_INTEGER8, MPI_SUM, MPI_COMM_WORLD)
  call dlops_op_apply(V, minv, dres)
  call dlops_darray_axpby(1.0_dp, d, -1.0_dp, dres)      ! dres = d - V minv
  call dlops_darray_norm(dres, 2, nres)
  call dlops_darray_norm(d, 2, nd)
  call dlops_darray_norm(m, 2, nm)
  call dlops_darray_duplicate(minv, e)
  call dlops_darray_copy(minv, e)
  call dlops_darray_axpby(-1.0_dp, m, 1.0_dp, e)
  call dlops_darray_norm(e, 2, nerr)
  call dlops_darray_destroy(e)
  rerr = nerr / nm
  rres = nres / nd

  ! ---- 4. results as .npy (flat; lsm_meta.txt holds the shapes)
  kk = index(out, '{tag}')
  if (kk > 0) then
    write (fn, '(a,a,i0,a,a,a)') out(1:kk - 1), 'np', nranks, '_', backend, out(kk + 5:)
    out = trim(fn)
  end if
  if (rank == 0) call execute_command_line('mkdir -p "' // out // '"')
  call MPI_Barrier(MPI_COMM_WORLD)
  call dlops_darray_write_npy(m, out // '/refl.npy')
  call dlops_darray_write_npy(d, out // '/data.npy')
  call dlops_darray_write_npy(madj, out // '/madj.npy')
  call dlops_darray_write_npy(minv, out // '/minv.npy')
  if (rank == 0) then
    open (newunit=u, file=out // '/lsm_meta.txt', status='replace', action='write')
    write (u, '(a,i0)') 'nx ', nx
    write (u, '(a,i0)') 'nz ', nz
    write (u, '(a,i0)') 'ns ', nstot
    write (u, '(a,i0)') 'nr ', nr
    write (u, '(a,i0)') 'nt ', nt
    write (u, '(a,g0)') 'dx ', dx
    write (u, '(a,g0)') 'dz ', dz
    write (u, '(a,g0)') 'dt ', dt
    close (u)
  end if

  ! ---- 5. summary and verdict (every value is global: all ranks decide alike)
  failed = .not. (rerr <= maxerr) .or. .not. (rres <= maxres)
  if (rank == 0) then
    write (*, '(/,a)') '==== dlops least-squares migration (Kirchhoff), Fortran: summary ===='
    write (*, '(a,i0,a,i0,a,i0,a,i0,a,i0,a)') 'problem   : model (nx, nz) = (', nx, ', ', nz, '); data (ns, nr, nt) = (', &
         nstot, ', ', nr, ', ', nt, ')'
    write (*, '(a,i0,a,a,a,a,a)') 'ranks     : ', nranks, '    backend: ', backend, '    spec: "', spec, '"'
    write (*, '(a,i0,a,i0,a)') 'solver    : CGLS (blocking variant), ', sr%iterations, ' iterations of at most ', niter, &
         ' (tol: PyLops'' 1e-4 on the squared normal residual)'
    write (*, '(a,es10.3,a,g0.3,a)') 'residual  : ||d - V minv|| / ||d|| = ', rres, ' (bound ', maxres, ')'
    write (*, '(a,es10.3,a,g0.3,a)') 'error     : ||minv - m|| / ||m||   = ', rerr, ' (bound ', maxerr, ')'
    write (*, '(a,f0.3,a)') 'time      : ', tsol, ' s to solution'
    write (*, '(a)') 'bytes communicated by the solve, per operation kind (summed over ranks; calls in parentheses):'
    do kk = 0, DLOPS_COMM_NUM_KINDS - 1
      write (*, '(2x,a10,1x,i12,a,i0,a)') dlops_comm_kind_name(kk), bytes(kk), ' B (', calls(kk), ')'
    end do
    write (*, '(a)') 'results   : ' // out // '/{refl,data,madj,minv}.npy, ' // out // '/lsm_meta.txt'
    write (*, '(a)') 'figure    : python3 examples/plot_lsm.py ' // out // ' ' // out // '/lsm.png'
    if (failed) then
      write (*, '(a)') 'lsm_f: FAILED (error or residual above its bound)'
    else
      write (*, '(a)') 'lsm_f: OK'
    end if
  end if

  call dlops_darray_destroy(m)
  call dlops_darray_destroy(d)
  call dlops_darray_destroy(madj)
  call dlops_darray_destroy(minv)
  call dlops_darray_destroy(dres)
  call dlops_op_destroy(V)
  call dlops_ctx_destroy(self)
  call dlops_ctx_destroy(ctx)
  call dlops_options_destroy(cl)
  call MPI_Finalize()
  if (failed) stop 1

contains

  !> np.linspace(a, b, n)(k), k from 0, the C program's formula
  real(dp) function linspace(a, b, n, k)
    real(dp), intent(in) :: a, b
    integer(i8), intent(in) :: n, k
    if (n == 1) then
      linspace = a
    else if (k == n - 1) then
      linspace = b
    else
      linspace = real(k, dp) * ((b - a) / real(n - 1, dp)) + a
    end if
  end function linspace

  !> the first failing getter's message (every rank reads the same options: the same error)
  subroutine note(e)
    integer, intent(in) :: e
    if (e /= 0 .and. len(optmsg) == 0) optmsg = dlops_last_error()
  end subroutine note

  subroutine usage(why)
    character(len=*), intent(in) :: why
    if (rank == 0) write (*, '(a)') 'lsm_f: ' // why // ' ("lsm_f help" lists the options)'
    call MPI_Finalize()
    stop 2
  end subroutine usage
end program lsm_f
