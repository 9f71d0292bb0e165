#include "core/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/log.h"

#define ARENA_ALIGN 16

struct chunk {
	struct chunk *next;
	size_t cap;   /* bytes in data[] */
	size_t used;  /* bytes handed out from data[] */
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct deferred {
	struct deferred *next;
	void (*fn)(void *);
	void *p;
};

struct arena {
	struct deferred *defers; /* run at reset, newest first; live in chunks */
	struct chunk *head;   /* the current chunk; its ->next are older ones */
	struct chunk *first;  /* kept across resets */
};

static struct chunk *
chunk_new(size_t cap)
{
	struct chunk *c;

	if (cap > SIZE_MAX - sizeof(*c)) {
		log_error("chunk of %zu bytes overflows", cap);
		abort();
	}
	c = malloc(sizeof(*c) + cap);
	if (c == NULL) {
		log_error("out of memory for a %zu-byte chunk", cap);
		abort();
	}
	c->next = NULL;
	c->cap = cap;
	c->used = 0;
	return c;
}

static void
chunk_wipe(struct chunk *c)
{
	sodium_memzero(c->data, c->used);
	c->used = 0;
}

arena *
arena_new(size_t first_chunk)
{
	arena *a = malloc(sizeof(*a));

	if (a == NULL) {
		log_error("out of memory");
		abort();
	}
	a->first = chunk_new(first_chunk < 1024 ? 1024 : first_chunk);
	a->head = a->first;
	a->defers = NULL;
	return a;
}

void
arena_reset(arena *a)
{
	struct chunk *c, *next;
	struct deferred *d;

	for (d = a->defers; d != NULL; d = d->next)
		d->fn(d->p);
	a->defers = NULL;
	for (c = a->head; c != a->first; c = next) {
		next = c->next;
		chunk_wipe(c);
		free(c);
	}
	chunk_wipe(a->first);
	a->first->next = NULL;
	a->head = a->first;
}

void
arena_free(arena *a)
{
	if (a == NULL)
		return;
	arena_reset(a);
	free(a->first);
	free(a);
}

void *
arena_alloc(arena *a, size_t n)
{
	struct chunk *c = a->head;
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (need < n) {
		log_error("allocation of %zu bytes overflows", n);
		abort();
	}
	if (c->cap - c->used < need) {
		size_t cap = c->cap * 2;

		if (cap < need)
			cap = need;
		c = chunk_new(cap);
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	c->used += need;
	return p;
}

void *
arena_calloc(arena *a, size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size) {
		log_error("%zu x %zu bytes overflows", n, size);
		abort();
	}
	p = arena_alloc(a, n * size);
	memset(p, 0, n * size);
	return p;
}

char *
arena_strndup(arena *a, const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *q = arena_alloc(a, len + 1);

	memcpy(q, s, len);
	q[len] = '\0';
	return q;
}

char *
arena_strdup(arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

static char *arena_vprintf(arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static char *
arena_vprintf(arena *a, const char *fmt, va_list ap)
{
	va_list again;
	int len;
	char *q;

	va_copy(again, ap);
	len = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (len < 0) {
		log_error("bad format");
		abort();
	}
	q = arena_alloc(a, (size_t)len + 1);
	vsnprintf(q, (size_t)len + 1, fmt, ap);
	return q;
}

char *
arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	char *q;

	va_start(ap, fmt);
	q = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return q;
}

void
arena_defer(arena *a, void (*fn)(void *), void *p)
{
	struct deferred *d = arena_alloc(a, sizeof(*d));

	d->fn = fn;
	d->p = p;
	d->next = a->defers;
	a->defers = d;
}
