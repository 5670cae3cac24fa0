/* Cached ghost-cell layouts (issue 11). dlops_darray_add_ghost_cells learns what its neighbours
 * ask for on the first call with given arguments and reuses it afterwards; this program checks
 *   - the cost of a repeated call, exactly: the dlops counters show one metadata message (the
 *     argument agreement, whose record carries the cache check) and the exchange's neighbour
 *     messages and bytes, nothing else; the MPI calls made (counted by PMPI interposition,
 *     dlops_mpi_count.h) are one MPI_Allreduce and the exchange (two-sided: point-to-point only;
 *     rma: its validation allreduce and, by sync mode, one fence or one PSCW epoch, no window
 *     allocation); no heap allocation is made by libdlops (outside AddressSanitizer builds);
 *   - that the cache never gives a wrong answer: every call's ghosted block is compared with the
 *     serial slice, while the arguments change on every rank, on one rank only, alternate between
 *     cached layouts, differ by rank, after a failed call, on masked arrays (per-group neighbours),
 *     with an empty rank, on a middle axis (pack buffers) and for two arrays of one layout;
 *   - that a changed argument on any rank makes every rank learn again (the allgather is back).
 * Runs at NP 1-4 on both backends and on the emulated device. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "darray_check.h"
#include "dlops_mpi_count.h"

static int P, me;
static int is_rma, sync_fence, sync_pscw;
static int64_t record_bytes; /* bytes of one agreement record */

typedef struct {
  dlops_comm_counter k[DLOPS_COMM_NUM_KINDS];
  long long mpi[MC_NUM];
  long long allocs;
} cost;

typedef struct {
  int nd;
  int64_t gshape[3];
  int axis;
  dlops_dtype t;
  int masked; /* colours rank % 2 */
  const int64_t *sizes; /* explicit axis sizes per rank, or NULL */
  dlops_darray x;
  void *g; /* global array */
  int gs, gi; /* my group's size and my index in it */
  int64_t *gsz; /* group members' sizes along the axis */
} arr;

static void arr_make(dlops_ctx ctx, arr *a) {
  int *c = malloc(sizeof(int) * (size_t)P);
  for (int r = 0; r < P; r++) c[r] = a->masked ? r % 2 : -1;
  t_group(c, P, me, &a->gs, &a->gi);
  a->gsz = calloc((size_t)a->gs, sizeof(int64_t));
  for (int r = 0, k = 0; r < P; r++)
    if (c[r] == c[me]) {
      a->gsz[k] = a->sizes ? a->sizes[r] : t_split_size(a->gshape[a->axis], a->gs, k);
      k++;
    }
  a->x = NULL;
  T_REQUIRE(dlops_darray_create_ext(ctx, a->nd, a->gshape, a->axis, DLOPS_SCATTER, a->t, a->sizes ? a->sizes[me] : -1,
                                    c[me], dlops_test_mem, &a->x));
  int64_t n = t_prod(a->gshape, a->nd);
  a->g = t_global(n, a->t, 1234 + (unsigned long long)a->axis);
  T_CALL(dlops_darray_scatter(a->x, a->g, -1));
  free(c);
}

static void arr_free(arr *a) {
  dlops_darray_destroy(&a->x);
  free(a->g);
  free(a->gsz);
}

/* One call with this rank's (front, back); checks the ghosted block against the serial slice,
 * returns the call's code and fills *cs with what it cost. want_err: expected failure code. */
static int ghost_call(dlops_ctx ctx, arr *a, int64_t front, int64_t back, cost *cs, int want_err, const char *what) {
  const size_t es = dlops_dtype_size(a->t);
  int64_t gsh[DLOPS_MAX_NDIM] = {0};
  int64_t fr = a->gi > 0 ? front : 0, bk = a->gi < a->gs - 1 ? back : 0;
  memcpy(gsh, a->gshape, sizeof(int64_t) * (size_t)a->nd);
  gsh[a->axis] = a->gsz[a->gi] + fr + bk;
  int64_t ngh = t_prod(gsh, a->nd);
  void *gh = malloc((size_t)(ngh > 0 ? ngh : 1) * es);
  memset(gh, 0x5a, (size_t)(ngh > 0 ? ngh : 1) * es);
  T_CALL(dlops_ctx_reset_counters(ctx));
  MPI_Barrier(MPI_COMM_WORLD);
  mc_start();
  int err = dlops_darray_add_ghost_cells(a->x, front, back, gh);
  mc_stop();
  memcpy(cs->mpi, mc_count, sizeof cs->mpi);
  cs->allocs = mc_allocs;
  for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) T_CALL(dlops_ctx_get_counter(ctx, (dlops_comm_kind)k, &cs->k[k]));
  if (want_err) {
    T_CHECK(err == want_err, "%s: expected code %d, got %d (%s)", what, want_err, err, dlops_last_error());
  } else {
    T_CHECK(err == DLOPS_SUCCESS, "%s: failed: %s", what, dlops_last_error());
    if (!err) {
      int64_t off = 0;
      for (int q = 0; q < a->gi; q++) off += a->gsz[q];
      void *exp = malloc((size_t)(ngh > 0 ? ngh : 1) * es);
      t_extract(a->g, a->nd, a->gshape, a->axis, off - fr, gsh[a->axis], es, exp);
      T_CHECK(!memcmp(exp, gh, (size_t)ngh * es),
              "%s: ghosted block differs from the serial slice (front %lld back %lld)", what, (long long)front,
              (long long)back);
      free(exp);
    }
  }
  free(gh);
  return err;
}

/* The cost of a call that reused its layout: exactly the agreement and the exchange. sent_msgs /
 * sent_bytes: what this rank sends (messages with a nonzero count). predicted: the exchange
 * repeats the previous one's pattern, or follows the pattern that followed it last time (rma
 * lock_all puts first to the predicted pattern; a wrong prediction costs a second round: puts,
 * flush and a barrier). */
static void check_hit_p(const arr *a, const cost *cs, int64_t sent_msgs, int64_t sent_bytes, int moved, int predicted,
                        const char *what) {
  char buf[512];
  mc_format(cs->mpi, buf, sizeof buf);
  for (int k = 0; k < DLOPS_COMM_NUM_KINDS; k++) {
    const dlops_comm_counter *c = &cs->k[k];
    if (k == DLOPS_COMM_META) {
      T_CHECK(c->calls == 1 && c->messages == 1 && c->bytes == record_bytes,
              "%s: metadata calls/messages/bytes %lld/%lld/%lld, expected 1/1/%lld (one agreement)", what,
              (long long)c->calls, (long long)c->messages, (long long)c->bytes, (long long)record_bytes);
    } else if (k == DLOPS_COMM_NEIGHBOR) {
      T_CHECK(c->calls == 1 && c->messages == sent_msgs && c->bytes == sent_bytes,
              "%s: neighbour calls/messages/bytes %lld/%lld/%lld, expected 1/%lld/%lld", what, (long long)c->calls,
              (long long)c->messages, (long long)c->bytes, (long long)sent_msgs, (long long)sent_bytes);
    } else {
      T_CHECK(c->calls == 0 && c->messages == 0 && c->bytes == 0, "%s: counter %s %lld/%lld/%lld, expected none",
              what, dlops_comm_kind_name((dlops_comm_kind)k), (long long)c->calls, (long long)c->messages,
              (long long)c->bytes);
    }
  }
  /* the MPI calls behind it */
  const long long *m = cs->mpi;
  long long other = mc_sync_calls(m) - m[MC_ALLREDUCE] - m[MC_ISEND] - m[MC_IRECV] - m[MC_FENCE] - m[MC_POST] -
                    m[MC_START] - m[MC_COMPLETE] - m[MC_WAIT] - m[MC_FLUSH_ALL];
  if (is_rma && !sync_fence && !sync_pscw && !predicted) other -= m[MC_BARRIER];
  T_CHECK(other == 0 && m[MC_GET] == 0 && m[MC_ACCUMULATE] == 0 && m[MC_FETCH_AND_OP] == 0,
          "%s: unexpected MPI calls: %s", what, buf);
  if (!is_rma || a->gs == 1) { /* (the exchange runs on the group: alone, nothing to exchange) */
    T_CHECK(m[MC_ALLREDUCE] == 1 && m[MC_FENCE] + m[MC_POST] + m[MC_START] + m[MC_FLUSH_ALL] + m[MC_PUT] == 0,
            "%s: MPI calls %s, expected one MPI_Allreduce and point-to-point messages", what, buf);
    T_CHECK(m[MC_ISEND] <= 2 && m[MC_IRECV] <= 2, "%s: MPI calls %s", what, buf);
  } else {
    /* the agreement and the exchange's validation; one epoch */
    T_CHECK(m[MC_ALLREDUCE] == 2 && m[MC_ISEND] + m[MC_IRECV] == 0,
            "%s: MPI calls %s, expected two MPI_Allreduce (agreement, pattern check) and no point-to-point", what,
            buf);
    if (!moved)
      T_CHECK(m[MC_FENCE] + m[MC_POST] + m[MC_START] + m[MC_FLUSH_ALL] + m[MC_BARRIER] == 0,
              "%s: MPI calls %s, expected no epoch (nothing moves)", what, buf);
    else if (sync_fence)
      T_CHECK(m[MC_FENCE] == 1, "%s: MPI calls %s, expected one fence", what, buf);
    else if (sync_pscw)
      T_CHECK(m[MC_FENCE] == 0 && m[MC_POST] <= 1 && m[MC_START] <= 1 && m[MC_WAIT] == m[MC_POST] &&
                  m[MC_COMPLETE] == m[MC_START],
              "%s: MPI calls %s, expected at most one PSCW epoch", what, buf);
    else if (predicted)
      T_CHECK(m[MC_FENCE] == 0 && m[MC_FLUSH_ALL] <= 1, "%s: MPI calls %s, expected puts and one flush", what, buf);
    else
      T_CHECK(m[MC_FENCE] == 0 && m[MC_FLUSH_ALL] <= 2 && m[MC_BARRIER] <= 1,
              "%s: MPI calls %s, expected puts, flushes and at most one barrier", what, buf);
  }
  if (mc_alloc_counted())
    T_CHECK(cs->allocs == 0, "%s: libdlops made %lld heap allocations in a repeated call", what, cs->allocs);
}


/* What this rank sends in a call where rank q of my group asks (fq[q], bq[q]); whether anything
 * moves in the group. */
static int sent_by_me(const arr *a, const int64_t *fq, const int64_t *bq, int64_t *msgs, int64_t *bytes) {
  int64_t slab = 1;
  for (int d = 0; d < a->nd; d++)
    if (d != a->axis) slab *= a->gshape[d];
  int64_t to_prev = a->gi > 0 ? bq[a->gi - 1] : 0, to_next = a->gi < a->gs - 1 ? fq[a->gi + 1] : 0;
  *msgs = (to_prev * slab > 0) + (to_next * slab > 0);
  *bytes = (to_prev + to_next) * slab * (int64_t)dlops_dtype_size(a->t);
  int moved = 0;
  for (int q = 0; q < a->gs; q++) moved |= ((q > 0 ? fq[q] : 0) + (q < a->gs - 1 ? bq[q] : 0)) * slab > 0;
  return moved;
}

/* a call that found its layout, all ranks of my group asking (fq, bq) */
static void check_hit(const arr *a, const cost *cs, const int64_t *fq, const int64_t *bq, int predicted,
                      const char *what) {
  int64_t msgs, bytes;
  int moved = sent_by_me(a, fq, bq, &msgs, &bytes);
  check_hit_p(a, cs, msgs, bytes, moved, predicted, what);
}

/* group members' arguments when every rank r of the context asks (f(r), b(r)) */
static void group_args(const arr *a, int64_t (*f)(int, int64_t), int64_t (*b)(int, int64_t), int64_t v, int64_t *fq,
                       int64_t *bq) {
  for (int r = 0, k = 0; r < P; r++)
    if (!a->masked || r % 2 == me % 2) {
      fq[k] = f(r, v);
      bq[k] = b(r, v);
      k++;
    }
}
static int64_t c_const(int r, int64_t v) { (void)r; return v; }
static int64_t c_rot(int r, int64_t v) { return (v + r) % 3; }
static int64_t c_rot2(int r, int64_t v) { return (v + 2 * r + 1) % 3; }

/* twice the same call; the second must be a hit */
static void repeat_case(dlops_ctx ctx, arr *a, int64_t (*f)(int, int64_t), int64_t (*b)(int, int64_t), int64_t v,
                        const char *label) {
  char what[160];
  int64_t fq[8], bq[8];
  group_args(a, f, b, v, fq, bq);
  cost cs;
  for (int k = 0; k < 3; k++) {
    snprintf(what, sizeof what, "%s (v=%lld) call %d", label, (long long)v, k + 1);
    ghost_call(ctx, a, f(me, v), b(me, v), &cs, 0, what);
    if (k > 0) check_hit(a, &cs, fq, bq, k > 1, what);
  }
}

static void test_repeat(dlops_ctx ctx) {
  /* 2-D, both axes, every type; rows >= 3 per rank at NP <= 4 */
  for (int ax = 0; ax < 2; ax++)
    for (int ti = 0; ti < 4; ti++) {
      arr a = {2, {ax == 0 ? 13 : 3, ax == 0 ? 5 : 13, 0}, ax, t_dtypes[ti], 0, NULL, NULL, NULL, 0, 0, NULL};
      arr_make(ctx, &a);
      repeat_case(ctx, &a, c_const, c_const, 1, ax == 0 ? "2-D axis 0" : "2-D axis 1");
      repeat_case(ctx, &a, c_const, c_const, 0, ax == 0 ? "2-D axis 0, no cells" : "2-D axis 1, no cells");
      repeat_case(ctx, &a, c_rot, c_rot2, 1, ax == 0 ? "2-D axis 0, per-rank" : "2-D axis 1, per-rank");
      arr_free(&a);
    }
  /* 3-D middle axis (pack buffers) */
  arr a3 = {3, {2, 12, 3}, 1, DLOPS_F64, 0, NULL, NULL, NULL, 0, 0, NULL};
  arr_make(ctx, &a3);
  repeat_case(ctx, &a3, c_const, c_const, 2, "3-D middle axis");
  repeat_case(ctx, &a3, c_rot, c_rot2, 0, "3-D middle axis, per-rank");
  arr_free(&a3);
  /* masked: two groups, neighbours within each */
  arr am = {2, {9, 4, 0}, 0, DLOPS_C128, 1, NULL, NULL, NULL, 0, 0, NULL};
  arr_make(ctx, &am);
  repeat_case(ctx, &am, c_const, c_const, 1, "masked");
  repeat_case(ctx, &am, c_rot, c_rot2, 1, "masked, per-rank");
  arr_free(&am);
  /* an empty rank in the middle, no cells asked across it */
  int64_t *sizes = malloc(sizeof(int64_t) * (size_t)P), n = 0;
  for (int r = 0; r < P; r++) n += sizes[r] = r == 1 ? 0 : 2;
  arr ae = {2, {n, 3, 0}, 0, DLOPS_F32, 0, sizes, NULL, NULL, 0, 0, NULL};
  arr_make(ctx, &ae);
  repeat_case(ctx, &ae, c_const, c_const, 0, "empty rank");
  arr_free(&ae);
  free(sizes);
}

/* Changing arguments: every call is compared with the serial slice, and a call after a change on
 * any rank learns again (3 metadata messages: agreement, allgather, agreement). */
static void test_changes(dlops_ctx ctx) {
  arr a = {2, {16, 3, 0}, 0, DLOPS_F64, 0, NULL, NULL, NULL, 0, 0, NULL};
  arr_make(ctx, &a);
  cost cs;
  int64_t fq[8], bq[8];
  /* A, B, A, B, ...: both layouts stay cached (every rank changes) */
  for (int k = 0; k < 6; k++) {
    int64_t f = k % 2 ? 2 : 1, b = k % 2 ? 0 : 1;
    char what[80];
    snprintf(what, sizeof what, "alternating call %d", k + 1);
    ghost_call(ctx, &a, f, b, &cs, 0, what);
    if (k >= 2) {
      for (int q = 0; q < a.gs; q++) {
        fq[q] = f;
        bq[q] = b;
      }
      check_hit(&a, &cs, fq, bq, k >= 3, what);
    } else {
      T_CHECK(cs.k[DLOPS_COMM_META].messages == 3, "%s: %lld metadata messages, expected 3 (learning)", what,
              (long long)cs.k[DLOPS_COMM_META].messages);
    }
  }
  /* one rank changes its arguments: everyone learns, and everyone learns again when it changes back
   * (the other ranks' layouts for (1, 1) were learned with its other value) */
  const int odd = P - 1;
  const int64_t seq[5][2] = {{1, 1}, {1, 1}, {2, 1}, {1, 1}, {1, 1}};
  /* -1: either; alone, changing back finds its own layout for (1, 1) unchanged */
  const int learn[5] = {-1, 0, 1, P > 1 ? 1 : 0, 0};
  for (int k = 0; k < 5; k++) {
    int64_t f = me == odd ? seq[k][0] : 1, b = me == odd ? seq[k][1] : 1;
    char what[80];
    snprintf(what, sizeof what, "rank %d changes, call %d", odd, k + 1);
    ghost_call(ctx, &a, f, b, &cs, 0, what);
    if (learn[k] == 1)
      T_CHECK(cs.k[DLOPS_COMM_META].messages == 3, "%s: %lld metadata messages, expected 3 (learning)", what,
              (long long)cs.k[DLOPS_COMM_META].messages);
    if (learn[k] == 0) {
      for (int q = 0; q < a.gs; q++) {
        fq[q] = q == odd ? seq[k][0] : 1;
        bq[q] = q == odd ? seq[k][1] : 1;
      }
      check_hit(&a, &cs, fq, bq, 0, what);
    }
  }
  /* more layouts than the cache holds, cycled: always right */
  for (int k = 0; k < 14; k++) ghost_call(ctx, &a, k % 7 % 4, (k % 7 + 1) % 3, &cs, 0, "cycling 7 layouts");
  /* a failed call (one rank asks for more rows than its neighbour owns) leaves the cache usable */
  if (P > 1) {
    ghost_call(ctx, &a, 1, 1, &cs, 0, "before a failed call");
    ghost_call(ctx, &a, me == 0 ? 1 : 1, me == 0 ? 100 : 1, &cs, DLOPS_ERR_SIZE, "too many cells on rank 0");
    T_CHECK(cs.k[DLOPS_COMM_NEIGHBOR].bytes == 0, "a failed call sent %lld neighbour bytes",
            (long long)cs.k[DLOPS_COMM_NEIGHBOR].bytes);
    ghost_call(ctx, &a, 1, 1, &cs, 0, "after a failed call");
    for (int q = 0; q < a.gs; q++) fq[q] = bq[q] = 1;
    check_hit(&a, &cs, fq, bq, 0, "after a failed call");
  }
  /* a second array of the same layout has its own cache; the first keeps its own */
  ghost_call(ctx, &a, 1, 1, &cs, 0, "first array, (1, 1) cached");
  arr b2 = a;
  b2.x = NULL;
  b2.g = NULL;
  b2.gsz = NULL;
  arr_make(ctx, &b2);
  ghost_call(ctx, &b2, 1, 1, &cs, 0, "second array, first call");
  T_CHECK(cs.k[DLOPS_COMM_META].messages == 3, "second array: %lld metadata messages, expected 3 (learning)",
          (long long)cs.k[DLOPS_COMM_META].messages);
  /* the allocation counter works: the first call allocates the array's cache */
  T_CHECK(!mc_alloc_counted() || cs.allocs > 0, "second array, first call: no allocation counted");
  ghost_call(ctx, &a, 1, 1, &cs, 0, "first array again");
  for (int q = 0; q < a.gs; q++) fq[q] = bq[q] = 1;
  check_hit(&a, &cs, fq, bq, 0, "first array again");
  /* a duplicate starts without the original's cache */
  dlops_darray d = NULL;
  T_CALL(dlops_darray_duplicate(a.x, &d));
  T_CALL(dlops_darray_scatter(d, a.g, -1));
  dlops_darray keep = a.x;
  a.x = d;
  ghost_call(ctx, &a, 1, 1, &cs, 0, "duplicate, first call");
  T_CHECK(cs.k[DLOPS_COMM_META].messages == 3, "duplicate: %lld metadata messages, expected 3 (learning)",
          (long long)cs.k[DLOPS_COMM_META].messages);
  a.x = keep;
  dlops_darray_destroy(&d);
  arr_free(&b2);
  arr_free(&a);
}

int main(int argc, char **argv) {
  dlops_ctx ctx = dlops_test_init(&argc, &argv);
  dlops_ctx_get_size(ctx, &P);
  dlops_ctx_get_rank(ctx, &me);
  const char *b = "", *spec = "";
  dlops_ctx_get_backend(ctx, &b);
  dlops_ctx_get_spec(ctx, &spec);
  is_rma = !strcmp(b, "rma");
  sync_fence = strstr(spec, "sync=fence") != NULL;
  sync_pscw = strstr(spec, "sync=pscw") != NULL;
  record_bytes = strstr(spec, "deterministic=1") ? 2464 : 160;
  if (P > 8) dlops_test_skip(ctx, "at most 8 ranks");
  /* libdlops.so itself: "libdlops" would also match the GPU plugin libdlops_cuda.so, and the
   * watched range, from the lowest to the highest mapping, would then take in the libraries
   * mapped between the two (MPI's own allocations) */
  mc_watch_image("libdlops.so");
  test_repeat(ctx);
  test_changes(ctx);
  return dlops_test_finish(ctx);
}
