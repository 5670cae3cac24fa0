!> The options facility from Fortran (include/dlops/options.h; label fortran, options): the
!> command line is read with get_command_argument by dlops_options_create; CTest passes
!> "n=5 -tol=0.25 name=abc extra=1 input.npz" and FOPT_TEST="m=2 n=3" (the command line wins).
program test_fortran_options
  use, intrinsic :: iso_c_binding
  use mpi_f08
  use dlops
  use ftest
  implicit none
  type(dlops_ctx) :: ctx
  type(dlops_options) :: opts
  integer(c_int64_t) :: n, m, k
  real(c_double) :: tol
  integer :: b, h, nunused, ierr
  character(len=:), allocatable :: s, p
  call ftest_init(ctx)
  call dlops_options_create(opts, 'FOPT_TEST')
  call dlops_options_get_int(opts, 'n', 10_c_int64_t, 'size', n)
  call check(n == 5, 'n from the command line')
  call dlops_options_get_int(opts, 'm', 1_c_int64_t, 'from the environment', m)
  call check(m == 2, 'm from FOPT_TEST')
  call dlops_options_get_int(opts, 'k', 7_c_int64_t, 'not given', k)
  call check(k == 7, 'k: the default')
  call dlops_options_get_double(opts, 'tol', 1.0_c_double, 'tolerance', tol)
  call check(tol == 0.25_c_double, '-tol=0.25')
  call dlops_options_get_string(opts, 'name', 'none', 'a name', s)
  call check(s == 'abc', 'name=abc')
  call dlops_options_get_string(opts, 'other', 'dflt', 'not given', s)
  call check(s == 'dflt', 'string default')
  call dlops_options_get_bool(opts, 'verbose', 1, 'a switch', b)
  call check(b == 1, 'bool default')
  call dlops_options_get_positional(opts, 0, p)
  call check(p == 'input.npz', 'positional argument')
  call dlops_options_help_requested(opts, h)
  call check(h == 0, 'no help asked')
  call dlops_options_get_int(opts, 'name', 0_c_int64_t, 'not a number', k, ierr)
  call check_err(ierr, DLOPS_ERR_ARG, 'name=abc as an integer')
  call dlops_options_report_unused(opts, 0, nunused)
  call check(nunused == 1, 'one unused option (extra)')
  call dlops_options_print_help(opts, 'test_fortran_options', merge(1, 0, ftest_rank == 0))
  call dlops_options_destroy(opts)
  call ftest_finish(ctx)
end program test_fortran_options
