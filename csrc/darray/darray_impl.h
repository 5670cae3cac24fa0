/* Internal definition of distributed arrays (never installed). */
#ifndef DLOPS_DARRAY_IMPL_H
#define DLOPS_DARRAY_IMPL_H

#include "../core/ctx_impl.h"
#include "../core/split.h" /* dlops_split_size, dlops_split_offset: the default split */

/* A mask group communicator shared by the arrays of the same layout. */
struct dlops_group_s {
  dlops_comm *comm;
  int refs;
};

struct dlops_darray_s {
  dlops_ctx ctx;
  int refcount;         /* the caller's reference (while user is set) plus dlops' own (templates, stacks) */
  int user;             /* 1 until the caller destroys its handle: a second destroy is DLOPS_ERR_STATE */
  /* stacked arrays: nparts > 0 and parts[] hold references; the fields below describe nothing */
  int nparts;
  dlops_darray *parts;
  /* plain arrays */
  int ndim;
  int64_t gshape[DLOPS_MAX_NDIM];
  int64_t lshape[DLOPS_MAX_NDIM];
  int axis;
  dlops_partition partition;
  dlops_dtype dtype;
  dlops_memspace mem;   /* public space of the data (stacked: of the components) */
  dlops_mem *m;         /* the memory object the data lives in (a context's host or device one) */
  int color;            /* mask colour, -1 when unmasked */
  dlops_comm *group;    /* ranks holding one replica: ctx->world, or grp->comm when masked */
  struct dlops_group_s *grp; /* shared, reference-counted split for masked arrays (NULL if none) */
  int64_t *axis_sizes;  /* [ctx->size] size along axis of every context rank */
  int64_t *axis_offsets; /* [ctx->size] start along axis of every context rank within its group */
  int *colors;          /* [ctx->size] mask colour of every context rank (-1 when unmasked) */
  int64_t *group_offsets; /* [group->size + 1] offsets along axis of the group's ranks */
  int64_t offset;       /* this rank's start along the axis within its group */
  int64_t nlocal;       /* elements stored here */
  void *data;           /* in m's space, nlocal elements of dtype (never NULL) */
  void *mirror;         /* device arrays: host buffer of nlocal elements for host access (lazy) */
  int borrowed;         /* get_local outstanding: DLOPS_BORROW_* */
  int owns_data;        /* 0 for views of memory owned elsewhere (dlops_darray_create_view) */
  struct dlops_ghost_cache_s *ghost; /* add_ghost_cells layouts and buffers (move.c; NULL until used) */
};

/* borrow states of get_local */
enum {
  DLOPS_BORROW_NONE = 0,
  DLOPS_BORROW_DATA = 1,
  DLOPS_BORROW_MIRROR = 2,
  DLOPS_BORROW_MIRROR_READ = 3,
  DLOPS_BORROW_DATA_READ = 4 /* the data itself, by get_local_read */
};

/* Validate a handle (non-NULL, alive): the handle registry is consulted, a stale handle is
 * never dereferenced (core/handle.h). An array the caller destroyed stays alive while an
 * operator or a stacked array still holds it. */
#define DLOPS_CHECK_DARRAY(x) DLOPS_CALL(dlops_darray_check_handle(x))
DLOPS_INTERN int dlops_darray_check_handle(dlops_darray x);
/** Take / drop one of dlops' own references (templates, components); the last one frees. */
DLOPS_INTERN void dlops_darray_retain(dlops_darray x);
DLOPS_INTERN void dlops_darray_release(dlops_darray *x);

/** Stride (in elements) of the distributed axis in the local block: product of local dims after
 *  axis; and number of "outer" slabs before it. */
static inline int64_t dlops_darray_inner(const struct dlops_darray_s *x) {
  int64_t s = 1;
  for (int d = x->axis + 1; d < x->ndim; d++) s *= x->lshape[d];
  return s;
}
static inline int64_t dlops_darray_outer(const struct dlops_darray_s *x) {
  int64_t s = 1;
  for (int d = 0; d < x->axis; d++) s *= x->lshape[d];
  return s;
}

/** Internal: create an array from a fully specified layout (collective on ctx). local_n = -1
 *  default split. Zero-filled. */
DLOPS_INTERN int dlops_darray_create_impl(dlops_ctx ctx, int ndim, const int64_t *gshape, int axis,
                                          dlops_partition part, dlops_dtype dtype, int64_t local_n, int color,
                                          dlops_memspace mem, dlops_darray *out);

/** Internal: a 1-D SCATTER array of n elements on a one-rank context wrapping memory of space
 *  mem owned by the caller (no copy, never freed by dlops). Operators use it to hand slices of a
 *  distributed array's local block to local operators. Not collective. */
DLOPS_INTERN int dlops_darray_create_view(dlops_ctx ctx1, int64_t n, dlops_dtype dtype, dlops_memspace mem, void *data,
                                          dlops_darray *out);

/** Internal: x (every leaf) is alive and not borrowed by get_local (DLOPS_ERR_STATE otherwise):
 *  dlops must not read or write data the caller holds. Local. */
DLOPS_INTERN int dlops_darray_check_usable(dlops_darray x);

/** Internal: this rank's block in host memory: the data itself for host arrays; for device
 *  arrays the host mirror, filled from the device when read is set. Local. */
DLOPS_INTERN int dlops_darray_host_data(dlops_darray x, int read, void **p);
/** Internal: after writing the host block of dlops_darray_host_data, copy the mirror back to
 *  the device (no-op for host arrays). Local. */
DLOPS_INTERN int dlops_darray_host_commit(dlops_darray x);

/** Internal: free the ghost-cell layout cache of a plain array (move.c). Local. */
DLOPS_INTERN void dlops_darray_ghost_free(dlops_darray x);

/** Internal: the memory object of space mem on ctx, or NULL with an error recorded. Local. */
DLOPS_INTERN dlops_mem *dlops_darray_mem_of(dlops_ctx ctx, dlops_memspace mem, const char *what);

/** Internal: 1 if two arrays (leaves) live in the same memory space of the same kind. */
static inline int dlops_darray_same_space(const struct dlops_darray_s *x, const struct dlops_darray_s *y) {
  return x->mem == y->mem && x->m->ops == y->m->ops;
}
static inline const char *dlops_memspace_name(dlops_memspace m) { return m == DLOPS_MEM_HOST ? "host" : "device"; }

/** Internal: 1 if x and y have the same layout (shape, axis, partition, split, mask, stacking)
 *  and live in the same memory space. */
DLOPS_INTERN int dlops_darray_same_layout(dlops_darray x, dlops_darray y);
/** 1 if x and y have the same element type, component by component when both are stacked
 *  alike (a stacked array's own dtype is its first component's; arrays stacked differently
 *  compare those only: their difference is one of layout). Local. */
DLOPS_INTERN int dlops_darray_same_dtypes(dlops_darray x, dlops_darray y);
/** Internal: the same layout, in any memory spaces. */
DLOPS_INTERN int dlops_darray_same_shape(dlops_darray x, dlops_darray y);


#endif
