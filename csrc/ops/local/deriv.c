/* Local first and second derivative kernels: PyLops' stencils compiled into statement programs
 * (see deriv.h) and a kernel that runs them on rows of an N-D block. */
#include <math.h>
#include <string.h>

#include "deriv.h"

enum { M_SET = 0, M_ADD = 1, M_SUB = 2 };

/* Expression kinds; a, b, c, d are the input rows at offsets st->d[0..3]. */
enum {
  E_DIFF = 0,     /* a - b */
  E_HALFDIFF = 1, /* 0.5 * (a - b) */
  E_C5 = 2,       /* ((a/12 - 2*b/3) + 2*c/3) - d/12 */
  E_X = 3,        /* a */
  E_HALF = 4,     /* 0.5 * a */
  E_TWO = 5,      /* 2 * a */
  E_DIV12 = 6,    /* a / 12 */
  E_TWOTHIRD = 7, /* 2 * a / 3 */
  E_SD = 8,       /* (a - 2*b) + c */
  E_XHALF = 9,    /* a + 0.5*b */
  E_HALFX = 10,   /* 0.5*a + b */
  E_NUM = 11
};
static const int nops[E_NUM] = {2, 2, 4, 1, 1, 1, 1, 1, 3, 2, 2};

static void add(dlops_deriv_prog *p, int64_t lo, int64_t hi, int mode, int expr, int d0, int d1, int d2, int d3) {
  dlops_deriv_stmt *s = &p->st[p->nst++];
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
                               double sampling, dlops_deriv_prog *p) {
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
          ST(0, 1, M_SUB, E_XHALF, 0, 1, 0, 0);        /* y[0] -= x[0] + 0.5*x[1] */
          ST(1, 2, M_ADD, E_X, -1, 0, 0, 0);           /* y[1] += x[0] */
          ST(2, 3, M_ADD, E_HALF, -1, 0, 0, 0);        /* y[2] += 0.5*x[1] */
          ST(n - 3, n - 2, M_SUB, E_HALF, 1, 0, 0, 0); /* y[-3] -= 0.5*x[-2] */
          ST(n - 2, n - 1, M_SUB, E_X, 1, 0, 0, 0);    /* y[-2] -= x[-1] */
          ST(n - 1, n, M_ADD, E_HALFX, -1, 0, 0, 0);   /* y[-1] += 0.5*x[-2] + x[-1] */
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

unsigned dlops_deriv_support(const dlops_deriv_prog *p, int64_t i) {
  unsigned m = 0;
  if (i < 0 || i >= p->n) return 0;
  for (int s = 0; s < p->nst; s++) {
    const dlops_deriv_stmt *st = &p->st[s];
    if (i < st->lo || i >= st->hi) continue;
    for (int k = 0; k < nops[st->expr]; k++) m |= 1u << (st->d[k] + DLOPS_DERIV_REACH);
  }
  return m;
}

/* One statement applied to one output row of m reals: r = rows of the operands. CPLX selects
 * numpy's complex division by a real scalar (multiplication by the reciprocal). */
#define APPLY_MODE(T, VAL)                                     \
  switch (st->mode) {                                          \
    case M_SET: for (int64_t k = 0; k < m; k++) yr[k] = (VAL); break; \
    case M_ADD: for (int64_t k = 0; k < m; k++) yr[k] += (VAL); break; \
    default: for (int64_t k = 0; k < m; k++) yr[k] -= (VAL); break;   \
  }

#define DEFINE_KERNEL(T, SUF)                                                                        \
  static void rows_##SUF(const dlops_deriv_prog *p, int cplx, int64_t i0, int64_t i1, const void *const *rows, \
                         T *y, int64_t m) {                                                          \
    const T c12 = (T)12.0, c3 = (T)3.0, half = (T)0.5, two = (T)2.0;                                  \
    const T r12 = (T)1.0 / c12, r3 = (T)1.0 / c3;                                                    \
    const T h = (T)p->scale, rh = (T)1.0 / h;                                                        \
    for (int64_t i = i0; i < i1; i++) {                                                              \
      T *yr = y + (i - i0) * m;                                                                      \
      for (int64_t k = 0; k < m; k++) yr[k] = 0;                                                     \
      for (int s = 0; s < p->nst; s++) {                                                             \
        const dlops_deriv_stmt *st = &p->st[s];                                                      \
        if (i < st->lo || i >= st->hi) continue;                                                     \
        const T *a = NULL, *b = NULL, *c = NULL, *d = NULL;                                          \
        const int64_t base = i - i0 + DLOPS_DERIV_REACH;                                             \
        a = (const T *)rows[base + st->d[0]];                                                        \
        if (nops[st->expr] > 1) b = (const T *)rows[base + st->d[1]];                                \
        if (nops[st->expr] > 2) c = (const T *)rows[base + st->d[2]];                                \
        if (nops[st->expr] > 3) d = (const T *)rows[base + st->d[3]];                                \
        switch (st->expr) {                                                                          \
          case E_DIFF: APPLY_MODE(T, a[k] - b[k]); break;                                            \
          case E_HALFDIFF: APPLY_MODE(T, half * (a[k] - b[k])); break;                               \
          case E_C5:                                                                                 \
            if (cplx) {                                                                              \
              APPLY_MODE(T, ((a[k] * r12 - (two * b[k]) * r3) + (two * c[k]) * r3) - d[k] * r12);     \
            } else {                                                                                 \
              APPLY_MODE(T, ((a[k] / c12 - (two * b[k]) / c3) + (two * c[k]) / c3) - d[k] / c12);     \
            }                                                                                        \
            break;                                                                                   \
          case E_X: APPLY_MODE(T, a[k]); break;                                                      \
          case E_HALF: APPLY_MODE(T, half * a[k]); break;                                            \
          case E_TWO: APPLY_MODE(T, two * a[k]); break;                                              \
          case E_DIV12:                                                                              \
            if (cplx) {                                                                              \
              APPLY_MODE(T, a[k] * r12);                                                             \
            } else {                                                                                 \
              APPLY_MODE(T, a[k] / c12);                                                             \
            }                                                                                        \
            break;                                                                                   \
          case E_TWOTHIRD:                                                                           \
            if (cplx) {                                                                              \
              APPLY_MODE(T, (two * a[k]) * r3);                                                      \
            } else {                                                                                 \
              APPLY_MODE(T, (two * a[k]) / c3);                                                      \
            }                                                                                        \
            break;                                                                                   \
          case E_SD: APPLY_MODE(T, (a[k] - two * b[k]) + c[k]); break;                               \
          case E_XHALF: APPLY_MODE(T, a[k] + half * b[k]); break;                                    \
          default: APPLY_MODE(T, half * a[k] + b[k]); break;                                         \
        }                                                                                            \
      }                                                                                              \
      if (cplx) {                                                                                    \
        for (int64_t k = 0; k < m; k++) yr[k] *= rh;                                                 \
      } else {                                                                                       \
        for (int64_t k = 0; k < m; k++) yr[k] /= h;                                                  \
      }                                                                                              \
    }                                                                                                \
  }

DEFINE_KERNEL(float, f)
DEFINE_KERNEL(double, d)

void dlops_deriv_rows(const dlops_deriv_prog *p, dlops_dtype t, int64_t i0, int64_t i1, const void *const *rows,
                      void *y, int64_t inner) {
  switch (t) {
    case DLOPS_F32: rows_f(p, 0, i0, i1, rows, (float *)y, inner); break;
    case DLOPS_C64: rows_f(p, 1, i0, i1, rows, (float *)y, 2 * inner); break;
    case DLOPS_F64: rows_d(p, 0, i0, i1, rows, (double *)y, inner); break;
    default: rows_d(p, 1, i0, i1, rows, (double *)y, 2 * inner); break;
  }
}

void dlops_deriv_block(const dlops_deriv_prog *p, dlops_dtype t, int64_t outer, int64_t inner, const void *x, void *y,
                       const void **rows) {
  const int64_t n = p->n;
  const size_t rb = (size_t)inner * dlops_dtype_size(t); /* bytes per row */
  for (int64_t o = 0; o < outer; o++) {
    const char *xs = (const char *)x + (size_t)(o * n) * rb;
    for (int64_t k = 0; k < n + 2 * DLOPS_DERIV_REACH; k++) {
      int64_t g = k - DLOPS_DERIV_REACH;
      rows[k] = (g >= 0 && g < n) ? xs + (size_t)g * rb : NULL;
    }
    dlops_deriv_rows(p, t, 0, n, rows, (char *)y + (size_t)(o * n) * rb, inner);
  }
}
