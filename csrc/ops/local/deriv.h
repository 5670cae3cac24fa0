/* Internal: finite-difference stencils of PyLops' FirstDerivative / SecondDerivative (never
 * installed).
 *
 * A stencil is compiled into a small "program": an ordered list of statements, each of which
 * assigns (SET) or accumulates (ADD/SUB) one expression of the input rows into the output rows i
 * of a global index range [lo, hi) of the derivative axis. Applying the statements in order to
 * every output row, then dividing by the sampling (h, or h**2 for second derivatives),
 * reproduces PyLops' (and PyLops-MPI's) evaluation order operation by operation, including the
 * edge formulas and the overlaps for short axes. Complex data are handled as pairs of reals
 * with numpy's convention that a complex array divided by a real scalar c is multiplied by 1/c.
 *
 * A "row" is a slab of `inner` contiguous elements: index i of the derivative axis with all
 * axes after it. The kernel reads input rows through a pointer table, so the same code serves
 * a local block (rows from memory) and a distributed axis 0 (own rows plus ghost rows received
 * from other ranks). */
#ifndef DLOPS_OPS_LOCAL_DERIV_H
#define DLOPS_OPS_LOCAL_DERIV_H

#include "../op_impl.h"

/** Offsets (relative to the output row) a statement may read: -DLOPS_DERIV_REACH..+REACH. */
#define DLOPS_DERIV_REACH 2
#define DLOPS_DERIV_MAXST 12

typedef struct {
  int64_t lo, hi; /* output rows [lo, hi) of the global axis */
  int mode;       /* 0 set, 1 add, 2 subtract */
  int expr;       /* expression kind (deriv.c) */
  int d[4];       /* input row offsets relative to the output row */
} dlops_deriv_stmt;

typedef struct {
  int nst;
  dlops_deriv_stmt st[DLOPS_DERIV_MAXST];
  int64_t n;    /* global length of the derivative axis */
  double scale; /* final divisor: h (first) or h**2 (second) */
} dlops_deriv_prog;

/** Build the program of a first (second = 0) or second (second = 1) derivative, forward
 *  (adjoint = 0) or adjoint, on an axis of n samples. order (3 or 5) and edge are used by the
 *  centered kind only. Returns 0, or the minimum n the stencil needs if n is too small (the
 *  caller reports the error). Not collective. */
DLOPS_INTERN int64_t dlops_deriv_prog_build(int second, dlops_deriv_kind kind, int order, int edge, int adjoint,
                                            int64_t n, double sampling, dlops_deriv_prog *p);

/** Bit mask of the input rows output row i reads: bit (d + REACH) for offset d. Rows outside
 *  [0, n) are never read. Not collective. */
DLOPS_INTERN unsigned dlops_deriv_support(const dlops_deriv_prog *p, int64_t i);

/** Compute output rows [i0, i1) of the global axis into y (row k at y + k*inner elements).
 *  rows[k] points to input row i0 - REACH + k (k in [0, i1 - i0 + 2*REACH)); entries the
 *  stencil does not read may be NULL. inner counts elements of dtype t. Not collective. */
DLOPS_INTERN void dlops_deriv_rows(const dlops_deriv_prog *p, dlops_dtype t, int64_t i0, int64_t i1,
                                   const void *const *rows, void *y, int64_t inner);

/** Apply a program to a local block of shape (outer, n, inner) (C order) x into y, the derivative
 *  axis being the middle one (whole axis local). rows is a workspace of n + 2*REACH pointers.
 *  Not collective. */
DLOPS_INTERN void dlops_deriv_block(const dlops_deriv_prog *p, dlops_dtype t, int64_t outer, int64_t inner,
                                    const void *x, void *y, const void **rows);

#endif
