/* libFuzzer target: the library's .npz reader (csrc/darray/npz.c, npz_parse.h) compiled here
 * without MPI: zip end-of-central-directory (and ZIP64) records, central directory entries,
 * local headers, stored and deflated members with their CRC-32, then the member's .npy header
 * (dlops_npy_parse_header). Any input must be answered with a code and a terminated message;
 * every member found must lie inside the input. */
#define DLOPS_NPY_PARSE_ONLY
#include "../csrc/darray/npy.c"
#define DLOPS_NPZ_PARSE_ONLY
#include "../csrc/darray/npz.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_msg(int e, const char *msg, size_t len) {
  if (e != DLOPS_SUCCESS && e != DLOPS_ERR_IO && e != DLOPS_ERR_UNSUPPORTED && e != DLOPS_ERR_ARG &&
      e != DLOPS_ERR_MEM)
    abort();
  if (e && (!memchr(msg, '\0', len) || msg[0] == '\0')) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* a private copy of exactly size bytes, so ASan sees any read past the end */
  unsigned char *z = malloc(size ? size : 1);
  if (!z) return 0;
  if (size) memcpy(z, data, size);
  char msg[256];
  static const char *const names[] = {"model", "model.npy", "a"};
  for (int k = 0; k < 3; k++) {
    dlops_npz_entry e;
    memset(msg, 'x', sizeof msg);
    int r = dlops_npz_find(z, size, names[k], &e, msg, sizeof msg);
    check_msg(r, msg, sizeof msg);
    if (r) continue;
    if (e.name < z || e.name_len > (size_t)(z + size - e.name)) abort();
    if (e.usize > ((uint64_t)1 << 24)) continue; /* a claimed size the input cannot back up: skip */
    unsigned char *m = malloc(e.usize ? (size_t)e.usize : 1);
    if (!m) continue;
    memset(msg, 'x', sizeof msg);
    r = dlops_npz_extract(z, size, &e, m, msg, sizeof msg);
    check_msg(r, msg, sizeof msg);
    if (!r) {
      dlops_npy_header h;
      memset(msg, 'x', sizeof msg);
      r = dlops_npy_parse_header(m, (size_t)e.usize, &h, msg, sizeof msg);
      check_msg(r, msg, sizeof msg);
      if (!r && (h.header_len < 10 || h.header_len > (int64_t)e.usize)) abort();
    }
    free(m);
  }
  /* every central-directory entry, as the member listing walks them */
  uint64_t cd, count;
  memset(msg, 'x', sizeof msg);
  int r = dlops_npz_directory(z, size, &cd, &count, msg, sizeof msg);
  check_msg(r, msg, sizeof msg);
  for (uint64_t k = 0; !r && k < count; k++) {
    dlops_npz_entry e;
    r = dlops_npz_entry_next(z, size, &cd, &e, msg, sizeof msg);
    check_msg(r, msg, sizeof msg);
    if (!r && (e.name < z || e.name_len > (size_t)(z + size - e.name))) abort();
  }
  free(z);
  return 0;
}
