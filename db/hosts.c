/*
 * hosts — a conninfo's list of hosts, for connecting to one at a time
 * (contract in internal.h).
 *
 * libpq tries a list's hosts in turn, but through PQconnectPoll it never
 * gives up on one that does not answer (connect_timeout applies only to
 * its blocking calls): a host that is down without refusing, powered off
 * or cut off, would hold every attempt until the handle's deadline, and
 * the next host, a promoted standby, would never be reached. So a runtime
 * handle tries the hosts one by one, each in a connection of its own with
 * a share of the attempt's time (db/conn.c).
 */
#include "db/internal.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

/* The value of `keyword` in `opts`, or NULL when the conninfo has none. */
static const char *
db_hosts_option(const PQconninfoOption *opts, const char *keyword)
{
	for (const PQconninfoOption *o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, keyword) == 0)
			return o->val != NULL && *o->val != '\0' ? o->val : NULL;
	return NULL;
}

/*
 * Splits `list` (a copy in `buf`, advanced past it) at its commas into
 * out[0..DB_HOSTS_MAX): the number of elements, or -1 when there are too
 * many or one is empty and `empty_ok` is 0 (libpq then reads the list
 * itself); an empty one allowed is NULL. 0 for NULL.
 */
static int
db_hosts_split(const char *list, char **buf, char *out[DB_HOSTS_MAX],
    int empty_ok)
{
	int n = 0;
	char *s;

	if (list == NULL)
		return 0;
	s = strcpy(*buf, list);
	*buf += strlen(list) + 1;
	for (;;) {
		if (n == DB_HOSTS_MAX)
			return -1;
		out[n++] = s;
		if ((s = strchr(s, ',')) == NULL)
			break;
		*s++ = '\0';
	}
	for (int i = 0; i < n; i++) {
		if (*out[i] != '\0')
			continue;
		if (!empty_ok)
			return -1;
		out[i] = NULL;
	}
	return n;
}

/*
 * libpq's default port (PGPORT, else the one it was built with), malloc'd,
 * for the empty elements of a port list: a URI's hosts without their own
 * port (postgresql://db1,db2/permit has the port list ","). NULL on out
 * of memory (logged).
 */
static char *
db_hosts_default_port(void)
{
	PQconninfoOption *d = PQconndefaults();
	const char *v = d != NULL ? db_hosts_option(d, "port") : NULL;
	char *port = strdup(v != NULL ? v : "5432");

	PQconninfoFree(d);
	if (port == NULL)
		log_error("out of memory");
	return port;
}

/* h->n from the counts of the three lists: 0 unless they make a list of
 * two hosts or more that libpq would accept. */
static int
db_hosts_count(int hosts, int addrs, int ports)
{
	int n = hosts > 0 ? hosts : addrs;

	if (hosts < 0 || addrs < 0 || ports < 0 || n < 2 ||
	    (addrs > 0 && addrs != n) || (ports > 1 && ports != n))
		return 0;
	return n;
}

int
db_hosts_parse(const char *conninfo, struct db_hosts *h)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	const char *host, *addr, *port;
	char *buf;
	int nh, na, np;

	memset(h, 0, sizeof(*h));
	if (opts == NULL)
		return 0;   /* unparsable: libpq says why when connecting */
	host = db_hosts_option(opts, "host");
	addr = db_hosts_option(opts, "hostaddr");
	port = db_hosts_option(opts, "port");
	h->buf = buf = malloc((host != NULL ? strlen(host) + 1 : 0) +
	    (addr != NULL ? strlen(addr) + 1 : 0) +
	    (port != NULL ? strlen(port) + 1 : 0) + 1);
	if (buf == NULL) {
		PQconninfoFree(opts);
		log_error("out of memory");
		return -1;
	}
	nh = db_hosts_split(host, &buf, h->host, 0);
	na = db_hosts_split(addr, &buf, h->hostaddr, 0);
	np = db_hosts_split(port, &buf, h->port, 1);
	PQconninfoFree(opts);
	for (int i = 0; i < np; i++) {
		if (h->port[i] != NULL)
			continue;
		if (h->default_port == NULL &&
		    (h->default_port = db_hosts_default_port()) == NULL) {
			db_hosts_free(h);
			return -1;
		}
		h->port[i] = h->default_port;
	}
	h->n = db_hosts_count(nh, na, np);
	if (nh < 0 || na < 0 || np < 0)
		log_warn("database: a host list of more than %d hosts or with an "
		    "empty one is left to libpq, which waits on a host that "
		    "never answers instead of trying the next", DB_HOSTS_MAX);
	for (int i = 1; h->n > 0 && np == 1 && i < h->n; i++)
		h->port[i] = h->port[0];
	return 0;
}

void
db_hosts_free(struct db_hosts *h)
{
	free(h->buf);
	free(h->default_port);
	memset(h, 0, sizeof(*h));
}
