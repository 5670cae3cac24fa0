/* Live-object registry: an open-addressing hash set of object addresses, and the quarantine that
 * delays address reuse (see handle.h). */
#include "handle.h"

#include "ctx_impl.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct {
  uintptr_t key; /* 0: empty */
  int kind;
} slot;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static slot *table;
static size_t cap, used;     /* cap: power of two */
static size_t nctx;          /* live contexts */
static const void *only_ctx; /* valid when nctx == 1 */
static void *quarantine[DLOPS_HANDLE_QUARANTINE];
static size_t qhead, qlen;

static size_t hash_ptr(uintptr_t k) {
  uint64_t h = (uint64_t)k;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return (size_t)h;
}

static size_t find(uintptr_t k) { /* index of k, or of the empty slot where it would go */
  size_t m = cap - 1, i = hash_ptr(k) & m;
  while (table[i].key && table[i].key != k) i = (i + 1) & m;
  return i;
}

static int grow(void) {
  size_t ncap = cap ? 2 * cap : 256;
  slot *nt = calloc(ncap, sizeof *nt);
  if (!nt) return -1;
  slot *old = table;
  size_t ocap = cap;
  table = nt;
  cap = ncap;
  for (size_t i = 0; i < ocap; i++)
    if (old[i].key) table[find(old[i].key)] = old[i];
  free(old);
  return 0;
}

static void drain_quarantine(void) {
  for (size_t i = 0; i < qlen; i++) free(quarantine[(qhead + i) % DLOPS_HANDLE_QUARANTINE]);
  qhead = qlen = 0;
}

int dlops_handle_add(const void *p, dlops_hkind k) {
  if (!p) return DLOPS_ERR_INTERNAL;
  pthread_mutex_lock(&lock);
  int rc = DLOPS_SUCCESS;
  if (2 * (used + 1) > cap && grow()) rc = DLOPS_ERR_MEM;
  if (!rc) {
    size_t i = find((uintptr_t)p);
    if (!table[i].key) used++;
    table[i].key = (uintptr_t)p;
    table[i].kind = (int)k;
    if (k == DLOPS_H_CTX) {
      nctx++;
      only_ctx = p;
    }
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

dlops_hkind dlops_handle_kind(const void *p) {
  if (!p) return DLOPS_H_NONE;
  pthread_mutex_lock(&lock);
  dlops_hkind k = DLOPS_H_NONE;
  if (cap) {
    size_t i = find((uintptr_t)p);
    if (table[i].key) k = (dlops_hkind)table[i].kind;
  }
  pthread_mutex_unlock(&lock);
  return k;
}

/* remove slot i with backward-shift deletion (keeps probe chains intact without tombstones) */
static void remove_at(size_t i) {
  size_t m = cap - 1, j = i;
  table[i].key = 0;
  for (;;) {
    j = (j + 1) & m;
    if (!table[j].key) break;
    size_t home = hash_ptr(table[j].key) & m;
    /* move j back to i if its home is not in the cyclic range (i, j] */
    int in_range = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!in_range) {
      table[i] = table[j];
      table[j].key = 0;
      i = j;
    }
  }
  used--;
}

static const void *find_any_ctx(void) {
  for (size_t i = 0; i < cap; i++)
    if (table[i].key && table[i].kind == DLOPS_H_CTX) return (const void *)table[i].key;
  return NULL;
}

void dlops_handle_retire(void *p) {
  if (!p) return;
  pthread_mutex_lock(&lock);
  if (cap) {
    size_t i = find((uintptr_t)p);
    if (table[i].key) {
      int was_ctx = table[i].kind == DLOPS_H_CTX;
      remove_at(i);
      if (was_ctx) {
        nctx--;
        only_ctx = nctx == 1 ? find_any_ctx() : NULL;
      }
    }
  }
  if (qlen == DLOPS_HANDLE_QUARANTINE) { /* full: the oldest goes back to malloc */
    free(quarantine[qhead]);
    qhead = (qhead + 1) % DLOPS_HANDLE_QUARANTINE;
    qlen--;
  }
  quarantine[(qhead + qlen) % DLOPS_HANDLE_QUARANTINE] = p;
  qlen++;
  if (nctx == 0) drain_quarantine();
  if (used == 0) {
    free(table);
    table = NULL;
    cap = 0;
  }
  pthread_mutex_unlock(&lock);
}

dlops_ctx dlops_handle_only_ctx(void) {
  pthread_mutex_lock(&lock);
  const void *c = nctx == 1 ? only_ctx : NULL;
  if (nctx > 1) {
    /* several contexts (a program with a one-rank helper context, say): the only one with more
     * than one rank is the one the others can be waiting in */
    int multi = 0;
    for (size_t i = 0; i < cap; i++)
      if (table[i].key && table[i].kind == DLOPS_H_CTX && ((dlops_ctx)table[i].key)->size > 1) {
        c = (const void *)table[i].key;
        multi++;
      }
    if (multi != 1) c = NULL;
  }
  pthread_mutex_unlock(&lock);
  return (dlops_ctx)c;
}
