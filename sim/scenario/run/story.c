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
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "scenario/run/story.h"
#include "util/timefmt.h"
#include "util/grow.h"

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

/* Entry i's line without indentation or newline: "00:00:02  FILE:LINE:COL  tab N  WHAT  [CODE]". */
static void put_line(buf *out, const story_src *src, size_t i)
{
	const bsim_trace_entry *e = src->entry(src->trace, i);
	char when[32];
	run_elapsed(src->start, e->at, when, sizeof when);
	buf_printf(out, "%s  ", when);
	const step *s = step_of(src, i);
	if (s)
		buf_printf(out, "%s:%d:%d  ", s->at.file ? s->at.file : "(scenario)", s->at.line, s->at.col);
	if (e->tab >= 0)
		buf_printf(out, "tab %d  ", e->tab);
	buf_puts(out, e->message);
	if (code_has_reason(e->code))
		buf_printf(out, "  [%s]", e->code);
}

/*
 * The lines of the story, each told once: the widget writes some cookies
 * twice in one step (a start writes the session cookie again with the rest
 * of its state), and two refusals at the same instant by the same step read
 * the same, so a run of equal lines is one line with "(2 times)".
 */
static int story_lines(buf *lines, size_t **ends, size_t **repeats, size_t *n_out, const story_src *src,
		       const char *name)
{
	size_t n = 0, cap_e = 0, cap_r = 0;
	size_t *e = NULL, *r = NULL;
	size_t prev_start = 0;
	for (size_t i = 0; i < src->n; i++) {
		if (!is_cookie_entry(src->entry(src->trace, i), name))
			continue;
		size_t start = lines->len;
		put_line(lines, src, i);
		if (buf_status(lines) < 0)
			goto oom;
		if (n && lines->len - start == start - prev_start &&
		    memcmp(lines->ptr + start, lines->ptr + prev_start, start - prev_start) == 0) {
			lines->len = start;
			r[n - 1]++;
			continue;
		}
		if (ARRAY_GROW(&e, &cap_e, n + 1) < 0 || ARRAY_GROW(&r, &cap_r, n + 1) < 0)
			goto oom;
		e[n] = lines->len;
		r[n] = 1;
		n++;
		prev_start = start;
	}
	*ends = e;
	*repeats = r;
	*n_out = n;
	return 0;
oom:
	free(e);
	free(r);
	return BSIM_ENOMEM;
}

int story_cookie_text(buf *out, const story_src *src, const char *name, const char *indent, size_t max_lines)
{
	buf lines = BUF_INIT;
	size_t *ends = NULL, *repeats = NULL, total = 0;
	if (story_lines(&lines, &ends, &repeats, &total, src, name) < 0) {
		buf_free(&lines);
		return BSIM_ENOMEM;
	}
	size_t skip = max_lines && total > max_lines ? total - max_lines : 0;
	if (skip)
		buf_printf(out, "%s(%zu earlier %s; bsim explain tells them all)\n", indent, skip,
			   skip == 1 ? "entry" : "entries");
	for (size_t k = skip; k < total; k++) {
		size_t start = k ? ends[k - 1] : 0;
		buf_puts(out, indent);
		buf_put(out, lines.ptr + start, ends[k] - start);
		if (repeats[k] > 1)
			buf_printf(out, "  (%zu times)", repeats[k]);
		buf_putc(out, '\n');
	}
	buf_free(&lines);
	free(ends);
	free(repeats);
	return buf_status(out) < 0 ? BSIM_ENOMEM : (int)(total > (size_t)INT32_MAX ? INT32_MAX : total);
}

/* ---- bsim_scenario_story ------------------------------------------------ */

/* How many steps to run for `at` ("N" or "FILE:LINE"), or BSIM_EINVAL naming what the scenario has. */
static int steps_until(size_t *out, const bsim_scenario *sc, const char *at)
{
	*out = SIZE_MAX;
	if (!at)
		return 0;
	char *end;
	unsigned long long n = strtoull(at, &end, 10);
	if (*at >= '0' && *at <= '9' && !*end) {
		if (n < 1 || n > sc->n_steps)
			return error_set(BSIM_EINVAL, "--at %s: the scenario \"%s\" has steps 1 to %zu", at, sc->name,
					 sc->n_steps);
		*out = (size_t)n;
		return 0;
	}
	const char *colon = strrchr(at, ':');
	long line = colon ? strtol(colon + 1, &end, 10) : 0;
	if (!colon || colon == at || !colon[1] || *end || line < 1)
		return error_set(BSIM_EINVAL, "--at %s: expected a step number (3) or FILE:LINE (chat.xml:12)", at);
	size_t flen = (size_t)(colon - at);
	for (size_t k = 0; k < sc->n_steps; k++) {
		const src_loc *l = &sc->steps[k].at;
		/* A step from a fragment is also found at the line of its <use>. */
		const char *files[2] = {l->file, l->used_at_file};
		int lines[2] = {l->line, l->used_at_line};
		for (int i = 0; i < 2; i++) {
			const char *f = files[i];
			if (!f || lines[i] != line)
				continue;
			size_t len = strlen(f);
			/* "chat.xml:12" finds scenarios/bugs/chat.xml too. */
			if ((len == flen || (len > flen && f[len - flen - 1] == '/')) &&
			    strncmp(f + len - flen, at, flen) == 0) {
				*out = k + 1;
				return 0;
			}
		}
	}
	return error_set(BSIM_EINVAL, "--at %s: no step of \"%s\" starts on that line", at, sc->name);
}

/* The cookie names the story tells, in the order they first appear. */
static int told_names(const char ***out, size_t *n_out, const story_src *src, const char *pattern)
{
	const char **names = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < src->n; i++) {
		const bsim_trace_entry *e = src->entry(src->trace, i);
		if (e->kind != BSIM_TRACE_COOKIE || !e->subject || !story_name_matches(pattern, e->subject))
			continue;
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = strcmp(names[k], e->subject) == 0;
		if (seen)
			continue;
		if (ARRAY_GROW(&names, &cap, n + 1) < 0) {
			free(names);
			return BSIM_ENOMEM;
		}
		names[n++] = e->subject;
	}
	*out = names;
	*n_out = n;
	return 0;
}

static const char *outcome_word(const bsim_result *r)
{
	switch (bsim_result_outcome(r)) {
	case BSIM_PASSED: return bsim_result_expected_failure(r) ? "failed as expected" : "passed";
	case BSIM_FAILED: return "failed";
	case BSIM_ERRORED: return "errored";
	case BSIM_SKIPPED: return "skipped";
	}
	return "?";
}

/* Where the story ends: the --at step, the failing step, or the end. */
static const step *last_step(const story_src *src)
{
	return src->n_marks ? src->steps[src->n_marks - 1] : NULL;
}

static void put_loc(buf *b, const step *s)
{
	buf_printf(b, "%s:%d:%d", s->at.file ? s->at.file : "(scenario)", s->at.line, s->at.col);
}

static const bsim_trace_entry *browser_entry(const void *trace, size_t index)
{
	return bsim_browser_trace_at(trace, index);
}

story_src story_src_of_run(run_ctx *rc)
{
	story_src src = {browser_entry, rc->browser, bsim_browser_trace_count(rc->browser), rc->marks,
			 rc->mark_steps, rc->n_marks, rc->start};
	return src;
}

bool story_lost_request(const story_src *src, size_t i, bsim_time *sent)
{
	const bsim_trace_entry *e = src->entry(src->trace, i);
	if (e->kind != BSIM_TRACE_REQUEST || !e->subject)
		return false;
	bool dropped = strcmp(e->code, "request-dropped") == 0;
	/* A poll dropped with its page is routine. */
	if (!(dropped && strcmp(e->subject, "poll") != 0) && strcmp(e->code, "request-failed") != 0)
		return false;
	*sent = e->at;
	for (size_t j = i; j-- > 0;) {
		const bsim_trace_entry *o = src->entry(src->trace, j);
		if (o->kind == BSIM_TRACE_REQUEST && o->tab == e->tab && o->subject && strcmp(o->code, "request-sent") == 0 &&
		    strcmp(o->subject, e->subject) == 0) {
			*sent = o->at;
			break;
		}
	}
	return true;
}

/*
 * The page scripts' requests whose answer never reached their page, each
 * with its send instant (story_lost_request). A race is told here: "the
 * customer navigated at 00:00:01.150 while the restore sent at
 * 00:00:01.020 was in flight".
 */
static void put_interrupted(buf *out, const story_src *src)
{
	bool any = false;
	for (size_t i = 0; i < src->n; i++) {
		const bsim_trace_entry *e = src->entry(src->trace, i);
		bsim_time sent;
		if (!story_lost_request(src, i, &sent))
			continue;
		char when[32];
		run_elapsed(src->start, sent, when, sizeof when);
		if (!any)
			buf_puts(out, "  requests that never got their answer to the page\n");
		any = true;
		buf_puts(out, "    ");
		put_line(out, src, i);
		buf_printf(out, " (sent at %s)  [%s]\n", when, e->code);
	}
}

static int story_text(buf *out, const bsim_scenario *sc, const bsim_result *r, const story_src *src,
		      const char *pattern, bool stopped_at)
{
	buf_printf(out, "%s:%d: %s [%s]: %s", sc->at.file ? sc->at.file : "(scenario)", sc->at.line, sc->name,
		   bsim_engine_name(sc->engine), outcome_word(r));
	const step *end = last_step(src);
	if (stopped_at && end) {
		buf_puts(out, " up to ");
		put_loc(out, end);
	}
	buf_putc(out, '\n');
	/* Times are told from the start; when it is not bsim's usual one (now=, --now), say which instant that is. */
	if (src->start != BSIM_DEFAULT_START_TIME) {
		char start[32];
		time_format_iso8601(src->start, start, sizeof start);
		buf_printf(out, "  clock: 00:00:00 is %s\n", start);
	}
	const char *msg = bsim_result_message(r);
	if (msg && bsim_result_outcome(r) != BSIM_PASSED)
		buf_printf(out, "  %.*s\n", (int)strcspn(msg, "\n"), msg);
	const char **names;
	size_t n;
	int rc = told_names(&names, &n, src, pattern);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		buf_printf(out, "  %s\n", names[i]);
		if ((rc = story_cookie_text(out, src, names[i], "    ", 0)) < 0)
			break;
	}
	if (!n)
		buf_printf(out, "  no cookie matching %s appears in the trace\n", pattern);
	free(names);
	if (rc >= 0)
		put_interrupted(out, src);
	return rc < 0 ? rc : buf_status(out);
}

static json_t *loc_json(const step *s)
{
	if (!s)
		return json_null();
	char text[4200];
	snprintf(text, sizeof text, "%s:%d:%d", s->at.file ? s->at.file : "(scenario)", s->at.line, s->at.col);
	return json_string(text);
}

/* Strings from a scenario file may hold any bytes: jansson takes only UTF-8, so others become U+FFFD. */
static json_t *text_json(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	buf b = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80)
			buf_putc(&b, (char)*p);
		else
			buf_puts(&b, "\xEF\xBF\xBD");
	}
	j = json_string(buf_cstr(&b));
	buf_free(&b);
	return j;
}

static int story_json(buf *out, const bsim_scenario *sc, const bsim_result *r, const story_src *src,
		      const char *pattern, bool stopped_at)
{
	const char **names;
	size_t n;
	int rc = told_names(&names, &n, src, pattern);
	if (rc < 0)
		return rc;
	json_t *root = json_object(), *cookies = json_array();
	json_object_set_new(root, "scenario", text_json(sc->name));
	json_object_set_new(root, "file", text_json(sc->at.file ? sc->at.file : ""));
	json_object_set_new(root, "line", json_integer(sc->at.line));
	json_object_set_new(root, "engine", json_string(bsim_engine_name(sc->engine)));
	json_object_set_new(root, "seed", json_integer((json_int_t)bsim_result_seed(r)));
	char start[32];
	time_format_iso8601(src->start, start, sizeof start);
	json_object_set_new(root, "start", json_string(start));
	json_object_set_new(root, "outcome", json_string(outcome_word(r)));
	json_object_set_new(root, "ends_at", stopped_at ? loc_json(last_step(src)) : json_null());
	const char *msg = bsim_result_message(r);
	json_object_set_new(root, "message",
			    msg && bsim_result_outcome(r) != BSIM_PASSED ? text_json(msg) : json_null());
	json_object_set_new(root, "pattern", text_json(pattern));
	for (size_t k = 0; k < n; k++) {
		json_t *c = json_object(), *events = json_array();
		json_object_set_new(c, "name", text_json(names[k]));
		for (size_t i = 0; i < src->n; i++) {
			const bsim_trace_entry *e = src->entry(src->trace, i);
			if (!is_cookie_entry(e, names[k]))
				continue;
			char when[32];
			run_elapsed(src->start, e->at, when, sizeof when);
			json_t *ev = json_object();
			json_object_set_new(ev, "time", json_string(when));
			json_object_set_new(ev, "at_ms", json_integer(time_since(e->at, src->start)));
			json_object_set_new(ev, "step", loc_json(step_of(src, i)));
			json_object_set_new(ev, "tab", e->tab >= 0 ? json_integer(e->tab) : json_null());
			json_object_set_new(ev, "code", json_string(e->code));
			json_object_set_new(ev, "message", text_json(e->message));
			json_array_append_new(events, ev);
		}
		json_object_set_new(c, "events", events);
		json_array_append_new(cookies, c);
	}
	json_object_set_new(root, "cookies", cookies);
	free(names);
	char *text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!text)
		return error_oom();
	buf_puts(out, text);
	buf_putc(out, '\n');
	free(text);
	return buf_status(out);
}

int bsim_scenario_story(char **out, const bsim_scenario *sc, const bsim_story_options *opts)
{
	bsim_story_options defaults = BSIM_STORY_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (opts->version != BSIM_STORY_OPTIONS_VERSION)
		return error_set(BSIM_EINVAL, "story options version %u; this build knows %d", opts->version,
				 BSIM_STORY_OPTIONS_VERSION);
	const char *pattern = opts->cookie_pattern ? opts->cookie_pattern : STORY_WIDGET_PATTERN;
	size_t stop;
	int rc = steps_until(&stop, sc, opts->at);
	if (rc < 0)
		return rc;
	bsim_result *r = NULL;
	if ((rc = runner_run(&r, sc, opts->run, stop)) < 0)
		return rc;
	story_src src = story_src_of_result(r);
	buf b = BUF_INIT;
	rc = opts->json ? story_json(&b, sc, r, &src, pattern, stop != SIZE_MAX)
			: story_text(&b, sc, r, &src, pattern, stop != SIZE_MAX);
	bsim_result_free(r);
	if (rc < 0) {
		buf_free(&b);
		return rc == BSIM_ENOMEM ? error_oom() : rc;
	}
	*out = buf_detach(&b);
	return *out ? 0 : error_oom();
}
