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

/** 1 (default): dlops_deriv_prog_build merges the statements a segment of rows receives into one
 *  where that gives the same value (PyLops' adjoints are sums of shifted arrays); 0: the
 *  statements exactly as PyLops writes them (for the test that compares the two). */
DLOPS_INTERN extern int dlops_deriv_merge;

/** Bit mask of the input rows output row i reads: bit (d + REACH) for offset d. Rows outside
 *  [0, n) are never read. Not collective. */
DLOPS_INTERN unsigned dlops_deriv_support(const dlops_stencil_prog *p, int64_t i);

/** y = sum_k w[k] op_k(D[k]) xs[k], left to right (y = w0 t0, then y = y + wk tk), in one pass
 *  over y (op = the adjoint when adj): D[k] are derivative operators (first or second, any axis)
 *  of one model shape on one context, n <= DLOPS_STENCIL_MAXTERM; xs[k] are their inputs (the
 *  same array may be given for several terms); y must not be one of them. Terms along a
 *  distributed axis 0 exchange their ghost rows first (one exchange per distinct input and
 *  pattern); every rank must call. A failing step marks the context (the caller's agreement
 *  reports it). Used by the Laplacian and the Gradient's adjoint. */
DLOPS_INTERN int dlops_deriv_sum_apply(int n, const dlops_op *D, const double *w, const dlops_darray *xs,
                                       dlops_darray y, int adj);

/** Whether A is a first or second derivative operator made by derivative.c. */
DLOPS_INTERN int dlops_op_is_derivative(dlops_op A);

#endif
