/* The .npy header parser (never installed): bytes in, dtype / shape / order / header length out.
 * Pure functions: no MPI, no context, no I/O, no allocation, so the fuzzers (fuzz/) call them
 * directly. npy.c reads the bytes and turns the message into a dlops error with the file name.
 *
 * Compiling npy.c with -DDLOPS_NPY_PARSE_ONLY keeps only these functions (no MPI needed).
 */
#ifndef DLOPS_DARRAY_NPY_PARSE_H
#define DLOPS_DARRAY_NPY_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "dlops/base.h"

#include "../core/intern.h"

/* Bytes the fixed part needs: magic (6), version (2), header length (2 or 4). */
#define DLOPS_NPY_PREFIX_MAX 12
/* Largest header accepted (numpy's own limit is 10000 by default). */
#define DLOPS_NPY_MAX_HEADER (1 << 20)

typedef struct {
  int version;          /* 1, 2 or 3 */
  int64_t header_len;   /* bytes before the data: magic, version, length field and dict */
  int dtype;            /* a dlops_dtype, -1 until known */
  int fortran_order;    /* as the header says (such files are then refused) */
  int ndim;
  int64_t shape[DLOPS_MAX_NDIM];
} dlops_npy_header;

/** The fixed prefix: n bytes from the start of the file (n may be short of 12). On success sets
 *  *header_len to the number of bytes the whole header occupies (the offset of the data).
 *  Returns DLOPS_SUCCESS, DLOPS_ERR_IO (not .npy, truncated, implausible length) or
 *  DLOPS_ERR_UNSUPPORTED (format version), with a message in msg (no file name). */
DLOPS_INTERN int dlops_npy_parse_prefix(const unsigned char *buf, size_t n, int64_t *header_len, char *msg,
                                        size_t msglen);

/** The whole header: buf holds n bytes from the start of the file (n may be short: truncated).
 *  Fills *out (fields as far as they were parsed) and returns DLOPS_SUCCESS when dlops can read
 *  the array: dtype <f4 <f8 <c8 <c16, C order, 1..DLOPS_MAX_NDIM dimensions, element count
 *  times 16 within int64. Otherwise DLOPS_ERR_IO (malformed) or DLOPS_ERR_UNSUPPORTED, with a
 *  message in msg. Never reads past buf[n - 1]. */
DLOPS_INTERN int dlops_npy_parse_header(const unsigned char *buf, size_t n, dlops_npy_header *out, char *msg,
                                        size_t msglen);

#endif
