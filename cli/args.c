/*
 * cli/args — what permitctl's commands share in reading their arguments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int
cli_usage_error(const char *help)
{
	const char *end = strstr(help, "\n\n");
	int n = end != NULL ? (int)(end - help + 1) : (int)strlen(help);

	fprintf(stderr, "%.*s(--help explains every option)\n", n, help);
	return 2;
}
