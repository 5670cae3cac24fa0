!> Test support for the Fortran CTest programs (the Fortran twin of validation/support/dlops_test.h).
!>
!>   call ftest_init(ctx)               ! MPI_Init + a context from DLOPS_SPEC (skips with 77 if unusable)
!>   call check(cond, 'message')        ! counts a pass or a failure and goes on
!>   call check_err(ierr, DLOPS_ERR_ARG, 'what')   ! a call failed with that code and a message
!>   call check_close(a, b, tol, 'what')           ! |a-b| <= tol*max(1,|a|,|b|)
!>   call ftest_finish(ctx)             ! sums over ranks, prints "N passed, N failed", stops 0 or 1
module ftest
  use, intrinsic :: iso_c_binding
  use, intrinsic :: iso_fortran_env, only: error_unit, output_unit
  use mpi_f08
  use dlops
  implicit none
  private
  public :: ftest_init, ftest_finish, check, check_err, check_close, check_close_z, ftest_rank, ftest_size
  integer, save :: npass = 0, nfail = 0
  integer, save :: ftest_rank = 0, ftest_size = 1

  interface check_close
    module procedure check_close_r8
  end interface check_close

contains

  subroutine ftest_init(ctx)
    type(dlops_ctx), intent(inout) :: ctx
    integer :: ierr
    call MPI_Init()
    call MPI_Comm_rank(MPI_COMM_WORLD, ftest_rank)
    call MPI_Comm_size(MPI_COMM_WORLD, ftest_size)
    call dlops_ctx_create(MPI_COMM_WORLD, '', ctx, ierr)
    if (ierr == DLOPS_ERR_UNSUPPORTED) then
      if (ftest_rank == 0) write (output_unit, '(2a)') '[DLOPS-SKIP] backend not usable here: ', dlops_last_error()
      flush (output_unit)
      call MPI_Finalize()
      stop 77
    else if (ierr /= DLOPS_SUCCESS) then
      write (error_unit, '(2a)') 'dlops_ctx_create failed: ', dlops_last_error()
      call MPI_Abort(MPI_COMM_WORLD, 1)
    end if
  end subroutine ftest_init

  subroutine check(cond, msg)
    logical, intent(in) :: cond
    character(len=*), intent(in) :: msg
    if (cond) then
      npass = npass + 1
    else
      nfail = nfail + 1
      write (error_unit, '(a,i0,2a)') '[rank ', ftest_rank, '] FAIL: ', msg
      flush (error_unit)
    end if
  end subroutine check

  !> ierr must equal code, and a failure must come with a message
  subroutine check_err(ierr, code, what)
    integer, intent(in) :: ierr, code
    character(len=*), intent(in) :: what
    character(len=16) :: a, b
    write (a, '(i0)') ierr
    write (b, '(i0)') code
    call check(ierr == code, what // ': got error ' // trim(a) // ', expected ' // trim(b) // '; message: ' // &
         dlops_last_error())
    if (ierr == code .and. code /= DLOPS_SUCCESS) call check(len(dlops_last_error()) > 0, what // ': no message')
  end subroutine check_err

  subroutine check_close_r8(a, b, tol, what)
    real(c_double), intent(in) :: a, b, tol
    character(len=*), intent(in) :: what
    character(len=80) :: s
    write (s, '(2(es24.16,1x))') a, b
    call check(abs(a - b) <= tol * max(1.0_c_double, abs(a), abs(b)), what // ': ' // trim(s))
  end subroutine check_close_r8

  subroutine check_close_z(a, b, tol, what)
    complex(c_double_complex), intent(in) :: a, b
    real(c_double), intent(in) :: tol
    character(len=*), intent(in) :: what
    character(len=120) :: s
    write (s, '(4(es24.16,1x))') a, b
    call check(abs(a - b) <= tol * max(1.0_c_double, abs(a), abs(b)), what // ': ' // trim(s))
  end subroutine check_close_z

  subroutine ftest_finish(ctx)
    type(dlops_ctx), intent(inout) :: ctx
    integer :: v(2)
    v = [npass, nfail]
    call MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_INTEGER, MPI_SUM, MPI_COMM_WORLD)
    if (ftest_rank == 0) then
      write (output_unit, '(a,i0,a,i0,a,i0,a)') 'checks on ', ftest_size, ' ranks: ', v(1), ' passed, ', v(2), ' failed'
      flush (output_unit)
    end if
    call dlops_ctx_destroy(ctx)
    call MPI_Finalize()
    if (v(2) /= 0) error stop 1
  end subroutine ftest_finish
end module ftest
