/*
 * sandbox — the seccomp filter a worker lives in once it has opened what it
 * needs (config, keyring, listening socket and database connection are
 * open by then).
 *
 * An allow-list of system calls, by name (libseccomp numbers them for the
 * machine's architecture); any other call kills the whole worker with
 * SIGSYS, which its master logs and replaces. The list is what a worker
 * does after start-up: accept and serve FastCGI requests, reconnect to the
 * database (a Unix socket or TCP, names resolved through /etc, files
 * opened read-only), time its deadlines, draw randomness, log to stderr,
 * handle its signals, fork the child that sends a cancel request, exit.
 * Never: execve, ptrace (but in the ASan build, see sandbox.c), writing
 * or creating files, mount, bpf, module loading and the like.
 *
 * The filter is inherited by every child (the cancel requests') and
 * cannot be removed.
 */
#ifndef PERMIT_FCGI_SANDBOX_H
#define PERMIT_FCGI_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Installs the filter on the calling process (and sets no_new_privs).
 * 0, or -1 with the reason in err[errlen]: a worker then must not serve.
 */
int fcgi_sandbox_enter(char *err, size_t errlen)
    __attribute__((warn_unused_result));

/*
 * Builds the same filter for architecture `arch` (libseccomp's token, e.g.
 * SCMP_ARCH_AARCH64) without loading it, and writes it to `fd` as
 * libseccomp's pseudo filter code: how the list reads on a machine of that
 * kind. 0, or -1 with the reason in err[errlen].
 */
int fcgi_sandbox_export(uint32_t arch, int fd, char *err, size_t errlen);

#endif
