/*
 * core/log: plain lines name time, program, pid and level, and the
 * function only below info; on the systemd journal's stream (as
 * $JOURNAL_STREAM names it) a line is a priority prefix and the message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"

static char path[] = "/tmp/permit-log-XXXXXX";
static int saved_stderr = -1;

/* stderr into a new temporary file. */
static int
setup(void **state)
{
	int fd = mkstemp(path);

	(void)state;
	saved_stderr = dup(STDERR_FILENO);
	if (fd < 0 || saved_stderr < 0 || dup2(fd, STDERR_FILENO) < 0)
		return -1;
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	unlink(path);
	strcpy(path, "/tmp/permit-log-XXXXXX");
	unsetenv("JOURNAL_STREAM");
	return 0;
}

/* What was logged, into buf. */
static void
logged(char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* $JOURNAL_STREAM naming the file stderr is now. */
static void
journal_is_stderr(void)
{
	struct stat st;
	char v[64];

	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", v, 1);
}

static void
test_plain_info_says_words_without_the_function(void **state)
{
	char buf[512], pid[96];

	(void)state;
	log_init("permitd", LOG_LEVEL_INFO);
	log_info("listening on %s", "unix:x");
	logged(buf, sizeof(buf));
	snprintf(pid, sizeof(pid), " permitd[%ld] info listening on unix:x\n",
	    (long)getpid());
	assert_non_null(strstr(buf, pid));
	assert_true(buf[4] == '-' && buf[19] == 'Z');
}

static void
test_plain_error_names_the_function(void **state)
{
	char buf[512];

	(void)state;
	log_init("permitd", LOG_LEVEL_INFO);
	log_error("it broke");
	logged(buf, sizeof(buf));
	assert_non_null(strstr(buf,
	    " error test_plain_error_names_the_function: it broke\n"));
}

static void
test_journal_lines_are_priority_and_message(void **state)
{
	char buf[512];

	(void)state;
	journal_is_stderr();
	log_init("permitd", LOG_LEVEL_DEBUG);
	log_info("stopped");
	log_warn("slow");
	log_error("broke");
	log_debug("detail");
	logged(buf, sizeof(buf));
	assert_string_equal(buf, "<6>stopped\n"
	    "<4>test_journal_lines_are_priority_and_message: slow\n"
	    "<3>test_journal_lines_are_priority_and_message: broke\n"
	    "<7>test_journal_lines_are_priority_and_message: detail\n");
}

static void
test_journal_stream_of_another_file_is_not_used(void **state)
{
	char buf[512];

	(void)state;
	setenv("JOURNAL_STREAM", "1:2", 1);
	log_init("permitd", LOG_LEVEL_INFO);
	log_info("stopped");
	logged(buf, sizeof(buf));
	assert_null(strstr(buf, "<6>"));
	assert_non_null(strstr(buf, " info stopped\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain_info_says_words_without_the_function, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_error_names_the_function, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_lines_are_priority_and_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal_stream_of_another_file_is_not_used, setup, teardown),
	};

	/* cmocka reports on stdout; stderr is the file under test. */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
