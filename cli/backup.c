/*
 * cli/backup — permitctl keys backup and keys restore --backup: the
 * keyring and its archive sealed under a passphrase for off-site custody
 * (crypto/escrow.h), and read back into a new keyring. The passphrase is
 * read from standard input or --passphrase-fd N, never from the command
 * line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "crypto/escrow.h"
#include "crypto/keyring.h"

struct cli_backup_opts {
	const char *file;        /* backup: --out; restore: --backup */
	long fd;                 /* --passphrase-fd; 0: standard input */
};

/* argv[1..) after "backup" or "restore": `flag` FILE [--passphrase-fd N]. */
static int
cli_backup_args(int argc, char **argv, const char *flag,
    struct cli_backup_opts *o)
{
	o->file = NULL;
	o->fd = 0;
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			return -1;
		if (strcmp(argv[i], flag) == 0)
			o->file = argv[++i];
		else if (strcmp(argv[i], "--passphrase-fd") == 0) {
			if (cli_number("--passphrase-fd", argv[++i], 0, 1023,
			    &o->fd) != 0)
				return -1;
		} else
			return -1;
	}
	return o->file != NULL ? 0 : -1;
}

/* The passphrase from fd o->fd into pass[CLI_SECRET_MAX + 2]. */
static int
cli_backup_passphrase(const struct cli_backup_opts *o, char *pass,
    size_t *len)
{
	if (o->fd != 0 && dup2((int)o->fd, STDIN_FILENO) < 0) {
		fprintf(stderr, "permitctl keys: --passphrase-fd %ld: %s\n", o->fd,
		    strerror(errno));
		return -1;
	}
	if (cli_read_secret("Passphrase: ", pass, CLI_SECRET_MAX + 2, len) != 0) {
		fprintf(stderr, "permitctl keys: no passphrase read\n");
		return -1;
	}
	return 0;
}

/* All of text[0..len) to `fd`: 0, or -1 with errno set. */
static int
cli_backup_write_all(int fd, const char *text, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, text, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		text += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Writes text[0..len) to a new file `path`, mode 0600. A file left
 * incomplete is removed. The descriptor is closed once, whatever fails. */
static int
cli_backup_write(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int ok, saved;

	if (fd < 0) {
		fprintf(stderr, "permitctl keys backup: %s: %s\n", path,
		    errno == EEXIST ? "already exists, not overwritten" :
		    strerror(errno));
		return -1;
	}
	ok = fchmod(fd, 0600) == 0 && cli_backup_write_all(fd, text, len) == 0 &&
	    fsync(fd) == 0;
	saved = errno;
	if (close(fd) != 0 && ok) {
		ok = 0;
		saved = errno;
	}
	if (!ok) {
		fprintf(stderr, "permitctl keys backup: %s: %s\n", path,
		    strerror(saved));
		unlink(path);
		return -1;
	}
	return 0;
}

int
cli_keys_backup(int argc, char **argv, const struct config *cfg)
{
	struct cli_backup_opts o;
	char pass[CLI_SECRET_MAX + 2], err[512], *bundle = NULL, *sealed = NULL;
	size_t passlen = 0, blen, slen;
	int rc = 1;

	if (cli_backup_args(argc, argv, "--out", &o) != 0)
		return cli_usage_error(cli_keys_help);
	if (cli_backup_passphrase(&o, pass, &passlen) != 0)
		goto out;
	if (keyring_bundle_export(cfg->keyring, &bundle, &blen, err,
	    sizeof(err)) != 0 ||
	    escrow_seal(pass, passlen, (const unsigned char *)bundle, blen,
	    ESCROW_OPSLIMIT, ESCROW_MEMLIMIT, &sealed, &slen, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys backup: %s\n", err);
		goto out;
	}
	if (cli_backup_write(o.file, sealed, slen) != 0)
		goto out;
	printf("keys backup: %s: the keyring %s and its archive, sealed under "
	    "the passphrase (Argon2id, XChaCha20-Poly1305); keep the file and "
	    "the passphrase in separate places\n", o.file, cfg->keyring);
	rc = 0;
out:
	sodium_memzero(pass, sizeof(pass));
	keyring_bundle_free(bundle);
	free(sealed);
	return rc;
}

/* The backup file's text, malloc'd, into *text (at most 1 MiB). */
static int
cli_backup_read(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1024 * 1024;

	*text = NULL;
	if (f == NULL || (*text = malloc(cap + 1)) == NULL) {
		fprintf(stderr, "permitctl keys restore: %s: %s\n", path,
		    strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	*len = fread(*text, 1, cap + 1, f);
	fclose(f);
	if (*len > cap) {
		fprintf(stderr, "permitctl keys restore: %s: too large for a "
		    "backup\n", path);
		return -1;
	}
	(*text)[*len] = '\0';
	return 0;
}

int
cli_keys_restore_backup(int argc, char **argv, const struct config *cfg)
{
	struct cli_backup_opts o;
	char pass[CLI_SECRET_MAX + 2], err[512], *text = NULL;
	unsigned char *plain = NULL;
	size_t passlen = 0, tlen, plen;
	int rc = 1;

	if (cli_backup_args(argc, argv, "--backup", &o) != 0)
		return cli_usage_error(cli_keys_help);
	if (cli_backup_read(o.file, &text, &tlen) != 0 ||
	    cli_backup_passphrase(&o, pass, &passlen) != 0)
		goto out;
	if (escrow_open(pass, passlen, text, tlen, &plain, &plen, err,
	    sizeof(err)) != 0 ||
	    keyring_bundle_import(cfg->keyring, (const char *)plain, plen, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys restore: %s\n", err);
		goto out;
	}
	printf("keys restore: wrote %s and its archive from %s; start permitd "
	    "with it (permitd -t checks it first)\n", cfg->keyring, o.file);
	rc = 0;
out:
	sodium_memzero(pass, sizeof(pass));
	escrow_free(plain);
	free(text);
	return rc;
}
