/*
 * pipe/mode: the one rule of docs/DESIGN.md invariant 7 for every route, and
 * the mode's names. read_only refuses writes only; closed admits only what is
 * answered in every mode (health, sign-in) and, for an admin's session, the
 * admin's routes, /me and sign-out; nothing depends on anything but the mode,
 * the route's effect and scope, and the session's role; and a database that
 * refuses writes (a standby) admits no write at all and serves the rest as
 * read_only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "pipe/mode.h"

struct admit_case {
	enum pipe_mode mode;
	int db_read_only;
	enum pipe_effect effect;
	enum pipe_scope scope;
	enum pipe_role role;
	int admitted;
};

#define R PIPE_EFFECT_READ
#define W PIPE_EFFECT_WRITE
#define NORMAL PIPE_SCOPE_NORMAL
#define ADMIN PIPE_SCOPE_ADMIN
#define ALWAYS PIPE_SCOPE_ALWAYS

static const struct admit_case admit_cases[] = {
	/* normal admits everything. */
	{ PIPE_MODE_NORMAL, 0, R, NORMAL, PIPE_ROLE_NONE, 1 },
	{ PIPE_MODE_NORMAL, 0, W, NORMAL, PIPE_ROLE_CITIZEN, 1 },
	{ PIPE_MODE_NORMAL, 0, W, ADMIN, PIPE_ROLE_REVIEWER, 1 },
	/* read_only: reads for anyone, writes for no one but what is
	 * exempt. */
	{ PIPE_MODE_READ_ONLY, 0, R, NORMAL, PIPE_ROLE_CITIZEN, 1 },
	{ PIPE_MODE_READ_ONLY, 0, R, NORMAL, PIPE_ROLE_NONE, 1 },
	{ PIPE_MODE_READ_ONLY, 0, W, NORMAL, PIPE_ROLE_CITIZEN, 0 },
	{ PIPE_MODE_READ_ONLY, 0, W, NORMAL, PIPE_ROLE_ADMIN, 0 },
	{ PIPE_MODE_READ_ONLY, 0, W, ADMIN, PIPE_ROLE_CITIZEN, 0 },
	{ PIPE_MODE_READ_ONLY, 0, W, ADMIN, PIPE_ROLE_REVIEWER, 0 },
	{ PIPE_MODE_READ_ONLY, 0, W, ADMIN, PIPE_ROLE_ADMIN, 1 },
	{ PIPE_MODE_READ_ONLY, 0, W, ALWAYS, PIPE_ROLE_NONE, 1 },
	/* closed: only what is answered in every mode, and an admin's. */
	{ PIPE_MODE_CLOSED, 0, R, NORMAL, PIPE_ROLE_CITIZEN, 0 },
	{ PIPE_MODE_CLOSED, 0, R, NORMAL, PIPE_ROLE_ADMIN, 0 },
	{ PIPE_MODE_CLOSED, 0, R, ADMIN, PIPE_ROLE_CITIZEN, 0 },
	{ PIPE_MODE_CLOSED, 0, R, ADMIN, PIPE_ROLE_REVIEWER, 0 },
	{ PIPE_MODE_CLOSED, 0, R, ADMIN, PIPE_ROLE_NONE, 0 },
	{ PIPE_MODE_CLOSED, 0, R, ADMIN, PIPE_ROLE_ADMIN, 1 },
	{ PIPE_MODE_CLOSED, 0, W, ADMIN, PIPE_ROLE_ADMIN, 1 },
	{ PIPE_MODE_CLOSED, 0, R, ALWAYS, PIPE_ROLE_NONE, 1 },
	{ PIPE_MODE_CLOSED, 0, W, ALWAYS, PIPE_ROLE_CITIZEN, 1 },
	/* a read-only database: reads as in read_only, no write for anyone,
	 * exempt or not; closed stays closed. */
	{ PIPE_MODE_READ_ONLY, 1, R, NORMAL, PIPE_ROLE_CITIZEN, 1 },
	{ PIPE_MODE_READ_ONLY, 1, R, ADMIN, PIPE_ROLE_ADMIN, 1 },
	{ PIPE_MODE_READ_ONLY, 1, R, ALWAYS, PIPE_ROLE_NONE, 1 },
	{ PIPE_MODE_READ_ONLY, 1, W, NORMAL, PIPE_ROLE_CITIZEN, 0 },
	{ PIPE_MODE_READ_ONLY, 1, W, ADMIN, PIPE_ROLE_ADMIN, 0 },
	{ PIPE_MODE_READ_ONLY, 1, W, ALWAYS, PIPE_ROLE_NONE, 0 },
	{ PIPE_MODE_CLOSED, 1, R, NORMAL, PIPE_ROLE_CITIZEN, 0 },
	{ PIPE_MODE_CLOSED, 1, R, ADMIN, PIPE_ROLE_ADMIN, 1 },
	{ PIPE_MODE_CLOSED, 1, W, ADMIN, PIPE_ROLE_ADMIN, 0 },
};

static void
test_each_mode_admits_what_it_should(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(admit_cases) / sizeof(admit_cases[0]);
	    i++) {
		const struct admit_case *c = &admit_cases[i];
		const struct pipe_route route = { .effect = c->effect,
		    .scope = c->scope };
		const struct pipe_principal who = { .role = c->role };

		if (pipe_mode_admits(c->mode, c->db_read_only, &route, &who) !=
		    c->admitted)
			fail_msg("case %zu: %s %s", i, pipe_mode_name(c->mode),
			    c->admitted ? "refused" : "admitted");
	}
}

static void
test_a_read_only_database_serves_normal_as_read_only(void **state)
{
	(void)state;
	assert_int_equal(pipe_mode_served(PIPE_MODE_NORMAL, 1),
	    PIPE_MODE_READ_ONLY);
	assert_int_equal(pipe_mode_served(PIPE_MODE_READ_ONLY, 1),
	    PIPE_MODE_READ_ONLY);
	assert_int_equal(pipe_mode_served(PIPE_MODE_CLOSED, 1), PIPE_MODE_CLOSED);
	for (int i = PIPE_MODE_NORMAL; i <= PIPE_MODE_CLOSED; i++)
		assert_int_equal(pipe_mode_served((enum pipe_mode)i, 0), i);
}

static void
test_names_are_found_and_nothing_else(void **state)
{
	static const char *const refused[] = { "NORMAL", "read-only", "",
	    "closed ", "maintenance", NULL };
	enum pipe_mode m = PIPE_MODE_NORMAL;

	(void)state;
	for (int i = PIPE_MODE_NORMAL; i <= PIPE_MODE_CLOSED; i++) {
		assert_int_equal(pipe_mode_find(pipe_mode_name((enum pipe_mode)i),
		    &m), 0);
		assert_int_equal(m, i);
	}
	for (int i = 0; i <= 5; i++)
		assert_int_equal(pipe_mode_find(refused[i], &m), -1);
}

static void
test_an_unknown_mode_reads_as_closed(void **state)
{
	(void)state;
	assert_int_equal(pipe_mode_parse("maintenance"), PIPE_MODE_CLOSED);
	assert_int_equal(pipe_mode_parse(NULL), PIPE_MODE_CLOSED);
	assert_int_equal(pipe_mode_parse("read_only"), PIPE_MODE_READ_ONLY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_mode_admits_what_it_should),
		cmocka_unit_test(test_a_read_only_database_serves_normal_as_read_only),
		cmocka_unit_test(test_names_are_found_and_nothing_else),
		cmocka_unit_test(test_an_unknown_mode_reads_as_closed),
	};

	return cmocka_run_group_tests_name("pipe mode", tests, NULL, NULL) != 0;
}
