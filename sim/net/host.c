/*
 * host.c: turns a host name as written (in a URL, a hosts file or a
 * scenario) into the canonical form every cookie and storage rule compares,
 * and says what kind of host it is.
 *
 * Canonicalization follows the WHATWG URL "host parser" for special schemes,
 * which is what Chromium and Firefox run before any cookie code sees a host
 * (RFC 6265bis §5.1.2 defers to it): IPv6 literals are re-serialized, names
 * go through UTS #46 (non-transitional) to A-labels, a name that ends in a
 * number must be an IPv4 address in one of the forms the IPv4 parser
 * accepts, and forbidden code points are refused. Plain lowercase ASCII
 * names take a fast path with no libidn2 call: the cookie jar canonicalizes
 * on every operation.
 */
#include "net/host.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/utf8.h"

/* An IPv4 address has at most four dotted parts (WHATWG URL, IPv4 parser step 5). */
#define IPV4_MAX_PARTS 4

/* Room for a quoted name in a message: enough to recognise it, short enough for one line. */
#define HOST_QUOTE_BUF 192

static bool is_ascii_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_ascii_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ascii_hex(unsigned char c)
{
	return is_ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned char ascii_lower(unsigned char c)
{
	return is_ascii_upper(c) ? (unsigned char)(c + ('a' - 'A')) : c;
}

/*
 * WHATWG URL "forbidden domain code point": the forbidden host code points
 * (NUL, TAB, LF, CR, space, # / : < > ? @ [ \ ] ^ |), every other C0
 * control, '%' and DEL. A name holding one is not a host at all.
 */
static bool is_forbidden_domain_byte(unsigned char c)
{
	if (c <= 0x20 || c == 0x7f)
		return true;
	switch (c) {
	case '#': case '%': case '/': case ':': case '<': case '>': case '?':
	case '@': case '[': case '\\': case ']': case '^': case '|':
		return true;
	default:
		return false;
	}
}

void host_quote(char *dst, size_t dstlen, const char *text, size_t len)
{
	/* Reserve room for an escape (4), "..." (3) and the NUL. */
	const size_t reserve = 8;
	size_t o = 0;
	if (dstlen == 0)
		return;
	if (!text)
		len = 0;
	for (size_t i = 0; i < len;) {
		const unsigned char *p = (const unsigned char *)text + i;
		size_t n = utf8_sequence_len(p, len - i);
		if (o + reserve + (n ? n : 4) > dstlen) {
			if (dstlen > 3 && o + 4 <= dstlen) {
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (n == 1 && (p[0] < 0x20 || p[0] == 0x7f || p[0] == '"' || p[0] == '\\'))
			n = 0;
		if (n == 0) {
			/* Escaped, so that the message stays one line of valid UTF-8. */
			o += (size_t)snprintf(dst + o, dstlen - o, "\\x%02x", p[0]);
			i++;
			continue;
		}
		memcpy(dst + o, p, n);
		o += n;
		i += n;
	}
	dst[o] = '\0';
}

/*
 * WHATWG URL "IPv4 number parser": "0x"/"0X" means hex, another leading 0
 * means octal, and "0x" alone is zero. Values past 2^32 saturate (the caller
 * refuses them anyway). Returns false on an empty part or a bad digit.
 */
static bool ipv4_number(const char *s, size_t n, uint64_t *out)
{
	unsigned radix = 10;
	uint64_t v = 0;
	if (n == 0)
		return false;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		radix = 16;
		s += 2;
		n -= 2;
	} else if (n >= 2 && s[0] == '0') {
		radix = 8;
		s++;
		n--;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned d;
		if (is_ascii_digit(c))
			d = (unsigned)(c - '0');
		else if (radix == 16 && is_ascii_hex(c))
			d = (unsigned)(ascii_lower(c) - 'a' + 10);
		else
			return false;
		if (d >= radix)
			return false;
		if (v <= UINT32_MAX)
			v = v * radix + d;
	}
	*out = v;
	return true;
}

/*
 * WHATWG URL "ends in a number checker": the last label (after one empty
 * trailing label is set aside) is all digits or parses as an IPv4 number.
 * Such a name must then parse as IPv4 or the URL fails, which is why
 * browsers refuse http://999.1.1.1/ instead of looking it up.
 */
static bool ends_in_number(const char *s, size_t n)
{
	if (n > 0 && s[n - 1] == '.') {
		if (n == 1)
			return false;
		n--;
	}
	size_t start = n;
	while (start > 0 && s[start - 1] != '.')
		start--;
	const char *last = s + start;
	size_t last_len = n - start;
	if (last_len == 0)
		return false;
	bool digits = true;
	for (size_t i = 0; i < last_len; i++)
		if (!is_ascii_digit((unsigned char)last[i]))
			digits = false;
	if (digits)
		return true;
	uint64_t ignored;
	return ipv4_number(last, last_len, &ignored);
}

/*
 * WHATWG URL "IPv4 parser": one to four parts, the last filling the bytes
 * the others leave (127.1 is 127.0.0.1, 1.2.3 is 1.2.0.3). On failure
 * *why says what is wrong, for the message.
 */
static bool ipv4_parse(const char *s, size_t n, uint32_t *out, const char **why)
{
	uint64_t parts[IPV4_MAX_PARTS];
	size_t count = 0;
	/* One trailing dot is allowed and ignored (a validation error only). */
	if (n > 1 && s[n - 1] == '.')
		n--;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (count == IPV4_MAX_PARTS) {
			*why = "it has more than four parts";
			return false;
		}
		if (!ipv4_number(s + start, i - start, &parts[count])) {
			*why = "a part is empty or not a decimal, octal (0..) or hex (0x..) number";
			return false;
		}
		count++;
		start = i + 1;
	}
	for (size_t i = 0; i + 1 < count; i++) {
		if (parts[i] > 255) {
			*why = "a part before the last is over 255";
			return false;
		}
	}
	/* The last part fills the remaining 5 - count bytes. */
	uint64_t limit = (uint64_t)1 << (8 * (5 - count));
	if (parts[count - 1] >= limit) {
		*why = "the last part is too large for the bytes it fills";
		return false;
	}
	uint64_t v = parts[count - 1];
	for (size_t i = 0; i + 1 < count; i++)
		v += parts[i] << (8 * (3 - i));
	*out = (uint32_t)v;
	return true;
}

/* WHATWG URL IPv4 serializer (dotted decimal) into out (16 bytes); returns the length. */
static size_t format_ipv4(char *out, uint32_t v)
{
	size_t o = 0;
	for (int shift = 24; shift >= 0; shift -= 8) {
		unsigned byte = (v >> shift) & 0xff;
		if (byte >= 100)
			out[o++] = (char)('0' + byte / 100);
		if (byte >= 10)
			out[o++] = (char)('0' + byte / 10 % 10);
		out[o++] = (char)('0' + byte % 10);
		if (shift > 0)
			out[o++] = '.';
	}
	out[o] = '\0';
	return o;
}

/*
 * WHATWG URL IPv6 serializer: lowercase hex without leading zeros, the
 * first longest run of two or more zero pieces written "::", and no dotted
 * IPv4 tail, so [::FFFF:127.0.0.1] becomes [::ffff:7f00:1] as in browsers.
 */
static int canonicalize_ipv6(char **out, const char *raw, size_t len)
{
	char quoted[HOST_QUOTE_BUF];
	char inner[INET6_ADDRSTRLEN + 1];
	unsigned char addr[16];
	if (len < 2 || raw[len - 1] != ']' || len - 2 >= sizeof inner) {
		host_quote(quoted, sizeof quoted, raw, len);
		return error_set(BSIM_EINVAL,
			"host \"%s\" is not an IPv6 literal: write it as [address], e.g. [::1]", quoted);
	}
	memcpy(inner, raw + 1, len - 2);
	inner[len - 2] = '\0';
	if (inet_pton(AF_INET6, inner, addr) != 1) {
		host_quote(quoted, sizeof quoted, raw, len);
		return error_set(BSIM_EINVAL,
			"host \"%s\" is not a valid IPv6 address (browsers also refuse zone ids such as %%eth0): "
			"check the address", quoted);
	}
	unsigned pieces[8];
	for (int i = 0; i < 8; i++)
		pieces[i] = (unsigned)addr[2 * i] << 8 | addr[2 * i + 1];
	int best = -1, best_len = 1;
	for (int i = 0; i < 8;) {
		if (pieces[i] != 0) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && pieces[j] == 0)
			j++;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j;
	}
	char text[2 + 8 * 5 + 2];
	size_t o = 0;
	text[o++] = '[';
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			text[o++] = ':';
			if (i == 0)
				text[o++] = ':';
			i += best_len - 1;
			continue;
		}
		o += (size_t)snprintf(text + o, sizeof text - o, "%x", pieces[i]);
		if (i < 7)
			text[o++] = ':';
	}
	text[o++] = ']';
	text[o] = '\0';
	*out = strdup(text);
	return *out ? 0 : error_oom();
}

/*
 * The UTS #46 deviations U+00DF, U+03C2, U+200C, U+200D, whose mapping
 * differs between transitional and non-transitional processing, and U+1E9E,
 * which newer Unicode versions map to U+00DF.
 */
static bool has_deviation(const char *label)
{
	return strstr(label, "\xc3\x9f") || strstr(label, "\xcf\x82") ||
	       strstr(label, "\xe2\x80\x8c") || strstr(label, "\xe2\x80\x8d") ||
	       strstr(label, "\xe1\xba\x9e");
}

/*
 * One label to its A-label with libidn2, appended to b. Browsers run UTS #46
 * non-transitional processing (faß.de stays distinct from fass.de). libidn2
 * adds the IDNA2008 rule that symbols such as emoji are disallowed, which
 * browsers do not apply (💩.la loads); for a label with no deviation
 * character the transitional result is the same mapping without that rule,
 * so it is used when that rule alone refused the label.
 */
static int idna_label(buf *b, const char *label, const char *whole, size_t whole_len)
{
	char *ascii = NULL;
	int rc = idn2_to_ascii_8z(label, &ascii, IDN2_NONTRANSITIONAL);
	if (rc == IDN2_DISALLOWED && !has_deviation(label)) {
		int rc2 = idn2_to_ascii_8z(label, &ascii, IDN2_TRANSITIONAL);
		if (rc2 == IDN2_OK)
			rc = IDN2_OK;
	}
	if (rc == IDN2_MALLOC)
		return error_oom();
	if (rc != IDN2_OK) {
		char quoted[HOST_QUOTE_BUF], quoted_label[HOST_QUOTE_BUF];
		host_quote(quoted, sizeof quoted, whole, whole_len);
		host_quote(quoted_label, sizeof quoted_label, label, strlen(label));
		free(ascii);
		return error_set(BSIM_EINVAL,
			"host \"%s\" is not a valid internationalized name: label \"%s\" fails UTS #46 "
			"(libidn2: %s); browsers refuse it too: fix the name or write its A-label (xn--...)",
			quoted, quoted_label, idn2_strerror(rc));
	}
	buf_puts(b, ascii);
	idn2_free(ascii);
	return 0;
}

static bool is_alabel(const char *s, size_t n)
{
	return n >= 4 && (s[0] == 'x' || s[0] == 'X') && (s[1] == 'n' || s[1] == 'N') &&
	       s[2] == '-' && s[3] == '-';
}

/* Length of a UTS #46 label separator at s: '.', U+3002, U+FF0E, U+FF61; 0 if none. */
static size_t label_separator_len(const char *s, size_t n)
{
	if (s[0] == '.')
		return 1;
	if (n >= 3 && (!memcmp(s, "\xe3\x80\x82", 3) || !memcmp(s, "\xef\xbc\x8e", 3) ||
		       !memcmp(s, "\xef\xbd\xa1", 3)))
		return 3;
	return 0;
}

/*
 * Split into labels and convert each: ASCII labels are lowercased (and
 * validated if they claim to be A-labels), others go through libidn2. Doing
 * it per label keeps ASCII labels that libidn2's hyphen rules would refuse
 * (-x, ab--c) working, since browsers do not check hyphens (WHATWG URL sets
 * CheckHyphens to false).
 */
static int to_ascii_labels(buf *b, const char *raw, size_t len)
{
	buf label = BUF_INIT;
	int rc = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len;) {
		size_t sep = i < len ? label_separator_len(raw + i, len - i) : 0;
		if (i < len && sep == 0) {
			i++;
			continue;
		}
		const char *p = raw + start;
		size_t n = i - start;
		bool ascii = true;
		for (size_t k = 0; k < n; k++)
			if ((unsigned char)p[k] >= 0x80)
				ascii = false;
		if (ascii && !is_alabel(p, n)) {
			for (size_t k = 0; k < n; k++)
				buf_putc(b, (char)ascii_lower((unsigned char)p[k]));
		} else if (n > 0) {
			buf_clear(&label);
			buf_put(&label, p, n);
			if ((rc = buf_status(&label)) < 0)
				goto out;
			if ((rc = idna_label(b, buf_cstr(&label), raw, len)) < 0)
				goto out;
		}
		if (i == len)
			break;
		buf_putc(b, '.');
		i += sep;
		start = i;
	}
	rc = buf_status(b);
out:
	buf_free(&label);
	return rc;
}

/* The message for a name holding a forbidden code point (see is_forbidden_domain_byte). */
static int forbidden_error(const char *raw, size_t len, unsigned char c)
{
	char quoted[HOST_QUOTE_BUF];
	host_quote(quoted, sizeof quoted, raw, len);
	if (c == ':')
		return error_set(BSIM_EINVAL,
			"host \"%s\" contains ':': give the port separately, and write an IPv6 address "
			"in brackets, e.g. [::1]", quoted);
	if (c > 0x20 && c < 0x7f)
		return error_set(BSIM_EINVAL,
			"host \"%s\" contains '%c', which browsers refuse in a host name (WHATWG URL "
			"forbidden domain code point): remove it", quoted, (char)c);
	return error_set(BSIM_EINVAL,
		"host \"%s\" contains the byte 0x%02x (a space or control character), which browsers "
		"refuse in a host name (WHATWG URL forbidden domain code point): remove it", quoted, c);
}

int host_canonicalize(char **out, const char *raw, size_t len)
{
	char quoted[HOST_QUOTE_BUF];
	char *name = NULL;
	size_t n = 0;
	int rc = 0;
	if (!out)
		return error_set(BSIM_EINVAL, "host_canonicalize: no place for the result");
	*out = NULL;
	if (!raw || len == 0)
		return error_set(BSIM_EINVAL, "empty host name: a URL needs a host, e.g. http://www.shop.com/");
	if (raw[0] == '[')
		return canonicalize_ipv6(out, raw, len);

	/*
	 * One pass decides the path. A forbidden ASCII byte can be reported at
	 * once: UTS #46 maps no ASCII code point away, so it would survive.
	 */
	bool ascii = true, alabel = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)raw[i];
		if (c >= 0x80)
			ascii = false;
		else if (is_forbidden_domain_byte(c))
			return forbidden_error(raw, len, c);
		else if ((i == 0 || raw[i - 1] == '.') && is_alabel(raw + i, len - i))
			alabel = true;  /* xn-- must be validated as UTS #46 does: xn--zz is not punycode */
	}
	if (ascii && !alabel) {
		/* Fast path, no libidn2: for ASCII, UTS #46 mapping is lowercasing. */
		name = malloc(len + 1);
		if (!name)
			return error_oom();
		for (size_t i = 0; i < len; i++)
			name[i] = (char)ascii_lower((unsigned char)raw[i]);
		name[len] = '\0';
		n = len;
	} else {
		buf b = BUF_INIT;
		if ((rc = to_ascii_labels(&b, raw, len)) < 0) {
			buf_free(&b);
			return rc;
		}
		n = b.len;
		name = buf_detach(&b);
		if (!name)
			return error_oom();
		/* Mapping can produce one, e.g. U+FF0F FULLWIDTH SOLIDUS becomes '/'. */
		for (size_t i = 0; i < n; i++) {
			if (is_forbidden_domain_byte((unsigned char)name[i])) {
				rc = forbidden_error(raw, len, (unsigned char)name[i]);
				goto out;
			}
		}
		if (n == 0) {
			host_quote(quoted, sizeof quoted, raw, len);
			rc = error_set(BSIM_EINVAL,
				"host \"%s\" maps to an empty name (UTS #46 drops every character): use a real "
				"host name", quoted);
			goto out;
		}
	}

	if (ends_in_number(name, n)) {
		uint32_t v;
		const char *why = "";
		char quad[sizeof "255.255.255.255"];
		if (!ipv4_parse(name, n, &v, &why)) {
			host_quote(quoted, sizeof quoted, raw, len);
			rc = error_set(BSIM_EINVAL,
				"host \"%s\" ends in a number but is not an IPv4 address (%s); browsers refuse "
				"such URLs (WHATWG URL IPv4 parser): fix the address or use a name", quoted, why);
			goto out;
		}
		size_t qn = format_ipv4(quad, v);
		if (qn != n || memcmp(quad, name, n) != 0) {
			free(name);
			name = strdup(quad);
			if (!name)
				return error_oom();
			n = qn;
		}
	}

	/* One trailing dot is the DNS root, not part of the name's length. */
	size_t dns_len = n - (name[n - 1] == '.' ? 1 : 0);
	if (dns_len > HOST_NAME_MAX_LEN) {
		host_quote(quoted, sizeof quoted, name, n);
		rc = error_set(BSIM_EINVAL,
			"host \"%s\" is %zu bytes long; DNS allows at most %d (RFC 1035 §2.3.4): use a shorter name",
			quoted, dns_len, HOST_NAME_MAX_LEN);
		goto out;
	}
	*out = name;
	name = NULL;
out:
	free(name);
	return rc;
}

static bool is_canonical_ipv4(const char *s)
{
	int dots = 0, digits = 0;
	for (; *s; s++) {
		if (*s == '.') {
			if (digits == 0)
				return false;
			dots++;
			digits = 0;
		} else if (is_ascii_digit((unsigned char)*s)) {
			digits++;
		} else {
			return false;
		}
	}
	return dots == 3 && digits > 0;
}

host_kind host_classify(const char *canonical)
{
	if (!canonical || canonical[0] == '\0')
		return HOST_KIND_NONE;
	if (canonical[0] == '[')
		return HOST_KIND_IPV6;
	if (is_canonical_ipv4(canonical))
		return HOST_KIND_IPV4;
	/* One trailing dot names the same host kind (Chromium net/base/url_util.cc, IsLocalHostname). */
	size_t n = strlen(canonical);
	if (canonical[n - 1] == '.')
		n--;
	if (n == 0)
		return HOST_KIND_SINGLE_LABEL;  /* "." alone: no labels, so nothing registrable */
	static const char localhost[] = "localhost";
	const size_t lh = sizeof localhost - 1;
	if (n == lh && memcmp(canonical, localhost, lh) == 0)
		return HOST_KIND_LOCALHOST;
	/* RFC 6761 §6.3: every name under .localhost is loopback; browsers follow it. */
	if (n > lh && canonical[n - lh - 1] == '.' && memcmp(canonical + n - lh, localhost, lh) == 0)
		return HOST_KIND_LOCALHOST_SUB;
	if (memchr(canonical, '.', n) == NULL)
		return HOST_KIND_SINGLE_LABEL;
	return HOST_KIND_DOMAIN;
}

bool host_has_trailing_dot(const char *canonical)
{
	if (!canonical || canonical[0] == '\0' || canonical[0] == '[')
		return false;
	return canonical[strlen(canonical) - 1] == '.';
}

bool host_is_loopback(const char *canonical, host_kind kind)
{
	switch (kind) {
	case HOST_KIND_LOCALHOST:
	case HOST_KIND_LOCALHOST_SUB:
		return true;
	case HOST_KIND_IPV4:
		/* 127.0.0.0/8 (RFC 1122 §3.2.1.3). */
		return canonical && strncmp(canonical, "127.", 4) == 0;
	case HOST_KIND_IPV6:
		/* Only ::1; Chromium's IPAddress::IsLoopback does not count ::ffff:127.0.0.1. */
		return canonical && strcmp(canonical, "[::1]") == 0;
	default:
		return false;
	}
}

const char *host_kind_name(host_kind kind)
{
	switch (kind) {
	case HOST_KIND_NONE:
		return "no-host";
	case HOST_KIND_IPV4:
	case HOST_KIND_IPV6:
		/* The cookie rules treat both families alike (browser-rules.md D9). */
		return "ip-address";
	case HOST_KIND_LOCALHOST:
		return "localhost";
	case HOST_KIND_LOCALHOST_SUB:
		return "localhost-subdomain";
	case HOST_KIND_SINGLE_LABEL:
		return "single-label";
	case HOST_KIND_DOMAIN:
		return "domain";
	}
	return "unknown";
}
