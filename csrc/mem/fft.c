/* FFTs of the host memory space, which the emulated device runs too (on its opened pages):
 * FFTW in double (fftw_) or single (fftwf_) precision, following the compute type.
 *
 * A plan owns FFTW plans bound to its own work buffers (FFTW_ESTIMATE: planning is cheap and
 * the algorithm, so every bit of the result, does not depend on timing). An apply copies the
 * domain block into the work buffer (shift, zero padding or truncation to nfft, type
 * conversion), runs the transform in place (complex) or out of place (real), and writes the
 * range block (scaling, PyLops' sqrt(2) bins of the real transform, shift, conversion); the
 * adjoint mirrors it. Strided transforms along an inner axis use FFTW's guru interface (a
 * transform of stride inner, repeated outer x inner times), so no transposition is needed. */
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

typedef struct {
  dlops_mem_fft g;
  int single;          /* fftwf_ (c64) or fftw_ (c128) */
  int empty;           /* outer * inner == 0: nothing to transform */
  fftw_plan pf, pb;    /* double precision: forward, backward */
  fftwf_plan pff, pfb; /* single precision */
  void *w;             /* complex work: outer x nfft x inner (complex transform) or outer x nf x inner (real) */
  void *wr;            /* real work of the real transform: outer x nfft x inner */
} fft_plan;

static inline void ld(const void *p, dlops_dtype t, int64_t i, double *re, double *im) {
  switch (t) {
    case DLOPS_F32: *re = ((const float *)p)[i]; *im = 0.0; break;
    case DLOPS_F64: *re = ((const double *)p)[i]; *im = 0.0; break;
    case DLOPS_C64: *re = ((const float *)p)[2 * i]; *im = ((const float *)p)[2 * i + 1]; break;
    default: *re = ((const double *)p)[2 * i]; *im = ((const double *)p)[2 * i + 1]; break;
  }
}
static inline void st(void *p, dlops_dtype t, int64_t i, double re, double im) {
  switch (t) {
    case DLOPS_F32: ((float *)p)[i] = (float)re; break;
    case DLOPS_F64: ((double *)p)[i] = re; break;
    case DLOPS_C64: ((float *)p)[2 * i] = (float)re; ((float *)p)[2 * i + 1] = (float)im; break;
    default: ((double *)p)[2 * i] = re; ((double *)p)[2 * i + 1] = im; break;
  }
}

void dlops_fft_host_free(dlops_mem *m, void *plan) {
  (void)m;
  fft_plan *P = plan;
  if (!P) return;
  if (P->pf) fftw_destroy_plan(P->pf);
  if (P->pb) fftw_destroy_plan(P->pb);
  if (P->pff) fftwf_destroy_plan(P->pff);
  if (P->pfb) fftwf_destroy_plan(P->pfb);
  fftw_free(P->w);
  fftw_free(P->wr);
  free(P);
}

int dlops_fft_host_plan(dlops_mem *m, dlops_dtype tc, const dlops_mem_fft *g, void **plan) {
  *plan = NULL;
  if ((tc != DLOPS_C64 && tc != DLOPS_C128) || g->nfft < 1 || g->n < 1 || g->outer < 0 || g->inner < 0 ||
      g->nf != (g->real ? g->nfft / 2 + 1 : g->nfft))
    return DLOPS_ERROR(m->ctx, DLOPS_ERR_INTERNAL, "fft: bad plan geometry");
  fft_plan *P = calloc(1, sizeof *P);
  DLOPS_CHECK(P, m->ctx, DLOPS_ERR_MEM, "fft: cannot allocate a plan");
  P->g = *g;
  P->single = tc == DLOPS_C64;
  P->empty = g->outer == 0 || g->inner == 0;
  if (P->empty) {
    *plan = P;
    return DLOPS_SUCCESS;
  }
  const int64_t N = g->nfft, nf = g->nf, in = g->inner, nb = g->outer * in;
  const size_t cs = P->single ? 2 * sizeof(float) : 2 * sizeof(double), rs = cs / 2;
  P->w = fftw_malloc(cs * (size_t)(nb * (g->real ? nf : N)));
  if (g->real) P->wr = fftw_malloc(rs * (size_t)(nb * N));
  int ok = P->w && (!g->real || P->wr);
  /* one transform of N samples at stride inner, repeated over outer (block stride) and inner */
  const int flags = FFTW_ESTIMATE;
  if (ok && !P->single) {
    fftw_iodim64 d = {N, in, in};
    if (!g->real) {
      fftw_iodim64 h[2] = {{g->outer, N * in, N * in}, {in, 1, 1}};
      P->pf = fftw_plan_guru64_dft(1, &d, 2, h, P->w, P->w, FFTW_FORWARD, flags);
      P->pb = fftw_plan_guru64_dft(1, &d, 2, h, P->w, P->w, FFTW_BACKWARD, flags);
    } else {
      fftw_iodim64 hf[2] = {{g->outer, N * in, nf * in}, {in, 1, 1}}, hb[2] = {{g->outer, nf * in, N * in}, {in, 1, 1}};
      P->pf = fftw_plan_guru64_dft_r2c(1, &d, 2, hf, P->wr, P->w, flags);
      P->pb = fftw_plan_guru64_dft_c2r(1, &d, 2, hb, P->w, P->wr, flags);
    }
    ok = P->pf && P->pb;
  } else if (ok) {
    fftwf_iodim64 d = {N, in, in};
    if (!g->real) {
      fftwf_iodim64 h[2] = {{g->outer, N * in, N * in}, {in, 1, 1}};
      P->pff = fftwf_plan_guru64_dft(1, &d, 2, h, P->w, P->w, FFTW_FORWARD, flags);
      P->pfb = fftwf_plan_guru64_dft(1, &d, 2, h, P->w, P->w, FFTW_BACKWARD, flags);
    } else {
      fftwf_iodim64 hf[2] = {{g->outer, N * in, nf * in}, {in, 1, 1}}, hb[2] = {{g->outer, nf * in, N * in}, {in, 1, 1}};
      P->pff = fftwf_plan_guru64_dft_r2c(1, &d, 2, hf, P->wr, P->w, flags);
      P->pfb = fftwf_plan_guru64_dft_c2r(1, &d, 2, hb, P->w, P->wr, flags);
    }
    ok = P->pff && P->pfb;
  }
  if (!ok) {
    dlops_fft_host_free(m, P);
    return DLOPS_ERROR(m->ctx, DLOPS_ERR_MEM, "fft: cannot allocate the work buffers or plan the transform "
                       "(%lld blocks of %lld samples)", (long long)nb, (long long)N);
  }
  *plan = P;
  return DLOPS_SUCCESS;
}

const dlops_mem_fft *dlops_fft_host_geom(const void *plan) { return &((const fft_plan *)plan)->g; }

/* the factor of bin j of a real transform: sqrt(2) on 1 .. (nfft-1)/2 (PyLops' real=True) */
static inline double bin_gain(const dlops_mem_fft *g, int64_t j) {
  return g->real && j >= 1 && j <= (g->nfft - 1) / 2 ? 1.4142135623730951 : 1.0;
}

int dlops_fft_host_exec(dlops_mem *m, void *plan, int adj, dlops_dtype tin, const void *in, dlops_dtype tout,
                        void *out) {
  fft_plan *P = plan;
  if (!P) return DLOPS_ERROR(m->ctx, DLOPS_ERR_INTERNAL, "fft: no plan");
  if (P->empty) return DLOPS_SUCCESS;
  const dlops_mem_fft *g = &P->g;
  const int64_t n = g->n, N = g->nfft, nf = g->nf, inner = g->inner, outer = g->outer, m0 = n < N ? n : N;
  const dlops_dtype tc = P->single ? DLOPS_C64 : DLOPS_C128, tr = P->single ? DLOPS_F32 : DLOPS_F64;
  double re, im;
  if (!adj) {
    /* domain -> work: ifftshift over the n samples, then the first min(n, nfft) of them, zeros after */
    void *W = g->real ? P->wr : P->w;
    const dlops_dtype tw = g->real ? tr : tc;
    for (int64_t o = 0; o < outer; o++)
      for (int64_t k = 0; k < N; k++) {
        const int64_t q = g->shift_in ? (k + n / 2) % n : k;
        const int64_t src = (o * n + q) * inner, dst = (o * N + k) * inner;
        for (int64_t i = 0; i < inner; i++) {
          if (k < m0) ld(in, tin, src + i, &re, &im);
          else re = im = 0.0;
          st(W, tw, dst + i, re, im);
        }
      }
    if (P->single) fftwf_execute(P->pff);
    else fftw_execute(P->pf);
    /* work -> range: scale, sqrt(2) bins, fftshift over the nf bins */
    for (int64_t o = 0; o < outer; o++)
      for (int64_t j = 0; j < nf; j++) {
        const int64_t q = g->shift_out ? (j + (nf + 1) / 2) % nf : j;
        const double s = g->scale * bin_gain(g, q);
        const int64_t src = (o * nf + q) * inner, dst = (o * nf + j) * inner;
        for (int64_t i = 0; i < inner; i++) {
          ld(P->w, tc, src + i, &re, &im);
          st(out, tout, dst + i, s * re, s * im);
        }
      }
    return DLOPS_SUCCESS;
  }
  /* range -> work: ifftshift over the nf bins (undoing fftshift_after), 1/sqrt(2) bins */
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j = 0; j < nf; j++) {
      const int64_t q = g->shift_out ? (j + nf / 2) % nf : j;
      const double s = 1.0 / bin_gain(g, j);
      const int64_t src = (o * nf + q) * inner, dst = (o * nf + j) * inner;
      for (int64_t i = 0; i < inner; i++) {
        ld(in, tin, src + i, &re, &im);
        st(P->w, tc, dst + i, s * re, s * im);
      }
    }
  if (P->single) fftwf_execute(P->pfb);
  else fftw_execute(P->pb);
  /* work -> domain: the first n samples (zeros past nfft), scaled, then fftshift over n
   * (undoing ifftshift_before); a real domain keeps the real part */
  const void *W = g->real ? P->wr : P->w;
  const dlops_dtype tw = g->real ? tr : tc;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t k = 0; k < n; k++) {
      const int64_t q = g->shift_in ? (k + (n + 1) / 2) % n : k;
      const int64_t src = (o * N + q) * inner, dst = (o * n + k) * inner;
      for (int64_t i = 0; i < inner; i++) {
        if (q < N) ld(W, tw, src + i, &re, &im);
        else re = im = 0.0;
        st(out, tout, dst + i, g->adj_scale * re, g->adj_scale * im);
      }
    }
  return DLOPS_SUCCESS;
}
