/*
 * nametab — an enum's names, as a table indexed by its values, looked up
 * both ways.
 *
 *   static const char *const mode_names[] = {
 *       [MODE_ON] = "on", [MODE_OFF] = "off",
 *   };
 *   nametab_name(NAMETAB(mode_names), MODE_ON)     "on"
 *   nametab_find(NAMETAB(mode_names), "off", &v)   0, v == MODE_OFF
 */
#ifndef PERMIT_CORE_NAMETAB_H
#define PERMIT_CORE_NAMETAB_H

#include <stddef.h>

/* The names and how many there are; a NULL name is a value without one.
 * The table is the caller's, in static storage. */
struct nametab {
	const char *const *names;
	size_t n;
};

/* The nametab of an array of names (an array, not a pointer). */
#define NAMETAB(array) \
	((struct nametab){ (array), sizeof(array) / sizeof((array)[0]) })

/* The name of value `v`; NULL when the table has none for it. */
const char *nametab_name(struct nametab t, size_t v);

/* The value named `s` into *out: 0, or -1 when `s` is NULL or no value's
 * name. */
int nametab_find(struct nametab t, const char *s, size_t *out);

#endif
