/*
 * attr.c: reading a step's attributes, for the step and expect kinds.
 * Attribute values arrive with fragment parameters already substituted;
 * these helpers read them as text, booleans and durations, and raise
 * errors located at the step: the location goes in the error's fields
 * only, and the loader and the runner render it (error_render) where they
 * report. Where the step came from a fragment, the loader and the runner
 * add the "from the fragment used at" line themselves, so it is not part
 * of these messages. step_prepare checks a step's attributes against the
 * schema's list for its element (schema_attrs.h) before its kind sees it.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_internal.h"
#include "scenario/schema_attrs.h"

const char *step_attr(const step *s, const char *name)
{
	for (size_t i = 0; i < s->n_attrs; i++)
		if (strcmp(s->attr_names[i], name) == 0)
			return s->attr_values[i];
	return NULL;
}

int step_attr_bool(const step *s, const char *name, int dflt, int *out)
{
	const char *v = step_attr(s, name);
	if (!v) {
		*out = dflt;
		return 0;
	}
	if (strcmp(v, "true") == 0) {
		*out = 1;
		return 0;
	}
	if (strcmp(v, "false") == 0) {
		*out = 0;
		return 0;
	}
	return step_error(s, BSIM_EINVAL, "<%s> %s=\"%s\": expected true or false", s->element, name, v);
}

int step_attr_count(const step *s, const char *name, int *out)
{
	const char *v = step_attr(s, name);
	if (!v)
		return BSIM_ENOTFOUND;
	char *end;
	long n = strtol(v, &end, 10);
	if (*v < '0' || *v > '9' || *end || n > STEP_COUNT_MAX)
		return step_error(s, BSIM_EINVAL, "%s=\"%s\" is not a count: give a whole number from 0 to %d", name, v,
				  STEP_COUNT_MAX);
	*out = (int)n;
	return 0;
}

/* A unit and its length in milliseconds; a bare number is seconds, as `sleep` reads it. */
static const struct {
	const char *suffix;
	int64_t ms;
} duration_units[] = {
	{"ms", 1}, {"s", 1000}, {"m", 60 * 1000}, {"h", 60 * 60 * 1000}, {"d", 24 * 60 * 60 * 1000}, {"", 1000},
};

int scenario_duration_parse(const char *text, int64_t *out_ms, const char **unit)
{
	const char *p = text;
	uint64_t n = 0;
	bool overflow = false;
	while (*p >= '0' && *p <= '9') {
		if (n > (UINT64_MAX - 9) / 10)
			overflow = true;
		else
			n = n * 10 + (uint64_t)(*p - '0');
		p++;
	}
	for (size_t i = 0; p != text && i < sizeof duration_units / sizeof *duration_units; i++) {
		if (strcmp(p, duration_units[i].suffix) != 0)
			continue;
		/* The virtual clock counts milliseconds in an int64_t. */
		if (overflow || n > (uint64_t)INT64_MAX / (uint64_t)duration_units[i].ms) {
			if (unit)
				*unit = *duration_units[i].suffix ? duration_units[i].suffix : "s";
			*out_ms = INT64_MAX / duration_units[i].ms;
			return BSIM_ELIMIT;
		}
		*out_ms = (int64_t)n * duration_units[i].ms;
		return 0;
	}
	return BSIM_EINVAL;
}

int step_attr_duration(const step *s, const char *name, int64_t *out_ms)
{
	const char *v = step_attr(s, name);
	if (!v)
		return step_error(s, BSIM_EINVAL, "<%s> needs %s=\"...\", a duration such as 500ms, 2s, 10m, 1h or 1d",
				  s->element, name);
	const char *unit = NULL;
	int64_t value;
	int rc = scenario_duration_parse(v, &value, &unit);
	if (rc == BSIM_ELIMIT)
		return step_error(s, BSIM_EINVAL, "<%s> %s=\"%s\": too long; the longest is %" PRId64 "%s", s->element,
				  name, v, value, unit);
	if (rc < 0)
		return step_error(s, BSIM_EINVAL, "<%s> %s=\"%s\": expected a duration such as 500ms, 2s, 10m, 1h or 1d",
				  s->element, name, v);
	*out_ms = value;
	return 0;
}

int step_attr_timeout(const step *s, const char *name, int64_t *out_ms)
{
	int rc = step_attr_duration(s, name, out_ms);
	if (rc == 0 && *out_ms > EXPECT_WITHIN_MAX_MS)
		return step_error(s, BSIM_EINVAL, "<%s> %s=\"%s\": a timeout is at most 1d (EXPECT_WITHIN_MAX_MS); to let more time pass, use <wait for=\"DURATION\"/>",
				  s->element, name, step_attr(s, name));
	return rc;
}

/*
 * A step's error, at its location: raised new, or wrapping the last error
 * as its context. The text is cut where the error channel would cut it
 * (error_state's message).
 */
static int step_raise(const step *s, int code, bool wrap, const char *fmt, va_list ap)
{
	char text[sizeof ((error_state *)0)->message];
	vsnprintf(text, sizeof text, fmt, ap);
	if (wrap)
		return error_wrap_at(code, s->at.file, s->at.line, s->at.col, "%s", text);
	return error_set_at(code, s->at.file, s->at.line, s->at.col, "%s", text);
}

int step_error(const step *s, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	code = step_raise(s, code, false, fmt, ap);
	va_end(ap);
	return code;
}

int step_wrap(const step *s, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	code = step_raise(s, code, true, fmt, ap);
	va_end(ap);
	return code;
}

const schema_attr_row *schema_attrs_find(const char *element, const char *variant)
{
	for (size_t i = 0; i < schema_attr_row_count; i++) {
		const schema_attr_row *r = &schema_attr_rows[i];
		if (strcmp(r->element, element) == 0 && !r->variant == !variant &&
		    (!variant || strcmp(r->variant, variant) == 0))
			return r;
	}
	return NULL;
}

int step_check_attrs(const step *s, const char *variant)
{
	const schema_attr_row *row = schema_attrs_find(s->element, variant);
	if (!row || row->open)
		return 0; /* an element the schema does not list is its kind's to check */
	for (size_t i = 0; i < s->n_attrs; i++) {
		bool ok = false;
		for (const char *const *a = row->attrs; *a && !ok; a++)
			ok = strcmp(s->attr_names[i], *a) == 0;
		if (ok)
			continue;
		/* What else it takes: a variant's own attribute is already there. */
		const char *const *others = variant ? row->attrs + 1 : row->attrs;
		buf list = BUF_INIT;
		for (const char *const *a = others; *a; a++)
			buf_printf(&list, "%s%s", a == others ? "" : ", ", *a);
		const char *takes = *others ? buf_cstr(&list) : variant ? "no other" : "none";
		int rc = variant ? step_error(s, BSIM_EINVAL, "<%s %s=...> does not take the attribute %s; it takes %s",
					      s->element, variant, s->attr_names[i], takes)
				 : step_error(s, BSIM_EINVAL, "<%s> does not take the attribute %s; it takes %s", s->element,
					      s->attr_names[i], takes);
		buf_free(&list);
		return rc;
	}
	return 0;
}

/* after=, at= (one of them) and within=, digested into the step for the runner. */
static int prepare_timing(step *s)
{
	const char *after = step_attr(s, "after"), *at = step_attr(s, "at");
	if (after && at)
		return step_error(s, BSIM_EINVAL,
				  "<%s> takes after=\"...\" (since the previous step) or at=\"...\" (since the scenario's start), not both",
				  s->element);
	int rc = 0;
	if (after || at) {
		s->place = after ? STEP_PLACE_AFTER : STEP_PLACE_AT;
		rc = step_attr_duration(s, after ? "after" : "at", &s->place_ms);
	}
	if (rc == 0 && step_attr(s, "within")) {
		s->within_given = true;
		rc = step_attr_timeout(s, "within", &s->within_ms);
	}
	return rc;
}

int step_prepare(step *s)
{
	int rc = step_check_attrs(s, NULL);
	if (rc == 0)
		rc = prepare_timing(s);
	if (rc == 0 && s->kind->prepare)
		rc = s->kind->prepare(s);
	return rc;
}
