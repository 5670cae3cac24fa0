/* Stencil programs shared by the GPU table tests (test_gpu_mem_table.c, test_cuda_elems_host.c):
 * statements built by hand, independent of the operators that usually build them. */
#ifndef DLOPS_TEST_STENCIL_PROGS_H
#define DLOPS_TEST_STENCIL_PROGS_H

#include <string.h>

#include "mem/stencil.h"

static void stmt(dlops_stencil_prog *p, int64_t lo, int64_t hi, int mode, int expr, int d0, int d1, int d2, int d3) {
  dlops_stencil_stmt *s = &p->st[p->nst++];
  s->lo = lo, s->hi = hi, s->mode = mode, s->expr = expr;
  s->d[0] = d0, s->d[1] = d1, s->d[2] = d2, s->d[3] = d3;
}
/* Centred first derivative with one-sided edges (accumulable: no SET overlaps another statement). */
static void prog_first(dlops_stencil_prog *p, int64_t n, double h) {
  memset(p, 0, sizeof *p);
  p->n = n, p->scale = h;
  stmt(p, 0, 1, DLOPS_ST_SET, DLOPS_E_DIFF, 1, 0, 0, 0);
  stmt(p, 1, n - 1, DLOPS_ST_SET, DLOPS_E_HALFDIFF, 1, -1, 0, 0);
  stmt(p, n - 1, n, DLOPS_ST_SET, DLOPS_E_DIFF, 0, -1, 0, 0);
}
/* Every expression, added and subtracted; set = 1 starts with a SET that other statements overlap
 * (a program that is not accumulable: sums of it take host.c's term-by-term path). */
static void prog_mixed(dlops_stencil_prog *p, int64_t n, double h, int set) {
  memset(p, 0, sizeof *p);
  p->n = n, p->scale = h;
  stmt(p, 1, n - 1, set ? DLOPS_ST_SET : DLOPS_ST_ADD, DLOPS_E_SD, -1, 0, 1, 0);
  stmt(p, 2, n - 2, DLOPS_ST_ADD, DLOPS_E_C5, -2, -1, 1, 2);
  stmt(p, 0, 1, DLOPS_ST_ADD, DLOPS_E_TWO, 0, 0, 0, 0);
  stmt(p, n - 1, n, DLOPS_ST_SUB, DLOPS_E_HALF, 0, 0, 0, 0);
  stmt(p, 0, n, DLOPS_ST_ADD, DLOPS_E_DIV12, 0, 0, 0, 0);
  stmt(p, 1, n, DLOPS_ST_SUB, DLOPS_E_TWOTHIRD, -1, 0, 0, 0);
  stmt(p, 0, n - 1, DLOPS_ST_ADD, DLOPS_E_AHALFB, 0, 1, 0, 0);
  stmt(p, 0, n - 1, DLOPS_ST_SUB, DLOPS_E_HALFAB, 1, 0, 0, 0);
  stmt(p, 1, n, DLOPS_ST_ADD, DLOPS_E_HALFSUB, 0, -1, 0, 0);
  stmt(p, 0, n, DLOPS_ST_ADD, DLOPS_E_X, 0, 0, 0, 0);
}

#endif
