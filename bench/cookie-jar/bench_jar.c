/*
 * bench_jar.c: the bsim side of the cookie-jar benchmark (bench/README.md).
 *
 * Reads an op file written by gen.py (the format `bsim cookie` reads), splits
 * it into ops in memory, untimed, then runs them against one jar through
 * the public API of include/bsim/cookie.h only, timing the op loop alone
 * with CLOCK_MONOTONIC: wall-clock time is what a benchmark measures, while
 * the jar itself only ever sees its virtual clock. It prints one RESULT
 * line that bench/cookie-jar/run reads, in the same shape as the peers'
 * (tough.js, pyjar.py), plus the memory the jar holds per stored cookie.
 *
 *   bench-jar [--engine chromium|firefox|safari] [--events] [--expire-on-wait] FILE
 *
 * --expire-on-wait also calls bsim_jar_expire after each wait, as the
 * simulated browser's wait does (so that its trace shows each expiry when
 * it happens): it shows what that sweep costs on a large jar.
 */
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bsim/cookie.h"

/* The CLI's default virtual "now", 2015-01-01T00:00:00Z: gen.py dates its Expires from it. */
#define START_MS INT64_C(1420070400000)
/* Read size: large enough that a 240 MB workload is a few thousand reads. */
#define READ_CHUNK (1 << 20)

typedef enum op_kind { OP_SET, OP_SCRIPT, OP_GET, OP_READ, OP_WAIT, OP_CLOSE, OP_DUMP } op_kind;

typedef struct op {
	op_kind kind;
	const char *url;   /* NUL-terminated inside the file's text */
	const char *value; /* set and script: value_len bytes */
	size_t value_len;
	int64_t wait_ms;
} op;

typedef struct op_list {
	char *text;
	size_t text_len;
	op *ops;
	size_t count;
} op_list;

static const char *const op_names[] = {
	[OP_SET] = "set", [OP_SCRIPT] = "script", [OP_GET] = "get", [OP_READ] = "read",
	[OP_WAIT] = "wait", [OP_CLOSE] = "close", [OP_DUMP] = "dump",
};
#define OP_KINDS (sizeof op_names / sizeof op_names[0])

static int read_file(op_list *l, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "bench-jar: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t cap = READ_CHUNK, len = 0;
	char *text = malloc(cap + 1);
	size_t n;
	while (text && (n = fread(text + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			char *bigger = realloc(text, cap * 2 + 1);
			if (!bigger) {
				free(text);
				text = NULL;
				break;
			}
			text = bigger;
			cap *= 2;
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (!text || bad) {
		fprintf(stderr, "bench-jar: %s: could not read it whole\n", path);
		free(text);
		return -1;
	}
	text[len] = '\0';
	l->text = text;
	l->text_len = len;
	return 0;
}

/*
 * Split the text into ops, in place: each URL's end becomes a NUL. The
 * value of a set or script is the rest of its line after the one space
 * that follows the URL, as in sim/scenario/read/ops.c. gen.py writes only
 * well-formed lines, so a line this cannot read is reported and fatal.
 */
static int parse_ops(op_list *l, const char *path)
{
	size_t lines = 1;
	for (size_t i = 0; i < l->text_len; i++)
		lines += l->text[i] == '\n';
	l->ops = malloc(lines * sizeof *l->ops);
	if (!l->ops)
		return -1;
	char *p = l->text, *end = l->text + l->text_len;
	size_t line_no = 0;
	while (p < end) {
		line_no++;
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *eol = nl ? nl : end;
		char *next = nl ? nl + 1 : end;
		if (eol > p && eol[-1] == '\r')
			eol--;
		*eol = '\0';
		if (eol == p || *p == '#') {
			p = next;
			continue;
		}
		char *sp = strchr(p, ' ');
		size_t word = sp ? (size_t)(sp - p) : (size_t)(eol - p);
		size_t k;
		for (k = 0; k < OP_KINDS; k++)
			if (strlen(op_names[k]) == word && memcmp(op_names[k], p, word) == 0)
				break;
		if (k == OP_KINDS)
			goto bad;
		op o = {.kind = (op_kind)k};
		if (o.kind == OP_WAIT) {
			if (!sp)
				goto bad;
			char *digits_end;
			long long s = strtoll(sp + 1, &digits_end, 10);
			if (digits_end == sp + 1 || s < 0)
				goto bad;
			o.wait_ms = (int64_t)s * 1000;
		} else if (o.kind != OP_CLOSE && o.kind != OP_DUMP) {
			if (!sp)
				goto bad;
			char *url = sp + 1;
			char *url_end = strchr(url, ' ');
			if (o.kind == OP_SET || o.kind == OP_SCRIPT) {
				if (!url_end)
					goto bad;
				o.value = url_end + 1;
				o.value_len = (size_t)(eol - o.value);
				*url_end = '\0';
			} else if (url_end) {
				*url_end = '\0';
			}
			o.url = url;
		}
		l->ops[l->count++] = o;
		p = next;
	}
	return 0;
bad:
	fprintf(stderr, "bench-jar: %s:%zu: not an op line gen.py writes\n", path, line_no);
	return -1;
}

/* Bytes the allocator has handed out and not had back, mmapped blocks included. */
static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

static double seconds_since(clockid_t clock, const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(clock, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The bytes of a cookie's own strings, the floor any jar pays to hold it. */
static int add_string_bytes(const bsim_cookie_view *c, void *userdata)
{
	size_t *sum = userdata;
	*sum += strlen(c->name) + strlen(c->value) + strlen(c->domain) + strlen(c->path);
	return 0;
}

static int count_cookie(const bsim_cookie_view *c, void *userdata)
{
	(void)c;
	(*(size_t *)userdata)++;
	return 0;
}

/* --events: what the jar did, to check a workload refuses and evicts what it should. */
static size_t event_counts[BSIM_COOKIE_SESSION_ENDED + 1];

static void count_event(const bsim_cookie_event *event, void *userdata)
{
	(void)userdata;
	if ((unsigned)event->kind <= BSIM_COOKIE_SESSION_ENDED)
		event_counts[event->kind]++;
}

static void usage(void)
{
	fputs("usage: bench-jar [--engine chromium|firefox|safari] [--events] [--expire-on-wait] FILE\n",
	      stderr);
}

int main(int argc, char **argv)
{
	bsim_engine engine = BSIM_ENGINE_CHROMIUM;
	const char *path = NULL;
	int events = 0, expire_on_wait = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--engine") == 0 && i + 1 < argc) {
			if (bsim_engine_from_name(&engine, argv[++i]) < 0) {
				fprintf(stderr, "bench-jar: unknown engine \"%s\"\n", argv[i]);
				return 2;
			}
		} else if (strcmp(argv[i], "--events") == 0) {
			events = 1;
		} else if (strcmp(argv[i], "--expire-on-wait") == 0) {
			expire_on_wait = 1;
		} else if (argv[i][0] == '-' || path) {
			usage();
			return 2;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		usage();
		return 2;
	}

	op_list l = {0};
	bsim_jar *jar = NULL;
	int status = 3;
	if (read_file(&l, path) < 0 || parse_ops(&l, path) < 0)
		goto out;

	/* The baseline is taken once the ops are in memory: they stay, so they cancel out. */
	size_t heap_before = heap_in_use();
	if (bsim_jar_new(&jar, engine) < 0) {
		fprintf(stderr, "bench-jar: bsim_jar_new: %s\n", bsim_error_last()->message);
		goto out;
	}
	if (events)
		bsim_jar_set_observer(jar, count_event, NULL);
	bsim_time now = START_MS;
	bsim_jar_set_time(jar, now);
	const bsim_cookie_ctx ctx = BSIM_COOKIE_CTX_NAVIGATE;

	/* Cookie bytes sent, summed: a check that the peers answer alike, and a use of each result. */
	uint64_t sent_bytes = 0;
	size_t failures = 0;
	struct timespec t0, cpu0;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < l.count; i++) {
		const op *o = &l.ops[i];
		char *out = NULL;
		int rc = 0;
		switch (o->kind) {
		case OP_SET:
			rc = bsim_jar_set_cookie(jar, o->url, o->value, o->value_len, &ctx);
			break;
		case OP_SCRIPT:
			rc = bsim_jar_script_set(jar, o->url, o->value, o->value_len, &ctx);
			break;
		case OP_GET:
			rc = bsim_jar_cookie_header(&out, jar, o->url, &ctx);
			break;
		case OP_READ:
			rc = bsim_jar_script_get(&out, jar, o->url, &ctx);
			break;
		case OP_WAIT:
			now += o->wait_ms;
			bsim_jar_set_time(jar, now);
			if (expire_on_wait)
				bsim_jar_expire(jar);
			break;
		case OP_CLOSE:
			bsim_jar_end_session(jar);
			break;
		case OP_DUMP: {
			size_t n = 0;
			rc = bsim_jar_foreach(jar, count_cookie, &n);
			break;
		}
		}
		if (out) {
			sent_bytes += strlen(out);
			free(out);
		}
		if (rc < 0)
			failures++;
	}
	double seconds = seconds_since(CLOCK_MONOTONIC, &t0);
	/* CPU time too: on a busy machine it shows how much of the wall time was the jar's own. */
	double cpu_seconds = seconds_since(CLOCK_PROCESS_CPUTIME_ID, &cpu0);

	size_t cookies = bsim_jar_count(jar);
	size_t string_bytes = 0;
	bsim_jar_foreach(jar, add_string_bytes, &string_bytes);
	size_t heap_after = heap_in_use();
	double per_cookie = 0, beyond = 0;
	if (cookies) {
		double held = heap_after > heap_before ? (double)(heap_after - heap_before) : 0;
		per_cookie = held / (double)cookies;
		beyond = (held - (double)string_bytes) / (double)cookies;
	}
	printf("RESULT peer=bsim%s engine=%s ops=%zu seconds=%.4f ops_per_s=%.0f cpu_seconds=%.4f cookies=%zu "
	       "bytes_per_cookie=%.0f beyond_strings=%.0f string_bytes_per_cookie=%.1f sent_bytes=%" PRIu64
	       " failures=%zu\n",
	       expire_on_wait ? "+expire-on-wait" : "", bsim_engine_name(engine), l.count, seconds,
	       seconds > 0 ? (double)l.count / seconds : 0,
	       cpu_seconds, cookies, per_cookie, beyond, cookies ? (double)string_bytes / (double)cookies : 0.0,
	       sent_bytes, failures);
	if (events) {
		static const char *const kinds[] = {"stored", "replaced", "deleted", "refused",
						    "evicted", "expired", "session_ended"};
		printf("EVENTS");
		for (size_t k = 0; k <= BSIM_COOKIE_SESSION_ENDED; k++)
			printf(" %s=%zu", kinds[k], event_counts[k]);
		printf("\n");
	}
	status = failures ? 1 : 0;
out:
	bsim_jar_free(jar);
	free(l.ops);
	free(l.text);
	return status;
}
