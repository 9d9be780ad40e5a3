/*
 * parse.c: RFC 6265bis §5.6, one Set-Cookie value (or one document.cookie
 * assignment) into a parsed_cookie. Engine differences come from the preset:
 * Chromium's HTAB rule (P1), Firefox's nameless-as-name (§14) and Max-Age
 * (P9) readings, and the Expires date syntax (P10).
 *
 * Work is linear in the input: one pass to find control characters, one
 * pass over the attributes.
 */
#include "cookie/parse.h"

#include <stdint.h>
#include <string.h>

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* %x00-08 / %x0A-1F / %x7F: the CTLs that void a cookie (§5.6 step 1). */
static bool is_voiding_ctl(unsigned char c)
{
	return (c <= 0x08) || (c >= 0x0A && c <= 0x1F) || c == 0x7F;
}

/*
 * Whether s[0..len) holds a voiding CTL. Eight bytes at a time: a header is
 * mostly long values, and a byte-wise test was a third of parsing one. A
 * word with no byte below 0x20 and none equal to 0x7F has none; a word
 * that may have one is looked at byte by byte (HTAB is below 0x20 too).
 */
static bool has_voiding_ctl(const char *s, size_t len)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		uint64_t below_space = (w - ones * 0x20) & ~w & highs;
		uint64_t del = w ^ (ones * 0x7F);
		uint64_t is_del = (del - ones) & ~del & highs;
		if (below_space | is_del)
			break;
	}
	for (; i < len; i++)
		if (is_voiding_ctl((unsigned char)s[i]))
			return true;
	return false;
}

static void trim(const char **s, size_t *len)
{
	while (*len && is_wsp((*s)[0])) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_wsp((*s)[*len - 1]))
		(*len)--;
}

static bool eq_ci(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);
	if (len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i], l = lit[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (l >= 'A' && l <= 'Z')
			l = (char)(l - 'A' + 'a');
		if (c != l)
			return false;
	}
	return true;
}

bool cookie_has_prefix_ci(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && eq_ci(s, n, prefix);
}

static bool has_htab(const char *s, size_t len)
{
	return memchr(s, '\t', len) != NULL;
}

/*
 * Max-Age (§5.6.2): an optional '-' then digits, else the attribute is
 * ignored. Firefox expires a cookie for any value that starts with '-' (P9).
 * Overflow saturates, as Chromium's ParseExpiration does.
 */
static bool parse_max_age(const char *v, size_t len, const cookie_preset *p, int64_t *out)
{
	if (!len)
		return false;
	bool neg = v[0] == '-';
	if (neg && p->max_age_any_dash_expires) {
		*out = -1;
		return true;
	}
	size_t i = neg || (v[0] == '+' && p->max_age_plus_sign) ? 1 : 0;
	if (i == len)
		return false;
	int64_t n = 0;
	for (; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		if (n < COOKIE_MAX_AGE_SATURATE)
			n = n * 10 + (v[i] - '0');
	}
	if (n > COOKIE_MAX_AGE_SATURATE)
		n = COOKIE_MAX_AGE_SATURATE;
	*out = neg ? -n : n;
	return true;
}

static void parse_attribute(parsed_cookie *c, const char *av, size_t av_len, const cookie_preset *p)
{
	const char *eq = memchr(av, '=', av_len);
	const char *name = av, *value = "";
	size_t name_len = av_len, value_len = 0;
	if (eq) {
		name_len = (size_t)(eq - av);
		value = eq + 1;
		value_len = av_len - name_len - 1;
	}
	trim(&name, &name_len);
	trim(&value, &value_len);

	/* §5.6 attribute step 6: an oversize attribute value is ignored, the cookie kept. */
	if (value_len > COOKIE_MAX_ATTRIBUTE_VALUE) {
		c->oversize_attributes++;
		return;
	}

	if (eq_ci(name, name_len, "expires")) {
		int64_t t;
		/* §5.6.1: a value that is not a cookie-date leaves the attribute out. */
		if (cookie_date_parse(value, value_len, p->date_syntax, &t)) {
			c->has_expires = true;
			c->expires_s = t;
		}
	} else if (eq_ci(name, name_len, "max-age")) {
		int64_t age;
		if (parse_max_age(value, value_len, p, &age)) {
			c->has_max_age = true;
			c->max_age_s = age;
		}
	} else if (eq_ci(name, name_len, "domain")) {
		/* §5.6.3: an empty value SHOULD be ignored; Chromium and Firefox let
		 * it cancel an earlier Domain, which makes a host cookie (P8). */
		if (value_len == 0) {
			if (p->empty_domain_resets)
				c->has_domain = false;
			return;
		}
		if (value[0] == '.') {
			value++;
			value_len--;
		}
		c->has_domain = true;
		c->domain = value;
		c->domain_len = value_len;
	} else if (eq_ci(name, name_len, "path")) {
		/* §5.6.4: empty or not starting with '/' means the default path. */
		c->path_attr_is_root = value_len == 1 && value[0] == '/';
		if (value_len && value[0] == '/') {
			c->has_path = true;
			c->path = value;
			c->path_len = value_len;
		} else {
			c->has_path = false;
		}
	} else if (eq_ci(name, name_len, "secure")) {
		c->secure = true; /* §5.6.5: any value is ignored */
	} else if (eq_ci(name, name_len, "httponly")) {
		c->http_only = true; /* §5.6.6 */
	} else if (eq_ci(name, name_len, "partitioned")) {
		c->partitioned = true; /* CHIPS; browser-rules.md S13 */
	} else if (eq_ci(name, name_len, "samesite")) {
		/* §5.6.7: the last SameSite wins; an unknown value is "Default". */
		if (eq_ci(value, value_len, "none"))
			c->same_site = BSIM_SAMESITE_NONE;
		else if (eq_ci(value, value_len, "lax"))
			c->same_site = BSIM_SAMESITE_LAX;
		else if (eq_ci(value, value_len, "strict"))
			c->same_site = BSIM_SAMESITE_STRICT;
		else
			c->same_site = BSIM_SAMESITE_UNSPECIFIED;
	} else if (eq_ci(name, name_len, "priority")) {
		/* Chromium's Priority attribute (L2); unknown values mean Medium. */
		if (eq_ci(value, value_len, "low"))
			c->priority = BSIM_PRIORITY_LOW;
		else if (eq_ci(value, value_len, "high"))
			c->priority = BSIM_PRIORITY_HIGH;
		else
			c->priority = BSIM_PRIORITY_MEDIUM;
	}
	/* Unknown attributes are ignored (§5.6 attribute step 7). */
}

const char *cookie_field_problem(const char *s, size_t len, cookie_field field, const cookie_preset *p)
{
	/* Step 1: a CTL other than HTAB voids the whole header. */
	if (has_voiding_ctl(s, len))
		return "holds a control character, which voids a Set-Cookie (RFC 6265bis §5.6 step 1)";
	/* Step 2: the first ';' ends the name-value pair, and every ';' an attribute. */
	if (memchr(s, ';', len))
		return "holds ';', which ends a cookie in a Set-Cookie or Cookie header (RFC 6265bis §5.6 step 2)";
	/* Step 3: the first '=' ends the name. */
	if (field == COOKIE_FIELD_NAME && memchr(s, '=', len))
		return "holds '=', which ends a cookie's name (RFC 6265bis §5.6 step 3)";
	/* Step 4 and attribute step 3: leading and trailing white space is trimmed. */
	if (len && (is_wsp(s[0]) || is_wsp(s[len - 1])))
		return "starts or ends with a space or TAB, which a Set-Cookie parser trims (RFC 6265bis §5.6 step 4)";
	/* P1: Chromium refuses an HTAB inside a name, a value or an attribute value. */
	if (p->htab_inside_rejects && has_htab(s, len))
		return "holds a TAB, which this engine refuses inside a cookie (browser-rules.md P1)";
	/* P3: Firefox refuses "=value"; a pair without '=' is a name there (§14), so no header yields a nameless cookie. */
	if (field == COOKIE_FIELD_NAME && len == 0 && p->empty_name_refused)
		return "is empty, which this engine refuses (browser-rules.md P3)";
	/* Attribute step 6: a longer Domain or Path is ignored, so no cookie has one. */
	if (field == COOKIE_FIELD_ATTRIBUTE && len > COOKIE_MAX_ATTRIBUTE_VALUE)
		return "is longer than the 1024 bytes a Set-Cookie attribute may be (RFC 6265bis §5.6)";
	return NULL;
}

bsim_cookie_reason cookie_parse(parsed_cookie *c, const char *s, size_t len, const cookie_preset *p)
{
	memset(c, 0, sizeof *c);
	c->name = c->value = "";
	c->priority = BSIM_PRIORITY_MEDIUM;

	/* Step 2: the name-value pair is everything up to the first ';'. */
	const char *semi = memchr(s, ';', len);
	size_t pair_len = semi ? (size_t)(semi - s) : len;
	const char *eq = memchr(s, '=', pair_len);
	if (eq) {
		c->name = s;
		c->name_len = (size_t)(eq - s);
		c->value = eq + 1;
		c->value_len = pair_len - c->name_len - 1;
	} else if (p->nameless_is_name) {
		/* §14, Firefox run: "foo" is a cookie named foo with an empty value. */
		c->name = s;
		c->name_len = pair_len;
	} else {
		/* Step 3: no '=' makes a nameless cookie whose value is the pair. */
		c->value = s;
		c->value_len = pair_len;
	}
	trim(&c->name, &c->name_len);
	trim(&c->value, &c->value_len);

	/* Step 1: any CTL but HTAB voids the whole string. */
	if (has_voiding_ctl(s, len))
		return BSIM_REASON_CONTROL_CHAR;

	/* P1: Chromium's CTL test includes HTAB once leading/trailing HTAB is trimmed. */
	if (p->htab_inside_rejects &&
	    (has_htab(c->name, c->name_len) || has_htab(c->value, c->value_len)))
		return BSIM_REASON_CONTROL_CHAR;

	/* Step 5 and §5.7 step 4: name + value over 4096 octets. */
	if (c->name_len + c->value_len > COOKIE_MAX_NAME_VALUE)
		return BSIM_REASON_TOO_LARGE;

	/* §5.7 step 2. */
	if (c->name_len == 0 && c->value_len == 0)
		return BSIM_REASON_EMPTY;
	/* P3: Firefox refuses "=value"; a pair without '=' never reaches here nameless in Firefox (§14). */
	if (eq && c->name_len == 0 && p->empty_name_refused)
		return BSIM_REASON_EMPTY_NAME;

	if (!semi)
		return BSIM_REASON_NONE;

	const char *at = semi, *end = s + len;
	while (at < end) {
		at++; /* the ';' */
		const char *next = memchr(at, ';', (size_t)(end - at));
		const char *av_end = next ? next : end;
		const char *av = at;
		size_t av_len = (size_t)(av_end - av);
		if (p->htab_inside_rejects) {
			const char *v = av;
			size_t vl = av_len;
			trim(&v, &vl);
			const char *veq = memchr(v, '=', vl);
			const char *an = v;
			size_t an_len = veq ? (size_t)(veq - v) : vl;
			trim(&an, &an_len);
			/*
			 * P1: the same test covers the attribute's name, with or without
			 * '=' ("Secu<TAB>re" voids the cookie): Chromium's
			 * ParsedCookie::ParseTokenValuePairs checks each pair's token as
			 * well as its value (Chromium 156, oracle traces
			 * gen-20261124-00037 and -00110).
			 */
			if (has_htab(an, an_len))
				return BSIM_REASON_CONTROL_CHAR;
			if (veq) {
				const char *val = veq + 1;
				size_t val_len = vl - (size_t)(val - v);
				trim(&val, &val_len);
				/* P1: Chromium rejects an HTAB inside an attribute value too. */
				if (has_htab(val, val_len))
					return BSIM_REASON_CONTROL_CHAR;
			}
		}
		parse_attribute(c, av, av_len, p);
		at = av_end;
	}
	return BSIM_REASON_NONE;
}
