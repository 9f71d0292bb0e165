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

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv, const struct config *cfg);
	const char *usage;
};

static const struct cli_command cli_commands[] = {
	{ "db", cli_db,
	  "db init [--database SUPERUSER_CONNINFO] [--name DB]" },
	{ "migrate", cli_migrate,
	  "migrate [up|status|verify|repair] [--database OWNER_CONNINFO] [--dir DIR]"
	  " [...]\n"
	  "       (permitctl migrate --help lists every option)" },
	{ "keys", cli_keys,
	  "keys init|rotate|list|restore ID\n"
	  "       permitctl keys rewrap [--batch N]|retire ID|purge ID [--yes]"
	  "  [--database OWNER_CONNINFO]" },
	{ "reload", cli_reload,
	  "reload [--timeout SECONDS]   (SIGHUP to the master named by pid_file)" },
	{ "staff", cli_staff,
	  "staff add --email E --role reviewer|admin [--office CODE]"
	  " [--database OWNER_CONNINFO]\n"
	  "       (the password is read from standard input)" },
	{ "maintenance", cli_maintenance,
	  "maintenance [normal|read_only|closed] [--message M]"
	  " [--database OWNER_CONNINFO]" },
	{ "audit", cli_audit,
	  "audit verify [--database OWNER_CONNINFO] [--batch N]" },
	{ "draw", cli_draw,
	  "draw verify OFFICE DATE [--database OWNER_CONNINFO]" },
};

#define CLI_NCOMMANDS (sizeof(cli_commands) / sizeof(cli_commands[0]))

static void
cli_usage(FILE *f)
{
	fprintf(f, "usage: permitctl [-c CONFIG] COMMAND [ARGS]\n");
	for (size_t i = 0; i < CLI_NCOMMANDS; i++)
		fprintf(f, "       permitctl %s\n", cli_commands[i].usage);
}

const char *
cli_database(const char *arg)
{
	const char *env;

	if (arg != NULL)
		return arg;
	env = getenv("PERMIT_DATABASE");
	return env != NULL ? env : "";
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
