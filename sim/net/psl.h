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
#include <stddef.h>

/*
 * libpsl exports functions named psl_is_public_suffix and
 * psl_registrable_domain with other signatures. bsim's two keep those names
 * in source but link as bsim_psl_*, so that neither bsim nor libpsl (nor
 * libcurl through it) can ever call the wrong one. A file that needs both
 * headers includes <libpsl.h> first; only psl.c does.
 */
#define psl_is_public_suffix bsim_psl_is_public_suffix
#define psl_registrable_domain bsim_psl_registrable_domain

/*
 * Load the list once per process (thread-safe; later calls only report the
 * outcome). The environment variable BSIM_PSL_FILE, read on the first call,
 * names a list file (.dat or .dafsa) to load instead of Debian's. Returns 0,
 * or BSIM_ERROR with a message saying which file was missing and which
 * package installs it; every later call fails the same way.
 */
int psl_open(void);

/*
 * True if the canonical name is a public suffix (co.uk, github.io, test,
 * localhost, intranet). False for IP literals and "". Loads the list on
 * first use; if it cannot be loaded, every name counts as a suffix (fail
 * closed) and the error is left for psl_open to report.
 */
bool psl_is_public_suffix(const char *canonical);

/*
 * The registrable domain (eTLD+1) of a canonical host, written into out
 * (size outlen, HOST_NAME_MAX_LEN + 2 always suffices); returns false, with
 * out set to "", when there is none: the host is itself a suffix (single
 * labels, localhost), an IP literal, empty, has an empty label (".a",
 * "a..b", "x.."), or the list could
 * not be loaded (fail closed). One trailing dot is kept on the result:
 * www.shop.com. gives shop.com. (browser-rules.md D11).
 */
bool psl_registrable_domain(const char *canonical, char *out, size_t outlen);

#endif
