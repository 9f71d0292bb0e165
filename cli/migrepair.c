/*
 * permitctl migrate repair --accept FILE --reason WHY: an applied file's
 * edit accepted as harmless, its new checksum recorded with an audit row.
 */
#include "cli/migstate.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* `repair --accept FILE`: the file, by its name or a path ending in it. */
static const struct cli_mig_file *
cli_mig_accepted(const struct cli_mig *m)
{
	const char *base = strrchr(m->o->accept, '/');

	base = base != NULL ? base + 1 : m->o->accept;
	for (size_t i = 0; i < m->files.n; i++)
		if (strcmp(m->files.files[i].file, base) == 0)
			return &m->files.files[i];
	fprintf(stderr, "permitctl: %s: no such migration in %s\n", base, m->dir);
	return NULL;
}

/* The new checksum and the audit row of the repair, in one transaction. */
static int
cli_mig_repair_write(struct cli_mig *m, const struct cli_mig_file *f)
{
	char version[16];
	const struct db_param p[3] = { DB_TEXT(version), DB_TEXT(f->name),
	    DB_TEXT(f->checksum) };
	struct cli_audit_entry e = { "cli.migrate_repair", NULL, NULL, NULL };
	int rc = -1;

	snprintf(version, sizeof(version), "%d", f->version);
	e.detail = arena_printf(m->a, "%s: %s", f->file, m->o->reason);
	if (db_begin(m->db, NULL) != DB_OK)
		return -1;
	if (cli_audit_write(m->db, m->a, &e) == 0 &&
	    db_exec(m->db, NULL, DB_STMT_MIGRATION_REPAIR, p, 3, NULL) == DB_OK &&
	    db_commit(m->db) == DB_OK)
		rc = 0;
	db_rollback(m->db);
	return rc;
}

/* Accepts an applied file's edit as harmless: its row takes the file's
 * checksum now, and the audit trail records who did it and why. */
int
cli_mig_repair(struct cli_mig *m)
{
	const struct cli_mig_file *f;
	int row;

	if ((f = cli_mig_accepted(m)) == NULL || cli_mig_lock(m) != 0 ||
	    cli_mig_load_applied(m) != 0)
		return 1;
	if ((row = cli_mig_applied_row(m, f->version)) < 0 ||
	    strcmp(CLI_MIG_COL(m, row, NAME), f->name) != 0) {
		fprintf(stderr, "permitctl: %s was never applied under this name; "
		    "only an applied file's edit can be accepted\n", f->file);
		return 1;
	}
	if (!cli_mig_differs(m, row, f)) {
		printf("repair: %s already matches what was applied; nothing "
		    "to do\n", f->file);
		return 0;
	}
	if (cli_mig_repair_write(m, f) != 0)
		return 1;
	printf("repair: %s accepted as edited (recorded in the audit trail)\n",
	    f->file);
	return 0;
}
