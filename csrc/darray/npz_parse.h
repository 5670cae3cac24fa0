/* The .npz (zip archive of .npy files) parser (never installed): bytes of the whole archive in,
 * member list, member location and member bytes out. Pure functions of the buffer: no MPI, no
 * context, no file I/O; every offset is checked against the buffer, so any input is answered with
 * a code and a message (fuzzed by fuzz/fuzz_npz.c). npz.c reads the file and turns the message
 * into a dlops error with the file name.
 *
 * Compiling npz.c with -DDLOPS_NPZ_PARSE_ONLY keeps only these functions (no MPI needed; zlib
 * is still needed for deflate).
 *
 * Supported: members stored (method 0) or deflated (method 8, np.savez_compressed), ZIP64 sizes
 * and offsets (the zip64 extra field, the zip64 end-of-central-directory record). Refused with
 * DLOPS_ERR_UNSUPPORTED: other compression methods, encrypted members, multi-disk archives.
 * Corrupt or truncated archives: DLOPS_ERR_IO. The CRC-32 of every extracted member is checked.
 */
#ifndef DLOPS_DARRAY_NPZ_PARSE_H
#define DLOPS_DARRAY_NPZ_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "dlops/base.h"

#include "../core/intern.h"

/* Longest member name reported or matched (zip allows 65535; numpy keys are short). */
#define DLOPS_NPZ_NAME_MAX 1024

typedef struct {
  const unsigned char *name; /* inside the buffer, not terminated */
  size_t name_len;
  unsigned method;           /* 0 stored, 8 deflate */
  unsigned flags;            /* general purpose bit flags (bit 0: encrypted) */
  uint32_t crc;
  uint64_t csize, usize;     /* compressed and uncompressed sizes */
  uint64_t local;            /* offset of the local header */
} dlops_npz_entry;

/** The central directory: its offset and entry count. Returns DLOPS_SUCCESS, DLOPS_ERR_IO (not
 *  a zip archive, truncated, inconsistent) or DLOPS_ERR_UNSUPPORTED (multi-disk), message in
 *  msg. */
DLOPS_INTERN int dlops_npz_directory(const unsigned char *z, size_t n, uint64_t *cd, uint64_t *count, char *msg,
                                     size_t msglen);

/** The central-directory entry at *pos (start with *pos = cd); on success *pos moves to the next
 *  entry. Returns DLOPS_SUCCESS or DLOPS_ERR_IO with a message. */
DLOPS_INTERN int dlops_npz_entry_next(const unsigned char *z, size_t n, uint64_t *pos, dlops_npz_entry *e, char *msg,
                                      size_t msglen);

/** Find member `name` (exact, else name + ".npy", as np.load's keys). DLOPS_ERR_IO when the
 *  archive is corrupt, DLOPS_ERR_ARG when no member has that name (message names it). */
DLOPS_INTERN int dlops_npz_find(const unsigned char *z, size_t n, const char *name, dlops_npz_entry *e, char *msg,
                                size_t msglen);

/** The member's bytes, uncompressed, into out (e->usize bytes), checked against its CRC-32.
 *  DLOPS_ERR_IO (truncated, corrupt deflate data, wrong size or CRC), DLOPS_ERR_UNSUPPORTED
 *  (compression method, encryption). */
DLOPS_INTERN int dlops_npz_extract(const unsigned char *z, size_t n, const dlops_npz_entry *e, unsigned char *out,
                                   char *msg, size_t msglen);

#endif
