/*
 * arena — per-request memory.
 *
 * A bump allocator over a chain of malloc'd chunks. Everything allocated from
 * an arena lives until arena_reset() or arena_free(); there is no per-object
 * free. arena_reset() wipes every byte that was handed out (sodium_memzero)
 * and keeps only the first chunk, so a worker's next request starts clean and
 * no request data survives it (docs/DESIGN.md invariant 5).
 *
 * Allocation failure is a broken invariant, not bad input: the arena logs and
 * aborts, and the master restarts the worker. Callers therefore never check
 * for NULL. An arena is not thread-safe; a worker owns exactly one.
 */
#ifndef PERMIT_CORE_ARENA_H
#define PERMIT_CORE_ARENA_H

#include <stddef.h>

typedef struct arena arena;

/* A new arena whose first chunk holds at least `first_chunk` bytes.
 * Owned by the caller; release with arena_free(). Aborts on OOM. */
arena *arena_new(size_t first_chunk);

/* Wipe and free everything, including the arena itself. NULL is allowed. */
void arena_free(arena *a);

/* Wipe every allocation and forget it; keeps the first chunk for reuse. */
void arena_reset(arena *a);

/* `n` bytes aligned to 16, valid until the next reset. Never NULL. */
void *arena_alloc(arena *a, size_t n);

/* As arena_alloc, zero-filled, for `n` elements of `size` (overflow aborts). */
void *arena_calloc(arena *a, size_t n, size_t size);

/* Copies into the arena, NUL-terminated. Never NULL. */
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);

/* printf into the arena. Never NULL. */
char *arena_printf(arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Runs fn(p) at the next reset or free, latest registered first: how a
 * request hands non-arena resources (a PGresult, say) to the arena's lifetime.
 */
void arena_defer(arena *a, void (*fn)(void *), void *p);

#endif
