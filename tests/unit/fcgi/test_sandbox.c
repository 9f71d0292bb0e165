/*
 * The worker's seccomp filter (fcgi/sandbox.h), installed for real: each
 * test forks a child that enters the sandbox and then does one thing; the
 * parent reads how the child ended.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <seccomp.h>
#include <sodium.h>

#include "fcgi/sandbox.h"

/* Exit statuses of a child that did not die in its sandbox. */
#define CHILD_DONE       0
#define CHILD_NO_SANDBOX 90
#define CHILD_REFUSED    91   /* an allowed call failed */
#define CHILD_SURVIVED   92   /* a forbidden call returned */

/* The parent, and the pipe a child says on that it reached the forbidden
 * call: a death before it would prove nothing. */
static pid_t parent;
static int reached_fd = -1;

static void
reached(void)
{
	if (write(reached_fd, "!", 1) != 1)
		_exit(CHILD_REFUSED);
}

/*
 * Runs `body` in a child inside the sandbox; returns its wait status, and
 * in *got whether it called reached().
 */
static int
sandboxed(void (*body)(void), int *got)
{
	char err[256], c;
	int status, p[2];
	pid_t pid;

	parent = getpid();
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		reached_fd = p[1];
		if (fcgi_sandbox_enter(err, sizeof(err)) != 0) {
			fprintf(stderr, "sandbox: %s\n", err);
			_exit(CHILD_NO_SANDBOX);
		}
		body();
		_exit(CHILD_DONE);
	}
	close(p[1]);
	*got = read(p[0], &c, 1) == 1;
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

/* `body` reached its forbidden call, and the call killed it. */
static void
assert_killed_by_sigsys(void (*body)(void))
{
	int got, status = sandboxed(body, &got);

	if (!WIFSIGNALED(status))
		fail_msg("the child exited with %d", WEXITSTATUS(status));
	assert_int_equal(WTERMSIG(status), SIGSYS);
	assert_true(got);
}

static void
assert_exited(int status, int code)
{
	if (WIFSIGNALED(status))
		fail_msg("the child was killed by signal %d", WTERMSIG(status));
	assert_int_equal(WEXITSTATUS(status), code);
}

static void
run_true(void)
{
	char *const argv[] = { "true", NULL };
	char *const envp[] = { NULL };

	reached();
	execve("/bin/true", argv, envp);
	_exit(CHILD_SURVIVED);
}

static void
execve_kills_the_process_with_sigsys(void **state)
{
	(void)state;
	assert_killed_by_sigsys(run_true);
}

static void
open_for_writing(void)
{
	int fd = open("/etc/hosts", O_RDONLY | O_CLOEXEC);
	char c;

	if (fd < 0 || read(fd, &c, 1) != 1)
		_exit(CHILD_REFUSED);
	close(fd);
	reached();
	(void)open("/tmp/permitd-sandbox-test", O_WRONLY | O_CREAT, 0600);
	_exit(CHILD_SURVIVED);
}

static void
a_file_is_read_but_opening_one_for_writing_kills(void **state)
{
	(void)state;
	assert_killed_by_sigsys(open_for_writing);
}

static void
signal_the_parent(void)
{
	reached();
	(void)syscall(SYS_tgkill, parent, parent, 0);
	_exit(CHILD_SURVIVED);
}

static void
signalling_another_process_kills(void **state)
{
	(void)state;
	assert_killed_by_sigsys(signal_the_parent);
}

static void
netlink_socket(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		_exit(CHILD_REFUSED);
	close(fd);
	reached();
	(void)socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0);
	_exit(CHILD_SURVIVED);
}

static void
a_socket_of_another_family_kills(void **state)
{
	(void)state;
	assert_killed_by_sigsys(netlink_socket);
}

static void
new_namespace(void)
{
	reached();
	if (syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL,
	    NULL) == 0)
		_exit(0);
	_exit(CHILD_SURVIVED);
}

static void
a_clone_into_a_new_namespace_kills(void **state)
{
	(void)state;
	assert_killed_by_sigsys(new_namespace);
}

static void
ioctl_other_than_fionread(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), n, on = 1;

	if (fd < 0 || ioctl(fd, FIONREAD, &n) != 0)
		_exit(CHILD_REFUSED);
	reached();
	(void)ioctl(fd, FIONBIO, &on);
	_exit(CHILD_SURVIVED);
}

static void
an_ioctl_other_than_fionread_kills(void **state)
{
	(void)state;
	assert_killed_by_sigsys(ioctl_other_than_fionread);
}

/* What a worker does between requests: the deadline's clock, randomness,
 * the log line, a cancel request's child (fork; clone3 is refused so
 * that glibc falls back to clone), then a clean exit. */
static void
worker_chores(void)
{
	unsigned char r[16];
	struct timespec ts;
	pid_t pid;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0 ||
	    getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		_exit(CHILD_REFUSED);
	randombytes_buf(r, sizeof(r));
	if (write(STDERR_FILENO, "", 0) != 0)
		_exit(CHILD_REFUSED);
	if (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
		_exit(CHILD_REFUSED);
	if ((pid = fork()) == 0)
		_exit(0);
	if (pid < 0)
		_exit(CHILD_REFUSED);
	/* exit(), not _exit(): in the ASan build LeakSanitizer checks the
	 * process at its exit, inside the sandbox. */
	exit(CHILD_DONE);
}

static void
a_worker_s_chores_and_its_clean_exit_are_allowed(void **state)
{
	int got;

	(void)state;
	assert_int_equal(sodium_init() >= 0, 1);
	assert_exited(sandboxed(worker_chores, &got), CHILD_DONE);
}

/*
 * Entering under an earlier filter that refuses seccomp filters, as on a
 * kernel without them: the function says so, and the process runs
 * unconfined (the worker then does not serve).
 */
static void
entering_fails_where_filters_are_refused(void **state)
{
	scmp_filter_ctx prior;
	char err[256];
	int status;
	pid_t pid;

	(void)state;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		prior = seccomp_init(SCMP_ACT_ALLOW);
		if (prior == NULL || seccomp_rule_add(prior, SCMP_ACT_ERRNO(EINVAL),
		    SCMP_SYS(seccomp), 0) != 0 || seccomp_rule_add(prior,
		    SCMP_ACT_ERRNO(EINVAL), SCMP_SYS(prctl), 1,
		    SCMP_A0(SCMP_CMP_EQ, PR_SET_SECCOMP)) != 0 ||
		    seccomp_load(prior) != 0)
			_exit(CHILD_REFUSED);
		seccomp_release(prior);
		if (fcgi_sandbox_enter(err, sizeof(err)) == 0)
			_exit(CHILD_SURVIVED);
		_exit(*err != '\0' ? CHILD_DONE : CHILD_REFUSED);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_exited(status, CHILD_DONE);
}

/* The filter of `arch` as libseccomp's pseudo code, in buf. */
static void
export(uint32_t arch, char *buf, size_t len)
{
	char err[256];
	FILE *f = tmpfile();
	size_t n;

	assert_non_null(f);
	if (fcgi_sandbox_export(arch, fileno(f), err, sizeof(err)) != 0)
		fail_msg("%s", err);
	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* One list for both architectures, each call under its own number there:
 * glibc's poll() is poll (7) on x86_64 and ppoll (73) on aarch64. */
static void
the_list_is_numbered_for_x86_64_and_aarch64(void **state)
{
	static char pfc[64 * 1024];

	(void)state;
	export(SCMP_ARCH_X86_64, pfc, sizeof(pfc));
	assert_non_null(strstr(pfc, "\"poll\" (7)"));
	assert_null(strstr(pfc, "\"execve\""));
	export(SCMP_ARCH_AARCH64, pfc, sizeof(pfc));
	assert_non_null(strstr(pfc, "\"ppoll\" (73)"));
	assert_non_null(strstr(pfc, "\"openat\" (56)"));
	assert_null(strstr(pfc, "\"execve\""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(execve_kills_the_process_with_sigsys),
		cmocka_unit_test(a_file_is_read_but_opening_one_for_writing_kills),
		cmocka_unit_test(signalling_another_process_kills),
		cmocka_unit_test(a_socket_of_another_family_kills),
		cmocka_unit_test(a_clone_into_a_new_namespace_kills),
		cmocka_unit_test(an_ioctl_other_than_fionread_kills),
		cmocka_unit_test(a_worker_s_chores_and_its_clean_exit_are_allowed),
		cmocka_unit_test(entering_fails_where_filters_are_refused),
		cmocka_unit_test(the_list_is_numbered_for_x86_64_and_aarch64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
