/* ISTA and FISTA (PyLops-MPI ista/fista) with soft, hard and half thresholding.
 *   BLOCKING  PyLops-MPI: ||x - xold||, ||res|| and ||x||_1 in three allreduces per iteration (4
 *             with monitorres); FISTA applies A three times per iteration (A^H res, A z, and A x
 *             again for the cost).
 *   FUSED     the three in one multi_dot (||x||_1 = Re sign(x)^H x); FISTA needs two applies per
 *             iteration: A z_{k+1} = A x_k + w (A x_k - A x_{k-1}) by linearity. */
#include <stdio.h>
#include <stdlib.h>

#include "solver_impl.h"

static const char *kind_name(int k) { return k == DLOPS_THRESH_SOFT ? "soft" : k == DLOPS_THRESH_HARD ? "hard" : "half"; }

static void print_setup(const slv_run *R, dlops_op A, const char *title, double alpha, double thresh) {
  if (!R->show || R->rank != 0) return;
  char t[64];
  snprintf(t, sizeof t, "%s (%s thresholding)", title, kind_name(R->o.threshkind));
  slv_print_solver(R, t, A, 80);
  slv_print(R, "eps = %10e\ttol = %10e\tniter = %lld\n", R->o.eps, R->o.tol, (long long)R->o.niter);
  slv_print(R, "alpha = %10e\tthresh = %10e\n", alpha, thresh);
  slv_print(R, "--------------------------------------------------------------------------------\n");
  slv_print(R, "   Itn          x[0]              r2norm     r12norm     xupdate\n");
}

static void print_step(const slv_run *R, int64_t it, dlops_darray x, double costdata, double costreg, double xupd) {
  if (!R->show || R->rank != 0) return;
  char buf[64];
  int c = 0;
  slv_fmt_x0(x, 0, buf, sizeof buf, &c);
  slv_print(R, c ? "%6g   %s   %10.3e   %9.3e  %10.3e\n" : "%6g      %s        %10.3e   %9.3e  %10.3e\n", (double)it,
            buf, costdata, costdata + costreg, xupd);
}

static int ista_fista(dlops_op A, dlops_darray y, dlops_darray x, const dlops_solver_opts *opts,
                      dlops_solver_result *res, int fista) {
  const char *name = fista ? "fista" : "ista";
  slv_run R;
  slv_ckpt K; /* checkpoint */
  dlops_darray xw = NULL, yw = NULL, xold = NULL, res_ = NULL, Ax = NULL, g = NULL, sg = NULL, z = NULL, Axold = NULL,
               Az = NULL, resx = NULL;
  dlops_op AH = NULL, AHA = NULL;
  dlops_ctx ctx = NULL;
  DLOPS_CALL(slv_ctx(A, name, &ctx));
  int err = slv_begin(&R, ctx, opts, fista ? SLV_FISTA : SLV_ISTA, name, 1e-10);
  if (err) return err;
  const dlops_solver_opts *o = &R.o;
  if (o->threshkind < DLOPS_THRESH_SOFT || o->threshkind > DLOPS_THRESH_HALF) {
    err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "%s: threshkind must be DLOPS_THRESH_SOFT, _HARD or _HALF, got %d", name,
                      o->threshkind);
    goto done;
  }
  if (!(o->alpha >= 0.0) || !isfinite(o->alpha) || !(o->eps >= 0.0)) {
    err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "%s: alpha and eps must be finite and >= 0", name);
    goto done;
  }
  SLV_TRY(slv_setup(name, A, y, x, 0, &xw, &yw));
  const int blocking = o->variant == DLOPS_SOLVER_BLOCKING;
  int reason = DLOPS_SOLVER_RUNNING, stop = 0;
  int64_t it = 0;

  /* step size: given, or 1 / lambda_max(A^H A) */
  double alpha = o->alpha;
  if (alpha == 0.0) {
    dlops_darray b0 = NULL;
    dlops_solver_opts po;
    dlops_solver_result pr;
    dlops_scalar ev;
    dlops_solver_opts_default(&po);
    po.niter = o->power_niter;
    po.tol = o->power_tol;
    po.seed = o->seed;
    po.variant = o->variant;
    SLV_TRY(dlops_op_create_adjoint(A, &AH));
    SLV_TRY(dlops_op_create_product(AH, A, &AHA));
    SLV_ALLOC(dlops_darray_duplicate(xw, &b0));
    err = dlops_ctx_agree(R.ctx, err, 0, NULL);
    if (!err) err = dlops_solve_power(AHA, b0, &po, &ev, &pr);
    dlops_darray_destroy(&b0);
    if (err) goto done;
    double m = slv_abs(ev);
    if (!(m > 0.0) || !isfinite(m)) {
      alpha = m;
      reason = isfinite(m) ? DLOPS_DIVERGED_BREAKDOWN : DLOPS_DIVERGED_NAN;
    } else {
      alpha = 1.0 / m;
    }
  }
  const double thresh = o->eps * alpha * 0.5;
  print_setup(&R, A, fista ? "FISTA" : "ISTA", alpha, thresh);

  SLV_ALLOC(dlops_darray_duplicate(xw, &xold));
  SLV_ALLOC(dlops_darray_duplicate(xw, &g));
  SLV_ALLOC(dlops_darray_duplicate(yw, &res_));
  SLV_ALLOC(dlops_darray_duplicate(yw, &Ax));
  if (!blocking) SLV_ALLOC(dlops_darray_duplicate(xw, &sg));
  if (fista) SLV_ALLOC(dlops_darray_duplicate(xw, &z));
  if (fista && !blocking) {
    SLV_ALLOC(dlops_darray_duplicate(yw, &Axold));
    SLV_ALLOC(dlops_darray_duplicate(yw, &Az));
    SLV_ALLOC(dlops_darray_duplicate(yw, &resx));
  }
  SLV_AGREE(); /* an allocation failed on some rank: every rank leaves here */
  if (fista) {
    SLV_LOCAL(dlops_darray_copy(xw, z));
    if (!blocking) {
      SLV_LOCAL(dlops_op_apply(A, xw, Az)); /* A z_0 = A x_0 */
      SLV_LOCAL(dlops_darray_copy(Az, Axold));
    }
  }
  double t = 1.0, normresold = INFINITY, xupdate = INFINITY;
  double costdata = NAN, costreg = NAN, cost0 = NAN;
  /* state: x, FISTA's z, and in the fused FISTA A z and A x_{k-1} (NULL arrays are skipped) */
  slv_ckpt_init(&K);
  slv_ckpt_arrays(&K, "x", &xw, "z", &z, "Az", &Az, "Axold", &Axold, NULL);
  slv_ckpt_doubles(&K, "t", &t, "normresold", &normresold, "xupdate", &xupdate, "costdata", &costdata, "costreg",
                   &costreg, "cost0", &cost0, NULL);
  slv_ckpt_param(&K, "eps", o->eps);
  slv_ckpt_param(&K, "alpha", alpha);
  slv_ckpt_param(&K, "threshkind", o->threshkind);
  SLV_TRY(slv_ckpt_resume(&R, &K, &it, &reason));
  while (!reason) {
    if (it >= o->niter) { reason = DLOPS_STOP_MAXIT; break; }
    if (!(xupdate > o->tol)) { reason = DLOPS_CONVERGED_TOL; break; }
    SLV_TRY(slv_ckpt_step(&R, &K, it)); /* between iterations */
    int show = slv_showstep(&R, it);
    dlops_darray v = fista ? z : xw; /* the point the gradient is taken at */
    SLV_LOCAL(dlops_darray_copy(xw, xold));
    /* res = y - A v */
    SLV_LOCAL(dlops_darray_copy(yw, res_));
    if (fista && !blocking) {
      SLV_LOCAL(dlops_darray_axpby(slv_s(-1.0), Az, slv_s(1.0), res_));
    } else {
      SLV_LOCAL(dlops_op_apply(A, v, Ax));
      SLV_LOCAL(dlops_darray_axpby(slv_s(-1.0), Ax, slv_s(1.0), res_));
    }
    double normres = NAN;
    if (o->monitorres && blocking) {
      SLV_TRY(dlops_darray_norm(res_, 2.0, &normres));
      if (normres > normresold) { reason = DLOPS_DIVERGED_RESIDUAL; break; }
      normresold = normres;
    }
    /* x = thresh(v + alpha A^H res) */
    SLV_LOCAL(dlops_op_apply_adjoint(A, res_, g));
    SLV_LOCAL(dlops_darray_axpby(slv_s(1.0), v, slv_s(alpha), g));
    double th = (o->decay ? o->decay[it] : 1.0) * thresh;
    SLV_LOCAL(slv_threshold(g, xw, (dlops_map_kind)o->threshkind, th, 0.0)); /* DLOPS_THRESH_* = DLOPS_MAP_*_THRESHOLD */
    double w = 0.0;
    if (fista) {
      double told = t;
      t = (1.0 + sqrt(1.0 + 4.0 * t * t)) / 2.0;
      w = (told - 1.0) / t;
    }
    /* g = x - xold; FISTA: z = x + w (x - xold) */
    SLV_LOCAL(dlops_darray_copy(xw, g));
    SLV_LOCAL(dlops_darray_axpby(slv_s(-1.0), xold, slv_s(1.0), g));
    if (fista) {
      SLV_LOCAL(dlops_darray_copy(xw, z));
      SLV_LOCAL(dlops_darray_axpby(slv_s(w), g, slv_s(1.0), z));
    }
    if (blocking) {
      double n1;
      SLV_TRY(dlops_darray_norm(g, 2.0, &xupdate));
      if (fista) {
        SLV_LOCAL(dlops_op_apply(A, xw, Ax));
        SLV_LOCAL(dlops_darray_copy(yw, res_));
        SLV_LOCAL(dlops_darray_axpby(slv_s(-1.0), Ax, slv_s(1.0), res_));
      }
      SLV_TRY(dlops_darray_norm(res_, 2.0, &normres));
      SLV_TRY(dlops_darray_norm(xw, 1.0, &n1));
      costdata = 0.5 * normres * normres;
      costreg = o->eps * n1;
    } else {
      dlops_darray r2 = res_;
      if (fista) {
        SLV_LOCAL(dlops_op_apply(A, xw, Ax));
        SLV_LOCAL(dlops_darray_copy(yw, resx));
        SLV_LOCAL(dlops_darray_axpby(slv_s(-1.0), Ax, slv_s(1.0), resx));
        r2 = resx;
      }
      SLV_LOCAL(slv_sign(xw, sg));
      dlops_darray xs[4] = {g, r2, sg, res_}, ys[4] = {g, r2, xw, res_};
      int cj[4] = {1, 1, 1, 1};
      dlops_scalar d[4];
      int n = (o->monitorres && fista) ? 4 : 3;
      SLV_TRY(dlops_darray_multi_dot(n, xs, ys, cj, d));
      xupdate = sqrt(fabs(d[0].re));
      costdata = 0.5 * fabs(d[1].re);
      costreg = o->eps * d[2].re;
      if (o->monitorres) {
        normres = sqrt(fabs(d[n == 4 ? 3 : 1].re));
        if (normres > normresold) {
          SLV_LOCAL(dlops_darray_copy(xold, xw));
          reason = DLOPS_DIVERGED_RESIDUAL;
          break;
        }
        normresold = normres;
      }
      if (fista) {
        /* A z_{k+1} = A x_k + w (A x_k - A x_{k-1}) */
        SLV_LOCAL(dlops_darray_copy(Ax, resx));                            /* resx := A x_k */
        SLV_LOCAL(dlops_darray_axpby(slv_s(-1.0), Axold, slv_s(1.0), Ax)); /* Ax := A x_k - A x_{k-1} */
        SLV_LOCAL(dlops_darray_copy(resx, Az));
        SLV_LOCAL(dlops_darray_axpby(slv_s(w), Ax, slv_s(1.0), Az));
        dlops_darray tmp = Axold; /* Axold := A x_k */
        Axold = resx;
        resx = tmp;
      }
    }
    double cost = costdata + costreg;
    it++;
    if (show) print_step(&R, it, xw, costdata, costreg, xupdate);
    SLV_TRY(slv_record(&R, it, costdata, cost, cost, xupdate, 1, xw, &stop));
    if (!isfinite(cost) || isnan(xupdate)) { reason = DLOPS_DIVERGED_NAN; break; }
    if (stop) { reason = DLOPS_STOPPED_BY_USER; break; }
    if (it == 1) cost0 = cost;
    if (o->rtol > 0.0 && cost / cost0 < o->rtol) { reason = DLOPS_CONVERGED_TOL; break; }
  }
  slv_print_finalize(&R, it, 80);
  SLV_LOCAL(dlops_darray_copy(xw, x));
  slv_result(&R, res, it, reason, costdata, costreg);
done:
  slv_end(&R);
  dlops_op_destroy(&AHA);
  dlops_op_destroy(&AH);
  dlops_darray_destroy(&xw);
  dlops_darray_destroy(&yw);
  dlops_darray_destroy(&xold);
  dlops_darray_destroy(&res_);
  dlops_darray_destroy(&Ax);
  dlops_darray_destroy(&g);
  dlops_darray_destroy(&sg);
  dlops_darray_destroy(&z);
  dlops_darray_destroy(&Axold);
  dlops_darray_destroy(&Az);
  dlops_darray_destroy(&resx);
  return err;
}

int dlops_solve_ista(dlops_op A, dlops_darray y, dlops_darray x, const dlops_solver_opts *opts,
                     dlops_solver_result *res) {
  return ista_fista(A, y, x, opts, res, 0);
}

int dlops_solve_fista(dlops_op A, dlops_darray y, dlops_darray x, const dlops_solver_opts *opts,
                      dlops_solver_result *res) {
  return ista_fista(A, y, x, opts, res, 1);
}
