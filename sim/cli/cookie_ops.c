/*
 * cookie_ops.c: reading and checking the op files of cookie_ops.h.
 *
 * The text is split in place: the end of each URL is overwritten with a
 * NUL so that ops point into the one buffer and a large file costs no copy.
 * A set or script value is the rest of its line after the single space
 * that follows the URL, byte for byte: a Set-Cookie value's leading spaces,
 * tabs and even NUL bytes are what some conformance cases are about.
 */
#include "cli/cookie_ops.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

/* Quoted user text in a message is cut to this many bytes: enough to recognise it. */
#define QUOTE_MAX 60

static const char *const op_names[] = {
	[COOKIE_OP_SET] = "set",
	[COOKIE_OP_SCRIPT] = "script",
	[COOKIE_OP_GET] = "get",
	[COOKIE_OP_READ] = "read",
	[COOKIE_OP_WAIT] = "wait",
	[COOKIE_OP_CLOSE] = "close",
	[COOKIE_OP_DUMP] = "dump",
};
#define OP_COUNT (sizeof op_names / sizeof op_names[0])

const char *cookie_op_name(cookie_op_kind kind)
{
	return (unsigned)kind < OP_COUNT ? op_names[kind] : "?";
}

int cookie_ops_read(cookie_op_list *list, FILE *f, const char *file, buf *diag)
{
	buf text = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (text.len + n > COOKIE_OPS_MAX_INPUT) {
			buf_free(&text);
			buf_printf(diag,
				   "%s: error: input is larger than %d bytes (COOKIE_OPS_MAX_INPUT, 16 MiB); "
				   "split it into several op files\n",
				   file, COOKIE_OPS_MAX_INPUT);
			return BSIM_ELIMIT;
		}
		if (buf_put(&text, chunk, n) < 0) {
			buf_free(&text);
			return BSIM_ENOMEM;
		}
	}
	if (ferror(f)) {
		int e = errno;
		buf_free(&text);
		buf_printf(diag, "%s: error: could not read: %s\n", file, strerror(e));
		return BSIM_EIO;
	}
	list->text_len = text.len;
	/* Always allocated and NUL-terminated, even when empty: the last URL may end at the end. */
	list->text = buf_detach(&text);
	return list->text ? 0 : error_oom();
}

/* s[0..len) for a message: quoted, cut at QUOTE_MAX, anything unprintable as \xNN. */
static void quote(buf *b, const char *s, size_t len)
{
	size_t shown = len > QUOTE_MAX ? QUOTE_MAX : len;
	buf_putc(b, '"');
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c >= 0x7F)
			buf_printf(b, "\\x%02x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
	if (shown < len)
		buf_puts(b, "...");
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

typedef struct parser {
	cookie_op_list *list;
	const char *file;
	buf *diag;
	int errors;
	bsim_jar *scratch;  /* URLs are checked by asking it for a Cookie header */
	int64_t clock_ms;   /* where the virtual clock will be after the ops so far */
} parser;

/* Start a FILE:LINE: error: line in diag; the caller finishes it with a newline. */
static buf *error_at(parser *p, int line)
{
	p->errors++;
	buf_printf(p->diag, "%s:%d: error: ", p->file, line);
	return p->diag;
}

static int push(parser *p, const cookie_op *op)
{
	cookie_op_list *l = p->list;
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		cookie_op *ops = realloc(l->ops, cap * sizeof *ops);
		if (!ops)
			return error_oom();
		l->ops = ops;
		l->cap = cap;
	}
	l->ops[l->count++] = *op;
	return 0;
}

/*
 * Check a URL by asking a scratch jar for its Cookie header: the jar parses
 * it exactly as the run will, and says BSIM_EINVAL for a URL it cannot use.
 * Returns 0 when it is good, 1 when it is bad (reported), < 0 on failure.
 */
static int check_url(parser *p, int line, cookie_op_kind kind, const char *url)
{
	char *header = NULL;
	bsim_cookie_ctx ctx = BSIM_COOKIE_CTX_NAVIGATE;
	int rc = bsim_jar_cookie_header(&header, p->scratch, url, &ctx);
	free(header);
	if (rc == 0)
		return 0;
	if (rc != BSIM_EINVAL)
		return rc;
	/* The parser's message names the URL, what is wrong with it and how to write it. */
	buf *d = error_at(p, line);
	buf_printf(d, "\"%s\" needs an absolute http, https, ws, wss or file URL: %s\n", cookie_op_name(kind),
		   bsim_error_last()->message);
	bsim_error_clear();
	return 1;
}

/* True when s[0..len) holds only spaces and tabs. */
static bool only_blanks(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_blank(s[i]))
			return false;
	return true;
}

/* The op after its name: rest[0..len) starts just after the op word. */
static int parse_url_op(parser *p, cookie_op *op, char *rest, size_t len)
{
	const char *name = cookie_op_name(op->kind);
	bool wants_value = op->kind == COOKIE_OP_SET || op->kind == COOKIE_OP_SCRIPT;
	size_t i = 0;
	while (i < len && is_blank(rest[i]))
		i++;
	if (i == len) {
		buf *d = error_at(p, op->line);
		if (wants_value)
			buf_printf(d, "\"%s\" needs a URL and a %s, e.g. %s https://www.shop.com/ id=1; Path=/\n",
				   name, op->kind == COOKIE_OP_SET ? "Set-Cookie value" : "cookie string",
				   name);
		else
			buf_printf(d, "\"%s\" needs a URL, e.g. %s https://www.shop.com/\n", name, name);
		return 1;
	}
	char *url = rest + i;
	size_t url_len = 0;
	while (i + url_len < len && rest[i + url_len] != ' ')
		url_len++;
	if (memchr(url, '\0', url_len)) {
		buf *d = error_at(p, op->line);
		buf_puts(d, "the URL contains a NUL byte; remove it\n");
		return 1;
	}
	size_t after = i + url_len; /* index of the separator, or len */
	if (wants_value) {
		if (after == len) {
			buf *d = error_at(p, op->line);
			buf_printf(d, "\"%s\" needs a %s after the URL, separated by one space "
				      "(for an empty value, end the line with that one space)\n",
				   name, op->kind == COOKIE_OP_SET ? "Set-Cookie value" : "cookie string");
			return 1;
		}
		op->value = rest + after + 1;
		op->value_len = len - after - 1;
	} else if (!only_blanks(rest + after, len - after)) {
		const char *junk = rest + after;
		size_t junk_len = len - after;
		while (junk_len && is_blank(*junk)) {
			junk++;
			junk_len--;
		}
		buf *d = error_at(p, op->line);
		buf_puts(d, "unexpected text after the URL: ");
		quote(d, junk, junk_len);
		buf_printf(d, "; \"%s\" takes only a URL\n", name);
		return 1;
	}
	url[url_len] = '\0'; /* the separator, the line's end, or the text's final NUL */
	op->url = url;
	return check_url(p, op->line, op->kind, url);
}

static int parse_wait(parser *p, cookie_op *op, const char *rest, size_t len)
{
	size_t i = 0;
	while (i < len && is_blank(rest[i]))
		i++;
	size_t start = i;
	int64_t seconds = 0;
	bool overflow = false;
	while (i < len && rest[i] >= '0' && rest[i] <= '9') {
		if (seconds > (COOKIE_OPS_CLOCK_MAX_MS / 1000) / 10)
			overflow = true;
		else
			seconds = seconds * 10 + (rest[i] - '0');
		i++;
	}
	bool digits = i > start;
	if (!digits || !only_blanks(rest + i, len - i)) {
		buf *d = error_at(p, op->line);
		buf_puts(d, "\"wait\" needs a whole number of seconds, e.g. wait 3600");
		if (len > start) {
			buf_puts(d, " (was ");
			quote(d, rest + start, len - start);
			buf_putc(d, ')');
		}
		buf_putc(d, '\n');
		return 1;
	}
	if (overflow || seconds * 1000 > COOKIE_OPS_CLOCK_MAX_MS - p->clock_ms) {
		buf *d = error_at(p, op->line);
		buf_puts(d, "wait ");
		quote(d, rest + start, i - start);
		buf_puts(d, " takes the virtual clock past 9999-12-31T23:59:59Z, the latest instant "
			    "bsim can print; wait less\n");
		return 1;
	}
	op->wait_ms = seconds * 1000;
	p->clock_ms += op->wait_ms;
	return 0;
}

static int parse_line(parser *p, int line, char *s, size_t len)
{
	size_t i = 0;
	while (i < len && is_blank(s[i]))
		i++;
	if (i == len || s[i] == '#')
		return 0;
	size_t word = i;
	while (i < len && !is_blank(s[i]))
		i++;
	size_t word_len = i - word;
	cookie_op op = {.line = line};
	size_t k;
	for (k = 0; k < OP_COUNT; k++)
		if (strlen(op_names[k]) == word_len && memcmp(op_names[k], s + word, word_len) == 0)
			break;
	if (k == OP_COUNT) {
		buf *d = error_at(p, line);
		buf_puts(d, "unknown operation ");
		quote(d, s + word, word_len);
		buf_puts(d, "; expected set, script, get, read, wait, close or dump "
			    "(a # starts a comment line)\n");
		return 1;
	}
	op.kind = (cookie_op_kind)k;
	int rc;
	switch (op.kind) {
	case COOKIE_OP_SET:
	case COOKIE_OP_SCRIPT:
	case COOKIE_OP_GET:
	case COOKIE_OP_READ:
		rc = parse_url_op(p, &op, s + i, len - i);
		break;
	case COOKIE_OP_WAIT:
		rc = parse_wait(p, &op, s + i, len - i);
		break;
	default:
		rc = 0;
		if (!only_blanks(s + i, len - i)) {
			const char *junk = s + i;
			size_t junk_len = len - i;
			while (junk_len && is_blank(*junk)) {
				junk++;
				junk_len--;
			}
			buf *d = error_at(p, line);
			buf_printf(d, "unexpected text after \"%s\": ", op_names[k]);
			quote(d, junk, junk_len);
			buf_printf(d, "; \"%s\" takes no argument\n", op_names[k]);
			rc = 1;
		}
		break;
	}
	if (rc != 0)
		return rc;
	return push(p, &op);
}

int cookie_ops_parse(cookie_op_list *list, const char *file, bsim_engine engine, bsim_time start,
		     buf *diag)
{
	parser p = {.list = list, .file = file, .diag = diag, .clock_ms = start};
	int rc = bsim_jar_new(&p.scratch, engine);
	if (rc < 0)
		return rc;
	char *text = list->text;
	size_t pos = 0;
	int line = 0;
	while (pos < list->text_len) {
		line++;
		char *nl = memchr(text + pos, '\n', list->text_len - pos);
		size_t end = nl ? (size_t)(nl - text) : list->text_len;
		size_t len = end - pos;
		/* CRLF files: the CR belongs to the line ending, not to the value. */
		if (len && text[pos + len - 1] == '\r')
			len--;
		if (len > COOKIE_OPS_MAX_LINE) {
			buf *d = error_at(&p, line);
			buf_printf(d, "line is %zu bytes, longer than the %d bytes a line may hold "
				      "(COOKIE_OPS_MAX_LINE, 1 MiB); shorten the value\n",
				   len, COOKIE_OPS_MAX_LINE);
			rc = 1;
		} else {
			rc = parse_line(&p, line, text + pos, len);
		}
		if (rc < 0)
			goto out;
		if (p.errors >= COOKIE_OPS_MAX_ERRORS && (nl && end + 1 < list->text_len)) {
			buf_printf(diag, "%s: error: stopped after %d bad lines (COOKIE_OPS_MAX_ERRORS); "
					 "fix these and run again\n",
				   file, p.errors);
			break;
		}
		pos = end + 1;
	}
	rc = p.errors ? BSIM_EINVAL : 0;
out:
	bsim_jar_free(p.scratch);
	return rc;
}

void cookie_op_list_free(cookie_op_list *list)
{
	free(list->text);
	free(list->ops);
	*list = (cookie_op_list)COOKIE_OP_LIST_INIT;
}
