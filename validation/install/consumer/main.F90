! Fortran consumer of an installed dlops (module dlops): built by the post-install test with
! find_package(dlops CONFIG REQUIRED [COMPONENTS Fortran]) and with pkg-config dlops-fortran.
! Checks a norm against its closed form so a broken install cannot pass.
program consumer_f
  use mpi
  use dlops
  use, intrinsic :: iso_fortran_env, only: int64
  implicit none
  type(dlops_ctx) :: ctx
  type(dlops_darray) :: x
  real(kind(1d0)) :: nrm
  integer :: ierr, rank
  call MPI_Init(ierr)
  call dlops_ctx_create(MPI_COMM_WORLD, '', ctx)
  call dlops_ctx_get_rank(ctx, rank)
  call dlops_darray_create(ctx, [100_int64], 0, DLOPS_SCATTER, DLOPS_F64, x)
  call dlops_darray_fill(x, 2.0d0)
  call dlops_darray_norm(x, 2, nrm)
  if (rank == 0) print '(a,f0.12,a)', 'installed dlops (Fortran): norm ', nrm, ' (expected 20)'
  call dlops_darray_destroy(x)
  call dlops_ctx_destroy(ctx)
  call MPI_Finalize(ierr)
  if (abs(nrm - 20d0) > 1d-12) error stop 'wrong norm'
end program consumer_f
