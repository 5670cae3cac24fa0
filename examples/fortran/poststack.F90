!> poststack_f: the Fortran twin of examples/c/poststack.c: PyLops-MPI's post-stack inversion
!> tutorials (poststack.py: CGLS, CG on the normal equations with a Laplacian, regularised
!> CGLS, TV through ADMM-L2; reflectivity.py: FISTA and the FISTA-accelerated proximal
!> gradient), the same arguments, the same operations in the same order, so the same numbers
!> and the same .npy results (the test example_poststack_twin compares them).
!>
!>   mpiexec -n P ./poststack_f [model.npz | synthetic] [ny=N] [xstep=S] [zstep=S]
!>                              [nsmooth=a,b,c] [out=DIR] [check=0] [help]
!>
!> Options: dlops_options (include/dlops/options.h), key=value on the command line, also from the
!> environment variable POSTSTACK_F_OPTIONS (the command line wins); "help" lists them and exits
!> 0; a malformed value (ny=4x) or an unknown key is an error on every rank (exit 2). In the
!> variable, where commas separate options, nsmooth takes ':' (nsmooth=1:5:10).
!> The model file comes from the first argument, else DLOPS_DATA (PyLops-MPI's
!> testdata/avo/poststack_model.npz, read with dlops_darray_read_npz); a path that cannot be read
!> is an error; without one the synthetic model is used, and the program says so. See
!> examples/c/poststack.c for the problem and the options. The field m(nz, nx, nyl) is the dlops
!> array of C shape (ny, nx, nz) split along y.
program poststack_f
  use mpi_f08
  use dlops
  use, intrinsic :: iso_c_binding, only: c_double, c_int64_t
  use, intrinsic :: iso_fortran_env, only: error_unit
  implicit none

  integer, parameter :: dp = c_double, i8 = c_int64_t, ninv = 6
  character(len=5), parameter :: key(ninv) = ['cgls ', 'ne   ', 'reg  ', 'tv   ', 'fista', 'pg   ']
  character(len=42), parameter :: title(ninv) = [character(len=42) :: 'CGLS on G (100 it.)', &
       'CG on G^H G + 1e2 L^H L (100 it.)', 'CGLS on [G; 10 L] (100 it.)', 'ADMM-L2, L1(1e-2) of Gradient (40x20)', &
       'reflectivity: FISTA eps=2e-2 (200 it.)', 'reflectivity: PG + FISTA accel. (200 it.)']

  type(dlops_ctx) :: ctx, self
  type(dlops_op) :: pp(1), dl(1), cl(1), g, dop, cop, lap, gh, ghg, lh, lhl, elhl, ne, slap, stack, grad, ch, chc
  type(dlops_darray) :: mm, m, mback, d, work, dwork, dres, r, dr, x(ninv), dn, zero, ds, v3, none
  type(dlops_prox) :: pg, pf
  type(dlops_solver_opts) :: o, po
  type(dlops_solver_result) :: sr
  type(dlops_comm_counter) :: cnt
  character(len=1024) :: arg, path, out
  character(len=:), allocatable :: spec, backend, mname
  real(dp), allocatable :: ai(:, :), m2(:, :), b2(:, :)
  real(dp), pointer :: p(:), q(:)
  integer(i8), allocatable :: sh(:)
  real(dp) :: wav(41), maxeig, t0, tm(ninv), res(ninv), err(ninv), err0(ninv)
  integer(i8) :: ny, xstep, zstep, nz0, nx0, nz, nx, nyl, ix, iz, j, bytes(0:7, ninv), calls(0:7, ninv), iters(ninv)
  integer :: rank, nranks, nsm(3), nw, k, kk, ierr, memsp, nops, i, ios, check, nmem, help, nunused
  integer(i8) :: check8
  type(dlops_options) :: opts
  character(len=:), allocatable :: sval
  logical :: have_path, synthetic, failed, bad

  call MPI_Init()
  call MPI_Comm_rank(MPI_COMM_WORLD, rank)
  call MPI_Comm_size(MPI_COMM_WORLD, nranks)

  ! ---- 0. arguments (as the C program): dlops_options, from POSTSTACK_F_OPTIONS and then the
  ! command line, which wins; every rank reads the same ones, so every rank gets the same values or
  ! the same error
  call dlops_options_create(opts, 'POSTSTACK_F_OPTIONS', ierr)
  if (ierr /= 0) call bad_option(dlops_last_error())
  call dlops_options_get_int(opts, 'ny', 20_i8 * nranks, 'global size along y (default 20 per rank)', ny, ierr)
  if (ierr /= 0) call bad_option(dlops_last_error())
  call dlops_options_get_int(opts, 'xstep', 3_i8, 'keep every S-th x of the model (3: nx = 267)', xstep, ierr)
  if (ierr /= 0) call bad_option(dlops_last_error())
  call dlops_options_get_int(opts, 'zstep', 1_i8, 'keep every S-th z (1: nz = 550)', zstep, ierr)
  if (ierr /= 0) call bad_option(dlops_last_error())
  call dlops_options_get_string(opts, 'nsmooth', '5,30,20', &
       'a,b,c (or a:b:c): boxcar lengths of the background''s filtfilt along y, x, z', sval, ierr)
  if (ierr /= 0) call bad_option(dlops_last_error())
  do i = 1, len(sval) ! a,b,c or a:b:c (in POSTSTACK_F_OPTIONS commas separate options)
    if (sval(i:i) == ':') sval(i:i) = ','
  end do
  read (sval, *, iostat=ios) nsm
  if (ios /= 0) call bad_option('nsmooth=' // sval // ': needs three integers a,b,c')
  call dlops_options_get_string(opts, 'out', 'poststack_out', 'folder for the .npy results', sval, ierr)
  if (ierr /= 0) call bad_option(dlops_last_error())
  out = sval
  call dlops_options_get_int(opts, 'check', 1_i8, '0: do not fail when an inversion ends farther from the true ' &
       // 'model than its start (tiny problems)', check8, ierr)
  if (ierr /= 0) call bad_option(dlops_last_error())
  check = int(check8)
  call dlops_options_help_requested(opts, help)
  if (help /= 0) then
    call dlops_options_print_help(opts, 'poststack_f: the Fortran twin of examples/c/poststack.c' // new_line('a') // &
         'usage: mpiexec -n P ./poststack_f [model.npz | synthetic] [key=value ...]' // new_line('a') // &
         '  model: the first argument, else DLOPS_DATA, else a synthetic model; options also from ' // &
         'POSTSTACK_F_OPTIONS', merge(1, 0, rank == 0))
    call dlops_options_destroy(opts)
    call MPI_Finalize()
    stop
  end if
  call dlops_options_get_positional(opts, 1, sval)
  if (len(sval) > 0) call bad_option('more than one model argument')
  call dlops_options_get_positional(opts, 0, sval)
  synthetic = sval == 'synthetic'
  have_path = len(sval) > 0 .and. .not. synthetic
  if (have_path) path = sval
  call dlops_options_report_unused(opts, merge(1, 0, rank == 0), nunused)
  if (nunused /= 0) call bad_option('unknown option (see the warning above; "help" lists the options)')
  call dlops_options_destroy(opts)
  if (.not. have_path .and. .not. synthetic) then
    call get_environment_variable('DLOPS_DATA', path, status=ios)
    have_path = ios == 0 .and. len_trim(path) > 0
  end if
  if (ny < 1 .or. xstep < 1 .or. zstep < 1 .or. any(nsm < 1)) call bad_option('sizes and steps must be positive')

  call dlops_ctx_create(MPI_COMM_WORLD, '', ctx)
  call dlops_ctx_get_spec(ctx, spec)
  call dlops_ctx_get_backend(ctx, backend)
  call dlops_ctx_get_memspace(ctx, memsp)
  k = index(spec, 'mem=')
  if (k > 0) then
    kk = index(spec(k:), ' ')
    if (kk == 0) kk = len(spec) - k + 2
    call dlops_ctx_create(MPI_COMM_SELF, 'comm=mpi ' // spec(k:k + kk - 2), self)
  else
    call dlops_ctx_create(MPI_COMM_SELF, 'comm=mpi', self)
  end if

  ! ---- 1. the 2-D model ai(x, z) (C shape (z, x)) on every rank
  nz0 = 550
  nx0 = 800
  if (have_path) then
    call dlops_darray_read_npz(ctx, trim(path), 'model', 0, DLOPS_BROADCAST, mm, ierr)
    if (ierr == 0) call dlops_darray_get_global_shape(mm, sh)
    if (ierr /= 0) then
      if (rank == 0) print '(4a)', 'poststack_f: cannot use the model file ''', trim(path), ''': ', dlops_last_error()
      call MPI_Finalize()
      error stop 1
    end if
    if (size(sh) /= 2) then
      if (rank == 0) print '(3a)', 'poststack_f: cannot use the model file ''', trim(path), ''': model is not 2-D'
      call MPI_Finalize()
      error stop 1
    end if
    nz0 = sh(1)
    nx0 = sh(2)
    if (rank == 0) then                                  ! the archive's members (not collective)
      call dlops_npz_get_num_members(trim(path), nmem)
      arg = ''
      do i = 0, nmem - 1
        call dlops_npz_get_member_name(trim(path), i, mname)
        arg = trim(arg) // ' ' // mname
      end do
      print '(3a,i0,2a)', 'model file: ', trim(path), ': ', nmem, ' members:', trim(arg)
    end if
    allocate (ai(nx0, nz0))
    call dlops_darray_get_local(mm, p)
    ai = reshape(p, [nx0, nz0])
    call dlops_darray_restore_local(mm, p)
    call dlops_darray_destroy(mm)
  else
    allocate (ai(nx0, nz0))
    call synthetic_model(ai)
    if (rank == 0) then
      print '(a)', 'poststack_f: no model file given (argument or DLOPS_DATA): using a SYNTHETIC layered model of the ' &
           // 'same shape.'
      print '(a)', '  The real model is testdata/avo/poststack_model.npz of the PyLops-MPI repository ' &
           // '(https://github.com/PyLops/pylops-mpi).'
    end if
  end if
  nz = (nz0 + zstep - 1) / zstep
  nx = (nx0 + xstep - 1) / xstep
  if (nz <= 3 * nsm(3) .or. nx <= 3 * nsm(2) .or. ny <= 3 * nsm(1)) then
    if (rank == 0) print '(a)', 'poststack_f: the model is too small for the nsmooth boxcars'
    call MPI_Finalize()
    error stop 2
  end if
  allocate (m2(nz, nx), b2(nz, nx))
  bad = .false.
  do ix = 1, nx
    do iz = 1, nz
      if (.not. (ai((ix - 1) * xstep + 1, (iz - 1) * zstep + 1) > 0)) bad = .true.
      m2(iz, ix) = log(ai((ix - 1) * xstep + 1, (iz - 1) * zstep + 1))
    end do
  end do
  deallocate (ai)
  if (bad) then
    if (rank == 0) print '(a)', 'poststack_f: the model holds non-positive impedances'
    call MPI_Finalize()
    error stop 1
  end if
  b2 = m2
  do iz = 1, nz
    call filtfilt_box(b2(iz, :), nsm(2))                 ! along x, then z (as the C program)
  end do
  do ix = 1, nx
    call filtfilt_box(b2(:, ix), nsm(3))
  end do

  ! ---- 2. operators (C shapes)
  nyl = ny / nranks
  if (rank < mod(ny, int(nranks, i8))) nyl = nyl + 1
  call dlops_wavelet_ricker(21, 0.004_dp, 15.0_dp, wav, nw)
  nops = 0
  if (nyl > 0) then
    call dlops_op_create_poststack(self, [nyl, nx, nz], 2, wav(1:nw), DLOPS_DERIV_CENTERED, DLOPS_F64, pp(1))
    call dlops_op_create_first_derivative(self, [nyl, nx, nz], 2, 1.0_dp, DLOPS_DERIV_CENTERED, 3, .false., &
         DLOPS_F64, dl(1))
    call dlops_op_create_convolve1d(self, [nyl, nx, nz], 2, wav(1:nw), int(nw / 2, i8), DLOPS_F64, cl(1))
    nops = 1
  end if
  call dlops_op_create_blockdiag(ctx, pp(1:nops), -1, g)
  call dlops_op_create_blockdiag(ctx, dl(1:nops), -1, dop)
  call dlops_op_create_blockdiag(ctx, cl(1:nops), -1, cop)
  call dlops_op_create_laplacian(ctx, [ny, nx, nz], [0, 1, 2], [1.0_dp, 1.0_dp, 1.0_dp], [1.0_dp, 1.0_dp, 1.0_dp], &
       DLOPS_DERIV_CENTERED, .false., DLOPS_F64, lap)
  call dlops_op_create_adjoint(g, gh)
  call dlops_op_create_product(gh, g, ghg)
  call dlops_op_create_adjoint(lap, lh)
  call dlops_op_create_product(lh, lap, lhl)
  call dlops_op_create_scaled(lhl, 1.0e2_dp, elhl)
  call dlops_op_create_sum(ghg, elhl, ne)
  call dlops_op_create_scaled(lap, sqrt(1.0e2_dp), slap)
  call dlops_op_create_stacked_vstack([g, slap], stack)
  call dlops_op_create_gradient(ctx, [ny, nx, nz], [1.0_dp, 1.0_dp, 1.0_dp], DLOPS_DERIV_FORWARD, .false., &
       DLOPS_F64, grad)
  call dlops_op_create_adjoint(cop, ch)
  call dlops_op_create_product(ch, cop, chc)

  ! ---- 3. true model, background, data
  call dlops_op_create_vecs(g, x=m, y=d)
  call dlops_darray_duplicate(m, mback)
  call dlops_darray_duplicate(m, work)
  call dlops_darray_duplicate(d, dwork)
  call dlops_darray_duplicate(d, dres)
  call dlops_darray_duplicate(m, r)
  call dlops_darray_duplicate(d, dr)
  call dlops_darray_get_local(m, p)
  do j = 0, nyl - 1
    p(j * nx * nz + 1:(j + 1) * nx * nz) = reshape(m2, [nx * nz])
  end do
  call dlops_darray_restore_local(m, p)
  call dlops_darray_get_local(mback, p)
  do j = 0, nyl - 1
    p(j * nx * nz + 1:(j + 1) * nx * nz) = reshape(b2, [nx * nz])
  end do
  call dlops_darray_restore_local(mback, p)
  call dlops_op_apply(g, m, d)
  call dlops_op_apply(dop, m, r)
  call dlops_op_apply(cop, r, dr)

  ! ---- 4. the inversions
  do k = 1, ninv
    call dlops_darray_duplicate(m, x(k))
    if (k >= 5) then
      call dlops_darray_fill(x(k), 0.0_dp)
      err0(k) = rel_diff(x(k), r, work)
    else
      call dlops_darray_copy(mback, x(k))
      err0(k) = rel_diff(x(k), m, work)
    end if
    call dlops_solver_opts_default(o)
    if (k == 2) then
      call dlops_darray_duplicate(m, dn)
      call dlops_op_apply_adjoint(g, d, dn)
    else if (k == 3) then
      call dlops_op_create_vecs(lap, y=zero)
      call dlops_darray_create_stacked([d, zero], ds)
    else if (k == 4 .or. k == 6) then
      call dlops_prox_create_l1(1.0e-2_dp, pg)
    end if
    call dlops_ctx_reset_counters(ctx)
    t0 = now_max()
    select case (k)
    case (1)
      o%niter = 100
      call dlops_solve_cgls(g, d, x(k), o, sr)
    case (2)
      o%niter = 100
      call dlops_solve_cg(ne, dn, x(k), o, sr)
    case (3)
      o%niter = 100
      call dlops_solve_cgls(stack, ds, x(k), o, sr)
    case (4)
      o%niter = 40
      o%tau = 0.99_dp / 12.0_dp
      o%inner_niter = 20
      call dlops_solve_admm_l2(pg, g, d, grad, x(k), none, o, sr)
    case (5)
      o%niter = 200
      o%eps = 2.0e-2_dp
      o%tol = 1.0e-8_dp
      call dlops_solve_fista(cop, dr, x(k), o, sr)
    case (6)
      call dlops_solver_opts_default(po)
      call dlops_darray_duplicate(m, zero)
      call dlops_solve_power(chc, zero, po, maxeig)
      call dlops_darray_fill(zero, 0.0_dp)
      call dlops_prox_create_l2(cop, dr, none, zero, p=pf)
      o%niter = 200
      o%tau = 0.99_dp / abs(maxeig)
      o%acceleration = DLOPS_ACCEL_FISTA
      call dlops_solve_proximal_gradient(pf, pg, x(k), o, sr)
    end select
    tm(k) = now_max() - t0
    do kk = 0, DLOPS_COMM_NUM_KINDS - 1
      call dlops_ctx_get_counter(ctx, kk, cnt)
      bytes(kk, k) = cnt%bytes
      calls(kk, k) = cnt%calls
    end do
    call MPI_Allreduce(MPI_IN_PLACE, bytes(:, k), 8, MPI_INTEGER8, MPI_SUM, MPI_COMM_WORLD)
    call MPI_Allreduce(MPI_IN_PLACE, calls(:, k), 8, MPI_INTEGER8, MPI_SUM, MPI_COMM_WORLD)
    if (k >= 5) then
      err(k) = rel_diff(x(k), r, work)
      call dlops_op_apply(cop, x(k), dwork)
      res(k) = rel_diff(dwork, dr, dres)
    else
      err(k) = rel_diff(x(k), m, work)
      call dlops_op_apply(g, x(k), dwork)
      res(k) = rel_diff(dwork, d, dres)
    end if
    iters(k) = sr%iterations
    call dlops_prox_destroy(pf)
    call dlops_prox_destroy(pg)
    call dlops_darray_destroy(ds)
    call dlops_darray_destroy(zero)
    call dlops_darray_destroy(dn)
  end do

  ! ---- 5. results as .npy, C shape (ny, nx, nz)
  if (rank == 0) call execute_command_line('mkdir -p "' // trim(out) // '"')
  call MPI_Barrier(MPI_COMM_WORLD)
  call dlops_darray_create(ctx, [ny, nx, nz], 0, DLOPS_SCATTER, DLOPS_F64, v3)
  call write3(m, 'model')
  call write3(mback, 'background')
  call write3(d, 'data')
  call write3(r, 'reflectivity')
  do k = 1, ninv
    call write3(x(k), trim(key(k)))
  end do
  call dlops_darray_destroy(v3)

  ! ---- 6. summary and verdict
  if (rank == 0) then
    print '(/,a,i0,a,i0,a,i0,a)', '==== dlops ', DLOPS_VERSION_MAJOR, '.', DLOPS_VERSION_MINOR, '.', DLOPS_VERSION_PATCH, &
         ' post-stack inversion (Fortran): summary ===='
    if (have_path) then
      print '(3a,i0,a,i0,a)', 'model     : ', trim(path), ' (z, x) = (', nz0, ', ', nx0, ')'
    else
      print '(a,i0,a,i0,a)', 'model     : synthetic layered model (z, x) = (', nz0, ', ', nx0, ')'
    end if
    print '(a,3(i0,a),i0,a)', 'problem   : (ny, nx, nz) = (', ny, ', ', nx, ', ', nz, ') = ', ny * nx * nz, &
         ' unknowns, split along y'
    print '(a,i0,5a)', 'ranks     : ', nranks, '    backend: ', backend, '    memory space: ', &
         trim(merge('host  ', 'device', memsp == DLOPS_MEM_HOST)), '    spec: "' // spec // '"'
    print '(a,f7.4)', 'background: rel. error ', err0(1)
    print '(/,a42,1x,a6,1x,a11,1x,a10,1x,a10,1x,a9,1x,a14)', 'inversion', 'iters', 'resid/|d|', 'rel.error', &
         'start err', 'time [s]', 'bytes sent'
    do k = 1, ninv
      print '(a42,1x,i6,1x,es11.3,1x,f10.5,1x,f10.5,1x,f9.3,1x,i14)', title(k), iters(k), res(k), err(k), err0(k), &
           tm(k), sum(bytes(:, k))
    end do
    print '(/,a)', 'bytes communicated per operation kind (summed over ranks; calls in parentheses):'
    do k = 1, ninv
      write (arg, '(a6)') key(k)
      do kk = 0, DLOPS_COMM_NUM_KINDS - 1
        write (arg(len_trim(arg) + 2:), '(a,1x,i0,a,i0,a)') dlops_comm_kind_name(kk), bytes(kk, k), ' (', &
             calls(kk, k), ')'
      end do
      print '(a)', trim(arg)
    end do
    print '(/,3a)', 'results: ', trim(out), '/{model,background,data,reflectivity,cgls,ne,reg,tv,fista,pg}.npy'
    print '(5a)', 'figure : python3 examples/plot_poststack.py ', trim(out), ' ', trim(out), '/poststack.png'
  end if
  failed = .false.
  do k = 1, ninv
    if (check /= 0 .and. .not. (err(k) < err0(k))) then
      failed = .true.
      if (rank == 0) print '(3a,f8.5,a,f8.5)', 'FAIL: ', trim(key(k)), ': rel. error ', err(k), &
           ' is not below the start''s ', err0(k)
    end if
  end do
  if (rank == 0) print '(a)', trim(merge('poststack_f: FAILED', 'poststack_f: OK    ', failed))

  do k = 1, ninv
    call dlops_darray_destroy(x(k))
  end do
  call dlops_darray_destroy(dr)
  call dlops_darray_destroy(r)
  call dlops_darray_destroy(dres)
  call dlops_darray_destroy(dwork)
  call dlops_darray_destroy(work)
  call dlops_darray_destroy(d)
  call dlops_darray_destroy(mback)
  call dlops_darray_destroy(m)
  call dlops_op_destroy(chc)
  call dlops_op_destroy(ch)
  call dlops_op_destroy(grad)
  call dlops_op_destroy(stack)
  call dlops_op_destroy(slap)
  call dlops_op_destroy(ne)
  call dlops_op_destroy(elhl)
  call dlops_op_destroy(lhl)
  call dlops_op_destroy(lh)
  call dlops_op_destroy(ghg)
  call dlops_op_destroy(gh)
  call dlops_op_destroy(lap)
  call dlops_op_destroy(cop)
  call dlops_op_destroy(dop)
  call dlops_op_destroy(g)
  if (nops == 1) then
    call dlops_op_destroy(cl(1))
    call dlops_op_destroy(dl(1))
    call dlops_op_destroy(pp(1))
  end if
  call dlops_ctx_destroy(self)
  call dlops_ctx_destroy(ctx)
  call MPI_Finalize()
  if (failed) error stop 1

contains

  !> A bad option: the message on every rank, then exit 2 everywhere (as the C program).
  subroutine bad_option(why)
    character(len=*), intent(in) :: why
    write (error_unit, '(a,i0,2a)') 'poststack_f (rank ', rank, '): ', why
    if (rank == 0) write (error_unit, '(a)') 'usage: poststack_f [model.npz | synthetic] [ny=N] [xstep=S] [zstep=S] ' &
         // '[nsmooth=a,b,c] [out=DIR] [check=0] [help]'
    call MPI_Finalize()
    error stop 2
  end subroutine bad_option

  !> The C program's synthetic model, ai(x, z) of C shape (z, x).
  subroutine synthetic_model(a)
    real(dp), intent(out) :: a(:, :)
    integer(i8) :: ixx, izz, l
    real(dp) :: zz, u
    do izz = 0, size(a, 2, kind=i8) - 1
      do ixx = 0, size(a, 1, kind=i8) - 1
        zz = real(izz, dp) - 0.06_dp * real(ixx, dp) - 18.0_dp * sin(0.01_dp * real(ixx, dp))
        l = 0
        if (zz >= 0) l = int(zz / 18.0_dp, i8)
        u = real(mod(l * 7919 + 13, 101_i8), dp) / 100.0_dp
        a(ixx + 1, izz + 1) = (4500.0_dp + 6500.0_dp * u) * (1.0_dp + 2.0e-4_dp * real(izz, dp))
      end do
    end do
  end subroutine synthetic_model

  !> scipy's filtfilt(ones(n)/n, 1, x) (the C program's filtfilt_box, same operation order).
  subroutine filtfilt_box(xx, n)
    real(dp), intent(inout) :: xx(:)
    integer, intent(in) :: n
    real(dp), allocatable :: e(:), y(:)
    integer(i8) :: len, pd, ll, jj, qq, ii
    integer :: kq
    real(dp) :: acc
    len = size(xx, kind=i8)
    pd = 3 * n
    ll = len + 2 * pd
    allocate (e(0:ll - 1), y(0:ll - 1))
    do ii = 0, pd - 1
      e(ii) = 2 * xx(1) - xx(pd - ii + 1)
    end do
    e(pd:pd + len - 1) = xx
    do ii = 0, pd - 1
      e(pd + len + ii) = 2 * xx(len) - xx(len - 1 - ii)
    end do
    do jj = 0, ll - 1
      acc = 0
      do kq = 0, n - 1
        acc = acc + (1.0_dp / n) * e(max(jj - kq, 0_i8))
      end do
      y(jj) = acc
    end do
    do jj = 0, ll - 1
      acc = 0
      do kq = 0, n - 1
        qq = max(jj - kq, 0_i8)
        acc = acc + (1.0_dp / n) * y(ll - 1 - qq)
      end do
      e(ll - 1 - jj) = acc
    end do
    xx = e(pd:pd + len - 1)
  end subroutine filtfilt_box

  real(dp) function rel_diff(a, b, w)
    type(dlops_darray), intent(in) :: a, b, w
    real(dp) :: num, den
    call dlops_darray_copy(a, w)
    call dlops_darray_axpby(-1.0_dp, b, 1.0_dp, w)
    call dlops_darray_norm(w, 2, num)
    call dlops_darray_norm(b, 2, den)
    rel_diff = num
    if (den > 0) rel_diff = num / den
  end function rel_diff

  real(dp) function now_max()
    now_max = MPI_Wtime()
    call MPI_Allreduce(MPI_IN_PLACE, now_max, 1, MPI_DOUBLE_PRECISION, MPI_MAX, MPI_COMM_WORLD)
  end function now_max

  !> Write a flat array of the model's layout as C shape (ny, nx, nz) to out/name.npy.
  subroutine write3(s, name)
    type(dlops_darray), intent(in) :: s
    character(len=*), intent(in) :: name
    call dlops_darray_get_local(s, q)
    call dlops_darray_get_local(v3, p)
    p = q
    call dlops_darray_restore_local(v3, p)
    call dlops_darray_restore_local(s, q)
    call dlops_darray_write_npy(v3, trim(out) // '/' // name // '.npy')
  end subroutine write3
end program poststack_f
