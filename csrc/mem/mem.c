/* Memory-space objects of a context, counters, and helpers shared by the tables' callers. */
#include "mem.h"

#include <stdlib.h>
#include <string.h>

#include "../core/ctx_impl.h"

int dlops_mem_create(dlops_ctx ctx, const dlops_mem_ops *ops, dlops_mem **out) {
  *out = NULL;
  dlops_mem *m = calloc(1, sizeof *m);
  DLOPS_CHECK(m, ctx, DLOPS_ERR_MEM, "cannot allocate a memory-space object");
  m->ops = ops;
  m->ctx = ctx;
  if (ops->init) {
    int err = ops->init(m);
    if (err) {
      free(m);
      return err;
    }
  }
  *out = m;
  return DLOPS_SUCCESS;
}

void dlops_mem_destroy(dlops_mem **m) {
  if (!m || !*m) return;
  if ((*m)->scratch) (*m)->ops->free(*m, (*m)->scratch);
  if ((*m)->ops->fini) (*m)->ops->fini(*m);
  free(*m);
  *m = NULL;
}

int dlops_mem_alloc_check(dlops_mem *m, size_t bytes) {
  dlops_ctx ctx = m->ctx;
  if (!ctx) return DLOPS_SUCCESS;
  ctx->nalloc++;
  if (ctx->fault_alloc <= 0 || ctx->nalloc != ctx->fault_alloc) return DLOPS_SUCCESS;
  return DLOPS_ERROR(ctx, DLOPS_ERR_MEM,
                     "cannot allocate %zu bytes of %s memory: failure injected by DLOPS_FAULT_ALLOC=%d:%lld "
                     "(allocation %lld of this context on rank %d)",
                     bytes, m->ops->name, ctx->rank, (long long)ctx->fault_alloc, (long long)ctx->nalloc, ctx->rank);
}

int dlops_mem_scratch(dlops_mem *m, size_t bytes, void **p) {
  if (m->scratch_cap < bytes) {
    if (m->scratch) m->ops->free(m, m->scratch);
    m->scratch = NULL;
    m->scratch_cap = 0;
    size_t cap = bytes < 256 ? 256 : 2 * bytes;
    DLOPS_CALL(m->ops->alloc(m, cap, &m->scratch));
    m->scratch_cap = cap;
  }
  *p = m->scratch;
  return DLOPS_SUCCESS;
}

void dlops_mem_count_copy(dlops_mem *m, dlops_memspace dst, dlops_memspace src, size_t bytes, int flags) {
  dlops_mem_counter *c = &m->cnt;
  if (dst == DLOPS_MEM_DEVICE && src == DLOPS_MEM_HOST) {
    c->h2d++;
    c->h2d_bytes += (int64_t)bytes;
    if (flags & DLOPS_MEM_COPY_COMM) {
      c->comm_h2d++;
      c->comm_h2d_bytes += (int64_t)bytes;
    }
  } else if (dst == DLOPS_MEM_HOST && src == DLOPS_MEM_DEVICE) {
    c->d2h++;
    c->d2h_bytes += (int64_t)bytes;
    if (flags & DLOPS_MEM_COPY_COMM) {
      c->comm_d2h++;
      c->comm_d2h_bytes += (int64_t)bytes;
    }
  } else if (dst == DLOPS_MEM_DEVICE && src == DLOPS_MEM_DEVICE) {
    c->kernels++; /* a device-to-device copy is a launch on the queue */
  }
}

int dlops_mem_copy(dlops_mem *dst_m, void *dst, dlops_mem *src_m, const void *src, size_t bytes, int flags) {
  if (bytes == 0) return DLOPS_SUCCESS;
  const dlops_memspace ds = dst_m->ops->space, ss = src_m->ops->space;
  /* the device side's table copies (host to host is the host table's memmove) */
  dlops_mem *m = ds == DLOPS_MEM_DEVICE ? dst_m : src_m;
  if (ds == DLOPS_MEM_DEVICE && ss == DLOPS_MEM_DEVICE && dst_m->ops != src_m->ops)
    return DLOPS_ERROR(dst_m->ctx, DLOPS_ERR_INTERNAL, "copy between two different device spaces (%s, %s)",
                       dst_m->ops->name, src_m->ops->name);
  return m->ops->copy(m, dst, ds, src, ss, bytes, flags);
}

int dlops_mem_box(dlops_mem *m, size_t es, int ndim, const int64_t *full, const int64_t *start, const int64_t *count,
                  void *full_data, void *buf, int pack) {
  dlops_mem_strided s;
  s.ndim = ndim;
  int64_t fs = 1, bs = 1, off = 0;
  for (int d = ndim - 1; d >= 0; d--) {
    s.shape[d] = count[d];
    if (pack) {
      s.dst_stride[d] = bs;
      s.src_stride[d] = fs;
    } else {
      s.dst_stride[d] = fs;
      s.src_stride[d] = bs;
    }
    off += start[d] * fs;
    fs *= full[d];
    bs *= count[d];
  }
  if (bs == 0) return DLOPS_SUCCESS;
  char *f = (char *)full_data + (size_t)off * es;
  return pack ? m->ops->strided(m, es, &s, buf, f) : m->ops->strided(m, es, &s, f, buf);
}
