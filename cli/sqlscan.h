/*
 * cli/sqlscan — a migration file's text cut into its statements, the way
 * PostgreSQL's own lexer would cut it, so permitctl can judge a file before
 * anything runs (does it end its transaction? does it start with the
 * migrator guard?) and run a non-transactional file one statement at a time.
 *
 * It knows what hides a semicolon: -- and nested block comments, '...'
 * strings (with '' inside, and E'...' with backslash escapes), "quoted
 * identifiers", $tag$ dollar quotes, and the BEGIN ... END body of a
 * CREATE FUNCTION or PROCEDURE ... BEGIN ATOMIC (with CASE ... END inside).
 * It is not a parser: it never says whether a statement is valid SQL;
 * PostgreSQL does, when the file runs.
 */
#ifndef PERMIT_CLI_SQLSCAN_H
#define PERMIT_CLI_SQLSCAN_H

#include <stddef.h>

/* One statement: sql[start, end), without its semicolon, comments and
 * blanks around it left out. Never empty. */
struct cli_sql_stmt {
	size_t start;
	size_t end;
};

/*
 * The next statement of `sql` at or after *pos. 1 with *out set and *pos
 * past its semicolon; 0 when only blanks and comments remain. A string,
 * identifier, comment or dollar quote left open at the end of the text
 * ends the last statement there (PostgreSQL will refuse it when it runs).
 * `sql` is the caller's, NUL-terminated; nothing is allocated.
 */
int cli_sql_next(const char *sql, size_t *pos, struct cli_sql_stmt *out);

/* 1 when the statement's words, compared without regard to case, blanks
 * and comments between them, begin with those of `words` ("select
 * permit_assert_migrator ( )"): words and punctuation separated by single
 * spaces. 0 otherwise. */
int cli_sql_starts_with(const char *sql, const struct cli_sql_stmt *s,
    const char *words);

/* 1 when the statement ends or opens a transaction: BEGIN, START
 * TRANSACTION, COMMIT, END, ROLLBACK (but not ROLLBACK TO a savepoint),
 * ABORT, PREPARE TRANSACTION. A migration may not: permitctl runs each in
 * a transaction of its own, or (no-transaction files) each statement in
 * its own. */
int cli_sql_is_tx_control(const char *sql, const struct cli_sql_stmt *s);

#endif
