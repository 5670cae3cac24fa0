/* Internal: fused vector operations for the solvers (never installed). Each does in one pass
 * over memory what a sequence of public dlops_darray_* calls does in several, with the same
 * arithmetic element by element (the same bits, up to the sign and payload of a NaN), so a
 * solver can use them without changing its results. */
#ifndef DLOPS_DARRAY_FUSED_H
#define DLOPS_DARRAY_FUSED_H

#include "../core/error.h"
#include "dlops/darray.h"

/** A solver's update and new direction: y = a p + y, then p = r + b p. The same result as
 *  dlops_darray_axpby(a, p, 1, y) followed by dlops_darray_axpby(1, r, b, p), in one pass
 *  (reads y, p, r; writes y, p: 5 streams instead of 6). p, y and r: one layout and dtype, one
 *  memory space, three different arrays. Local (no communication). */
DLOPS_INTERN int dlops_darray_step(dlops_scalar a, dlops_darray p, dlops_darray y, dlops_darray r, dlops_scalar b);

#endif
