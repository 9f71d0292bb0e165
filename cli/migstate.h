/*
 * cli/migstate — what `permitctl migrate` shares between its files
 * (migrate.c: the command line; migstate.c: what is applied, compared with
 * the files, the lock, status and verify; migup.c: up; migrepair.c:
 * repair). Internal to those four.
 */
#ifndef PERMIT_CLI_MIGSTATE_H
#define PERMIT_CLI_MIGSTATE_H

#include "cli/migfiles.h"
#include "core/arena.h"
#include "core/config.h"
#include "db/db.h"

/* What the command line asked for. */
struct cli_mig_opts {
	const char *cmd;            /* up, status, verify or repair */
	const char *database;
	const char *dir;
	long target;                /* up: apply versions <= target; 0: all */
	int dry_run;                /* up: print what would run, run nothing */
	int out_of_order;           /* up: apply files older than the newest */
	long lock_timeout;          /* s to wait for another migrate's lock */
	long ddl_lock_timeout;      /* s a statement waits for a lock; 0: no limit */
	const char *accept;         /* repair: the file to accept as edited */
	const char *reason;         /* repair: why, for the audit trail */
	const struct config *cfg;   /* owner_database */
};

struct cli_mig {
	struct db *db;
	arena *a;                   /* results; lives for the whole command */
	const struct cli_mig_opts *o;
	const char *dir;
	struct cli_mig_set files;
	struct db_result *applied;  /* schema_migrations rows by version; NULL: none */
};

/* Reads schema_migrations into m->applied (NULL when there is no table).
 * 0, or -1 (logged). */
int cli_mig_load_applied(struct cli_mig *m);
/* Creates schema_migrations if missing; the caller holds the lock. */
int cli_mig_prepare_table(struct cli_mig *m);
/* Waits up to --lock-timeout for the advisory lock (released when the
 * connection closes), saying for whom once. 0, or -1 (printed). */
int cli_mig_lock(struct cli_mig *m);

int cli_mig_napplied(const struct cli_mig *m);
/* Column number `col` of applied row `row`; "" for NULL; lives in m->a. */
const char *cli_mig_text(const struct cli_mig *m, int row, int col);
/* Column `col` (named as in MIGRATIONS_APPLIED) of applied row `row`. */
#define CLI_MIG_COL(m, row, col) \
	cli_mig_text((m), (row), DB_COL(MIGRATIONS_APPLIED, col))
int cli_mig_version(const struct cli_mig *m, int row);
/* The applied row of `version`, or -1 when it is pending. */
int cli_mig_applied_row(const struct cli_mig *m, int version);
/* 1 when applied row `row` no longer matches file `f` (edited, renamed). */
int cli_mig_differs(const struct cli_mig *m, int row,
    const struct cli_mig_file *f);
/* How many applied files were edited, renamed or removed; printed when
 * `say`. */
int cli_mig_problems(const struct cli_mig *m, int say);
/* The highest applied version, 0 when none. */
int cli_mig_newest(const struct cli_mig *m);
/* 1 when pending file `f` is older than the newest applied migration. */
int cli_mig_out_of_order(const struct cli_mig *m, const struct cli_mig_file *f);

/* The subcommands: process exit statuses (cli.h). */
int cli_mig_up(struct cli_mig *m);
int cli_mig_status(struct cli_mig *m);
int cli_mig_verify(struct cli_mig *m);
int cli_mig_repair(struct cli_mig *m);

#endif
