/*
 * core/version — permitd's version, declared here only: permitd and
 * permitctl print it (--version), and the Debian package's changelog is
 * checked against it by the tests.
 */
#ifndef PERMIT_CORE_VERSION_H
#define PERMIT_CORE_VERSION_H

#define PERMIT_VERSION "0.14.0"

#endif
