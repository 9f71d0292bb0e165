#!/usr/bin/python3
"""seccomp_refused.py PROGRAM [ARG...]: runs PROGRAM where no seccomp filter
can be installed, as on a kernel built without them (CONFIG_SECCOMP_FILTER
off): seccomp() and prctl(PR_SET_SECCOMP) fail with EINVAL. Everything else
is allowed. The refusal is itself a filter (libseccomp's Python binding,
Debian's python3-seccomp), inherited by PROGRAM and all its children.
Debian's own python3: the binding is a Debian package."""
import errno
import os
import sys

import seccomp

PR_SET_SECCOMP = 22

refuse = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
refuse.add_rule(seccomp.ERRNO(errno.EINVAL), "seccomp")
refuse.add_rule(seccomp.ERRNO(errno.EINVAL), "prctl",
                seccomp.Arg(0, seccomp.EQ, PR_SET_SECCOMP))
refuse.load()
os.execv(sys.argv[1], sys.argv[1:])
