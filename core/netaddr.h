/*
 * netaddr — IP addresses and lists of addresses and CIDR blocks, for the
 * client-address rule (who a request's client is, behind trusted proxies)
 * and the `trusted_proxies` setting.
 *
 * A list is addresses or blocks ("10.0.0.0/8", "::1", "fd00::/8")
 * separated by commas and/or blanks. An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) is the IPv4 address it maps. Plain data, no allocation.
 */
#ifndef PERMIT_CORE_NETADDR_H
#define PERMIT_CORE_NETADDR_H

#include <stddef.h>

struct netaddr {
	int v6;                  /* 0: IPv4 (addr[0..4)), 1: IPv6 */
	unsigned char addr[16];
};

/* Enough for any address's canonical text. */
#define NETADDR_STR 46

/* The address s[0..len): 0 with *out, or -1 when it is not one. */
int netaddr_parse(const char *s, size_t len, struct netaddr *out);

/* Its canonical text (inet_ntop) into buf[NETADDR_STR]. */
void netaddr_format(const struct netaddr *a, char buf[NETADDR_STR]);

/*
 * What stands for one client where requests are counted per address (rate
 * limits, flag rules): an IPv4 address itself; an IPv6 address's /64, in
 * the form "2001:db8:1:2::/64", since a subscriber is given at least a /64
 * and can take a fresh address of it for every request. 0 with buf, or -1
 * when `addr` is no address.
 */
#define NETADDR_SOURCE_STR (NETADDR_STR + 4)
int netaddr_source(const char *addr, char buf[NETADDR_SOURCE_STR]);

/* 0 when `list` is a well-formed list (an empty one included), else -1. */
int netaddr_list_check(const char *list);

/* 1 when `a` is in `list` (NULL: the empty list), else 0; a malformed
 * entry matches nothing. */
int netaddr_in_list(const char *list, const struct netaddr *a);

#endif
