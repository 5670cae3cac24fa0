/* Live-object registry (never installed).
 *
 * Every object dlops hands to a user (context, darray, operator, proximal operator, pending
 * reduction) is registered here while it lives. Public calls validate a handle by looking its
 * VALUE up in the registry before they read the object, so a stale handle (the object was
 * destroyed, through this handle or a copy of it) gets DLOPS_ERR_STATE and validation never
 * reads freed memory.
 *
 * Address reuse: a destroyed object's memory is not returned to malloc at once but kept in a
 * quarantine of the last DLOPS_HANDLE_QUARANTINE objects, so a stale handle cannot alias a new
 * object until that many objects have been destroyed after it. The quarantine is emptied when
 * the last context is destroyed (no handle can be valid then, and leak checkers stay quiet).
 *
 * Thread safety: the registry has its own mutex; lookups and updates may come from any thread. */
#ifndef DLOPS_CORE_HANDLE_H
#define DLOPS_CORE_HANDLE_H

#include <stddef.h>

#include "error.h"

typedef enum {
  DLOPS_H_NONE = 0,
  DLOPS_H_CTX = 1,
  DLOPS_H_DARRAY = 2,
  DLOPS_H_OP = 3,
  DLOPS_H_PROX = 4,
  DLOPS_H_PENDING = 5
} dlops_hkind;

#define DLOPS_HANDLE_QUARANTINE 4096

/** Register a new live object p of kind k. DLOPS_ERR_MEM when the table cannot grow. */
DLOPS_INTERN int dlops_handle_add(const void *p, dlops_hkind k);
/** The kind of live object p, DLOPS_H_NONE when p is not a live object (NULL, destroyed, or
 *  never created by dlops). Reads only the registry, never *p. */
DLOPS_INTERN dlops_hkind dlops_handle_kind(const void *p);
/** Unregister p and release its memory (the registry keeps it in quarantine, then frees it). */
DLOPS_INTERN void dlops_handle_retire(void *p);
/** The only live context of this process (or the only one with more than one rank), else NULL
 *  (none, or several that could be meant). Used when a
 *  collective call gets no handle that names its communicator (every handle argument NULL or
 *  stale on one rank), so that rank can still join the agreement the others wait in. */
DLOPS_INTERN dlops_ctx dlops_handle_only_ctx(void);

#endif
