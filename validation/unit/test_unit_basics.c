/* Serial unit tests (one process, no mpiexec): error strings, dtype / partition / counter-kind
 * names and sizes, version macros, the backend description, spec parsing (accepted forms,
 * canonical spec, unknown keys and values with suggestions, backends not built), context queries
 * and the last-error messages. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include "dlops_test.h"

static void test_strings(void) {
  const char *seen[DLOPS_NUM_ERRORS];
  for (int c = 0; c < DLOPS_NUM_ERRORS; c++) {
    seen[c] = dlops_error_string(c);
    T_CHECK(seen[c] && seen[c][0], "error %d has no string", c);
    for (int d = 0; d < c; d++) T_CHECK(strcmp(seen[c], seen[d]) != 0, "errors %d and %d share '%s'", c, d, seen[c]);
  }
  T_CHECK(!strcmp(dlops_error_string(DLOPS_SUCCESS), "success"), "success string");
  T_CHECK(strstr(dlops_error_string(DLOPS_ERR_ARG), "argument") != NULL, "ERR_ARG string");
  T_CHECK(strstr(dlops_error_string(DLOPS_ERR_UNSUPPORTED), "unsupported") != NULL, "ERR_UNSUPPORTED string");
  const int bad[] = {-1, DLOPS_NUM_ERRORS, 1000, -1000};
  for (int i = 0; i < 4; i++) {
    const char *s = dlops_error_string(bad[i]);
    T_CHECK(s && strstr(s, "unknown") != NULL, "error %d: '%s'", bad[i], s ? s : "(null)");
  }
  /* codes are stable (Fortran and users hard-code them) */
  T_CHECK(DLOPS_SUCCESS == 0 && DLOPS_ERR_ARG == 1 && DLOPS_ERR_SIZE == 2 && DLOPS_ERR_STATE == 3 &&
              DLOPS_ERR_UNSUPPORTED == 4 && DLOPS_ERR_MEM == 5 && DLOPS_ERR_MPI == 6 && DLOPS_ERR_INTERNAL == 11,
          "error code values changed");

  static const char *const names[] = {"f32", "f64", "c64", "c128"};
  static const size_t sizes[] = {4, 8, 8, 16};
  for (int t = 0; t < DLOPS_NUM_DTYPES; t++) {
    T_CHECK(!strcmp(dlops_dtype_name((dlops_dtype)t), names[t]), "dtype %d name '%s'", t, dlops_dtype_name((dlops_dtype)t));
    T_CHECK(dlops_dtype_size((dlops_dtype)t) == sizes[t], "dtype %d size %zu", t, dlops_dtype_size((dlops_dtype)t));
  }
  T_CHECK(sizeof(float) == 4 && sizeof(double) == 8 && sizeof(float complex) == 8 && sizeof(double complex) == 16,
          "C types do not match the dtype sizes");
  T_CHECK(!strcmp(dlops_dtype_name((dlops_dtype)4), "?") && !strcmp(dlops_dtype_name((dlops_dtype)-1), "?"),
          "dtype name out of range");
  T_CHECK(dlops_dtype_size((dlops_dtype)4) == 0 && dlops_dtype_size((dlops_dtype)-1) == 0, "dtype size out of range");

  T_CHECK(!strcmp(dlops_partition_name(DLOPS_SCATTER), "scatter"), "partition name");
  T_CHECK(!strcmp(dlops_partition_name(DLOPS_BROADCAST), "broadcast"), "partition name");
  T_CHECK(!strcmp(dlops_partition_name(DLOPS_UNSAFE_BROADCAST), "unsafe_broadcast"), "partition name");
  T_CHECK(!strcmp(dlops_partition_name((dlops_partition)3), "?"), "partition name out of range");

  static const char *const kinds[] = {"allreduce", "allgather", "bcast", "reduce", "alltoallv", "neighbor", "split", "meta"};
  for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++)
    T_CHECK(!strcmp(dlops_comm_kind_name((dlops_comm_kind)k), kinds[k]), "kind %d name '%s'", k,
            dlops_comm_kind_name((dlops_comm_kind)k));
  T_CHECK(!strcmp(dlops_comm_kind_name(DLOPS_COMM_NUM_KINDS), "?"), "kind name out of range");

  T_CHECK(DLOPS_VERSION_GE(0, 0, 0) && DLOPS_VERSION_GE(DLOPS_VERSION_MAJOR, DLOPS_VERSION_MINOR, DLOPS_VERSION_PATCH),
          "DLOPS_VERSION_GE of an older version");
  T_CHECK(!DLOPS_VERSION_GE(DLOPS_VERSION_MAJOR + 1, 0, 0) &&
              !DLOPS_VERSION_GE(DLOPS_VERSION_MAJOR, DLOPS_VERSION_MINOR, DLOPS_VERSION_PATCH + 1),
          "DLOPS_VERSION_GE of a newer version");
}

static void test_describe(void) {
  char buf[4096];
  T_CALL(dlops_backends_describe(buf, sizeof buf));
  T_CHECK(strstr(buf, "mpi") && strstr(buf, "rma") && strstr(buf, "nccl"), "describe lacks a backend:\n%s", buf);
  T_CHECK(strstr(buf, "  mpi   [available]") != NULL, "mpi is not listed as available:\n%s", buf);
  T_CHECK(strstr(buf, "[not built]") == NULL || strstr(buf, "to enable") != NULL, "a missing backend has no hint:\n%s",
          buf);
  T_CHECK(strstr(buf, "host") != NULL, "describe lacks memory spaces:\n%s", buf);
  /* truncation is safe and NUL-terminated */
  for (size_t len = 1; len < 40; len += 7) {
    char small[64];
    memset(small, 'x', sizeof small);
    T_CALL(dlops_backends_describe(small, len));
    T_CHECK(strlen(small) < len && small[len] == 'x', "describe with len %zu overran or was not terminated", len);
  }
  T_EXPECT_ERR(dlops_backends_describe(NULL, 10), DLOPS_ERR_ARG);
  T_EXPECT_ERR(dlops_backends_describe(buf, 0), DLOPS_ERR_ARG);
}

static int built(const char *name) {
  char buf[4096], key[32];
  dlops_backends_describe(buf, sizeof buf);
  snprintf(key, sizeof key, "  %-5s [available]", name);
  return strstr(buf, key) != NULL;
}

/* A spec that must work, giving canonical spec `canon`. */
static void good_spec(const char *spec, const char *canon) {
  dlops_ctx c = NULL;
  int e = dlops_ctx_create(MPI_COMM_SELF, spec, &c);
  T_CHECK(e == DLOPS_SUCCESS && c, "spec \"%s\" failed: %s", spec ? spec : "(null)", dlops_last_error());
  if (!c) return;
  const char *s = NULL, *b = NULL;
  T_CALL(dlops_ctx_get_spec(c, &s));
  T_CALL(dlops_ctx_get_backend(c, &b));
  T_CHECK(s && !strcmp(s, canon), "spec \"%s\" gave canonical \"%s\", expected \"%s\"", spec ? spec : "(null)",
          s ? s : "", canon);
  T_CHECK(b && !strncmp(canon + 5, b, strlen(b)), "backend name '%s' for \"%s\"", b ? b : "", canon);
  int r = -1, n = -1;
  T_CALL(dlops_ctx_get_rank(c, &r));
  T_CALL(dlops_ctx_get_size(c, &n));
  T_CHECK(r == 0 && n == 1, "rank/size on MPI_COMM_SELF: %d/%d", r, n);
  MPI_Comm cc;
  T_CALL(dlops_ctx_get_comm(c, &cc));
  int cmp = MPI_UNEQUAL;
  MPI_Comm_compare(cc, MPI_COMM_SELF, &cmp);
  T_CHECK(cmp == MPI_CONGRUENT, "context communicator is not a duplicate (%d)", cmp);
  T_CHECK(dlops_ctx_last_error(c)[0] == '\0', "fresh context has an error message: %s", dlops_ctx_last_error(c));
  for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) {
    dlops_comm_counter ct;
    T_CALL(dlops_ctx_get_counter(c, (dlops_comm_kind)k, &ct));
    T_CHECK(ct.calls == 0 && ct.bytes == 0 && ct.messages == 0, "fresh context: counter %d not zero", k);
  }
  T_CALL(dlops_ctx_destroy(&c));
  T_CHECK(c == NULL, "destroy did not clear the handle");
}

/* A spec that must fail with code, the message containing `needle` (if not NULL). */
static void bad_spec(const char *spec, int code, const char *needle) {
  dlops_ctx c = (dlops_ctx)0x1;
  int e = dlops_ctx_create(MPI_COMM_SELF, spec, &c);
  T_CHECK(e == code, "spec \"%s\" returned %d (%s), expected %d; %s", spec, e, dlops_error_string(e), code,
          dlops_last_error());
  T_CHECK(c == NULL, "spec \"%s\": failed create left a handle", spec);
  T_CHECK(dlops_last_error()[0] != '\0', "spec \"%s\": no message", spec);
  if (needle) T_CHECK(strstr(dlops_last_error(), needle) != NULL, "spec \"%s\": message lacks \"%s\": %s", spec, needle,
                      dlops_last_error());
  if (c && c != (dlops_ctx)0x1) dlops_ctx_destroy(&c);
}

static void test_specs(void) {
  unsetenv("DLOPS_SPEC");
  const char *def = "comm=mpi mem=host";
  good_spec(NULL, def);
  good_spec("", def);
  good_spec("comm=mpi", def);
  good_spec("mpi", def);
  good_spec("comm=mpi,mem=host;log=0", def);
  good_spec(" \tcomm=mpi \n", def);
  good_spec("errors=return comm=mpi", def);
  good_spec("help comm=mpi", def); /* prints the list, then goes on */
  if (built("rma")) {
    good_spec("comm=rma", "comm=rma mem=host sync=lock_all");
    good_spec("rma sync=pscw", "comm=rma mem=host sync=pscw");
  }
  setenv("DLOPS_SPEC", "comm=mpi log=0", 1);
  good_spec(NULL, def);
  setenv("DLOPS_SPEC", "comm=nope", 1);
  bad_spec(NULL, DLOPS_ERR_ARG, "nope");
  good_spec("comm=mpi", def); /* an explicit spec wins over the environment */
  unsetenv("DLOPS_SPEC");

  bad_spec("comm=mpo", DLOPS_ERR_ARG, "did you mean 'mpi'");
  bad_spec("comm=MPI", DLOPS_ERR_ARG, "did you mean 'mpi'");
  bad_spec("comm=rmaa", DLOPS_ERR_ARG, "did you mean 'rma'");
  bad_spec("comm=nccll", DLOPS_ERR_ARG, "did you mean 'nccl'");
  bad_spec("comm=", DLOPS_ERR_ARG, "did you mean");
  bad_spec("comn=mpi", DLOPS_ERR_ARG, "did you mean 'comm'");
  bad_spec("memory=host", DLOPS_ERR_ARG, "did you mean 'mem'");
  bad_spec("=mpi", DLOPS_ERR_ARG, "did you mean");
  bad_spec("mem=hots", DLOPS_ERR_ARG, "did you mean 'host'");
  bad_spec("sync=fense", DLOPS_ERR_ARG, "did you mean 'fence'");
  bad_spec("errors=abrt", DLOPS_ERR_ARG, "did you mean 'abort'");
  bad_spec("log=yes", DLOPS_ERR_ARG, "log");
  bad_spec("mpj", DLOPS_ERR_ARG, "did you mean 'comm=mpi'");
  bad_spec("comm=mpi comm=bogus", DLOPS_ERR_ARG, "bogus");
  bad_spec("comm=nccl mem=host", DLOPS_ERR_ARG, "device");
  /* sync= is an rma key: refused with the other backends, not silently ignored */
  bad_spec("comm=mpi sync=pscw", DLOPS_ERR_ARG, "applies to comm=rma only");
  bad_spec("sync=fence", DLOPS_ERR_ARG, "'sync=fence' applies to comm=rma only");
  {
    /* device memory: without a CUDA build the message says how to get one; with CUDA but no GPU
     * (or before the CUDA memory space exists) it says what is missing */
    char buf[4096];
    dlops_backends_describe(buf, sizeof buf);
    int cuda = strstr(buf, "device [not built]") == NULL;
    bad_spec("mem=device", DLOPS_ERR_UNSUPPORTED, cuda ? "device" : "reconfigure with -DDLOPS_ENABLE_CUDA=ON");
    bad_spec("comm=mpi mem=device", DLOPS_ERR_UNSUPPORTED, cuda ? "device" : "-DDLOPS_ENABLE_CUDA=ON");
    /* the emulated device of test builds (this test suite is one) */
    T_CHECK(strstr(buf, "emu    [available]") != NULL, "help does not list mem=emu as available: %s", buf);
    good_spec("mem=emu", "comm=mpi mem=emu");
    good_spec("comm=mpi mem=emu stage=always", "comm=mpi mem=emu stage=always");
    good_spec("stage=auto mem=host", "comm=mpi mem=host");
    if (built("rma")) good_spec("comm=rma mem=emu", "comm=rma mem=emu sync=lock_all");
    bad_spec("mem=emu stage=sometimes", DLOPS_ERR_ARG, "did you mean");
    if (built("nccl")) bad_spec("comm=nccl mem=emu", DLOPS_ERR_ARG, "emulated device");
  }
  if (!built("nccl")) bad_spec("comm=nccl", DLOPS_ERR_UNSUPPORTED, "DLOPS_ENABLE_NCCL");
  if (!built("rma")) bad_spec("comm=rma", DLOPS_ERR_UNSUPPORTED, "DLOPS_ENABLE_RMA");
  /* the messages carry file:line context */
  bad_spec("comm=x", DLOPS_ERR_ARG, ".c:");
  T_CHECK(strstr(dlops_last_error(), "bad argument") != NULL, "message lacks the code's text: %s", dlops_last_error());
  T_CHECK(dlops_ctx_last_error(NULL) == dlops_last_error(), "ctx_last_error(NULL)");

  good_spec("comm=mpi", "comm=mpi mem=host"); /* and a good one still works afterwards */
  T_EXPECT_ERR(dlops_ctx_create(MPI_COMM_SELF, "comm=mpi", NULL), DLOPS_ERR_ARG);
  dlops_ctx c = NULL;
  T_EXPECT_ERR(dlops_ctx_create(MPI_COMM_NULL, "comm=mpi", &c), DLOPS_ERR_ARG);
  T_CHECK(c == NULL, "handle after failure");
  T_EXPECT_ERR(dlops_ctx_create_f(MPI_Comm_c2f(MPI_COMM_NULL), "comm=mpi", &c), DLOPS_ERR_ARG);
  T_CALL(dlops_ctx_create_f(MPI_Comm_c2f(MPI_COMM_SELF), "comm=mpi", &c));
  dlops_ctx_destroy(&c);
  /* the user's communicator keeps its error handler */
  MPI_Errhandler eh;
  MPI_Comm_get_errhandler(MPI_COMM_SELF, &eh);
  T_CHECK(eh == MPI_ERRORS_ARE_FATAL, "dlops changed MPI_COMM_SELF's error handler");
  MPI_Errhandler_free(&eh);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  test_strings();
  test_describe();
  test_specs();
  printf("checks: %ld passed, %ld failed\n", dlops_test_pass_, dlops_test_fail_);
  MPI_Finalize();
  return dlops_test_fail_ ? 1 : 0;
}
