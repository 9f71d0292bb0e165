/*
 * cli/staff — permitctl staff add: a staff account, made by the operator.
 *
 *   permitctl staff add --email E --role reviewer|admin [--office CODE]
 *       [--database OWNER_CONNINFO]
 *
 * How the first admin comes to be (admins make the others through
 * POST /api/v1/admin/staff). The password is read from standard input
 * (cli_read_secret), never from the command line: there is no option for
 * it. A reviewer needs an existing office, an admin takes none. The
 * account is sealed as permitd seals one (crypto/enroll.h) with cfg's
 * keyring and Argon2id limits, and inserted by migrations/0015's
 * permit_staff_insert as the owner role. Neither the email nor the
 * password is ever printed; the new account's id is.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/validate.h"
#include "crypto/enroll.h"
#include "crypto/keyring.h"
#include "db/db.h"
#include "db/sealed.h"

struct cli_staff_opts {
	const char *database;
	const char *email;
	const char *role;       /* "reviewer" or "admin" once judged */
	const char *office;     /* NULL for an admin */
	char norm[VALIDATE_EMAIL_BUFSZ];
};

/* A new staff account's password, wiped before the command returns. */
struct cli_staff_secret {
	char pw[CLI_SECRET_MAX + 2];
	size_t len;
};

const char cli_staff_help[] =
    "usage: permitctl staff add --email E --role reviewer|admin [--office CODE]\n"
    "                           [--database OWNER_CONNINFO]\n"
    "\n"
    "  Makes a staff account; its password is read from standard input\n"
    "  (asked twice on a terminal), never from the command line: there is\n"
    "  no --password option, and one given is refused.\n"
    "  --email E            the staff member's sign-in email\n"
    "  --role ROLE          reviewer (one office's queue) or admin\n"
    "  --office CODE        a reviewer's office (required for a reviewer)\n"
    CLI_HELP_DATABASE
    "  -h, --help           this text\n";

/* Parses argv[2..) (argv[0] "staff", argv[1] "add"). 0, or -1 printed. */
static int
cli_staff_args(int argc, char **argv, struct cli_staff_opts *o)
{
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--email") == 0 && i + 1 < argc)
			o->email = argv[++i];
		else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			o->role = argv[++i];
		else if (strcmp(argv[i], "--office") == 0 && i + 1 < argc)
			o->office = argv[++i];
		else if (strcmp(argv[i], "--database") == 0 && i + 1 < argc)
			o->database = argv[++i];
		else if (strncmp(argv[i], "--password", 10) == 0) {
			fprintf(stderr, "permitctl staff add: a password is never "
			    "taken from the command line; it is read from "
			    "standard input\n");
			return -1;
		} else {
			fprintf(stderr, "permitctl staff add: unexpected "
			    "argument `%s'\n", argv[i]);
			return -1;
		}
	}
	if (o->email == NULL || o->role == NULL) {
		fprintf(stderr, "permitctl staff add: --email and --role are "
		    "required\n");
		return -1;
	}
	return 0;
}

/* The rules of the arguments, as POST /api/v1/admin/staff has them. 0, or
 * -1 printed. */
static int
cli_staff_judge(struct cli_staff_opts *o)
{
	enum validate_result r;

	if (strcmp(o->role, "reviewer") != 0 && strcmp(o->role, "admin") != 0) {
		fprintf(stderr, "permitctl staff add: --role must be reviewer "
		    "or admin\n");
		return -1;
	}
	if (strcmp(o->role, "reviewer") == 0 && o->office == NULL) {
		fprintf(stderr, "permitctl staff add: a reviewer needs "
		    "--office CODE\n");
		return -1;
	}
	if (strcmp(o->role, "admin") == 0 && o->office != NULL) {
		fprintf(stderr, "permitctl staff add: an admin has no office\n");
		return -1;
	}
	if ((r = validate_email(o->email, o->norm, sizeof(o->norm))) !=
	    VALIDATE_OK) {
		fprintf(stderr, "permitctl staff add: --email %s\n",
		    validate_message(r));
		return -1;
	}
	return 0;
}

/* The password from stdin, judged. 0, or -1 printed (s wiped). */
static int
cli_staff_password(struct cli_staff_secret *s)
{
	enum validate_result r;

	if (cli_read_secret("password for the new account: ", s->pw,
	    sizeof(s->pw), &s->len) != 0) {
		fprintf(stderr, "permitctl staff add: no password read from "
		    "standard input (one line of at most %d bytes; on a "
		    "terminal, the same twice)\n", CLI_SECRET_MAX);
		return -1;
	}
	if (strlen(s->pw) != s->len)
		r = VALIDATE_BAD_FORMAT;   /* a NUL inside */
	else
		r = validate_password(s->pw);
	if (r == VALIDATE_OK)
		return 0;
	fprintf(stderr, "permitctl staff add: the password %s (at least %d "
	    "characters)\n", validate_message(r), VALIDATE_PASSWORD_MIN_CHARS);
	sodium_memzero(s, sizeof(*s));
	return -1;
}

/* 1 when office `code` exists, 0 when not (printed), -1 on failure. */
static int
cli_staff_office(struct db *db, arena *a, const char *code)
{
	struct db_param p = DB_TEXT(code);
	struct db_result *r;

	if (db_exec(db, a, DB_STMT_STAFF_ADD_OFFICE, &p, 1, &r) != DB_OK)
		return -1;
	if (db_rows(r) == 1)
		return 1;
	fprintf(stderr, "permitctl staff add: there is no office %s\n", code);
	return 0;
}

/*
 * The operator's act, in one place: its audit row (cli.staff_add on the
 * new account: its role and office, never its email) and the account,
 * committed together or not at all. DB_OK, or the failure (DB_CONFLICT:
 * the email is taken; DB_ERROR: the row could not be written, logged).
 */
static enum db_status
cli_staff_insert(struct db *db, arena *a, const struct cli_staff_opts *o,
    const struct enroll *n)
{
	const struct db_param p[] = {
		DB_TEXT(n->id),
		DB_BYTES(n->bidx, sizeof(n->bidx)),
		DB_BYTES(n->sealed, n->sealed_len),
		DB_BYTES(n->wrapped, n->wrapped_len),
		DB_TEXT(n->kek_id),
		DB_TEXT(n->pw_hash),
		DB_TEXT(o->role),
		DB_TEXT(o->office),
	};
	const struct cli_audit_entry entry = { "cli.staff_add", NULL, n->id,
	    arena_printf(a, "role=%s office=%s", o->role,
	    o->office != NULL ? o->office : "-") };
	enum db_status st;

	if ((st = db_begin(db, NULL)) == DB_OK &&
	    (st = cli_audit_write(db, a, &entry) == 0 ? DB_OK : DB_ERROR) ==
	    DB_OK &&
	    (st = db_exec(db, NULL, DB_STMT_STAFF_ADD, p, 8, NULL)) == DB_OK)
		st = db_commit(db);
	db_rollback(db);
	return st;
}

/* Seals and inserts the account: 0, or 1 printed. */
static int
cli_staff_create(const struct config *cfg, struct db *db, arena *a,
    const struct cli_staff_opts *o, const struct cli_staff_secret *s)
{
	const struct enroll_names names = {
		db_sealed(DB_SEALED_ACCOUNTS)->table,
		db_sealed_account_field(DB_SEALED_ACCOUNT_EMAIL),
	};
	struct keyring *kr = NULL;
	struct enroll n;
	enum db_status st;
	char err[512];
	int rc = 1;

	memset(&n, 0, sizeof(n));
	if (keyring_load(cfg->keyring, &kr, err, sizeof(err)) != 0) {
		fprintf(stderr, "permitctl staff add: %s\n", err);
		goto out;
	}
	if (enroll_new(kr, &names, a, o->norm, s->pw, s->len,
	    cfg->pwhash_opslimit, cfg->pwhash_memlimit, &n) != 0)
		goto out;
	st = cli_staff_insert(db, a, o, &n);
	if (st == DB_CONFLICT)
		fprintf(stderr, "permitctl staff add: an account with this "
		    "email already exists\n");
	if (st != DB_OK)
		goto out;
	printf("staff add: %s %s created%s%s\n", o->role, n.id,
	    o->office != NULL ? ", office " : "",
	    o->office != NULL ? o->office : "");
	rc = 0;
out:
	enroll_wipe(&n);
	keyring_free(kr);
	return rc;
}

/* Everything after the arguments were judged: 0, or 1 (printed). */
static int
cli_staff_add(const struct config *cfg, const struct cli_staff_opts *o)
{
	struct cli_staff_secret s;
	struct db *db = NULL;
	arena *a = NULL;
	int rc = 1;

	memset(&s, 0, sizeof(s));
	if (cli_staff_password(&s) != 0)
		goto out;
	if (db_open_ctl(cli_database(o->database, cfg), NULL, &db) != DB_OK)
		goto out;
	a = arena_new(4096);
	if (o->office != NULL && cli_staff_office(db, a, o->office) != 1)
		goto out;
	rc = cli_staff_create(cfg, db, a, o, &s);
out:
	sodium_memzero(&s, sizeof(s));
	arena_free(a);
	db_close(db);
	return rc;
}

int
cli_staff(int argc, char **argv, const struct config *cfg)
{
	struct cli_staff_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	if (argc < 2 || strcmp(argv[1], "add") != 0)
		return cli_usage_error(cli_staff_help);
	if (cli_staff_args(argc, argv, &o) != 0 || cli_staff_judge(&o) != 0) {
		(void)cli_usage_error(cli_staff_help);
		rc = 2;
	} else {
		rc = cli_staff_add(cfg, &o);
	}
	sodium_memzero(o.norm, sizeof(o.norm));
	return rc;
}
