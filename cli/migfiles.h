/*
 * cli/migfiles — the migration files of a directory: NNNN_name.sql, read
 * whole, each with the SHA-256 of its bytes, in version order.
 *
 * A file runs in one transaction with its schema_migrations row, unless a
 * line of its leading comments says
 *
 *     -- permitctl: no-transaction
 *
 * (for CREATE INDEX CONCURRENTLY and the like): then each statement runs
 * alone, and the row is written once all have succeeded. Any other
 * "-- permitctl:" line there is refused, so a misspelt directive is never
 * silently ignored.
 */
#ifndef PERMIT_CLI_MIGFILES_H
#define PERMIT_CLI_MIGFILES_H

#include <stddef.h>

#define CLI_MIG_CHECKSUM_HEX 65   /* SHA-256 in hex, NUL-terminated */

struct cli_mig_file {
	int version;                      /* NNNN */
	char *file;                       /* "0001_platform.sql" */
	char *name;                       /* "platform" */
	char *sql;                        /* the contents, NUL-terminated */
	char checksum[CLI_MIG_CHECKSUM_HEX];
	int no_tx;                        /* 1: "-- permitctl: no-transaction" */
};

struct cli_mig_set {
	struct cli_mig_file *files;       /* sorted by version */
	size_t n;
};

/*
 * Reads every *.sql of `dir` into `set`. A .sql file whose name is not
 * NNNN_name.sql (name: [a-z0-9_]+), a repeated version, an unreadable file,
 * one holding a NUL byte or an unknown directive is refused. 0, or -1 after printing why. The
 * set is the caller's: release it with cli_migfiles_free() in both cases.
 */
int cli_migfiles_load(const char *dir, struct cli_mig_set *set);
void cli_migfiles_free(struct cli_mig_set *set);

/* The file of `version`, or NULL. Points into `set`. */
const struct cli_mig_file *cli_migfiles_find(const struct cli_mig_set *set,
    int version);

#endif
