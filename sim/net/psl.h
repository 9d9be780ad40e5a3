/*
 * psl.h: public suffixes and registrable domains, through libpsl loaded with
 * Debian's `publicsuffix` list (psl_latest). Fails closed: when the list
 * cannot be loaded, psl_open returns an error and nothing treats a domain as
 * safe.
 *
 * Both the ICANN and the private section count (github.io is a suffix), and
 * an unknown last label is a suffix by the list's "*" default rule, as in
 * Chromium's INCLUDE_UNKNOWN_REGISTRIES (browser-rules.md D4, D6).
 */
#ifndef BSIM_NET_PSL_H
#define BSIM_NET_PSL_H

#include <stdbool.h>

/*
 * Load the list once per process (thread-safe after the first call). Returns
 * 0, or BSIM_ERROR with a message saying which file was missing and which
 * package installs it.
 */
int psl_open(void);

/* True if the canonical name is a public suffix (co.uk, github.io, test, localhost). */
bool psl_is_public_suffix(const char *canonical);

/*
 * The registrable domain (eTLD+1) of a canonical host, written into out
 * (size outlen); returns false when there is none (the host is itself a
 * suffix, an IP literal, or empty). A trailing dot is kept on the result.
 */
bool psl_registrable_domain(const char *canonical, char *out, size_t outlen);

#endif
