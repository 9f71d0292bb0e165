/*
 * cli/migcheck — the project's rules for a migration, which `migrate up`
 * enforces itself rather than leaving them to the tests:
 *
 *   before anything of a run is applied, each pending file
 *     - starts with the migrator guard, SELECT permit_assert_migrator(),
 *       so a file run by hand as another role fails before it creates
 *       anything (the file that creates the guard checks the role itself);
 *     - holds no statement that ends or opens a transaction: permitctl
 *       runs the file in one transaction with its schema_migrations row
 *       (or, a no-transaction file, each statement alone);
 *   after a file ran, before its row is written,
 *     - every table of schema public with an account_id or owner_id column
 *       has row-level security enabled and forced;
 *     - the runtime role permit_app owns nothing.
 */
#ifndef PERMIT_CLI_MIGCHECK_H
#define PERMIT_CLI_MIGCHECK_H

#include "cli/migfiles.h"
#include "core/arena.h"
#include "db/db.h"

/* Prints each rule `f` breaks; returns how many (0: it may run). */
int cli_migcheck_file(const struct cli_mig_file *f);

/* Prints each catalog rule the database breaks after `file` ran, on `db`
 * (results in `a`); returns how many, or -1 when the check itself failed
 * (logged). */
int cli_migcheck_catalog(struct db *db, arena *a, const char *file);

#endif
