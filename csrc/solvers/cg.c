/* Conjugate gradient (PyLops-MPI cg) in three reduction strategies:
 *   BLOCKING  PyLops-MPI's recurrence: 2 dot products = 2 allreduces per iteration.
 *   FUSED     Chronopoulos-Gear: s = A r is applied each iteration and (r, r), (r, s) are reduced
 *             together; p^H A p follows from delta - beta^2 p_old^H A p_old, and A p from
 *             A r + beta A p_old. 1 allreduce per iteration, same iterates up to rounding.
 *   PIPELINED Ghysels-Vanroose: the reduction of (r, r), (r, w) is started without blocking
 *             (dlops_darray_multi_dot_begin) and completes after the apply m = A w of the next
 *             iteration, so communication overlaps the operator. 1 allreduce per iteration; the
 *             last iteration applies A once more than needed (inherent to pipelining). */
#include <stdio.h>

#include "../darray/fused.h"
#include "solver_impl.h"

static void print_setup(const slv_run *R, dlops_op A, dlops_darray x) {
  if (!R->show || R->rank != 0) return;
  char buf[64];
  int c = 0;
  slv_fmt_x0(x, 0, buf, sizeof buf, &c);
  slv_print_solver(R, "CG", A, 55);
  slv_print(R, "tol = %10e\tniter = %lld\n", R->o.tol, (long long)R->o.niter);
  slv_print(R, "-------------------------------------------------------\n\n");
  slv_print(R, c ? "    Itn              x[0]                  r2norm\n" : "    Itn           x[0]              r2norm\n");
}

static void print_step(const slv_run *R, int64_t it, dlops_darray x, double cost) {
  if (!R->show || R->rank != 0) return;
  char buf[64];
  int c = 0;
  slv_fmt_x0(x, 0, buf, sizeof buf, &c);
  slv_print(R, "%6g        %s        %11.4e\n", (double)it, buf, cost);
}

int dlops_solve_cg(dlops_op A, dlops_darray y, dlops_darray x, const dlops_solver_opts *opts,
                   dlops_solver_result *res) {
  slv_run R;
  slv_ckpt K; /* checkpoint: the state each variant lists before its loop */
  dlops_darray xw = NULL, r = NULL, c = NULL, q = NULL, s = NULL, w = NULL, m = NULL, z = NULL, p = NULL;
  dlops_pending pend = NULL; /* pipelined variant: the reduction in flight */
  int m_ready = 0;           /* pipelined variant: m = A w already applied */
  dlops_ctx ctx = NULL;
  DLOPS_CALL(slv_ctx(A, "cg", &ctx));
  int err = slv_begin(&R, ctx, opts, SLV_CG, "cg", 1e-4);
  if (err) return err;
  SLV_TRY(slv_setup("cg", A, y, x, 1, &xw, &r)); /* r holds y */
  const dlops_solver_opts *o = &R.o;
  const double tol = o->tol;
  const int variant = o->variant;
  int reason = DLOPS_SOLVER_RUNNING, stop = 0;
  int64_t it = 0;
  double kold;

  SLV_ALLOC(dlops_darray_duplicate(xw, &q));
  SLV_ALLOC(dlops_darray_duplicate(xw, &c));
  if (variant != DLOPS_SOLVER_BLOCKING) SLV_ALLOC(dlops_darray_duplicate(xw, &s));
  if (variant == DLOPS_SOLVER_PIPELINED) {
    SLV_ALLOC(dlops_darray_duplicate(xw, &w));
    SLV_ALLOC(dlops_darray_duplicate(xw, &m));
    SLV_ALLOC(dlops_darray_duplicate(xw, &z));
  }
  SLV_AGREE(); /* an allocation failed on some rank: every rank leaves here */
  /* r = y - A x0 */
  SLV_LOCAL(dlops_op_apply(A, xw, q));
  SLV_LOCAL(dlops_darray_axpby(slv_s(-1.0), q, slv_s(1.0), r));

  if (variant == DLOPS_SOLVER_BLOCKING) {
    dlops_scalar d;
    SLV_LOCAL(dlops_darray_copy(r, c));
    SLV_TRY(dlops_darray_vdot(r, r, &d));
    kold = slv_abs(d);
    print_setup(&R, A, xw);
    SLV_TRY(slv_record(&R, 0, sqrt(kold), sqrt(kold), sqrt(kold), NAN, 1, xw, &stop));
    if (!isfinite(kold)) reason = DLOPS_DIVERGED_NAN;
    else if (stop) reason = DLOPS_STOPPED_BY_USER;
    slv_ckpt_init(&K);
    slv_ckpt_arrays(&K, "x", &xw, "r", &r, "c", &c, NULL);
    slv_ckpt_doubles(&K, "kold", &kold, NULL);
    SLV_TRY(slv_ckpt_resume(&R, &K, &it, &reason));
    while (!reason) {
      if (!(kold > tol)) { reason = DLOPS_CONVERGED_TOL; break; }
      if (it >= o->niter) { reason = DLOPS_STOP_MAXIT; break; }
      SLV_TRY(slv_ckpt_step(&R, &K, it)); /* between iterations: nothing in flight */
      int show = slv_showstep(&R, it);
      SLV_LOCAL(dlops_op_apply(A, c, q));           /* Opc */
      SLV_TRY(dlops_darray_vdot(q, c, &d));       /* |c . conj(Opc)| */
      double cOpc = slv_abs(d);
      if (!isfinite(cOpc)) { reason = DLOPS_DIVERGED_NAN; break; }
      if (cOpc == 0.0) { reason = DLOPS_DIVERGED_BREAKDOWN; break; }
      double a = kold / cOpc;
      SLV_LOCAL(dlops_darray_axpby(slv_s(-a), q, slv_s(1.0), r));
      SLV_TRY(dlops_darray_vdot(r, r, &d));
      double k = slv_abs(d);
      double b = k / kold;
      /* x += a c, then c = r + b c, in one pass (the x update waits for b: nothing reads x in
       * between) */
      SLV_LOCAL(dlops_darray_step(slv_s(a), c, xw, r, slv_s(b)));
      kold = k;
      it++;
      if (show) print_step(&R, it, xw, sqrt(kold));
      SLV_TRY(slv_record(&R, it, sqrt(kold), sqrt(kold), sqrt(kold), NAN, 1, xw, &stop));
      if (!isfinite(kold)) reason = DLOPS_DIVERGED_NAN;
      else if (stop) reason = DLOPS_STOPPED_BY_USER;
    }
  } else if (variant == DLOPS_SOLVER_FUSED) {
    /* c = direction, q = A c, s = A r */
    dlops_scalar d[2];
    dlops_darray xs[2], ys[2];
    int cj[2] = {1, 1};
    SLV_LOCAL(dlops_op_apply(A, r, s));
    xs[0] = r; ys[0] = r; xs[1] = r; ys[1] = s;
    SLV_TRY(dlops_darray_multi_dot(2, xs, ys, cj, d));
    kold = slv_abs(d[0]);
    double delta = d[1].re, aold = 0.0, b = 0.0;
    SLV_LOCAL(dlops_darray_copy(r, c));
    SLV_LOCAL(dlops_darray_copy(s, q));
    print_setup(&R, A, xw);
    SLV_TRY(slv_record(&R, 0, sqrt(kold), sqrt(kold), sqrt(kold), NAN, 1, xw, &stop));
    if (!isfinite(kold) || !isfinite(delta)) reason = DLOPS_DIVERGED_NAN;
    else if (stop) reason = DLOPS_STOPPED_BY_USER;
    slv_ckpt_init(&K); /* s = A r is recomputed before use */
    slv_ckpt_arrays(&K, "x", &xw, "r", &r, "c", &c, "q", &q, NULL);
    slv_ckpt_doubles(&K, "kold", &kold, "delta", &delta, "aold", &aold, "b", &b, NULL);
    SLV_TRY(slv_ckpt_resume(&R, &K, &it, &reason));
    while (!reason) {
      if (!(kold > tol)) { reason = DLOPS_CONVERGED_TOL; break; }
      if (it >= o->niter) { reason = DLOPS_STOP_MAXIT; break; }
      SLV_TRY(slv_ckpt_step(&R, &K, it)); /* between iterations: nothing in flight */
      int show = slv_showstep(&R, it);
      double den = it == 0 ? delta : delta - b * kold / aold; /* = c^H A c */
      if (!isfinite(den)) { reason = DLOPS_DIVERGED_NAN; break; }
      if (!(den > 0.0)) { reason = DLOPS_DIVERGED_BREAKDOWN; break; }
      double a = kold / den;
      SLV_LOCAL(dlops_darray_axpby(slv_s(-a), q, slv_s(1.0), r));
      int last = it + 1 >= o->niter;
      if (!last) SLV_LOCAL(dlops_op_apply(A, r, s));
      SLV_TRY(dlops_darray_multi_dot(last ? 1 : 2, xs, ys, cj, d));
      double k = slv_abs(d[0]);
      b = k / kold;
      aold = a;
      if (!last) {
        delta = d[1].re;
        SLV_LOCAL(dlops_darray_step(slv_s(a), c, xw, r, slv_s(b))); /* x += a c; c = r + b c: one pass */
        SLV_LOCAL(dlops_darray_axpby(slv_s(1.0), s, slv_s(b), q));
      } else {
        SLV_LOCAL(dlops_darray_axpby(slv_s(a), c, slv_s(1.0), xw));
      }
      kold = k;
      it++;
      if (show) print_step(&R, it, xw, sqrt(kold));
      SLV_TRY(slv_record(&R, it, sqrt(kold), sqrt(kold), sqrt(kold), NAN, 1, xw, &stop));
      if (!isfinite(kold) || (!last && !isfinite(delta))) reason = DLOPS_DIVERGED_NAN;
      else if (stop) reason = DLOPS_STOPPED_BY_USER;
    }
  } else {
    /* Ghysels-Vanroose: w = A r, m = A w, z = A s, s = A p */
    dlops_scalar d[2];
    dlops_darray xs[2], ys[2];
    int cj[2] = {1, 1};
    p = c;
    SLV_LOCAL(dlops_op_apply(A, r, w));
    xs[0] = r; ys[0] = r; xs[1] = r; ys[1] = w;
    SLV_TRY(dlops_darray_multi_dot(2, xs, ys, cj, d));
    double gamma = slv_abs(d[0]), delta = d[1].re, gold = 0.0, aold = 0.0;
    kold = gamma;
    print_setup(&R, A, xw);
    SLV_TRY(slv_record(&R, 0, sqrt(kold), sqrt(kold), sqrt(kold), NAN, 1, xw, &stop));
    if (!isfinite(kold) || !isfinite(delta)) reason = DLOPS_DIVERGED_NAN;
    else if (stop) reason = DLOPS_STOPPED_BY_USER;
    /* at the top of the loop the reduction has completed; m = A w is already applied (m_ready) */
    slv_ckpt_init(&K);
    slv_ckpt_arrays(&K, "x", &xw, "r", &r, "w", &w, "m", &m, "z", &z, "s", &s, "p", &p, NULL);
    slv_ckpt_doubles(&K, "gamma", &gamma, "delta", &delta, "gold", &gold, "aold", &aold, "kold", &kold, NULL);
    slv_ckpt_ints(&K, "m_ready", &m_ready, NULL);
    SLV_TRY(slv_ckpt_resume(&R, &K, &it, &reason));
    while (!reason) {
      if (!(kold > tol)) { reason = DLOPS_CONVERGED_TOL; break; }
      if (it >= o->niter) { reason = DLOPS_STOP_MAXIT; break; }
      SLV_TRY(slv_ckpt_step(&R, &K, it)); /* between iterations: nothing in flight */
      int show = slv_showstep(&R, it);
      if (!m_ready) SLV_LOCAL(dlops_op_apply(A, w, m));
      m_ready = 0;
      double b = it == 0 ? 0.0 : gamma / gold;
      double den = it == 0 ? delta : delta - b * gamma / aold;
      if (!isfinite(den)) { reason = DLOPS_DIVERGED_NAN; break; }
      if (!(den > 0.0)) { reason = DLOPS_DIVERGED_BREAKDOWN; break; }
      double a = gamma / den;
      if (it == 0) {
        SLV_LOCAL(dlops_darray_copy(m, z));
        SLV_LOCAL(dlops_darray_copy(w, s));
        SLV_LOCAL(dlops_darray_copy(r, p));
      } else {
        SLV_LOCAL(dlops_darray_axpby(slv_s(1.0), m, slv_s(b), z));
        SLV_LOCAL(dlops_darray_axpby(slv_s(1.0), w, slv_s(b), s));
        SLV_LOCAL(dlops_darray_axpby(slv_s(1.0), r, slv_s(b), p));
      }
      SLV_LOCAL(dlops_darray_axpby(slv_s(a), p, slv_s(1.0), xw));
      SLV_LOCAL(dlops_darray_axpby(slv_s(-a), s, slv_s(1.0), r));
      SLV_LOCAL(dlops_darray_axpby(slv_s(-a), z, slv_s(1.0), w));
      /* start the reduction, overlap it with the next iteration's m = A w, then complete it */
      SLV_TRY(dlops_darray_multi_dot_begin(2, xs, ys, cj, d, &pend));
      if (it + 1 < o->niter) {
        SLV_LOCAL(dlops_op_apply(A, w, m));
        m_ready = 1;
      }
      SLV_TRY(dlops_darray_multi_dot_end(&pend));
      gold = gamma;
      aold = a;
      gamma = slv_abs(d[0]);
      delta = d[1].re;
      kold = gamma;
      it++;
      if (show) print_step(&R, it, xw, sqrt(kold));
      SLV_TRY(slv_record(&R, it, sqrt(kold), sqrt(kold), sqrt(kold), NAN, 1, xw, &stop));
      if (!isfinite(kold) || !isfinite(delta)) reason = DLOPS_DIVERGED_NAN;
      else if (stop) reason = DLOPS_STOPPED_BY_USER;
    }
  }
  slv_print_finalize(&R, it, 55);
  SLV_LOCAL(dlops_darray_copy(xw, x));
  slv_result(&R, res, it, reason, sqrt(kold), sqrt(kold));
done:
  if (pend) dlops_darray_multi_dot_end(&pend); /* an error between begin and end: complete it */
  slv_end(&R);
  dlops_darray_destroy(&xw);
  dlops_darray_destroy(&r);
  dlops_darray_destroy(&c);
  dlops_darray_destroy(&q);
  dlops_darray_destroy(&s);
  dlops_darray_destroy(&w);
  dlops_darray_destroy(&m);
  dlops_darray_destroy(&z);
  return err;
}
