/* First and second derivative stencils: PyLops' formulas compiled into statement programs that
 * the memory spaces' stencil kernels run (see deriv.h and csrc/mem/stencil.h). */
#include <math.h>
#include <string.h>

#include "deriv.h"

enum { M_SET = DLOPS_ST_SET, M_ADD = DLOPS_ST_ADD, M_SUB = DLOPS_ST_SUB };
enum {
  E_DIFF = DLOPS_E_DIFF,
  E_HALFDIFF = DLOPS_E_HALFDIFF,
  E_C5 = DLOPS_E_C5,
  E_X = DLOPS_E_X,
  E_HALF = DLOPS_E_HALF,
  E_TWO = DLOPS_E_TWO,
  E_DIV12 = DLOPS_E_DIV12,
  E_TWOTHIRD = DLOPS_E_TWOTHIRD,
  E_SD = DLOPS_E_SD,
  E_AHALFB = DLOPS_E_AHALFB, /* a + 0.5*b */
  E_HALFAB = DLOPS_E_HALFAB  /* 0.5*a + b */
};

static void add(dlops_stencil_prog *p, int64_t lo, int64_t hi, int mode, int expr, int d0, int d1, int d2, int d3) {
  dlops_stencil_stmt *s = &p->st[p->nst++];
  s->lo = lo;
  s->hi = hi;
  s->mode = mode;
  s->expr = expr;
  s->d[0] = d0;
  s->d[1] = d1;
  s->d[2] = d2;
  s->d[3] = d3;
}
#define ST(lo, hi, m, e, ...) add(p, lo, hi, m, e, __VA_ARGS__)

int64_t dlops_deriv_prog_build(int second, dlops_deriv_kind kind, int order, int edge, int adjoint, int64_t n,
                               double sampling, dlops_stencil_prog *p) {
  memset(p, 0, sizeof *p);
  p->n = n;
  p->scale = second ? pow(sampling, 2.0) : sampling; /* Python's sampling**2 is libm pow */
  if (kind != DLOPS_DERIV_CENTERED) edge = 0;
  if (!second) {
    if (kind == DLOPS_DERIV_FORWARD) {
      if (!adjoint) {
        ST(0, n - 1, M_SET, E_DIFF, 1, 0, 0, 0); /* (x[i+1] - x[i]) */
      } else {
        ST(0, n - 1, M_SUB, E_X, 0, 0, 0, 0); /* y[:-1] -= x[:-1] */
        ST(1, n, M_ADD, E_X, -1, 0, 0, 0);    /* y[1:] += x[:-1] */
      }
    } else if (kind == DLOPS_DERIV_BACKWARD) {
      if (!adjoint) {
        ST(1, n, M_SET, E_DIFF, 0, -1, 0, 0);
      } else {
        ST(0, n - 1, M_SUB, E_X, 1, 0, 0, 0); /* y[:-1] -= x[1:] */
        ST(1, n, M_ADD, E_X, 0, 0, 0, 0);     /* y[1:] += x[1:] */
      }
    } else if (order == 3) {
      if (edge && n < 2) return 2;
      if (!adjoint) {
        ST(1, n - 1, M_SET, E_HALFDIFF, 1, -1, 0, 0);
        if (edge) {
          ST(0, 1, M_SET, E_DIFF, 1, 0, 0, 0);      /* y[0] = x[1] - x[0] */
          ST(n - 1, n, M_SET, E_DIFF, 0, -1, 0, 0); /* y[-1] = x[-1] - x[-2] */
        }
      } else {
        ST(0, n - 2, M_SUB, E_HALF, 1, 0, 0, 0); /* y[:-2] -= 0.5*x[1:-1] */
        ST(2, n, M_ADD, E_HALF, -1, 0, 0, 0);    /* y[2:] += 0.5*x[1:-1] */
        if (edge) {
          ST(0, 1, M_SUB, E_X, 0, 0, 0, 0);         /* y[0] -= x[0] */
          ST(1, 2, M_ADD, E_X, -1, 0, 0, 0);        /* y[1] += x[0] */
          ST(n - 2, n - 1, M_SUB, E_X, 1, 0, 0, 0); /* y[-2] -= x[-1] */
          ST(n - 1, n, M_ADD, E_X, 0, 0, 0, 0);     /* y[-1] += x[-1] */
        }
      }
    } else { /* centered, order 5 */
      /* n = 3 would assign y[1] twice (PyLops does), which is not adjoint-consistent */
      if (edge && n < 4) return 4;
      if (!adjoint) {
        ST(2, n - 2, M_SET, E_C5, -2, -1, 1, 2);
        if (edge) {
          ST(0, 1, M_SET, E_DIFF, 1, 0, 0, 0);              /* y[0] = x[1] - x[0] */
          ST(1, 2, M_SET, E_HALFDIFF, 1, -1, 0, 0);         /* y[1] = 0.5*(x[2] - x[0]) */
          ST(n - 2, n - 1, M_SET, E_HALFDIFF, 1, -1, 0, 0); /* y[-2] = 0.5*(x[-1] - x[-3]) */
          ST(n - 1, n, M_SET, E_DIFF, 0, -1, 0, 0);         /* y[-1] = x[-1] - x[-2] */
        }
      } else {
        ST(0, n - 4, M_ADD, E_DIV12, 2, 0, 0, 0);     /* y[:-4] += x[2:-2]/12 */
        ST(1, n - 3, M_SUB, E_TWOTHIRD, 1, 0, 0, 0);  /* y[1:-3] -= 2*x[2:-2]/3 */
        ST(3, n - 1, M_ADD, E_TWOTHIRD, -1, 0, 0, 0); /* y[3:-1] += 2*x[2:-2]/3 */
        ST(4, n, M_SUB, E_DIV12, -2, 0, 0, 0);        /* y[4:] -= x[2:-2]/12 */
        if (edge) {
          ST(0, 1, M_SUB, E_AHALFB, 0, 1, 0, 0);        /* y[0] -= x[0] + 0.5*x[1] */
          ST(1, 2, M_ADD, E_X, -1, 0, 0, 0);           /* y[1] += x[0] */
          ST(2, 3, M_ADD, E_HALF, -1, 0, 0, 0);        /* y[2] += 0.5*x[1] */
          ST(n - 3, n - 2, M_SUB, E_HALF, 1, 0, 0, 0); /* y[-3] -= 0.5*x[-2] */
          ST(n - 2, n - 1, M_SUB, E_X, 1, 0, 0, 0);    /* y[-2] -= x[-1] */
          ST(n - 1, n, M_ADD, E_HALFAB, -1, 0, 0, 0);   /* y[-1] += 0.5*x[-2] + x[-1] */
        }
      }
    }
  } else {
    if (kind == DLOPS_DERIV_FORWARD) {
      if (!adjoint) {
        ST(0, n - 2, M_SET, E_SD, 2, 1, 0, 0); /* x[i+2] - 2x[i+1] + x[i] */
      } else {
        ST(0, n - 2, M_ADD, E_X, 0, 0, 0, 0);     /* y[:-2] += x[:-2] */
        ST(1, n - 1, M_SUB, E_TWO, -1, 0, 0, 0);  /* y[1:-1] -= 2*x[:-2] */
        ST(2, n, M_ADD, E_X, -2, 0, 0, 0);        /* y[2:] += x[:-2] */
      }
    } else if (kind == DLOPS_DERIV_BACKWARD) {
      if (!adjoint) {
        ST(2, n, M_SET, E_SD, 0, -1, -2, 0);
      } else {
        ST(0, n - 2, M_ADD, E_X, 2, 0, 0, 0);    /* y[:-2] += x[2:] */
        ST(1, n - 1, M_SUB, E_TWO, 1, 0, 0, 0);  /* y[1:-1] -= 2*x[2:] */
        ST(2, n, M_ADD, E_X, 0, 0, 0, 0);        /* y[2:] += x[2:] */
      }
    } else {
      if (edge && n < 3) return 3;
      if (!adjoint) {
        ST(1, n - 1, M_SET, E_SD, 1, 0, -1, 0);
        if (edge) {
          ST(0, 1, M_SET, E_SD, 0, 1, 2, 0);        /* y[0] = x[0] - 2x[1] + x[2] */
          ST(n - 1, n, M_SET, E_SD, -2, -1, 0, 0);  /* y[-1] = x[-3] - 2x[-2] + x[-1] */
        }
      } else {
        ST(0, n - 2, M_ADD, E_X, 1, 0, 0, 0);   /* y[:-2] += x[1:-1] */
        ST(1, n - 1, M_SUB, E_TWO, 0, 0, 0, 0); /* y[1:-1] -= 2*x[1:-1] */
        ST(2, n, M_ADD, E_X, -1, 0, 0, 0);      /* y[2:] += x[1:-1] */
        if (edge) {
          ST(0, 1, M_ADD, E_X, 0, 0, 0, 0);         /* y[0] += x[0] */
          ST(1, 2, M_SUB, E_TWO, -1, 0, 0, 0);      /* y[1] -= 2*x[0] */
          ST(2, 3, M_ADD, E_X, -2, 0, 0, 0);        /* y[2] += x[0] */
          ST(n - 3, n - 2, M_ADD, E_X, 2, 0, 0, 0); /* y[-3] += x[-1] */
          ST(n - 2, n - 1, M_SUB, E_TWO, 1, 0, 0, 0); /* y[-2] -= 2*x[-1] */
          ST(n - 1, n, M_ADD, E_X, 0, 0, 0, 0);     /* y[-1] += x[-1] */
        }
      }
    }
  }
  return 0;
}

unsigned dlops_deriv_support(const dlops_stencil_prog *p, int64_t i) {
  unsigned m = 0;
  if (i < 0 || i >= p->n) return 0;
  for (int s = 0; s < p->nst; s++) {
    const dlops_stencil_stmt *st = &p->st[s];
    if (i < st->lo || i >= st->hi) continue;
    for (int k = 0; k < dlops_stencil_nops(st->expr); k++) m |= 1u << (st->d[k] + DLOPS_DERIV_REACH);
  }
  return m;
}
