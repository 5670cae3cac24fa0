/* Internal: finite-difference stencils of PyLops' FirstDerivative / SecondDerivative (never
 * installed).
 *
 * A stencil is compiled into a small program of statements (csrc/mem/stencil.h, where the
 * program format and its evaluation rules are described); the memory spaces' stencil kernels run
 * it, on the host or on a device, on local blocks (any axis) and on a distributed axis 0 (own
 * rows plus ghost rows received from other ranks). This file builds the programs and tells
 * which input rows an output row reads (so the distributed operator knows which ghost rows to
 * fetch). */
#ifndef DLOPS_OPS_LOCAL_DERIV_H
#define DLOPS_OPS_LOCAL_DERIV_H

#include "../op_impl.h"

#define DLOPS_DERIV_REACH DLOPS_STENCIL_REACH

/** Build the program of a first (second = 0) or second (second = 1) derivative, forward
 *  (adjoint = 0) or adjoint, on an axis of n samples. order (3 or 5) and edge are used by the
 *  centered kind only. Returns 0, or the minimum n the stencil needs if n is too small (the
 *  caller reports the error). Not collective. */
DLOPS_INTERN int64_t dlops_deriv_prog_build(int second, dlops_deriv_kind kind, int order, int edge, int adjoint,
                                            int64_t n, double sampling, dlops_stencil_prog *p);

/** Bit mask of the input rows output row i reads: bit (d + REACH) for offset d. Rows outside
 *  [0, n) are never read. Not collective. */
DLOPS_INTERN unsigned dlops_deriv_support(const dlops_stencil_prog *p, int64_t i);

#endif
