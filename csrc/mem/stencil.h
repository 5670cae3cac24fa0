/* Stencil programs: the finite-difference stencils of PyLops' FirstDerivative /
 * SecondDerivative compiled into a short list of statements (built in ops/local/deriv.c) and run
 * by the memory spaces' stencil kernels (internal, never installed; usable from C and CUDA).
 *
 * A statement assigns (SET) or accumulates (ADD/SUB) one expression of the input rows at fixed
 * offsets into every output row i of a global index range [lo, hi) of the derivative axis.
 * Running the statements in order on every output row, then dividing by the sampling (h, or
 * h**2 for second derivatives), reproduces PyLops' evaluation order operation by operation,
 * including the edge formulas and the overlaps of short axes. Complex data are pairs of reals,
 * with numpy's convention that a complex array divided by a real scalar is multiplied by the
 * reciprocal.
 *
 * A "row" is a slab of `inner` contiguous elements: index i of the derivative axis with all axes
 * after it. The kernel computes output rows [row0, row0 + nrows) of every one of `outer` blocks;
 * block o's input rows [row0, row0 + nrows) are at x + o * nrows * inner, and rows outside that
 * range (ghost rows received from other ranks; outer = 1 then) come from `ghost`: row g < row0
 * is at ghost + gmap[g - (row0 - R)] * inner, row g >= row0 + nrows at
 * ghost + gmap[R + g - (row0 + nrows)] * inner. */
#ifndef DLOPS_MEM_STENCIL_H
#define DLOPS_MEM_STENCIL_H

#include <stdint.h>

#include "kernels.h"

/** Offsets (relative to the output row) a statement may read: -DLOPS_STENCIL_REACH..+REACH. */
#define DLOPS_STENCIL_REACH 2
#define DLOPS_STENCIL_MAXST 24

enum { DLOPS_ST_SET = 0, DLOPS_ST_ADD = 1, DLOPS_ST_SUB = 2 };

/* Expression kinds; a, b, c, d are the input rows at offsets st->d[0..3]. */
enum {
  DLOPS_E_DIFF = 0,     /* a - b */
  DLOPS_E_HALFDIFF = 1, /* 0.5 * (a - b) */
  DLOPS_E_C5 = 2,       /* ((a/12 - 2*b/3) + 2*c/3) - d/12 */
  DLOPS_E_X = 3,        /* a */
  DLOPS_E_HALF = 4,     /* 0.5 * a */
  DLOPS_E_TWO = 5,      /* 2 * a */
  DLOPS_E_DIV12 = 6,    /* a / 12 */
  DLOPS_E_TWOTHIRD = 7, /* 2 * a / 3 */
  DLOPS_E_SD = 8,       /* (a - 2*b) + c */
  DLOPS_E_AHALFB = 9,   /* a + 0.5*b */
  DLOPS_E_HALFAB = 10,  /* 0.5*a + b */
  DLOPS_E_HALFSUB = 11, /* 0.5*a - 0.5*b */
  DLOPS_E_NUM = 12
};

typedef struct {
  int64_t lo, hi; /* output rows [lo, hi) of the global axis */
  int mode;       /* DLOPS_ST_SET, _ADD, _SUB */
  int expr;       /* DLOPS_E_* */
  int d[4];       /* input row offsets relative to the output row */
} dlops_stencil_stmt;

typedef struct {
  int nst;
  dlops_stencil_stmt st[DLOPS_STENCIL_MAXST];
  int64_t n;    /* global length of the derivative axis */
  double scale; /* final divisor: h (first) or h**2 (second) */
} dlops_stencil_prog;

typedef struct {
  int64_t outer, inner;  /* blocks, elements per row */
  int64_t row0, nrows;   /* output (and local input) rows of the axis */
  const void *ghost;     /* ghost rows in the kernel's memory space, or NULL */
  int64_t nghost;        /* rows stored at ghost */
  int64_t gmap[2 * DLOPS_STENCIL_REACH]; /* ghost position -> row of ghost (-1: none) */
} dlops_stencil_args;

/** One term of a stencil sum: y = w0 D0 x0 + w1 D1 x1 + ..., left to right: y = t0, then
 *  y = y + tk, where tk adds each statement's value times wk / h (one multiplication instead of
 *  PyLops' division by h, then scaling by w, then sum: each term is off by a few ulps of its
 *  largest value, so where terms cancel an element may differ from PyLops' by many of its own
 *  ulps, within a few ulps of the array's largest term). A real weight scales the real and
 *  imaginary parts apart (a complex inf or NaN does not spread to the other part, as numpy's
 *  complex product would). A single term of weight 1 divides by h as PyLops does (bit for bit).
 *  Every term covers the same local array
 *  (outer * nrows * inner elements), each through its own axis geometry; x is in the kernel's
 *  memory space (and its ghost rows, args.ghost). */
#define DLOPS_STENCIL_MAXTERM 8
typedef struct {
  const dlops_stencil_prog *prog;
  dlops_stencil_args args;
  const void *x;
  double weight;
} dlops_stencil_term;

/** Number of operands of an expression. */
DLOPS_HD static inline int dlops_stencil_nops(int e) {
  return e == DLOPS_E_C5 ? 4 : e == DLOPS_E_SD ? 3 : (e == DLOPS_E_DIFF || e == DLOPS_E_HALFDIFF || e >= DLOPS_E_AHALFB) ? 2 : 1;
}

/* One expression on one real of each operand, in T (the order of operations is PyLops'; cplx
 * selects numpy's complex-by-real division, a multiplication by the reciprocal). With a
 * constant e the compiler folds the switch away. */
#define DLOPS_DEFINE_STENCIL_EVAL(T, S)                                                                      \
  DLOPS_HD static inline T dlops_stencil_eval_##S(int e, int cplx, T a, T b, T c, T d) {                     \
    const T c12 = (T)12.0, c3 = (T)3.0, half = (T)0.5, two = (T)2.0;                                         \
    const T r12 = (T)1.0 / c12, r3 = (T)1.0 / c3;                                                           \
    switch (e) {                                                                                             \
      case DLOPS_E_DIFF: return a - b;                                                                       \
      case DLOPS_E_HALFDIFF: return half * (a - b);                                                          \
      case DLOPS_E_C5:                                                                                       \
        return cplx ? ((a * r12 - (two * b) * r3) + (two * c) * r3) - d * r12                                 \
                    : ((a / c12 - (two * b) / c3) + (two * c) / c3) - d / c12;                               \
      case DLOPS_E_X: return a;                                                                              \
      case DLOPS_E_HALF: return half * a;                                                                    \
      case DLOPS_E_TWO: return two * a;                                                                      \
      case DLOPS_E_DIV12: return cplx ? a * r12 : a / c12;                                                   \
      case DLOPS_E_TWOTHIRD: return cplx ? (two * a) * r3 : (two * a) / c3;                                  \
      case DLOPS_E_SD: return (a - two * b) + c;                                                             \
      case DLOPS_E_AHALFB: return a + half * b;                                                              \
      case DLOPS_E_HALFSUB: return half * a - half * b;                                                      \
      default: return half * a + b;                                                                          \
    }                                                                                                        \
  }                                                                                                          \
  /* The final division by the sampling. */                                                                  \
  DLOPS_HD static inline T dlops_stencil_finish_##S(int cplx, T y, double scale) {                           \
    const T h = (T)scale, rh = (T)1.0 / h;                                                                   \
    return cplx ? y * rh : y / h;                                                                            \
  }

DLOPS_DEFINE_STENCIL_EVAL(float, s)
DLOPS_DEFINE_STENCIL_EVAL(double, d)

#endif
