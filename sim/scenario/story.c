/*
 * story.c: a cookie's story from a run's trace (see story.h), for a
 * support engineer to paste into a ticket: every entry about the cookie,
 * in order, with the virtual time, the step that caused it (its
 * FILE:LINE:COL in the scenario), the tab, the jar's sentence, and the
 * trace code when it carries a reason
 * (refused, evicted, not sent). Nothing here reads the wall clock, so a
 * story is the same on every run.
 */
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "scenario/story.h"

bool story_name_matches(const char *pattern, const char *name)
{
	if (fnmatch(pattern, name, 0) == 0)
		return true;
	/* widget-behaviour.md item 7: with main.deploymentID every cookie name is "<deploymentID>.<name>". */
	for (const char *dot = strchr(name, '.'); dot; dot = strchr(dot + 1, '.'))
		if (fnmatch(pattern, dot + 1, 0) == 0)
			return true;
	return false;
}

static bool is_cookie_entry(const bsim_trace_entry *e, const char *name)
{
	return e->kind == BSIM_TRACE_COOKIE && e->subject && strcmp(e->subject, name) == 0;
}

/* The step that wrote entry i: the last one that began at or before it (NULL: before the first step). */
static const step *step_of(const story_src *src, size_t i)
{
	const step *s = NULL;
	for (size_t k = 0; k < src->n_marks && src->marks[k] <= i; k++)
		s = src->steps[k];
	return s;
}

/* A reason worth showing as a code: refusals, evictions and requests that left the cookie out. */
static bool code_has_reason(const char *code)
{
	return strchr(code, ':') != NULL;
}

static void put_line(buf *out, const story_src *src, size_t i, const char *name, const char *indent)
{
	const bsim_trace_entry *e = src->entry(src->trace, i);
	char when[32];
	run_elapsed(NULL, e->at, when, sizeof when);
	buf_printf(out, "%s%s  ", indent, when);
	const step *s = step_of(src, i);
	if (s)
		buf_printf(out, "%s:%d:%d  ", s->at.file ? s->at.file : "(scenario)", s->at.line, s->at.col);
	if (e->tab >= 0)
		buf_printf(out, "tab %d  ", e->tab);
	(void)name;
	buf_puts(out, e->message);
	if (code_has_reason(e->code))
		buf_printf(out, "  [%s]", e->code);
	buf_putc(out, '\n');
}

int story_cookie_text(buf *out, const story_src *src, const char *name, const char *indent, size_t max_lines)
{
	size_t total = 0;
	for (size_t i = 0; i < src->n; i++)
		if (is_cookie_entry(src->entry(src->trace, i), name))
			total++;
	size_t skip = max_lines && total > max_lines ? total - max_lines : 0;
	if (skip)
		buf_printf(out, "%s(%zu earlier %s; bsim explain tells them all)\n", indent, skip,
			   skip == 1 ? "entry" : "entries");
	size_t seen = 0;
	for (size_t i = 0; i < src->n; i++) {
		if (!is_cookie_entry(src->entry(src->trace, i), name))
			continue;
		if (seen++ < skip)
			continue;
		put_line(out, src, i, name, indent);
	}
	return buf_status(out) < 0 ? BSIM_ENOMEM : (int)(total > (size_t)INT32_MAX ? INT32_MAX : total);
}
