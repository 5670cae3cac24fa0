/** @file
 * dlops/base.h: version, export macros, element types, error codes. Included by dlops.h. */
#ifndef DLOPS_BASE_H
#define DLOPS_BASE_H

#include <stddef.h>
#include <stdint.h>

/** Major version of this header (and of the library it comes with). */
#define DLOPS_VERSION_MAJOR 0
/** Minor version. */
#define DLOPS_VERSION_MINOR 2
/** Patch version. */
#define DLOPS_VERSION_PATCH 0
/** True when this header's version is at least MAJOR.MINOR.PATCH. */
#define DLOPS_VERSION_GE(a, b, c)                                                        \
  (DLOPS_VERSION_MAJOR > (a) || (DLOPS_VERSION_MAJOR == (a) && DLOPS_VERSION_MINOR > (b)) || \
   (DLOPS_VERSION_MAJOR == (a) && DLOPS_VERSION_MINOR == (b) && DLOPS_VERSION_PATCH >= (c)))

/** Marks the library's exported functions (default visibility; the library builds with hidden
 *  visibility). */
#if defined(__GNUC__) || defined(__clang__)
#define DLOPS_EXTERN __attribute__((visibility("default")))
#else
#define DLOPS_EXTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif
/** @addtogroup group_base
 * @{ */

/** Maximum number of dimensions of a distributed array. */
#define DLOPS_MAX_NDIM 8

/** Element types. Complex values are stored as interleaved (re, im) pairs, as C99 complex. */
typedef enum {
  DLOPS_F32 = 0,  /**< float */
  DLOPS_F64 = 1,  /**< double */
  DLOPS_C64 = 2,  /**< float complex (2 x float) */
  DLOPS_C128 = 3, /**< double complex (2 x double) */
  DLOPS_NUM_DTYPES = 4
} dlops_dtype;

/** Memory spaces. A context's spec chooses where its arrays live by default (mem=host; mem=emu
 *  in test builds, an emulated device whose arrays report DLOPS_MEM_DEVICE; mem=device, the CUDA
 *  memory space, in CUDA builds with a usable GPU: docs/backends.md). */
typedef enum {
  DLOPS_MEM_HOST = 0,   /**< ordinary host memory */
  DLOPS_MEM_DEVICE = 1, /**< device memory: the CUDA memory space (mem=device; not run on a GPU in this
                             repository's CI) or the emulated device of test builds (mem=emu) */
  DLOPS_NUM_MEMSPACES = 2
} dlops_memspace;

/** Element maps of dlops_darray_map (y = f(x) element by element, parameters p0, p1). The
 *  arithmetic is done in double precision; |x| is the modulus for complex types. */
typedef enum {
  DLOPS_MAP_SOFT_THRESHOLD = 0, /**< max(|x| - p0, 0) * x/|x| (prox of p0*||x||_1) */
  DLOPS_MAP_HARD_THRESHOLD = 1, /**< x where |x| > sqrt(2 p0), else 0 (prox of p0*||x||_0) */
  DLOPS_MAP_HALF_THRESHOLD = 2, /**< half thresholding with threshold p0 (Chen et al. 2016) */
  DLOPS_MAP_HARD_CUT = 3,       /**< x where |x| > p0, else 0 */
  DLOPS_MAP_CLIP = 4,           /**< min(max(Re x, p0), p1) (projection on the box [p0, p1]; imaginary part 0) */
  DLOPS_MAP_SIGN = 5,           /**< x/|x|, 0 at 0 (NaN stays NaN) */
  DLOPS_MAP_NONZERO = 6,        /**< 1 where x != 0, else 0 */
  DLOPS_MAP_OUTSIDE = 7,        /**< 1 where Re x is outside [p0, p1] (or NaN), else 0 */
  DLOPS_NUM_MAPS = 8
} dlops_map_kind;

/** Error codes. Every dlops function returns one; 0 is success. */
typedef enum {
  DLOPS_SUCCESS = 0,
  DLOPS_ERR_ARG = 1,          /**< bad argument (null handle, out of range value, bad string) */
  DLOPS_ERR_SIZE = 2,         /**< sizes, shapes or partitions do not match (possibly across ranks) */
  DLOPS_ERR_STATE = 3,        /**< object in the wrong state for this call */
  DLOPS_ERR_UNSUPPORTED = 4,  /**< backend, type or feature not available in this build or here */
  DLOPS_ERR_MEM = 5,          /**< out of memory */
  DLOPS_ERR_MPI = 6,          /**< an MPI call failed */
  DLOPS_ERR_CUDA = 7,         /**< a CUDA runtime call failed */
  DLOPS_ERR_CUBLAS = 8,       /**< a cuBLAS call failed */
  DLOPS_ERR_NCCL = 9,         /**< an NCCL call failed */
  DLOPS_ERR_IO = 10,          /**< file input/output failed or a file is malformed */
  DLOPS_ERR_INTERNAL = 11,    /**< a bug in dlops: please report it */
  DLOPS_NUM_ERRORS = 12
} dlops_error;

/** A scalar of any element type, passed by value: real types use re only. */
typedef struct {
  double re; /**< real part */
  double im; /**< imaginary part (ignored for real types) */
} dlops_scalar;

/** Static description of an error code ("bad argument", ...). Not collective; no data access.
 *  @param[in] code  an error code (dlops_error) as returned by a dlops call
 *  @return the description, never NULL; "unknown error code" when code is out of range. */
DLOPS_EXTERN const char *dlops_error_string(int code);

/** Name of an element type. Not collective; no data access.
 *  @param[in] dtype  element type
 *  @return "f32", "f64", "c64" or "c128"; "?" when dtype is out of range. Never NULL. */
DLOPS_EXTERN const char *dlops_dtype_name(dlops_dtype dtype);

/** Size in bytes of one element of an element type. Not collective; no data access.
 *  @param[in] dtype  element type
 *  @return 4, 8, 8 or 16 bytes (complex types count both parts); 0 when dtype is out of range. */
DLOPS_EXTERN size_t dlops_dtype_size(dlops_dtype dtype);

/** The most recent error message of this process (any context, or none), with the rank, the
 *  code and file:line. Useful when a call that has no context (or a NULL one) fails. Not
 *  collective.
 *  @return the message ("" when no call has failed yet), in a process-wide buffer that the next
 *          failing call overwrites. Never NULL. */
DLOPS_EXTERN const char *dlops_last_error(void); /* fortran: manual */

/** Print the most recent error message (dlops_last_error) on stderr once per job: after a
 *  collective call failed, every rank returns the same code and message (naming the rank that
 *  failed first, in MPI_COMM_WORLD numbering), and only rank 0 of that call's communicator
 *  prints it; after a local (non-collective) failure, the rank that failed prints it. For an
 *  application's error exit: `if (e) { dlops_print_error(e); MPI_Abort(MPI_COMM_WORLD, e); }`.
 *  Not collective (no communication).
 *  @param[in] code  the code the failing call returned; DLOPS_SUCCESS prints nothing
 *  @return code, unchanged. */
DLOPS_EXTERN int dlops_print_error(int code); /* fortran: manual */

/** @} */

#ifdef __cplusplus
}
#endif
#endif
