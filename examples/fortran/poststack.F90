!> poststack: the Fortran twin of examples/c/poststack.c, a small 3-D post-stack seismic
!> inversion with dlops, on the same synthetic layered model as `poststack synthetic` in C.
!>
!> Build: part of the dlops build (examples/fortran). Run:
!>   mpiexec -n 4 ./poststack_f           (any number of ranks; DLOPS_SPEC=comm=rma picks a backend)
!>
!> The unknown is m = log(AI), the Fortran field m(nz, nx, ny) (z fastest), i.e. the dlops array
!> of C shape (ny, nx, nz), distributed over y (C axis 0, the last Fortran dimension).
!>   PostStack = BlockDiag over ranks of the local modelling W D on each rank's block
!>               (nz, nx, ny_r): D the centred first derivative and W the convolution with a
!>               15 Hz Ricker wavelet (dt = 4 ms), both along z. As in PyLops-MPI's tutorial the
!>               local operator is T^H (W D along z-first axes) T with T a transpose of axes, so
!>               the convolution runs over long contiguous rows. No communication.
!>   Laplacian over (y, x, z): ghost rows between neighbouring ranks only.
!>   Solves: (1) CGLS on d = PostStack m, (2) CGLS on [PostStack; sqrt(eps) Laplacian] m = [d; 0],
!>   both from a smooth background model, with deterministic pseudo-noise on d.
!> Rank 0 prints the same summary as the C program; the exit code is non-zero when the inversion
!> is not accurate enough or an operator moved other data than expected.
program poststack_f
  use mpi_f08
  use dlops
  use, intrinsic :: iso_c_binding, only: c_double, c_int64_t
  implicit none

  integer, parameter :: dp = c_double, i8 = c_int64_t
  integer, parameter :: nw = 41, nwc = 20               ! wavelet samples (t = -80 .. 80 ms), centre
  integer(i8), parameter :: ny = 16, nx = 80, nz = 120   ! the C program's synthetic model
  real(dp), parameter :: dt = 0.004_dp, f0 = 15.0_dp, eps = 0.1_dp, noise_level = 0.15_dp
  real(dp), parameter :: threshold = 0.1_dp
  real(dp), parameter :: pi = 3.14159265358979323846_dp

  type(dlops_ctx) :: ctx, self
  type(dlops_op) :: poststack, wd(1), lap, slap, reg
  type(dlops_darray) :: mtrue, mback, minv, mreg, work, d, lapout, zero, dstack
  type(dlops_solver_opts) :: opts
  type(dlops_solver_result) :: r1, r2
  real(dp), allocatable :: m2(:, :), back2(:, :)
  real(dp), pointer :: p(:), p3(:, :, :)
  real(dp) :: wav(nw), dnorm, sigma, re_ps, re_lap, e_back, e_inv, e_reg, t0, t1, t2, tsolve(2)
  integer(i8) :: nyl, y0, nloc, nd, i, ghost_rows, lap_expected
  integer(i8) :: ps(4), lp(4)                            ! bytes, calls, neighbour bytes, agreement calls (summed)
  integer :: rank, nranks, nops, r
  logical :: pass_ps, pass_lap, failed
  character(len=:), allocatable :: spec
  character(len=34) :: label                             ! left-justified table column
  character(len=160) :: line

  call MPI_Init()
  call dlops_ctx_create(MPI_COMM_WORLD, '', ctx)         ! backend from DLOPS_SPEC
  call dlops_ctx_create(MPI_COMM_SELF, '', self)         ! one-rank context for local operators
  call dlops_ctx_get_rank(ctx, rank)
  call dlops_ctx_get_size(ctx, nranks)
  call dlops_ctx_get_spec(ctx, spec)

  ! ---- 1. the 2-D model m2(z, x) on every rank (no file: the synthetic model), its smooth
  !         background, and this rank's y slices [y0, y0 + nyl) (the default split)
  allocate (m2(nz, nx), back2(nz, nx))
  call synthetic_model(m2)
  call smooth2d(m2, 6, 6, back2)
  nyl = ny / nranks
  if (rank < mod(ny, int(nranks, i8))) nyl = nyl + 1
  y0 = rank * (ny / nranks) + min(int(rank, i8), mod(ny, int(nranks, i8)))

  ! ---- 2. operators
  call ricker(wav)
  nops = 0
  if (nyl > 0) then                                      ! a rank without slices passes no operator
    wd(1) = local_modelling(nyl)
    nops = 1
  end if
  call dlops_op_create_blockdiag(ctx, wd(1:nops), -1, poststack)
  call dlops_op_destroy(wd(1))                           ! the block diagonal keeps its reference
  ! Laplacian over C axes (0, 1, 2) = (y, x, z) of the C-shaped model [ny, nx, nz]
  call dlops_op_create_laplacian(ctx, [ny, nx, nz], [0, 1, 2], [1.0_dp, 1.0_dp, 1.0_dp], &
       [1.0_dp, 1.0_dp, 1.0_dp], DLOPS_DERIV_CENTERED, .false., DLOPS_F64, lap)
  call dlops_op_create_scaled(lap, sqrt(eps), slap)
  call dlops_op_create_stacked_vstack([poststack, slap], reg)

  ! ---- 3. true model, background, data (+ noise)
  call dlops_op_create_vecs(poststack, x=mtrue, y=d)
  call dlops_darray_duplicate(mtrue, mback)
  call dlops_darray_duplicate(mtrue, minv)
  call dlops_darray_duplicate(mtrue, mreg)
  call dlops_darray_duplicate(mtrue, work)
  call dlops_op_create_vecs(lap, y=lapout)
  call dlops_darray_get_local(mtrue, p)                  ! flat local block; as a field (nz, nx, nyl)
  p3(1:nz, 1:nx, 1:nyl) => p
  call fill_block(m2, p3)
  call dlops_darray_restore_local(mtrue, p)
  call dlops_darray_get_local(mback, p)
  p3(1:nz, 1:nx, 1:nyl) => p
  call fill_block(back2, p3)
  call dlops_darray_restore_local(mback, p)

  ! one PostStack apply (the data) and one Laplacian apply, with their communication
  call dlops_ctx_reset_counters(ctx)
  call dlops_op_apply(poststack, mtrue, d)
  ps = comm_totals()
  call dlops_op_apply(lap, mtrue, lapout)                ! warm-up
  call dlops_ctx_reset_counters(ctx)
  call dlops_op_apply(lap, mtrue, lapout)
  lp = comm_totals()
  ghost_rows = laplacian_ghost_rows()
  lap_expected = ghost_rows * nx * nz * 8

  call dlops_darray_norm(d, 2, dnorm)
  call dlops_darray_get_global_size(d, nd)
  sigma = noise_level * dnorm / sqrt(real(nd, dp))
  call dlops_darray_get_local_size(d, nloc)
  call dlops_darray_get_local(d, p)
  do i = 1, nloc
    p(i) = p(i) + sigma * sqrt(3.0_dp) * noise(y0 * nx * nz + i - 1)
  end do
  call dlops_darray_restore_local(d, p)

  call dlops_op_dottest(poststack, 1.0e-10_dp, 7, pass_ps, re_ps)
  call dlops_op_dottest(lap, 1.0e-10_dp, 8, pass_lap, re_lap)

  ! ---- 4. the two inversions, both from the background
  call dlops_solver_opts_default(opts)
  opts%niter = 40
  opts%tol = 0                                           ! run all niter iterations
  call MPI_Barrier(MPI_COMM_WORLD)
  t0 = MPI_Wtime()
  call dlops_darray_copy(mback, minv)
  call dlops_solve_cgls(poststack, d, minv, opts, r1)
  t1 = MPI_Wtime()
  call dlops_darray_duplicate(lapout, zero)
  call dlops_darray_create_stacked([d, zero], dstack)
  call dlops_darray_copy(mback, mreg)
  call dlops_solve_cgls(reg, dstack, mreg, opts, r2)
  t2 = MPI_Wtime()
  tsolve = [t1 - t0, t2 - t1]
  call MPI_Allreduce(MPI_IN_PLACE, tsolve, 2, MPI_DOUBLE_PRECISION, MPI_MAX, MPI_COMM_WORLD)
  e_back = rel_error(mback)
  e_inv = rel_error(minv)
  e_reg = rel_error(mreg)

  ! ---- 5. report and verdict (every value is global: all ranks decide alike)
  if (rank == 0) then
    print '(a,i0,a,i0,a,i0,a,i0,2a)', 'dlops ', DLOPS_VERSION_MAJOR, '.', DLOPS_VERSION_MINOR, '.', &
         DLOPS_VERSION_PATCH, ' post-stack inversion (Fortran) on ', nranks, ' ranks, ', spec
    print '(a)', 'model source: synthetic layered model (the C program''s `poststack synthetic`)'
    write (line, '(*(1x,i0))') (ny / nranks + merge(1_i8, 0_i8, r < mod(ny, int(nranks, i8))), r = 0, &
         min(nranks, 16) - 1)
    print '(a,3(i0,a),i0,2a)', 'model m(nz, nx, ny) = log(AI): (', nz, ', ', nx, ', ', ny, ') = ', ny * nx * nz, &
         ' unknowns; y slices per rank:', trim(trim(line) // merge(' ...', '    ', nranks > 16))
    print '(a,i0,a,i0,a,i0,a,i0,a)', 'wavelet: Ricker ', nint(f0), ' Hz, dt = ', nint(dt * 1000), ' ms, ', nw, &
         ' samples; noise: ', nint(100 * noise_level), '% of the data rms'
    print '(a,es8.1,a)', 'PostStack = BlockDiag over ranks of T^H (Convolve1D * FirstDerivative along z) T; dot test ' &
         // merge('passed', 'FAILED', pass_ps) // ' (', re_ps, ')'
    print '(a,f4.2,a,es8.1,a)', 'Laplacian over (y, x, z), eps = ', eps, '; dot test ' // merge('passed', 'FAILED', pass_lap) &
         // ' (', re_lap, ')'
    print '(/,a,i0,a,i0,a,i0,a)', 'one PostStack apply: ', ps(1), ' bytes in ', ps(2), &
         ' communication calls (blockdiag is local), ', ps(4), ' argument-agreement calls summed over ranks'
    print '(a,i0,a,i0,a,i0,a,i0,a,i0,a,i0,a)', 'one Laplacian apply: ', lp(1), ' bytes (', lp(3), &
         ' in neighbour exchanges), expected ghost volume ', lap_expected, ' bytes = ', ghost_rows, ' rows of ', nx, &
         ' x ', nz, ' doubles'
    label = 'model'
    print '(/,a,1x,a10,1x,a6,2x,a)', label, 'rel. error', ' iters', 'stop reason'
    label = 'background (starting model)'
    print '(a,1x,f10.5)', label, e_back
    label = 'CGLS on PostStack'
    print '(a,1x,f10.5,1x,i6,2x,a)', label, e_inv, r1%iterations, dlops_stop_reason_name(r1%reason)
    label = 'CGLS on [PostStack; sqrt(eps) Lap]'
    print '(a,1x,f10.5,1x,i6,2x,a)', label, e_reg, r2%iterations, dlops_stop_reason_name(r2%reason)
    print '(/,a,f6.3,a,f6.3,a,f6.3,a)', 'solve time:', sum(tsolve), ' s (CGLS', tsolve(1), ' s, regularised CGLS', &
         tsolve(2), ' s)'
  end if
  failed = .false.
  call verdict(pass_ps .and. pass_lap, 'a dot test failed')
  call verdict(ps(1) == 0, 'the PostStack apply communicated')
  call verdict(lp(1) == lap_expected .and. lp(3) == lp(1), 'the Laplacian apply sent other bytes than the ghost rows')
  call verdict(e_reg < threshold .and. e_reg < 0.75_dp * e_back, 'the regularised inversion is not accurate enough')
  call verdict(e_reg < e_inv, 'the regularised error is not below the unregularised one')
  if (rank == 0) print '(a)', trim(merge('poststack_f: FAILED', 'poststack_f: OK    ', failed))

  call dlops_darray_destroy(dstack)
  call dlops_darray_destroy(zero)
  call dlops_darray_destroy(lapout)
  call dlops_darray_destroy(d)
  call dlops_darray_destroy(work)
  call dlops_darray_destroy(mreg)
  call dlops_darray_destroy(minv)
  call dlops_darray_destroy(mback)
  call dlops_darray_destroy(mtrue)
  call dlops_op_destroy(reg)
  call dlops_op_destroy(slap)
  call dlops_op_destroy(lap)
  call dlops_op_destroy(poststack)
  call dlops_ctx_destroy(self)
  call dlops_ctx_destroy(ctx)
  call MPI_Finalize()
  if (failed) error stop 1

contains

  !> Layered model with dipping, gently curved interfaces (impedances 4.5 .. 8.8): m2(z, x).
  subroutine synthetic_model(m)
    real(dp), intent(out) :: m(:, :)
    real(dp), parameter :: ai(0:5) = [4.5_dp, 5.2_dp, 4.9_dp, 6.3_dp, 7.1_dp, 8.8_dp]
    integer :: ix, iz, k, layer
    real(dp) :: zz
    do ix = 0, int(nx) - 1
      do iz = 0, int(nz) - 1
        zz = real(iz, dp) - 0.1_dp * real(ix, dp) - 4.0_dp * sin(0.08_dp * real(ix, dp))
        layer = 0
        do k = 1, 5
          if (zz > 4.0_dp + 19.0_dp * k) layer = k
        end do
        m(iz + 1, ix + 1) = log(ai(layer) * (1.0_dp + 0.002_dp * real(iz, dp)))
      end do
    end do
  end subroutine synthetic_model

  !> filtfilt-like smoothing: a centred moving average of 2h+1 samples along x, then z, twice
  !> (edges replicated).
  subroutine smooth2d(m, hx, hz, s)
    real(dp), intent(in) :: m(:, :)
    integer, intent(in) :: hx, hz
    real(dp), intent(out) :: s(:, :)
    real(dp) :: t(size(m, 1), size(m, 2)), acc
    integer :: ix, iz, k, j, pass
    s = m
    do pass = 1, 2
      do ix = 1, size(m, 2)
        do iz = 1, size(m, 1)
          acc = 0
          do k = -hx, hx
            j = min(max(ix + k, 1), size(m, 2))
            acc = acc + s(iz, j)
          end do
          t(iz, ix) = acc / (2 * hx + 1)
        end do
      end do
      do ix = 1, size(m, 2)
        do iz = 1, size(m, 1)
          acc = 0
          do k = -hz, hz
            j = min(max(iz + k, 1), size(m, 1))
            acc = acc + t(j, ix)
          end do
          s(iz, ix) = acc / (2 * hz + 1)
        end do
      end do
    end do
  end subroutine smooth2d

  !> This rank's slices of the 3-D model: slice iy is the 2-D model shifted laterally by
  !> 0.25 * iy samples (linear interpolation, edges replicated).
  subroutine fill_block(m, blk)
    real(dp), intent(in) :: m(:, :)
    real(dp), intent(out) :: blk(:, :, :)
    integer :: j, ix, a, b, i0
    real(dp) :: xs, w
    do j = 1, size(blk, 3)
      do ix = 1, int(nx)
        xs = real(ix - 1, dp) + 0.25_dp * real(y0 + j - 1, dp)
        i0 = floor(xs)
        w = xs - i0
        a = min(max(i0, 0), int(nx) - 1) + 1
        b = min(max(i0 + 1, 0), int(nx) - 1) + 1
        blk(:, ix, j) = (1 - w) * m(:, a) + w * m(:, b)
      end do
    end do
  end subroutine fill_block

  !> Ricker wavelet of peak frequency f0 on t = -(nw/2) dt .. (nw/2) dt.
  subroutine ricker(w)
    real(dp), intent(out) :: w(:)
    integer :: k
    real(dp) :: t, a
    do k = 0, nw - 1
      t = (k - nwc) * dt
      a = pi * pi * f0 * f0 * t * t
      w(k + 1) = (1 - 2 * a) * exp(-a)
    end do
  end subroutine ricker

  !> Pseudo-noise in [-1, 1) from a global index: the C program's 32-bit hash (products below 2^63).
  real(dp) function noise(idx)
    integer(i8), intent(in) :: idx
    integer(i8), parameter :: m32 = 4294967296_i8
    integer(i8) :: h
    h = mod(mod(idx + 1, m32) * 2654435761_i8, m32)
    h = mod(ieor(h, shiftr(h, 16)) * 73244475_i8, m32)
    h = mod(ieor(h, shiftr(h, 16)) * 73244475_i8, m32)
    h = ieor(h, shiftr(h, 16))
    noise = 2.0_dp * real(h, dp) / real(m32, dp) - 1.0_dp
  end function noise

  !> The local modelling operator on this rank's block, C shape (nyl, nx, nz): T^H (W D) T with
  !> T the transpose to C shape (nz, nyl, nx) and W D along its C axis 0 (z).
  function local_modelling(nyl) result(op)
    integer(i8), intent(in) :: nyl
    type(dlops_op) :: op
    type(dlops_op) :: dz, w, wdz, t, th, wdt
    integer(i8) :: tdims(3)
    tdims = [nz, nyl, nx]
    call dlops_op_create_first_derivative(self, tdims, 0, 1.0_dp, DLOPS_DERIV_CENTERED, 3, .false., DLOPS_F64, dz)
    call dlops_op_create_convolve1d(self, tdims, 0, wav, int(nwc, i8), DLOPS_F64, w)
    call dlops_op_create_product(w, dz, wdz)
    call dlops_op_create_transpose_axes(self, [nyl, nx, nz], [2, 0, 1], DLOPS_F64, t)
    call dlops_op_create_adjoint(t, th)
    call dlops_op_create_product(wdz, t, wdt)
    call dlops_op_create_product(th, wdt, op)
    call dlops_op_destroy(wdt)                           ! compositions keep their own references
    call dlops_op_destroy(th)
    call dlops_op_destroy(t)
    call dlops_op_destroy(wdz)
    call dlops_op_destroy(w)
    call dlops_op_destroy(dz)
  end function local_modelling

  !> Data bytes, data calls, neighbour-exchange bytes and argument-agreement calls (DLOPS_COMM_META:
  !> metadata, kept apart from the data) since the last reset, summed over ranks.
  function comm_totals() result(v)
    integer(i8) :: v(4)
    type(dlops_comm_counter) :: c
    integer :: k
    v = 0
    do k = 0, DLOPS_COMM_NUM_KINDS - 1
      call dlops_ctx_get_counter(ctx, k, c)
      if (k == DLOPS_COMM_META) then
        v(4) = v(4) + c%calls
        cycle
      end if
      v(1) = v(1) + c%bytes
      v(2) = v(2) + c%calls
      if (k == DLOPS_COMM_NEIGHBOR) v(3) = v(3) + c%bytes
    end do
    call MPI_Allreduce(MPI_IN_PLACE, v, 4, MPI_INTEGER8, MPI_SUM, MPI_COMM_WORLD)   ! plain MPI: not counted
  end function comm_totals

  !> Ghost rows of a centred second derivative along y, summed over ranks (see the C program).
  integer(i8) function laplacian_ghost_rows() result(rows)
    integer(i8) :: o, n, e
    integer :: q
    rows = 0
    o = 0
    do q = 0, nranks - 1
      n = ny / nranks
      if (q < mod(ny, int(nranks, i8))) n = n + 1
      e = o + n
      if (n > 0) then
        if (o >= 1 .and. o <= ny - 2) rows = rows + 1
        if (e < ny .and. e - 1 >= 1 .and. e - 1 <= ny - 2) rows = rows + 1
      end if
      o = e
    end do
  end function laplacian_ghost_rows

  !> ||x - mtrue|| / ||mtrue||.
  real(dp) function rel_error(x)
    type(dlops_darray), intent(in) :: x
    real(dp) :: num, den
    call dlops_darray_copy(x, work)
    call dlops_darray_axpby(-1.0_dp, mtrue, 1.0_dp, work)
    call dlops_darray_norm(work, 2, num)
    call dlops_darray_norm(mtrue, 2, den)
    rel_error = num / den
  end function rel_error

  subroutine verdict(ok, what)
    logical, intent(in) :: ok
    character(len=*), intent(in) :: what
    if (.not. ok) then
      failed = .true.
      if (rank == 0) print '(2a)', 'FAIL: ', what
    end if
  end subroutine verdict
end program poststack_f
