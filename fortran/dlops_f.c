/* C shims for the Fortran module (fortran/dlops.F90): the few conversions ISO_C_BINDING cannot
 * do by itself. Everything else binds directly to the public C functions. */
#include <mpi.h>

#include "dlops.h"

/* The context's communicator as a Fortran handle (MPI_Fint). Local. */
int dlops_f_ctx_get_comm(dlops_ctx ctx, MPI_Fint *fcomm);

int dlops_f_ctx_get_comm(dlops_ctx ctx, MPI_Fint *fcomm) {
  MPI_Comm c = MPI_COMM_NULL;
  int err = dlops_ctx_get_comm(ctx, &c);
  *fcomm = MPI_Comm_c2f(err == DLOPS_SUCCESS ? c : MPI_COMM_NULL);
  return err;
}
