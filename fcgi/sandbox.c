#include "fcgi/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <linux/sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <seccomp.h>

#define FCGI_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The calls a worker makes after start-up, allowed whatever their
 * arguments: those seen (strace, and a seccomp supervisor logging every
 * call) while the e2e suite ran, with the database stopped, hung and back,
 * and while a worker connected over TCP with TLS, SCRAM, a passfile, no
 * $HOME and a host name to resolve. Names, not numbers: libseccomp numbers
 * them per architecture, and a name an architecture lacks (poll, alarm or
 * time on aarch64, whose glibc calls ppoll, setitimer and the vDSO) is
 * never matched there.
 */
static const char *const fcgi_sandbox_calls[] = {
	/* memory: malloc, the request arena, libpq's and libfcgi's buffers */
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise",
	/* descriptors: requests, the database socket, files read (below) */
	"read", "write", "close", "lseek", "fcntl", "fstat", "newfstatat",
	"getdents64",
	/* the FastCGI accept loop; the database: connecting (the resolver
	 * included), TCP keepalives, the deadlines' polls */
	"accept", "connect", "getsockopt", "setsockopt", "getsockname",
	"sendto", "recvfrom", "sendmmsg", "shutdown", "poll", "ppoll",
	/* clocks (the vDSO answers them, unless the clock source cannot) */
	"clock_gettime", "gettimeofday", "time",
	/* randomness: libsodium, SCRAM's nonce, the resolver's ids */
	"getrandom",
	/* signals: SIGTERM and SIGINT stop, the accept loop's masks */
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
	/* the log line's pid; libpq's user when $HOME is unset; the
	 * libraries' once-only initialisation (GSSAPI, OpenSSL) */
	"getpid", "getuid", "geteuid", "futex",
	/* the cancel request's child (db/flight.c): forked (clone, below),
	 * closes what it inherited, gives up after a while, exits */
	"set_robust_list", "close_range", "prlimit64", "alarm", "setitimer",
	"exit_group",
};

#if defined(__SANITIZE_ADDRESS__)
/*
 * The ASan build's only (make test's; never the release binary's):
 * LeakSanitizer checks the process at its exit from a tracer it clones,
 * which lists the threads (open, getdents), ptraces and waits for them.
 */
static const char *const fcgi_sandbox_asan_calls[] = {
	"sigaltstack", "prctl", "sched_yield", "getppid", "gettid", "open",
	"getdents", "ptrace", "wait4", "exit",
};
#endif

/*
 * Calls allowed (or refused with an errno rather than death) only with
 * one argument as given.
 */
struct fcgi_sandbox_rule {
	const char *name;
	uint32_t action;
	struct scmp_arg_cmp arg;
	int self;                  /* the argument's datum is this pid */
};

/* Opening a file to write, create or truncate it. */
#define FCGI_WRITE_FLAGS (O_ACCMODE | O_CREAT | O_TRUNC)
/* A clone that makes namespaces (a door to much of the kernel). */
#define FCGI_NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | \
	CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

static const struct fcgi_sandbox_rule fcgi_sandbox_rules[] = {
	/* files only read: libpq's passfile and certificates, /etc for
	 * names, GSSAPI's configuration, /dev/urandom */
	{ "openat", SCMP_ACT_ALLOW,
	    { 2, SCMP_CMP_MASKED_EQ, FCGI_WRITE_FLAGS, O_RDONLY }, 0 },
	/* sockets of the families libpq and the resolver use */
	{ "socket", SCMP_ACT_ALLOW, { 0, SCMP_CMP_EQ, AF_UNIX, 0 }, 0 },
	{ "socket", SCMP_ACT_ALLOW, { 0, SCMP_CMP_EQ, AF_INET, 0 }, 0 },
	{ "socket", SCMP_ACT_ALLOW, { 0, SCMP_CMP_EQ, AF_INET6, 0 }, 0 },
	/* the resolver's: how much an answer holds */
	{ "ioctl", SCMP_ACT_ALLOW, { 1, SCMP_CMP_EQ, FIONREAD, 0 }, 0 },
	/* fork (a cancel request's child), without new namespaces */
	{ "clone", SCMP_ACT_ALLOW,
	    { 0, SCMP_CMP_MASKED_EQ, FCGI_NS_FLAGS, 0 }, 0 },
	/* abort() signals itself, and nobody else */
	{ "tgkill", SCMP_ACT_ALLOW, { 0, SCMP_CMP_EQ, 0, 0 }, 1 },
};

/* Refused with ENOSYS: glibc falls back to clone, whose flags a filter can
 * see (clone3's are behind a pointer). */
static const char *const fcgi_sandbox_enosys[] = { "clone3" };

static int
fcgi_sandbox_fail(const char *what, int rc, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", what, strerror(-rc));
	return -1;
}

static int
fcgi_sandbox_add(scmp_filter_ctx ctx, uint32_t action, const char *name,
    const struct scmp_arg_cmp *arg, char *err, size_t errlen)
{
	int nr = seccomp_syscall_resolve_name(name), rc;

	if (nr == __NR_SCMP_ERROR) {
		snprintf(err, errlen, "system call %s unknown to libseccomp",
		    name);
		return -1;
	}
	rc = arg != NULL ? seccomp_rule_add(ctx, action, nr, 1, *arg) :
	    seccomp_rule_add(ctx, action, nr, 0);
	return rc == 0 ? 0 : fcgi_sandbox_fail(name, rc, err, errlen);
}

/* Each of names[0..n) with `action`, whatever its arguments. */
static int
fcgi_sandbox_add_names(scmp_filter_ctx ctx, uint32_t action,
    const char *const *names, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++)
		if (fcgi_sandbox_add(ctx, action, names[i], NULL, err,
		    errlen) != 0)
			return -1;
	return 0;
}

/* The rules above; a `self` one names this process. */
static int
fcgi_sandbox_add_rules(scmp_filter_ctx ctx, char *err, size_t errlen)
{
	const struct fcgi_sandbox_rule *r;
	struct scmp_arg_cmp arg;

	for (size_t i = 0; i < FCGI_COUNT(fcgi_sandbox_rules); i++) {
		r = &fcgi_sandbox_rules[i];
		arg = r->arg;
		if (r->self)
			arg.datum_a = (scmp_datum_t)getpid();
		if (fcgi_sandbox_add(ctx, r->action, r->name, &arg, err,
		    errlen) != 0)
			return -1;
	}
	return 0;
}

/* Every call of the lists above into `ctx`. */
static int
fcgi_sandbox_fill(scmp_filter_ctx ctx, char *err, size_t errlen)
{
	if (fcgi_sandbox_add_names(ctx, SCMP_ACT_ALLOW, fcgi_sandbox_calls,
	    FCGI_COUNT(fcgi_sandbox_calls), err, errlen) != 0)
		return -1;
#if defined(__SANITIZE_ADDRESS__)
	if (fcgi_sandbox_add_names(ctx, SCMP_ACT_ALLOW, fcgi_sandbox_asan_calls,
	    FCGI_COUNT(fcgi_sandbox_asan_calls), err, errlen) != 0)
		return -1;
#endif
	if (fcgi_sandbox_add_names(ctx, SCMP_ACT_ERRNO(ENOSYS),
	    fcgi_sandbox_enosys, FCGI_COUNT(fcgi_sandbox_enosys), err,
	    errlen) != 0)
		return -1;
	return fcgi_sandbox_add_rules(ctx, err, errlen);
}

/*
 * A filter killing the process on any call not allowed, or made through
 * another architecture's calling convention; for `arch`, or the native one
 * when 0. NULL with the reason in err[errlen].
 */
static scmp_filter_ctx
fcgi_sandbox_build(uint32_t arch, char *err, size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int rc;

	if (ctx == NULL) {
		snprintf(err, errlen, "seccomp_init failed: no memory, or a "
		    "kernel without seccomp filters that kill a process "
		    "(CONFIG_SECCOMP_FILTER, Linux 4.14 or later)");
		return NULL;
	}
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS);
	/* A binary tree of the allowed calls, not a list: each of a request's
	 * calls is found in a few comparisons instead of up to fifty. */
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0 && arch != 0 && arch != seccomp_arch_native()) {
		if ((rc = seccomp_arch_add(ctx, arch)) == 0)
			rc = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
	}
	if (rc != 0) {
		fcgi_sandbox_fail("the filter's architectures", rc, err, errlen);
		goto fail;
	}
	if (fcgi_sandbox_fill(ctx, err, errlen) != 0)
		goto fail;
	return ctx;
fail:
	seccomp_release(ctx);
	return NULL;
}

int
fcgi_sandbox_enter(char *err, size_t errlen)
{
	scmp_filter_ctx ctx = fcgi_sandbox_build(0, err, errlen);
	int rc;

	if (ctx == NULL)
		return -1;
	rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc == 0 ? 0 : fcgi_sandbox_fail("seccomp_load", rc, err, errlen);
}

int
fcgi_sandbox_export(uint32_t arch, int fd, char *err, size_t errlen)
{
	scmp_filter_ctx ctx = fcgi_sandbox_build(arch, err, errlen);
	int rc;

	if (ctx == NULL)
		return -1;
	rc = seccomp_export_pfc(ctx, fd);
	seccomp_release(ctx);
	return rc == 0 ? 0 : fcgi_sandbox_fail("seccomp_export_pfc", rc, err,
	    errlen);
}
