/* libFuzzer target: the .npy header parser of csrc/darray/npy.c (dlops_npy_parse_prefix and
 * dlops_npy_parse_header, npy_parse.h), compiled here without MPI. Any input must be answered
 * with a code and a terminated message, and an accepted header must describe an array dlops can
 * read. */
#define DLOPS_NPY_PARSE_ONLY
#include "../csrc/darray/npy.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char msg[256];
  int64_t hl = -1;
  memset(msg, 'x', sizeof msg);
  int e = dlops_npy_parse_prefix(data, size, &hl, msg, sizeof msg);
  if (e != DLOPS_SUCCESS && e != DLOPS_ERR_IO && e != DLOPS_ERR_UNSUPPORTED) abort();
  if (e && (!memchr(msg, '\0', sizeof msg) || msg[0] == '\0')) abort();
  if (!e && (hl < 10 || hl > 12 + (int64_t)DLOPS_NPY_MAX_HEADER)) abort();

  dlops_npy_header h;
  memset(msg, 'x', sizeof msg);
  int e2 = dlops_npy_parse_header(data, size, &h, msg, sizeof msg);
  if (e2 != DLOPS_SUCCESS && e2 != DLOPS_ERR_IO && e2 != DLOPS_ERR_UNSUPPORTED) abort();
  if (e2 && (!memchr(msg, '\0', sizeof msg) || msg[0] == '\0')) abort();
  if (e && !e2) abort(); /* the whole header cannot pass when its prefix fails */
  if (!e2) {
    if (h.header_len != hl || h.header_len > (int64_t)size) abort();
    if (h.version < 1 || h.version > 3) abort();
    if (h.dtype < 0 || h.dtype >= DLOPS_NUM_DTYPES || h.fortran_order) abort();
    if (h.ndim < 1 || h.ndim > DLOPS_MAX_NDIM) abort();
    int64_t total = 1;
    for (int d = 0; d < h.ndim; d++) {
      if (h.shape[d] < 0) abort();
      if (h.shape[d] > 0) {
        if (total > INT64_MAX / 16 / h.shape[d]) abort(); /* the parser promised no overflow */
        total *= h.shape[d];
      }
    }
  }
  return 0;
}
