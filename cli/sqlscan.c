#include "cli/sqlscan.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* What a token is, as far as cutting statements needs to know. */
enum cli_sql_tok {
	CLI_SQL_END,     /* no more text */
	CLI_SQL_WORD,    /* a keyword or a plain identifier */
	CLI_SQL_SEMI,    /* ; */
	CLI_SQL_OTHER    /* a string, quoted name, number, operator... */
};

struct cli_sql_lex {
	const char *sql;
	size_t pos;      /* next character to read */
	size_t limit;    /* read nothing at or past it */
	size_t start;    /* the last token: sql[start, pos) */
};

static bool
cli_sql_at(const struct cli_sql_lex *l, size_t i, char c)
{
	return i < l->limit && l->sql[i] == c;
}

static bool
cli_sql_word_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c >= 0x80;
}

static bool
cli_sql_word_char(unsigned char c)
{
	return cli_sql_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

/* Past blanks, -- comments and (nested) block comments. */
static void
cli_sql_skip_space(struct cli_sql_lex *l)
{
	while (l->pos < l->limit) {
		const char *p = l->sql + l->pos;

		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\f' || *p == '\v') {
			l->pos++;
		} else if (*p == '-' && cli_sql_at(l, l->pos + 1, '-')) {
			while (l->pos < l->limit && l->sql[l->pos] != '\n')
				l->pos++;
		} else if (*p == '/' && cli_sql_at(l, l->pos + 1, '*')) {
			int depth = 0;

			do {
				if (cli_sql_at(l, l->pos, '/') &&
				    cli_sql_at(l, l->pos + 1, '*')) {
					depth++;
					l->pos += 2;
				} else if (cli_sql_at(l, l->pos, '*') &&
				    cli_sql_at(l, l->pos + 1, '/')) {
					depth--;
					l->pos += 2;
				} else {
					l->pos++;
				}
			} while (depth > 0 && l->pos < l->limit);
		} else {
			return;
		}
	}
}

/* Past a quoted run opened at l->pos by `q` (' or "), where a doubled
 * quote stands for itself and, with `backslash`, \ escapes the next. */
static void
cli_sql_skip_quoted(struct cli_sql_lex *l, char q, bool backslash)
{
	for (l->pos++; l->pos < l->limit; l->pos++) {
		char c = l->sql[l->pos];

		if (backslash && c == '\\') {
			l->pos++;
		} else if (c == q) {
			if (!cli_sql_at(l, l->pos + 1, q)) {
				l->pos++;
				return;
			}
			l->pos++;
		}
	}
}

/* The length of a dollar quote's tag ($$ or $name$) at l->pos, or 0 when
 * the $ there opens none ($1 is a parameter). */
static size_t
cli_sql_dollar_tag(const struct cli_sql_lex *l)
{
	size_t i = l->pos + 1;

	if (i < l->limit && cli_sql_word_start((unsigned char)l->sql[i]))
		while (i < l->limit && l->sql[i] != '$' &&
		    cli_sql_word_char((unsigned char)l->sql[i]))
			i++;
	return cli_sql_at(l, i, '$') ? i + 1 - l->pos : 0;
}

/* Past a dollar-quoted body whose opening tag is `n` bytes at l->pos. */
static void
cli_sql_skip_dollar(struct cli_sql_lex *l, size_t n)
{
	const char *tag = l->sql + l->pos;

	for (l->pos += n; l->pos + n <= l->limit; l->pos++)
		if (l->sql[l->pos] == '$' && memcmp(l->sql + l->pos, tag, n) == 0) {
			l->pos += n;
			return;
		}
	l->pos = l->limit;
}

static enum cli_sql_tok
cli_sql_token(struct cli_sql_lex *l)
{
	unsigned char c;
	size_t n;

	cli_sql_skip_space(l);
	l->start = l->pos;
	if (l->pos >= l->limit)
		return CLI_SQL_END;
	c = (unsigned char)l->sql[l->pos];
	if (c == ';') {
		l->pos++;
		return CLI_SQL_SEMI;
	}
	if ((c == 'e' || c == 'E') && cli_sql_at(l, l->pos + 1, '\'')) {
		l->pos++;
		cli_sql_skip_quoted(l, '\'', true);
	} else if (cli_sql_word_start(c)) {
		while (l->pos < l->limit &&
		    cli_sql_word_char((unsigned char)l->sql[l->pos]))
			l->pos++;
		return CLI_SQL_WORD;
	} else if (c == '\'' || c == '"') {
		cli_sql_skip_quoted(l, (char)c, false);
	} else if (c == '$' && (n = cli_sql_dollar_tag(l)) > 0) {
		cli_sql_skip_dollar(l, n);
	} else {
		l->pos++;
		if (c >= '0' && c <= '9')
			while (l->pos < l->limit &&
			    cli_sql_word_char((unsigned char)l->sql[l->pos]))
				l->pos++;
	}
	return CLI_SQL_OTHER;
}

static bool
cli_sql_is(const struct cli_sql_lex *l, const char *word)
{
	size_t n = l->pos - l->start;

	return strlen(word) == n && strncasecmp(l->sql + l->start, word, n) == 0;
}

/* Tracks the BEGIN ATOMIC ... END body of a CREATE FUNCTION/PROCEDURE,
 * whose semicolons do not end the statement: the depth after word `l`,
 * the `nth` word of its statement. */
static int
cli_sql_body_depth(const struct cli_sql_lex *l, int nth, bool *create,
    bool *routine, int depth)
{
	if (nth == 0)
		*create = cli_sql_is(l, "create");
	else if (*create && (cli_sql_is(l, "function") ||
	    cli_sql_is(l, "procedure")))
		*routine = true;
	if (*routine && cli_sql_is(l, "begin"))
		return depth + 1;
	if (depth > 0 && cli_sql_is(l, "case"))
		return depth + 1;
	if (depth > 0 && cli_sql_is(l, "end"))
		return depth - 1;
	return depth;
}

int
cli_sql_next(const char *sql, size_t *pos, struct cli_sql_stmt *out)
{
	struct cli_sql_lex l = { sql, *pos, strlen(sql), 0 };
	bool create = false, routine = false, any = false;
	int depth = 0, nth = 0;
	enum cli_sql_tok t;

	for (;;) {
		t = cli_sql_token(&l);
		if (t == CLI_SQL_END || (t == CLI_SQL_SEMI && depth == 0)) {
			*pos = l.pos;
			if (any)
				return 1;
			if (t == CLI_SQL_END)
				return 0;
			continue;   /* an empty statement: ";;" */
		}
		if (!any)
			out->start = l.start;
		any = true;
		out->end = l.pos;
		if (t == CLI_SQL_WORD)
			depth = cli_sql_body_depth(&l, nth++, &create, &routine,
			    depth);
	}
}

/* The next word or punctuation of `words` into [*w, *w + *n). */
static bool
cli_sql_expect_next(const char **words, const char **w, size_t *n)
{
	while (**words == ' ')
		(*words)++;
	*w = *words;
	*n = strcspn(*words, " ");
	*words += *n;
	return *n > 0;
}

int
cli_sql_starts_with(const char *sql, const struct cli_sql_stmt *s,
    const char *words)
{
	struct cli_sql_lex l = { sql, s->start, s->end, 0 };
	const char *w;
	size_t n;

	while (cli_sql_expect_next(&words, &w, &n)) {
		if (cli_sql_token(&l) == CLI_SQL_END || l.pos - l.start != n ||
		    strncasecmp(sql + l.start, w, n) != 0)
			return 0;
	}
	return 1;
}

int
cli_sql_is_tx_control(const char *sql, const struct cli_sql_stmt *s)
{
	static const char *const ends[] = {
		"begin", "start transaction", "commit", "end", "abort",
		"rollback", "prepare transaction",
	};

	if (cli_sql_starts_with(sql, s, "rollback to"))
		return 0;
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		if (cli_sql_starts_with(sql, s, ends[i]))
			return 1;
	return 0;
}
