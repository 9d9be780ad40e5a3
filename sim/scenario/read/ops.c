/*
 * ops.c: reading and checking the op files of ops.h: the input, its lines,
 * the op words, and the cookie jar ops (set, script, get, read, wait,
 * close, dump). The browser ops are checked in ops_check.c.
 *
 * The text is split in place: the end of each URL, name and line is
 * overwritten with a NUL so that ops point into the one buffer and a large
 * file costs no copy. A set or script value is the rest of its line after
 * the single space that follows the URL, byte for byte: a Set-Cookie
 * value's leading spaces, tabs and even NUL bytes are what some conformance
 * cases are about.
 */
#include "scenario/read/ops.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "net/url.h"
#include "scenario/read/ops_internal.h"
#include "util/error.h"
#include "util/grow.h"
#include "util/suggest.h"

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
	[COOKIE_OP_RESPOND] = "respond",
	[COOKIE_OP_HOSTS] = "hosts",
	[COOKIE_OP_TAB] = "tab",
	[COOKIE_OP_OPEN] = "open",
	[COOKIE_OP_NAVIGATE] = "navigate",
	[COOKIE_OP_RELOAD] = "reload",
	[COOKIE_OP_BACK] = "back",
	[COOKIE_OP_FOCUS] = "focus",
	[COOKIE_OP_CLOSE_TAB] = "close-tab",
	[COOKIE_OP_LOCAL] = "local",
	[COOKIE_OP_SESSION] = "session",
	[COOKIE_OP_LISTEN] = "listen",
	[COOKIE_OP_RESTART] = "restart",
	[COOKIE_OP_SAVE] = "save",
	[COOKIE_OP_LOAD] = "load",
	[COOKIE_OP_IMPORT] = "import",
	[COOKIE_OP_EXPORT] = "export",
	[COOKIE_OP_TRACE] = "trace",
};
#define OP_COUNT (sizeof op_names / sizeof op_names[0])
_Static_assert(OP_COUNT == COOKIE_OP_KIND_COUNT, "every op has a name");

/* The first op of the browser vocabulary: files that use none get the messages of the jar ops alone. */
#define FIRST_BROWSER_OP COOKIE_OP_RESPOND

static const char *const method_names[] = {
	[COOKIE_STORAGE_SET] = "setItem",
	[COOKIE_STORAGE_GET] = "getItem",
	[COOKIE_STORAGE_REMOVE] = "removeItem",
	[COOKIE_STORAGE_CLEAR] = "clear",
	[COOKIE_STORAGE_LENGTH] = "length",
	[COOKIE_STORAGE_KEY] = "key",
};

const char *cookie_op_name(cookie_op_kind kind)
{
	return (unsigned)kind < OP_COUNT ? op_names[kind] : "?";
}

const char *cookie_storage_method_name(cookie_storage_method method)
{
	return (unsigned)method < sizeof method_names / sizeof method_names[0] ? method_names[method] : "?";
}

/* A fault of the whole file: raised, and kept as its one diagnostic. */
static int file_error(cookie_op_list *list, int code, const char *file, const char *text)
{
	if (ops_diag_add(list, 0, text) < 0)
		return BSIM_ENOMEM;
	return error_set_at(code, file, 0, 0, "%s", text);
}

int cookie_ops_read(cookie_op_list *list, FILE *f, const char *file)
{
	buf text = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (text.len + n > COOKIE_OPS_MAX_INPUT) {
			buf_free(&text);
			char msg[160];
			snprintf(msg, sizeof msg,
				 "input is larger than %d bytes (COOKIE_OPS_MAX_INPUT, 16 MiB); split it into several op files",
				 COOKIE_OPS_MAX_INPUT);
			return file_error(list, BSIM_ELIMIT, file, msg);
		}
		if (buf_put(&text, chunk, n) < 0) {
			buf_free(&text);
			return BSIM_ENOMEM;
		}
	}
	if (ferror(f)) {
		int e = errno;
		buf_free(&text);
		char msg[160];
		snprintf(msg, sizeof msg, "could not read: %s", strerror(e));
		return file_error(list, BSIM_EIO, file, msg);
	}
	list->text_len = text.len;
	/* Always allocated and NUL-terminated, even when empty: the last URL may end at the end. */
	list->text = buf_detach(&text);
	return list->text ? 0 : error_oom();
}

void ops_quote(buf *b, const char *s, size_t len)
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

bool ops_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

bool ops_only_blanks(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!ops_is_blank(s[i]))
			return false;
	return true;
}

buf *ops_error_at(parser *p, int line)
{
	buf_clear(&p->msg);
	p->msg_line = line;
	return &p->msg;
}

int ops_diag_add(cookie_op_list *list, int line, const char *text)
{
	if (ARRAY_GROW(&list->diags, &list->cap_diags, list->n_diags + 1) < 0)
		return BSIM_ENOMEM;
	char *copy = strdup(text);
	if (!copy)
		return error_oom();
	/* In line order: an unused respond is only known at the end, but a person reads the report top to bottom. */
	size_t at = list->n_diags;
	if (line > 0)
		for (size_t i = 0; i < list->n_diags; i++)
			if (list->diags[i].line > line) {
				at = i;
				break;
			}
	memmove(list->diags + at + 1, list->diags + at, (list->n_diags - at) * sizeof *list->diags);
	list->diags[at] = (ops_diag){line, copy};
	list->n_diags++;
	return 0;
}

int ops_bad(parser *p)
{
	buf *m = &p->msg;
	if (m->len && m->ptr[m->len - 1] == '\n')
		m->ptr[--m->len] = '\0';
	if (buf_status(m) < 0 || ops_diag_add(p->list, p->msg_line, buf_cstr(m)) < 0)
		return error_oom();
	p->errors++;
	return error_set_at(BSIM_EINVAL, p->file, p->msg_line, 0, "%s", buf_cstr(m));
}

void ops_diag_render(buf *out, const cookie_op_list *list, const char *file)
{
	for (size_t i = 0; i < list->n_diags; i++) {
		const ops_diag *d = &list->diags[i];
		error_render_where(out, file, d->line, 0); /* "FILE: " for a diagnostic about the whole file (line 0) */
		buf_printf(out, "error: %s\n", d->text);
	}
}

void ops_unexpected(parser *p, int line, const char *after, const char *junk, size_t len, const char *takes)
{
	while (len && ops_is_blank(*junk)) {
		junk++;
		len--;
	}
	buf *d = ops_error_at(p, line);
	buf_printf(d, "unexpected text after %s: ", after);
	ops_quote(d, junk, len);
	buf_printf(d, "; %s\n", takes);
}

bool ops_word(char *rest, size_t len, size_t *i, char **word, size_t *word_len)
{
	size_t k = *i;
	while (k < len && ops_is_blank(rest[k]))
		k++;
	if (k == len)
		return false;
	size_t start = k;
	while (k < len && !ops_is_blank(rest[k]))
		k++;
	*word = rest + start;
	*word_len = k - start;
	*i = k;
	return true;
}

static int push(parser *p, const cookie_op *op)
{
	cookie_op_list *l = p->list;
	if (ARRAY_GROW(&l->ops, &l->cap, l->count + 1) < 0)
		return BSIM_ENOMEM;
	l->ops[l->count++] = *op;
	return 0;
}

/*
 * Check a URL with the URL cache the jar uses (net/url.h): what it accepts
 * is what the run accepts, and BSIM_EINVAL is a URL it cannot use. The
 * cache parses each distinct URL once (a generated file repeats a few
 * hundred URLs over thousands of lines) and does not keep errors, so a
 * bad URL's message is set on every call.
 */
int ops_check_url(parser *p, int line, cookie_op_kind kind, const char *text)
{
	if (!p->urls && url_cache_new(&p->urls) < 0)
		return BSIM_ENOMEM;
	const url *u;
	int rc = url_cache_get(&u, p->urls, text);
	if (rc == 0)
		return 0;
	if (rc != BSIM_EINVAL)
		return rc;
	/* The parser's message names the URL, what is wrong with it and how to write it. */
	buf *d = ops_error_at(p, line);
	buf_printf(d, "\"%s\" needs an absolute http, https, ws, wss or file URL: %s\n", cookie_op_name(kind),
		   bsim_error_last()->message);
	return ops_bad(p);
}

/* The op after its name: rest[0..len) starts just after the op word. */
static int parse_url_op(parser *p, cookie_op *op, char *rest, size_t len)
{
	const char *name = cookie_op_name(op->kind);
	bool wants_value = op->kind == COOKIE_OP_SET || op->kind == COOKIE_OP_SCRIPT || op->kind == COOKIE_OP_RESPOND;
	const char *value_name = op->kind == COOKIE_OP_SCRIPT ? "cookie string" : "Set-Cookie value";
	size_t i = 0;
	while (i < len && ops_is_blank(rest[i]))
		i++;
	if (i == len) {
		buf *d = ops_error_at(p, op->line);
		if (wants_value)
			buf_printf(d, "\"%s\" needs a URL and a %s, e.g. %s https://www.shop.com/ id=1; Path=/\n",
				   name, value_name, name);
		else
			buf_printf(d, "\"%s\" needs a URL, e.g. %s https://www.shop.com/\n", name, name);
		return ops_bad(p);
	}
	char *url = rest + i;
	size_t url_len = 0;
	while (i + url_len < len && rest[i + url_len] != ' ')
		url_len++;
	if (memchr(url, '\0', url_len)) {
		buf *d = ops_error_at(p, op->line);
		buf_puts(d, "the URL contains a NUL byte; remove it\n");
		return ops_bad(p);
	}
	/* read NAME and script NAME STRING: document.cookie as the page in a named tab sees it. */
	if ((op->kind == COOKIE_OP_READ || op->kind == COOKIE_OP_SCRIPT) && ops_looks_like_tab_name(url, url_len))
		return ops_parse_tab_cookie(p, op, url, url_len, rest + i + url_len, len - i - url_len);
	size_t after = i + url_len; /* index of the separator, or len */
	if (wants_value) {
		if (after == len) {
			buf *d = ops_error_at(p, op->line);
			buf_printf(d, "\"%s\" needs a %s after the URL, separated by one space "
				      "(for an empty value, end the line with that one space)\n",
				   name, value_name);
			return ops_bad(p);
		}
		op->value = rest + after + 1;
		op->value_len = len - after - 1;
	} else if (!ops_only_blanks(rest + after, len - after)) {
		char takes[64];
		snprintf(takes, sizeof takes, "\"%s\" takes only a URL", name);
		ops_unexpected(p, op->line, "the URL", rest + after, len - after, takes);
		return ops_bad(p);
	}
	url[url_len] = '\0'; /* the separator, the line's end, or the text's final NUL */
	op->url = url;
	return ops_check_url(p, op->line, op->kind, url);
}

static int parse_wait(parser *p, cookie_op *op, const char *rest, size_t len)
{
	size_t i = 0;
	while (i < len && ops_is_blank(rest[i]))
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
	if (!digits || !ops_only_blanks(rest + i, len - i)) {
		buf *d = ops_error_at(p, op->line);
		buf_puts(d, "\"wait\" needs a whole number of seconds, e.g. wait 3600");
		if (len > start) {
			buf_puts(d, " (was ");
			ops_quote(d, rest + start, len - start);
			buf_putc(d, ')');
		}
		buf_putc(d, '\n');
		return ops_bad(p);
	}
	if (overflow || seconds * 1000 > COOKIE_OPS_CLOCK_MAX_MS - p->clock_ms) {
		buf *d = ops_error_at(p, op->line);
		buf_puts(d, "wait ");
		ops_quote(d, rest + start, i - start);
		buf_puts(d, " takes the virtual clock past 9999-12-31T23:59:59Z, the latest instant "
			    "bsim can print; wait less\n");
		return ops_bad(p);
	}
	op->wait_ms = seconds * 1000;
	p->clock_ms += op->wait_ms;
	return 0;
}

/* The browser op a misspelt word most likely meant (util/suggest.h), or NULL. */
static const char *suggest(const char *word, size_t len)
{
	char w[SUGGEST_NAME_MAX + 1];
	if (len > SUGGEST_NAME_MAX)
		return NULL;
	memcpy(w, word, len);
	w[len] = '\0';
	return suggest_closest(w, op_names + FIRST_BROWSER_OP, OP_COUNT - FIRST_BROWSER_OP);
}

static void unknown_op(parser *p, int line, const char *word, size_t len)
{
	buf *d = ops_error_at(p, line);
	buf_puts(d, "unknown operation ");
	ops_quote(d, word, len);
	const char *guess = suggest(word, len);
	if (guess) {
		buf_printf(d, "; did you mean \"%s\"? (bsim cookie --help lists every operation)\n", guess);
	} else if (!p->browser_vocabulary) {
		/* A cookie-jar file is told the cookie-jar vocabulary it is written in. */
		buf_puts(d, "; expected set, script, get, read, wait, close or dump (a # starts a comment line)\n");
	} else {
		buf_puts(d, "; expected one of ");
		for (size_t k = 0; k < OP_COUNT; k++)
			buf_printf(d, "%s%s", op_names[k], k + 2 < OP_COUNT ? ", " : k + 1 < OP_COUNT ? " or " : "");
		buf_puts(d, " (a # starts a comment line)\n");
	}
}

/* The op kind named by s[0..len), or OP_COUNT. Op names are lowercase; case matters. */
static size_t op_kind_of(const char *s, size_t len)
{
	size_t k;
	for (k = 0; k < OP_COUNT; k++)
		if (strlen(op_names[k]) == len && memcmp(op_names[k], s, len) == 0)
			break;
	return k;
}

static int parse_line(parser *p, int line, char *s, size_t len)
{
	size_t i = 0;
	while (i < len && ops_is_blank(s[i]))
		i++;
	if (i == len || s[i] == '#')
		return 0;
	size_t word = i;
	while (i < len && !ops_is_blank(s[i]))
		i++;
	size_t word_len = i - word;
	cookie_op op = {.line = line, .tab = -1, .opener = -1};
	size_t k = op_kind_of(s + word, word_len);
	if (k == OP_COUNT) {
		unknown_op(p, line, s + word, word_len);
		return ops_bad(p);
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
	case COOKIE_OP_RESPOND:
		rc = parse_url_op(p, &op, s + i, len - i);
		if (rc == 0)
			rc = ops_note_response(p, &op);
		break;
	case COOKIE_OP_WAIT:
		rc = parse_wait(p, &op, s + i, len - i);
		break;
	case COOKIE_OP_CLOSE:
	case COOKIE_OP_DUMP:
		rc = 0;
		if (!ops_only_blanks(s + i, len - i)) {
			char after[32], takes[64];
			snprintf(after, sizeof after, "\"%s\"", op_names[k]);
			snprintf(takes, sizeof takes, "\"%s\" takes no argument", op_names[k]);
			ops_unexpected(p, line, after, s + i, len - i, takes);
			rc = ops_bad(p);
		} else if (op.kind == COOKIE_OP_CLOSE) {
			ops_session_ends(p, line, "close");
		}
		break;
	default:
		rc = ops_parse_browser(p, &op, s + i, len - i);
		break;
	}
	if (rc != 0)
		return rc;
	return push(p, &op);
}

/* True when some line's op word is a browser op: its messages then name the whole vocabulary. */
static bool uses_browser_ops(const char *text, size_t text_len)
{
	size_t pos = 0;
	while (pos < text_len) {
		const char *nl = memchr(text + pos, '\n', text_len - pos);
		size_t end = nl ? (size_t)(nl - text) : text_len;
		size_t i = pos;
		while (i < end && ops_is_blank(text[i]))
			i++;
		size_t w = i;
		while (i < end && !ops_is_blank(text[i]) && text[i] != '\r')
			i++;
		size_t k = op_kind_of(text + w, i - w);
		if (k < OP_COUNT && k >= FIRST_BROWSER_OP)
			return true;
		pos = end + 1;
	}
	return false;
}

int cookie_ops_parse(cookie_op_list *list, const char *file, const cookie_ops_config *config)
{
	parser p = {.list = list, .file = file, .config = config, .msg = BUF_INIT, .clock_ms = config->start};
	int rc = 0;
	p.browser_vocabulary = uses_browser_ops(list->text, list->text_len);
	char *text = list->text;
	size_t pos = 0;
	int line = 0;
	bool stopped = false;
	while (pos < list->text_len) {
		line++;
		char *nl = memchr(text + pos, '\n', list->text_len - pos);
		size_t end = nl ? (size_t)(nl - text) : list->text_len;
		size_t len = end - pos;
		/* CRLF files: the CR belongs to the line ending, not to the value. */
		if (len && text[pos + len - 1] == '\r')
			len--;
		int errors = p.errors;
		if (len > COOKIE_OPS_MAX_LINE) {
			buf *d = ops_error_at(&p, line);
			buf_printf(d, "line is %zu bytes, longer than the %d bytes a line may hold "
				      "(COOKIE_OPS_MAX_LINE, 1 MiB); shorten the value\n",
				   len, COOKIE_OPS_MAX_LINE);
			rc = ops_bad(&p);
		} else {
			/* The line ending (CR, LF or the final NUL) ends the last value and name as a C string. */
			text[pos + len] = '\0';
			rc = parse_line(&p, line, text + pos, len);
		}
		/* A bad line is reported and the next one read; any other error is bsim's own. */
		if (rc < 0 && !(rc == BSIM_EINVAL && p.errors > errors))
			goto out;
		if (p.errors >= COOKIE_OPS_MAX_ERRORS && (nl && end + 1 < list->text_len)) {
			char msg[128];
			snprintf(msg, sizeof msg, "stopped after %d bad lines (COOKIE_OPS_MAX_ERRORS); fix these and run again",
				 p.errors);
			if ((rc = ops_diag_add(list, 0, msg)) < 0)
				goto out;
			stopped = true;
			break;
		}
		pos = end + 1;
	}
	if (!stopped && (rc = ops_finish(&p)) < 0)
		goto out;
	rc = 0;
	if (p.errors) {
		/* The error channel names the first bad line; the diagnostics list all. */
		const ops_diag *d = &list->diags[0];
		rc = error_set_at(BSIM_EINVAL, file, d->line, 0, "%s", d->text);
	}
out:
	ops_parser_free(&p);
	return rc;
}

void cookie_op_list_free(cookie_op_list *list)
{
	free(list->text);
	free(list->ops);
	free(list->names);
	for (size_t i = 0; i < list->n_diags; i++)
		free(list->diags[i].text);
	free(list->diags);
	*list = (cookie_op_list)COOKIE_OP_LIST_INIT;
}
