/*
 * fuzz_support.c: the invariants and snapshots the harnesses share
 * (fuzz_support.h). Written for clarity over speed: a harness checks a jar
 * of at most a few hundred cookies per input.
 */
#include "fuzz_support.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cookie/parse.h"
#include "cookie/preset.h"
#include "net/host.h"
#include "net/psl.h"
#include "util/buf.h"
#include "util/strmap.h"

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("fuzz invariant failed: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void fuzz_count_event(const bsim_cookie_event *ev, void *userdata)
{
	fuzz_events *e = userdata;
	FUZZ_CHECK((unsigned)ev->kind <= BSIM_COOKIE_UNCHANGED, "event kind %d", (int)ev->kind);
	FUZZ_CHECK(ev->message && *ev->message, "an event without a sentence");
	FUZZ_CHECK((unsigned)ev->reason < BSIM_REASON_COUNT, "reason %d", (int)ev->reason);
	/* Refusals and removals say why (a cookie that arrived expired and deleted its twin: "expired"); stores do not. */
	bool needs_reason = ev->kind == BSIM_COOKIE_REFUSED || ev->kind == BSIM_COOKIE_EVICTED ||
			    ev->kind == BSIM_COOKIE_EXPIRED || ev->kind == BSIM_COOKIE_SESSION_ENDED;
	if (ev->kind == BSIM_COOKIE_DELETED)
		FUZZ_CHECK(ev->reason == BSIM_REASON_EXPIRED, "a deletion with reason %s", bsim_cookie_reason_code(ev->reason));
	else
		FUZZ_CHECK(needs_reason == (ev->reason != BSIM_REASON_NONE), "event %d with reason %s", (int)ev->kind,
			   bsim_cookie_reason_code(ev->reason));
	e->n[ev->kind]++;
}

size_t fuzz_outcomes(const fuzz_events *ev)
{
	return ev->n[BSIM_COOKIE_STORED] + ev->n[BSIM_COOKIE_REPLACED] + ev->n[BSIM_COOKIE_UNCHANGED] +
	       ev->n[BSIM_COOKIE_DELETED] + ev->n[BSIM_COOKIE_REFUSED];
}

typedef struct jar_walk {
	size_t count;
	char **keys;
	size_t n_keys;
	strmap per_domain; /* bucket key -> count (as a pointer-sized integer) */
} jar_walk;

/* RFC 6265bis §5.6 step 1: every CTL but HTAB voids a cookie. */
static bool has_ctl(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7F)
			return true;
	return false;
}

static int check_cookie(const bsim_cookie_view *c, void *userdata)
{
	jar_walk *w = userdata;
	size_t nl = strlen(c->name), vl = strlen(c->value);
	FUZZ_CHECK(nl + vl > 0, "a stored cookie with neither name nor value");
	FUZZ_CHECK(nl + vl <= COOKIE_MAX_NAME_VALUE, "stored cookie %.40s: name+value %zu bytes", c->name, nl + vl);
	FUZZ_CHECK(!has_ctl(c->name) && !has_ctl(c->value) && !has_ctl(c->path),
		   "stored cookie %.40s holds a control character", c->name);
	FUZZ_CHECK(c->path[0] == '/', "stored cookie %.40s: path \"%.40s\"", c->name, c->path);
	FUZZ_CHECK((unsigned)c->same_site <= BSIM_SAMESITE_STRICT, "samesite %d", (int)c->same_site);
	FUZZ_CHECK((unsigned)c->priority <= BSIM_PRIORITY_HIGH, "priority %d", (int)c->priority);

	buf k = BUF_INIT;
	buf_printf(&k, "%s\n%s\n%d\n%s\n%s", c->name, c->domain, c->host_only ? 1 : 0, c->path,
		   c->partition_key ? c->partition_key : "\x01(none)");
	FUZZ_CHECK(buf_status(&k) == 0, "out of memory");
	char **keys = realloc(w->keys, (w->n_keys + 1) * sizeof *keys);
	FUZZ_CHECK(keys, "out of memory");
	w->keys = keys;
	w->keys[w->n_keys++] = buf_detach(&k);

	char reg[HOST_NAME_MAX_LEN + 8];
	const char *bucket = c->domain;
	if (*c->domain && psl_registrable_domain(c->domain, reg, sizeof reg))
		bucket = reg;
	size_t bl = strlen(bucket);
	uintptr_t n = (uintptr_t)strmap_get(&w->per_domain, bucket, bl);
	FUZZ_CHECK(strmap_put(&w->per_domain, bucket, bl, (void *)(n + 1)) == 0, "out of memory");
	w->count++;
	return 0;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct limit_check {
	int max;
	const char *engine;
} limit_check;

static void check_domain_count(const char *key, void *value, void *ud)
{
	const limit_check *lc = ud;
	int n = (int)(uintptr_t)value;
	FUZZ_CHECK(n <= lc->max, "%s: %d cookies for domain \"%.60s\", over the cap of %d", lc->engine, n, key,
		   lc->max);
}

void fuzz_check_jar(bsim_jar *jar, bool limits)
{
	jar_walk w;
	memset(&w, 0, sizeof w);
	FUZZ_CHECK(bsim_jar_foreach(jar, check_cookie, &w) == 0, "foreach stopped");
	/* Expired cookies count until swept, and foreach skips them. */
	FUZZ_CHECK(w.count <= bsim_jar_count(jar), "bsim_jar_count %zu, foreach visits %zu", bsim_jar_count(jar),
		   w.count);
	if (w.n_keys > 1)
		qsort(w.keys, w.n_keys, sizeof *w.keys, by_string);
	for (size_t i = 1; i < w.n_keys; i++)
		FUZZ_CHECK(strcmp(w.keys[i - 1], w.keys[i]) != 0, "two equivalent cookies in the jar: %.200s",
			   w.keys[i]);
	const cookie_preset *p = cookie_preset_get(bsim_jar_engine(jar));
	if (limits && p->eviction != EVICT_NONE && p->domain_max > 0) {
		limit_check lc = {p->domain_max, p->name};
		strmap_foreach(&w.per_domain, check_domain_count, &lc);
	}
	for (size_t i = 0; i < w.n_keys; i++)
		free(w.keys[i]);
	free(w.keys);
	strmap_free(&w.per_domain);
}

typedef struct snap {
	buf out;
	bool exact;
	bsim_time now;
	bsim_samesite unspecified_as;
} snap;

static int snap_cookie(const bsim_cookie_view *c, void *userdata)
{
	snap *s = userdata;
	if (!s->exact && c->persistent && c->expires <= s->now)
		return 0;
	buf_printf(&s->out, "cookie %s=%s domain=%s host_only=%d path=%s secure=%d http_only=%d persistent=%d "
			    "same_site=%d priority=%d partition=%s",
		   c->name, c->value, c->domain, c->host_only, c->path, c->secure, c->http_only, c->persistent,
		   (int)(c->same_site == BSIM_SAMESITE_UNSPECIFIED ? s->unspecified_as : c->same_site), (int)c->priority,
		   c->partition_key ? c->partition_key : "(none)");
	if (c->persistent)
		buf_printf(&s->out, " expires=%lld", (long long)c->expires);
	if (s->exact)
		buf_printf(&s->out, " creation=%lld last_access=%lld seq=%llu", (long long)c->creation,
			   (long long)c->last_access, (unsigned long long)c->creation_seq);
	buf_putc(&s->out, '\n');
	return 0;
}

static int snap_local(const char *origin, const char *key, const char *value, void *userdata)
{
	snap *s = userdata;
	buf_printf(&s->out, "local %s %s=%s\n", origin, key, value);
	return 0;
}

char *fuzz_snapshot(bsim_browser *b, bool exact)
{
	return fuzz_snapshot_as(b, exact, BSIM_SAMESITE_UNSPECIFIED);
}

char *fuzz_snapshot_as(bsim_browser *b, bool exact, bsim_samesite unspecified_as)
{
	snap s = {BUF_INIT, exact, bsim_browser_now(b), unspecified_as};
	bsim_jar *jar = bsim_browser_jar(b);
	FUZZ_OK(bsim_jar_foreach(jar, snap_cookie, &s));
	FUZZ_OK(bsim_browser_local_foreach(b, snap_local, &s));
	FUZZ_CHECK(buf_status(&s.out) == 0, "out of memory");
	char *text = buf_detach(&s.out);
	FUZZ_CHECK(text, "out of memory");
	return text;
}

bsim_browser *fuzz_browser(bsim_engine engine)
{
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	o.engine = engine;
	o.open_resolution = 1;
	bsim_browser *b = NULL;
	FUZZ_OK(bsim_browser_new(&b, &o));
	return b;
}

void fuzz_populate(bsim_browser *b)
{
	static const char *const headers[] = {
		"_genesys.widgets.webchat.state.session=abc; Domain=.testsite.com; Path=/",
		"persist=1; Max-Age=86400; Secure; SameSite=Lax",
		"__Host-id=7; Secure; Path=/; HttpOnly",
	};
	bsim_response resp = {headers, sizeof headers / sizeof headers[0]};
	int tab;
	FUZZ_OK(bsim_tab_open(&tab, b, "https://www.testsite.com/", &resp));
	FUZZ_OK(bsim_storage_set(b, tab, BSIM_STORAGE_LOCAL, "_genesys.widgets.webchat.state", "{\"open\":true}"));
	FUZZ_OK(bsim_browser_local_set(b, "http://localhost:8080", "k", "v"));
}

const char *fuzz_tmpdir(void)
{
	static char dir[512];
	if (!dir[0]) {
		/* tests/fuzz/run points TMPDIR into its work directory and removes it afterwards. */
		const char *base = getenv("TMPDIR");
		if (!base || !*base || strlen(base) > 400)
			base = "/tmp";
		snprintf(dir, sizeof dir, "%s/bsim-fuzz-%ld", base, (long)getpid());
		FUZZ_CHECK(mkdir(dir, 0700) == 0 || access(dir, W_OK) == 0, "cannot make %s", dir);
	}
	return dir;
}

char *fuzz_strndup(const uint8_t *data, size_t len)
{
	char *s = malloc(len + 1);
	FUZZ_CHECK(s, "out of memory");
	if (len)
		memcpy(s, data, len);
	s[len] = '\0';
	return s;
}
