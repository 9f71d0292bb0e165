/*
 * cli/keydb — the database half of key rotation (docs/DESIGN.md invariant 2):
 *
 *   permitctl keys rewrap [--batch N] [--database OWNER_CONNINFO]
 *   permitctl keys retire ID [--database OWNER_CONNINFO]
 *   permitctl keys purge ID [--yes] [--database OWNER_CONNINFO]
 *
 * rewrap re-wraps every DEK of every sealed table (db/sql/sealed.def) whose
 * kek_id is not the keyring's active KEK (cfg->keyring), in batches of
 * cfg->rewrap_batch (--batch overrides), each batch one transaction that
 * skips rows others hold locked; it can be stopped and run again at any
 * time. Only the wrapped DEK and its kek_id change: no field is
 * re-encrypted. It refuses while a live permitd does not hold the active
 * KEK (it could not open what is re-wrapped under it: reload first).
 *
 * retire refuses the keyring's active KEK (rotate first), and, in one
 * transaction that locks the KEK's row against concurrent writes under it
 * (migrations/0006), refuses while a live permitd still wraps new DEKs
 * under it or any sealed row still names it; otherwise it marks the KEK
 * retired in the database (nothing can be wrapped under it any more) and
 * moves it from the keyring to the archive (crypto/keyring.h).
 *
 * purge destroys an archived KEK for good, after the operator typed its id
 * (or --yes), and only under the same checks as retire.
 *
 * All run as the owner role (its RLS policies admit every row), never as
 * permitd's runtime role. Arguments start after "rewrap" / "retire" /
 * "purge"; the return is a process exit status as cli.h says.
 */
#ifndef PERMIT_CLI_KEYDB_H
#define PERMIT_CLI_KEYDB_H

#include "core/arena.h"
#include "core/config.h"
#include "crypto/keyring.h"
#include "db/db.h"
#include "db/sealed.h"

int cli_keys_rewrap(int argc, char **argv, const struct config *cfg);
int cli_keys_retire(int argc, char **argv, const struct config *cfg);
int cli_keys_purge(int argc, char **argv, const struct config *cfg);

/* The statements of each sealed table (db/sql/ctl/keys.def). */
struct cli_sealed_stmts {
	enum db_stmt count;    /* $1 active KEK: DEKs not under it */
	enum db_stmt batch;    /* $1 active KEK, $2 batch: id, owner, dek_wrapped */
	enum db_stmt update;   /* $1 id, $2 dek_wrapped, $3 kek_id */
	enum db_stmt deks;     /* $1 a KEK: DEKs under it */
};

/* Indexed by enum db_sealed. Static storage. */
const struct cli_sealed_stmts *cli_sealed_stmts(enum db_sealed t);

/* What a command works with: the keyring, an owner connection, an arena
 * for results (reset as the command goes). */
struct cli_keys_env {
	struct keyring *kr;
	struct db *db;
	arena *a;
};

/* Loads cfg's keyring and connects to `database` (cli_database's rules).
 * 0, or -1 with the reason printed under "permitctl keys `what`" and
 * nothing left open. Release with cli_keys_env_close. */
int cli_keys_env_open(const struct config *cfg, const char *database,
    const char *what, struct cli_keys_env *e);
void cli_keys_env_close(struct cli_keys_env *e);

/* The count(*) `stmt` returns for the one text parameter `p`. 0, or -1
 * (logged). */
int cli_keys_count(struct cli_keys_env *e, enum db_stmt stmt, const char *p,
    long long *out);

/*
 * Inside an open transaction: registers and locks KEK `id`'s row, checks
 * that no live permitd wraps new DEKs under it and no sealed row names it,
 * and marks it retired. 0 when nothing did and it is marked (the row stays
 * locked until the transaction ends; the caller commits); 2 when a live
 * permitd does, 1 when rows do (either printed under "permitctl keys
 * `what`", saying what to do; with `quiet_sealing` nothing is printed for
 * 2, so a caller can look again); -1 on a database failure (logged).
 */
int cli_kek_retire(struct cli_keys_env *e, const char *id, const char *what,
    int quiet_sealing);

/*
 * Prints, under "permitctl keys `what`", every live permitd that does not
 * hold KEK `id`. 0 when there is none, 1 when there are, -1 on failure.
 */
int cli_instances_lacking(struct cli_keys_env *e, const char *id,
    const char *what);

#endif
