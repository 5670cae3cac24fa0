/* Cached neighbour-exchange patterns of the RMA backend (issue 11), driven through the internal
 * communication interface (this program is built from the library's core, comm and mem sources).
 * Usage: test_comm_xpattern fence|pscw|lock_all
 *
 * Two contexts on MPI_COMM_WORLD, "comm=mpi" and "comm=rma sync=<mode>", run the same sequences
 * of neighbour exchanges drawn from 24 patterns: rings, pairs that leave the other ranks with an
 * empty list (so that a rank's own list is the same in different global patterns), several
 * messages to one peer with zero counts, one-way links, every pair, self messages, a large ring
 * (the window grows), one pattern in two element types, and enough variants to overflow the
 * cache (16 slots). Every element received is checked (it encodes source, target, message and
 * index). Sequences: alternations (the lock_all prediction), random draws (the same on every
 * rank), small after large; also on split communicators (sibling windows).
 *
 * The cost of a repeated exchange is asserted from the MPI calls made (PMPI interposition,
 * dlops_mpi_count.h): rma makes one MPI_Allreduce of its 8-byte pattern mask and one epoch (fence:
 * one MPI_Win_fence; pscw: at most one post/start/complete/wait; lock_all: puts and one flush,
 * the allreduce completing the round), no barrier, no window allocation, no point-to-point
 * message and no heap allocation; two-sided MPI makes point-to-point messages only. The
 * dlops counters of the two contexts are identical after identical work. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx_impl.h"
#include "dlops_mpi_count.h"
#include "dlops_test.h"

#define NPAT 24
#define MAXM 40
static int64_t BIG = 20000;

typedef struct {
  int n;
  dlops_nbr_msg m[MAXM];
  int k[MAXM]; /* index of the message among those with the same peer (self: 0) */
  dlops_ctype t;
} plist;

/* Messages between ranks lo < hi in pattern p: their number, counts lo->hi and hi->lo. */
static int pair_counts(int p, int lo, int hi, int64_t *up, int64_t *down) {
  int adj = hi - lo == 1;
  switch (p) {
    case 0: case 23: if (!adj) return 0; up[0] = 3; down[0] = 3; return 1;
    case 1: if (lo != 0 || hi != 1) return 0; up[0] = 7; down[0] = 2; return 1;
    case 2: if (lo != 1 || hi != 2) return 0; up[0] = 4; down[0] = 4; return 1;
    case 3: if (!adj) return 0; up[0] = 2; down[0] = 0; up[1] = 0; down[1] = 5; up[2] = 0; down[2] = 0; return 3;
    case 4: if (!adj) return 0; up[0] = 6; down[0] = 0; return 1;
    case 5: if (!adj) return 0; up[0] = BIG; down[0] = BIG + 1; return 1;
    case 6: up[0] = 1 + lo + hi; down[0] = 2 + hi; return 1;
    default: if (!adj) return 0; up[0] = p; down[0] = p % 3; return 1; /* 7..22: ring variants */
  }
}

static double enc(int src, int dst, int k, int64_t i) { return (double)(((src * 8 + dst) * 8 + k) * 100000 + i); }

/* This rank's list of pattern p on a communicator of P ranks, buffers allocated and filled. */
static void build(int p, int me, int P, plist *L) {
  L->n = 0;
  L->t = p == 23 ? DLOPS_CT_I32 : DLOPS_CT_F64;
  for (int qi = 0; qi < P; qi++) {
    int q = p % 2 ? P - 1 - qi : qi;
    int64_t up[4], down[4], s[4], r[4];
    int nm;
    if (q == me) {
      if (p != 6) continue;
      nm = 1;
      s[0] = r[0] = 3;
    } else {
      nm = pair_counts(p, me < q ? me : q, me < q ? q : me, up, down);
      for (int k = 0; k < nm; k++) {
        s[k] = me < q ? up[k] : down[k];
        r[k] = me < q ? down[k] : up[k];
      }
    }
    for (int k = 0; k < nm && L->n < MAXM; k++) {
      dlops_nbr_msg *m = &L->m[L->n];
      size_t es = dlops_ctype_size(L->t);
      void *sb = malloc((size_t)(s[k] + 1) * es), *rb = malloc((size_t)(r[k] + 1) * es);
      for (int64_t i = 0; i < s[k]; i++) {
        double v = enc(me, q, k, i);
        if (L->t == DLOPS_CT_I32) ((int32_t *)sb)[i] = (int32_t)v;
        else ((double *)sb)[i] = v;
      }
      memset(rb, 0xff, (size_t)(r[k] + 1) * es);
      *m = (dlops_nbr_msg){q, sb, s[k], rb, r[k]};
      L->k[L->n] = k;
      L->n++;
    }
  }
}

static void list_free(plist *L) {
  for (int i = 0; i < L->n; i++) {
    free((void *)L->m[i].sendbuf);
    free(L->m[i].recvbuf);
  }
  L->n = 0;
}

static void verify(const plist *L, int me, const char *what) {
  int bad = 0;
  for (int i = 0; i < L->n && !bad; i++) {
    const dlops_nbr_msg *m = &L->m[i];
    for (int64_t j = 0; j < m->rcount && !bad; j++) {
      double got = L->t == DLOPS_CT_I32 ? (double)((const int32_t *)m->recvbuf)[j] : ((const double *)m->recvbuf)[j];
      double want = enc(m->peer, me, L->k[i], j);
      if (got != want) {
        T_CHECK(0, "%s: message %d from %d, element %lld: got %.0f, expected %.0f", what, i, m->peer, (long long)j, got,
                want);
        bad = 1;
      }
    }
  }
}

static const char *mode = "fence";

/* One exchange of pattern p on c, checked; the MPI calls made are left in mc_count. Returns 1
 * when data moves between two ranks of c. */
static int run(dlops_comm *c, int p, const char *label) {
  plist L;
  build(p, c->rank, c->size, &L);
  int moved = 0;
  for (int i = 0; i < L.n; i++) moved |= L.m[i].peer != c->rank && (L.m[i].scount || L.m[i].rcount);
  MPI_Allreduce(MPI_IN_PLACE, &moved, 1, MPI_INT, MPI_MAX, c->mpi);
  char what[128];
  snprintf(what, sizeof what, "%s pattern %d (%s, P=%d)", label, p, c->ops->name, c->size);
  MPI_Barrier(MPI_COMM_WORLD);
  mc_start();
  int err = dlops_comm_neighbor(c, L.n, L.m, L.t, DLOPS_MEM_HOST);
  mc_stop();
  T_CHECK(err == DLOPS_SUCCESS, "%s: %s", what, dlops_last_error());
  if (!err) verify(&L, c->rank, what);
  list_free(&L);
  return moved;
}

/* the cost of the exchange just run (a repeated pattern; moved: data moved between ranks) */
static void check_cost(dlops_comm *c, int p, int moved, const char *label) {
  const long long *m = mc_count;
  char buf[512], what[128];
  mc_format(m, buf, sizeof buf);
  snprintf(what, sizeof what, "%s: repeated pattern %d on %s (P=%d)", label, p, c->ops->name, c->size);
  /* (two-sided MPI allocates its requests for more than 32 chunks: only with a tiny chunk limit) */
  if (mc_alloc_counted() && !(getenv("DLOPS_COMM_MAX_CHUNK") && strcmp(c->ops->name, "rma")))
    T_CHECK(mc_allocs == 0, "%s: %lld heap allocations", what, mc_allocs);
  long long sync = mc_sync_calls(m);
  if (strcmp(c->ops->name, "rma") || c->size == 1) {
    T_CHECK(sync == m[MC_ISEND] + m[MC_IRECV] && m[MC_PUT] == 0, "%s: MPI calls %s, expected point-to-point only",
            what, buf);
    return;
  }
  long long epoch = m[MC_FENCE] + m[MC_POST] + m[MC_START] + m[MC_COMPLETE] + m[MC_WAIT] + m[MC_FLUSH_ALL];
  T_CHECK(m[MC_ALLREDUCE] == 1 && sync == m[MC_ALLREDUCE] + epoch,
          "%s: MPI calls %s, expected one MPI_Allreduce (pattern mask) and one epoch", what, buf);
  T_CHECK(m[MC_FENCE] <= 1 && m[MC_POST] <= 1 && m[MC_START] <= 1 && m[MC_FLUSH_ALL] <= 1 &&
              m[MC_COMPLETE] == m[MC_START] && m[MC_WAIT] == m[MC_POST],
          "%s: MPI calls %s, expected at most one epoch", what, buf);
  if (!strcmp(mode, "fence"))
    T_CHECK(m[MC_FENCE] == moved, "%s: MPI calls %s, expected %d fence", what, buf, moved);
  if (!moved) T_CHECK(epoch == 0, "%s: MPI calls %s, expected no epoch (nothing moves)", what, buf);
}

/* p, p, p: the third is checked for its cost */
static void repeat(dlops_comm *c, int p, const char *label) {
  run(c, p, label);
  run(c, p, label);
  int moved = run(c, p, label);
  check_cost(c, p, moved, label);
}

/* a, b, a, b, ...: after one cycle every exchange is a repeated pattern (lock_all predicts it) */
static void alternate(dlops_comm *c, int a, int b, const char *label) {
  for (int k = 0; k < 8; k++) {
    int p = k % 2 ? b : a;
    int moved = run(c, p, label);
    if (k >= 4) check_cost(c, p, moved, label);
  }
}

static unsigned long long rng = 88172645463325252ULL;
static int draw(int n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (int)(rng % (unsigned long long)n);
}

static void sequences(dlops_comm *c, const char *label) {
  rng = 88172645463325252ULL; /* the same draws for both backends */
  for (int p = 0; p < NPAT; p++) repeat(c, p, label);
  alternate(c, 1, 2, label); /* ranks >= 3 (or 2) have an empty list in both */
  alternate(c, 0, 4, label);
  alternate(c, 3, 23, label); /* same geometry as 0 in another type, and duplicate peers */
  alternate(c, 5, 0, label);  /* large and small */
  /* random draws over every pattern (more than the cache holds): always right */
  for (int k = 0; k < 120; k++) run(c, draw(NPAT), label);
  /* a short random walk over three patterns: mostly hits */
  for (int k = 0; k < 40; k++) run(c, 1 + draw(3), label);
  repeat(c, 6, label);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int P, me;
  MPI_Comm_rank(MPI_COMM_WORLD, &dlops_test_rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &P);
  me = dlops_test_rank_;
  if (getenv("DLOPS_COMM_MAX_CHUNK")) BIG = 2000;
  mode = argc > 1 ? argv[1] : "fence";
  char spec[64];
  snprintf(spec, sizeof spec, "comm=rma sync=%s", mode);
  dlops_ctx cm = NULL, cr = NULL;
  T_REQUIRE(dlops_ctx_create(MPI_COMM_WORLD, "comm=mpi", &cm));
  T_REQUIRE(dlops_ctx_create(MPI_COMM_WORLD, spec, &cr));
  T_CHECK(!strcmp(cr->world->ops->name, "rma"), "backend is %s", cr->world->ops->name);
  /* allocations are counted when made from this program's own code (the library is compiled in) */
  const char *self = strrchr(argv[0], '/');
  mc_watch_image(self ? self + 1 : argv[0]);
  /* the allocation counter works: learning a pattern allocates its slot */
  run(cm->world, 22, "first");
  run(cr->world, 22, "first");
  if (P > 1) T_CHECK(!mc_alloc_counted() || mc_allocs > 0, "learning a pattern: no allocation counted");
  sequences(cm->world, "world");
  sequences(cr->world, "world");
  /* split communicators: sibling windows */
  dlops_comm *sm = NULL, *sr = NULL;
  T_CALL(dlops_comm_split(cm->world, me % 2, me, &sm));
  T_CALL(dlops_comm_split(cr->world, me % 2, me, &sr));
  if (sm && sr) {
    sequences(sm, "split");
    sequences(sr, "split");
  }
  dlops_comm_destroy(&sm);
  dlops_comm_destroy(&sr);
  /* identical work gives identical counters (time aside) */
  for (int kd = 0; kd < DLOPS_COMM_NUM_KINDS; kd++) {
    dlops_comm_counter a, b;
    T_CALL(dlops_ctx_get_counter(cm, (dlops_comm_kind)kd, &a));
    T_CALL(dlops_ctx_get_counter(cr, (dlops_comm_kind)kd, &b));
    T_CHECK(a.calls == b.calls && a.messages == b.messages && a.bytes == b.bytes,
            "counter %s: mpi %lld/%lld/%lld, rma %lld/%lld/%lld (calls/messages/bytes)",
            dlops_comm_kind_name((dlops_comm_kind)kd), (long long)a.calls, (long long)a.messages, (long long)a.bytes,
            (long long)b.calls, (long long)b.messages, (long long)b.bytes);
  }
  (void)P;
  dlops_ctx_destroy(&cm);
  return dlops_test_finish(cr);
}
