!> field_tour: a first dlops program in Fortran, to start from.
!>
!> A 2-D velocity model v(nz, nx) is split over the ranks along x (each rank owns a block of
!> columns, i.e. of traces), filled in place, then we compute norms and a dot product, gather the
!> whole model on rank 0 and print it.
!>
!> Build: part of the dlops build (examples/fortran), or against an installed dlops with
!>   find_package(dlops CONFIG REQUIRED COMPONENTS Fortran)
!>   target_link_libraries(my_code PRIVATE dlops::dlops_fortran)
!> Run:
!>   mpiexec -n 2 ./field_tour            (any number of ranks; DLOPS_SPEC=comm=rma picks a backend)
program field_tour
  use mpi_f08            ! `use mpi` works too: dlops_ctx_create accepts an integer communicator
  use dlops
  use, intrinsic :: iso_fortran_env, only: int64   ! dlops sizes are 64-bit integers
  implicit none

  integer, parameter :: dp = kind(1.0d0)
  integer, parameter :: nz = 6, nx = 10     ! the model is v(nz, nx): z fastest, as usual in Fortran
  type(dlops_ctx) :: ctx
  type(dlops_darray) :: vel, refl
  real(dp), pointer :: v(:, :), r(:, :)     ! views of this rank's part (no copy)
  real(dp), allocatable :: vfull(:, :)
  real(dp) :: n2, ninf, vr, err
  integer(int64), allocatable :: cshape(:), lshape(:)
  integer(int64) :: ix0
  integer :: rank, nranks, ix, iz, ierr
  real, pointer :: wrong(:, :)             ! default real: the wrong kind, on purpose

  call MPI_Init()

  ! 1. A context: dlops duplicates the communicator and picks the communication backend
  !    ('' = from the environment variable DLOPS_SPEC, default two-sided MPI).
  call dlops_ctx_create(MPI_COMM_WORLD, '', ctx)
  call dlops_ctx_get_rank(ctx, rank)
  call dlops_ctx_get_size(ctx, nranks)

  ! 2. A distributed array described by its Fortran shape.
  !    dlops is a C library and stores arrays in C (row-major) order: a Fortran array v(nz, nx)
  !    is, byte for byte, the C array [nx][nz]. dlops_shape_from_fortran reverses the shape and
  !    dlops_axis_from_fortran(2, 2) says "split along the 2nd Fortran dimension (x)", which is
  !    C axis 0. Splitting along the last Fortran dimension gives every rank contiguous traces.
  cshape = dlops_shape_from_fortran([nz, nx])
  call dlops_darray_create(ctx, cshape, dlops_axis_from_fortran(2, 2), DLOPS_SCATTER, DLOPS_F64, vel)

  ! 3. Fill it: a constant first, then a depth gradient and a lateral change, written in place
  !    through a Fortran pointer to this rank's block. The pointer has the Fortran shape
  !    (nz, nx_local); dlops_darray_get_offset gives the first global column (0-based) it holds.
  call dlops_darray_fill(vel, 1500.0_dp)
  call dlops_darray_get_offset(vel, ix0)
  call dlops_darray_get_local(vel, v)
  do ix = 1, size(v, 2)
    do iz = 1, nz
      v(iz, ix) = v(iz, ix) + 25.0_dp * (iz - 1) + 2.0_dp * (ix0 + ix - 1)
    end do
  end do
  call dlops_darray_restore_local(vel, v)   ! give the block back before dlops uses the array
  call dlops_darray_get_local_shape(vel, lshape)
  print '(a,i0,a,i0,a,i0,a,i0,a)', 'rank ', rank, ' holds columns ', ix0 + 1, '..', ix0 + lshape(1), &
       ' (', lshape(1), ' traces)'

  ! 4. Norms (collective: every rank gets the value).
  call dlops_darray_norm(vel, 2, n2)
  call dlops_darray_norm(vel, DLOPS_NORM_INF, ninf)

  ! 5. A second array with the same layout, and a dot product <vel, refl>.
  call dlops_darray_duplicate(vel, refl)
  call dlops_darray_get_local(refl, r)
  r = 0
  if (size(r) > 0) r(nz / 2, :) = 1.0_dp     ! a flat reflector at iz = nz/2
  call dlops_darray_restore_local(refl, r)
  call dlops_darray_dot(vel, refl, vr)

  ! 6. Gather the whole model on rank 0 (other ranks pass an empty array) and check it against
  !    the formula.
  if (rank == 0) then
    allocate (vfull(nz, nx))
  else
    allocate (vfull(0, 0))
  end if
  call dlops_darray_gather(vel, vfull, 0)
  if (rank == 0) then
    print '(/,a,i0,a)', 'velocity model on ', nranks, ' ranks (rows z, columns x):'
    do iz = 1, nz
      print '(10f8.1)', vfull(iz, :)
    end do
    err = 0
    do ix = 1, nx
      do iz = 1, nz
        err = max(err, abs(vfull(iz, ix) - (1500.0_dp + 25.0_dp * (iz - 1) + 2.0_dp * (ix - 1))))
      end do
    end do
    print '(/,a,f0.6,a,f0.1,a,f0.1)', '||v||_2 = ', n2, '   max |v| = ', ninf, '   <v, reflector> = ', vr
    print '(a,es9.2)', 'gathered model vs formula: max error ', err
    if (err > 0) error stop 'the gathered model is wrong'
  end if

  ! 7. Errors: without the optional last argument ierr, a failing call prints the dlops message
  !    and stops the program. With ierr you handle it: here a real(4) pointer on a real(8) array.
  call dlops_darray_get_local(vel, wrong, ierr)
  if (rank == 0 .and. ierr /= DLOPS_SUCCESS) print '(/,3a)', 'expected error (', dlops_error_string(ierr), &
       '): ' // dlops_last_error()

  ! 8. Clean up: arrays first, then the context (both collective-safe), then MPI.
  call dlops_darray_destroy(refl)
  call dlops_darray_destroy(vel)
  call dlops_ctx_destroy(ctx)
  call MPI_Finalize()
end program field_tour
