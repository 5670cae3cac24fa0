!> A failing call without ierr must print the dlops message once and stop the program (no backtrace).
!> CTest checks the output for the message (PASS_REGULAR_EXPRESSION) and fails on "NOT STOPPED".
program test_fortran_errstop
  use mpi_f08
  use dlops
  implicit none
  type(dlops_ctx) :: ctx
  call MPI_Init()
  call dlops_ctx_create(MPI_COMM_WORLD, 'comm=bogus', ctx)
  print '(a)', 'NOT STOPPED: the failing call returned'
  call MPI_Finalize()
end program test_fortran_errstop
