/*
 * permitctl — the operator's tool: database bootstrap, migrations, keys,
 * reloading permitd, staff accounts, the maintenance mode, checking the
 * audit trail.
 *
 *   permitctl [-c CONFIG] COMMAND [ARGS]
 *
 * CONFIG defaults to $PERMIT_CONFIG; without either, built-in defaults.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"
#include "core/log.h"
#include "core/version.h"

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv, const struct config *cfg);
	const char *help;    /* cli.h: usage lines, a blank line, options */
};

static const struct cli_command cli_commands[] = {
	{ "db",          cli_db,          cli_db_help },
	{ "migrate",     cli_migrate,     cli_migrate_help },
	{ "keys",        cli_keys,        cli_keys_help },
	{ "reload",      cli_reload,      cli_reload_help },
	{ "staff",       cli_staff,       cli_staff_help },
	{ "maintenance", cli_maintenance, cli_maintenance_help },
	{ "audit",       cli_audit,       cli_audit_help },
	{ "draw",        cli_draw,        cli_draw_help },
};

#define CLI_NCOMMANDS (sizeof(cli_commands) / sizeof(cli_commands[0]))

/* Every command's usage lines, without their "usage: " the first time. */
static void
cli_usage(FILE *f)
{
	fprintf(f, "usage: permitctl [-c CONFIG] COMMAND [ARGS]\n"
	    "       permitctl --version\n");
	for (size_t i = 0; i < CLI_NCOMMANDS; i++) {
		const char *h = cli_commands[i].help + strlen("usage: ");
		int n = (int)(strstr(h, "\n\n") - h + 1);

		fprintf(f, "       %.*s", n, h);
	}
	fprintf(f, "`permitctl COMMAND --help` explains each command and its "
	    "options.\nCONFIG defaults to $PERMIT_CONFIG.\n");
}

/* 1 when an argument after the command asks for its help. */
static int
cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

const char *
cli_database(const char *arg, const struct config *cfg)
{
	const char *env;

	if (arg != NULL)
		return arg;
	if ((env = getenv("PERMIT_DATABASE")) != NULL)
		return env;
	return cfg != NULL ? cfg->owner_database : "";
}

int
main(int argc, char **argv)
{
	struct config cfg;
	const char *path = getenv("PERMIT_CONFIG");
	char err[512];
	int i = 1;

	log_init("permitctl", LOG_LEVEL_WARN);
	if (i + 1 < argc && strcmp(argv[i], "-c") == 0) {
		path = argv[i + 1];
		i += 2;
	}
	if (i >= argc || strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
		cli_usage(i >= argc ? stderr : stdout);
		return i >= argc ? 2 : 0;
	}
	if (strcmp(argv[i], "--version") == 0) {
		printf("permitctl %s\n", PERMIT_VERSION);
		return 0;
	}
	for (size_t c = 0; c < CLI_NCOMMANDS; c++)
		if (strcmp(argv[i], cli_commands[c].name) == 0 &&
		    cli_wants_help(argc - i, argv + i)) {
			fputs(cli_commands[c].help, stdout);
			return 0;
		}
	if (path != NULL && *path != '\0') {
		if (config_load(path, &cfg, err, sizeof(err)) != 0) {
			fprintf(stderr, "permitctl: %s\n", err);
			return 1;
		}
	} else {
		config_defaults(&cfg);
	}
	for (size_t c = 0; c < CLI_NCOMMANDS; c++)
		if (strcmp(argv[i], cli_commands[c].name) == 0)
			return cli_commands[c].run(argc - i, argv + i, &cfg);
	fprintf(stderr, "permitctl: unknown command `%s'\n", argv[i]);
	cli_usage(stderr);
	return 2;
}
