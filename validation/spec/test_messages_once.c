/* What a job prints, counted (label spec, NP 1..4): stdout and stderr of every rank go to a file
 * of its own while contexts are made, then the lines are counted over the ranks.
 *   - spec "help log=1" on a world context and then on three per-rank MPI_COMM_SELF contexts (the
 *     post-stack example's pattern): the backend list once in the job (rank 0), the log line of
 *     the world context once and that of the one-rank contexts once (rank 0), not once per
 *     context and rank;
 *   - a collective call that fails on one rank only (a bad spec on the last rank): every rank
 *     returns the same code and message, which names that rank (MPI_COMM_WORLD numbering);
 *     dlops_print_error prints it once in the job, on rank 0;
 *   - a local failure (a NULL pointer on a per-rank context): each rank's message names its own
 *     world rank (not "rank 0" of the one-rank context), and dlops_print_error prints on every
 *     rank that failed;
 *   - dlops_print_error(DLOPS_SUCCESS) prints nothing and returns 0;
 *   - with comm=rma log=1 the same way, the backend's window note is printed by rank 0 only, at
 *     most once per distinct text (not once per context). */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <unistd.h>

#include "dlops_test.h"

static int saved_out = -1, saved_err = -1;
static char path[256];

static void capture_begin(int rank) {
  fflush(stdout);
  fflush(stderr);
  snprintf(path, sizeof path, "messages_once.%d.%d.txt", (int)getpid(), rank);
  int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
  if (fd < 0) {
    fprintf(stderr, "cannot open %s\n", path);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  saved_out = dup(1);
  saved_err = dup(2);
  dup2(fd, 1);
  dup2(fd, 2);
  close(fd);
}

/* Stop capturing; count the lines containing each needle (n of them) into counts. */
static void capture_end(const char *const *needles, int n, long *counts) {
  fflush(stdout);
  fflush(stderr);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  for (int i = 0; i < n; i++) counts[i] = 0;
  FILE *f = fopen(path, "r");
  char line[2048];
  while (f && fgets(line, sizeof line, f))
    for (int i = 0; i < n; i++)
      if (strstr(line, needles[i])) counts[i]++;
  if (f) fclose(f);
  remove(path);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  dlops_test_rank_ = rank;
  unsetenv("DLOPS_SPEC");

  /* ---- help and log=1: world context, then per-rank local contexts */
  const char *needles[] = {"backends (spec key comm=NAME)", "[dlops] context on", "context on 1 ranks"};
  long cnt[3], tot[3];
  capture_begin(rank);
  dlops_ctx world = NULL, self[3] = {NULL, NULL, NULL};
  int e0 = dlops_ctx_create(MPI_COMM_WORLD, "help log=1", &world);
  int e1 = 0;
  for (int k = 0; k < 3; k++) e1 |= dlops_ctx_create(MPI_COMM_SELF, "help log=1", &self[k]);
  capture_end(needles, 3, cnt);
  T_CHECK(e0 == 0 && e1 == 0, "contexts with \"help log=1\": %d %d: %s", e0, e1, dlops_last_error());
  MPI_Allreduce(cnt, tot, 3, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  T_CHECK(tot[0] == 1, "help printed %ld times in the job (1 world + 3 local contexts on %d ranks), expected once",
          tot[0], size);
  T_CHECK(rank != 0 || cnt[0] == 1, "help not printed by rank 0 (%ld)", cnt[0]);
  long want_log = size == 1 ? 1 : 2; /* at NP 1 the world context is a one-rank context too */
  T_CHECK(tot[1] == want_log, "log line printed %ld times in the job, expected %ld", tot[1], want_log);
  T_CHECK(tot[2] == 1, "log line of the one-rank contexts printed %ld times in the job, expected once", tot[2]);
  T_CHECK(rank == 0 || cnt[1] == 0, "rank %d printed %ld log lines", rank, cnt[1]);

  /* ---- a backend's own log note (rma, when built): once per job, not once per communicator */
  char desc[4096];
  dlops_backends_describe(desc, sizeof desc);
  if (strstr(desc, "rma   [available]")) {
    const char *needles_rma[] = {"[dlops] rma backend:"};
    dlops_ctx rw = NULL, rs[3] = {NULL, NULL, NULL};
    capture_begin(rank);
    int r0 = dlops_ctx_create(MPI_COMM_WORLD, "comm=rma log=1", &rw);
    int r1 = 0;
    for (int k = 0; k < 3; k++) r1 |= dlops_ctx_create(MPI_COMM_SELF, "comm=rma log=1", &rs[k]);
    capture_end(needles_rma, 1, cnt);
    T_CHECK(r0 == 0 && r1 == 0, "rma contexts: %d %d: %s", r0, r1, dlops_last_error());
    MPI_Allreduce(cnt, tot, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
    /* the one-rank windows are shared-memory ones like the node's: the same note, printed once */
    T_CHECK(tot[0] >= 1 && tot[0] <= 2, "rma note printed %ld times in the job (1 world + 3 local contexts)", tot[0]);
    T_CHECK(rank == 0 || cnt[0] == 0, "rank %d printed the rma note", rank);
    for (int k = 0; k < 3; k++) T_CALL(dlops_ctx_destroy(&rs[k]));
    T_CALL(dlops_ctx_destroy(&rw));
  }

  /* ---- a collective call that fails on the last rank only */
  const char *spec = rank == size - 1 ? "comm=bogus" : "comm=mpi";
  dlops_ctx bad = NULL;
  char want[32];
  snprintf(want, sizeof want, " on rank %d:", size - 1);
  const char *needles2[] = {"unknown value 'bogus'", want};
  capture_begin(rank);
  int e = dlops_ctx_create(MPI_COMM_WORLD, spec, &bad);
  int r = dlops_print_error(e);
  capture_end(needles2, 2, cnt);
  T_CHECK(e == DLOPS_ERR_ARG && r == e, "bad spec on rank %d: code %d (print returned %d), expected %d", size - 1,
          e, r, DLOPS_ERR_ARG);
  T_CHECK(strstr(dlops_last_error(), want) && strstr(dlops_last_error(), "'bogus'"),
          "the agreed message does not name rank %d: %s", size - 1, dlops_last_error());
  MPI_Allreduce(cnt, tot, 2, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  T_CHECK(tot[0] == 1 && tot[1] == 1, "the agreed error printed %ld times (%ld naming rank %d), expected once",
          tot[0], tot[1], size - 1);
  T_CHECK(rank != 0 || cnt[0] == 1, "rank 0 did not print the agreed error");
  unsigned long h = dlops_test_msg_hash(), hh[2] = {h, ~h};
  MPI_Allreduce(MPI_IN_PLACE, hh, 2, MPI_UNSIGNED_LONG, MPI_MAX, MPI_COMM_WORLD);
  T_CHECK(hh[0] == h && hh[1] == ~h, "ranks return different messages: %s", dlops_last_error());

  /* ---- a local failure on a one-rank context: every rank's own world rank, printed by each */
  snprintf(want, sizeof want, " on rank %d:", rank);
  const char *needles3[] = {"null output pointer", want};
  capture_begin(rank);
  e = dlops_ctx_get_rank(self[0], NULL);
  r = dlops_print_error(e);
  int z = dlops_print_error(DLOPS_SUCCESS);
  capture_end(needles3, 2, cnt);
  T_CHECK(e == DLOPS_ERR_ARG && r == e && z == 0, "local failure: %d %d %d", e, r, z);
  T_CHECK(strstr(dlops_ctx_last_error(self[0]), want) != NULL, "rank %d: the message names another rank: %s", rank,
          dlops_ctx_last_error(self[0]));
  T_CHECK(cnt[0] == 1 && cnt[1] == 1, "rank %d printed its local error %ld times (%ld naming it)", rank, cnt[0],
          cnt[1]);

  for (int k = 0; k < 3; k++) T_CALL(dlops_ctx_destroy(&self[k]));
  return dlops_test_finish(world);
}
