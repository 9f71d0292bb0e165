/*
 * uuid — random version 4 UUIDs (RFC 9562, section 5.4).
 */
#include "core/uuid.h"

#include <stdio.h>

#include <sodium.h>

void
uuid_v4(char out[UUID_SIZE])
{
	unsigned char b[16];
	size_t o = 0;

	randombytes_buf(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);   /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* variant 10 */
	for (size_t i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		snprintf(out + o, UUID_SIZE - o, "%02x", b[i]);
		o += 2;
	}
	out[UUID_LEN] = '\0';
}
