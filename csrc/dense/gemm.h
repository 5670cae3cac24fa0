/* Typed local GEMM through CBLAS: C = alpha op(A) op(B) + beta C for the four dtypes. */
#ifndef DLOPS_DENSE_GEMM_H
#define DLOPS_DENSE_GEMM_H

#include <cblas.h>

#include "../core/error.h"

/* op: 'N', 'T' or 'C'. Leading dimensions as CBLAS (order given). Sizes fit in int (checked by
 * callers). Zero-size products still scale C by beta (BLAS does when k = 0 too). */
static inline void dlops_gemm(dlops_dtype t, CBLAS_ORDER order, char opa, char opb, int m, int n, int k,
                              dlops_scalar alpha, const void *a, int lda, const void *b, int ldb, dlops_scalar beta,
                              void *c, int ldc) {
  if (m <= 0 || n <= 0) return;
  CBLAS_TRANSPOSE ta = opa == 'N' ? CblasNoTrans : opa == 'T' ? CblasTrans : CblasConjTrans;
  CBLAS_TRANSPOSE tb = opb == 'N' ? CblasNoTrans : opb == 'T' ? CblasTrans : CblasConjTrans;
  /* BLAS requires lda >= 1 even for empty operands */
  if (lda < 1) lda = 1;
  if (ldb < 1) ldb = 1;
  switch (t) {
    case DLOPS_F32:
      cblas_sgemm(order, ta, tb, m, n, k, (float)alpha.re, a, lda, b, ldb, (float)beta.re, c, ldc);
      break;
    case DLOPS_F64: cblas_dgemm(order, ta, tb, m, n, k, alpha.re, a, lda, b, ldb, beta.re, c, ldc); break;
    case DLOPS_C64: {
      float al[2] = {(float)alpha.re, (float)alpha.im}, be[2] = {(float)beta.re, (float)beta.im};
      cblas_cgemm(order, ta, tb, m, n, k, al, a, lda, b, ldb, be, c, ldc);
      break;
    }
    default: {
      double al[2] = {alpha.re, alpha.im}, be[2] = {beta.re, beta.im};
      cblas_zgemm(order, ta, tb, m, n, k, al, a, lda, b, ldb, be, c, ldc);
      break;
    }
  }
}

#endif
