/* Reading arrays out of an .npz file held in memory (the example programs' own reader; the
 * library reads single .npy files with MPI-IO).
 *
 * An .npz file is a zip archive of .npy files. numpy's savez stores members uncompressed ("stored",
 * method 0), so a member is a byte range of the archive: npz_find locates it through the zip
 * central directory, npz_parse_npy reads its .npy header. Pure functions of the bytes: no I/O,
 * no allocation; every offset is checked against the buffer, so any input is safe (fuzzed by
 * fuzz/fuzz_npz.c). Compressed members (np.savez_compressed) and zip64 archives are refused.
 */
#ifndef DLOPS_EXAMPLES_NPZ_H
#define DLOPS_EXAMPLES_NPZ_H

#include <stddef.h>
#include <stdint.h>

#define NPZ_MAX_NDIM 8

typedef struct {
  char descr[16];             /* numpy type code, e.g. "<f8" */
  size_t itemsize;            /* bytes per element, from descr (e.g. 8 for "<f8") */
  int fortran_order;          /* 1 when the header says True */
  int ndim;                   /* 0..NPZ_MAX_NDIM */
  int64_t shape[NPZ_MAX_NDIM];
  int64_t count;              /* number of elements (product of shape) */
  const unsigned char *data;  /* the elements: count * itemsize bytes */
} npz_array;

/** Locate member `name` (e.g. "model.npy") of the zip archive z[0..n). On success *member and
 *  *len give its bytes; returns 0. Else 1 with the reason in why (wlen bytes). */
int npz_find(const unsigned char *z, size_t n, const char *name, const unsigned char **member, size_t *len,
             char *why, size_t wlen);

/** Parse the .npy file p[0..n): header fields into *a, data pointer checked to hold all
 *  count * itemsize bytes. Returns 0, or 1 with the reason in why. */
int npz_parse_npy(const unsigned char *p, size_t n, npz_array *a, char *why, size_t wlen);

/** npz_find then npz_parse_npy. */
int npz_load(const unsigned char *z, size_t n, const char *name, npz_array *a, char *why, size_t wlen);

#endif
