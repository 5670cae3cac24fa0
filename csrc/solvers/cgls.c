/* CGLS (PyLops-MPI cgls) for min ||y - A x||^2 + damp^2 ||x||^2.
 *   BLOCKING  PyLops-MPI's recurrence and reductions: (q,q) and (c,c) for the step, (r,r) for beta,
 *             ||s|| and (x,x) for the log = 5 allreduces per iteration (3 in the setup).
 *   FUSED     the same recurrence with the products grouped: {(q,q), (c,c)} and {(r,r), (s,s),
 *             (x,x)}: 2 allreduces per iteration (1 in the setup), norms for the log included.
 * PyLops quirk kept in BLOCKING when opts.pylops_quirks (default): the setup uses damp instead of
 * damp^2 in r0 = A^H s0 - damp x0 and in the initial r2norm (no effect when damp = 0 or x0 = 0);
 * the fused variants use damp^2 throughout. r1norm = kold (the squared normal residual) as PyLops. */
#include <stdio.h>

#include "../darray/fused.h"
#include "solver_impl.h"

static void print_setup(const slv_run *R, dlops_op A, dlops_darray x, double damp2) {
  if (!R->show || R->rank != 0) return;
  char buf[64];
  int c = 0;
  slv_fmt_x0(x, 0, buf, sizeof buf, &c);
  slv_print_solver(R, "CGLS", A, 65);
  slv_print(R, "damp = %10e\ttol = %10e\tniter = %lld\n", damp2, R->o.tol, (long long)R->o.niter);
  slv_print(R, "-----------------------------------------------------------------\n\n");
  slv_print(R, c ? "    Itn             x[0]             r1norm         r2norm\n"
                 : "    Itn          x[0]              r1norm         r2norm\n");
}

static void print_step(const slv_run *R, int64_t it, dlops_darray x, double cost, double cost1) {
  if (!R->show || R->rank != 0) return;
  char buf[64];
  int c = 0;
  slv_fmt_x0(x, 0, buf, sizeof buf, &c);
  slv_print(R, c ? "%6g       %s   %11.4e    %11.4e\n" : "%6g       %s        %11.4e    %11.4e\n", (double)it, buf,
            cost, cost1);
}

int dlops_solve_cgls(dlops_op A, dlops_darray y, dlops_darray x, const dlops_solver_opts *opts,
                     dlops_solver_result *res) {
  slv_run R;
  slv_ckpt K; /* checkpoint */
  dlops_darray xw = NULL, s = NULL, r = NULL, c = NULL, q = NULL;
  dlops_ctx ctx = NULL;
  DLOPS_CALL(slv_ctx(A, "cgls", &ctx));
  int err = slv_begin(&R, ctx, opts, SLV_CGLS, "cgls", 1e-4);
  if (err) return err;
  SLV_TRY(slv_setup("cgls", A, y, x, 0, &xw, &s)); /* s holds y */
  const dlops_solver_opts *o = &R.o;
  const double tol = o->tol, damp = o->damp, damp2 = damp * damp;
  const int blocking = o->variant == DLOPS_SOLVER_BLOCKING;
  const double damp0 = (blocking && o->pylops_quirks) ? damp : damp2; /* PyLops' setup quirk */
  int reason = DLOPS_SOLVER_RUNNING, stop = 0;
  int64_t it = 0;
  double kold, cost, cost1;

  SLV_ALLOC(dlops_darray_duplicate(xw, &r));
  SLV_ALLOC(dlops_darray_duplicate(xw, &c));
  SLV_ALLOC(dlops_darray_duplicate(s, &q));
  SLV_AGREE(); /* an allocation failed on some rank: every rank leaves here */
  /* s = y - A x0; r = A^H s - damp0 x0; c = r; q = A c */
  SLV_LOCAL(dlops_op_apply(A, xw, q));
  SLV_LOCAL(dlops_darray_axpby(slv_s(-1.0), q, slv_s(1.0), s));
  SLV_LOCAL(dlops_op_apply_adjoint(A, s, r));
  SLV_LOCAL(dlops_darray_axpby(slv_s(-damp0), xw, slv_s(1.0), r));
  SLV_LOCAL(dlops_darray_copy(r, c));
  SLV_LOCAL(dlops_op_apply(A, c, q));
  dlops_scalar d[3];
  dlops_darray xs[3], ys[3];
  int cj[3] = {1, 1, 1};
  if (blocking) {
    double xx;
    SLV_TRY(dlops_darray_vdot(r, r, &d[0]));
    kold = slv_abs(d[0]);
    SLV_TRY(dlops_darray_norm(s, 2.0, &cost));
    SLV_TRY(dlops_darray_vdot(xw, xw, &d[1]));
    xx = slv_abs(d[1]);
    cost1 = sqrt(cost * cost + damp0 * xx);
  } else {
    int n = 2;
    xs[0] = r; ys[0] = r; xs[1] = s; ys[1] = s; xs[2] = xw; ys[2] = xw;
    if (damp2 != 0.0) n = 3;
    SLV_TRY(dlops_darray_multi_dot(n, xs, ys, cj, d));
    kold = slv_abs(d[0]);
    cost = sqrt(fabs(d[1].re));
    cost1 = sqrt(fabs(d[1].re) + (n == 3 ? damp2 * slv_abs(d[2]) : 0.0));
  }
  print_setup(&R, A, xw, damp2);
  SLV_TRY(slv_record(&R, 0, cost, cost1, cost, NAN, 1, xw, &stop));
  if (!isfinite(kold) || !isfinite(cost1)) reason = DLOPS_DIVERGED_NAN;
  else if (stop) reason = DLOPS_STOPPED_BY_USER;
  slv_ckpt_init(&K); /* r = A^H s - damp^2 x is recomputed before use */
  slv_ckpt_arrays(&K, "x", &xw, "s", &s, "c", &c, "q", &q, NULL);
  slv_ckpt_doubles(&K, "kold", &kold, "cost", &cost, "cost1", &cost1, NULL);
  slv_ckpt_param(&K, "damp", damp);
  SLV_TRY(slv_ckpt_resume(&R, &K, &it, &reason));
  while (!reason) {
    if (!(kold > tol)) { reason = DLOPS_CONVERGED_TOL; break; }
    if (it >= o->niter) { reason = DLOPS_STOP_MAXIT; break; }
    SLV_TRY(slv_ckpt_step(&R, &K, it)); /* between iterations */
    int show = slv_showstep(&R, it);
    dlops_scalar qq, cc;
    if (blocking) {
      SLV_TRY(dlops_darray_vdot(q, q, &qq));
      SLV_TRY(dlops_darray_vdot(c, c, &cc));
    } else {
      dlops_darray x2[2] = {q, c};
      SLV_TRY(dlops_darray_multi_dot(damp2 != 0.0 ? 2 : 1, x2, x2, cj, d));
      qq = d[0];
      cc = damp2 != 0.0 ? d[1] : slv_s(0.0);
    }
    /* a = |kold / (q.q + damp2 c.c)| (complex division as PyLops) */
    double dre = qq.re + damp2 * cc.re, dim = qq.im + damp2 * cc.im;
    double den = hypot(dre, dim);
    if (!isfinite(den)) { reason = DLOPS_DIVERGED_NAN; break; }
    if (den == 0.0) { reason = DLOPS_DIVERGED_BREAKDOWN; break; }
    double a = dim == 0.0 ? fabs(kold / dre) : kold / den;
    /* without damping nothing reads x before the new direction: x += a c is made then, in the
     * same pass as c = r + b c */
    if (damp2 != 0.0) SLV_LOCAL(dlops_darray_axpby(slv_s(a), c, slv_s(1.0), xw));
    SLV_LOCAL(dlops_darray_axpby(slv_s(-a), q, slv_s(1.0), s));
    SLV_LOCAL(dlops_op_apply_adjoint(A, s, r));
    /* r -= damp^2 x: a pass over two model-size arrays, skipped without damping (r - 0 x = r for
     * every finite x; with an inf or NaN in x the iteration has already diverged on the cost) */
    if (damp2 != 0.0) SLV_LOCAL(dlops_darray_axpby(slv_s(-damp2), xw, slv_s(1.0), r));
    double k, xx = 0.0;
    if (blocking) {
      SLV_TRY(dlops_darray_vdot(r, r, &d[0]));
      k = slv_abs(d[0]);
    } else {
      int n = damp2 != 0.0 ? 3 : 2;
      SLV_TRY(dlops_darray_multi_dot(n, xs, ys, cj, d));
      k = slv_abs(d[0]);
      cost = sqrt(fabs(d[1].re));
      if (n == 3) xx = slv_abs(d[2]);
    }
    double b = k / kold;
    if (damp2 != 0.0)
      SLV_LOCAL(dlops_darray_axpby(slv_s(1.0), r, slv_s(b), c));
    else
      SLV_LOCAL(dlops_darray_step(slv_s(a), c, xw, r, slv_s(b)));
    /* the next direction's image; the fused variant skips it when the loop is about to end */
    if (blocking || (it + 1 < o->niter && k > tol)) SLV_LOCAL(dlops_op_apply(A, c, q));
    kold = k;
    it++;
    if (blocking) {
      SLV_TRY(dlops_darray_norm(s, 2.0, &cost));
      SLV_TRY(dlops_darray_vdot(xw, xw, &d[1]));
      xx = slv_abs(d[1]);
    }
    cost1 = sqrt(cost * cost + damp2 * xx);
    if (show) print_step(&R, it, xw, cost, cost1);
    SLV_TRY(slv_record(&R, it, cost, cost1, cost, NAN, 1, xw, &stop));
    if (!isfinite(kold) || !isfinite(cost1)) reason = DLOPS_DIVERGED_NAN;
    else if (stop) reason = DLOPS_STOPPED_BY_USER;
  }
  slv_print_finalize(&R, it, 65);
  SLV_LOCAL(dlops_darray_copy(xw, x));
  slv_result(&R, res, it, reason, kold, cost1);
  if (res) res->istop = kold < tol ? 1 : 2;
done:
  slv_end(&R);
  dlops_darray_destroy(&xw);
  dlops_darray_destroy(&s);
  dlops_darray_destroy(&r);
  dlops_darray_destroy(&c);
  dlops_darray_destroy(&q);
  return err;
}
