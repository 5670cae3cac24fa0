/* dlops_spec_parse (csrc/core/spec.c) without MPI or a context. Argument "good": accepted specs,
 * their fields and given-key bits, long specs, DLOPS_DETERMINISTIC. Argument "bad": every
 * rejection returns DLOPS_ERR_ARG with the expected words in the message (label badinput). */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlops.h"
#include "spec.h"
#include "serial_check.h"


/* spec parses; backend/mem/emu/sync/deterministic/given as listed (-1: not checked) */
static void good(const char *spec, int backend, int mem, int emu, int sync, int det, int given) {
  dlops_spec_fields f;
  char msg[256] = "untouched";
  int e = dlops_spec_parse(spec, &f, msg, sizeof msg);
  const char *s = spec ? spec : "(null)";
  CHECK(e == DLOPS_SUCCESS, "\"%.60s\" returned %d: %s", s, e, msg);
  if (e) return;
  CHECK(msg[0] == '\0', "\"%.60s\": success left a message '%s'", s, msg);
  CHECK(f.backend == backend, "\"%.60s\": backend %d, expected %d", s, f.backend, backend);
  CHECK(f.mem == mem && f.emu == emu, "\"%.60s\": mem %d emu %d, expected %d %d", s, f.mem, f.emu, mem, emu);
  CHECK(f.sync == sync, "\"%.60s\": sync %d, expected %d", s, f.sync, sync);
  CHECK(f.deterministic == det, "\"%.60s\": deterministic %d, expected %d", s, f.deterministic, det);
  if (given >= 0) CHECK(f.given == (unsigned)given, "\"%.60s\": given 0x%x, expected 0x%x", s, f.given, (unsigned)given);
  CHECK(dlops_spec_parse(spec, NULL, NULL, 0) == DLOPS_SUCCESS, "\"%.60s\": check-only call failed", s);
}

static void bad(const char *spec, const char *needle) {
  dlops_spec_fields f;
  char msg[512] = "";
  int e = dlops_spec_parse(spec, &f, msg, sizeof msg);
  CHECK(e == DLOPS_ERR_ARG, "\"%.60s\" returned %d, expected DLOPS_ERR_ARG", spec, e);
  CHECK(msg[0] != '\0', "\"%.60s\": no message", spec);
  if (needle) CHECK(strstr(msg, needle) != NULL, "\"%.60s\": message lacks \"%s\": %s", spec, needle, msg);
  char tiny[8];
  CHECK(dlops_spec_parse(spec, NULL, tiny, sizeof tiny) == DLOPS_ERR_ARG && strlen(tiny) < sizeof tiny,
        "\"%.60s\": small error buffer", spec);
  CHECK(dlops_spec_parse(spec, NULL, NULL, 0) == DLOPS_ERR_ARG, "\"%.60s\": no error buffer", spec);
}

/* n spaces, then tail */
static char *padded(size_t n, const char *tail) {
  char *s = malloc(n + strlen(tail) + 1);
  memset(s, ' ', n);
  strcpy(s + n, tail);
  return s;
}

static void test_good(void) {
  enum { MPI_ = 0, RMA = 1, NCCL = 2, FENCE = 0, PSCW = 1, LOCK_ALL = 2 };
  unsetenv("DLOPS_DETERMINISTIC");
  good(NULL, MPI_, 0, 0, LOCK_ALL, 0, 0);
  good("", MPI_, 0, 0, LOCK_ALL, 0, 0);
  good(" \t\n,;", MPI_, 0, 0, LOCK_ALL, 0, 0);
  good("comm=mpi", MPI_, 0, 0, LOCK_ALL, 0, DLOPS_SPEC_COMM);
  good("mpi", MPI_, 0, 0, LOCK_ALL, 0, DLOPS_SPEC_COMM);
  good("rma sync=pscw", RMA, 0, 0, PSCW, 0, DLOPS_SPEC_COMM | DLOPS_SPEC_SYNC);
  good("comm=rma,sync=fence;mem=host log=1", RMA, 0, 0, FENCE, 0,
       DLOPS_SPEC_COMM | DLOPS_SPEC_SYNC | DLOPS_SPEC_MEM | DLOPS_SPEC_LOG);
  good("mem=emu", MPI_, 1, 1, LOCK_ALL, 0, DLOPS_SPEC_MEM);
  good("mem=gpu", MPI_, 1, 0, LOCK_ALL, 0, DLOPS_SPEC_MEM);
  good("mem=cuda", MPI_, 1, 0, LOCK_ALL, 0, DLOPS_SPEC_MEM);
  good("comm=nccl", NCCL, 1, 0, LOCK_ALL, 0, DLOPS_SPEC_COMM); /* device by default */
  good("nccl mem=device", NCCL, 1, 0, LOCK_ALL, 0, DLOPS_SPEC_COMM | DLOPS_SPEC_MEM);
  good("deterministic=1", MPI_, 0, 0, LOCK_ALL, 1, DLOPS_SPEC_DETERMINISTIC);
  good("deterministic=0 comm=rma", RMA, 0, 0, LOCK_ALL, 0, DLOPS_SPEC_DETERMINISTIC | DLOPS_SPEC_COMM);
  good("help comm=rma", RMA, 0, 0, LOCK_ALL, 0, DLOPS_SPEC_COMM);
  good("help help comm=help", MPI_, 0, 0, LOCK_ALL, 0, 0); /* help is not a key: no repeat */
  {
    dlops_spec_fields f;
    CHECK(dlops_spec_parse("help", &f, NULL, 0) == DLOPS_SUCCESS && f.help, "help flag");
    CHECK(dlops_spec_parse("errors=abort stage=always", &f, NULL, 0) == DLOPS_SUCCESS && f.abort_on_error &&
              f.stage == 1 && !f.log && !f.help,
          "errors=abort stage=always");
    CHECK(dlops_spec_parse("errors=return stage=auto log=0", &f, NULL, 0) == DLOPS_SUCCESS && !f.abort_on_error &&
              f.stage == 0 && !f.log,
          "errors=return stage=auto log=0");
    CHECK(dlops_spec_parse("stage=never", &f, NULL, 0) == DLOPS_SUCCESS && f.stage == 2, "stage=never");
  }
  /* the environment: "1" on; unset, "" and "0" off; the spec key wins (a bad variable is then not read) */
  setenv("DLOPS_DETERMINISTIC", "1", 1);
  good("comm=mpi", MPI_, 0, 0, LOCK_ALL, 1, DLOPS_SPEC_COMM);
  good("deterministic=0", MPI_, 0, 0, LOCK_ALL, 0, DLOPS_SPEC_DETERMINISTIC);
  setenv("DLOPS_DETERMINISTIC", "0", 1);
  good("", MPI_, 0, 0, LOCK_ALL, 0, 0);
  setenv("DLOPS_DETERMINISTIC", "", 1);
  good("", MPI_, 0, 0, LOCK_ALL, 0, 0);
  setenv("DLOPS_DETERMINISTIC", "yes", 1);
  good("deterministic=1", MPI_, 0, 0, LOCK_ALL, 1, DLOPS_SPEC_DETERMINISTIC);
  unsetenv("DLOPS_DETERMINISTIC");

  /* any length: 5000 spaces, then the keys (the old parser kept 511 bytes and chose comm=mpi) */
  char *s = padded(5000, "comm=rma sync=fence");
  good(s, RMA, 0, 0, FENCE, 0, DLOPS_SPEC_COMM | DLOPS_SPEC_SYNC);
  free(s);
  s = padded(100000, "rma");
  good(s, RMA, 0, 0, LOCK_ALL, 0, DLOPS_SPEC_COMM);
  free(s);
  /* a long spec of many help tokens, then the keys */
  size_t n = 0;
  s = malloc(6000);
  while (n < 5000) n += (size_t)sprintf(s + n, "help,");
  strcpy(s + n, "comm=rma;deterministic=1");
  good(s, RMA, 0, 0, LOCK_ALL, 1, DLOPS_SPEC_COMM | DLOPS_SPEC_DETERMINISTIC);
  free(s);
}

static void test_bad(void) {
  unsetenv("DLOPS_DETERMINISTIC");
  bad("comm=mpo", "did you mean 'mpi'");
  bad("comm=MPI", "did you mean 'mpi'");
  bad("comm=rmaa", "did you mean 'rma'");
  bad("comm=", "did you mean");
  bad("comn=mpi", "did you mean 'comm'");
  bad("memory=host", "did you mean 'mem'");
  bad("=mpi", "did you mean");
  bad("mem=hots", "did you mean 'host'");
  bad("sync=fense", "did you mean 'fence'");
  bad("stage=alway", "did you mean 'always'");
  bad("errors=abrot", "did you mean 'abort'");
  bad("log=yes", "takes 0 or 1");
  bad("deterministic=2", "takes 0 or 1");
  bad("deterministic=", "takes 0 or 1");
  bad("determinstic=1", "did you mean 'deterministic'");
  bad("mpii", "did you mean 'comm=mpi'");
  bad("comm=nccl mem=host", "device memory only");
  /* sync= only for comm=rma (it was accepted and ignored with the other backends) */
  bad("comm=mpi sync=pscw", "spec key 'sync=pscw' applies to comm=rma only (one-sided windows), not comm=mpi");
  bad("sync=lock_all", "applies to comm=rma only");
  bad("comm=nccl sync=fence", "not comm=nccl");
  bad("mpi,sync=fence", "applies to comm=rma only");
  /* repeated keys, with either spelling of comm */
  bad("comm=mpi comm=rma", "spec key 'comm' given twice");
  bad("comm=mpi comm=mpi", "given twice");
  bad("mpi comm=rma", "spec key 'comm' given twice ('mpi' and 'comm=rma')");
  bad("rma mpi", "given twice");
  bad("sync=fence mem=host sync=pscw", "spec key 'sync' given twice");
  bad("mem=host,mem=emu", "'mem' given twice");
  bad("log=0;log=0", "'log' given twice");
  bad("errors=abort errors=return", "'errors' given twice");
  bad("stage=auto stage=always", "'stage' given twice");
  bad("deterministic=1 deterministic=1", "'deterministic' given twice");
  /* long specs: the error is found past any length, and the message quotes a bounded piece */
  char *s = padded(5000, "comm=mpi comm=rma");
  bad(s, "given twice");
  free(s);
  s = padded(5000, "comm=bogus");
  bad(s, "did you mean");
  free(s);
  s = malloc(5101);
  memset(s, 'x', 5100);
  s[5100] = '\0';
  memcpy(s, "comm=", 5);
  bad(s, "...");
  free(s);
  /* the environment variable */
  setenv("DLOPS_DETERMINISTIC", "yes", 1);
  bad("comm=mpi", "DLOPS_DETERMINISTIC");
  setenv("DLOPS_DETERMINISTIC", "10", 1);
  bad("", "takes 0 or 1");
  unsetenv("DLOPS_DETERMINISTIC");
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "good";
  if (!strcmp(what, "bad"))
    test_bad();
  else
    test_good();
  char title[64];
  snprintf(title, sizeof title, "spec_parse %s", what);
  return serial_check_report(title);
}
