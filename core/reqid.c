/*
 * reqid — request ids (contract in reqid.h).
 */
#include "core/reqid.h"

#include <string.h>

#include <sodium.h>

int
reqid_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < REQID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;   /* the NUL of a shorter string stops here */
	return s[i] == '\0';
}

void
reqid_new(char out[REQID_SIZE])
{
	unsigned char raw[REQID_LEN / 2];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, REQID_SIZE, raw, sizeof(raw));
}

int
reqid_take(const char *given, char out[REQID_SIZE])
{
	if (reqid_valid(given)) {
		memcpy(out, given, REQID_SIZE);
		return 1;
	}
	reqid_new(out);
	return 0;
}
