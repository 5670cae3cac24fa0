!> The Fortran interface with `use mpi` (integer communicators): kept in its own module because
!> mpi and mpi_f08 define the same names.
module legacy_part
  use, intrinsic :: iso_c_binding
  use mpi
  use dlops
  use ftest, only: check, check_err, check_close
  implicit none
  private
  public :: legacy_checks
contains
  subroutine legacy_checks()
    integer :: comm, dcomm, ierr, res, rank, nranks, drank, dsize
    type(dlops_ctx) :: c
    type(dlops_darray) :: x
    real(c_double) :: d
    ! a communicator of our own, to check that dlops duplicates it
    call MPI_Comm_dup(MPI_COMM_WORLD, comm, ierr)
    call MPI_Comm_rank(comm, rank, ierr)
    call MPI_Comm_size(comm, nranks, ierr)
    call dlops_ctx_create(comm, '', c, ierr)
    call check_err(ierr, DLOPS_SUCCESS, 'ctx_create from an integer communicator')
    call dlops_ctx_get_comm(c, dcomm)
    call MPI_Comm_compare(comm, dcomm, res, ierr)
    call check(res == MPI_CONGRUENT, 'integer ctx comm is a duplicate of the given one')
    call check(dcomm /= comm, 'the given communicator is not used itself')
    call dlops_ctx_get_rank(c, drank)
    call dlops_ctx_get_size(c, dsize)
    call check(drank == rank .and. dsize == nranks, 'rank and size (use mpi)')
    call dlops_darray_create(c, [11], 0, DLOPS_SCATTER, DLOPS_F64, x)
    call dlops_darray_fill(x, 0.5d0)
    call dlops_darray_dot(x, x, d)
    call check_close(d, 11 * 0.25d0, 1d-14, 'dot on a context from use mpi')
    call dlops_darray_destroy(x)
    call dlops_ctx_destroy(c)
    call check(.not. c_associated(c%ptr), 'ctx_destroy nulls the handle')
    call dlops_ctx_create(MPI_COMM_WORLD, 'comm=bogus', c, ierr)
    call check_err(ierr, DLOPS_ERR_ARG, 'unknown backend (use mpi)')
    call MPI_Comm_free(comm, ierr)
  end subroutine legacy_checks
end module legacy_part
