/*
 * netaddr — addresses and CIDR lists (contract in netaddr.h).
 */
#include "core/netaddr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#define NETADDR_SEP ", \t"

static const unsigned char netaddr_mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

int
netaddr_parse(const char *s, size_t len, struct netaddr *out)
{
	char buf[NETADDR_STR];

	memset(out, 0, sizeof(*out));
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, out->addr) == 1)
		return 0;
	if (inet_pton(AF_INET6, buf, out->addr) != 1)
		return -1;
	if (memcmp(out->addr, netaddr_mapped, sizeof(netaddr_mapped)) == 0) {
		memmove(out->addr, out->addr + 12, 4);
		memset(out->addr + 4, 0, 12);
		return 0;
	}
	out->v6 = 1;
	return 0;
}

void
netaddr_format(const struct netaddr *a, char buf[NETADDR_STR])
{
	if (inet_ntop(a->v6 ? AF_INET6 : AF_INET, a->addr, buf,
	    NETADDR_STR) == NULL)
		buf[0] = '\0';
}

int
netaddr_source(const char *addr, char buf[NETADDR_SOURCE_STR])
{
	struct netaddr a;

	if (netaddr_parse(addr, strlen(addr), &a) != 0)
		return -1;
	if (a.v6)
		memset(a.addr + 8, 0, 8);
	netaddr_format(&a, buf);
	if (a.v6)
		strcat(buf, "/64");
	return 0;
}

/* The entry s[0..len) as a block: 0 with *net and *bits, or -1. */
static int
netaddr_block(const char *s, size_t len, struct netaddr *net, int *bits)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash != NULL ? (size_t)(slash - s) : len;
	int max;
	char *end;
	long b;

	if (netaddr_parse(s, alen, net) != 0)
		return -1;
	max = net->v6 ? 128 : 32;
	*bits = max;
	if (slash == NULL)
		return 0;
	if (len - alen < 2 || len - alen > 4 || slash[1] < '0' || slash[1] > '9')
		return -1;
	b = strtol(slash + 1, &end, 10);
	if (end != s + len || b < 0 || b > max)
		return -1;
	*bits = (int)b;
	return 0;
}

/* 1 when the first `bits` bits of a and net agree (same family). */
static int
netaddr_prefix(const struct netaddr *a, const struct netaddr *net, int bits)
{
	int whole = bits / 8, rest = bits % 8;
	unsigned char mask;

	if (a->v6 != net->v6 || memcmp(a->addr, net->addr, (size_t)whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (a->addr[whole] & mask) == (net->addr[whole] & mask);
}

/* Calls each entry of `list`; stops at the first that fn answers non-zero
 * for and returns that. */
static int
netaddr_each(const char *list, int (*fn)(const char *, size_t, const void *),
    const void *arg)
{
	const char *p = list;
	size_t len;
	int r;

	while (p != NULL && *p != '\0') {
		p += strspn(p, NETADDR_SEP);
		len = strcspn(p, NETADDR_SEP);
		if (len > 0 && (r = fn(p, len, arg)) != 0)
			return r;
		p += len;
	}
	return 0;
}

static int
netaddr_entry_bad(const char *s, size_t len, const void *arg)
{
	struct netaddr net;
	int bits;

	(void)arg;
	return netaddr_block(s, len, &net, &bits) != 0 ? -1 : 0;
}

static int
netaddr_entry_has(const char *s, size_t len, const void *arg)
{
	struct netaddr net;
	int bits;

	return netaddr_block(s, len, &net, &bits) == 0 &&
	    netaddr_prefix(arg, &net, bits) ? 1 : 0;
}

int
netaddr_list_check(const char *list)
{
	return netaddr_each(list, netaddr_entry_bad, NULL) != 0 ? -1 : 0;
}

int
netaddr_in_list(const char *list, const struct netaddr *a)
{
	return netaddr_each(list, netaddr_entry_has, a) == 1;
}
