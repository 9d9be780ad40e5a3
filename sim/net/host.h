/*
 * host.h: canonical host names and what kind of host a name is.
 *
 * Browsers canonicalize a host before any cookie rule sees it (RFC 6265bis
 * §5.1.2): lowercase, U-labels to A-labels (punycode), IPv4 in dotted-quad
 * form. The kind decides which cookie rules apply (browser-rules.md §2).
 */
#ifndef BSIM_NET_HOST_H
#define BSIM_NET_HOST_H

#include <stdbool.h>
#include <stddef.h>

/* Longest host name DNS allows (RFC 1035 §2.3.4); longer names are refused. */
#define HOST_NAME_MAX_LEN 253

typedef enum host_kind {
	HOST_KIND_NONE = 0,     /* no host (a file: URL) */
	HOST_KIND_IPV4,         /* 127.0.0.1; also what browsers make of 0x7f.1 */
	HOST_KIND_IPV6,         /* [::1], kept with its brackets as in a URL */
	HOST_KIND_LOCALHOST,    /* exactly "localhost" (or "localhost.") */
	HOST_KIND_LOCALHOST_SUB,/* app.localhost, a.b.localhost */
	HOST_KIND_SINGLE_LABEL, /* intranet */
	HOST_KIND_DOMAIN        /* www.shop.com, shop.co.uk, x.github.io */
} host_kind;

/*
 * Canonicalize `raw` (len bytes, UTF-8): lowercase, IDNA to A-labels with
 * libidn2, IPv4 forms to dotted quad. *out is allocated; the caller frees it.
 * Returns BSIM_EINVAL, with a message, for a name browsers refuse.
 */
int host_canonicalize(char **out, const char *raw, size_t len);

/* The kind of an already canonical host ("" is HOST_KIND_NONE). */
host_kind host_classify(const char *canonical);

/* True for a name ending in '.', e.g. "www.shop.com." (browser-rules.md D11). */
bool host_has_trailing_dot(const char *canonical);

/* True for loopback hosts browsers treat as potentially trustworthy: localhost, *.localhost, 127/8, [::1]. */
bool host_is_loopback(const char *canonical, host_kind kind);

/* A short word for a kind: "ip-address", "localhost", "single-label", ... */
const char *host_kind_name(host_kind kind);

#endif
