/* Parity with PyLops-MPI: applies the dlops operators of <dir>/cases.txt (written by
 * pylops_parity.py) forward to <name>_x.npy and adjoint to <name>_y.npy and compares with
 * PyLops-MPI's outputs <name>_fwd.npy / <name>_adj.npy: max|dlops - pylops| / max|pylops| must be
 * <= 1e-12 (f64, c128) or 1e-5 (f32, c64).
 *
 * Stack cases (op BD, SBD, VS, HS, SVS: blockdiag, stacked_blockdiag, vstack, hstack,
 * stacked_vstack) are built from the dense blocks of <name>_mat.npy (dlops_op_create_matrix on
 * MPI_COMM_SELF): of each block list of K blocks, rank r of P owns the default split of the K
 * blocks (the same rule as rank_blocks() in pylops_parity.py), so the global operator is the
 * same at every P and the ranks' local sizes differ.
 *
 *   test_parity <dir>   golden files (validation/parity/golden), or the live directory of the
 *                       CTest fixture: <dir>/np<P>/ (PyLops-MPI run on P ranks) when present,
 *                       else <dir>/np1/; <dir>/SKIP (pylops_mpi not importable) skips.
 *
 * The .npy reader is self-contained (format 1.0-3.0, little endian, C order, <f4 <f8 <c8 <c16). */
#include <ctype.h>

#include "../deriv/deriv_test_util.h"

#define MAXBLK 32

typedef struct {
  char name[128], op[8], kind[16];
  dlops_dtype dtype;
  int ndim, order, edge, axis, naxes, nsamp, nweights;
  int64_t dims[DLOPS_MAX_NDIM];
  int axes[DLOPS_MAX_NDIM];
  double sampling[DLOPS_MAX_NDIM], weights[DLOPS_MAX_NDIM];
  int nblk[2];               /* stack cases: block lists "blocks" and "blocks2" */
  int64_t bm[2][MAXBLK], bn[2][MAXBLK]; /* rows x cols of each block */
} pcase;

static int is_stack_op(const char *op) {
  return !strcmp(op, "BD") || !strcmp(op, "SBD") || !strcmp(op, "VS") || !strcmp(op, "HS") || !strcmp(op, "SVS");
}

/* "3x2,2x4,..." -> rows/cols; returns the count, -1 if malformed or more than MAXBLK. */
static int parse_blocks(const char *v, int64_t *m, int64_t *n) {
  int k = 0;
  while (*v) {
    char *e;
    if (k == MAXBLK) return -1;
    m[k] = strtoll(v, &e, 10);
    if (e == v || *e != 'x') return -1;
    v = e + 1;
    n[k] = strtoll(v, &e, 10);
    if (e == v || m[k] < 0 || n[k] < 0) return -1;
    k++;
    if (*e == ',') e++;
    else if (*e) return -1;
    v = e;
  }
  return k;
}

/* Read a .npy file: returns malloc'ed data, *n elements, *t its dtype; NULL on failure. */
static void *read_npy(const char *path, int64_t *n, dlops_dtype *t) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  unsigned char pre[10];
  void *data = NULL;
  char *hdr = NULL;
  if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) goto fail;
  size_t hl;
  if (pre[6] == 1) {
    hl = pre[8] | (size_t)pre[9] << 8;
  } else {
    unsigned char b[2];
    if (fread(b, 1, 2, f) != 2) goto fail;
    hl = pre[8] | (size_t)pre[9] << 8 | (size_t)b[0] << 16 | (size_t)b[1] << 24;
  }
  hdr = calloc(hl + 1, 1);
  if (!hdr || fread(hdr, 1, hl, f) != hl) goto fail;
  if (strstr(hdr, "'fortran_order': True")) goto fail;
  if (strstr(hdr, "'<f4'")) *t = DLOPS_F32;
  else if (strstr(hdr, "'<f8'")) *t = DLOPS_F64;
  else if (strstr(hdr, "'<c8'")) *t = DLOPS_C64;
  else if (strstr(hdr, "'<c16'")) *t = DLOPS_C128;
  else goto fail;
  char *s = strstr(hdr, "'shape':");
  if (!s || !(s = strchr(s, '('))) goto fail;
  int64_t cnt = 1;
  for (s++; *s && *s != ')';) {
    if (isdigit((unsigned char)*s)) {
      cnt *= strtoll(s, &s, 10);
    } else {
      s++;
    }
  }
  size_t es = dlops_dtype_size(*t);
  data = malloc((size_t)(cnt ? cnt : 1) * es);
  if (!data || fread(data, es, (size_t)cnt, f) != (size_t)cnt) goto fail;
  *n = cnt;
  free(hdr);
  fclose(f);
  return data;
fail:
  free(hdr);
  free(data);
  fclose(f);
  return NULL;
}

static int parse_list_i64(const char *v, int64_t *out) {
  int k = 0;
  for (char *e; *v && k < DLOPS_MAX_NDIM; v = *e ? e + 1 : e) out[k++] = strtoll(v, &e, 10);
  return k;
}
static int parse_list_int(const char *v, int *out) {
  int k = 0;
  for (char *e; *v && k < DLOPS_MAX_NDIM; v = *e ? e + 1 : e) out[k++] = (int)strtol(v, &e, 10);
  return k;
}
static int parse_list_dbl(const char *v, double *out) {
  int k = 0;
  for (char *e; *v && k < DLOPS_MAX_NDIM; v = *e ? e + 1 : e) out[k++] = strtod(v, &e);
  return k;
}

static int parse_case(char *line, pcase *c) {
  memset(c, 0, sizeof *c);
  for (char *tok = strtok(line, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
    char *eq = strchr(tok, '=');
    if (!eq) return -1;
    *eq = 0;
    const char *k = tok, *v = eq + 1;
    if (!strcmp(k, "name")) snprintf(c->name, sizeof c->name, "%s", v);
    else if (!strcmp(k, "op")) snprintf(c->op, sizeof c->op, "%s", v);
    else if (!strcmp(k, "kind")) snprintf(c->kind, sizeof c->kind, "%s", v);
    else if (!strcmp(k, "dtype")) c->dtype = !strcmp(v, "f32") ? DLOPS_F32 : !strcmp(v, "f64") ? DLOPS_F64 : !strcmp(v, "c64") ? DLOPS_C64 : DLOPS_C128;
    else if (!strcmp(k, "dims")) c->ndim = parse_list_i64(v, c->dims);
    else if (!strcmp(k, "order")) c->order = atoi(v);
    else if (!strcmp(k, "edge")) c->edge = atoi(v);
    else if (!strcmp(k, "axis")) c->axis = atoi(v);
    else if (!strcmp(k, "axes")) c->naxes = parse_list_int(v, c->axes);
    else if (!strcmp(k, "sampling")) c->nsamp = parse_list_dbl(v, c->sampling);
    else if (!strcmp(k, "weights")) c->nweights = parse_list_dbl(v, c->weights);
    else if (!strcmp(k, "blocks") || !strcmp(k, "blocks2")) {
      int g = k[6] == '2';
      if ((c->nblk[g] = parse_blocks(v, c->bm[g], c->bn[g])) < 0) return -1;
    }
  }
  if (!c->name[0] || !c->op[0]) return -1;
  if (is_stack_op(c->op)) {
    int two = !strcmp(c->op, "SBD") || !strcmp(c->op, "SVS");
    return c->nblk[0] > 0 && (!two || c->nblk[1] > 0) ? 0 : -1;
  }
  return c->ndim > 0 ? 0 : -1;
}

/* Number of elements of the dense blocks of the case (both lists). */
static int64_t mat_count(const pcase *c) {
  int64_t s = 0;
  for (int g = 0; g < 2; g++)
    for (int k = 0; k < c->nblk[g]; k++) s += c->bm[g][k] * c->bn[g][k];
  return s;
}

/* Blockdiag (vstack, hstack: kind "BD", "VS", "HS") of this rank's blocks of list g: the default
 * split of the list's K blocks over the P ranks; mats holds every block of both lists. */
static int create_rank_stack(dlops_ctx ctx, dlops_ctx self, const pcase *c, int g, const char *kind,
                             const void *mats, dlops_op *A) {
  int P, r;
  dlops_ctx_get_size(ctx, &P);
  dlops_ctx_get_rank(ctx, &r);
  int K = c->nblk[g], q = K / P, m = K % P;
  int first = r * q + (r < m ? r : m), cnt = q + (r < m);
  size_t es = dlops_dtype_size(c->dtype);
  int64_t off = 0;
  for (int gg = 0; gg < g; gg++)
    for (int k = 0; k < c->nblk[gg]; k++) off += c->bm[gg][k] * c->bn[gg][k];
  for (int k = 0; k < first; k++) off += c->bm[g][k] * c->bn[g][k];
  dlops_op ops[MAXBLK];
  int nops = 0, err = 0;
  for (int k = first; k < first + cnt && !err; k++) {
    err = dlops_op_create_matrix(self, c->bm[g][k], c->bn[g][k], c->dtype, (const char *)mats + (size_t)off * es,
                                 &ops[nops]);
    if (!err) nops++;
    off += c->bm[g][k] * c->bn[g][k];
  }
  /* the collective create runs even after a failed local create, so no rank is left waiting */
  int cerr = !strcmp(kind, "VS")   ? dlops_op_create_vstack(ctx, nops, ops, A)
             : !strcmp(kind, "HS") ? dlops_op_create_hstack(ctx, nops, ops, A)
                                   : dlops_op_create_blockdiag(ctx, nops, ops, -1, A);
  if (!err) err = cerr;
  if (err) dlops_op_destroy(A);
  for (int k = 0; k < nops; k++) dlops_op_destroy(&ops[k]);
  return err;
}

static int create_stack_case(dlops_ctx ctx, dlops_ctx self, const pcase *c, const void *mats, dlops_op *A) {
  if (!strcmp(c->op, "BD") || !strcmp(c->op, "VS") || !strcmp(c->op, "HS"))
    return create_rank_stack(ctx, self, c, 0, c->op, mats, A);
  dlops_op pair[2] = {NULL, NULL};
  int err = create_rank_stack(ctx, self, c, 0, "BD", mats, &pair[0]);
  if (!err) err = create_rank_stack(ctx, self, c, 1, "BD", mats, &pair[1]);
  if (!err)
    err = !strcmp(c->op, "SBD") ? dlops_op_create_stacked_blockdiag(2, pair, A)
                                : dlops_op_create_stacked_vstack(2, pair, A);
  dlops_op_destroy(&pair[0]);
  dlops_op_destroy(&pair[1]);
  return err;
}

static int create_case(dlops_ctx ctx, const pcase *c, dlops_op *A) {
  dlops_deriv_kind k = !strcmp(c->kind, "forward") ? DLOPS_DERIV_FORWARD
                       : !strcmp(c->kind, "backward") ? DLOPS_DERIV_BACKWARD
                                                      : DLOPS_DERIV_CENTERED;
  if (!strcmp(c->op, "D1"))
    return dlops_op_create_first_derivative(ctx, c->ndim, c->dims, c->axis, c->sampling[0], k, c->order, c->edge,
                                            c->dtype, A);
  if (!strcmp(c->op, "D2"))
    return dlops_op_create_second_derivative(ctx, c->ndim, c->dims, c->axis, c->sampling[0], k, c->edge, c->dtype, A);
  if (!strcmp(c->op, "LAP"))
    return dlops_op_create_laplacian(ctx, c->ndim, c->dims, c->naxes, c->axes, c->weights, c->sampling, k, c->edge,
                                     c->dtype, A);
  return dlops_op_create_gradient(ctx, c->ndim, c->dims, c->sampling, k, c->edge, c->dtype, A);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  int P, me;
  dlops_ctx_get_size(ctx, &P);
  dlops_ctx_get_rank(ctx, &me);
  if (argc < 2) dlops_test_skip(ctx, "usage: test_parity <dir>");
  char dir[1024], path[1200], reason[600];
  snprintf(dir, sizeof dir, "%s", argv[1]);
  /* live fixture layout */
  snprintf(path, sizeof path, "%s/SKIP", dir);
  FILE *f = fopen(path, "r");
  if (f) {
    char buf[500] = "";
    size_t r = fread(buf, 1, sizeof buf - 1, f);
    buf[r] = 0;
    fclose(f);
    snprintf(reason, sizeof reason, "pylops_mpi not importable: %s", buf);
    dlops_test_skip(ctx, reason);
  }
  snprintf(path, sizeof path, "%s/cases.txt", dir);
  if (!(f = fopen(path, "r"))) {
    char sub[1024];
    snprintf(sub, sizeof sub, "%.1000s/np%d", dir, P);
    snprintf(path, sizeof path, "%s/cases.txt", sub);
    if (!(f = fopen(path, "r"))) {
      snprintf(sub, sizeof sub, "%.1000s/np1", dir);
      snprintf(path, sizeof path, "%s/cases.txt", sub);
      f = fopen(path, "r");
    }
    if (!f) {
      snprintf(reason, sizeof reason, "pylops_mpi not importable: no PyLops-MPI outputs under %.500s", dir);
      dlops_test_skip(ctx, reason);
    }
    memcpy(dir, sub, sizeof dir);
  }
  if (me == 0) printf("parity against %s\n", dir);
  dlops_ctx self = NULL;
  self = dlops_test_self_ctx(ctx);
  char line[2048];
  int ncase = 0;
  while (fgets(line, sizeof line, f)) {
    pcase c;
    if (line[0] == '\n' || line[0] == '#') continue;
    if (parse_case(line, &c)) {
      T_CHECK(0, "malformed case line in %s", path);
      continue;
    }
    ncase++;
    void *arr[5] = {NULL, NULL, NULL, NULL, NULL};
    int64_t n[5] = {0, 0, 0, 0, 0};
    static const char *const tag[5] = {"x", "y", "fwd", "adj", "mat"};
    int ok = 1, stack = is_stack_op(c.op);
    for (int k = 0; k < 4 + stack; k++) {
      char p[1400];
      dlops_dtype t;
      snprintf(p, sizeof p, "%s/%s_%s.npy", dir, c.name, tag[k]);
      arr[k] = read_npy(p, &n[k], &t);
      T_CHECK(arr[k] && t == c.dtype, "%s: cannot read %s (or dtype differs)", c.name, p);
      ok &= arr[k] && t == c.dtype;
    }
    if (stack && ok) {
      T_CHECK(n[4] == mat_count(&c), "%s: %lld block entries, the blocks need %lld", c.name, (long long)n[4],
              (long long)mat_count(&c));
      ok = n[4] == mat_count(&c);
    }
    dlops_op A = NULL;
    /* every rank reads the same files, so ok agrees and no rank skips a collective create */
    if (stack) {
      if (ok) T_CALL(create_stack_case(ctx, self, &c, arr[4], &A));
    } else {
      T_CALL(create_case(ctx, &c, &A));
    }
    if (ok && A) {
      int64_t nr, nc;
      dlops_op_get_shape(A, &nr, &nc);
      T_CHECK(n[0] == nc && n[2] == nr && n[1] == nr && n[3] == nc, "%s: array sizes do not match the operator", c.name);
      if (n[0] == nc && n[2] == nr && n[1] == nr && n[3] == nc) {
        size_t es = dlops_dtype_size(c.dtype);
        void *out = malloc((size_t)(nr > nc ? nr : nc) * es);
        double tol = dlops_test_tol(c.dtype), e[2];
        for (int adj = 0; adj < 2; adj++) {
          T_CALL(apply_global(A, adj, arr[adj], out));
          e[adj] = rel_diff(out, arr[2 + adj], adj ? nc : nr, c.dtype);
          T_CHECK(e[adj] <= tol, "%s: %s differs from PyLops-MPI: rel %g > %g", c.name, adj ? "adjoint" : "forward",
                  e[adj], tol);
        }
        if (me == 0) printf("parity %-24s %-4s fwd %.3e adj %.3e\n", c.name, dlops_dtype_name(c.dtype), e[0], e[1]);
        free(out);
      }
    }
    dlops_op_destroy(&A);
    for (int k = 0; k < 5; k++) free(arr[k]);
  }
  fclose(f);
  dlops_ctx_destroy(&self);
  T_CHECK(ncase > 0, "no cases in %s", path);
  return dlops_test_finish(ctx);
}
