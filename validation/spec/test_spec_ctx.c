/* Spec strings through dlops_ctx_create on MPI_COMM_WORLD, at every rank count and backend:
 *   - a spec of 5000+ characters selects what it says (the parser used to keep 511 bytes);
 *   - deterministic=1 shows in the canonical spec, and ranks that disagree on it all fail;
 *   - repeated keys fail with DLOPS_ERR_ARG on every rank, also when only one rank's spec has
 *     one (label badinput). */
#include "dlops_test.h"

static char *padded(size_t n, const char *a, const char *b) {
  char *s = malloc(n + strlen(a) + strlen(b) + 2);
  memset(s, ' ', n);
  sprintf(s + n, "%s %s", a, b);
  return s;
}

/* create with spec; returns the canonical spec (static buffer) or NULL on failure */
static const char *canon_of(const char *spec, int *err) {
  static char out[256];
  dlops_ctx c = NULL;
  *err = dlops_ctx_create(MPI_COMM_WORLD, spec, &c);
  if (*err) {
    T_CHECK(c == NULL, "failed create left a handle");
    return NULL;
  }
  const char *s = "";
  dlops_ctx_get_spec(c, &s);
  snprintf(out, sizeof out, "%s", s);
  dlops_ctx_destroy(&c);
  return out;
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  int rank = 0;
  dlops_ctx_get_rank(ctx, &rank);
  const char *env = getenv("DLOPS_SPEC");
  const char *base = env ? env : "";
  const char *want = "", *backend = "";
  T_CALL(dlops_ctx_get_spec(ctx, &want));
  T_CALL(dlops_ctx_get_backend(ctx, &backend));
  int rma = !strcmp(backend, "rma");
  int err;

  /* long specs select what they say */
  char *s = padded(5000, base, "");
  const char *got = canon_of(s, &err);
  T_CHECK(!err && got && !strcmp(got, want), "5000 spaces + \"%s\": %s (expected \"%s\")", base,
          got ? got : dlops_last_error(), want);
  free(s);
  s = padded(5000, base, rma ? "sync=fence" : "log=0");
  got = canon_of(s, &err);
  T_CHECK(!err && got && strstr(got, rma ? "comm=rma" : "comm=mpi") &&
              (!rma || strstr(got, "sync=fence")),
          "5000 spaces + \"%s\" + one more key: %s", base, got ? got : dlops_last_error());
  free(s);
  s = padded(6000, base, "deterministic=1");
  got = canon_of(s, &err);
  T_CHECK(!err && got && strstr(got, backend) && strstr(got, " deterministic=1"),
          "long spec with deterministic=1: %s", got ? got : dlops_last_error());
  free(s);

  /* stage= shows in the canonical spec (auto is the default, not shown); ranks must agree on it */
  {
    char sp[256];
    snprintf(sp, sizeof sp, "comm=%s stage=never", backend);
    got = canon_of(sp, &err);
    T_CHECK(!err && got && strstr(got, " stage=never") && !strstr(got, "always"), "stage=never: %s",
            got ? got : dlops_last_error());
    snprintf(sp, sizeof sp, "comm=%s stage=always", backend);
    got = canon_of(sp, &err);
    T_CHECK(!err && got && strstr(got, " stage=always"), "stage=always: %s", got ? got : dlops_last_error());
    snprintf(sp, sizeof sp, "comm=%s stage=auto", backend);
    got = canon_of(sp, &err);
    T_CHECK(!err && got && !strstr(got, "stage="), "stage=auto: %s", got ? got : dlops_last_error());
    int size = 1;
    dlops_ctx_get_size(ctx, &size);
    if (size > 1) {
      snprintf(sp, sizeof sp, "comm=%s stage=%s", backend, rank == 0 ? "never" : "auto");
      dlops_ctx c = NULL;
      T_EXPECT_ERR(dlops_ctx_create(MPI_COMM_WORLD, sp, &c), DLOPS_ERR_ARG);
      T_CHECK(c == NULL, "disagreeing stage= left a handle");
    }
  }

  /* deterministic must agree over the ranks: the canonical specs differ, every rank fails */
  {
    char sp[256];
    snprintf(sp, sizeof sp, "%s deterministic=%d", base, rank == 0);
    dlops_ctx c = NULL;
    int size = 1;
    dlops_ctx_get_size(ctx, &size);
    if (size > 1) {
      T_EXPECT_ERR(dlops_ctx_create(MPI_COMM_WORLD, sp, &c), DLOPS_ERR_ARG);
      T_CHECK(c == NULL, "disagreeing deterministic left a handle");
    }
  }

  /* repeated keys: every rank fails with DLOPS_ERR_ARG and the same message */
  dlops_ctx c = NULL;
  T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, "comm=mpi comm=rma", &c), DLOPS_ERR_ARG);
  T_CHECK(c == NULL && strstr(dlops_last_error(), "'comm' given twice"), "message: %s", dlops_last_error());
  T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, "mpi comm=rma", &c), DLOPS_ERR_ARG);
  T_CHECK(c == NULL && strstr(dlops_last_error(), "given twice"), "message: %s", dlops_last_error());
  s = padded(5000, base, base[0] ? base : "comm=mpi comm=mpi");
  T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, s, &c), DLOPS_ERR_ARG);
  T_CHECK(c == NULL, "repeated long spec left a handle");
  free(s);
  T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, "sync=fence sync=pscw", &c), DLOPS_ERR_ARG);
  T_EXPECT_ALL(dlops_ctx_create(MPI_COMM_WORLD, "deterministic=1 deterministic=0", &c), DLOPS_ERR_ARG);
  /* only the last rank's spec repeats a key: every rank still fails */
  {
    int size = 1;
    dlops_ctx_get_size(ctx, &size);
    char sp[256];
    snprintf(sp, sizeof sp, "%s%s", base, rank == size - 1 ? " log=0 log=0" : "");
    T_EXPECT_ERR(dlops_ctx_create(MPI_COMM_WORLD, sp, &c), DLOPS_ERR_ARG);
    T_CHECK(c == NULL, "one-rank repeated key left a handle");
  }
  /* the test's own context still works after all the failures */
  int v = 0;
  T_CALL(dlops_ctx_get_size(ctx, &v));
  return dlops_test_finish(ctx);
}
