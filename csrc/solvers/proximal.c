/* Proximal operators (L1, L0, box, L2 as PyLops-MPI's MPIL2) and the solvers built on them:
 * proximal gradient (PyLops-MPI ProximalGradient) and ADMM with an L2 misfit (ADMML2).
 * Separable proxes act element by element where the data lives (dlops_darray_map); values are dot products
 * (||x||_1 = Re sign(x)^H x, count = ||nz(x)||^2, box violations = ||out(x)||^2) so that the
 * solvers can fuse them with other reductions in one multi_dot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver_impl.h"
#include "../core/handle.h"
#include "../darray/darray_impl.h" /* dlops_darray_check_usable */

enum { PROX_L1 = 0, PROX_L0 = 1, PROX_BOX = 2, PROX_L2 = 3 };

struct dlops_prox_s {
  int kind;
  double sigma, lower, upper;
  /* L2 */
  dlops_op Op;
  dlops_darray b, q, x0, OpTb;
  dlops_prox_l2_params prm;
};

static const char *prox_name(const struct dlops_prox_s *p) {
  static const char *n[] = {"L1", "L0", "Box", "L2"};
  return n[p->kind];
}

static int prox_new(int kind, dlops_prox *p) {
  DLOPS_CHECK(p, NULL, DLOPS_ERR_ARG, "null prox pointer");
  *p = calloc(1, sizeof **p);
  DLOPS_CHECK(*p, NULL, DLOPS_ERR_MEM, "cannot allocate a proximal operator");
  if (dlops_handle_add(*p, DLOPS_H_PROX)) {
    free(*p);
    *p = NULL;
    return DLOPS_ERROR(NULL, DLOPS_ERR_MEM, "cannot register a proximal operator");
  }
  (*p)->kind = kind;
  (*p)->sigma = 1.0;
  return DLOPS_SUCCESS;
}

/* a live proximal operator (registry lookup: a destroyed one is never read) */
static int prox_live(const struct dlops_prox_s *p) { return p && dlops_handle_kind(p) == DLOPS_H_PROX; }

static int prox_check(const struct dlops_prox_s *p) {
  DLOPS_CHECK(p, NULL, DLOPS_ERR_ARG, "null proximal operator");
  DLOPS_CHECK(prox_live(p), NULL, DLOPS_ERR_STATE, "stale proximal operator handle (destroyed)");
  return DLOPS_SUCCESS;
}

int dlops_prox_create_l1(double sigma, dlops_prox *p) {
  DLOPS_CHECK(isfinite(sigma) && sigma >= 0, NULL, DLOPS_ERR_ARG, "L1 prox: sigma must be finite and >= 0");
  DLOPS_CALL(prox_new(PROX_L1, p));
  (*p)->sigma = sigma;
  return DLOPS_SUCCESS;
}

int dlops_prox_create_l0(double sigma, dlops_prox *p) {
  DLOPS_CHECK(isfinite(sigma) && sigma >= 0, NULL, DLOPS_ERR_ARG, "L0 prox: sigma must be finite and >= 0");
  DLOPS_CALL(prox_new(PROX_L0, p));
  (*p)->sigma = sigma;
  return DLOPS_SUCCESS;
}

int dlops_prox_create_box(double lower, double upper, dlops_prox *p) {
  DLOPS_CHECK(!isnan(lower) && !isnan(upper) && lower <= upper, NULL, DLOPS_ERR_ARG,
              "box prox: need lower <= upper (got %g, %g)", lower, upper);
  DLOPS_CALL(prox_new(PROX_BOX, p));
  (*p)->lower = lower;
  (*p)->upper = upper;
  return DLOPS_SUCCESS;
}

int dlops_prox_l2_params_default(dlops_prox_l2_params *prm) {
  DLOPS_CHECK(prm, NULL, DLOPS_ERR_ARG, "null L2 parameters pointer");
  prm->sigma = 1.0;
  prm->alpha = 1.0;
  prm->qgrad = 1;
  prm->niter = 10;
  prm->warm = 1;
  prm->solver = DLOPS_L2_SOLVER_CGLS;
  prm->variant = DLOPS_SOLVER_FUSED;
  return DLOPS_SUCCESS;
}

int dlops_prox_create_l2(dlops_op Op, dlops_darray b, dlops_darray q, dlops_darray x0,
                         const dlops_prox_l2_params *prm, dlops_prox *p) {
  dlops_prox_l2_params d;
  dlops_prox_l2_params_default(&d);
  if (prm) d = *prm;
  /* Local checks first. With an operator the call is collective: the checks and the parameters
   * that steer the inner solver are agreed in one message (a rank with a destroyed Op joins the
   * others' agreement), then slv_setup agrees the layouts. Without one it is local. */
  dlops_ctx ctx = NULL;
  int err = Op ? dlops_op_get_ctx(Op, &ctx) : 0;
  if (!err && !p) err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "null prox pointer");
  if (!err && Op && !(b && x0)) err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "L2 prox: an operator needs b and x0");
  if (!err && !(d.niter >= 0 && isfinite(d.sigma) && isfinite(d.alpha)))
    err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "L2 prox: niter must be >= 0 and sigma, alpha finite");
  if (!err && !(d.solver == DLOPS_L2_SOLVER_CG || d.solver == DLOPS_L2_SOLVER_CGLS))
    err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "L2 prox: solver must be DLOPS_L2_SOLVER_CG or _CGLS");
  if (Op) {
    const double steer[7] = {d.sigma, d.alpha, (double)d.qgrad, (double)d.niter, (double)d.warm, (double)d.solver,
                             (double)d.variant};
    err = dlops_ctx_agree(ctx, err, dlops_hash_bytes(0, steer, sizeof steer),
                          "L2 prox parameters (sigma, alpha, qgrad, niter, warm, solver, variant)");
  }
  if (err) return err;
  dlops_darray x0c = NULL, OpTb = NULL;
  if (Op) {
    /* x0 copy (domain layout checked), and sigma Op^H b for the CG form */
    err = slv_setup("L2 prox", Op, b, x0, 0, &x0c, &OpTb);
    if (err) return err;
    dlops_darray_destroy(&OpTb);
    if (d.solver == DLOPS_L2_SOLVER_CG) {
      err = dlops_darray_duplicate(x0c, &OpTb);
      if (!err) err = dlops_op_apply_adjoint(Op, b, OpTb);
      if (!err) err = dlops_darray_scale(OpTb, slv_s(d.sigma));
      if (err) {
        dlops_darray_destroy(&x0c);
        dlops_darray_destroy(&OpTb);
        return err;
      }
    }
  }
  err = prox_new(PROX_L2, p);
  if (err) {
    dlops_darray_destroy(&x0c);
    dlops_darray_destroy(&OpTb);
    return err;
  }
  struct dlops_prox_s *P = *p;
  P->prm = d;
  P->sigma = d.sigma;
  P->x0 = x0c;
  P->OpTb = OpTb;
  /* keep a reference to Op (a composition holds one), private copies of b and q */
  if (Op) err = dlops_op_create_scaled(Op, slv_s(1.0), &P->Op);
  if (!err && b) err = dlops_darray_duplicate(b, &P->b);
  if (!err && b) err = dlops_darray_copy(b, P->b);
  if (!err && q) err = dlops_darray_duplicate(q, &P->q);
  if (!err && q) err = dlops_darray_copy(q, P->q);
  if (err) dlops_prox_destroy(p);
  return err;
}

int dlops_prox_destroy(dlops_prox *p) {
  DLOPS_CHECK(p, NULL, DLOPS_ERR_ARG, "null prox pointer");
  struct dlops_prox_s *P = *p;
  if (!P) return DLOPS_SUCCESS;
  DLOPS_CALL(prox_check(P));
  *p = NULL;
  dlops_op_destroy(&P->Op);
  dlops_darray_destroy(&P->b);
  dlops_darray_destroy(&P->q);
  dlops_darray_destroy(&P->x0);
  dlops_darray_destroy(&P->OpTb);
  dlops_handle_retire(P);
  return DLOPS_SUCCESS;
}

/* ------------------------------------------------------------------ stacked vertical pair operator
 * [s0 A0; s1 A1] (A1 NULL = identity on the domain): PyLops-MPI's MPIStackedVStack of scaled
 * operators, with the same order of floating-point operations. */
typedef struct {
  dlops_op A0, A1;
  double s0, s1;
  dlops_darray tmpd; /* domain temporary */
} vpair;

static int part(dlops_darray st, int i, dlops_darray *p) { return dlops_darray_stacked_get(st, i, p); }

static int vpair_fwd(void *user, dlops_darray x, dlops_darray y) {
  vpair *V = user;
  dlops_darray y0, y1;
  DLOPS_CALL(part(y, 0, &y0));
  DLOPS_CALL(part(y, 1, &y1));
  DLOPS_CALL(dlops_op_apply(V->A0, x, y0));
  if (V->s0 != 1.0) DLOPS_CALL(dlops_darray_scale(y0, slv_s(V->s0)));
  if (V->A1) {
    DLOPS_CALL(dlops_op_apply(V->A1, x, y1));
    if (V->s1 != 1.0) DLOPS_CALL(dlops_darray_scale(y1, slv_s(V->s1)));
  } else {
    DLOPS_CALL(dlops_darray_copy(x, y1));
  }
  return DLOPS_SUCCESS;
}

static int vpair_adj(void *user, dlops_darray y, dlops_darray x) {
  vpair *V = user;
  dlops_darray y0, y1;
  DLOPS_CALL(part(y, 0, &y0));
  DLOPS_CALL(part(y, 1, &y1));
  DLOPS_CALL(dlops_op_apply_adjoint(V->A0, y0, x));
  if (V->s0 != 1.0) DLOPS_CALL(dlops_darray_scale(x, slv_s(V->s0)));
  if (V->A1) {
    DLOPS_CALL(dlops_op_apply_adjoint(V->A1, y1, V->tmpd));
    DLOPS_CALL(dlops_darray_axpby(slv_s(V->s1), V->tmpd, slv_s(1.0), x));
  } else {
    DLOPS_CALL(dlops_darray_axpby(slv_s(1.0), y1, slv_s(1.0), x));
  }
  return DLOPS_SUCCESS;
}

static void vpair_free(void *user) {
  vpair *V = user;
  dlops_darray_destroy(&V->tmpd);
  free(V);
}

/* dom: a domain-layout array. */
static int vpair_create(dlops_op A0, double s0, dlops_op A1, double s1, dlops_darray dom, dlops_op *out) {
  *out = NULL;
  vpair *V = calloc(1, sizeof *V);
  DLOPS_CHECK(V, NULL, DLOPS_ERR_MEM, "cannot allocate a stacked operator");
  V->A0 = A0;
  V->A1 = A1;
  V->s0 = s0;
  V->s1 = s1;
  dlops_darray r[2] = {NULL, NULL}, rng = NULL;
  int err = dlops_darray_duplicate(dom, &V->tmpd);
  if (!err) err = dlops_op_create_vecs(A0, NULL, &r[0]);
  if (!err) err = A1 ? dlops_op_create_vecs(A1, NULL, &r[1]) : dlops_darray_duplicate(dom, &r[1]);
  if (!err) err = dlops_darray_create_stacked(2, r, &rng);
  if (!err) err = dlops_op_create_user(dom, rng, vpair_fwd, vpair_adj, V, vpair_free, out);
  dlops_darray_destroy(&r[0]);
  dlops_darray_destroy(&r[1]);
  dlops_darray_destroy(&rng);
  if (err && !*out) vpair_free(V);
  return err;
}

/* I + c A^H A (PyLops-MPI's Iop + c (Op.H Op)). */
typedef struct {
  dlops_op A;
  double c;
  dlops_darray tmpr;
} normop;

static int normop_apply(void *user, dlops_darray x, dlops_darray y) {
  normop *N = user;
  DLOPS_CALL(dlops_op_apply(N->A, x, N->tmpr));
  DLOPS_CALL(dlops_op_apply_adjoint(N->A, N->tmpr, y));
  DLOPS_CALL(dlops_darray_scale(y, slv_s(N->c)));
  return dlops_darray_axpby(slv_s(1.0), x, slv_s(1.0), y);
}

static void normop_free(void *user) {
  normop *N = user;
  dlops_darray_destroy(&N->tmpr);
  free(N);
}

static int normop_create(dlops_op A, double c, dlops_darray dom, dlops_op *out) {
  *out = NULL;
  normop *N = calloc(1, sizeof *N);
  DLOPS_CHECK(N, NULL, DLOPS_ERR_MEM, "cannot allocate an operator");
  N->A = A;
  N->c = c;
  int err = dlops_op_create_vecs(A, NULL, &N->tmpr);
  if (!err) err = dlops_op_create_user(dom, dom, normop_apply, normop_apply, N, normop_free, out);
  if (err && !*out) normop_free(N);
  return err;
}

/* ------------------------------------------------------------------ values */
void slv_val_free(slv_val *v) {
  for (int i = 0; i < v->ntmp; i++) dlops_darray_destroy(&v->tmp[i]);
  v->ntmp = 0;
  v->n = 0;
}

static int val_tmp(slv_val *v, dlops_darray like, dlops_darray *t) {
  DLOPS_CALL(dlops_darray_duplicate(like, t));
  v->tmp[v->ntmp++] = *t;
  return DLOPS_SUCCESS;
}

int slv_val_prepare(dlops_prox p, dlops_darray x, slv_val *v) {
  memset(v, 0, sizeof *v);
  DLOPS_CHECK(p && x, NULL, DLOPS_ERR_ARG, "prox value: null argument");
  dlops_darray t = NULL;
  int err = 0;
  switch (p->kind) {
    case PROX_L1:
      SLV_TRY(val_tmp(v, x, &t));
      SLV_TRY(slv_sign(x, t));
      v->xs[0] = t; v->ys[0] = x; v->conj[0] = 1; v->coef[0] = p->sigma; v->n = 1;
      break;
    case PROX_L0:
      SLV_TRY(val_tmp(v, x, &t));
      SLV_TRY(slv_nonzero(x, t));
      v->xs[0] = t; v->ys[0] = t; v->conj[0] = 1; v->coef[0] = 1.0; v->n = 1;
      break;
    case PROX_BOX:
      SLV_TRY(val_tmp(v, x, &t));
      SLV_TRY(slv_outside(x, t, p->lower, p->upper));
      v->xs[0] = t; v->ys[0] = t; v->conj[0] = 1; v->coef[0] = 1.0; v->n = 1;
      v->is_box = 1;
      break;
    default: /* L2 */
      if (p->Op) {
        SLV_TRY(dlops_darray_duplicate(p->b, &t));
        v->tmp[v->ntmp++] = t;
        SLV_TRY(dlops_op_apply(p->Op, x, t));
        SLV_TRY(dlops_darray_axpby(slv_s(-1.0), p->b, slv_s(1.0), t));
      } else if (p->b) {
        SLV_TRY(val_tmp(v, x, &t));
        SLV_TRY(dlops_darray_copy(x, t));
        SLV_TRY(dlops_darray_axpby(slv_s(-1.0), p->b, slv_s(1.0), t));
      } else {
        t = x;
      }
      v->xs[0] = t; v->ys[0] = t; v->conj[0] = 1; v->coef[0] = p->sigma / 2.0; v->n = 1;
      if (p->q) {
        v->xs[1] = p->q; v->ys[1] = x; v->conj[1] = 0; v->coef[1] = p->prm.alpha; v->n = 2;
      }
      break;
  }
done:
  if (err) slv_val_free(v);
  return err;
}

double slv_val_finish(const slv_val *v, const dlops_scalar *r) {
  if (v->is_box) return r[0].re > 0 ? INFINITY : (isnan(r[0].re) ? NAN : 0.0);
  double f = 0;
  for (int i = 0; i < v->n; i++) f += v->coef[i] * r[i].re;
  return f;
}

int dlops_prox_value(dlops_prox p, dlops_darray x, double *value) {
  /* collective (one reduction): a failed check on this rank joins the others' reduction with a
   * failed agreement record, so every rank returns it */
  int err = prox_check(p);
  if (!err && !(x && value)) err = DLOPS_ERROR(NULL, DLOPS_ERR_ARG, "prox value: null argument");
  dlops_ctx c = NULL;
  if (!x || dlops_darray_get_ctx(x, &c)) c = NULL;
  if (!err) err = dlops_darray_check_usable(x); /* stale or borrowed */
  uint64_t h = 0;
  if (!err) {
    const double id[5] = {(double)p->kind, p->sigma, p->lower, p->upper, (double)(p->Op != NULL)};
    h = dlops_hash_bytes(0, id, sizeof id);
  }
  if (!dlops_ctx_trusted(c)) /* called by the user: agreed before any apply */
    err = dlops_ctx_agree(c, err, h, "proximal operators (kind, sigma, bounds, operator)");
  else if (err)
    dlops_ctx_mark(c, err);
  if (err) return err;
  slv_val v;
  err = slv_val_prepare(p, x, &v); /* its applies and copies agree (or mark) themselves */
  if (err) return err;
  dlops_scalar r[3];
  err = dlops_darray_multi_dot(v.n, v.xs, v.ys, v.conj, r);
  if (!err) *value = slv_val_finish(&v, r);
  slv_val_free(&v);
  return err;
}

/* ------------------------------------------------------------------ prox and gradient */
static int l2_prox(dlops_prox p, dlops_darray x, double tau, dlops_darray out) {
  const dlops_prox_l2_params *m = &p->prm;
  const double sigma = p->sigma, ta = tau * m->alpha;
  dlops_darray y = NULL;
  dlops_op Op1 = NULL;
  int err = 0;
  SLV_TRY(dlops_darray_duplicate(x, &y));
  SLV_TRY(dlops_darray_copy(x, y));
  if (p->Op) {
    dlops_solver_opts so;
    dlops_solver_opts_default(&so);
    so.niter = m->niter;
    so.variant = m->variant;
    dlops_darray sol = NULL;
    SLV_TRY(dlops_darray_duplicate(p->x0, &sol));
    err = dlops_darray_copy(p->x0, sol);
    if (!err && m->solver == DLOPS_L2_SOLVER_CG) {
      /* (I + tau sigma Op^H Op) x = x_in + tau sigma Op^H b - tau alpha q */
      err = dlops_darray_axpby(slv_s(tau), p->OpTb, slv_s(1.0), y);
      if (!err && p->q) err = dlops_darray_axpby(slv_s(-ta), p->q, slv_s(1.0), y);
      if (!err) err = normop_create(p->Op, tau * sigma, p->x0, &Op1);
      if (!err) err = dlops_solve_cg(Op1, y, sol, &so, NULL);
    } else if (!err) {
      /* min || [sqrt(tau sigma) Op; I] x - [sqrt(tau sigma) b; y] || */
      double st = sqrt(tau * sigma);
      dlops_darray breg = NULL, b0, b1;
      if (p->q) err = dlops_darray_axpby(slv_s(-ta), p->q, slv_s(1.0), y);
      if (!err) err = vpair_create(p->Op, st, NULL, 1.0, p->x0, &Op1);
      if (!err) err = dlops_op_create_vecs(Op1, NULL, &breg);
      if (!err) err = part(breg, 0, &b0);
      if (!err) err = part(breg, 1, &b1);
      if (!err) err = dlops_darray_copy(p->b, b0);
      if (!err) err = dlops_darray_scale(b0, slv_s(st));
      if (!err) err = dlops_darray_copy(y, b1);
      if (!err) err = dlops_solve_cgls(Op1, breg, sol, &so, NULL);
      dlops_darray_destroy(&breg);
    }
    if (!err && m->warm) err = dlops_darray_copy(sol, p->x0);
    if (!err) err = dlops_darray_copy(sol, out);
    dlops_darray_destroy(&sol);
    if (err) goto done;
  } else {
    /* closed form: (x + tau sigma b - tau alpha q) / (1 + tau sigma) */
    if (p->b) SLV_TRY(dlops_darray_axpby(slv_s(tau * sigma), p->b, slv_s(1.0), y));
    if (p->q) SLV_TRY(dlops_darray_axpby(slv_s(-ta), p->q, slv_s(1.0), y));
    SLV_TRY(dlops_darray_scale(y, slv_s(1.0 / (1.0 + tau * sigma))));
    SLV_TRY(dlops_darray_copy(y, out));
  }
done:
  dlops_op_destroy(&Op1);
  dlops_darray_destroy(&y);
  return err;
}

int dlops_prox_apply(dlops_prox p, dlops_darray x, double tau, dlops_darray out) {
  /* L1, L0 and Box are local maps: their checks return locally. L2 with an operator solves with
   * CGLS (collective): its checks are agreed, so a bad argument on one rank fails every rank
   * (inside a solver, which agreed its arguments already, a failure marks the context). */
  int err = prox_check(p);
  const int coll = !err && p->kind == PROX_L2 && p->Op;
  dlops_ctx ctx = NULL;
  if (!err && !(x && out)) err = DLOPS_ERROR(NULL, DLOPS_ERR_ARG, "prox: null argument");
  if (!err) err = dlops_darray_get_ctx(x, &ctx);
  if (!err && !(tau > 0 && isfinite(tau)))
    err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "%s prox: tau must be > 0, got %g", prox_name(p), tau);
  if (!err && x != out) {
    /* layout check without touching out on failure; a borrowed or stale array keeps its code */
    dlops_darray t = NULL;
    err = dlops_darray_duplicate(out, &t);
    int e = err ? 0 : dlops_darray_copy(x, t);
    dlops_darray_destroy(&t);
    if (e) err = e != DLOPS_ERR_SIZE ? e : DLOPS_ERROR(ctx, DLOPS_ERR_SIZE, "%s prox: x and out have different layouts",
                                                        prox_name(p));
  }
  if (coll && !dlops_ctx_trusted(ctx))
    err = dlops_ctx_agree(ctx, err, dlops_hash_bytes(0, &tau, sizeof tau), "prox step sizes tau");
  else if (coll && err)
    dlops_ctx_mark(ctx, err);
  if (err) return err;
  switch (p->kind) {
    case PROX_L1: return slv_threshold(x, out, DLOPS_MAP_SOFT_THRESHOLD, tau * p->sigma, 0.0);
    case PROX_L0: return slv_threshold(x, out, DLOPS_MAP_HARD_CUT, tau * p->sigma, 0.0);
    case PROX_BOX: return slv_threshold(x, out, DLOPS_MAP_CLIP, p->lower, p->upper);
    default: return l2_prox(p, x, tau, out);
  }
}

int dlops_prox_grad(dlops_prox p, dlops_darray x, dlops_darray g) {
  /* local checks; agreed when the gradient applies an operator (collective), as in prox_apply */
  int err = prox_check(p);
  const int coll = !err && p->kind == PROX_L2 && p->Op;
  dlops_ctx ctx = NULL;
  if (!err && !(x && g)) err = DLOPS_ERROR(NULL, DLOPS_ERR_ARG, "prox gradient: null argument");
  if (!err) err = dlops_darray_get_ctx(x, &ctx);
  if (!err) err = dlops_darray_check_usable(x);
  if (!err) err = dlops_darray_check_usable(g);
  if (!err && p->kind != PROX_L2)
    err = DLOPS_ERROR(ctx, DLOPS_ERR_UNSUPPORTED, "%s has no gradient (only L2 does)", prox_name(p));
  if (!err && x == g) err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "prox gradient: x and g must be different arrays");
  if (coll && !dlops_ctx_trusted(ctx))
    err = dlops_ctx_agree(ctx, err, 0, NULL);
  else if (coll && err)
    dlops_ctx_mark(ctx, err);
  if (err) return err;
  dlops_darray t = NULL;
  if (p->Op) {
    SLV_TRY(dlops_darray_duplicate(p->b, &t));
    SLV_TRY(dlops_op_apply(p->Op, x, t));
    SLV_TRY(dlops_darray_axpby(slv_s(-1.0), p->b, slv_s(1.0), t));
    SLV_TRY(dlops_op_apply_adjoint(p->Op, t, g));
    SLV_TRY(dlops_darray_scale(g, slv_s(p->sigma)));
  } else {
    SLV_TRY(dlops_darray_copy(x, g));
    if (p->b) SLV_TRY(dlops_darray_axpby(slv_s(-1.0), p->b, slv_s(1.0), g));
    SLV_TRY(dlops_darray_scale(g, slv_s(p->sigma)));
  }
  if (p->q && p->prm.qgrad) SLV_TRY(dlops_darray_axpby(slv_s(p->prm.alpha), p->q, slv_s(1.0), g));
done:
  dlops_darray_destroy(&t);
  return err;
}

/* Values of f(x) and g(x) in one reduction (FUSED) or one each (BLOCKING). */
static int two_values(dlops_prox f, dlops_darray xf, dlops_prox g, dlops_darray xg, int blocking, double *vf,
                      double *vg) {
  if (blocking) {
    DLOPS_CALL(dlops_prox_value(f, xf, vf));
    return dlops_prox_value(g, xg, vg);
  }
  slv_val a, b;
  DLOPS_CALL(slv_val_prepare(f, xf, &a));
  int err = slv_val_prepare(g, xg, &b);
  if (err) {
    slv_val_free(&a);
    return err;
  }
  dlops_darray xs[6], ys[6];
  int cj[6];
  dlops_scalar r[6];
  for (int i = 0; i < a.n; i++) { xs[i] = a.xs[i]; ys[i] = a.ys[i]; cj[i] = a.conj[i]; }
  for (int i = 0; i < b.n; i++) { xs[a.n + i] = b.xs[i]; ys[a.n + i] = b.ys[i]; cj[a.n + i] = b.conj[i]; }
  err = dlops_darray_multi_dot(a.n + b.n, xs, ys, cj, r);
  if (!err) {
    *vf = slv_val_finish(&a, r);
    *vg = slv_val_finish(&b, r + a.n);
  }
  slv_val_free(&a);
  slv_val_free(&b);
  return err;
}

/* ------------------------------------------------------------------ proximal gradient */
int dlops_solve_proximal_gradient(dlops_prox proxf, dlops_prox proxg, dlops_darray x, const dlops_solver_opts *opts,
                                  dlops_solver_result *res) {
  dlops_ctx ctx = NULL;
  /* a failure here still joins the agreement the other ranks make in slv_begin */
  int e0 = x ? dlops_darray_get_ctx(x, &ctx) : DLOPS_ERROR(NULL, DLOPS_ERR_ARG, "proximal gradient: null x");
  if (!e0 && (!prox_live(proxf) || !prox_live(proxg)))
    e0 = DLOPS_ERROR(ctx, !proxf || !proxg ? DLOPS_ERR_ARG : DLOPS_ERR_STATE,
                     "proximal gradient: null or destroyed proxf or proxg");
  if (!e0 && proxf->kind != PROX_L2)
    e0 = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "proximal gradient: proxf must have a gradient (L2), got %s", prox_name(proxf));
  if (e0) return dlops_ctx_agree(ctx, e0, 0, NULL);
  slv_run R;
  slv_ckpt K; /* checkpoint */
  dlops_darray xw = NULL, y = NULL, xold = NULL, gr = NULL, v = NULL;
  int err = slv_begin(&R, ctx, opts, SLV_PG, "proximal gradient", 0.0);
  if (err) return err;
  const dlops_solver_opts *o = &R.o;
  if (!(o->tau > 0) || !isfinite(o->tau) || !isfinite(o->eta) || !(o->eta > 0) ||
      o->acceleration < DLOPS_ACCEL_NONE || o->acceleration > DLOPS_ACCEL_FISTA) {
    /* the options are the same on every rank (slv_begin compared them): so is this outcome */
    err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG,
                      "proximal gradient: need tau > 0 (got %g), eta > 0 (got %g) and a known acceleration (got %d)",
                      o->tau, o->eta, o->acceleration);
    goto done;
  }
  if (proxf->Op) /* x must have the layout of f's operator domain (agreed) */
    SLV_TRY(slv_setup("proximal gradient", proxf->Op, NULL, x, 0, &xw, NULL));
  else
    SLV_ALLOC(dlops_darray_duplicate(x, &xw));
  SLV_ALLOC(dlops_darray_duplicate(x, &y));
  SLV_ALLOC(dlops_darray_duplicate(x, &xold));
  SLV_ALLOC(dlops_darray_duplicate(x, &gr));
  SLV_ALLOC(dlops_darray_duplicate(x, &v));
  if (!err) err = dlops_darray_copy(x, xw); /* x borrowed on one rank, say */
  SLV_AGREE(); /* a failure on some rank: every rank leaves here */
  SLV_LOCAL(dlops_darray_copy(x, y));
  const double tau = o->tau;
  const int blocking = o->variant == DLOPS_SOLVER_BLOCKING;
  const int need_cost = o->tol > 0 || R.show || o->monitor || o->cost;
  int reason = DLOPS_SOLVER_RUNNING, stop = 0;
  int64_t it = 0;
  double t = 1.0, pfg = INFINITY, pf = NAN, pg = NAN;
  slv_ckpt_init(&K);
  slv_ckpt_arrays(&K, "x", &xw, "y", &y, NULL);
  slv_ckpt_doubles(&K, "t", &t, "pfg", &pfg, "pf", &pf, "pg", &pg, NULL);
  slv_ckpt_param(&K, "tau", tau);
  slv_ckpt_param(&K, "eta", o->eta);
  slv_ckpt_param(&K, "epsg", o->epsg);
  slv_ckpt_param(&K, "acceleration", o->acceleration);
  SLV_TRY(slv_ckpt_resume(&R, &K, &it, &reason));
  if (R.show && R.rank == 0) {
    slv_print(&R, "Accelerated Proximal Gradient\n---------------------------------------------------------\n");
    slv_print(&R, "Proximal operator (f): %s\nProximal operator (g): %s\n", prox_name(proxf), prox_name(proxg));
    if (o->epsg_array) slv_print(&R, "tau = %g\tepsg = Multi\n", tau);
    else slv_print(&R, "tau = %g\tepsg = %g\n", tau, o->epsg);
    slv_print(&R, "niter = %lld\ttol = %g\n", (long long)o->niter, o->tol);
    static const char *acc[] = {"None", "vandenberghe", "fista"};
    slv_print(&R, "niterback = 100\tacceleration = %s\n\n", acc[o->acceleration]);
    slv_print(&R, "   Itn       x[0]          f           g       J=f+eps*g       tau\n");
  }
  while (!reason) {
    if (it >= o->niter) { reason = DLOPS_STOP_MAXIT; break; }
    SLV_TRY(slv_ckpt_step(&R, &K, it)); /* between iterations */
    double eg = o->epsg_array ? o->epsg_array[it] : o->epsg;
    SLV_LOCAL(dlops_darray_copy(xw, xold));
    if (o->eta == 1.0) {
      SLV_TRY(dlops_prox_grad(proxf, y, gr));
      SLV_LOCAL(dlops_darray_copy(y, v));
      SLV_LOCAL(dlops_darray_axpby(slv_s(-tau), gr, slv_s(1.0), v));
      SLV_TRY(dlops_prox_apply(proxg, v, eg * tau, xw));
    } else {
      SLV_TRY(dlops_prox_grad(proxf, xw, gr));
      SLV_LOCAL(dlops_darray_copy(xw, v));
      SLV_LOCAL(dlops_darray_axpby(slv_s(-tau), gr, slv_s(1.0), v));
      SLV_TRY(dlops_prox_apply(proxg, v, eg * tau, v));
      SLV_LOCAL(dlops_darray_axpby(slv_s(-1.0), xw, slv_s(1.0), v)); /* p - x */
      SLV_LOCAL(dlops_darray_axpby(slv_s(o->eta), v, slv_s(1.0), xw));
    }
    double omega = 0.0;
    if (o->acceleration == DLOPS_ACCEL_VANDENBERGHE) {
      omega = (double)it / (double)(it + 3);
    } else if (o->acceleration == DLOPS_ACCEL_FISTA) {
      double told = t;
      t = (1.0 + sqrt(1.0 + 4.0 * t * t)) / 2.0;
      omega = (told - 1.0) / t;
    }
    SLV_LOCAL(dlops_darray_copy(xw, v));
    SLV_LOCAL(dlops_darray_axpby(slv_s(-1.0), xold, slv_s(1.0), v)); /* x - xold */
    SLV_LOCAL(dlops_darray_copy(xw, y));
    SLV_LOCAL(dlops_darray_axpby(slv_s(omega), v, slv_s(1.0), y));
    it++;
    if (need_cost) {
      double pfgold = pfg;
      SLV_TRY(two_values(proxf, xw, proxg, xw, blocking, &pf, &pg));
      pfg = pf + eg * pg;
      int64_t i = it - 1;
      int64_t every = o->niter / 10;
      if (i < 10 || o->niter - i < 10 || (every > 0 && i % every == 0))
        slv_print(&R, "%6g  %12.5e  %10.3e  %10.3e  %10.3e  %10.3e\n", (double)it, R.rank == 0 ? slv_x0_real(xw) : 0.0,
                  pf, pg, pfg, tau);
      SLV_TRY(slv_record(&R, it, pf, pg, pfg, NAN, 1, xw, &stop));
      if (isnan(pfg)) { reason = DLOPS_DIVERGED_NAN; break; }
      if (o->tol > 0 && fabs(1.0 - pfg / pfgold) < o->tol) { reason = DLOPS_CONVERGED_TOL; break; }
      if (stop) { reason = DLOPS_STOPPED_BY_USER; break; }
    }
  }
  if (R.show) slv_print(&R, "\nTotal time (s) = %.2f\n---------------------------------------------------------\n\n",
                        slv_elapsed(&R));
  SLV_LOCAL(dlops_darray_copy(xw, x));
  slv_result(&R, res, it, reason, pf, pg);
done:
  slv_end(&R);
  dlops_darray_destroy(&xw);
  dlops_darray_destroy(&y);
  dlops_darray_destroy(&xold);
  dlops_darray_destroy(&gr);
  dlops_darray_destroy(&v);
  return err;
}

/* ------------------------------------------------------------------ ADMM with L2 misfit */
int dlops_solve_admm_l2(dlops_prox proxg, dlops_op Op, dlops_darray b, dlops_op A, dlops_darray x, dlops_darray z,
                        const dlops_solver_opts *opts, dlops_solver_result *res) {
  dlops_ctx ctx = NULL;
  DLOPS_CALL(slv_ctx(Op, "admm", &ctx));
  if (!prox_live(proxg) || !A)
    return dlops_ctx_agree(ctx, DLOPS_ERROR(ctx, proxg && A ? DLOPS_ERR_STATE : DLOPS_ERR_ARG,
                                            "admm: null or destroyed proxg, or null A"), 0, NULL);
  slv_run R;
  slv_ckpt K; /* checkpoint */
  dlops_darray xw = NULL, bw = NULL, zw = NULL, u = NULL, Ax = NULL, v = NULL, breg = NULL, r = NULL;
  dlops_op Opreg = NULL;
  int err = slv_begin(&R, ctx, opts, SLV_ADMM, "admm", 0.0);
  if (err) return err;
  const dlops_solver_opts *o = &R.o;
  if (!(o->tau > 0) || !isfinite(o->tau) || o->inner_niter < 0 || (o->use_z0 && !z))
    err = DLOPS_ERROR(ctx, DLOPS_ERR_ARG, "admm: need tau > 0 (got %g), inner_niter >= 0, and z when use_z0", o->tau);
  SLV_AGREE(); /* z may be NULL on one rank only */
  SLV_TRY(slv_setup("admm", Op, b, x, 0, &xw, &bw));
  SLV_ALLOC(dlops_op_create_vecs(A, NULL, &Ax));
  if (Ax) SLV_ALLOC(dlops_darray_duplicate(Ax, &zw));
  if (zw) SLV_ALLOC(dlops_darray_duplicate(zw, &u));
  if (zw) SLV_ALLOC(dlops_darray_duplicate(zw, &v));
  SLV_ALLOC(dlops_darray_duplicate(bw, &r));
  if (!err && z) { /* z must have A's range layout (checked by a copy into zw or a scratch copy) */
    dlops_darray t = NULL;
    int e = o->use_z0 ? dlops_darray_copy(z, zw) : dlops_darray_duplicate(zw, &t);
    if (!e && t) e = dlops_darray_copy(z, t);
    dlops_darray_destroy(&t);
    if (e) err = DLOPS_ERROR(ctx, e == DLOPS_ERR_MEM ? e : DLOPS_ERR_SIZE, "admm: z does not have A's range layout");
  }
  SLV_AGREE(); /* a failure on some rank: every rank leaves here */
  SLV_LOCAL(dlops_op_apply(A, xw, Ax)); /* also checks that x fits A's domain */
  if (!o->use_z0) SLV_LOCAL(dlops_darray_copy(Ax, zw));
  const double tau = o->tau, s = 1.0 / sqrt(tau);
  SLV_TRY(vpair_create(Op, 1.0, A, s, xw, &Opreg));
  SLV_ALLOC(dlops_op_create_vecs(Opreg, NULL, &breg));
  SLV_AGREE();
  dlops_darray b0, b1;
  SLV_LOCAL(part(breg, 0, &b0));
  SLV_LOCAL(part(breg, 1, &b1));
  dlops_solver_opts io;
  dlops_solver_opts_default(&io);
  io.niter = o->inner_niter;
  io.tol = o->inner_tol;
  io.variant = o->variant;
  const int blocking = o->variant == DLOPS_SOLVER_BLOCKING;
  const int need_cost = R.show || o->monitor || o->cost;
  int reason = DLOPS_SOLVER_RUNNING, stop = 0;
  int64_t it = 0;
  double pf = NAN, pg = NAN;
  slv_ckpt_init(&K); /* A x, v, r and the inner CGLS are recomputed each iteration */
  slv_ckpt_arrays(&K, "x", &xw, "z", &zw, "u", &u, NULL);
  slv_ckpt_doubles(&K, "pf", &pf, "pg", &pg, NULL);
  slv_ckpt_param(&K, "tau", tau);
  slv_ckpt_param(&K, "gfirst", o->gfirst);
  SLV_TRY(slv_ckpt_resume(&R, &K, &it, &reason));
  if (R.show && R.rank == 0) {
    slv_print(&R, "ADMM\n---------------------------------------------------------\n");
    slv_print(&R, "Proximal operator (g): %s\ntau = %10e\tniter = %lld\n\n", prox_name(proxg), tau, (long long)o->niter);
    slv_print(&R, "   Itn       x[0]          f           g       J = f + g\n");
  }
  while (!reason) {
    if (it >= o->niter) { reason = DLOPS_STOP_MAXIT; break; }
    SLV_TRY(slv_ckpt_step(&R, &K, it)); /* between iterations */
    if (o->gfirst) {
      SLV_LOCAL(dlops_op_apply(A, xw, Ax));
      SLV_LOCAL(dlops_darray_copy(Ax, v));
      SLV_LOCAL(dlops_darray_axpby(slv_s(1.0), u, slv_s(1.0), v));
      SLV_TRY(dlops_prox_apply(proxg, v, tau, zw));
    }
    /* x = argmin ||[Op; s A] x - [b; s (z - u)]|| by CGLS from x */
    SLV_LOCAL(dlops_darray_copy(bw, b0));
    SLV_LOCAL(dlops_darray_copy(zw, b1));
    SLV_LOCAL(dlops_darray_axpby(slv_s(-1.0), u, slv_s(1.0), b1));
    SLV_LOCAL(dlops_darray_scale(b1, slv_s(s)));
    SLV_TRY(dlops_solve_cgls(Opreg, breg, xw, &io, NULL));
    if (!o->gfirst) {
      SLV_LOCAL(dlops_op_apply(A, xw, Ax));
      SLV_LOCAL(dlops_darray_copy(Ax, v));
      SLV_LOCAL(dlops_darray_axpby(slv_s(1.0), u, slv_s(1.0), v));
      SLV_TRY(dlops_prox_apply(proxg, v, tau, zw));
    }
    /* u = u + A x - z (gfirst: with A x from before the x update, as PyLops) */
    SLV_LOCAL(dlops_darray_axpby(slv_s(1.0), Ax, slv_s(1.0), u));
    SLV_LOCAL(dlops_darray_axpby(slv_s(-1.0), zw, slv_s(1.0), u));
    it++;
    if (need_cost) {
      /* f = 0.5 ||Op x - b||^2, g = proxg(A x) */
      SLV_LOCAL(dlops_op_apply(Op, xw, r));
      SLV_LOCAL(dlops_darray_axpby(slv_s(-1.0), bw, slv_s(1.0), r));
      slv_val gv;
      SLV_TRY(slv_val_prepare(proxg, Ax, &gv));
      dlops_darray xs[4] = {r}, ys[4] = {r};
      int cj[4] = {1};
      dlops_scalar d[4];
      for (int i = 0; i < gv.n; i++) { xs[1 + i] = gv.xs[i]; ys[1 + i] = gv.ys[i]; cj[1 + i] = gv.conj[i]; }
      if (blocking) {
        err = dlops_darray_multi_dot(1, xs, ys, cj, d);
        if (!err) err = dlops_darray_multi_dot(gv.n, xs + 1, ys + 1, cj + 1, d + 1);
      } else {
        err = dlops_darray_multi_dot(1 + gv.n, xs, ys, cj, d);
      }
      if (!err) {
        pf = 0.5 * d[0].re;
        pg = slv_val_finish(&gv, d + 1);
      }
      slv_val_free(&gv);
      if (err) goto done;
      int64_t i = it - 1, every = o->niter / 10;
      if (i < 10 || o->niter - i < 10 || (every > 0 && i % every == 0))
        slv_print(&R, "%6g  %12.5e  %10.3e  %10.3e  %10.3e\n", (double)it, R.rank == 0 ? slv_x0_real(xw) : 0.0, pf, pg,
                  pf + pg);
      SLV_TRY(slv_record(&R, it, pf, pg, pf + pg, NAN, 1, xw, &stop));
      if (isnan(pf + pg)) { reason = DLOPS_DIVERGED_NAN; break; }
      if (stop) { reason = DLOPS_STOPPED_BY_USER; break; }
    }
  }
  if (R.show) slv_print(&R, "\nTotal time (s) = %.2f\n---------------------------------------------------------\n\n",
                        slv_elapsed(&R));
  SLV_LOCAL(dlops_darray_copy(xw, x));
  if (z) SLV_LOCAL(dlops_darray_copy(zw, z));
  slv_result(&R, res, it, reason, pf, pg);
done:
  slv_end(&R);
  dlops_op_destroy(&Opreg);
  dlops_darray_destroy(&xw);
  dlops_darray_destroy(&bw);
  dlops_darray_destroy(&zw);
  dlops_darray_destroy(&u);
  dlops_darray_destroy(&Ax);
  dlops_darray_destroy(&v);
  dlops_darray_destroy(&breg);
  dlops_darray_destroy(&r);
  return err;
}
