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
 * Canonicalize `raw` (len bytes, UTF-8) as the WHATWG URL host parser does:
 * lowercase; U-labels to A-labels with libidn2 (UTS #46 non-transitional:
 * Bücher.de -> xn--bcher-kva.de, faß.de -> xn--fa-hia.de); every IPv4 form
 * browsers accept (0x7f.1, 0177.0.0.1, 127.1, 1.2.3) to a dotted quad;
 * [IPv6] re-serialized in brackets ([::FFFF:127.0.0.1] -> [::ffff:7f00:1]).
 * A trailing dot is kept. No percent-decoding: a URL parser has done that.
 * *out is allocated; the caller frees it. Returns BSIM_EINVAL, with a
 * message saying what is wrong and what to do, for a name browsers refuse:
 * empty, a forbidden code point (space, '/', ':', '%', ...), a last label
 * that is a number but no valid IPv4 (999.1.1.1), an invalid IDN or A-label,
 * or more than HOST_NAME_MAX_LEN bytes.
 */
int host_canonicalize(char **out, const char *raw, size_t len);

/* The kind of an already canonical host ("" is HOST_KIND_NONE). */
host_kind host_classify(const char *canonical);

/* True for a name ending in '.', e.g. "www.shop.com." (browser-rules.md D11). */
bool host_has_trailing_dot(const char *canonical);

/* True for loopback hosts browsers treat as potentially trustworthy: localhost, *.localhost, 127/8, [::1]. */
bool host_is_loopback(const char *canonical, host_kind kind);

/*
 * A short word for a kind, for traces and messages: "no-host", "ip-address"
 * (IPv4 and IPv6 alike), "localhost", "localhost-subdomain", "single-label",
 * "domain". Static storage.
 */
const char *host_kind_name(host_kind kind);

/*
 * Copy `text` (len bytes, any bytes) into dst (size dstlen, always
 * NUL-terminated) for quoting in an error message: valid UTF-8 is kept;
 * control bytes, '"', '\\' and bytes that are not UTF-8 become \xNN; text
 * that does not fit ends with "...". Keeps messages one valid UTF-8 line
 * whatever the input (reporters write them into JSON and XML).
 */
void host_quote(char *dst, size_t dstlen, const char *text, size_t len);

#endif
