/* LSQR (Paige & Saunders 1982), following scipy.sparse.linalg.lsqr / PyLops lsqr: the same
 * Golub-Kahan bidiagonalisation, rotations, norm and condition estimates and stopping rules
 * (istop 1..7). Reductions: ||y|| and ||y - A x0|| in one setup multi_dot, ||v_0|| in another,
 * then 2 per iteration (||u||, and {||v||^2, (v, w)} fused). ||w||^2, which scipy reduces for the
 * condition estimate, is carried by the recurrence w = v + t2 w_old (BLOCKING reduces it as scipy,
 * 3 per iteration). */
#include <float.h>
#include <stdio.h>

#include "../darray/fused.h"
#include "solver_impl.h"

/* Stable Givens rotation (scipy's _sym_ortho). */
static void sym_ortho(double a, double b, double *c, double *s, double *r) {
  if (b == 0) {
    *c = a == 0 ? 1.0 : (a > 0 ? 1.0 : -1.0);
    *s = 0;
    *r = fabs(a);
  } else if (a == 0) {
    *c = 0;
    *s = b > 0 ? 1.0 : -1.0;
    *r = fabs(b);
  } else if (fabs(b) > fabs(a)) {
    double tau = a / b;
    *s = (b > 0 ? 1.0 : -1.0) / sqrt(1 + tau * tau);
    *c = *s * tau;
    *r = b / *s;
  } else {
    double tau = b / a;
    *c = (a > 0 ? 1.0 : -1.0) / sqrt(1 + tau * tau);
    *s = *c * tau;
    *r = a / *c;
  }
}

int dlops_solve_lsqr(dlops_op A, dlops_darray y, dlops_darray x, const dlops_solver_opts *opts,
                     dlops_solver_result *res) {
  slv_run R;
  slv_ckpt K; /* checkpoint */
  dlops_darray xw = NULL, u = NULL, ut = NULL, v = NULL, vt = NULL, w = NULL;
  dlops_ctx ctx = NULL;
  DLOPS_CALL(slv_ctx(A, "lsqr", &ctx));
  int err = slv_begin(&R, ctx, opts, SLV_LSQR, "lsqr", 0.0);
  if (err) return err;
  const dlops_solver_opts *o = &R.o;
  if (!(o->atol >= 0) || !(o->btol >= 0) || !(o->conlim >= 0)) {
    err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "lsqr: atol, btol and conlim must be >= 0");
    goto done;
  }
  SLV_TRY(slv_setup("lsqr", A, y, x, 0, &xw, &u)); /* u holds y */
  const int blocking = o->variant == DLOPS_SOLVER_BLOCKING;
  const double damp = o->damp, dampsq = damp * damp, eps = DBL_EPSILON;
  const double ctol = o->conlim > 0 ? 1.0 / o->conlim : 0.0;
  int reason = DLOPS_SOLVER_RUNNING, stop = 0, istop = 0;
  int64_t it = 0;
  dlops_scalar d[2];
  int cj[2] = {1, 1};

  SLV_ALLOC(dlops_darray_duplicate(u, &ut));
  SLV_ALLOC(dlops_darray_duplicate(xw, &v));
  SLV_ALLOC(dlops_darray_duplicate(xw, &vt));
  SLV_ALLOC(dlops_darray_duplicate(xw, &w));
  SLV_AGREE(); /* an allocation failed on some rank: every rank leaves here */
  /* u = y - A x0; bnorm = ||y||, beta = ||u|| in one reduction */
  SLV_LOCAL(dlops_op_apply(A, xw, ut));
  SLV_LOCAL(dlops_darray_axpby(slv_s(-1.0), ut, slv_s(1.0), u));
  SLV_LOCAL(dlops_darray_copy(y, ut));
  {
    dlops_darray xs[2] = {ut, u};
    SLV_TRY(dlops_darray_multi_dot(2, xs, xs, cj, d));
  }
  double bnorm = sqrt(fabs(d[0].re)), beta = sqrt(fabs(d[1].re)), alfa = 0.0;
  if (!isfinite(bnorm) || !isfinite(beta)) reason = DLOPS_DIVERGED_NAN;
  if (!reason && beta > 0) {
    SLV_LOCAL(dlops_darray_scale(u, slv_s(1.0 / beta)));
    SLV_LOCAL(dlops_op_apply_adjoint(A, u, v));
    SLV_TRY(dlops_darray_norm(v, 2.0, &alfa));
    if (!isfinite(alfa)) reason = DLOPS_DIVERGED_NAN;
  }
  if (!reason && alfa > 0) SLV_LOCAL(dlops_darray_scale(v, slv_s(1.0 / alfa)));
  SLV_LOCAL(dlops_darray_copy(v, w));
  double wnorm2 = alfa > 0 ? 1.0 : 0.0;
  double rhobar = alfa, phibar = beta, rnorm = beta, r1norm = beta, r2norm = beta, arnorm = alfa * beta;
  double anorm = 0, acond = 0, ddnorm = 0, res2 = 0, xnorm = 0, xxnorm = 0, z = 0, cs2 = -1, sn2 = 0;
  double test1 = 1, test2 = alfa / (beta + eps);
  if (R.show && R.rank == 0) {
    int64_t m = 0, n = 0;
    dlops_op_get_shape(A, &m, &n);
    slv_print(&R, "LSQR\n------------------------------------------------------------------------------------\n");
    slv_print(&R, "The Operator Op has %lld rows and %lld cols\n", (long long)m, (long long)n);
    slv_print(&R, "damp = %20.14e\tcalc_var = 0\n", damp);
    slv_print(&R, "atol = %8.2e\t\t\tconlim = %8.2e\n", o->atol, o->conlim);
    slv_print(&R, "btol = %8.2e\t\t\tniter = %8lld\n", o->btol, (long long)o->niter);
    slv_print(&R, "------------------------------------------------------------------------------------\n");
    slv_print(&R, "   Itn      x[0]       r1norm     r2norm   Compatible    LS      Norm A   Cond A\n");
    slv_print(&R, "%6g %12.5e %10.3e %10.3e  %8.1e %8.1e\n", 0.0, slv_x0_real(xw), r1norm, r2norm, test1, test2);
  }
  SLV_TRY(slv_record(&R, 0, r1norm, r2norm, rnorm, NAN, 1, xw, &stop));
  if (!reason && stop) reason = DLOPS_STOPPED_BY_USER;
  if (!reason && arnorm == 0) reason = DLOPS_CONVERGED_TOL; /* x0 solves the problem (istop 0) */
  slv_ckpt_init(&K); /* ut, vt are scratch */
  slv_ckpt_arrays(&K, "x", &xw, "u", &u, "v", &v, "w", &w, NULL);
  slv_ckpt_doubles(&K, "alfa", &alfa, "beta", &beta, "rhobar", &rhobar, "phibar", &phibar, "rnorm", &rnorm, "r1norm",
                   &r1norm, "r2norm", &r2norm, "arnorm", &arnorm, "anorm", &anorm, "acond", &acond, "ddnorm", &ddnorm,
                   "res2", &res2, "xnorm", &xnorm, "xxnorm", &xxnorm, "z", &z, "cs2", &cs2, "sn2", &sn2, "test1",
                   &test1, "test2", &test2, "wnorm2", &wnorm2, "bnorm", &bnorm, NULL);
  slv_ckpt_ints(&K, "istop", &istop, NULL);
  slv_ckpt_param(&K, "damp", damp);
  SLV_TRY(slv_ckpt_resume(&R, &K, &it, &reason));
  while (!reason) {
    if (it >= o->niter) { reason = DLOPS_STOP_MAXIT; istop = 7; break; }
    SLV_TRY(slv_ckpt_step(&R, &K, it)); /* between iterations */
    int show = slv_showstep(&R, it);
    it++;
    /* u = A v - alfa u; beta = ||u|| */
    SLV_LOCAL(dlops_op_apply(A, v, ut));
    SLV_LOCAL(dlops_darray_axpby(slv_s(-alfa), u, slv_s(1.0), ut));
    { dlops_darray t = u; u = ut; ut = t; }
    SLV_TRY(dlops_darray_norm(u, 2.0, &beta));
    if (!isfinite(beta)) { reason = DLOPS_DIVERGED_NAN; break; }
    double vw = 0.0, vnorm2 = 1.0;
    int have_vw = 0;
    if (beta > 0) {
      SLV_LOCAL(dlops_darray_scale(u, slv_s(1.0 / beta)));
      anorm = sqrt(anorm * anorm + alfa * alfa + beta * beta + dampsq);
      /* v = A^H u - beta v; alfa = ||v||, with (v, w) for the ||w|| recurrence */
      SLV_LOCAL(dlops_op_apply_adjoint(A, u, vt));
      SLV_LOCAL(dlops_darray_axpby(slv_s(-beta), v, slv_s(1.0), vt));
      if (blocking) {
        SLV_TRY(dlops_darray_norm(vt, 2.0, &alfa));
      } else {
        dlops_darray xs[2] = {vt, vt}, ys[2] = {vt, w};
        SLV_TRY(dlops_darray_multi_dot(2, xs, ys, cj, d));
        alfa = sqrt(fabs(d[0].re));
        vw = d[1].re;
        have_vw = 1;
      }
      if (!isfinite(alfa)) { reason = DLOPS_DIVERGED_NAN; break; }
      if (alfa > 0) {
        SLV_LOCAL(dlops_darray_scale(vt, slv_s(1.0 / alfa)));
        vw /= alfa;
      } else {
        vnorm2 = 0.0;
      }
      { dlops_darray t = v; v = vt; vt = t; }
    }
    /* eliminate the damping, then the subdiagonal */
    double rhobar1 = rhobar, psi = 0.0;
    if (damp > 0) {
      rhobar1 = sqrt(rhobar * rhobar + dampsq);
      double cs1 = rhobar / rhobar1, sn1 = damp / rhobar1;
      psi = sn1 * phibar;
      phibar = cs1 * phibar;
    }
    double cs, sn, rho;
    sym_ortho(rhobar1, beta, &cs, &sn, &rho);
    double theta = sn * alfa;
    rhobar = -cs * alfa;
    double phi = cs * phibar;
    phibar = sn * phibar;
    double tau = sn * phi;
    double t1 = phi / rho, t2 = -theta / rho;
    /* ddnorm += ||w / rho||^2 */
    if (blocking || !have_vw) {
      double wn;
      SLV_TRY(dlops_darray_norm(w, 2.0, &wn));
      wnorm2 = wn * wn;
    }
    ddnorm += wnorm2 / (rho * rho);
    SLV_LOCAL(dlops_darray_step(slv_s(t1), w, xw, v, slv_s(t2))); /* x += t1 w; w = v + t2 w: one pass */
    if (have_vw) wnorm2 = vnorm2 + 2.0 * t2 * vw + t2 * t2 * wnorm2;
    /* norm estimates (scipy) */
    double delta = sn2 * rho, gambar = -cs2 * rho, rhs = phi - delta * z, zbar = rhs / gambar;
    xnorm = sqrt(xxnorm + zbar * zbar);
    double gamma = sqrt(gambar * gambar + theta * theta);
    cs2 = gambar / gamma;
    sn2 = theta / gamma;
    z = rhs / gamma;
    xxnorm += z * z;
    acond = anorm * sqrt(ddnorm);
    double res1 = phibar * phibar;
    res2 += psi * psi;
    rnorm = sqrt(res1 + res2);
    arnorm = alfa * fabs(tau);
    double r1sq = rnorm * rnorm - dampsq * xxnorm;
    r1norm = sqrt(fabs(r1sq));
    double cost = r1norm;
    if (r1sq < 0) r1norm = -r1norm;
    r2norm = rnorm;
    test1 = rnorm / bnorm;
    test2 = arnorm / (anorm * rnorm + eps);
    double test3 = 1.0 / (acond + eps);
    double tt1 = test1 / (1.0 + anorm * xnorm / bnorm);
    double rtol = o->btol + o->atol * anorm * xnorm / bnorm;
    if (it >= o->niter) istop = 7;
    if (1.0 + test3 <= 1.0) istop = 6;
    if (1.0 + test2 <= 1.0) istop = 5;
    if (1.0 + tt1 <= 1.0) istop = 4;
    if (test3 <= ctol) istop = 3;
    if (test2 <= o->atol) istop = 2;
    if (test1 <= rtol) istop = 1;
    if (show) slv_print(&R, "%6g %12.5e %10.3e %10.3e  %8.1e %8.1e %8.1e %8.1e\n", (double)it, R.rank == 0 ? slv_x0_real(xw) : 0.0,
                        r1norm, r2norm, test1, test2, anorm, acond);
    SLV_TRY(slv_record(&R, it, r1norm, r2norm, cost, NAN, 1, xw, &stop));
    if (!isfinite(rnorm) || !isfinite(xnorm)) { reason = DLOPS_DIVERGED_NAN; break; }
    if (istop >= 1 && istop <= 6) { reason = DLOPS_CONVERGED_TOL; break; }
    if (istop == 7) { reason = DLOPS_STOP_MAXIT; break; }
    if (stop) { reason = DLOPS_STOPPED_BY_USER; break; }
  }
  slv_print_finalize(&R, it, 84);
  SLV_LOCAL(dlops_darray_copy(xw, x));
  slv_result(&R, res, it, reason, r1norm, r2norm);
  if (res) res->istop = istop;
done:
  slv_end(&R);
  dlops_darray_destroy(&xw);
  dlops_darray_destroy(&u);
  dlops_darray_destroy(&ut);
  dlops_darray_destroy(&v);
  dlops_darray_destroy(&vt);
  dlops_darray_destroy(&w);
  return err;
}
