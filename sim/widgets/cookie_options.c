/*
 * cookie_options.c: main.cookieOptions read as the widget reads them
 * (cookie_options.h). The widget hands them to js-cookie 2.x, merged last
 * over its own attributes (B.6), so each member must be something js-cookie
 * writes into a cookie string whole: a string member with ';' or a control
 * character would end or break its attribute (RFC 6265bis §4.1.1).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/error.h"
#include "widgets/cookie_options.h"

/* A string member for a cookie attribute: no ';' or control character, which would end or break the attribute. */
static int option_string(json_t *v, char **out)
{
	if (!json_is_string(v))
		return error_set(BSIM_EINVAL, "expected a string");
	const char *t = json_string_value(v);
	for (const char *c = t; *c; c++)
		if (*c == ';' || (unsigned char)*c < 0x20 || *c == 0x7f)
			return error_set(BSIM_EINVAL, "expected an attribute value without ';' or control characters");
	free(*out);
	if (!(*out = strdup(t)))
		return error_oom();
	return 0;
}

/* One member of main.cookieOptions; the error says what was expected, the caller says where. */
static int option_member(widget_config *c, const char *key, json_t *v)
{
	if (strcmp(key, "domain") == 0)
		return option_string(v, &c->opt_domain);
	if (strcmp(key, "path") == 0)
		return option_string(v, &c->opt_path);
	if (strcmp(key, "sameSite") == 0) {
		const char *t = json_is_string(v) ? json_string_value(v) : "";
		if (strcasecmp(t, "strict") != 0 && strcasecmp(t, "lax") != 0 && strcasecmp(t, "none") != 0)
			return error_set(BSIM_EINVAL, "expected \"strict\", \"lax\" or \"none\"");
		free(c->opt_samesite);
		return (c->opt_samesite = strdup(t)) ? 0 : error_oom();
	}
	if (strcmp(key, "secure") == 0) {
		if (!json_is_boolean(v))
			return error_set(BSIM_EINVAL, "expected true or false");
		c->opt_secure = json_is_true(v);
		return 0;
	}
	if (strcmp(key, "expires") == 0) {
		/* js-cookie 2.x takes a number as days from now (B.6). */
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > WIDGET_EXPIRES_DAYS_MAX)
			return error_set(BSIM_EINVAL, "expected a whole number of days from 0 to %d", WIDGET_EXPIRES_DAYS_MAX);
		c->opt_expires_days = (int)json_integer_value(v);
		return 0;
	}
	return error_set(BSIM_EINVAL, "unknown member; main.cookieOptions has domain, path, sameSite, secure and expires");
}

int widget_cookie_options_from_json(widget_config *c, json_t *root)
{
	if (!json_is_object(root))
		return error_set(BSIM_EINVAL, "$: expected an object");
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		char path[64];
		snprintf(path, sizeof path, "$.%.40s", key);
		int rc = option_member(c, key, v);
		if (rc < 0)
			return error_wrap(rc, "%s", path);
	}
	return 0;
}

/* The JSON value a site's configuration would give for text: a boolean for secure, a number for expires when
 * the text is one; a string otherwise, which option_member then refuses where the member takes no string. */
static json_t *option_json_of_text(const char *member, const char *text)
{
	if (strcmp(member, "secure") == 0 && (strcmp(text, "true") == 0 || strcmp(text, "false") == 0))
		return json_boolean(strcmp(text, "true") == 0);
	if (strcmp(member, "expires") == 0 && *text && strspn(text, "0123456789") == strlen(text)) {
		errno = 0;
		long long n = strtoll(text, NULL, 10);
		return json_integer(errno == ERANGE ? LLONG_MAX : n);
	}
	return json_string_nocheck(text);
}

int widget_cookie_option_from_text(widget_config *c, const char *member, const char *text)
{
	json_t *v = option_json_of_text(member, text);
	if (!v)
		return error_oom();
	int rc = option_member(c, member, v);
	json_decref(v);
	return rc;
}
