/* The RMA backend driven directly through the internal communication interface (this program
 * is built from the library's core and comm sources, since those symbols are hidden in the
 * shared library). Usage: test_comm_rma_internal fence|pscw|lock_all
 *
 * Two contexts on MPI_COMM_WORLD, "comm=mpi" and "comm=rma sync=<mode>", run the same calls on
 * the same data. Every entry point is checked against a serial computation done here:
 *   - allreduce / reduce (every root), in place or not, f32/f64/i32/i64, sum/max/min, counts 0,
 *     1, P-1, P, 7, 100 and 20000 (the reduce-scatter path): rma must equal the rank-order serial
 *     reduction bit for bit on every rank; mpi must agree within tolerance (exactly for max/min
 *     and integers);
 *   - bcast from every root, allgatherv with uneven and zero counts, alltoallv with random
 *     counts (zeros, self blocks), neighbour exchange with self messages, duplicate peers and
 *     ranks that exchange nothing: exact element values (each encodes source, target, index);
 *   - window reuse and growth: the sequence runs three times, small after large;
 *   - split communicators (colour rank % 2) run an allreduce and a neighbour ring;
 *   - the counters of the two contexts are identical after identical work. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx_impl.h"
#include "dlops_test.h"

static int P, me;
/* large sizes: smaller when every message is cut into 5-element chunks, to stay fast */
static int64_t BIG = 20000, MID = 2500;

/* value of element i of rank r's contribution (integer types store it times 8) */
static double contrib(int seed, int r, int64_t i) {
  unsigned long long z = (unsigned long long)seed * 1315423911ULL + (unsigned long long)r * 2654435761ULL +
                         (unsigned long long)i * 40503ULL;
  z ^= z >> 13;
  z *= 0x5bd1e995ULL;
  z ^= z >> 15;
  /* not exactly representable, so that the summation order shows in the last bits */
  return (double)((long long)(z % 2001ULL) - 1000) / 7.0 + (double)(z % 97ULL) * 1e-3;
}

static void put_val(void *buf, int64_t i, dlops_ctype t, double v) {
  switch (t) {
    case DLOPS_CT_F32: ((float *)buf)[i] = (float)v; break;
    case DLOPS_CT_F64: ((double *)buf)[i] = v; break;
    case DLOPS_CT_I32: ((int32_t *)buf)[i] = (int32_t)(v * 8); break;
    case DLOPS_CT_I64: ((int64_t *)buf)[i] = (int64_t)(v * 8); break;
    default: break;
  }
}

static double get_val(const void *buf, int64_t i, dlops_ctype t) {
  switch (t) {
    case DLOPS_CT_F32: return ((const float *)buf)[i];
    case DLOPS_CT_F64: return ((const double *)buf)[i];
    case DLOPS_CT_I32: return ((const int32_t *)buf)[i];
    case DLOPS_CT_I64: return (double)((const int64_t *)buf)[i];
    default: return 0;
  }
}

/* serial rank-order reduction in the transport type, r = c0 op c1 op ... */
static void serial_reduce(int seed, int64_t count, dlops_ctype t, dlops_redop op, void *out) {
  size_t es = dlops_ctype_size(t);
  void *tmp = malloc((size_t)(count > 0 ? count : 1) * es);
  for (int64_t i = 0; i < count; i++) put_val(out, i, t, contrib(seed, 0, i));
  for (int r = 1; r < P; r++) {
    for (int64_t i = 0; i < count; i++) put_val(tmp, i, t, contrib(seed, r, i));
    for (int64_t i = 0; i < count; i++) {
#define RED(T)                                                                   \
  {                                                                              \
    T *o = (T *)out, v = ((T *)tmp)[i];                                          \
    if (op == DLOPS_OP_SUM) o[i] += v;                                           \
    else if (op == DLOPS_OP_MAX) o[i] = v > o[i] ? v : o[i];                     \
    else o[i] = v < o[i] ? v : o[i];                                             \
  }
      switch (t) {
        case DLOPS_CT_F32: RED(float) break;
        case DLOPS_CT_F64: RED(double) break;
        case DLOPS_CT_I32: RED(int32_t) break;
        default: RED(int64_t) break;
      }
#undef RED
    }
  }
  free(tmp);
}

static const dlops_ctype rtypes[4] = {DLOPS_CT_F32, DLOPS_CT_F64, DLOPS_CT_I32, DLOPS_CT_I64};
static const char *const tname[] = {"f32", "f64", "c64", "c128", "i32", "i64", "byte"};
static const char *const opname[] = {"sum", "max", "min"};

static int close_enough(double a, double b, dlops_ctype t, int exact) {
  if (exact || t == DLOPS_CT_I32 || t == DLOPS_CT_I64) return a == b;
  double tol = t == DLOPS_CT_F32 ? 1e-5 : 1e-12;
  /* sums may cancel: scale by the size of the summands (|c| < 144), not of the result */
  return fabs(a - b) <= tol * 144.0 * P;
}

/* ---------------------------------------------------------------- reductions */
static void test_reductions(dlops_comm *cm, dlops_comm *cr, int iter) {
  const int64_t counts[] = {0, 1, P > 1 ? P - 1 : 2, P, 7, 100, BIG};
  int seed = 10 * iter;
  for (int ci = 0; ci < 7; ci++)
    for (int ti = 0; ti < 4; ti++)
      for (int op = 0; op < 3; op++)
        for (int inplace = 0; inplace < 2; inplace++) {
          int64_t n = counts[ci];
          if (n == BIG && (op != 0 || inplace != iter % 2)) continue; /* keep it fast */
          dlops_ctype t = rtypes[ti];
          size_t es = dlops_ctype_size(t), nb = (size_t)(n > 0 ? n : 1) * es;
          seed++;
          void *in = malloc(nb), *om = malloc(nb), *orr = malloc(nb), *ser = malloc(nb);
          for (int64_t i = 0; i < n; i++) put_val(in, i, t, contrib(seed, me, i));
          serial_reduce(seed, n, t, (dlops_redop)op, ser);
          const void *snd = inplace ? DLOPS_IN_PLACE : in;
          if (inplace) {
            memcpy(om, in, nb);
            memcpy(orr, in, nb);
          }
          T_CALL(dlops_comm_allreduce(cm, snd, om, n, t, (dlops_redop)op, DLOPS_MEM_HOST));
          T_CALL(dlops_comm_allreduce(cr, snd, orr, n, t, (dlops_redop)op, DLOPS_MEM_HOST));
          int ok_r = 1, ok_m = 1;
          for (int64_t i = 0; i < n; i++) {
            if (memcmp((char *)orr + (size_t)i * es, (char *)ser + (size_t)i * es, es)) ok_r = 0;
            if (!close_enough(get_val(om, i, t), get_val(ser, i, t), t, op != 0)) ok_m = 0;
          }
          if (!inplace) T_CHECK(!memcmp(in, (char *)in, nb), "input modified");
          T_CHECK(ok_r, "allreduce %s %s n=%lld inplace=%d: rma differs from the rank-order reduction", tname[t],
                  opname[op], (long long)n, inplace);
          T_CHECK(ok_m, "allreduce %s %s n=%lld inplace=%d: mpi differs from the serial reduction", tname[t],
                  opname[op], (long long)n, inplace);
          /* reduce to a rotating root; non-roots pass recv NULL unless in place */
          if (ti == iter % 4 || n == 7) {
            int root = (int)((ci + op) % P);
            void *rr = malloc(nb);
            if (inplace) memcpy(rr, in, nb);
            for (int k = 0; k < 2; k++) {
              dlops_comm *c = k ? cr : cm;
              void *dst = (me == root || inplace) ? rr : NULL;
              if (inplace) memcpy(rr, in, nb);
              T_CALL(dlops_comm_reduce(c, snd, dst, n, t, (dlops_redop)op, root, DLOPS_MEM_HOST));
              if (me == root) {
                int ok = 1;
                for (int64_t i = 0; i < n; i++) {
                  if (k == 1 && memcmp((char *)rr + (size_t)i * es, (char *)ser + (size_t)i * es, es)) ok = 0;
                  if (k == 0 && !close_enough(get_val(rr, i, t), get_val(ser, i, t), t, op != 0)) ok = 0;
                }
                T_CHECK(ok, "reduce(%s) %s %s n=%lld root %d inplace=%d: wrong result", k ? "rma" : "mpi", tname[t],
                        opname[op], (long long)n, root, inplace);
              }
            }
            free(rr);
          }
          free(in);
          free(om);
          free(orr);
          free(ser);
        }
  /* complex data through the front end (pairs of reals), in place */
  for (int k = 0; k < 2; k++) {
    double z[6];
    for (int i = 0; i < 6; i++) z[i] = contrib(99, me, i);
    T_CALL(dlops_comm_allreduce(k ? cr : cm, DLOPS_IN_PLACE, z, 3, DLOPS_CT_C128, DLOPS_OP_SUM, DLOPS_MEM_HOST));
    double ser[6];
    serial_reduce(99, 6, DLOPS_CT_F64, DLOPS_OP_SUM, ser);
    for (int i = 0; i < 6; i++)
      T_CHECK(k ? z[i] == ser[i] : close_enough(z[i], ser[i], DLOPS_CT_F64, 0), "c128 allreduce (%s) [%d]: %g vs %g",
              k ? "rma" : "mpi", i, z[i], ser[i]);
  }
}

/* ---------------------------------------------------------------- data movement */
/* exact element value: source rank, target rank (or -1), index */
static double tagv(int src, int dst, int64_t i) { return (double)(src * 1000000 + (dst + 1) * 10000) + (double)i; }

/* v stored in type t and read back */
static double roundtrip(dlops_ctype t, double v) {
  int64_t b[2];
  put_val(b, 0, t, v);
  return get_val(b, 0, t);
}

static void test_bcast_allgatherv(dlops_comm *cm, dlops_comm *cr, int iter) {
  const int64_t counts[] = {0, 1, 13, BIG / 2};
  for (int ci = 0; ci < 4; ci++)
    for (int root = 0; root < P; root++)
      for (int k = 0; k < 2; k++) {
        int64_t n = counts[ci];
        dlops_ctype t = rtypes[(ci + root + iter) % 4];
        size_t es = dlops_ctype_size(t);
        void *b = calloc((size_t)(n + 1), es);
        for (int64_t i = 0; i < n; i++) put_val(b, i, t, me == root ? tagv(root, -1, i % 5000) : -1.0);
        T_CALL(dlops_comm_bcast(k ? cr : cm, b, n, t, root, DLOPS_MEM_HOST));
        int ok = 1;
        for (int64_t i = 0; i < n; i++) ok &= get_val(b, i, t) == roundtrip(t, tagv(root, -1, i % 5000));
        T_CHECK(ok, "bcast(%s) %s n=%lld root %d: wrong data", k ? "rma" : "mpi", tname[t], (long long)n, root);
        free(b);
      }
  /* allgatherv: rank r contributes (r * 3 + iter) % 5 elements (some zero); also all zero */
  for (int variant = 0; variant < 3; variant++)
    for (int k = 0; k < 2; k++) {
      int64_t *rc = malloc(sizeof(int64_t) * 2 * (size_t)P), *rd = rc + P, tot = 0;
      for (int r = 0; r < P; r++) {
        rc[r] = variant == 2 ? 0 : variant == 1 ? MID + r : (r * 3 + iter) % 5;
        rd[r] = tot + 1; /* a gap of one element before every block */
        tot += rc[r] + 1;
      }
      double *recv = malloc(sizeof(double) * (size_t)(tot + 1));
      for (int64_t i = 0; i <= tot; i++) recv[i] = -7;
      double *send = malloc(sizeof(double) * (size_t)(rc[me] + 1));
      for (int64_t i = 0; i < rc[me]; i++) send[i] = tagv(me, -1, i);
      /* variant 1: send already sits in place inside recv */
      const double *s = send;
      if (variant == 1) {
        memcpy(recv + rd[me], send, sizeof(double) * (size_t)rc[me]);
        s = recv + rd[me];
      }
      T_CALL(dlops_comm_allgatherv(k ? cr : cm, s, rc[me], recv, rc, rd, DLOPS_CT_F64, DLOPS_MEM_HOST));
      int ok = 1;
      for (int r = 0; r < P; r++) {
        if (recv[rd[r] - 1] != -7) ok = 0;
        for (int64_t i = 0; i < rc[r]; i++) ok &= recv[rd[r] + i] == tagv(r, -1, i);
      }
      T_CHECK(ok, "allgatherv(%s) variant %d: wrong data", k ? "rma" : "mpi", variant);
      free(rc);
      free(recv);
      free(send);
    }
}

static int64_t a2a_count(int src, int dst, int iter) {
  int v = (src * 7 + dst * 3 + iter) % 6;
  if (v == 5) return 0;
  return v == 4 ? MID : v; /* some large blocks (growth, chunking), some zeros */
}

static void test_alltoallv(dlops_comm *cm, dlops_comm *cr, int iter) {
  for (int k = 0; k < 2; k++) {
    int64_t *cnt = malloc(sizeof(int64_t) * 4 * (size_t)P);
    int64_t *sc = cnt, *sd = cnt + P, *rc = cnt + 2 * P, *rd = cnt + 3 * P, st = 0, rt = 0;
    for (int r = 0; r < P; r++) {
      sc[r] = a2a_count(me, r, iter);
      rc[r] = a2a_count(r, me, iter);
      sd[r] = st;
      rd[r] = rt + 2; /* gaps */
      st += sc[r];
      rt += rc[r] + 2;
    }
    double *s = malloc(sizeof(double) * (size_t)(st + 1)), *rv = malloc(sizeof(double) * (size_t)(rt + 1));
    for (int r = 0; r < P; r++)
      for (int64_t i = 0; i < sc[r]; i++) s[sd[r] + i] = tagv(me, r, i);
    for (int64_t i = 0; i <= rt; i++) rv[i] = -3;
    T_CALL(dlops_comm_alltoallv(k ? cr : cm, s, sc, sd, rv, rc, rd, DLOPS_CT_F64, DLOPS_MEM_HOST));
    int ok = 1;
    for (int r = 0; r < P; r++) {
      ok &= rv[rd[r] - 1] == -3 && rv[rd[r] - 2] == -3;
      for (int64_t i = 0; i < rc[r]; i++) ok &= rv[rd[r] + i] == tagv(r, me, i);
    }
    T_CHECK(ok, "alltoallv(%s) iter %d: wrong data", k ? "rma" : "mpi", iter);
    free(cnt);
    free(s);
    free(rv);
  }
  /* gather-to-root shape: only the root receives, senders pass NULL receive buffers */
  for (int k = 0; k < 2; k++) {
    int root = iter % P;
    int64_t *cnt = calloc(4 * (size_t)P, sizeof(int64_t));
    int64_t *sc = cnt, *sd = cnt + P, *rc = cnt + 2 * P, *rd = cnt + 3 * P;
    sc[root] = me + 1;
    if (me == root)
      for (int r = 0, o = 0; r < P; r++) {
        rc[r] = r + 1;
        rd[r] = o;
        o += r + 1;
      }
    float s[8], rv[64];
    for (int i = 0; i <= me; i++) s[i] = (float)(me * 10 + i);
    T_CALL(dlops_comm_alltoallv(k ? cr : cm, s, sc, sd, me == root ? rv : NULL, rc, rd, DLOPS_CT_F32, DLOPS_MEM_HOST));
    if (me == root) {
      int ok = 1;
      for (int r = 0; r < P; r++)
        for (int i = 0; i <= r; i++) ok &= rv[rd[r] + i] == (float)(r * 10 + i);
      T_CHECK(ok, "alltoallv gather(%s): wrong data", k ? "rma" : "mpi");
    }
    free(cnt);
  }
}

/* Ring exchange: message 0 to the next rank sends base + r elements, message 1
 * to the previous rank base + r + 1; with P == 2 both go to the same rank (duplicate peer: the
 * k-th message to q matches q's k-th from us). Plus a 3-element self message. On every third
 * iteration rank 0 lists nothing and its neighbours list it with zero counts. */
static void test_neighbor(dlops_comm *cm, dlops_comm *cr, int iter, const char *label) {
  int Pc = cm->size, r = cm->rank;
  int64_t base = 1 + (iter * 37) % (2 * MID), R = base + Pc + 2;
  int quiet = iter % 3 == 2;
  for (int k = 0; k < 2; k++) {
    dlops_comm *c = k ? cr : cm;
    int nm = 0, jq[3] = {0, 0, 0};
    dlops_nbr_msg m[3];
    double *sb = malloc(sizeof(double) * (size_t)(6 * R)), *rb = sb + 3 * R;
    for (int64_t i = 0; i < 6 * R; i++) sb[i] = -5;
    int64_t guard_ok = 1;
    if (Pc > 1 && !(quiet && r == 0)) {
      int nx = (r + 1) % Pc, pv = (r + Pc - 1) % Pc;
      int zn = quiet && nx == 0, zp = quiet && pv == 0;
      /* what I send on message j, and what the matching message of the peer sends me */
      int64_t s0 = zn ? 0 : base + r, s1 = zp ? 0 : base + r + 1;
      int64_t r0, r1;
      if (Pc == 2) {
        r0 = zn ? 0 : base + nx;     /* peer's message 0 */
        r1 = zp ? 0 : base + pv + 1; /* peer's message 1 */
        jq[0] = 0;
        jq[1] = 1;
      } else {
        r0 = zn ? 0 : base + nx + 1; /* next's message 1 (to its prev) */
        r1 = zp ? 0 : base + pv;     /* prev's message 0 (to its next) */
        jq[0] = 1;
        jq[1] = 0;
      }
      m[nm++] = (dlops_nbr_msg){nx, sb, s0, rb, r0};
      m[nm++] = (dlops_nbr_msg){pv, sb + R, s1, rb + R, r1};
    }
    if (!(quiet && r == 0)) {
      jq[nm] = nm;
      m[nm] = (dlops_nbr_msg){r, sb + 2 * R, 3, rb + 2 * R, 3};
      nm++;
    }
    for (int j = 0; j < nm; j++)
      for (int64_t i = 0; i < m[j].scount; i++) ((double *)m[j].sendbuf)[i] = tagv(r, m[j].peer, i) + j * 0.5;
    T_CALL(dlops_comm_neighbor(c, nm, m, DLOPS_CT_F64, DLOPS_MEM_HOST));
    int ok = 1;
    for (int j = 0; j < nm; j++) {
      int q = m[j].peer;
      for (int64_t i = 0; i < m[j].rcount; i++) ok &= ((double *)m[j].recvbuf)[i] == tagv(q, r, i) + jq[j] * 0.5;
      for (int64_t i = m[j].rcount; i < R; i++) guard_ok &= ((double *)m[j].recvbuf)[i] == -5;
    }
    T_CHECK(ok, "neighbour(%s, %s) iter %d: wrong data", k ? "rma" : "mpi", label, iter);
    T_CHECK(guard_ok, "neighbour(%s, %s) iter %d: wrote past a receive count", k ? "rma" : "mpi", label, iter);
    free(sb);
  }
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &dlops_test_rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &P);
  me = dlops_test_rank_;
  if (getenv("DLOPS_COMM_MAX_CHUNK")) {
    BIG = 2000;
    MID = 300;
  }
  const char *mode = argc > 1 ? argv[1] : "fence";
  char spec[64];
  snprintf(spec, sizeof spec, "comm=rma sync=%s", mode);
  dlops_ctx cm = NULL, cr = NULL;
  T_REQUIRE(dlops_ctx_create(MPI_COMM_WORLD, "comm=mpi", &cm));
  T_REQUIRE(dlops_ctx_create(MPI_COMM_WORLD, spec, &cr));
  T_CHECK(!strcmp(cr->world->ops->name, "rma"), "backend is %s", cr->world->ops->name);
  for (int iter = 0; iter < 3; iter++) {
    test_reductions(cm->world, cr->world, iter);
    test_bcast_allgatherv(cm->world, cr->world, iter);
    test_alltoallv(cm->world, cr->world, iter);
    test_neighbor(cm->world, cr->world, iter, "world");
  }
  /* split communicators */
  dlops_comm *sm = NULL, *sr = NULL;
  T_CALL(dlops_comm_split(cm->world, me % 2, me, &sm));
  T_CALL(dlops_comm_split(cr->world, me % 2, me, &sr));
  if (sm && sr) {
    for (int iter = 0; iter < 2; iter++) test_neighbor(sm, sr, iter, "split");
    double v[3] = {me, 2.0 * me, -me}, w[3];
    memcpy(w, v, sizeof v);
    T_CALL(dlops_comm_allreduce(sm, DLOPS_IN_PLACE, v, 3, DLOPS_CT_F64, DLOPS_OP_SUM, DLOPS_MEM_HOST));
    T_CALL(dlops_comm_allreduce(sr, DLOPS_IN_PLACE, w, 3, DLOPS_CT_F64, DLOPS_OP_SUM, DLOPS_MEM_HOST));
    double s = 0;
    for (int r = me % 2; r < P; r += 2) s += r;
    T_CHECK(w[0] == s && w[1] == 2 * s && w[2] == -s, "split allreduce: %g %g %g, expected %g", w[0], w[1], w[2], s);
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
  dlops_ctx_destroy(&cm);
  return dlops_test_finish(cr);
}
