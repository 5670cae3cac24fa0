!> module dlops: the Fortran interface of dlops (distributed arrays, operators, solvers).
!>
!> Built on ISO_C_BINDING only: no hidden string lengths, no mpif.h. Every public C function of
!> include/dlops (base.h, ctx.h, darray.h, op.h, dense.h, solver.h) has a wrapper with the same
!> name and the same arguments in the same order (counts that are array sizes, such as ndim or
!> nops, are taken from the arrays). `use dlops` is all a program needs; the module gathers:
!>
!>   dlops_types    (dlops_types.F90)            constants, handle types, bind(C) structs, callbacks
!>   dlops_gen      (generated/dlops_gen.F90)    the wrappers that follow mechanically from the C
!>                                               prototypes
!>   dlops_kinds    (generated/dlops_kinds.F90)  the kind x rank generics (typed local views, typed
!>                                               buffers)
!>   dlops_manual   (dlops_manual.F90)           the hand-written wrappers: the C functions whose
!>                                               header declaration is marked "fortran: manual"
!>
!> built on dlops_c (generated/dlops_c.F90, the bind(C) interface of every C function) and
!> dlops_support (dlops_support.F90, internal helpers). fortran/gen_fortran.py writes the files
!> under generated/ from the headers; the test fortran_bindings_fresh fails when they are stale
!> or a C function has no Fortran binding (docs/fortran.md says how to add one). The conventions:
!>
!> * Handles are derived types the compiler checks: type(dlops_ctx), type(dlops_darray),
!>   type(dlops_op), type(dlops_prox). A fresh handle is null; destroy sets it back to null.
!> * Callbacks (user operators, solver monitors) are bind(C) procedures with the abstract
!>   interfaces dlops_op_callback, dlops_user_destroy and dlops_solver_monitor.
!> * C structs (dlops_solver_opts, dlops_solver_result, dlops_solver_iter,
!>   dlops_prox_l2_params) are bind(C) derived types with the same fields.
!> * Pointer arguments C allows to be NULL are optional arguments here (pass the ones that
!>   follow by keyword), or null handles for handle arguments.
!> * Every subroutine has an optional last argument `ierr` (integer, intent(out)). When present
!>   it receives the error code (DLOPS_SUCCESS = 0 on success). When absent and the call fails,
!>   the wrapper prints the dlops message on the error unit and executes `error stop`. Collective
!>   calls fail on every rank with the same code, as in C. The message of the last failure is
!>   dlops_last_error().
!> * Communicators: dlops_ctx_create accepts an `integer` communicator (`use mpi`) or a
!>   `type(MPI_Comm)` (`use mpi_f08`). They cross to C as MPI_Fint.
!> * Strings are ordinary Fortran character variables (trailing blanks are ignored); strings
!>   coming back are `character(len=:), allocatable`.
!> * Scalars (fill, scale, axpby, scaled operators) may be real or complex of either kind, or
!>   type(dlops_scalar);
!>   dot products come back as real(c_double), complex(c_double_complex) or type(dlops_scalar).
!>
!> Array layout (read this once):
!>   dlops stores arrays in C (row-major) order, and every shape, axis and index argument of this
!>   module has the C meaning: shapes are listed slowest-varying first and axes and indices are
!>   0-based, exactly as in the C documentation. A Fortran array of shape (n1, n2, ..., nk)
!>   occupies memory exactly as a C array of shape (nk, ..., n2, n1): the same bytes, the shape
!>   reversed, and Fortran dimension d (1-based) is C axis k - d. So a Fortran field
!>   `real(8) :: u(nz, nx, ny)` distributed over its last dimension (ny, the slowest) is the
!>   dlops array of shape [ny, nx, nz] distributed along axis 0:
!>
!>     call dlops_darray_create(ctx, dlops_shape_from_fortran([nz, nx, ny]), &
!>                              dlops_axis_from_fortran(3, 3), DLOPS_SCATTER, DLOPS_F64, u_d)
!>
!>   dlops_shape_from_fortran / dlops_shape_to_fortran reverse a shape; dlops_axis_from_fortran /
!>   dlops_axis_to_fortran convert a dimension number. Local blocks come back as Fortran pointers
!>   (dlops_darray_get_local) whose shape is the reversed C local shape, so the pointer indexes
!>   like the Fortran field it came from: p(iz, ix, iy_local). A rank-1 pointer gives the flat
!>   local block of an array of any number of dimensions. Global arrays passed to scatter/gather
!>   are Fortran arrays of any rank whose memory is the C-ordered global array, i.e. the Fortran
!>   array with the Fortran shape.
module dlops
  use dlops_types
  use dlops_gen
  use dlops_kinds
  use dlops_manual
  implicit none
  public
end module dlops
