! mdd_f: the Fortran twin of examples/c/mdd.c, PyLops-MPI's multi-dimensional deconvolution
! tutorial (tutorials/mdd.py) with dlops.
!
!   mpiexec -n P ./mdd_f [nx=N] [ny=N] [nt=N] [nfmax=N] [niter=N] [out=DIR] [maxerr=E] [maxres=R]
!
! The options come from dlops_options (dlops_options_create(cli, 'MDD_OPTIONS'): the environment
! variable MDD_OPTIONS, then the command line, which wins), as in the C program: "help" prints the
! listing on rank 0 and exits 0; a malformed value (nt=12x), an argument that is not key=value or an
! unknown key (reported with the nearest known one) exits 2 on every rank with the reason.
! The same options, defaults, problem, operator (dlops_op_create_mdc over this rank's frequencies
! of the kernel, whose rfft is dlops_op_create_fft on a one-rank host context), CGLS, summary,
! results (model, data, madj, minv .npy and mdd_meta.txt in out=DIR) and exit code as the C program
! (see its header for the measured bounds); the arrays are the C arrays with their axes reversed
! (model(x, t), G2(t, x, y), the kernel slices G(x, y, f)), so both write the same bytes.
program mdd_f
  use mpi_f08
  use dlops
  use, intrinsic :: iso_c_binding
  implicit none

  integer, parameter :: dp = c_double, sp = c_float, i8 = c_int64_t
  real(dp), parameter :: dx = 10, dy = 10, dt = 0.004_dp, f0 = 20
  type(dlops_ctx) :: ctx, self
  type(dlops_op) :: F, M
  type(dlops_darray) :: gx, gy, mm, d, madj, minv, dres, e
  type(dlops_solver_opts) :: opts
  type(dlops_solver_result) :: sr
  type(dlops_comm_counter) :: c
  integer(i8) :: nx = 61, ny = 101, nt = 400, nfmax = 200, niter = 50
  integer(i8) :: nt2, per, extra, nfl, fl0, ix, iy, k, fg, ff, r, bytes(0:DLOPS_COMM_NUM_KINDS - 1), &
       calls(0:DLOPS_COMM_NUM_KINDS - 1)
  real(dp) :: maxerr = 0.85_dp, maxres = 0.03_dp, wav(128), ox, oy, y0, t0, tsol, nd, nres, nm, nerr, rerr, rres, &
       scale, r2, s
  real(dp) :: t0g(3) = [0.2_dp, 0.5_dp, 0.7_dp], vg(3) = [1200.0_dp, 1500.0_dp, 2000.0_dp], &
       ag(3) = [1.0_dp, 0.6_dp, 0.5_dp], t0m(1) = [0.2_dp], vm(1) = [1100.0_dp], am(1) = [1.0_dp]
  real(dp), allocatable :: x(:), xs(:), tapx(:), tapy(:), spk(:, :), gw(:, :), G2(:, :, :)
  real(sp), allocatable :: model(:, :)
  complex(dp), allocatable :: Gf(:, :, :)
  complex(sp), allocatable, target :: Gloc(:, :, :)
  integer :: rank, nranks, nw, ierr, mem, kk, u
  logical :: failed
  character(len=:), allocatable :: spec, backend, out, memname
  type(dlops_options) :: cli
  character(len=:), allocatable :: bad, pos
  integer :: help, nunused
  character(len=1024) :: fn

  call MPI_Init()
  call MPI_Comm_rank(MPI_COMM_WORLD, rank)
  call MPI_Comm_size(MPI_COMM_WORLD, nranks)

  ! the options (dlops_options: MDD_OPTIONS, then the command line, which wins); every rank reads
  ! the same command line and environment, so every rank gets the same values or the same error
  call dlops_options_create(cli, 'MDD_OPTIONS')
  bad = ''
  call dlops_options_get_int(cli, 'nx', 61_i8, 'receivers, 10 m apart from -(nx/2) dx (>= 10)', nx, ierr)
  call opt_err()
  call dlops_options_get_int(cli, 'ny', 101_i8, 'sources, 10 m apart from -(ny/2) dy (>= 10)', ny, ierr)
  call opt_err()
  call dlops_options_get_int(cli, 'nt', 400_i8, 'time samples of 4 ms (>= 41); model and data have 2 nt - 1', nt, &
       ierr)
  call opt_err()
  call dlops_options_get_int(cli, 'nfmax', 200_i8, 'frequencies kept by the MDC (1 to nt), split over ranks', &
       nfmax, ierr)
  call opt_err()
  call dlops_options_get_int(cli, 'niter', 50_i8, 'CGLS iterations (>= 0)', niter, ierr)
  call opt_err()
  call dlops_options_get_string(cli, 'out', 'mdd_out', 'folder for the .npy results ({tag}: np<P>_<backend>)', out, &
       ierr)
  call opt_err()
  call dlops_options_get_double(cli, 'maxerr', 0.85_dp, 'largest relative error to the true model accepted (> 0)', &
       maxerr, ierr)
  call opt_err()
  call dlops_options_get_double(cli, 'maxres', 0.03_dp, &
       'largest relative data residual ||d - M minv|| / ||d|| (> 0)', maxres, ierr)
  call opt_err()
  call dlops_options_help_requested(cli, help)
  if (help /= 0) then
    call dlops_options_print_help(cli, "mdd_f: PyLops-MPI's multi-dimensional deconvolution tutorial" // &
         new_line('a') // 'usage: mpiexec -n P ./mdd_f [key=value ...] (also from MDD_OPTIONS)', merge(1, 0, rank == 0))
    call dlops_options_destroy(cli)
    call MPI_Finalize()
    stop
  end if
  if (len(bad) > 0) call usage(bad)
  call dlops_options_get_positional(cli, 0, pos)
  if (len(pos) > 0) call usage('arguments are key=value')
  call dlops_options_report_unused(cli, merge(1, 0, rank == 0), nunused) ! a warning line each on rank 0
  if (nunused /= 0) call usage('unknown option')                         ! as before: an error
  call dlops_options_destroy(cli)
  if (nx < 10 .or. ny < 10 .or. nt < 41 .or. nfmax < 1 .or. nfmax > nt .or. niter < 0 .or. .not. (maxerr > 0) &
      .or. .not. (maxres > 0)) call usage('need nx, ny >= 10 (the 5-sample tapers), nt >= 41 (the wavelet), ' // &
                                          '1 <= nfmax <= nt, niter >= 0, maxerr > 0, maxres > 0')
  ox = -real(nx / 2, dp) * dx
  oy = -real(ny / 2, dp) * dy
  nt2 = 2 * nt - 1

  call dlops_ctx_create(MPI_COMM_WORLD, '', ctx)         ! backend and mem= from DLOPS_SPEC
  call dlops_ctx_create(MPI_COMM_SELF, 'comm=mpi', self) ! the kernel's FFT, on the host
  call dlops_ctx_get_spec(ctx, spec)
  call dlops_ctx_get_backend(ctx, backend)
  call dlops_ctx_get_memspace(ctx, mem)
  if (mem == DLOPS_MEM_HOST) then
    memname = 'host'
  else if (index(spec, 'mem=emu') > 0) then
    memname = 'emu (emulated device)'
  else
    memname = 'device'
  end if

  ! ---- the synthetic model and kernel, on every rank (as the tutorial)
  call dlops_wavelet_ricker(41, dt, f0, wav, nw)          ! ricker(t[:41], f0=20): 81 taps
  allocate (x(nx), xs(nx), tapx(nx), tapy(ny), spk(nt, nx), gw(nt, nx), model(nx, nt2), G2(nt2, nx, ny))
  do ix = 1, nx
    x(ix) = ox + real(ix - 1, dp) * dx
  end do
  call hanningtaper(nx, 5_i8, tapx)
  call hanningtaper(ny, 5_i8, tapy)
  call hyperbolic2d(x, t0m, vm, am, spk, gw)
  model = 0
  do ix = 1, nx                                          ! model (x, 2 nt - 1): nt - 1 zeros in front
    do k = 1, nt
      model(ix, nt - 1 + k) = real(spk(k, ix), sp)
    end do
  end do
  G2 = 0
  do iy = 1, ny
    y0 = oy + real(iy - 1, dp) * dy
    xs = x - y0
    call hyperbolic2d(xs, t0g, vg, ag, spk, gw)
    do ix = 1, nx
      do k = 1, nt
        G2(nt - 1 + k, ix, iy) = gw(k, ix) * tapy(iy) * tapx(ix)
      end do
    end do
  end do

  ! ---- the kernel in frequency, this rank's slices (PyLops-MPI's local_split)
  per = nfmax / nranks
  extra = mod(nfmax, int(nranks, i8))
  nfl = per
  if (rank < extra) nfl = nfl + 1
  fl0 = rank * per + min(int(rank, i8), extra)
  allocate (Gf(nt, nx, ny), Gloc(nx, ny, max(nfl, 1_i8)))
  call dlops_op_create_fft(self, [ny, nx, nt2], 2, nt2, DLOPS_FFT_NONE, .true., .false., .false., DLOPS_F64, F)
  call dlops_op_create_vecs(F, x=gx, y=gy)
  call dlops_darray_scatter(gx, G2, -1)
  call dlops_op_apply(F, gx, gy)
  call dlops_darray_gather(gy, Gf, -1)
  call dlops_darray_destroy(gx)
  call dlops_darray_destroy(gy)
  call dlops_op_destroy(F)
  scale = dt * sqrt(real(nt, dp))
  r2 = 1.0_dp / sqrt(2.0_dp)
  do ff = 1, nfl
    fg = fl0 + ff - 1
    s = scale
    if (fg >= 1 .and. fg <= (nt2 - 1) / 2) s = scale * r2  ! back to numpy's rfft
    do iy = 1, ny
      do r = 1, nx
        Gloc(r, iy, ff) = cmplx(real(s * Gf(fg + 1, r, iy)%re, sp), real(s * Gf(fg + 1, r, iy)%im, sp), sp)
      end do
    end do
  end do
  deallocate (Gf, G2)

  ! ---- the operator, data, adjoint, inversion
  call dlops_op_create_mdc(ctx, nfl, ny, nx, Gloc(:, :, 1:nfl), nt2, 1_i8, dt, 1.0_dp, .true., .true., .false., &
       .true., DLOPS_BROADCAST, DLOPS_C64, M, ierr)
  if (ierr /= 0) then                                    ! the same error on every rank
    if (rank == 0) write (*, '(4a)') 'mdd_f: cannot create the MDC operator (memory space ', memname, '): ', &
         dlops_last_error()
    call dlops_ctx_destroy(self)
    call dlops_ctx_destroy(ctx)
    call MPI_Finalize()
    stop 1
  end if
  deallocate (Gloc)
  call dlops_op_create_vecs(M, x=mm, y=d)
  call dlops_op_create_vecs(M, x=madj, y=dres)
  call dlops_op_create_vecs(M, x=minv)
  call dlops_darray_scatter(mm, model, -1)               ! broadcast: every rank holds the model
  call dlops_op_apply(M, mm, d)
  call dlops_op_apply_adjoint(M, d, madj)
  call dlops_darray_fill(minv, 0.0_dp)
  call dlops_solver_opts_default(opts)
  opts%niter = niter
  opts%variant = DLOPS_SOLVER_BLOCKING                   ! PyLops-MPI's cgls recurrences
  call dlops_ctx_reset_counters(ctx)
  call MPI_Barrier(MPI_COMM_WORLD)
  t0 = MPI_Wtime()
  call dlops_solve_cgls(M, d, minv, opts, sr)
  tsol = MPI_Wtime() - t0
  call MPI_Allreduce(MPI_IN_PLACE, tsol, 1, MPI_DOUBLE_PRECISION, MPI_MAX, MPI_COMM_WORLD)
  do kk = 0, DLOPS_COMM_NUM_KINDS - 1
    call dlops_ctx_get_counter(ctx, kk, c)
    bytes(kk) = c%bytes
    calls(kk) = c%calls
  end do
  call MPI_Allreduce(MPI_IN_PLACE, bytes, DLOPS_COMM_NUM_KINDS, MPI_INTEGER8, MPI_SUM, MPI_COMM_WORLD)
  call MPI_Allreduce(MPI_IN_PLACE, calls, DLOPS_COMM_NUM_KINDS, MPI_INTEGER8, MPI_SUM, MPI_COMM_WORLD)
  call dlops_op_apply(M, minv, dres)
  call dlops_darray_axpby(1.0_dp, d, -1.0_dp, dres)      ! dres = d - M minv
  call dlops_darray_norm(dres, 2, nres)
  call dlops_darray_norm(d, 2, nd)
  call dlops_darray_norm(mm, 2, nm)
  call dlops_darray_duplicate(minv, e)
  call dlops_darray_copy(minv, e)
  call dlops_darray_axpby(-1.0_dp, mm, 1.0_dp, e)
  call dlops_darray_norm(e, 2, nerr)
  call dlops_darray_destroy(e)
  rerr = nerr / nm
  rres = nres / nd

  kk = index(out, '{tag}')
  if (kk > 0) then
    write (fn, '(a,a,i0,a,a,a)') out(1:kk - 1), 'np', nranks, '_', backend, out(kk + 5:)
    out = trim(fn)
  end if
  if (rank == 0) call execute_command_line('mkdir -p "' // out // '"')
  call MPI_Barrier(MPI_COMM_WORLD)
  call dlops_darray_write_npy(mm, out // '/model.npy')
  call dlops_darray_write_npy(d, out // '/data.npy')
  call dlops_darray_write_npy(madj, out // '/madj.npy')
  call dlops_darray_write_npy(minv, out // '/minv.npy')
  if (rank == 0) then
    open (newunit=u, file=out // '/mdd_meta.txt', status='replace', action='write')
    write (u, '(a,i0)') 'nx ', nx
    write (u, '(a,i0)') 'ny ', ny
    write (u, '(a,i0)') 'nt ', nt
    write (u, '(a,i0)') 'nfmax ', nfmax
    write (u, '(a,g0)') 'dx ', dx
    write (u, '(a,g0)') 'dy ', dy
    write (u, '(a,g0)') 'dt ', dt
    write (u, '(a,g0)') 'ox ', ox
    write (u, '(a,g0)') 'oy ', oy
    close (u)
  end if

  failed = .not. (rerr <= maxerr) .or. .not. (rres <= maxres)
  if (rank == 0) then
    write (*, '(/,a)') '==== dlops multi-dimensional deconvolution (MDC), Fortran: summary ===='
    write (*, '(a,i0,a,i0,a,i0,a,i0,a,i0,a,i0,a,i0,a)') 'problem   : model (t, x) = (', nt2, ', ', nx, &
         '); data (t, y) = (', nt2, ', ', ny, '); kernel (f, y, x) = (', nfmax, ', ', ny, ', ', nx, ') complex64'
    write (*, '(a,i0,a,i0,a,i0,7a)') 'ranks     : ', nranks, ' (frequencies per rank ', per, '..', &
         per + merge(1, 0, extra > 0), ')    backend: ', backend, '    memory space: ', memname, '    spec: "', spec, '"'
    write (*, '(a,i0,a,i0,a)') 'solver    : CGLS (blocking variant), ', sr%iterations, ' iterations of at most ', niter, &
         ' (tol: PyLops'' 1e-4 on the squared normal residual)'
    write (*, '(a,es10.3,a,g0.3,a)') 'residual  : ||d - M minv|| / ||d|| = ', rres, ' (bound ', maxres, ')'
    write (*, '(a,es10.3,a,g0.3,a)') 'error     : ||minv - m|| / ||m||   = ', rerr, ' (bound ', maxerr, ')'
    write (*, '(a,f0.3,a)') 'time      : ', tsol, ' s to solution'
    write (*, '(a)') 'bytes communicated by the solve, per operation kind (summed over ranks; calls in parentheses):'
    do kk = 0, DLOPS_COMM_NUM_KINDS - 1
      write (*, '(2x,a10,1x,i12,a,i0,a)') dlops_comm_kind_name(kk), bytes(kk), ' B (', calls(kk), ')'
    end do
    write (*, '(a)') 'results   : ' // out // '/{model,data,madj,minv}.npy, ' // out // '/mdd_meta.txt'
    write (*, '(a)') 'figure    : python3 examples/plot_mdd.py ' // out // ' ' // out // '/mdd.png'
    if (failed) then
      write (*, '(a)') 'mdd_f: FAILED (error or residual above its bound)'
    else
      write (*, '(a)') 'mdd_f: OK'
    end if
  end if

  call dlops_darray_destroy(mm)
  call dlops_darray_destroy(d)
  call dlops_darray_destroy(madj)
  call dlops_darray_destroy(minv)
  call dlops_darray_destroy(dres)
  call dlops_op_destroy(M)
  call dlops_ctx_destroy(self)
  call dlops_ctx_destroy(ctx)
  call MPI_Finalize()
  if (failed) stop 1

contains

  ! pylops.utils.seismicevents.hyperbolic2d(x, t, t0, vrms, amp, wav) on the nt samples of 4 ms:
  ! the spikes (linear interpolation between samples) into spk(t, x) and the spikes filtered by
  ! the wavelet (lfilter, the wavelet's centre removed) into dwav(t, x); as mdd.c, operation for
  ! operation.
  subroutine hyperbolic2d(xo, t0, vrms, amp, spk, dwav)
    real(dp), intent(in) :: xo(:), t0(:), vrms(:), amp(:)
    real(dp), intent(out) :: spk(:, :), dwav(:, :)
    real(dp), allocatable :: ext(:, :)
    real(dp) :: te, frac, acc
    integer(i8) :: ne, it, n, j, jx, kt
    integer :: ev
    ne = nt + nw / 2
    allocate (ext(0:ne - 1, size(xo)))
    ext = 0
    do ev = 1, size(t0)
      do jx = 1, size(xo)
        te = sqrt(t0(ev) * t0(ev) + xo(jx) * xo(jx) / (vrms(ev) * vrms(ev))) / dt
        it = int(te, i8)                                 ! astype(int): truncation, te >= 0
        frac = te - real(it, dp)
        if (it < ne - 1 .and. it >= 0) then
          ext(it, jx) = ext(it, jx) + amp(ev) * (1 - frac)
          ext(it + 1, jx) = ext(it + 1, jx) + amp(ev) * frac
        end if
      end do
    end do
    do jx = 1, size(xo)
      do kt = 0, nt - 1
        spk(kt + 1, jx) = ext(kt, jx)
        acc = 0                                          ! lfilter(wav, 1, s)[kt + wc]
        n = kt + nw / 2
        do j = 0, min(int(nw, i8) - 1, n)
          acc = acc + wav(j + 1) * ext(n - j, jx)
        end do
        dwav(kt + 1, jx) = acc
      end do
    end do
  end subroutine hyperbolic2d

  ! pylops.utils.tapers.hanningtaper(n, ntap)
  subroutine hanningtaper(n, ntap, w)
    integer(i8), intent(in) :: n, ntap
    real(dp), intent(out) :: w(:)
    real(dp), parameter :: pi = 3.14159265358979323846_dp
    real(dp) :: h
    integer(i8) :: j
    w = 1
    if (ntap <= 1) return                                ! np.hanning(1) = [1]: nothing tapered
    do j = 0, ntap - 1
      h = 0.5_dp - 0.5_dp * cos(2.0_dp * pi * real(j, dp) / real(2 * ntap - 2, dp))
      w(j + 1) = h
      w(n - j) = h
    end do
  end subroutine hanningtaper

  ! the first malformed value's message, kept for after the listing (help wins over it)
  subroutine opt_err()
    if (ierr /= 0 .and. len(bad) == 0) bad = dlops_last_error()
  end subroutine opt_err

  subroutine usage(why)
    character(len=*), intent(in) :: why
    if (rank == 0) write (*, '(a)') 'mdd_f: ' // why // new_line('a') // &
         'usage: mdd_f [nx=N] [ny=N] [nt=N] [nfmax=N] [niter=N] [out=DIR] [maxerr=E] [maxres=R] ' // &
         '(mdd_f help: the listing)'
    call MPI_Finalize()
    stop 2
  end subroutine usage
end program mdd_f
