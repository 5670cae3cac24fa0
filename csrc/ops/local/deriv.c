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
  E_HALFAB = DLOPS_E_HALFAB, /* 0.5*a + b */
  E_HALFSUB = DLOPS_E_HALFSUB /* 0.5*a - 0.5*b */
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

/* ---- merging statements: PyLops writes the adjoints as sums of shifted arrays (y[:-2] += x[1:-1],
 * y[1:-1] -= 2*x[1:-1], ...), so the interior rows receive 2-4 statements, each a pass of the
 * kernel. Where the rows of a segment receive a known sequence, one expression gives the same
 * value (the first statement adds to 0, which is exact), and the segment gets that single
 * statement: the adjoints then cost what the forwards do. */
static int merged(const dlops_stencil_stmt *const *l, int k, dlops_stencil_stmt *out) {
  int m[4], e[4], d[4];
  for (int q = 0; q < k; q++) m[q] = l[q]->mode, e[q] = l[q]->expr, d[q] = l[q]->d[0];
  out->mode = M_SET;
  memset(out->d, 0, sizeof out->d);
  if (k == 2 && e[0] == E_X && e[1] == E_X && m[0] != M_SET && m[1] != M_SET && m[0] != m[1]) {
    out->expr = E_DIFF; /* (0 + a) - b or (0 - b) + a = a - b */
    out->d[0] = m[0] == M_ADD ? d[0] : d[1];
    out->d[1] = m[0] == M_ADD ? d[1] : d[0];
    return 1;
  }
  if (k == 2 && e[0] == E_HALF && e[1] == E_HALF && m[0] == M_SUB && m[1] == M_ADD) {
    out->expr = E_HALFSUB; /* (0 - 0.5 b) + 0.5 a = 0.5 a - 0.5 b */
    out->d[0] = d[1];
    out->d[1] = d[0];
    return 1;
  }
  if (k == 3 && m[0] == M_ADD && e[0] == E_X && m[1] == M_SUB && e[1] == E_TWO && m[2] == M_ADD && e[2] == E_X) {
    out->expr = E_SD; /* ((0 + a) - 2 b) + c */
    out->d[0] = d[0], out->d[1] = d[1], out->d[2] = d[2];
    return 1;
  }
  if (k == 4 && m[0] == M_ADD && e[0] == E_DIV12 && m[1] == M_SUB && e[1] == E_TWOTHIRD && m[2] == M_ADD &&
      e[2] == E_TWOTHIRD && m[3] == M_SUB && e[3] == E_DIV12) {
    out->expr = E_C5; /* (((0 + a/12) - 2b/3) + 2c/3) - d/12 */
    out->d[0] = d[0], out->d[1] = d[1], out->d[2] = d[2], out->d[3] = d[3];
    return 1;
  }
  return 0;
}

int dlops_deriv_merge = 1;

static void merge_statements(dlops_stencil_prog *p) {
  if (!dlops_deriv_merge) return;
  int64_t bp[2 * DLOPS_STENCIL_MAXST];
  int nb = 0;
  for (int s = 0; s < p->nst; s++) { /* breakpoints: every statement's ends */
    if (p->st[s].lo >= p->st[s].hi) continue;
    const int64_t e2[2] = {p->st[s].lo, p->st[s].hi};
    for (int q = 0; q < 2; q++) {
      int i = 0;
      while (i < nb && bp[i] < e2[q]) i++;
      if (i < nb && bp[i] == e2[q]) continue;
      memmove(bp + i + 1, bp + i, sizeof *bp * (size_t)(nb - i));
      bp[i] = e2[q];
      nb++;
    }
  }
  dlops_stencil_prog q = *p;
  q.nst = 0;
  int any = 0;
  for (int b = 0; b + 1 < nb; b++) {
    const dlops_stencil_stmt *l[DLOPS_STENCIL_MAXST];
    int k = 0;
    for (int s = 0; s < p->nst; s++)
      if (p->st[s].lo <= bp[b] && bp[b] < p->st[s].hi) l[k++] = &p->st[s];
    if (!k) continue;
    dlops_stencil_stmt one;
    const int mg = k <= 4 && merged(l, k, &one);
    any |= mg;
    for (int s = 0; s < (mg ? 1 : k); s++) {
      dlops_stencil_stmt st = mg ? one : *l[s];
      st.lo = bp[b];
      st.hi = bp[b + 1];
      dlops_stencil_stmt *last = q.nst ? &q.st[q.nst - 1] : NULL;
      if ((mg || k == 1) && last && last->hi == st.lo && last->mode == st.mode && last->expr == st.expr &&
          !memcmp(last->d, st.d, sizeof st.d) && (q.nst < 2 || q.st[q.nst - 2].hi <= last->lo)) {
        last->hi = st.hi; /* the same single statement continues */
        continue;
      }
      if (q.nst == DLOPS_STENCIL_MAXST) return; /* too many segments: keep the program as it is */
      q.st[q.nst++] = st;
    }
  }
  if (any) *p = q;
}

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
  merge_statements(p);
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
