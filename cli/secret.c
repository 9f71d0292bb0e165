/*
 * cli/secret — a secret read from standard input, never from the command
 * line (where every user of the machine can read it in the process list
 * and the shell keeps it in its history). Contract in cli.h.
 */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"

/* One line of stdin into buf[0..cap) without its newline: 0 with *len, or
 * -1 at end of input or when the line does not fit (the rest of it is
 * read and dropped, so nothing of it is left for the next read). */
static int
cli_secret_line(char *buf, size_t cap, size_t *len)
{
	size_t n;
	int c;

	if (fgets(buf, (int)cap, stdin) == NULL)
		return -1;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n') {
		buf[--n] = '\0';
		if (n > 0 && buf[n - 1] == '\r')
			buf[--n] = '\0';
		*len = n;
		return 0;
	}
	if (feof(stdin)) {
		*len = n;
		return 0;
	}
	while ((c = getchar()) != EOF && c != '\n')
		;
	sodium_memzero(buf, cap);
	return -1;
}

/* A line read from the terminal with echo off, after `prompt` on stderr. */
static int
cli_secret_tty(const char *prompt, char *buf, size_t cap, size_t *len)
{
	struct termios old, quiet;
	int rc, restore;

	fprintf(stderr, "%s", prompt);
	restore = tcgetattr(STDIN_FILENO, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	rc = cli_secret_line(buf, cap, len);
	if (restore)
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &old);
	fprintf(stderr, "\n");
	return rc;
}

int
cli_read_secret(const char *what, char *buf, size_t cap, size_t *len)
{
	char again[CLI_SECRET_MAX + 2];
	size_t n = 0;
	int rc = -1;

	*len = 0;
	/* Unbuffered, so no copy of the secret is left in stdio's buffer,
	 * which nothing here could wipe. */
	(void)setvbuf(stdin, NULL, _IONBF, 0);
	if (!isatty(STDIN_FILENO))
		return cli_secret_line(buf, cap, len);
	if (cli_secret_tty(what, buf, cap, len) != 0 ||
	    cli_secret_tty("again: ", again, sizeof(again), &n) != 0)
		goto out;
	if (n != *len || sodium_memcmp(again, buf, n) != 0)
		goto out;
	rc = 0;
out:
	sodium_memzero(again, sizeof(again));
	if (rc != 0)
		sodium_memzero(buf, cap);
	return rc;
}
