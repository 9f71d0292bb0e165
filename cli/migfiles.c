#include "cli/migfiles.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define CLI_MIG_MAX_BYTES (16u * 1024 * 1024)

static void *
cli_mig_xalloc(void *p)
{
	if (p == NULL) {
		fprintf(stderr, "permitctl: out of memory\n");
		abort();
	}
	return p;
}

static int
cli_mig_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* NNNN_name.sql: the version, or -1 when `file` is not so named. */
static int
cli_mig_parse_name(const char *file)
{
	size_t n = strlen(file), namelen;

	if (n < 10 || strspn(file, "0123456789") != 4 || file[4] != '_')
		return -1;
	namelen = n - 5 - 4;   /* between "NNNN_" and ".sql" */
	if (strspn(file + 5, "abcdefghijklmnopqrstuvwxyz0123456789_") != namelen)
		return -1;
	return atoi(file);
}

/* The whole file, NUL-terminated, into *out (malloc'd). 0 or -1 (printed). */
static int
cli_mig_read(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;
	int rc = -1;

	if (f == NULL) {
		fprintf(stderr, "permitctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 8192;
			if (cap > CLI_MIG_MAX_BYTES) {
				fprintf(stderr, "permitctl: %s: too large\n", path);
				goto out;
			}
			buf = cli_mig_xalloc(realloc(buf, cap + 1));
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		fprintf(stderr, "permitctl: %s: read error\n", path);
		goto out;
	}
	if (buf == NULL)
		buf = cli_mig_xalloc(malloc(1));
	buf[n] = '\0';
	if (memchr(buf, '\0', n) != NULL) {
		fprintf(stderr, "permitctl: %s: contains a NUL byte\n", path);
		goto out;
	}
	*out = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	fclose(f);
	return rc;
}

#define CLI_MIG_DIRECTIVE "-- permitctl:"

/* Reads the directives of the leading comment lines of `m`'s text into
 * `m`. 0, or -1 (printed) for a directive it does not know. */
static int
cli_mig_directives(struct cli_mig_file *m)
{
	const char *p = m->sql;

	for (;;) {
		size_t n;

		p += strspn(p, " \t\r\n");
		if (strncmp(p, "--", 2) != 0)
			return 0;
		n = strcspn(p, "\r\n");
		if (strncmp(p, CLI_MIG_DIRECTIVE, strlen(CLI_MIG_DIRECTIVE)) == 0) {
			const char *d = p + strlen(CLI_MIG_DIRECTIVE);
			size_t dn;

			d += strspn(d, " \t");
			dn = n - (size_t)(d - p);
			while (dn > 0 && (d[dn - 1] == ' ' || d[dn - 1] == '\t'))
				dn--;
			if (dn != strlen("no-transaction") ||
			    strncmp(d, "no-transaction", dn) != 0) {
				fprintf(stderr, "permitctl: %s: unknown directive "
				    "`%.*s' (the one there is: %s no-transaction)\n",
				    m->file, (int)n, p, CLI_MIG_DIRECTIVE);
				return -1;
			}
			m->no_tx = 1;
		}
		p += n;
	}
}

static int
cli_mig_add(struct cli_mig_set *set, const char *dir, const char *file,
    int version)
{
	struct cli_mig_file *m;
	unsigned char hash[crypto_hash_sha256_BYTES];
	char path[4096];
	size_t len;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path)) {
		fprintf(stderr, "permitctl: %s: path too long\n", dir);
		return -1;
	}
	set->files = cli_mig_xalloc(realloc(set->files,
	    (set->n + 1) * sizeof(*set->files)));
	m = &set->files[set->n];
	memset(m, 0, sizeof(*m));
	if (cli_mig_read(path, &m->sql, &len) != 0)
		return -1;
	set->n++;
	m->version = version;
	m->file = cli_mig_xalloc(strdup(file));
	m->name = cli_mig_xalloc(strndup(file + 5, strlen(file) - 5 - 4));
	crypto_hash_sha256(hash, (const unsigned char *)m->sql, len);
	sodium_bin2hex(m->checksum, sizeof(m->checksum), hash, sizeof(hash));
	return cli_mig_directives(m);
}

static int
cli_mig_cmp(const void *a, const void *b)
{
	const struct cli_mig_file *x = a, *y = b;

	return (x->version > y->version) - (x->version < y->version);
}

/* Sorts by version; refuses two files of one version. */
static int
cli_mig_sort(struct cli_mig_set *set)
{
	if (set->n > 1)
		qsort(set->files, set->n, sizeof(*set->files), cli_mig_cmp);
	for (size_t i = 1; i < set->n; i++) {
		if (set->files[i].version == set->files[i - 1].version) {
			fprintf(stderr, "permitctl: %s and %s share version %04d\n",
			    set->files[i - 1].file, set->files[i].file,
			    set->files[i].version);
			return -1;
		}
	}
	return 0;
}

int
cli_migfiles_load(const char *dir, struct cli_mig_set *set)
{
	DIR *d;
	struct dirent *e;
	int rc = -1, version;

	set->files = NULL;
	set->n = 0;
	if (sodium_init() < 0) {
		fprintf(stderr, "permitctl: libsodium failed to initialise\n");
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "permitctl: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!cli_mig_has_suffix(e->d_name, ".sql"))
			continue;
		if ((version = cli_mig_parse_name(e->d_name)) <= 0) {
			fprintf(stderr, "permitctl: %s/%s: not a migration name "
			    "(NNNN_name.sql, NNNN from 0001)\n", dir, e->d_name);
			goto out;
		}
		if (cli_mig_add(set, dir, e->d_name, version) != 0)
			goto out;
	}
	rc = cli_mig_sort(set);
out:
	closedir(d);
	return rc;
}

void
cli_migfiles_free(struct cli_mig_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->files[i].file);
		free(set->files[i].name);
		free(set->files[i].sql);
	}
	free(set->files);
	set->files = NULL;
	set->n = 0;
}

const struct cli_mig_file *
cli_migfiles_find(const struct cli_mig_set *set, int version)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->files[i].version == version)
			return &set->files[i];
	return NULL;
}
