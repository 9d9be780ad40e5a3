/*
 * expectations.c: the expectations files of the conformance suites and the
 * verdict of one suite on one engine against them (expectations.h). One
 * copy for test_http_state.c, test_wpt.c and test_dates.c, so that the
 * three suites read the files alike and print the "conformance:" line ./run
 * collects in one format.
 */
#include "expectations.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static void expectations_load(expectations *e, const char *suite, const char *engine)
{
	memset(e, 0, sizeof *e);
	snprintf(e->path, sizeof e->path, "tests/conformance/expectations/%s-%s.txt", suite, engine);
	char *text = NULL;
	if (support_read_file(support_source_path(e->path), &text, NULL) != 0)
		return;
	int line = 0;
	for (char *s = text, *next; s && *s; s = next) {
		line++;
		next = strchr(s, '\n');
		if (next)
			*next++ = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		char *tab = strchr(s, '\t');
		cr_assert(tab && tab > s && tab[1] != '\0',
			  "%s:%d: expected \"id<TAB>reason\", with the reason saying what the browser does", e->path,
			  line);
		*tab = '\0';
		for (size_t i = 0; i < e->count; i++)
			cr_assert(strcmp(e->items[i].id, s) != 0, "%s:%d: %s is listed twice (first on line %d)",
				  e->path, line, s, e->items[i].line);
		listed_case *grown = realloc(e->items, (e->count + 1) * sizeof *e->items);
		cr_assert_not_null(grown);
		e->items = grown;
		e->items[e->count++] = (listed_case){strdup(s), strdup(tab + 1), line, false};
	}
	free(text);
}

static listed_case *expectations_find(expectations *e, const char *id)
{
	for (size_t i = 0; i < e->count; i++)
		if (strcmp(e->items[i].id, id) == 0)
			return &e->items[i];
	return NULL;
}

static void expectations_free(expectations *e)
{
	for (size_t i = 0; i < e->count; i++) {
		free(e->items[i].id);
		free(e->items[i].reason);
	}
	free(e->items);
	e->items = NULL;
	e->count = 0;
}

void tally_begin(tally *t, const char *suite, const char *engine)
{
	*t = (tally){.suite = suite, .engine = engine, .problems = BUF_INIT};
	expectations_load(&t->listed, suite, engine);
}

bool tally_count(tally *t, const char *id, bool pass, listed_case **entry)
{
	listed_case *l = expectations_find(&t->listed, id);
	*entry = l;
	t->total++;
	if (pass)
		t->passed++;
	if (l) {
		l->seen = true;
		if (!pass)
			t->listed_failures++;
	}
	if (pass == (l == NULL))
		return false;
	t->unexpected++;
	return true;
}

void tally_judge(tally *t, const char *id, bool pass, const char *what, const char *expected, const char *got)
{
	listed_case *l;
	if (!tally_count(t, id, pass, &l))
		return;
	if (pass) {
		buf_printf(&t->problems, "  %s passes but is listed in %s:%d (%s): remove the entry\n", id,
			   t->listed.path, l->line, l->reason);
	} else {
		buf_printf(&t->problems, "  %s fails and is not listed: %s\n    expected ", id, what);
		put_quoted(&t->problems, expected, strlen(expected));
		buf_puts(&t->problems, "\n    got      ");
		put_quoted(&t->problems, got, strlen(got));
		buf_putc(&t->problems, '\n');
	}
}

void tally_check_entries(tally *t)
{
	const expectations *e = &t->listed;
	for (size_t i = 0; i < e->count; i++) {
		if (!e->items[i].seen) {
			t->unexpected++;
			buf_printf(&t->problems, "  %s is listed in %s:%d but is not a case of the suite\n",
				   e->items[i].id, e->path, e->items[i].line);
		}
	}
}

void tally_summary(const tally *t, char *summary, size_t size, bool mark_unexpected)
{
	snprintf(summary, size, "%s %s: %d/%d pass, %d listed%s", t->suite, t->engine, t->passed, t->total,
		 t->listed_failures, mark_unexpected ? ", UNEXPECTED RESULTS" : "");
	fprintf(stderr, "conformance: %s\n", summary);
	cr_log_info("%s", summary);
}

int tally_finish(tally *t, char *summary, size_t size)
{
	tally_check_entries(t);
	tally_summary(t, summary, size, t->unexpected != 0);
	if (t->unexpected)
		fprintf(stderr, "%s", buf_cstr(&t->problems));
	tally_free(t);
	return t->unexpected;
}

void tally_free(tally *t)
{
	buf_free(&t->problems);
	expectations_free(&t->listed);
}

void put_quoted(buf *b, const char *s, size_t len)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7F)
			buf_printf(b, "\\x%02x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}
