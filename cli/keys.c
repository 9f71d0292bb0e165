/*
 * cli/keys — permitctl keys: the keyring's life cycle.
 *
 *   permitctl keys init        create the keyring (refuses an existing file)
 *   permitctl keys rotate      add a new KEK and make it active
 *   permitctl keys list        the keyring's and the archive's ids (never
 *                              key material)
 *   permitctl keys rewrap      re-wrap DEKs under the active KEK  (database)
 *   permitctl keys retire ID   move a KEK nothing uses to the archive
 *                                                                 (database)
 *   permitctl keys restore ID  bring an archived KEK back, not active
 *   permitctl keys purge ID    destroy an archived KEK for good   (database)
 *   permitctl keys payment-key print the payment key (base64) for the
 *                              payment gateway's configuration
 *   permitctl keys add-payment-key  give a keyring from before payments
 *                              its payment key
 *
 * The files are cfg->keyring and its archive beside it (crypto/keyring.h).
 * The commands marked (database) connect as the owner role (cli/keydb.h).
 * The safe order, which the database enforces whatever order is tried:
 * rotate, reload every permitd (`permitctl reload`), rewrap, retire.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/keydb.h"
#include "core/config.h"
#include "crypto/keyring.h"

const char cli_keys_help[] =
    "usage: permitctl keys init|rotate|list|payment-key|add-payment-key\n"
    "       permitctl keys rewrap [--batch N] [--database OWNER_CONNINFO]\n"
    "       permitctl keys retire ID [--database OWNER_CONNINFO]\n"
    "       permitctl keys restore ID\n"
    "       permitctl keys backup --out FILE [--passphrase-fd N]\n"
    "       permitctl keys restore --backup FILE [--passphrase-fd N]\n"
    "       permitctl keys purge ID [--yes] [--database OWNER_CONNINFO]\n"
    "\n"
    "  The keyring is the config's `keyring` file (-c CONFIG).\n"
    "  init             creates it: a KEK, the blind-index, token and\n"
    "                   payment keys\n"
    "  rotate           adds a new active KEK; the old one still opens\n"
    "  list             the keys and which KEK wraps how many records\n"
    "  payment-key      prints the payment key for the gateway's config\n"
    "  add-payment-key  adds one to a keyring made before payments\n"
    "  rewrap           rewraps every record's key under the active KEK\n"
    "  retire ID        moves a KEK no record uses to the archive\n"
    "  restore ID       brings an archived KEK back\n"
    "  purge ID         deletes an archived KEK for good\n"
    "  backup           seals the keyring and its archive under a\n"
    "                   passphrase (Argon2id, XChaCha20-Poly1305) into a\n"
    "                   new file, for off-site custody\n"
    "  restore --backup writes a new keyring and archive from a backup\n"
    "                   (never over existing ones)\n"
    "  A rotation: keys rotate; permitctl reload; keys rewrap; keys retire OLD.\n"
    "  --batch N            rewrap: records per transaction, 1 to 100000\n"
    "                       (default: the config's rewrap_batch)\n"
    CLI_HELP_DATABASE
    "  --yes                purge: no confirmation asked\n"
    "  --out FILE           backup: the new file to write (mode 0600)\n"
    "  --backup FILE        restore: the backup to read\n"
    "  --passphrase-fd N    read the passphrase (at least 16 characters)\n"
    "                       from file descriptor N, not standard input;\n"
    "                       never from the command line\n"
    "  -h, --help           this text\n";

static int
keys_init(const struct config *cfg)
{
	char err[512];

	if (keyring_init_file(cfg->keyring, err, sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys init: %s\n", err);
		return 1;
	}
	printf("keys init: created %s (mode 0600) with kek k1 (active), "
	    "bidx b1, token t1, pay p1\n", cfg->keyring);
	printf("keys init: `permitctl keys payment-key` prints the payment "
	    "key for the payment gateway's configuration\n");
	printf("keys init: back it up somewhere safe and apart from database "
	    "dumps: without it no sealed field can be read\n");
	return 0;
}

static int
keys_rotate(const struct config *cfg)
{
	struct keyring *kr;
	char err[512], old[KEYRING_ID_SIZE], id[KEYRING_ID_SIZE];

	/* Validate first, so the message names the file's fault. */
	if (keyring_load(cfg->keyring, &kr, err, sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys rotate: %s\n", err);
		return 1;
	}
	snprintf(old, sizeof(old), "%s", keyring_active_kek_id(kr));
	keyring_free(kr);
	if (keyring_rotate(cfg->keyring, id, err, sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys rotate: %s\n", err);
		return 1;
	}
	printf("keys rotate: %s: added kek %s, now active; %s kept for "
	    "opening\n", cfg->keyring, id, old);
	printf("keys rotate: next, reload every permitd that uses this keyring "
	    "(`permitctl reload`), then `permitctl keys rewrap`, then "
	    "`permitctl keys retire %s`\n", old);
	return 0;
}

static int
keys_list(const struct config *cfg)
{
	char ids[KEYRING_MAX_KEKS][KEYRING_ID_SIZE], err[512];
	struct keyring *kr;
	const char *active;
	size_t n;

	if (keyring_load(cfg->keyring, &kr, err, sizeof(err)) != 0 ||
	    keyring_archive_ids(cfg->keyring, ids, KEYRING_MAX_KEKS, &n, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys list: %s\n", err);
		keyring_free(kr);
		return 1;
	}
	active = keyring_active_kek_id(kr);
	printf("%s:\n", cfg->keyring);
	for (size_t i = 0; i < keyring_kek_count(kr); i++)
		printf("kek %s%s\n", keyring_kek_id(kr, i),
		    strcmp(keyring_kek_id(kr, i), active) == 0 ? " active" : "");
	printf("bidx %s\ntoken %s\n", keyring_bidx_id(kr), keyring_token_id(kr));
	if (keyring_payment_id(kr) != NULL)
		printf("pay %s\n", keyring_payment_id(kr));
	for (size_t i = 0; i < n; i++)
		printf("kek %s archived\n", ids[i]);
	keyring_free(kr);
	return 0;
}

static int
keys_restore(const struct config *cfg, const char *id)
{
	char err[512];

	if (keyring_restore(cfg->keyring, id, err, sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys restore: %s\n", err);
		return 1;
	}
	printf("keys restore: kek %s is back in %s (not active): reload permitd "
	    "(`permitctl reload`) so it opens what %s wraps, then "
	    "`permitctl keys rewrap`\n", id, cfg->keyring, id);
	return 0;
}

/* The payment key on stdout, alone on its line, for the gateway. */
static int
keys_payment_key(const struct config *cfg)
{
	char b64[KEYRING_KEY_BASE64_SIZE], err[512];
	struct keyring *kr;
	int rc = 1;

	if (keyring_load(cfg->keyring, &kr, err, sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys payment-key: %s\n", err);
		return 1;
	}
	if (keyring_payment_key_base64(kr, b64, sizeof(b64)) != 0)
		fprintf(stderr, "permitctl keys payment-key: %s has no payment "
		    "key; add one with `permitctl keys add-payment-key`\n",
		    cfg->keyring);
	else {
		printf("%s\n", b64);
		rc = 0;
	}
	sodium_memzero(b64, sizeof(b64));
	keyring_free(kr);
	return rc;
}

static int
keys_add_payment_key(const struct config *cfg)
{
	char err[512];

	if (keyring_add_payment_key(cfg->keyring, err, sizeof(err)) != 0) {
		fprintf(stderr, "permitctl keys add-payment-key: %s\n", err);
		return 1;
	}
	printf("keys add-payment-key: %s: added pay p1; reload every permitd "
	    "that uses this keyring (`permitctl reload`) and give the "
	    "gateway `permitctl keys payment-key`\n", cfg->keyring);
	return 0;
}

int
cli_keys(int argc, char **argv, const struct config *cfg)
{
	const char *sub;

	if (argc < 2)
		return cli_usage_error(cli_keys_help);
	sub = argv[1];
	if (strcmp(sub, "init") == 0 && argc == 2)
		return keys_init(cfg);
	if (strcmp(sub, "rotate") == 0 && argc == 2)
		return keys_rotate(cfg);
	if (strcmp(sub, "list") == 0 && argc == 2)
		return keys_list(cfg);
	if (strcmp(sub, "payment-key") == 0 && argc == 2)
		return keys_payment_key(cfg);
	if (strcmp(sub, "add-payment-key") == 0 && argc == 2)
		return keys_add_payment_key(cfg);
	if (strcmp(sub, "restore") == 0 && argc == 3 && argv[2][0] != '-')
		return keys_restore(cfg, argv[2]);
	if (strcmp(sub, "restore") == 0)
		return cli_keys_restore_backup(argc - 1, argv + 1, cfg);
	if (strcmp(sub, "backup") == 0)
		return cli_keys_backup(argc - 1, argv + 1, cfg);
	if (strcmp(sub, "rewrap") == 0)
		return cli_keys_rewrap(argc - 1, argv + 1, cfg);
	if (strcmp(sub, "retire") == 0)
		return cli_keys_retire(argc - 1, argv + 1, cfg);
	if (strcmp(sub, "purge") == 0)
		return cli_keys_purge(argc - 1, argv + 1, cfg);
	return cli_usage_error(cli_keys_help);
}
