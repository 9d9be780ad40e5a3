/*
 * build.c: one <scenario> element of a valid file made into scenarios, one
 * per engine it names. Its attributes are read (engines, seed, tags, now=,
 * expect-failure, session-restore, resolve), its fragments expanded into a
 * flat list of steps (expand.c), each step handed to its kind's prepare
 * (step_prepare: the attributes the schema gives it, then the kind's own
 * checks), and a leading <hosts> taken as its starting hosts file. A
 * scenario with an error is recorded, located, and left out of the suite;
 * the first engine's copy owns the steps, the others share them.
 */
#include "scenario/read/load_internal.h"
#include "scenario/file_access.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/timefmt.h"

/*
 * The trace codes expect-failure may name (docs/scenario-language.md,
 * "Trace codes"): each alone, or, for those with a `detail`, followed by
 * ":DETAIL" — a cookie reason code (bsim_cookie_reason_from_code) where
 * detail is "REASON", else one of its space-separated words.
 */
static const struct {
	const char *code;
	const char *detail;
} trace_codes[] = {
	{"cookie-stored", NULL}, {"cookie-replaced", NULL}, {"cookie-deleted", NULL},
	{"cookie-refused", "REASON"}, {"cookie-evicted", "REASON"}, {"cookie-expired", NULL},
	{"cookie-session-ended", NULL}, {"cookie-sent", NULL},
	{"cookie-not-sent", "host-only domain path secure samesite partition expired"}, {"storage-set", NULL}, {"storage-removed", NULL},
	{"storage-cleared", NULL}, {"storage-refused", "quota"}, {"event-storage", NULL},
	{"event-focus", NULL}, {"event-blur", NULL}, {"tab-opened", NULL}, {"tab-closed", NULL},
	{"tab-focused", NULL}, {"tab-restored", NULL}, {"navigated", NULL}, {"reloaded", NULL},
	{"went-back", NULL}, {"navigation-failed", "unresolved live live-limit"}, {"live-request", NULL},
	{"live-response", NULL}, {"live-redirect", NULL}, {"request-header-large", NULL}, {"browser-started", NULL},
	{"browser-closed", NULL}, {"profile-saved", NULL}, {"profile-loaded", NULL},
	{"request-sent", NULL}, {"response-received", NULL}, {"request-dropped", NULL}, {"request-failed", NULL},
	/* Causes the widget's expectations give (docs/widget-model.md): no trace entry carries them. */
	{"widget-restore-timeout", NULL}, {"widget-restore-failed", NULL}, {"widget-cookie-hidden", NULL},
	{"widget-focus-split", NULL}, {"widget-badge-shared", NULL}, {"widget-sleeping", NULL},
};

/* Whether word is one of the space-separated words of list. */
static bool detail_is_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, " ");
		if (len == n && n && strncmp(p, word, n) == 0)
			return true;
		p += len;
		while (*p == ' ')
			p++;
	}
	return false;
}

/*
 * A step's prepare failed: its message, at the step, and where it was used.
 */
static void step_failed(loader *ld, const step *s, int code)
{
	error_state inner;
	error_save(&inner);
	const char *msg = code == BSIM_ENOMEM ? "out of memory" : inner.message;
	if (s->at.used_at_file)
		load_error(ld->errs, code, s->at.file, s->at.line, s->at.col, "%s\n  from the fragment used at %s:%d:%d", msg,
			   s->at.used_at_file, s->at.used_at_line, s->at.used_at_col);
	else
		load_error(ld->errs, code, s->at.file, s->at.line, s->at.col, "%s", msg);
}

/* ---- a scenario ---- */

typedef struct scenario_build {
	loader *ld;
	const xmlNode *node;
	const char *file;
	int line, col;
	int errors;
	bsim_scenario sc;      /* the fields every engine's copy shares */
	bsim_engine engines[BSIM_ENGINE_COUNT];
	size_t n_engines;
	step_list steps;
} scenario_build;

static void sb_error(scenario_build *b, int code, const char *fmt, ...) BSIM_PRINTF(3, 4);
static void sb_error(scenario_build *b, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	load_verror(b->ld->errs, code, b->file, b->line, b->col, fmt, ap);
	va_end(ap);
	b->errors++;
}

static void read_engines(scenario_build *b)
{
	char *many = xml_attr_dup(b->node, "engines"), *one = xml_attr_dup(b->node, "engine");
	const char *list = many ? many : one;
	if (many && one)
		sb_error(b, BSIM_EINVAL, "<scenario> takes engine= or engines=, not both");
	if (!list) {
		b->engines[b->n_engines++] = BSIM_ENGINE_CHROMIUM;
		goto out;
	}
	for (const char *p = list; *p;) {
		p += strspn(p, " \t\r\n");
		size_t len = strcspn(p, " \t\r\n");
		if (!len)
			break;
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), p);
		p += len;
		bsim_engine e;
		if (len >= sizeof name) {
			sb_error(b, BSIM_EINVAL, "unknown engine \"%.*s\": expected chromium, firefox or safari",
				 (int)(len < 200 ? len : 200), p - len);
			continue;
		}
		if (bsim_engine_from_name(&e, name) < 0) {
			/* The preset table's message: it knows the names people mean ("chrome": chromium). */
			error_state why;
			error_save(&why);
			sb_error(b, BSIM_EINVAL, "%s", why.message);
			continue;
		}
		bool dup = false;
		for (size_t i = 0; i < b->n_engines && !dup; i++)
			dup = b->engines[i] == e;
		if (dup) {
			sb_error(b, BSIM_EINVAL, "engine \"%s\" is listed twice", name);
			continue;
		}
		if (!many && b->n_engines) {
			sb_error(b, BSIM_EINVAL, "<scenario> engine=\"%s\" names more than one engine; use engines=", one);
			break;
		}
		b->engines[b->n_engines++] = e;
	}
	if (!b->n_engines && !b->errors)
		sb_error(b, BSIM_EINVAL, "<scenario> %s=\"%s\": expected chromium, firefox or safari",
			 many ? "engines" : "engine", list);
out:
	free(many);
	free(one);
}

/* expect-failure names a trace code, or a code and its detail (docs/scenario-language.md, "Trace codes"). */
static void read_expect_failure(scenario_build *b)
{
	char *v = xml_attr_dup(b->node, "expect-failure");
	if (!v)
		return;
	const char *colon = strchr(v, ':');
	size_t code_len = colon ? (size_t)(colon - v) : strlen(v);
	for (size_t i = 0; i < sizeof trace_codes / sizeof *trace_codes; i++) {
		if (strlen(trace_codes[i].code) != code_len || strncmp(trace_codes[i].code, v, code_len) != 0)
			continue;
		const char *detail = trace_codes[i].detail;
		if (!colon) {
			b->sc.expect_failure = v;
			return;
		}
		if (!detail) {
			sb_error(b, BSIM_EINVAL, "expect-failure=\"%s\": %s takes no \":...\" detail", v, trace_codes[i].code);
		} else if (strcmp(detail, "REASON") == 0) {
			bsim_cookie_reason r;
			if (bsim_cookie_reason_from_code(&r, colon + 1) < 0 || r == BSIM_REASON_NONE)
				sb_error(b, BSIM_EINVAL,
					 "expect-failure=\"%s\": \"%s\" is not a cookie reason code (bsim cookie --explain lists them)",
					 v, colon + 1);
			else
				b->sc.expect_failure = v;
		} else if (!detail_is_word(detail, colon + 1)) {
			if (strchr(detail, ' '))
				sb_error(b, BSIM_EINVAL, "expect-failure=\"%s\": expected %s, or %s:DETAIL with DETAIL one of: %s",
					 v, trace_codes[i].code, trace_codes[i].code, detail);
			else
				sb_error(b, BSIM_EINVAL, "expect-failure=\"%s\": expected %s or %s:%s", v, trace_codes[i].code,
					 trace_codes[i].code, detail);
		} else {
			b->sc.expect_failure = v;
		}
		if (!b->sc.expect_failure)
			free(v);
		return;
	}
	sb_error(b, BSIM_EINVAL,
		 "expect-failure=\"%s\": not a trace code (such as cookie-refused:public-suffix; "
		 "docs/scenario-language.md lists them)", v);
	free(v);
}

/*
 * now="2024-03-31T01:30:00Z": where the clock starts (bsim cookie --now
 * reads the same instants). `what` names the element in the message.
 * Returns false, with the message in msg, for a value that is not one.
 */
bool read_now(const char *v, const char *what, bsim_time *out, char *msg, size_t msglen)
{
	int64_t ms;
	if (time_parse_instant(v, &ms)) {
		*out = ms;
		return true;
	}
	snprintf(msg, msglen,
		 "%s now=\"%.60s\": expected an ISO 8601 instant with its zone, up to year 9999, such as "
		 "2024-03-31T01:30:00Z or 2024-03-31T03:30:00+02:00; write the instant the virtual clock starts at",
		 what, v);
	return false;
}

static void read_attributes(scenario_build *b, const suite_defaults *defaults)
{
	b->sc.name = xml_attr_dup(b->node, "name");
	if (!b->sc.name || !b->sc.name[strspn(b->sc.name, " \t\r\n")])
		sb_error(b, BSIM_EINVAL, "<scenario> name=\"%s\": expected a name", b->sc.name ? b->sc.name : "");
	read_engines(b);

	char *seed = xml_attr_dup(b->node, "seed");
	b->sc.seed = 1;
	if (seed) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(seed, &end, 10);
		if (errno || end == seed || *end || seed[0] == '-' || seed[0] == '+' || seed[0] == ' ')
			sb_error(b, BSIM_EINVAL, "<scenario> seed=\"%s\": expected a whole number from 0 to %" PRIu64, seed,
				 UINT64_MAX);
		else
			b->sc.seed = (uint64_t)v;
		free(seed);
	}

	char *tags = xml_attr_dup(b->node, "tags");
	size_t cap_tags = 0;
	for (const char *p = tags ? tags : ""; *p;) {
		p += strspn(p, " \t\r\n");
		size_t len = strcspn(p, " \t\r\n");
		if (!len)
			break;
		char *tag = strndup(p, len);
		if (!tag || ARRAY_GROW(&b->sc.tags, &cap_tags, b->sc.n_tags + 1) < 0) {
			free(tag);
			sb_error(b, BSIM_ENOMEM, "out of memory");
			break;
		}
		b->sc.tags[b->sc.n_tags++] = tag;
		p += len;
	}
	free(tags);

	/* A scenario's own now= wins over its suite's. */
	b->sc.start_time = defaults && defaults->start_given ? defaults->start_time : BSIM_DEFAULT_START_TIME;
	b->sc.start_given = defaults && defaults->start_given;
	char *now = xml_attr_dup(b->node, "now");
	if (now) {
		char msg[LOAD_MESSAGE_MAX];
		if (read_now(now, "<scenario>", &b->sc.start_time, msg, sizeof msg))
			b->sc.start_given = true;
		else
			sb_error(b, BSIM_EINVAL, "%s", msg);
		free(now);
	} else if (defaults && defaults->start_bad) {
		b->errors++; /* its start is the suite's, which is not an instant: left out, the error said once */
	}

	read_expect_failure(b);
	char *within = xml_attr_dup(b->node, "within");
	if (within) {
		int64_t ms;
		const char *unit = NULL;
		int rc = scenario_duration_parse(within, &ms, &unit);
		if (rc == 0 && ms <= EXPECT_WITHIN_MAX_MS) {
			b->sc.within_given = true;
			b->sc.within_ms = ms;
		} else {
			sb_error(b, BSIM_EINVAL, "<scenario> within=\"%s\": %s", within,
				 rc == BSIM_EINVAL ? "expected a duration such as 500ms, 2s or 1m"
						   : "a timeout is at most 1d (EXPECT_WITHIN_MAX_MS); to let more time pass, use <wait for=\"DURATION\"/>");
		}
		free(within);
	}
	char *restore = xml_attr_dup(b->node, "session-restore");
	b->sc.session_restore = restore && strcmp(restore, "true") == 0;
	free(restore);
	/* load-time=: how long each page takes from its navigation to its load event. */
	b->sc.page_load_ms = BSIM_PAGE_LOAD_DEFAULT_MS;
	char *load = xml_attr_dup(b->node, "load-time");
	const char *unit = NULL;
	if (load && scenario_duration_parse(load, &b->sc.page_load_ms, &unit) < 0)
		sb_error(b, BSIM_EINVAL, "<scenario> load-time=\"%s\": expected a duration such as \"200ms\" or \"0\"", load);
	free(load);
}

/* Every step's element has a kind, every kind's prepare accepts its step. */
static void prepare_steps(scenario_build *b)
{
	for (size_t i = 0; i < b->steps.n; i++) {
		step *s = &b->steps.v[i];
		if (!s->element)
			continue; /* built partly before an error, already reported */
		const char *tab = step_attr(s, "tab");
		if (tab && !*tab) {
			s->kind = NULL;
			bsim_error_clear();
			step_error(s, BSIM_EINVAL, "<%s> tab=\"\": expected the name of a tab", s->element);
			step_failed(b->ld, s, BSIM_EINVAL);
			b->errors++;
			continue;
		}
		const step_kind *k = step_kind_find(s->element);
		if (!k) {
			step_error(s, BSIM_EINVAL, "<%s> is not a step this bsim can run: no step kind is registered for it",
				   s->element);
			step_failed(b->ld, s, BSIM_EINVAL);
			b->errors++;
			continue;
		}
		s->kind = k;
		bsim_error_clear();
		int rc = step_prepare(s);
		/* Every path is known now: a file outside the folder is refused before anything runs. */
		if (rc == 0)
			rc = file_access_step(s, b->file, b->ld->files);
		if (rc < 0) {
			step_failed(b->ld, s, rc);
			b->errors++;
		}
	}
}

/* A <hosts> before every other step is the scenario's starting hosts file. */
static void take_leading_hosts(scenario_build *b)
{
	bool any_hosts = false;
	for (size_t i = 0; i < b->steps.n; i++)
		any_hosts |= b->steps.v[i].element && strcmp(b->steps.v[i].element, "hosts") == 0;
	char *resolve = xml_attr_dup(b->node, "resolve");
	b->sc.open_resolution = resolve ? strcmp(resolve, "open") == 0 : !any_hosts;
	free(resolve);
	/* A <hosts> placed on the clock (after=, at=) is a step even when it comes first. */
	if (!b->steps.n || !any_hosts || !b->steps.v[0].element || strcmp(b->steps.v[0].element, "hosts") != 0 ||
	    !b->steps.v[0].text || b->steps.v[0].place != STEP_PLACE_NONE)
		return;
	step *h = &b->steps.v[0];
	b->sc.hosts = h->text;
	h->text = NULL;
	b->sc.hosts_at = h->at;
	step_clear(h);
	memmove(&b->steps.v[0], &b->steps.v[1], (b->steps.n - 1) * sizeof *b->steps.v);
	b->steps.n--;
}

void scenario_fields_free(bsim_scenario *sc)
{
	free(sc->name);
	for (size_t i = 0; i < sc->n_tags; i++)
		free(sc->tags[i]);
	free(sc->tags);
	free(sc->expect_failure);
	free(sc->hosts);
	if (sc->owns_steps)
		steps_free(sc->steps, sc->n_steps);
}

static char *dup_or_null(const char *s, bool *oom)
{
	if (!s)
		return NULL;
	char *r = strdup(s);
	if (!r)
		*oom = true;
	return r;
}

/* One copy per engine: the first owns the steps, the others share them. */
static void add_copies(bsim_suite *suite, scenario_build *b)
{
	step *steps = b->steps.v;
	size_t n_steps = b->steps.n;
	for (size_t e = 0; e < b->n_engines; e++) {
		bsim_scenario c = b->sc;
		bool oom = false;
		c.name = dup_or_null(b->sc.name, &oom);
		c.expect_failure = dup_or_null(b->sc.expect_failure, &oom);
		c.hosts = dup_or_null(b->sc.hosts, &oom);
		c.tags = b->sc.n_tags ? calloc(b->sc.n_tags, sizeof *c.tags) : NULL;
		c.n_tags = 0;
		oom |= b->sc.n_tags && !c.tags;
		for (size_t i = 0; !oom && i < b->sc.n_tags; i++)
			if ((c.tags[c.n_tags] = dup_or_null(b->sc.tags[i], &oom)))
				c.n_tags++;
		c.engine = b->engines[e];
		c.steps = steps;
		c.n_steps = n_steps;
		c.owns_steps = e == 0;
		if (oom || suite_add(suite, &c) < 0) {
			c.owns_steps = false;
			scenario_fields_free(&c);
			goto oom;
		}
		if (e == 0) {
			b->steps.v = NULL; /* the suite has them now */
			b->steps.n = 0;
		}
	}
	return;
oom:
	load_error(b->ld->errs, BSIM_ENOMEM, b->file, b->line, b->col, "out of memory");
}

/*
 * The last line an element spans: libxml2 gives each node the line its
 * parsing ended on, so the text before </scenario> carries that tag's line.
 */
static int last_line_of(const xmlNode *n, int line)
{
	for (const xmlNode *c = n->children; c; c = c->next) {
		long l = xmlGetLineNo(c);
		if (l > line && l <= INT32_MAX)
			line = (int)l;
		line = last_line_of(c, line);
	}
	return line;
}

void build_scenario(loader *ld, bsim_suite *suite, const xmlNode *n, const char *file, scope *parent,
			   names_seen *seen, const suite_defaults *defaults)
{
	scenario_build b = {0};
	b.ld = ld;
	b.node = n;
	b.file = file;
	b.line = xml_node_line(n);
	b.col = xml_node_col(n);
	b.sc.at.file = file;
	b.sc.at.line = b.line;
	b.sc.at.col = b.col;
	b.sc.files = ld->files;
	b.sc.end_line = last_line_of(n, b.line);
	read_attributes(&b, defaults);
	if (b.sc.name) {
		for (size_t i = 0; i < seen->n; i++) {
			if (strcmp(seen->v[i].name, b.sc.name) == 0) {
				sb_error(&b, BSIM_EINVAL, "scenario name \"%s\" is already used at %s:%d:%d", b.sc.name, file,
					 seen->v[i].line, seen->v[i].col);
				break;
			}
		}
		if (ARRAY_GROW(&seen->v, &seen->cap, seen->n + 1) == 0 && (seen->v[seen->n].name = strdup(b.sc.name))) {
			seen->v[seen->n].line = b.line;
			seen->v[seen->n].col = b.col;
			seen->n++;
		}
	}
	scope *sc = scope_new(parent);
	if (!sc) {
		sb_error(&b, BSIM_ENOMEM, "out of memory");
	} else {
		b.errors += scope_add_from(ld, sc, n, file);
		b.errors += expand_steps(ld, &b.steps, n, file, sc);
		scope_free(sc);
	}
	prepare_steps(&b);
	take_leading_hosts(&b);
	if (!b.errors)
		add_copies(suite, &b);
	steps_free(b.steps.v, b.steps.n);
	b.sc.owns_steps = false;
	scenario_fields_free(&b.sc);
}
