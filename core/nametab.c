/*
 * nametab — an enum's names looked up both ways (contract in nametab.h).
 */
#include "core/nametab.h"

#include <string.h>

const char *
nametab_name(struct nametab t, size_t v)
{
	return v < t.n ? t.names[v] : NULL;
}

int
nametab_find(struct nametab t, const char *s, size_t *out)
{
	for (size_t i = 0; s != NULL && i < t.n; i++) {
		if (t.names[i] != NULL && strcmp(s, t.names[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	return -1;
}
