/*
 * cli/args — what permitctl's commands share in reading their arguments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

int
cli_number(const char *opt, const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "permitctl: %s takes a whole number from %ld to "
		    "%ld, not `%s'\n", opt, min, max, s);
		return -1;
	}
	*out = v;
	return 0;
}
