/*
 * cli/rewrap — the database half of key rotation (DESIGN.md invariant 2):
 *
 *   permitctl keys rewrap [--batch N] [--database OWNER_CONNINFO]
 *   permitctl keys retire ID [--database OWNER_CONNINFO]
 *
 * rewrap re-wraps every DEK of every sealed table (db/sql/sealed.def) whose
 * kek_id is not the keyring's active KEK (cfg->keyring), in batches of cfg->rewrap_batch
 * (--batch overrides), each batch one transaction that skips rows others
 * hold locked; it can be stopped and run again at any time. Only the
 * wrapped DEK and its kek_id change: no field is re-encrypted.
 *
 * retire removes KEK ID from the keyring file only when no DEK in any
 * sealed table still names it; otherwise it refuses, naming how many do.
 *
 * Both run as the owner role (its RLS policies admit every row), never as
 * permitd's runtime role. Arguments start after "rewrap" / "retire"; the
 * return is a process exit status as cli.h says.
 */
#ifndef PERMIT_CLI_REWRAP_H
#define PERMIT_CLI_REWRAP_H

#include "core/config.h"

int cli_keys_rewrap(int argc, char **argv, const struct config *cfg);
int cli_keys_retire(int argc, char **argv, const struct config *cfg);

#endif
