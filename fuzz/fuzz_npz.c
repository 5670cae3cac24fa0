/* libFuzzer target: the .npz reader of the examples (examples/c/npz.c): zip central directory,
 * local headers and the member's .npy header, all from a byte buffer. On success every pointer
 * it returns must lie inside the input. */
#include "../examples/c/npz.c"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_array(const npz_array *a, const unsigned char *lo, size_t n) {
  if (a->ndim < 0 || a->ndim > NPZ_MAX_NDIM || a->itemsize == 0 || a->count < 0) abort();
  if (!memchr(a->descr, '\0', sizeof a->descr)) abort();
  if (a->data < lo || a->data > lo + n) abort();
  if ((uint64_t)a->count * a->itemsize > (uint64_t)(lo + n - a->data)) abort();
  /* touch the first and last byte: ASan reports if they are outside the buffer */
  if (a->count > 0) {
    volatile unsigned char f = a->data[0], l = a->data[(size_t)a->count * a->itemsize - 1];
    (void)f;
    (void)l;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* a private copy of exactly size bytes, so ASan sees any read past the end */
  unsigned char *z = malloc(size ? size : 1);
  if (!z) return 0;
  if (size) memcpy(z, data, size);
  char why[200];
  static const char *const names[] = {"model.npy", "a.npy", ""};
  for (int k = 0; k < 3; k++) {
    const unsigned char *m = NULL;
    size_t len = 0;
    memset(why, 'x', sizeof why);
    if (npz_find(z, size, names[k], &m, &len, why, sizeof why) == 0) {
      if (m < z || m > z + size || len > (size_t)(z + size - m)) abort();
      npz_array a;
      if (npz_parse_npy(m, len, &a, why, sizeof why) == 0) check_array(&a, m, len);
    } else if (!memchr(why, '\0', sizeof why)) {
      abort();
    }
  }
  /* the input as a bare .npy file too */
  npz_array a;
  if (npz_parse_npy(z, size, &a, why, sizeof why) == 0) check_array(&a, z, size);
  free(z);
  return 0;
}
