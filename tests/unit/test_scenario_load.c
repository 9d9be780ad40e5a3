/*
 * test_scenario_load.c: the scenario loader (sim/scenario/ load.c,
 * xmlread.c, schema.c, explain.c, expand.c, registry.c, attr.c) against
 * docs/scenario-language.md: every element and attribute loads, and every
 * load error comes with its exact message and FILE:LINE:COL. Fixture files
 * live in tests/scenario/load/; small cases are written to a scratch
 * directory as t.xml, which each test enters, so messages name short
 * relative paths. Criterion runs each test in its own process, so a
 * chdir or a registered kind does not leak into the next test.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <dirent.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "bsim/scenario.h"
#include "scenario/read/load_internal.h"
#include "scenario/scenario_internal.h"
#include "scenario/schema_attrs.h"
#include "support.h"

/* ---- helpers ---- */

static char scratch[64];

static void enter_scratch(void)
{
	snprintf(scratch, sizeof scratch, "/tmp/bsim-load-XXXXXX");
	cr_assert_not_null(mkdtemp(scratch));
	cr_assert_eq(chdir(scratch), 0);
}

static void leave_scratch(void)
{
	/* the scratch directory holds files only */
	if (!scratch[0] || chdir(scratch) != 0)
		return;
	DIR *d = opendir(".");
	struct dirent *ent;
	while (d && (ent = readdir(d)))
		if (ent->d_name[0] != '.')
			unlink(ent->d_name);
	if (d)
		closedir(d);
	if (chdir("/") == 0)
		rmdir(scratch);
}

static void enter_fixtures(void)
{
	const char *dir = support_source_path("tests/scenario/load");
	cr_assert_not_null(dir);
	cr_assert_eq(chdir(dir), 0, "cannot enter %s", dir);
}

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "wb");
	cr_assert_not_null(f, "cannot write %s", name);
	fputs(text, f);
	fclose(f);
}

static bsim_suite *load1(const char *path)
{
	bsim_suite *s = NULL;
	const char *paths[] = {path};
	bsim_suite_load(&s, paths, 1);
	cr_assert_not_null(s);
	return s;
}

/*
 * Load paths with the fixtures folder (the current directory) allowed for
 * reading: walk/c/uses.xml and sub/more.xml include ../ files on purpose.
 */
static bsim_suite *load_allowing_fixtures(const char *const *paths, size_t n, int *rc)
{
	static const char *const here[] = {"."};
	bsim_load_options o = BSIM_LOAD_OPTIONS_INIT;
	o.allow_read = here;
	o.n_allow_read = 1;
	bsim_suite *s = NULL;
	*rc = bsim_suite_load_with(&s, paths, n, &o);
	cr_assert_not_null(s);
	return s;
}

/* Load text as t.xml. */
static bsim_suite *load_text(const char *xml)
{
	write_file("t.xml", xml);
	return load1("t.xml");
}

static void dump_errors(const bsim_suite *s)
{
	for (size_t i = 0; i < bsim_suite_error_count(s); i++)
		cr_log_info("error %zu: %s", i, bsim_suite_error_at(s, i)->message);
}

/* e as a person reads it: "FILE:LINE:COL: message", rendered from its fields (error_render). Valid until the next call. */
static const char *rendered(const bsim_error *e)
{
	static char text[8192];
	buf b = BUF_INIT;
	error_render(&b, e, NULL);
	snprintf(text, sizeof text, "%s", buf_status(&b) == 0 ? buf_cstr(&b) : "(out of memory)");
	buf_free(&b);
	return text;
}

/*
 * Error i reads exactly message, at line:col of file: the location lives in
 * the error's fields, and its message is only what follows it.
 */
static void expect_error(const bsim_suite *s, size_t i, const char *file, int line, int col, const char *message,
			 const char *what)
{
	const bsim_error *e = bsim_suite_error_at(s, i);
	cr_expect_not_null(e, "%s: no error %zu", what, i);
	if (!e)
		return;
	const char *got = rendered(e);
	cr_expect_str_eq(got, message, "%s:\n  got  %s\n  want %s", what, got, message);
	size_t head = strlen(got) - strlen(e->message);
	cr_expect(strcmp(got + head, e->message) == 0 && strstr(message, e->message) == message + head,
		  "%s: the message repeats its location: %s", what, e->message);
	cr_expect_eq(e->line, line, "%s: line %d, want %d", what, e->line, line);
	cr_expect_eq(e->column, col, "%s: column %d, want %d", what, e->column, col);
	if (file)
		cr_expect(e->file && strcmp(e->file, file) == 0, "%s: file %s, want %s", what, e->file ? e->file : "(null)",
			  file);
}

static const step *step_at(const bsim_scenario *sc, size_t i)
{
	cr_assert_lt(i, sc->n_steps, "scenario %s has %zu steps", sc->name, sc->n_steps);
	return &sc->steps[i];
}

/* ---- cases: one t.xml each, the first error exactly, and how many there are ---- */

typedef struct error_case {
	const char *xml;
	const char *message;   /* the first error, whole */
	int line, col;
	size_t n_errors;       /* 0 means 1 */
	size_t n_loaded;       /* scenarios that load all the same (those the error is not in) */
} error_case;

static void run_cases(const error_case *cases, size_t n, const char *table)
{
	for (size_t i = 0; i < n; i++) {
		const error_case *c = &cases[i];
		bsim_suite *s = load_text(c->xml);
		char what[96];
		snprintf(what, sizeof what, "%s case %zu", table, i);
		size_t want = c->n_errors ? c->n_errors : 1;
		cr_expect_eq(bsim_suite_error_count(s), want, "%s: %zu errors, want %zu (%s)", what,
			     bsim_suite_error_count(s), want, c->xml);
		if (bsim_suite_error_count(s) != want)
			dump_errors(s);
		expect_error(s, 0, "t.xml", c->line, c->col, c->message, what);
		cr_expect_eq(bsim_suite_count(s), c->n_loaded, "%s: %zu scenarios loaded", what, bsim_suite_count(s));
		bsim_suite_free(s);
	}
}

#define S "<scenario name=\"a\">" /* 19 characters: its first child is at column 20 */
#define E "</scenario>"

/* What the schema rejects, said in words, at the element. */
/* The events <wait for> knows, as its error lists them (wait_event.c). */
#define WAIT_EVENTS "load, restore, request, storage, start, poll, send, disconnect, customNotice, " \
	"WebChatService.restored, WebChatService.restoreFailed, WebChatService.restoreTimeout, WebChatService.ended, " \
	"WebChatService.error, WebChatService.sleeping, WebChatService.waking"

static const error_case schema_cases[] = {
	{S "\n  <tab url=\"https://x.com/\"/>\n" E, "t.xml:2:3: <tab> needs name=\"...\"", 2, 3, 0, 0},
	{"<scenario><wait for=\"1s\"/></scenario>", "t.xml:1:1: <scenario> needs name=\"...\"", 1, 1, 0, 0},
	{S "<tab name=\"a\" colour=\"red\"/>" E, "t.xml:1:20: <tab> does not take the attribute colour; it takes name, url, load-time, fetch, method, ca-file, insecure, network, after, at",
	 1, 20, 0, 0},
	/* a mistyped attribute: the one meant, as for elements (util/suggest.h) */
	{S "<cookie tab=\"a\" wrtie=\"x=1\"/>" E,
	 "t.xml:1:20: <cookie> does not take the attribute wrtie; did you mean write?", 1, 20, 0, 0},
	{S "<expect cookie=\"x\" vaule=\"1\"/>" E,
	 "t.xml:1:20: <expect> does not take the attribute vaule; did you mean value?", 1, 20, 0, 0},
	{S "<expect cookei=\"x\"/>" E, "t.xml:1:20: <expect> does not take the attribute cookei; did you mean cookie?",
	 1, 20, 0, 0},
	{S "<close-browser tab=\"a\"/>" E,
	 "t.xml:1:20: <close-browser> does not take the attribute tab; it takes after, at", 1, 20, 0, 0},
	{S "<wat for=\"2s\"/>" E, "t.xml:1:20: unknown element <wat> in <scenario>; did you mean <wait>?", 1, 20, 0, 0},
	{S "<gadget site=\"x.com\"/>" E,
	 "t.xml:1:20: unknown element <gadget> in <scenario>; expected <include> or a step", 1, 20, 0, 0},
	{S "<x:tab xmlns:x=\"urn:x\" name=\"a\"/>" E,
	 "t.xml:1:20: unknown element <x:tab> in <scenario>; did you mean <tab>?", 1, 20, 0, 0},
	{S "<set-cookie>a=b</set-cookie>" E,
	 "t.xml:1:20: <set-cookie> is not allowed in <scenario>; expected <include> or a step", 1, 20, 0, 0},
	{S "<fragment name=\"f\"/>" E,
	 "t.xml:1:20: <fragment> is not allowed in <scenario>; expected <include> or a step", 1, 20, 0, 0},
	{"<suite name=\"s\"><tab name=\"a\"/><scenario name=\"x\"/></suite>",
	 "t.xml:1:17: <tab> is not allowed in <suite>; expected <fragment>, <include> or <scenario>", 1, 17, 0, 0},
	{S "<wait for=\"1s\"><tab name=\"a\"/></wait>" E,
	 "t.xml:1:35: <tab> is not allowed in <wait>; <wait> takes no child elements", 1, 35, 0, 0},
	{S "<close-browser>now</close-browser>" E, "t.xml:1:20: <close-browser> takes no text (found \"now\")", 1, 20, 0, 0},
	{S "stray words<close-browser/>" E, "t.xml:1:1: <scenario> takes no text (found \"stray words\")", 1, 1, 0, 0},
	{S "<include file=\"x.xml\">x</include>" E, "t.xml:1:20: <include> takes no text (found \"x\")", 1, 20, 0, 0},
	{"<suite name=\"s\">\n  <fragment name=\"f\"/>\n</suite>", "t.xml:1:1: <suite> needs a <scenario>", 1, 1, 0, 0},
	{"<scenarios/>", "t.xml:1:1: unknown root element <scenarios>; did you mean <scenario>?", 1, 1, 0, 0},
	{"<html/>", "t.xml:1:1: unknown root element <html>; expected <scenario>, <suite> or <fragments>", 1, 1, 0, 0},
	{"<tab name=\"a\"/>", "t.xml:1:1: <tab> cannot be the root element; expected <scenario>, <suite> or <fragments>",
	 1, 1, 0, 0},
	{S "<wait for=\"2 weeks\"/>" E,
	 "t.xml:1:20: <wait> for=\"2 weeks\": expected a duration such as 500ms, 2s, 10m, 1h or 1d, or an event: " WAIT_EVENTS, 1, 20, 0, 0},
	{S "<wait for=\"1.5s\"/>" E,
	 "t.xml:1:20: <wait> for=\"1.5s\": expected a duration such as 500ms, 2s, 10m, 1h or 1d, or an event: " WAIT_EVENTS, 1, 20, 0, 0},
	{S "<wait for=\"pol\"/>" E,
	 "t.xml:1:20: <wait> for=\"pol\": expected a duration such as 500ms, 2s, 10m, 1h or 1d, or an event: " WAIT_EVENTS "; did you mean poll?", 1, 20, 0, 0},
	{S "<wait for=\"2s\" timeout=\"1s\"/>" E,
	 "t.xml:1:20: <wait for=\"2s\"> waits that long; tab= and timeout= go with for=\"EVENT\" (e.g. for=\"poll\")", 1, 20, 0, 0},
	{S "<storage area=\"global\" set=\"k\" value=\"v\"/>" E,
	 "t.xml:1:20: <storage> area=\"global\": did you mean local? (expected local or session)", 1, 20, 0, 0},
	{S "<window-open name=\"p\" from=\"a\" url=\"https://x.com/\" noopener=\"yes\"/>" E,
	 "t.xml:1:20: <window-open> noopener=\"yes\": expected true or false", 1, 20, 0, 0},
	{"<scenario name=\"a\" seed=\"x\"/>", "t.xml:1:1: <scenario> seed=\"x\": expected a whole number", 1, 1, 0, 0},
	{"<scenario name=\"a\" session-restore=\"on\"/>",
	 "t.xml:1:1: <scenario> session-restore=\"on\": expected true or false", 1, 1, 0, 0},
	{"<scenario name=\"a\" resolve=\"dns\"/>", "t.xml:1:1: <scenario> resolve=\"dns\": expected hosts or open", 1, 1,
	 0, 0},
	{S "<storage area=\"local\" set=\"k\"/>" E, "t.xml:1:20: <storage set=\"k\"> needs value=\"...\"", 1, 20, 0, 0},
	{S "<storage area=\"local\"/>" E, "t.xml:1:20: <storage> needs one of the attributes set, remove or clear", 1,
	 20, 0, 0},
	{S "<storage set=\"k\" value=\"v\"/>" E, "t.xml:1:20: <storage> needs area=\"...\"", 1, 20, 0, 0},
	{S "<storage area=\"local\" set=\"k\" value=\"v\" remove=\"k\"/>" E,
	 "t.xml:1:20: <storage>: the attribute remove does not go with set", 1, 20, 0, 0},
	{S "<storage area=\"local\" clear=\"false\"/>" E, "t.xml:1:20: <storage> clear=\"false\": expected true", 1, 20,
	 0, 0},
	{S "<expect/>" E,
	 "t.xml:1:20: <expect> needs one of the attributes cookie, document-cookie, document-cookie-contains, "
	 "document-cookie-lacks, cookie-header, local, session, refused, evicted, event, tabs, focused, chat, minimized, "
	 "unread, transcript, invite, console, restore, owner or sent",
	 1, 20, 0, 0},
	{S "<expect value=\"1\"/>" E,
	 "t.xml:1:20: <expect> needs one of the attributes cookie, document-cookie, document-cookie-contains, "
	 "document-cookie-lacks, cookie-header, local, session, refused, evicted, event, tabs, focused, chat, minimized, "
	 "unread, transcript, invite, console, restore, owner or sent",
	 1, 20, 0, 0},
	{S "<expect cookie=\"x\" tab=\"a\"/>" E, "t.xml:1:20: <expect>: the attribute tab does not go with cookie", 1, 20,
	 0, 0},
	{S "<expect local=\"k\" value=\"v\" present=\"false\"/>" E,
	 "t.xml:1:20: <expect>: the attribute present does not go with value", 1, 20, 0, 0},
	{S "<expect tabs=\"two\"/>" E, "t.xml:1:20: <expect> tabs=\"two\": expected a whole number", 1, 20, 0, 0},
	{S "<expect cookie-header=\"https://x.com/\"/>" E,
	 "t.xml:1:20: <expect cookie-header=\"https://x.com/\"> needs equals=\"...\"", 1, 20, 0, 0},
	{S "<expect cookie=\"x\" same-site=\"relaxed\"/>" E,
	 "t.xml:1:20: <expect> same-site=\"relaxed\": expected none, lax, strict or unspecified", 1, 20, 0, 0},
	{S "<expect event=\"focus\"/>" E, "t.xml:1:20: <expect> event=\"focus\": expected storage, WebChatService.restored, WebChatService.restoreFailed, WebChatService.restoreTimeout, WebChatService.ended, WebChatService.error, WebChatService.sleeping or WebChatService.waking", 1, 20, 0, 0},
	{S "<use host=\"x\"/>" E, "t.xml:1:20: <use> needs fragment=\"...\"", 1, 20, 0, 0},
	/* every problem in a file is reported, in document order */
	{S "\n  <wat/>\n  <tab/>\n  <wait for=\"poll\" timeout=\"soon\"/>\n" E,
	 "t.xml:2:3: unknown element <wat> in <scenario>; did you mean <wait>?", 2, 3, 3, 0},
};

Test(scenario_load, schema_errors_name_the_element_and_what_was_expected, .init = enter_scratch,
     .fini = leave_scratch)
{
	run_cases(schema_cases, sizeof schema_cases / sizeof *schema_cases, "schema");
	/* the later problems of the last case */
	bsim_suite *s = load_text(schema_cases[sizeof schema_cases / sizeof *schema_cases - 1].xml);
	expect_error(s, 1, "t.xml", 3, 3, "t.xml:3:3: <tab> needs name=\"...\"", "second");
	expect_error(s, 2, "t.xml", 4, 3,
		     "t.xml:4:3: <wait> timeout=\"soon\": expected a duration such as 500ms, 2s, 10m, 1h or 1d", "third");
	bsim_suite_free(s);
}

/* What the schema cannot check: engines, names, codes, fragments and their parameters. */
static const error_case semantic_cases[] = {
	{"<scenario name=\"a\" engines=\"chromium edge\"/>",
	 "t.xml:1:1: <scenario> engines=\"chromium edge\": \"edge\": did you mean chromium? (expected chromium, firefox or safari, separated by spaces)", 1, 1, 0, 0},
	/* Playwright's names and typos: the engine meant */
	{"<scenario name=\"a\" engines=\"chrome\"/>",
	 "t.xml:1:1: <scenario> engines=\"chrome\": did you mean chromium? (expected chromium, firefox or safari, separated by spaces)", 1, 1, 0, 0},
	{"<scenario name=\"a\" engines=\"webkit\"/>",
	 "t.xml:1:1: <scenario> engines=\"webkit\": did you mean safari? (expected chromium, firefox or safari, separated by spaces)", 1, 1, 0, 0},
	{"<scenario name=\"a\" engine=\"firfox\"/>",
	 "t.xml:1:1: <scenario> engine=\"firfox\": did you mean firefox? (expected chromium, firefox or safari)", 1, 1, 0, 0},
	{S "<deploy version=\"9.0.18.07\"/>" E,
	 "t.xml:1:20: version=\"9.0.18.07\" is not a widget version bsim models; did you mean 9.0.018.07?", 1, 20, 0, 0},
	{"<scenario name=\"a\" engine=\"netscape\"/>",
	 "t.xml:1:1: <scenario> engine=\"netscape\": expected chromium, firefox or safari", 1, 1, 0, 0},
	{"<scenario name=\"a\" engines=\"firefox firefox\"/>", "t.xml:1:1: engine \"firefox\" is listed twice", 1, 1, 0, 0},
	{"<scenario name=\"a\" engine=\"firefox\" engines=\"safari\"/>",
	 "t.xml:1:1: <scenario> takes engine= or engines=, not both", 1, 1, 0, 0},
	{"<scenario name=\"a\" engine=\"firefox safari\"/>",
	 "t.xml:1:1: <scenario> engine=\"firefox safari\": expected chromium, firefox or safari", 1, 1, 0, 0},
	{"<scenario name=\"a\" engines=\" \"/>", "t.xml:1:1: <scenario> engines=\" \": expected chromium, firefox or safari, separated by spaces",
	 1, 1, 0, 0},
	{"<scenario name=\" \"/>", "t.xml:1:1: <scenario> name=\" \": expected a name", 1, 1, 0, 0},
	{"<scenario name=\"a\" seed=\"18446744073709551616\"/>",
	 "t.xml:1:1: <scenario> seed=\"18446744073709551616\": expected a whole number from 0 to 18446744073709551615", 1,
	 1, 0, 0},
	{"<scenario name=\"a\" expect-failure=\"cookie-refused:nope\"/>",
	 "t.xml:1:1: expect-failure=\"cookie-refused:nope\": \"nope\" is not a cookie reason code (bsim cookie --explain "
	 "lists them)",
	 1, 1, 0, 0},
	{"<scenario name=\"a\" expect-failure=\"cookie-rejected\"/>",
	 "t.xml:1:1: expect-failure=\"cookie-rejected\": not a trace code (such as cookie-refused:public-suffix; "
	 "docs/scenario-language.md lists them)",
	 1, 1, 0, 0},
	{"<scenario name=\"a\" expect-failure=\"storage-refused:full\"/>",
	 "t.xml:1:1: expect-failure=\"storage-refused:full\": expected storage-refused or storage-refused:quota", 1, 1, 0, 0},
	{"<scenario name=\"a\" expect-failure=\"tab-opened:x\"/>",
	 "t.xml:1:1: expect-failure=\"tab-opened:x\": tab-opened takes no \":...\" detail", 1, 1, 0, 0},
	/* now=: an instant as bsim cookie --now reads it (time_parse_instant), at the element that gives it. */
	{"<scenario name=\"a\" now=\"2024-03-31 01:30:00Z\"/>",
	 "t.xml:1:1: <scenario> now=\"2024-03-31 01:30:00Z\": expected an ISO 8601 instant with its zone, up to year 9999, "
	 "such as 2024-03-31T01:30:00Z or 2024-03-31T03:30:00+02:00; write the instant the virtual clock starts at",
	 1, 1, 0, 0},
	{"<scenario name=\"a\" now=\"2024-03-31T01:30:00\"/>",
	 "t.xml:1:1: <scenario> now=\"2024-03-31T01:30:00\": expected an ISO 8601 instant with its zone, up to year 9999, "
	 "such as 2024-03-31T01:30:00Z or 2024-03-31T03:30:00+02:00; write the instant the virtual clock starts at",
	 1, 1, 0, 0},
	{"<scenario name=\"a\" now=\"+010000-01-01T00:00:00Z\"/>",
	 "t.xml:1:1: <scenario> now=\"+010000-01-01T00:00:00Z\": expected an ISO 8601 instant with its zone, up to year "
	 "9999, such as 2024-03-31T01:30:00Z or 2024-03-31T03:30:00+02:00; write the instant the virtual clock starts at",
	 1, 1, 0, 0},
	{"<scenario name=\"a\" now=\"\"/>",
	 "t.xml:1:1: <scenario> now=\"\": expected an ISO 8601 instant with its zone, up to year 9999, such as "
	 "2024-03-31T01:30:00Z or 2024-03-31T03:30:00+02:00; write the instant the virtual clock starts at",
	 1, 1, 0, 0},
	/* A suite's bad now= is said once; the scenario that relies on it is left out, the one with its own loads. */
	{"<suite name=\"s\" now=\"yesterday\">\n  <scenario name=\"a\"/>\n  <scenario name=\"b\" now=\"2024-01-01\"/>\n</suite>",
	 "t.xml:1:1: <suite> now=\"yesterday\": expected an ISO 8601 instant with its zone, up to year 9999, such as "
	 "2024-03-31T01:30:00Z or 2024-03-31T03:30:00+02:00; write the instant the virtual clock starts at",
	 1, 1, 0, 1},
	{S "<navigate tab=\"\" url=\"https://x.com/\"/>" E, "t.xml:1:20: <navigate> tab=\"\": expected the name of a tab",
	 1, 20, 0, 0},
	{S "<wait for=\"9223372036854775808ms\"/>" E,
	 "t.xml:1:20: <wait> for=\"9223372036854775808ms\": too long; the longest is 9223372036854775807ms", 1, 20, 0, 0},
	{S "<wait for=\"106751991168d\"/>" E, "t.xml:1:20: <wait> for=\"106751991168d\": too long; the longest is 106751991167d",
	 1, 20, 0, 0},
	{S "<use fragment=\"nope\"/>" E,
	 "t.xml:1:20: unknown fragment \"nope\": no fragment of that name is defined or included here", 1, 20, 0, 0},
	{S "<include file=\"\"/>" E, "t.xml:1:20: <include> file=\"\": expected a path", 1, 20, 0, 0},
	{S "<include file=\"absent.xml\"/>" E, "t.xml:1:20: cannot include \"absent.xml\": No such file or directory", 1,
	 20, 0, 0},
};

Test(scenario_load, semantic_errors, .init = enter_scratch, .fini = leave_scratch)
{
	run_cases(semantic_cases, sizeof semantic_cases / sizeof *semantic_cases, "semantic");
}

/* Fragments and parameters: the errors, located where they stand, with the <use> that brought them in. */
static const error_case fragment_cases[] = {
	/* 0: a misspelt fragment name */
	{"<suite name=\"s\">\n"
	 "  <fragment name=\"chat-cookie\"><wait for=\"1s\"/></fragment>\n"
	 "  <scenario name=\"a\">\n"
	 "    <use fragment=\"chat-cokie\"/>\n"
	 "  </scenario>\n"
	 "</suite>",
	 "t.xml:4:5: unknown fragment \"chat-cokie\"; did you mean \"chat-cookie\"?", 4, 5, 0, 0},
	/* 1: a parameter declared and not given */
	{"<suite name=\"s\">\n"
	 "  <fragment name=\"open\" params=\"host path\"><tab name=\"a\" url=\"https://${host}${path}\"/></fragment>\n"
	 "  <scenario name=\"a\">\n"
	 "    <use fragment=\"open\" host=\"x.com\"/>\n"
	 "  </scenario>\n"
	 "</suite>",
	 "t.xml:4:5: <use fragment=\"open\"> needs path=\"...\" (it declares params=\"host path\")", 4, 5, 0, 0},
	/* 2: a parameter given and not declared */
	{"<suite name=\"s\">\n"
	 "  <fragment name=\"open\" params=\"host\"><tab name=\"a\" url=\"https://${host}/\"/></fragment>\n"
	 "  <scenario name=\"a\">\n"
	 "    <use fragment=\"open\" host=\"x.com\" hots=\"y.com\"/>\n"
	 "  </scenario>\n"
	 "</suite>",
	 "t.xml:4:5: <use fragment=\"open\">: the fragment has no parameter hots (it declares params=\"host\")", 4, 5, 0, 0},
	/* 3: a parameter given to a fragment that declares none */
	{"<suite name=\"s\">\n"
	 "  <fragment name=\"w\"><wait for=\"1s\"/></fragment>\n"
	 "  <scenario name=\"a\"><use fragment=\"w\" for=\"2s\"/></scenario>\n"
	 "</suite>",
	 "t.xml:3:22: <use fragment=\"w\">: the fragment has no parameter for (it declares no parameters)", 3, 22, 0, 0},
	/* 4: ${...} naming no parameter, reported in the fragment, with where it was used */
	{"<suite name=\"s\">\n"
	 "  <fragment name=\"open\" params=\"host\">\n"
	 "    <tab name=\"a\" url=\"https://${hots}/\"/>\n"
	 "  </fragment>\n"
	 "  <scenario name=\"a\">\n"
	 "    <use fragment=\"open\" host=\"x.com\"/>\n"
	 "  </scenario>\n"
	 "</suite>",
	 "t.xml:3:5: <tab> url=\"...\" uses ${hots}, but the fragment open has no such parameter (it declares "
	 "params=\"host\")\n  from the fragment used at t.xml:6:5",
	 3, 5, 0, 0},
	/* 5: a cycle through two fragments */
	{"<suite name=\"s\">\n"
	 "  <fragment name=\"f\"><use fragment=\"g\"/></fragment>\n"
	 "  <fragment name=\"g\"><use fragment=\"f\"/></fragment>\n"
	 "  <scenario name=\"a\"><use fragment=\"f\"/></scenario>\n"
	 "</suite>",
	 "t.xml:3:22: fragment \"f\" uses itself: f -> g -> f\n  from the fragment used at t.xml:4:22", 3, 22, 0, 0},
	/* 6: a fragment using itself */
	{"<suite name=\"s\">\n"
	 "  <fragment name=\"f\"><wait for=\"1s\"/><use fragment=\"f\"/></fragment>\n"
	 "  <scenario name=\"a\"><use fragment=\"f\"/></scenario>\n"
	 "</suite>",
	 "t.xml:2:38: fragment \"f\" uses itself: f -> f\n  from the fragment used at t.xml:3:22", 2, 38, 0, 0},
	/* 7: a name defined twice */
	{"<suite name=\"s\">\n"
	 "  <fragment name=\"f\"><wait for=\"1s\"/></fragment>\n"
	 "  <fragment name=\"f\"><wait for=\"2s\"/></fragment>\n"
	 "  <scenario name=\"a\"><wait for=\"1s\"/></scenario>\n"
	 "</suite>",
	 "t.xml:3:3: fragment \"f\" is already defined at t.xml:2:3", 3, 3, 0, 1},
	/* 8: parameter names */
	{"<suite name=\"s\">\n"
	 "  <fragment name=\"f\" params=\"a fragment a 1x\"/>\n"
	 "  <scenario name=\"a\"><wait for=\"1s\"/></scenario>\n"
	 "</suite>",
	 "t.xml:2:3: <fragment name=\"f\">: \"fragment\" cannot be a parameter: <use> names the fragment with it", 2, 3, 3,
	 1},
	/* 9: a prepare error inside a fragment: its own place, and the use */
	{"<suite name=\"s\">\n"
	 "  <fragment name=\"slow\">\n"
	 "    <wait for=\"99999999999999999999d\"/>\n"
	 "  </fragment>\n"
	 "  <scenario name=\"a\"><use fragment=\"slow\"/></scenario>\n"
	 "</suite>",
	 "t.xml:3:5: <wait> for=\"99999999999999999999d\": too long; the longest is 106751991167d\n"
	 "  from the fragment used at t.xml:5:22",
	 3, 5, 0, 0},
};

Test(scenario_load, fragment_errors_with_locations, .init = enter_scratch, .fini = leave_scratch)
{
	run_cases(fragment_cases, sizeof fragment_cases / sizeof *fragment_cases, "fragment");
	bsim_suite *s = load_text(fragment_cases[8].xml);
	expect_error(s, 1, "t.xml", 2, 3, "t.xml:2:3: <fragment name=\"f\">: parameter \"a\" is declared twice", "twice");
	expect_error(s, 2, "t.xml", 2, 3,
		     "t.xml:2:3: <fragment name=\"f\">: parameter \"1x\" is not a name (letters, digits, '_', '-' and '.', "
		     "starting with a letter or '_')",
		     "not a name");
	bsim_suite_free(s);
}

Test(scenario_load, duplicate_scenario_names_in_a_file, .init = enter_scratch, .fini = leave_scratch)
{
	bsim_suite *s = load_text("<suite name=\"s\">\n"
				  "  <scenario name=\"x\"><wait for=\"1s\"/></scenario>\n"
				  "  <scenario name=\"x\"><wait for=\"2s\"/></scenario>\n"
				  "</suite>");
	cr_expect_eq(bsim_suite_error_count(s), 1);
	expect_error(s, 0, "t.xml", 3, 3, "t.xml:3:3: scenario name \"x\" is already used at t.xml:2:3", "duplicate");
	/* the first keeps its place; the same name in another file is no clash */
	cr_expect_eq(bsim_suite_count(s), 1);
	cr_expect_eq(bsim_suite_at(s, 0)->steps[0].at.line, 2);
	bsim_suite_free(s);
	write_file("u.xml", "<scenario name=\"x\"><wait for=\"1s\"/></scenario>");
	write_file("v.xml", "<scenario name=\"x\"><wait for=\"1s\"/></scenario>");
	const char *paths[] = {"u.xml", "v.xml"};
	cr_expect_eq(bsim_suite_load(&s, paths, 2), 0);
	cr_expect_eq(bsim_suite_count(s), 2);
	bsim_suite_free(s);
}

Test(scenario_load, a_fragment_error_is_reported_once_however_often_used, .init = enter_scratch,
     .fini = leave_scratch)
{
	bsim_suite *s = load_text("<suite name=\"s\">\n"
				  "  <fragment name=\"f\" params=\"p\"><cookie write=\"${q}\"/></fragment>\n"
				  "  <scenario name=\"a\"><use fragment=\"f\" p=\"1\"/></scenario>\n"
				  "  <scenario name=\"b\"><use fragment=\"f\" p=\"2\"/></scenario>\n"
				  "  <scenario name=\"c\"><wait for=\"1s\"/></scenario>\n"
				  "</suite>");
	cr_expect_eq(bsim_suite_error_count(s), 1);
	expect_error(s, 0, "t.xml", 2, 33,
		     "t.xml:2:33: <cookie> write=\"...\" uses ${q}, but the fragment f has no such parameter (it declares "
		     "params=\"p\")\n  from the fragment used at t.xml:3:22",
		     "once");
	/* both users are left out; the scenario without it loads */
	cr_expect_eq(bsim_suite_count(s), 1);
	cr_expect_str_eq(bsim_suite_at(s, 0)->name, "c");
	bsim_suite_free(s);
}

Test(scenario_load, a_step_kind_refusing_its_step_is_a_load_error, .init = enter_scratch, .fini = leave_scratch)
{
	/* the kinds' own checks (here a URL) run at load, and their errors are located like the loader's */
	bsim_suite *s = load_text(S "\n  <navigate url=\"https://exa mple.com/\"/>\n" E);
	cr_expect_eq(bsim_suite_error_count(s), 1);
	const bsim_error *e = bsim_suite_error_at(s, 0);
	cr_assert_not_null(e);
	const char *head = "t.xml:2:3: url=\"https://exa mple.com/\" is not a URL bsim can load";
	cr_expect(strncmp(rendered(e), head, strlen(head)) == 0, "%s", rendered(e));
	cr_expect_eq(e->line, 2);
	cr_expect_eq(e->column, 3);
	cr_expect_eq(bsim_suite_count(s), 0);
	bsim_suite_free(s);
}

/* ---- malformed XML: libxml2's finding, located, and nothing on stderr ---- */

static const error_case malformed_cases[] = {
	{S "<tab name=\"a\">" E, "t.xml:1:45: malformed XML: opening and ending tag mismatch: tab line 1 and scenario", 1,
	 45, 0, 0},
	{"<scenario name=\"a\" name=\"b\"/>", "t.xml:1:28: malformed XML: attribute name redefined", 1, 28, 0, 0},
	{"<scenario name=\"a\"/>\n<scenario name=\"b\"/>", "t.xml:2:1: malformed XML: extra content at the end of the document",
	 2, 1, 0, 0},
	{"", "t.xml:1:1: malformed XML: document is empty", 1, 1, 0, 0},
	{"<?xml version=\"1.0\"?>\n<scenario name=\"a\">\n  <cookie write=\"&xxe;\"/>\n" E,
	 "t.xml:3:23: malformed XML: entity 'xxe' not defined", 3, 23, 0, 0},
	{S "<tab name=\"a&b\"/>" E, "t.xml:1:34: malformed XML: EntityRef: expecting ';'", 1, 34, 0, 0},
	{S "<tab name=\"a\" <wait/>" E, "t.xml:1:34: malformed XML: error parsing attribute name", 1, 34, 0, 0},
};

Test(scenario_load, malformed_xml, .init = enter_scratch, .fini = leave_scratch)
{
	cr_redirect_stderr();
	run_cases(malformed_cases, sizeof malformed_cases / sizeof *malformed_cases, "malformed");
	fflush(stderr);
	cr_expect_stderr_eq_str("");
}

/* ---- untrusted input ---- */

Test(scenario_load, doctype_entity_bomb_and_external_entity_are_refused, .init = enter_fixtures)
{
	cr_redirect_stderr();
	bsim_suite *s = load1("safety/billion-laughs.xml");
	cr_expect_eq(bsim_suite_error_count(s), 1);
	expect_error(s, 0, "safety/billion-laughs.xml", 2, 1,
		     "safety/billion-laughs.xml:2:1: DOCTYPE is not allowed: a scenario file may not declare a DTD or "
		     "entities",
		     "billion laughs");
	cr_expect_eq(bsim_suite_count(s), 0);
	bsim_suite_free(s);

	s = load1("safety/external-entity.xml");
	cr_expect_eq(bsim_suite_error_count(s), 1);
	expect_error(s, 0, "safety/external-entity.xml", 2, 3,
		     "safety/external-entity.xml:2:3: DOCTYPE is not allowed: a scenario file may not declare a DTD or "
		     "entities",
		     "external entity");
	bsim_suite_free(s);

	/* without a DTD, an entity reference is an undefined one: nothing is read */
	s = load1("safety/undeclared-entity.xml");
	expect_error(s, 0, "safety/undeclared-entity.xml", 3, 23,
		     "safety/undeclared-entity.xml:3:23: malformed XML: entity 'xxe' not defined", "undeclared");
	bsim_suite_free(s);
	fflush(stderr);
	cr_expect_stderr_eq_str("");
}

/* A text of n nested <tab>s inside a scenario (n+1 levels). */
static char *nested(int n)
{
	buf b = BUF_INIT;
	buf_puts(&b, S);
	for (int i = 0; i < n; i++)
		buf_puts(&b, "<tab name=\"x\">");
	for (int i = 0; i < n; i++)
		buf_puts(&b, "</tab>");
	buf_puts(&b, E);
	return buf_detach(&b);
}

Test(scenario_load, nesting_is_bounded_at_64_levels, .init = enter_scratch, .fini = leave_scratch)
{
	/* 64 levels: within the limit (and not a valid scenario, which the schema says) */
	char *text = nested(63);
	bsim_suite *s = load_text(text);
	cr_expect_eq(bsim_suite_error_count(s), 1);
	expect_error(s, 0, "t.xml", 1, 34, "t.xml:1:34: <tab> is not allowed in <tab>; expected <set-cookie>", "64 deep");
	bsim_suite_free(s);
	free(text);
	/* 65: the 65th level is refused where it starts; each <tab name="x"> is 14 characters */
	text = nested(64);
	s = load_text(text);
	cr_expect_eq(bsim_suite_error_count(s), 1);
	expect_error(s, 0, "t.xml", 1, 20 + 63 * 14,
		     "t.xml:1:902: elements nested too deep: the limit for a scenario file is 64 levels (SCENARIO_MAX_DEPTH)", "65 deep");
	cr_expect_eq(bsim_suite_error_at(s, 0)->code, BSIM_ELIMIT);
	bsim_suite_free(s);
	free(text);
}

static char *steps_file(int n_steps)
{
	buf b = BUF_INIT;
	buf_puts(&b, S "\n");
	for (int i = 0; i < n_steps; i++)
		buf_puts(&b, "<close-browser/>\n");
	buf_puts(&b, E "\n");
	return buf_detach(&b);
}

Test(scenario_load, element_count_is_bounded_at_100000, .init = enter_scratch, .fini = leave_scratch)
{
	char *text = steps_file(99999); /* with <scenario>: 100,000 elements */
	bsim_suite *s = load_text(text);
	cr_expect_eq(bsim_suite_error_count(s), 0);
	cr_assert_eq(bsim_suite_count(s), 1);
	cr_expect_eq(bsim_suite_at(s, 0)->n_steps, 99999);
	cr_expect_eq(bsim_suite_at(s, 0)->steps[99998].at.line, 100000);
	bsim_suite_free(s);
	free(text);
	text = steps_file(100000);
	s = load_text(text);
	cr_expect_eq(bsim_suite_error_count(s), 1);
	expect_error(s, 0, "t.xml", 100001, 1, "t.xml:100001:1: too many elements: the limit for a scenario file is 100000 (SCENARIO_MAX_ELEMENTS); "
		     "split it into several scenario files",
		     "100,001 elements");
	cr_expect_eq(bsim_suite_error_at(s, 0)->code, BSIM_ELIMIT);
	bsim_suite_free(s);
	free(text);
}

/* A valid scenario of exactly `size` bytes, padded with comments (libxml2 caps one comment at 10 MB). */
static void write_sized(size_t size)
{
	const char *head = S "<wait for=\"1s\"/>", *tail = E;
	size_t pad = size - strlen(head) - strlen(tail);
	FILE *f = fopen("t.xml", "wb");
	cr_assert_not_null(f);
	fputs(head, f);
	char comment[4096];
	memset(comment, 'x', sizeof comment);
	memcpy(comment, "<!--", 4);
	memcpy(comment + sizeof comment - 3, "-->", 3);
	for (; pad >= sizeof comment; pad -= sizeof comment)
		fwrite(comment, 1, sizeof comment, f);
	for (; pad; pad--)
		fputc(' ', f);
	fputs(tail, f);
	fclose(f);
}

Test(scenario_load, file_size_is_bounded_at_16_mib, .init = enter_scratch, .fini = leave_scratch)
{
	write_sized(16 * 1024 * 1024);
	bsim_suite *s = load1("t.xml");
	cr_expect_eq(bsim_suite_error_count(s), 0);
	cr_expect_eq(bsim_suite_count(s), 1);
	bsim_suite_free(s);
	write_sized(16 * 1024 * 1024 + 1);
	s = load1("t.xml");
	cr_expect_eq(bsim_suite_error_count(s), 1);
	expect_error(s, 0, "t.xml", 0, 0, "t.xml: file too large: 16777217 bytes; the limit for a scenario file is 16 MiB "
		     "(SCENARIO_MAX_FILE_BYTES); split it into several scenario files",
		     "too large");
	cr_expect_eq(bsim_suite_error_at(s, 0)->code, BSIM_ELIMIT);
	bsim_suite_free(s);
}

Test(scenario_load, text_that_is_not_utf8_xml, .init = enter_scratch, .fini = leave_scratch)
{
	FILE *f = fopen("t.xml", "wb");
	cr_assert_not_null(f);
	fwrite("\xff\xfe<\0s\0", 1, 6, f); /* UTF-16 */
	fclose(f);
	bsim_suite *s = load1("t.xml");
	expect_error(s, 0, "t.xml", 1, 1,
		     "t.xml:1:1: UTF-16 (little-endian): a scenario file is XML text in UTF-8; save it as UTF-8", "utf-16");
	bsim_suite_free(s);
}

/* Each wide encoding, with a byte order mark or without (XML 1.0 Appendix F), is named; a NUL in UTF-8 text is placed. */
Test(scenario_load, utf16_and_utf32_files_are_named_as_such, .init = enter_scratch, .fini = leave_scratch)
{
	static const struct {
		const char *bytes;
		size_t len;
		const char *message;
	} table[] = {
		{"\xfe\xff\0<\0s", 6, "t.xml:1:1: UTF-16 (big-endian): a scenario file is XML text in UTF-8; save it as UTF-8"},
		{"<\0s\0", 4, "t.xml:1:1: UTF-16 (little-endian): a scenario file is XML text in UTF-8; save it as UTF-8"},
		{"\0<\0s", 4, "t.xml:1:1: UTF-16 (big-endian): a scenario file is XML text in UTF-8; save it as UTF-8"},
		{"\xff\xfe\0\0<\0\0\0", 8,
		 "t.xml:1:1: UTF-32 (little-endian): a scenario file is XML text in UTF-8; save it as UTF-8"},
		{"\0\0\xfe\xff\0\0\0<", 8, "t.xml:1:1: UTF-32 (big-endian): a scenario file is XML text in UTF-8; save it as UTF-8"},
		{"<\0\0\0", 4, "t.xml:1:1: UTF-32 (little-endian): a scenario file is XML text in UTF-8; save it as UTF-8"},
		{"\0\0\0<", 4, "t.xml:1:1: UTF-32 (big-endian): a scenario file is XML text in UTF-8; save it as UTF-8"},
		{"<scenario name=\"a\0\"/>", 22, "t.xml:1:18: NUL byte: a scenario file is XML text in UTF-8"},
	};
	for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
		FILE *f = fopen("t.xml", "wb");
		cr_assert_not_null(f);
		fwrite(table[i].bytes, 1, table[i].len, f);
		fclose(f);
		bsim_suite *s = load1("t.xml");
		char label[16];
		snprintf(label, sizeof label, "row %zu", i);
		expect_error(s, 0, "t.xml", 1, table[i].len == 22 ? 18 : 1, table[i].message, label);
		bsim_suite_free(s);
	}
}

/* A declared encoding other than UTF-8 is refused where its name is, before libxml2 converts (or fails to). */
Test(scenario_load, a_declared_encoding_other_than_utf8_is_located, .init = enter_scratch, .fini = leave_scratch)
{
	static const struct {
		const char *text;
		int line, col;
		const char *message;
	} table[] = {
		{"<?xml version=\"1.0\" encoding=\"EBCDIC-US\"?>\n<scenario name=\"x\"/>\n", 1, 31,
		 "t.xml:1:31: encoding=\"EBCDIC-US\": a scenario file is XML text in UTF-8; save it as UTF-8 and declare "
		 "encoding=\"UTF-8\" (or no encoding)"},
		{"<?xml version=\"1.0\"\n  encoding = 'ISO-8859-1' ?>\n<scenario name=\"x\"/>\n", 2, 15,
		 "t.xml:2:15: encoding=\"ISO-8859-1\": a scenario file is XML text in UTF-8; save it as UTF-8 and declare "
		 "encoding=\"UTF-8\" (or no encoding)"},
		{"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><scenario name=\"x\"/>", 1, 31,
		 "t.xml:1:31: encoding=\"Shift_JIS\": a scenario file is XML text in UTF-8; save it as UTF-8 and declare "
		 "encoding=\"UTF-8\" (or no encoding)"},
	};
	for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
		FILE *f = fopen("t.xml", "wb");
		cr_assert_not_null(f);
		fputs(table[i].text, f);
		fclose(f);
		bsim_suite *s = load1("t.xml");
		char label[16];
		snprintf(label, sizeof label, "row %zu", i);
		expect_error(s, 0, "t.xml", table[i].line, table[i].col, table[i].message, label);
		bsim_suite_free(s);
	}
}

Test(scenario_load, fragments_that_multiply_are_bounded, .init = enter_scratch, .fini = leave_scratch)
{
	/* ten uses a level over six levels would be a million steps */
	buf b = BUF_INIT;
	buf_puts(&b, "<suite name=\"bomb\">\n<fragment name=\"f0\">");
	for (int i = 0; i < 10; i++)
		buf_puts(&b, "<close-browser/>");
	buf_puts(&b, "</fragment>\n");
	for (int level = 1; level <= 5; level++) {
		buf_printf(&b, "<fragment name=\"f%d\">", level);
		for (int i = 0; i < 10; i++)
			buf_printf(&b, "<use fragment=\"f%d\"/>", level - 1);
		buf_puts(&b, "</fragment>\n");
	}
	buf_puts(&b, "<scenario name=\"a\"><use fragment=\"f5\"/></scenario>\n</suite>");
	bsim_suite *s = load_text(buf_cstr(&b));
	buf_free(&b);
	cr_expect_eq(bsim_suite_error_count(s), 1);
	expect_error(s, 0, "t.xml", 2, 21,
		     "t.xml:2:21: more than 100000 steps; the limit for a scenario is 100000 (SCENARIO_MAX_STEPS); split the scenario\n"
		     "  from the fragment used at t.xml:8:20",
		     "step bomb");
	cr_expect_eq(bsim_suite_count(s), 0);
	bsim_suite_free(s);

	/* a parameter doubled at each of 16 levels: 64 KiB of text becomes 4 GiB */
	buf_puts(&b, "<suite name=\"bomb\">\n<fragment name=\"p0\" params=\"v\"><cookie write=\"${v}\"/></fragment>\n");
	for (int level = 1; level <= 15; level++)
		buf_printf(&b, "<fragment name=\"p%d\" params=\"v\"><use fragment=\"p%d\" v=\"${v}${v}\"/></fragment>\n",
			   level, level - 1);
	buf_puts(&b, "<scenario name=\"a\"><use fragment=\"p15\" v=\"");
	for (int i = 0; i < 65536; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "\"/></scenario>\n</suite>");
	s = load_text(buf_cstr(&b));
	buf_free(&b);
	cr_expect_eq(bsim_suite_error_count(s), 1);
	const bsim_error *e = bsim_suite_error_at(s, 0);
	cr_assert_not_null(e);
	cr_expect(strstr(rendered(e), ": fragments expand to more than 64 MiB of text; the limit for a scenario is 64 MiB "
				      "(SCENARIO_MAX_EXPANDED_BYTES); split the scenario\n"
				      "  from the fragment used at t.xml:18:20"),
		  "%s", rendered(e));
	cr_expect_eq(e->code, BSIM_ELIMIT);
	bsim_suite_free(s);
}

Test(scenario_load, fragments_nest_at_most_16_deep, .init = enter_scratch, .fini = leave_scratch)
{
	for (int depth = 16; depth <= 17; depth++) {
		/* d1 uses d2 ... d(depth) holds a step; the scenario uses d1: `depth` levels of fragments */
		buf b = BUF_INIT;
		buf_puts(&b, "<suite name=\"deep\">\n");
		for (int i = 1; i < depth; i++)
			buf_printf(&b, "<fragment name=\"d%d\"><use fragment=\"d%d\"/></fragment>\n", i, i + 1);
		buf_printf(&b, "<fragment name=\"d%d\"><wait for=\"1s\"/></fragment>\n", depth);
		buf_puts(&b, "<scenario name=\"a\"><use fragment=\"d1\"/></scenario>\n</suite>");
		bsim_suite *s = load_text(buf_cstr(&b));
		buf_free(&b);
		if (depth == 16) {
			cr_expect_eq(bsim_suite_error_count(s), 0);
			cr_expect_eq(bsim_suite_count(s), 1);
		} else {
			cr_expect_eq(bsim_suite_error_count(s), 1);
			expect_error(s, 0, "t.xml", 17, 22,
				     "t.xml:17:22: <use fragment=\"d17\">: fragments nest deeper than 16 levels\n"
				     "  from the fragment used at t.xml:19:20",
				     "17 deep");
		}
		bsim_suite_free(s);
	}
}

/* ---- every element of the doc loads ---- */

Test(scenario_load, every_element_and_attribute_loads, .init = enter_fixtures)
{
	bsim_suite *s = load1("every.xml");
	dump_errors(s);
	cr_assert_eq(bsim_suite_error_count(s), 0);
	/* "steps" on three engines, "expectations" on one */
	cr_assert_eq(bsim_suite_count(s), 4);
	const bsim_scenario *sc = bsim_suite_at(s, 0);
	cr_expect_str_eq(bsim_scenario_name(sc), "steps");
	cr_expect_str_eq(bsim_scenario_file(sc), "every.xml");
	cr_expect_eq(bsim_scenario_line(sc), 10);
	cr_expect_eq(bsim_scenario_column(sc), 3);
	cr_expect_eq(bsim_scenario_seed(sc), 7);
	cr_expect_eq(bsim_scenario_tag_count(sc), 2);
	cr_expect_str_eq(bsim_scenario_tag(sc, 0), "restore");
	cr_expect_str_eq(bsim_scenario_tag(sc, 1), "subdomain");
	cr_expect_null(bsim_scenario_tag(sc, 2));
	cr_expect_str_eq(bsim_scenario_expect_failure(sc), "cookie-refused:public-suffix");
	cr_expect_eq(sc->session_restore, 1);
	cr_expect_eq(sc->open_resolution, 0);
	cr_expect_eq(bsim_scenario_start_time(sc), INT64_C(1711848600000)); /* its own now=, not the suite's */
	/* the leading <hosts> is the starting hosts file, not a step */
	cr_expect_str_eq(sc->hosts, "127.0.0.1 www.testsite.com store.testsite.com");
	cr_expect_eq(sc->hosts_at.line, 11);
	cr_expect_eq(sc->hosts_at.col, 5);

	static const char *const elements[] = {
		"tab", "tab", "navigate", "window-open", "reload", "back", "focus", "close-tab", "cookie", "storage",
		"storage", "storage", "wait", "wait", "wait", "wait", "wait", "wait", "close-browser", "restart",
		"save-profile", "load-profile", "import", "export", "tab", "wait", "hosts", "wait",
	};
	cr_assert_eq(sc->n_steps, sizeof elements / sizeof *elements);
	for (size_t i = 0; i < sc->n_steps; i++) {
		const step *st = &sc->steps[i];
		cr_expect_str_eq(st->element, elements[i], "step %zu", i);
		cr_expect(st->kind && strcmp(st->kind->element, st->element) == 0, "step %zu has its kind", i);
	}
	/* from the suite's fragment: parameters substituted in attributes and in text, both places kept */
	const step *t = step_at(sc, 0);
	cr_expect_str_eq(step_attr(t, "url"), "https://www.testsite.com/");
	cr_expect_str_eq(t->at.file, "every.xml");
	cr_expect_eq(t->at.line, 6);
	cr_expect_eq(t->at.col, 5);
	cr_expect_str_eq(t->at.used_at_file, "every.xml");
	cr_expect_eq(t->at.used_at_line, 13);
	cr_expect_eq(t->at.used_at_col, 5);
	cr_assert_eq(t->n_children, 1);
	cr_expect_str_eq(t->children[0].element, "set-cookie");
	cr_expect_str_eq(t->children[0].text, "sid=www.testsite.com; Path=/");
	cr_expect_eq(t->children[0].at.line, 7);
	cr_expect_eq(t->children[0].at.used_at_line, 13);
	/* a step of the scenario's own */
	t = step_at(sc, 1);
	cr_expect_str_eq(step_attr(t, "name"), "b");
	cr_expect_null(t->at.used_at_file);
	cr_expect_eq(t->at.line, 14);
	t = step_at(sc, 2);
	cr_assert_eq(t->n_children, 2);
	cr_expect_str_eq(t->children[0].text, "cart=1; Path=/");
	cr_expect_str_eq(t->children[1].text, "x=2");
	cr_expect_eq(t->children[1].at.line, 17);
	cr_expect_eq(t->children[1].at.col, 7);
	t = step_at(sc, 3);
	cr_expect_str_eq(step_attr(t, "from"), "a");
	cr_expect_str_eq(step_attr(t, "noopener"), "true");
	cr_expect_str_eq(step_attr(step_at(sc, 9), "value"), "v");
	cr_expect_str_eq(step_attr(step_at(sc, 10), "remove"), "k");
	cr_expect_str_eq(step_attr(step_at(sc, 11), "clear"), "true");
	cr_expect_str_eq(step_attr(step_at(sc, 17), "for"), "3");
	cr_expect_str_eq(step_attr(step_at(sc, 23), "file"), "cookies.txt");
	/* from an included file: its own file and line, used at the scenario's <use> */
	t = step_at(sc, 24);
	cr_expect_str_eq(t->at.file, "common.xml");
	cr_expect_eq(t->at.line, 5);
	cr_expect_str_eq(step_attr(t, "url"), "https://www.testsite.com/");
	cr_expect_eq(t->at.used_at_line, 40);
	/* nested: a fragment used by a fragment reports the outermost <use> */
	t = step_at(sc, 25);
	cr_expect_str_eq(t->at.file, "common.xml");
	cr_expect_eq(t->at.line, 9);
	cr_expect_eq(t->at.used_at_line, 40);
	/* included from sub/more.xml, which includes ../common.xml itself (read once, under its first name) */
	t = step_at(sc, 26);
	cr_expect_str_eq(t->at.file, "sub/more.xml");
	cr_expect_eq(t->at.line, 5);
	cr_expect_str_eq(t->text, "10.0.0.1 api.testsite.com");
	cr_expect_eq(t->at.used_at_line, 41);
	t = step_at(sc, 27);
	cr_expect_str_eq(t->at.file, "common.xml");
	cr_expect_eq(t->at.used_at_line, 41);

	/* engines: one entry each, in the order written, sharing one list of steps */
	static const bsim_engine engines[] = {BSIM_ENGINE_CHROMIUM, BSIM_ENGINE_FIREFOX, BSIM_ENGINE_SAFARI};
	for (size_t i = 0; i < 3; i++) {
		const bsim_scenario *c = bsim_suite_at(s, i);
		cr_expect_eq(bsim_scenario_engine(c), engines[i], "copy %zu", i);
		cr_expect_str_eq(c->name, "steps");
		cr_expect_eq(c->steps, sc->steps);
		cr_expect_eq(c->n_steps, sc->n_steps);
		cr_expect_eq(c->owns_steps, i == 0, "copy %zu owns the steps: %d", i, c->owns_steps);
		cr_expect_str_eq(c->hosts, sc->hosts);
		cr_expect_eq(c->seed, 7);
	}

	const bsim_scenario *ex = bsim_suite_at(s, 3);
	cr_expect_str_eq(ex->name, "expectations");
	cr_expect_eq(bsim_scenario_start_time(ex), INT64_C(1893456000000)); /* the suite's now= */
	cr_expect_eq(ex->engine, BSIM_ENGINE_FIREFOX);
	cr_expect_eq(ex->seed, 1);
	cr_expect_eq(ex->n_tags, 0);
	cr_expect_null(ex->expect_failure);
	cr_expect_null(ex->hosts);
	cr_expect_eq(ex->session_restore, 0);
	cr_expect_eq(ex->open_resolution, 1);
	cr_expect(ex->owns_steps);
	cr_assert_eq(ex->n_steps, 15);
	static const char *const variants[] = {
		NULL, "cookie", "cookie", "document-cookie", "document-cookie-contains", "document-cookie-lacks",
		"cookie-header", "local", "local", "session", "refused", "evicted", "event", "tabs", "focused",
	};
	for (size_t i = 1; i < ex->n_steps; i++) {
		const step *st = &ex->steps[i];
		cr_expect_str_eq(st->element, "expect");
		const expect_kind *k = expect_kind_for(st);
		cr_expect(k && strcmp(k->attr, variants[i]) == 0, "expectation %zu is %s", i, variants[i]);
	}
	cr_expect_str_eq(step_attr(&ex->steps[6], "equals"), "");
	cr_expect_str_eq(step_attr(&ex->steps[1], "same-site"), "lax");
	bsim_suite_free(s);
}

Test(scenario_load, the_doc_example_and_defaults, .init = enter_scratch, .fini = leave_scratch)
{
	bsim_suite *s = load_text(
		"<scenario name=\"chat cookie survives www to store\" engines=\"chromium firefox\" tags=\"restore subdomain\">\n"
		"  <hosts>127.0.0.1 www.testsite.com store.testsite.com</hosts>\n"
		"  <tab name=\"a\" url=\"https://www.testsite.com/\"/>\n"
		"  <cookie tab=\"a\" write=\"_genesys.widgets.webchat.state.session=abc; Domain=.testsite.com; Path=/\"/>\n"
		"  <navigate tab=\"a\" url=\"https://store.testsite.com/cart\"/>\n"
		"  <expect tab=\"a\" document-cookie-contains=\"_genesys.widgets.webchat.state.session=abc\"/>\n"
		"  <close-browser/>\n"
		"  <tab name=\"b\" url=\"https://www.testsite.com/\"/>\n"
		"  <expect cookie=\"_genesys.widgets.webchat.state.session\" present=\"false\"/>\n"
		"</scenario>\n");
	cr_assert_eq(bsim_suite_error_count(s), 0);
	cr_assert_eq(bsim_suite_count(s), 2);
	cr_expect_eq(bsim_suite_at(s, 0)->engine, BSIM_ENGINE_CHROMIUM);
	cr_expect_eq(bsim_suite_at(s, 1)->engine, BSIM_ENGINE_FIREFOX);
	cr_expect_eq(bsim_suite_at(s, 0)->n_steps, 7);
	cr_expect_eq(bsim_suite_at(s, 0)->open_resolution, 0);
	bsim_suite_free(s);

	/* no engine: chromium; no <hosts>: every name resolves; ${...} outside fragments stays as written */
	s = load_text("<scenario name=\"d\"><tab name=\"a\"/><cookie write=\"a=${x}\"/></scenario>");
	cr_assert_eq(bsim_suite_count(s), 1);
	const bsim_scenario *sc = bsim_suite_at(s, 0);
	cr_expect_eq(sc->engine, BSIM_ENGINE_CHROMIUM);
	cr_expect_eq(sc->seed, 1);
	cr_expect_eq(sc->open_resolution, 1);
	cr_expect_null(sc->hosts);
	cr_expect_str_eq(step_attr(&sc->steps[1], "write"), "a=${x}");
	bsim_suite_free(s);

	/* a later <hosts> is a step; resolve= overrides the default either way */
	s = load_text("<scenario name=\"h\"><tab name=\"a\"/><hosts>10.0.0.1 x.com</hosts></scenario>");
	sc = bsim_suite_at(s, 0);
	cr_assert_not_null(sc);
	cr_expect_null(sc->hosts);
	cr_expect_eq(sc->n_steps, 2);
	cr_expect_eq(sc->open_resolution, 0);
	bsim_suite_free(s);
	s = load_text("<scenario name=\"h\" resolve=\"open\"><hosts>10.0.0.1 x.com</hosts></scenario>");
	sc = bsim_suite_at(s, 0);
	cr_assert_not_null(sc);
	cr_expect_str_eq(sc->hosts, "10.0.0.1 x.com");
	cr_expect_eq(sc->n_steps, 0);
	cr_expect_eq(sc->open_resolution, 1);
	bsim_suite_free(s);
	s = load_text("<scenario name=\"h\" resolve=\"hosts\"><tab name=\"a\"/></scenario>");
	cr_expect_eq(bsim_suite_at(s, 0)->open_resolution, 0);
	bsim_suite_free(s);
	s = load_text("<scenario name=\"s\" engine=\"safari\" seed=\"18446744073709551615\"><tab name=\"a\"/></scenario>");
	cr_expect_eq(bsim_suite_at(s, 0)->engine, BSIM_ENGINE_SAFARI);
	cr_expect_eq(bsim_suite_at(s, 0)->seed, UINT64_MAX);
	bsim_suite_free(s);
}

/* now= starts the clock; a suite's now= is the start of each of its scenarios that gives none. */
Test(scenario_load, now_gives_the_clock_start, .init = enter_scratch, .fini = leave_scratch)
{
	bsim_suite *s = load_text("<scenario name=\"d\"><tab name=\"a\"/></scenario>");
	cr_assert_eq(bsim_suite_count(s), 1);
	cr_expect_eq(bsim_scenario_start_time(bsim_suite_at(s, 0)), BSIM_DEFAULT_START_TIME);
	cr_expect_eq(bsim_scenario_start_given(bsim_suite_at(s, 0)), 0);
	bsim_suite_free(s);

	/* Every engine's copy starts at the same instant; the offset is read, not dropped. */
	s = load_text("<scenario name=\"n\" engines=\"chromium safari\" now=\"2024-03-31T03:30:00.250+02:00\"/>");
	cr_assert_eq(bsim_suite_count(s), 2);
	for (size_t i = 0; i < 2; i++) {
		cr_expect_eq(bsim_scenario_start_time(bsim_suite_at(s, i)), INT64_C(1711848600250), "copy %zu", i);
		cr_expect_eq(bsim_scenario_start_given(bsim_suite_at(s, i)), 1);
	}
	bsim_suite_free(s);

	s = load_text("<suite name=\"s\" now=\"2024-12-31T23:59:00Z\">\n"
		      "  <scenario name=\"inherits\"/>\n"
		      "  <scenario name=\"own\" now=\"2015-01-01\"/>\n"
		      "</suite>");
	cr_assert_eq(bsim_suite_error_count(s), 0);
	cr_assert_eq(bsim_suite_count(s), 2);
	cr_expect_eq(bsim_scenario_start_time(bsim_suite_at(s, 0)), INT64_C(1735689540000));
	cr_expect_eq(bsim_scenario_start_given(bsim_suite_at(s, 0)), 1);
	cr_expect_eq(bsim_scenario_start_time(bsim_suite_at(s, 1)), BSIM_DEFAULT_START_TIME);
	cr_expect_eq(bsim_scenario_start_given(bsim_suite_at(s, 1)), 1);
	bsim_suite_free(s);
}

/* ---- columns and lines ---- */

Test(scenario_load, columns_count_characters_from_the_start_tag, .init = enter_scratch, .fini = leave_scratch)
{
	/* a tab is one column; é is one character in two bytes; CRLF and a lone CR end lines; a start tag
	 * spread over lines is where its '<' is; a UTF-8 byte order mark takes no column */
	bsim_suite *s = load_text("\xEF\xBB\xBF<scenario name=\"a\">\r\n"
				  "\t<tab name=\"\xC3\xA9\"/> <tab\n"
				  "    name=\"b\"\n"
				  "    url=\"https://x.com/\"/>\r"
				  "  <!-- <wait for=\"1s\"/> --><?pi <no/> ?><hosts><![CDATA[10.0.0.1 a.com <b> ]]></hosts>"
				  "<wait for=\"1s\"/>\n"
				  "  <back/><focus/>\n" E);
	dump_errors(s);
	cr_assert_eq(bsim_suite_count(s), 1);
	const bsim_scenario *sc = bsim_suite_at(s, 0);
	cr_expect_eq(sc->at.line, 1);
	cr_expect_eq(sc->at.col, 1);
	static const int where[][2] = {{2, 2}, {2, 18}, {5, 41}, {5, 87}, {6, 3}, {6, 10}};
	cr_assert_eq(sc->n_steps, 6);
	cr_expect_str_eq(sc->steps[2].text, "10.0.0.1 a.com <b>");
	for (size_t i = 0; i < 6; i++) {
		cr_expect_eq(sc->steps[i].at.line, where[i][0], "step %zu line %d", i, sc->steps[i].at.line);
		cr_expect_eq(sc->steps[i].at.col, where[i][1], "step %zu column %d", i, sc->steps[i].at.col);
	}
	bsim_suite_free(s);
	/* an error after é on the same line counts it as one column */
	s = load_text(S "<tab name=\"\xC3\xA9\"/><wat/>" E);
	expect_error(s, 0, "t.xml", 1, 35, "t.xml:1:35: unknown element <wat> in <scenario>; did you mean <wait>?", "utf-8");
	bsim_suite_free(s);
}

Test(scenario_load, lines_past_65535, .init = enter_scratch, .fini = leave_scratch)
{
	buf b = BUF_INIT;
	buf_puts(&b, S "\n");
	for (int i = 0; i < 70000; i++)
		buf_putc(&b, '\n');
	buf_puts(&b, "  <wait for=\"1s\"/>\n  <wat/>\n" E);
	bsim_suite *s = load_text(buf_cstr(&b));
	expect_error(s, 0, "t.xml", 70003, 3, "t.xml:70003:3: unknown element <wat> in <scenario>; did you mean <wait>?",
		     "big lines");
	bsim_suite_free(s);
	/* and a libxml2 error that far down */
	buf_clear(&b);
	buf_puts(&b, S "\n");
	for (int i = 0; i < 70000; i++)
		buf_putc(&b, '\n');
	buf_puts(&b, "<tab name=\"a\">" E);
	s = load_text(buf_cstr(&b));
	buf_free(&b);
	const bsim_error *e = bsim_suite_error_at(s, 0);
	cr_assert_not_null(e);
	cr_expect_eq(e->line, 70002);
	bsim_suite_free(s);
}

/* ---- includes ---- */

Test(scenario_load, include_errors, .init = enter_fixtures)
{
	bsim_suite *s = load1("include/uses-cycle.xml");
	cr_expect_eq(bsim_suite_error_count(s), 1);
	expect_error(s, 0, "include/cycle-b.xml", 2, 3,
		     "include/cycle-b.xml:2:3: include cycle: include/cycle-a.xml -> include/cycle-b.xml -> "
		     "include/cycle-a.xml",
		     "cycle");
	cr_expect_eq(bsim_suite_count(s), 0);
	bsim_suite_free(s);

	/* the missing include is reported once; the <use> it would have served is not reported again */
	s = load1("include/missing.xml");
	cr_expect_eq(bsim_suite_error_count(s), 1);
	expect_error(s, 0, "include/missing.xml", 2, 3,
		     "include/missing.xml:2:3: cannot include \"nope.xml\": No such file or directory", "missing");
	cr_expect_eq(bsim_suite_error_at(s, 0)->code, BSIM_EIO);
	bsim_suite_free(s);

	int rc;
	const char *not_fragments[] = {"include/not-fragments.xml"};
	s = load_allowing_fixtures(not_fragments, 1, &rc);
	expect_error(s, 0, "include/not-fragments.xml", 2, 3,
		     "include/not-fragments.xml:2:3: cannot include \"../every.xml\": its root element is <suite>; an "
		     "included file holds <fragments>",
		     "not fragments");
	bsim_suite_free(s);

	/* an error in an included file is located there, with the use; the suite's other scenario loads */
	s = load1("include/uses-bad.xml");
	cr_expect_eq(bsim_suite_error_count(s), 1);
	expect_error(s, 0, "include/bad-fragment.xml", 3, 5,
		     "include/bad-fragment.xml:3:5: <wait> for=\"99999999999999999999d\": too long; the longest is "
		     "106751991167d\n  from the fragment used at include/uses-bad.xml:4:5",
		     "bad fragment");
	cr_assert_eq(bsim_suite_count(s), 1);
	cr_expect_str_eq(bsim_suite_at(s, 0)->name, "two");
	bsim_suite_free(s);
}

Test(scenario_load, fragment_files_alone_hold_no_scenario, .init = enter_fixtures)
{
	const char *paths[] = {"common.xml", "sub/more.xml"};
	int rc;
	bsim_suite *s = load_allowing_fixtures(paths, 2, &rc);
	cr_expect_eq(rc, 0);
	cr_expect_eq(bsim_suite_error_count(s), 0);
	cr_expect_eq(bsim_suite_count(s), 0);
	bsim_suite_free(s);
}

/* ---- directories ---- */

Test(scenario_load, directories_are_walked_in_sorted_order, .init = enter_fixtures)
{
	const char *walk[] = {"walk"};
	int rc;
	bsim_suite *s = load_allowing_fixtures(walk, 1, &rc);
	dump_errors(s);
	cr_expect_eq(bsim_suite_error_count(s), 0);
	/* entries in byte order ("B" before "a", "a" before "a.xml"); .hidden and notes.txt skipped;
	 * frags.xml holds fragments, not scenarios, and is read once though c/uses.xml includes it first */
	static const char *const names[] = {"B", "a/z", "a1", "a2", "b", "c/uses"};
	static const char *const files[] = {"walk/B.xml", "walk/a/z.xml", "walk/a.xml", "walk/a.xml", "walk/b.xml",
					    "walk/c/uses.xml"};
	cr_assert_eq(bsim_suite_count(s), sizeof names / sizeof *names);
	for (size_t i = 0; i < bsim_suite_count(s); i++) {
		cr_expect_str_eq(bsim_suite_at(s, i)->name, names[i]);
		cr_expect_str_eq(bsim_scenario_file(bsim_suite_at(s, i)), files[i]);
	}
	const step *w = &bsim_suite_at(s, 5)->steps[0];
	cr_expect_str_eq(w->at.file, "walk/c/../frags.xml");
	cr_expect_str_eq(step_attr(w, "for"), "2s");
	bsim_suite_free(s);
}

Test(scenario_load, errors_are_collected_and_loading_goes_on, .init = enter_scratch, .fini = leave_scratch)
{
	write_file("bad.xml", S "<wat/>" E);
	write_file("good.xml", "<scenario name=\"good\"><wait for=\"1s\"/></scenario>");
	write_file("broken.xml", "<scenario name=\"a\">");
	const char *paths[] = {"bad.xml", "missing.xml", "good.xml", "broken.xml"};
	bsim_suite *s = NULL;
	cr_expect_eq(bsim_suite_load(&s, paths, 4), BSIM_EINVAL);
	cr_assert_not_null(s);
	cr_expect_eq(bsim_suite_count(s), 1);
	cr_expect_str_eq(bsim_suite_at(s, 0)->name, "good");
	cr_assert_eq(bsim_suite_error_count(s), 3);
	expect_error(s, 0, "bad.xml", 1, 20, "bad.xml:1:20: unknown element <wat> in <scenario>; did you mean <wait>?",
		     "bad");
	expect_error(s, 1, "missing.xml", 0, 0, "missing.xml: cannot read: No such file or directory", "missing");
	expect_error(s, 2, "broken.xml", 1, 20, "broken.xml:1:20: malformed XML: premature end of data in tag scenario line 1",
		     "broken");
	/* the first error is in the error channel too */
	cr_expect_str_eq(bsim_error_last()->message, bsim_suite_error_at(s, 0)->message);
	cr_expect_eq(bsim_error_last()->line, 1);
	cr_expect_eq(bsim_suite_error_at(s, 3), NULL);
	bsim_suite_free(s);
}

static void *load_in_thread(void *arg)
{
	(void)arg;
	size_t *counts = calloc(2, sizeof *counts);
	for (int i = 0; i < 10; i++) {
		const char *paths[] = {"every.xml", "walk", "include/uses-bad.xml"};
		int rc;
		bsim_suite *s = load_allowing_fixtures(paths, 3, &rc);
		counts[0] = bsim_suite_count(s);
		counts[1] = bsim_suite_error_count(s);
		bsim_suite_free(s);
	}
	return counts;
}

Test(scenario_load, loads_run_in_parallel_threads, .init = enter_fixtures)
{
	/* the first use of the registries and the schema may come from any thread */
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, load_in_thread, NULL), 0);
	for (int i = 0; i < 4; i++) {
		size_t *counts;
		cr_assert_eq(pthread_join(t[i], (void **)&counts), 0);
		cr_expect_eq(counts[0], 4 + 6 + 1, "thread %d: %zu scenarios", i, counts[0]);
		cr_expect_eq(counts[1], 1, "thread %d: %zu errors", i, counts[1]);
		free(counts);
	}
}

/* ---- the schema's engine names ---- */

/* bsim.rng's engine-name is the engine presets' vocabulary exactly: the schema accepts what bsim runs, no more. */
Test(scenario_load, the_schemas_engine_names_are_the_presets, .init = enter_scratch, .fini = leave_scratch)
{
	char *rng = NULL;
	size_t len = 0;
	cr_assert_eq(support_read_file(support_source_path("scenarios/bsim.rng"), &rng, &len), 0);
	xmlDoc *doc = xmlReadMemory(rng, (int)len, "bsim.rng", NULL, XML_PARSE_NONET);
	cr_assert(doc);
	const xmlNode *def = NULL;
	for (const xmlNode *n = xmlDocGetRootElement(doc)->children; n && !def; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "define") != 0)
			continue;
		xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
		if (name && strcmp((const char *)name, "engine-name") == 0)
			def = n;
		xmlFree(name);
	}
	cr_assert(def, "bsim.rng defines no engine-name");
	const char *values[16];
	size_t n = 0;
	for (const xmlNode *c = def->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "choice") == 0)
			for (const xmlNode *v = c->children; v; v = v->next)
				if (v->type == XML_ELEMENT_NODE && strcmp((const char *)v->name, "value") == 0 && n < 16)
					values[n++] = (const char *)v->children->content;
	cr_expect_eq(n, BSIM_ENGINE_COUNT, "%zu engine names in bsim.rng, %d presets", n, BSIM_ENGINE_COUNT);
	for (size_t i = 0; i < n && i < BSIM_ENGINE_COUNT; i++)
		cr_expect_str_eq(values[i], bsim_engine_name((bsim_engine)i), "value %zu", i);
	xmlFreeDoc(doc);
	free(rng);
	/* and a name bsim refuses, the schema refuses too, with the name meant */
	bsim_suite *suite = load_text("<scenario name=\"a\" engines=\"chrome\"/>");
	cr_expect_eq(bsim_suite_count(suite), 0);
	cr_expect_eq(bsim_suite_error_count(suite), 1);
	bsim_suite_free(suite);
}

/* ---- the registries ---- */

static int gadget_prepared;

static int gadget_prepare(step *s)
{
	gadget_prepared++;
	const char *site = step_attr(s, "site");
	if (!strchr(site, '.'))
		return step_error(s, BSIM_EINVAL, "site=\"%s\" is not a domain", site);
	return 0;
}

static const step_kind gadget_kind = {"gadget", gadget_prepare, NULL, NULL};

/* bsim.rng with a <gadget site=""/> step: the language a widget extends before its kind exists. */
static char *schema_with_gadget(void)
{
	char *rng = NULL;
	size_t len;
	cr_assert_eq(support_read_file(support_source_path("scenarios/bsim.rng"), &rng, &len), 0);
	buf b = BUF_INIT;
	const char *choice = strstr(rng, "<ref name=\"hosts\"/>");
	const char *end = strstr(rng, "</grammar>");
	cr_assert(choice && end);
	buf_put(&b, rng, (size_t)(choice - rng));
	buf_puts(&b, "<ref name=\"gadget\"/>");
	buf_put(&b, choice, (size_t)(end - choice));
	buf_puts(&b, "<define name=\"gadget\"><element name=\"gadget\"><attribute name=\"site\"/><empty/></element>"
		     "</define></grammar>\n");
	free(rng);
	return buf_detach(&b);
}

Test(scenario_load, a_schema_element_without_a_kind_is_a_located_error, .init = enter_scratch, .fini = leave_scratch)
{
	char *rng = schema_with_gadget();
	cr_assert_eq(schema_replace(rng, strlen(rng)), 0);
	free(rng);
	const char *xml = "<suite name=\"w\">\n"
			  "  <fragment name=\"site\"><gadget site=\"nodot\"/></fragment>\n"
			  "  <scenario name=\"a\"><gadget site=\"x.com\"/></scenario>\n"
			  "  <scenario name=\"b\"><use fragment=\"site\"/></scenario>\n"
			  "</suite>";
	bsim_suite *s = load_text(xml);
	cr_expect_eq(bsim_suite_error_count(s), 2);
	expect_error(s, 0, "t.xml", 3, 22,
		     "t.xml:3:22: <gadget> is not a step this bsim can run: no step kind is registered for it", "no kind");
	expect_error(s, 1, "t.xml", 2, 25,
		     "t.xml:2:25: <gadget> is not a step this bsim can run: no step kind is registered for it\n"
		     "  from the fragment used at t.xml:4:22",
		     "no kind, from a fragment");
	bsim_suite_free(s);

	/* once registered, its prepare runs at load, and its error is located like any other */
	cr_assert_eq(step_kind_register(&gadget_kind), 0);
	s = load_text(xml);
	cr_expect_eq(gadget_prepared, 2);
	cr_expect_eq(bsim_suite_error_count(s), 1);
	expect_error(s, 0, "t.xml", 2, 25,
		     "t.xml:2:25: site=\"nodot\" is not a domain\n  from the fragment used at t.xml:4:22", "prepare");
	cr_assert_eq(bsim_suite_count(s), 1);
	cr_expect_eq(bsim_suite_at(s, 0)->steps[0].kind, &gadget_kind);
	bsim_suite_free(s);
	cr_expect_eq(schema_replace(NULL, 0), 0);
	s = load_text(xml);
	expect_error(s, 0, "t.xml", 2, 25, "t.xml:2:25: unknown element <gadget> in <fragment>; expected a step",
		     "embedded schema again");
	bsim_suite_free(s);
}

Test(scenario_load, what_the_explanation_does_not_model_is_said_in_libxml2s_words, .init = enter_scratch,
     .fini = leave_scratch)
{
	/* order within an element is the schema's, not the explanation's: libxml2's finding is kept, located */
	const char *rng = "<grammar xmlns=\"http://relaxng.org/ns/structure/1.0\"><start><element name=\"scenario\">"
			  "<attribute name=\"name\"/><element name=\"tab\"><attribute name=\"name\"/></element>"
			  "<element name=\"wait\"><attribute name=\"for\"/></element></element></start></grammar>";
	cr_assert_eq(schema_replace(rng, strlen(rng)), 0);
	bsim_suite *s = load_text(S "\n  <wait for=\"1s\"/>\n  <tab name=\"a\"/>\n" E);
	cr_expect_eq(bsim_suite_error_count(s), 1);
	expect_error(s, 0, "t.xml", 2, 3, "t.xml:2:3: <wait> is not valid here: did not expect element wait there",
		     "order");
	bsim_suite_free(s);
	/* a schema that does not compile is refused, and the one in use stays */
	cr_expect_eq(schema_replace("<grammar/>", 10), BSIM_EINVAL);
	cr_expect(strncmp(bsim_error_last()->message, "schema does not compile: ", 25) == 0, "%s",
		  bsim_error_last()->message);
	s = load_text(S "<tab name=\"a\"/><wait for=\"1s\"/>" E);
	cr_expect_eq(bsim_suite_error_count(s), 0);
	bsim_suite_free(s);
}

/*
 * The attribute table is generated from the schema; the kinds are C. Every
 * step element of the schema has a kind, and every <expect> variant of the
 * schema reaches the kind registered for its attribute, so a language
 * extended on one side only fails here.
 */
Test(scenario_load, every_element_and_variant_of_the_schema_has_a_kind)
{
	static const char *const structure[] = {"scenario", "suite", "fragments", "fragment", "include", "use",
						"set-cookie"};
	size_t variants = 0;
	for (size_t i = 0; i < schema_attr_row_count; i++) {
		const schema_attr_row *r = &schema_attr_rows[i];
		bool structural = false;
		for (size_t k = 0; k < sizeof structure / sizeof *structure; k++)
			structural |= strcmp(r->element, structure[k]) == 0;
		cr_expect(structural || step_kind_find(r->element), "<%s> has no step kind", r->element);
		cr_expect_eq(schema_attrs_find(r->element, r->variant), r, "<%s> is listed twice", r->element);
		if (!r->variant)
			continue;
		variants++;
		cr_expect_str_eq(r->attrs[0], r->variant, "a variant's own attribute comes first");
		char *name[] = {(char *)r->variant}, *value[] = {"x"};
		step s = {.element = (char *)r->element, .n_attrs = 1, .attr_names = name, .attr_values = value};
		const expect_kind *k = expect_kind_for(&s);
		cr_expect(k && strcmp(k->attr, r->variant) == 0, "<expect %s=...> reaches no kind of its own", r->variant);
	}
	cr_expect_geq(variants, 20, "the <expect> variants are in the table (%zu)", variants);
	cr_expect_not_null(schema_attrs_find("navigate", NULL));
	cr_expect_null(schema_attrs_find("expect", NULL));
	cr_expect_null(schema_attrs_find("gadget", NULL));
}

static int chat_check(step *s, run_ctx *rc)
{
	(void)s;
	(void)rc;
	return 0;
}

static const expect_kind sparkle_kind = {"sparkle", NULL, chat_check, NULL, NULL};
static const expect_kind cookie_again = {"cookie", NULL, chat_check, NULL, NULL};
static const step_kind wait_again = {"wait", NULL, NULL, NULL};

Test(scenario_load, registries)
{
	cr_expect_not_null(step_kind_find("navigate"));
	cr_expect_null(step_kind_find("gadget"));
	cr_expect_eq(step_kind_register(&wait_again), BSIM_EINVAL);
	cr_expect_str_eq(bsim_error_last()->message, "a step kind for <wait> is already registered");
	cr_expect_eq(expect_kind_register(&cookie_again), BSIM_EINVAL);
	cr_expect_str_eq(bsim_error_last()->message, "an expect kind for cookie= is already registered");
	cr_expect_eq(expect_kind_register(&sparkle_kind), 0);

	char *names[] = {"sparkle", "glow"};
	char *values[] = {"restored", "1"};
	step s = {0};
	s.element = "expect";
	s.n_attrs = 2;
	s.attr_names = names;
	s.attr_values = values;
	cr_expect_eq(expect_kind_for(&s), &sparkle_kind);
	/* the first registered kind the step names wins: cookie= before session= */
	char *names2[] = {"session", "cookie"};
	char *values2[] = {"true", "sid"};
	s.attr_names = names2;
	s.attr_values = values2;
	const expect_kind *k = expect_kind_for(&s);
	cr_expect(k && strcmp(k->attr, "cookie") == 0);
	s.n_attrs = 0;
	cr_expect_null(expect_kind_for(&s));
}

/* ---- attribute helpers ---- */

static step one_attr_step(char **name, char **value)
{
	step s = {0};
	s.element = "wait";
	s.at.file = "x.xml";
	s.at.line = 3;
	s.at.col = 5;
	s.n_attrs = *name ? 1 : 0;
	s.attr_names = name;
	s.attr_values = value;
	return s;
}

Test(scenario_load, durations)
{
	static const struct {
		const char *text;
		int64_t ms;          /* -1: an error */
		const char *message;
	} cases[] = {
		{"500ms", 500, NULL},
		{"2s", 2000, NULL},
		{"10m", 600000, NULL},
		{"1h", 3600000, NULL},
		{"1d", 86400000, NULL},
		{"3", 3000, NULL},
		{"0", 0, NULL},
		{"9223372036854775807ms", INT64_MAX, NULL},
		{"106751991167d", INT64_C(106751991167) * 86400000, NULL},
		{"9223372036854775808ms", -1,
		 "x.xml:3:5: <wait> for=\"9223372036854775808ms\": too long; the longest is 9223372036854775807ms"},
		{"9223372036854776s", -1, "x.xml:3:5: <wait> for=\"9223372036854776s\": too long; the longest is 9223372036854775s"},
		{"99999999999999999999999", -1,
		 "x.xml:3:5: <wait> for=\"99999999999999999999999\": too long; the longest is 9223372036854775s"},
		{"", -1, "x.xml:3:5: <wait> for=\"\": expected a duration such as 500ms, 2s, 10m, 1h or 1d"},
		{"s", -1, "x.xml:3:5: <wait> for=\"s\": expected a duration such as 500ms, 2s, 10m, 1h or 1d"},
		{"1.5s", -1, "x.xml:3:5: <wait> for=\"1.5s\": expected a duration such as 500ms, 2s, 10m, 1h or 1d"},
		{"-1s", -1, "x.xml:3:5: <wait> for=\"-1s\": expected a duration such as 500ms, 2s, 10m, 1h or 1d"},
		{"2 s", -1, "x.xml:3:5: <wait> for=\"2 s\": expected a duration such as 500ms, 2s, 10m, 1h or 1d"},
		{"2S", -1, "x.xml:3:5: <wait> for=\"2S\": expected a duration such as 500ms, 2s, 10m, 1h or 1d"},
		{"1w", -1, "x.xml:3:5: <wait> for=\"1w\": expected a duration such as 500ms, 2s, 10m, 1h or 1d"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *name[] = {"for"}, *value[] = {(char *)cases[i].text};
		step s = one_attr_step(name, value);
		int64_t ms = -7;
		int rc = step_attr_duration(&s, "for", &ms);
		if (cases[i].ms >= 0) {
			cr_expect_eq(rc, 0, "%s", cases[i].text);
			cr_expect_eq(ms, cases[i].ms, "%s: %" PRId64, cases[i].text, ms);
		} else {
			cr_expect_eq(rc, BSIM_EINVAL, "%s", cases[i].text);
			cr_expect_str_eq(rendered(bsim_error_last()), cases[i].message);
			cr_expect_eq(bsim_error_last()->line, 3);
			cr_expect_eq(bsim_error_last()->column, 5);
		}
	}
	char *none[] = {NULL};
	step s = one_attr_step(none, none);
	int64_t ms;
	cr_expect_eq(step_attr_duration(&s, "for", &ms), BSIM_EINVAL);
	cr_expect_str_eq(rendered(bsim_error_last()),
			 "x.xml:3:5: <wait> needs for=\"...\", a duration such as 500ms, 2s, 10m, 1h or 1d");
}

Test(scenario_load, booleans_and_step_errors)
{
	static const struct {
		const char *text;
		int want;            /* -1: an error */
	} cases[] = {{"true", 1}, {"false", 0}, {"yes", -1}, {"TRUE", -1}, {"1", -1}, {"", -1}};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *name[] = {"noopener"}, *value[] = {(char *)cases[i].text};
		step s = one_attr_step(name, value);
		int out = -5;
		int rc = step_attr_bool(&s, "noopener", 7, &out);
		if (cases[i].want >= 0) {
			cr_expect_eq(rc, 0);
			cr_expect_eq(out, cases[i].want, "%s", cases[i].text);
		} else {
			cr_expect_eq(rc, BSIM_EINVAL);
			char want[128];
			snprintf(want, sizeof want, "x.xml:3:5: <wait> noopener=\"%s\": expected true or false", cases[i].text);
			cr_expect_str_eq(rendered(bsim_error_last()), want);
		}
	}
	char *none[] = {NULL};
	step s = one_attr_step(none, none);
	int out = -5;
	cr_expect_eq(step_attr_bool(&s, "noopener", 7, &out), 0);
	cr_expect_eq(out, 7);
	cr_expect_null(step_attr(&s, "noopener"));

	cr_expect_eq(step_error(&s, BSIM_ENOTFOUND, "no tab named \"%s\"", "z"), BSIM_ENOTFOUND);
	const bsim_error *e = bsim_error_last();
	/* The location is in the fields only; rendering puts it in front. */
	cr_expect_str_eq(e->message, "no tab named \"z\"");
	cr_expect_str_eq(rendered(e), "x.xml:3:5: no tab named \"z\"");
	cr_expect_str_eq(e->file, "x.xml");
	cr_expect_eq(e->line, 3);
	cr_expect_eq(e->column, 5);
	cr_expect_eq(e->code, BSIM_ENOTFOUND);
	/* A wrapped inner error keeps its message whole, even when the context quotes it, and moves to the step. */
	error_set_at(BSIM_EINVAL, "hosts", 2, 0, "not a host name");
	cr_expect_eq(step_wrap(&s, BSIM_ERESOLVE, "cannot open (%s)", bsim_error_last()->message), BSIM_ERESOLVE);
	cr_expect_str_eq(rendered(bsim_error_last()), "x.xml:3:5: cannot open (not a host name): not a host name");
	cr_expect_eq(bsim_error_last()->code, BSIM_ERESOLVE);
	s.at.file = NULL;
	step_error(&s, BSIM_EINVAL, "bare");
	cr_expect_str_eq(bsim_error_last()->message, "bare");
}

/* ---- the folder rule: files a scenario may touch (sim/scenario/file_access.h) ---- */

static char here_real[512];

static void enter_files(void)
{
	const char *dir = support_temp_dir("files");
	cr_assert_not_null(dir);
	cr_assert_eq(chdir(dir), 0);
	cr_assert_not_null(realpath(".", here_real));
	cr_assert_eq(mkdir("s", 0700), 0);
	write_file("victim.txt", "keep");
	write_file("common.xml", "<fragments><fragment name=\"w\"><wait for=\"1s\"/></fragment></fragments>\n");
	write_file("s/frag.xml", "<fragments><include file=\"../common.xml\"/></fragments>\n");
	cr_assert_eq(symlink("../victim.txt", "s/out.json"), 0);  /* a final link that leaves the folder */
	cr_assert_eq(symlink("/etc", "s/etc"), 0);                 /* a directory link that leaves it */
	cr_assert_eq(symlink("../s/frag.xml", "s/inside.xml"), 0); /* a link that stays inside */
}

static void leave_files(void)
{
	if (chdir("/") == 0)
		support_temp_dirs_remove();
}

#define SC(steps) "<scenario name=\"f\">\n  <tab name=\"a\" url=\"https://www.shop.com/\"/>\n  " steps "\n</scenario>\n"

static const struct {
	const char *step;    /* line 3 of s/t.xml */
	const char *message; /* after "s/t.xml:3:3: "; "%s" is this directory's real path; NULL: loads */
} folder_cases[] = {
	{"<save-profile file=\"../victim.txt\"/>",
	 "<save-profile file=\"../victim.txt\"> writes outside the scenario's folder s (it leads to %s/victim.txt); "
	 "bsim run --allow-write %s to permit it"},
	{"<export file=\"/etc/bsim-state.json\"/>",
	 "<export file=\"/etc/bsim-state.json\"> writes outside the scenario's folder s (it leads to "
	 "/etc/bsim-state.json); bsim run --allow-write /etc to permit it"},
	{"<export file=\"out.json\"/>",
	 "<export file=\"out.json\"> writes outside the scenario's folder s (it leads to %s/victim.txt); bsim run "
	 "--allow-write %s to permit it"},
	{"<import file=\"etc/passwd\"/>",
	 "<import file=\"etc/passwd\"> reads outside the scenario's folder s (it leads to /etc/passwd); bsim run "
	 "--allow-read /etc to permit it"},
	{"<load-profile file=\"new/../../p.db\"/>",
	 "<load-profile file=\"new/../../p.db\"> reads outside the scenario's folder s (it leads to %s/p.db); bsim run "
	 "--allow-read %s to permit it"},
	{"<navigate url=\"https://www.shop.com/\" fetch=\"live\" ca-file=\"/etc/ssl/ca.pem\"/>",
	 "<navigate ca-file=\"/etc/ssl/ca.pem\"> reads outside the scenario's folder s (it leads to /etc/ssl/ca.pem); "
	 "bsim run --allow-read /etc/ssl to permit it"},
	{"<include file=\"../common.xml\"/>",
	 "<include file=\"../common.xml\"> reads outside the scenario's folder s (it leads to %s/common.xml); bsim run "
	 "--allow-read %s to permit it"},
	/* Included before from a scenario one folder up, frag.xml reached ../common.xml: not for this scenario. */
	{"<include file=\"inside.xml\"/>",
	 "<include file=\"inside.xml\"> reads outside the scenario's folder s (it leads to %s/common.xml); bsim run "
	 "--allow-read %s to permit it"},
	{"<export file=\"sub/../state.json\"/>", NULL},
	{"<save-profile file=\"/tmp/../%s/s/p.db\"/>", NULL},
};

Test(scenario_load, a_scenario_touches_files_only_in_its_folder, .init = enter_files, .fini = leave_files)
{
	write_file("top.xml", "<scenario name=\"top\">\n  <include file=\"s/frag.xml\"/>\n  <use fragment=\"w\"/>\n</scenario>\n");
	for (size_t i = 0; i < sizeof folder_cases / sizeof *folder_cases; i++) {
		char step[512], xml[1024];
		snprintf(step, sizeof step, folder_cases[i].step, here_real + 1);
		snprintf(xml, sizeof xml, SC("%s"), step);
		write_file("s/t.xml", xml);
		/* top.xml first: it reads s/frag.xml and, through it, common.xml, legitimately */
		const char *paths[] = {"top.xml", "s/t.xml"};
		bsim_suite *s = NULL;
		int rc = bsim_suite_load(&s, paths, 2);
		cr_assert_not_null(s);
		if (!folder_cases[i].message) {
			cr_expect_eq(rc, 0, "case %zu: %s", i, rc ? bsim_suite_error_at(s, 0)->message : "");
			cr_expect_eq(bsim_suite_count(s), 2, "case %zu", i);
		} else {
			char want[1024], msg[900];
			snprintf(msg, sizeof msg, folder_cases[i].message, here_real, here_real);
			snprintf(want, sizeof want, "s/t.xml:3:3: %s", msg);
			cr_expect_eq(bsim_suite_error_count(s), 1, "case %zu", i);
			if (bsim_suite_error_count(s))
				cr_expect_str_eq(rendered(bsim_suite_error_at(s, 0)), want, "case %zu", i);
			cr_expect_eq(bsim_suite_count(s), 1, "case %zu: only top.xml loads", i);
		}
		bsim_suite_free(s);
	}
	char got[64] = {0};
	FILE *f = fopen("victim.txt", "r");
	cr_assert_not_null(f);
	cr_expect_eq(fread(got, 1, sizeof got, f), 4);
	fclose(f);
	cr_expect_str_eq(got, "keep");
}

Test(scenario_load, allowed_directories_widen_the_rule_and_writing_implies_reading, .init = enter_files,
     .fini = leave_files)
{
	write_file("s/t.xml", SC("<export file=\"../state.json\"/>\n  <import file=\"../state.json\"/>\n  "
				 "<load-profile file=\"etc/p.db\"/>"));
	const char *paths[] = {"s/t.xml"};
	static const char *const up[] = {".."}, *const etc[] = {"/etc"};
	bsim_load_options o = BSIM_LOAD_OPTIONS_INIT;
	o.allow_write = up;
	o.n_allow_write = 1;
	o.allow_read = etc;
	o.n_allow_read = 1;
	cr_assert_eq(chdir("s"), 0);
	paths[0] = "t.xml";
	bsim_suite *s = NULL;
	cr_expect_eq(bsim_suite_load_with(&s, paths, 1, &o), 0, "%s", bsim_error_last()->message);
	cr_expect_eq(bsim_suite_count(s), 1);
	bsim_suite_free(s);
	/* Reading /etc does not let it write there. */
	write_file("t.xml", SC("<export file=\"etc/bsim.json\"/>"));
	s = NULL;
	cr_expect_eq(bsim_suite_load_with(&s, paths, 1, &o), BSIM_EINVAL);
	cr_expect(bsim_suite_error_count(s) == 1 && strstr(bsim_suite_error_at(s, 0)->message, "writes outside"));
	bsim_suite_free(s);
	/* A directory that does not exist allows nothing: an error, nothing loads. */
	static const char *const missing[] = {"no-such-dir"};
	o.allow_read = missing;
	s = NULL;
	cr_expect_eq(bsim_suite_load_with(&s, paths, 1, &o), BSIM_EINVAL);
	cr_expect_null(s);
	cr_expect_str_eq(bsim_error_last()->message,
			 "--allow-read \"no-such-dir\": expected a directory: it does not exist");
}
