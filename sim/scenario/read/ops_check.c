/*
 * ops_check.c: checking the browser ops of an op file (tabs,
 * window.open, navigation, localStorage and sessionStorage, listeners, the
 * hosts file, restart, profiles and interchange files).
 *
 * Tabs are named in the file and the check follows which names are open at
 * each line, as the run will: `tab` and `open` open a name, `close-tab`
 * closes it, and `close` and `restart` close every one unless session
 * restore keeps them. So an op on a tab that is not open, a second tab with
 * a name in use, or `back` on a tab with nothing to go back to is a bad
 * line, reported before anything runs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario/read/ops_internal.h"
#include "util/error.h"
#include "util/grow.h"

/* Largest index `key` accepts: far past any real storage area's length, and safe to print. */
#define STORAGE_INDEX_MAX 1000000000u

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool ops_looks_like_tab_name(const char *word, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_name_char(word[i]))
			return false;
	return true;
}

/* The index of a name in the list, or -1. */
static int find_name(const parser *p, const char *word, size_t len)
{
	uintptr_t v = (uintptr_t)strmap_get(&p->name_index, word, len);
	return v ? (int)(v - 1) : -1;
}

/* A name's index, adding it (NUL-terminated in place) when new. < 0 on failure. */
static int intern_name(parser *p, char *word, size_t len)
{
	int k = find_name(p, word, len);
	if (k >= 0)
		return k;
	cookie_op_list *l = p->list;
	if (ARRAY_GROW(&l->names, &l->name_cap, l->name_count + 1) < 0 ||
	    ARRAY_GROW(&p->tabs, &p->tabs_cap, l->name_count + 1) < 0)
		return BSIM_ENOMEM;
	if (strmap_put(&p->name_index, word, len, (void *)(uintptr_t)(l->name_count + 1)) < 0)
		return error_oom();
	word[len] = '\0';
	l->names[l->name_count] = word;
	p->tabs[l->name_count] = (tab_state){0};
	return (int)l->name_count++;
}

/* Report a word that is not a valid tab name. */
static void bad_name(parser *p, int line, const char *op, const char *word, size_t len)
{
	buf *d = ops_error_at(p, line);
	buf_printf(d, "\"%s\" needs a tab name, and ", op);
	ops_quote(d, word, len);
	buf_printf(d, " is not one: a tab name is letters, digits, \"_\" and \"-\", up to %d characters\n",
		   COOKIE_OPS_MAX_TAB_NAME);
}

static bool valid_name(const char *word, size_t len)
{
	return len <= COOKIE_OPS_MAX_TAB_NAME && ops_looks_like_tab_name(word, len);
}

/*
 * The index of an open tab named word[0..len), NUL-terminating the name;
 * -1 after reporting why it is not open, < -1 on failure.
 */
static int open_tab(parser *p, int line, const char *op, char *word, size_t len)
{
	if (!valid_name(word, len)) {
		bad_name(p, line, op, word, len);
		return -1;
	}
	int k = find_name(p, word, len);
	if (k >= 0 && p->tabs[k].open) {
		word[len] = '\0';
		return k;
	}
	buf *d = ops_error_at(p, line);
	if (k < 0) {
		buf_puts(d, "no tab is named ");
		ops_quote(d, word, len);
		buf_printf(d, "; open it first, e.g. tab %.*s https://www.shop.com/\n", (int)len, word);
	} else {
		buf_printf(d, "tab \"%s\" is not open: %s on line %d closed it; open it again with tab %s URL\n",
			   p->list->names[k], p->tabs[k].closed_by, p->tabs[k].closed_line, p->list->names[k]);
	}
	return -1;
}

/* The index for a tab about to open under word[0..len); -1 after reporting, < -1 on failure. */
static int new_tab(parser *p, int line, const char *op, char *word, size_t len)
{
	if (!valid_name(word, len)) {
		bad_name(p, line, op, word, len);
		return -1;
	}
	int k = find_name(p, word, len);
	if (k >= 0 && p->tabs[k].open) {
		buf *d = ops_error_at(p, line);
		buf_printf(d, "tab \"%s\" is already open (line %d); close-tab it first or pick another name\n",
			   p->list->names[k], p->tabs[k].opened_line);
		return -1;
	}
	k = intern_name(p, word, len);
	if (k < 0)
		return k - 1; /* keep failures below -1 */
	p->tabs[k] = (tab_state){.open = true, .blank = true, .opened_line = line};
	return k;
}

/* What the helpers above returned, as a code: -1 is the bad line they reported, < -1 a failure of bsim. */
static int failure(parser *p, int k)
{
	return k < -1 ? k + 1 : ops_bad(p);
}

void ops_session_ends(parser *p, int line, const char *by)
{
	/* C3: with session restore the tabs (and so their names) come back with the next start. */
	if (p->config->session_restore)
		return;
	for (size_t i = 0; i < p->list->name_count; i++) {
		if (p->tabs[i].open) {
			p->tabs[i].open = false;
			p->tabs[i].closed_line = line;
			p->tabs[i].closed_by = by;
		}
	}
}

/* Nothing but blanks may follow; else report what did. Returns 0 or 1. */
static int end_of_line(parser *p, int line, const char *after, const char *takes, const char *rest, size_t len)
{
	if (ops_only_blanks(rest, len))
		return 0;
	ops_unexpected(p, line, after, rest, len, takes);
	return ops_bad(p);
}

/* A URL a tab can show: absolute, and http, https or file (ws and wss are not pages). */
static int check_page_url(parser *p, cookie_op *op, char *url, size_t len)
{
	url[len] = '\0';
	int rc = ops_check_url(p, op->line, op->kind, url);
	if (rc != 0)
		return rc;
	if (strncasecmp(url, "http:", 5) != 0 && strncasecmp(url, "https:", 6) != 0 &&
	    strncasecmp(url, "file:", 5) != 0) {
		buf *d = ops_error_at(p, op->line);
		buf_printf(d, "\"%s\" loads a page, and a page has an http, https or file URL (was ", cookie_op_name(op->kind));
		ops_quote(d, url, len);
		buf_puts(d, ")\n");
		return ops_bad(p);
	}
	op->url = url;
	/* Every respond waiting for this URL goes with this load. */
	for (size_t i = 0; i < p->n_responses; i++)
		if (!p->responses[i].used && strcmp(p->responses[i].url, url) == 0)
			p->responses[i].used = true;
	return 0;
}

static int parse_tab(parser *p, cookie_op *op, char *rest, size_t len)
{
	size_t i = 0, wl;
	char *w;
	if (!ops_word(rest, len, &i, &w, &wl)) {
		buf *d = ops_error_at(p, op->line);
		buf_puts(d, "\"tab\" needs a tab name and, if it loads a page, the URL, e.g. tab a https://www.shop.com/\n");
		return ops_bad(p);
	}
	char *u;
	size_t ul;
	bool has_url = ops_word(rest, len, &i, &u, &ul);
	if (has_url) {
		int rc = end_of_line(p, op->line, "the URL", "\"tab\" takes a tab name and a URL", rest + i, len - i);
		if (rc)
			return rc;
	}
	int k = new_tab(p, op->line, "tab", w, wl);
	if (k < 0)
		return failure(p, k);
	op->tab = k;
	if (!has_url)
		return 0;
	int rc = check_page_url(p, op, u, ul);
	if (rc != 0)
		return rc;
	p->tabs[k].blank = false;
	return 0;
}

static int parse_open(parser *p, cookie_op *op, char *rest, size_t len)
{
	size_t i = 0, wl, fl, ul;
	char *w, *f, *u;
	if (!ops_word(rest, len, &i, &w, &wl) || !ops_word(rest, len, &i, &f, &fl) ||
	    !ops_word(rest, len, &i, &u, &ul)) {
		buf *d = ops_error_at(p, op->line);
		buf_puts(d, "\"open\" needs the new tab's name, the name of the tab that calls window.open and "
			    "the URL, e.g. open b a https://www.shop.com/help\n");
		return ops_bad(p);
	}
	/* The opener first: it is open before the new tab is. */
	int from = open_tab(p, op->line, "open", f, fl);
	if (from < 0)
		return failure(p, from);
	int k = new_tab(p, op->line, "open", w, wl);
	if (k < 0)
		return failure(p, k);
	op->tab = k;
	op->opener = from;
	char *o;
	size_t ol;
	if (ops_word(rest, len, &i, &o, &ol)) {
		if (ol == 8 && memcmp(o, "noopener", 8) == 0) {
			op->noopener = true;
		} else {
			ops_unexpected(p, op->line, "the URL", o, len - (size_t)(o - rest),
				       "\"open\" takes only \"noopener\" after the URL");
			return ops_bad(p);
		}
		int rc = end_of_line(p, op->line, "\"noopener\"", "nothing follows \"noopener\"", rest + i, len - i);
		if (rc)
			return rc;
	}
	int rc = check_page_url(p, op, u, ul);
	if (rc != 0)
		return rc;
	p->tabs[k].blank = false;
	return 0;
}

static int parse_navigate(parser *p, cookie_op *op, char *rest, size_t len)
{
	size_t i = 0, wl, ul;
	char *w, *u;
	if (!ops_word(rest, len, &i, &w, &wl) || !ops_word(rest, len, &i, &u, &ul)) {
		buf *d = ops_error_at(p, op->line);
		buf_puts(d, "\"navigate\" needs a tab name and a URL, e.g. navigate a https://www.shop.com/cart\n");
		return ops_bad(p);
	}
	int rc = end_of_line(p, op->line, "the URL", "\"navigate\" takes a tab name and a URL", rest + i, len - i);
	if (rc)
		return rc;
	int k = open_tab(p, op->line, "navigate", w, wl);
	if (k < 0)
		return failure(p, k);
	op->tab = k;
	if ((rc = check_page_url(p, op, u, ul)) != 0)
		return rc;
	/* The page it leaves is one `back` returns to. */
	if (!p->tabs[k].blank)
		p->tabs[k].history++;
	p->tabs[k].blank = false;
	return 0;
}

/* reload, back, focus, close-tab, listen: a tab name and nothing else. */
static int parse_name_only(parser *p, cookie_op *op, char *rest, size_t len)
{
	const char *name = cookie_op_name(op->kind);
	size_t i = 0, wl;
	char *w;
	if (!ops_word(rest, len, &i, &w, &wl)) {
		buf *d = ops_error_at(p, op->line);
		buf_printf(d, "\"%s\" needs a tab name, e.g. %s a\n", name, name);
		return ops_bad(p);
	}
	char takes[64];
	snprintf(takes, sizeof takes, "\"%s\" takes only a tab name", name);
	int rc = end_of_line(p, op->line, "the tab name", takes, rest + i, len - i);
	if (rc)
		return rc;
	int k = open_tab(p, op->line, name, w, wl);
	if (k < 0)
		return failure(p, k);
	op->tab = k;
	tab_state *t = &p->tabs[k];
	switch (op->kind) {
	case COOKIE_OP_BACK:
		if (!t->history) {
			buf *d = ops_error_at(p, op->line);
			buf_printf(d, "tab \"%s\" has no earlier page to go back to; navigate it first\n", w);
			return ops_bad(p);
		}
		t->history--;
		break;
	case COOKIE_OP_CLOSE_TAB:
		t->open = false;
		t->closed_line = op->line;
		t->closed_by = "close-tab";
		break;
	case COOKIE_OP_LISTEN:
		if (t->listening) {
			buf *d = ops_error_at(p, op->line);
			buf_printf(d, "tab \"%s\" already listens; its events are printed once\n", w);
			return ops_bad(p);
		}
		t->listening = true;
		break;
	default:
		break;
	}
	return 0;
}

static const struct {
	const char *word;
	cookie_storage_method method;
} methods[] = {
	{"set", COOKIE_STORAGE_SET},     {"get", COOKIE_STORAGE_GET},
	{"remove", COOKIE_STORAGE_REMOVE}, {"clear", COOKIE_STORAGE_CLEAR},
	{"length", COOKIE_STORAGE_LENGTH}, {"key", COOKIE_STORAGE_KEY},
};

static int parse_storage(parser *p, cookie_op *op, char *rest, size_t len)
{
	const char *name = cookie_op_name(op->kind);
	const char *area = op->kind == COOKIE_OP_LOCAL ? "localStorage" : "sessionStorage";
	size_t i = 0, wl, ml;
	char *w, *m;
	if (!ops_word(rest, len, &i, &w, &wl) || !ops_word(rest, len, &i, &m, &ml)) {
		buf *d = ops_error_at(p, op->line);
		buf_printf(d, "\"%s\" needs a tab name and a method (set, get, remove, clear, length or key), "
			      "e.g. %s a set theme dark\n",
			   name, name);
		return ops_bad(p);
	}
	size_t k;
	for (k = 0; k < sizeof methods / sizeof methods[0]; k++)
		if (strlen(methods[k].word) == ml && memcmp(methods[k].word, m, ml) == 0)
			break;
	if (k == sizeof methods / sizeof methods[0]) {
		buf *d = ops_error_at(p, op->line);
		buf_printf(d, "unknown %s method ", area);
		ops_quote(d, m, ml);
		buf_puts(d, "; expected set, get, remove, clear, length or key\n");
		return ops_bad(p);
	}
	op->method = methods[k].method;
	const char *mw = methods[k].word;
	char *key = NULL;
	size_t kl = 0;
	int rc = 0;
	switch (op->method) {
	case COOKIE_STORAGE_SET:
		if (!ops_word(rest, len, &i, &key, &kl)) {
			buf *d = ops_error_at(p, op->line);
			buf_printf(d, "\"%s %s\" needs a key and a value, e.g. %s %.*s set theme dark\n", name, mw, name,
				   (int)wl, w);
			return ops_bad(p);
		}
		if (i == len) {
			buf *d = ops_error_at(p, op->line);
			buf_printf(d, "\"%s %s\" needs a value after the key, separated by one space "
				      "(for an empty value, end the line with that one space)\n",
				   name, mw);
			return ops_bad(p);
		}
		op->value = rest + i + 1;
		op->value_len = len - i - 1;
		if (memchr(op->value, '\0', op->value_len)) {
			buf *d = ops_error_at(p, op->line);
			buf_puts(d, "the value contains a NUL byte, which bsim cannot store in Web Storage; remove it\n");
			return ops_bad(p);
		}
		break;
	case COOKIE_STORAGE_GET:
	case COOKIE_STORAGE_REMOVE:
		if (!ops_word(rest, len, &i, &key, &kl)) {
			buf *d = ops_error_at(p, op->line);
			buf_printf(d, "\"%s %s\" needs a key, e.g. %s %.*s %s theme\n", name, mw, name, (int)wl, w, mw);
			return ops_bad(p);
		}
		rc = end_of_line(p, op->line, "the key", "a key is one word", rest + i, len - i);
		break;
	case COOKIE_STORAGE_KEY: {
		char *n;
		size_t nl;
		unsigned long long v = 0;
		bool ok = ops_word(rest, len, &i, &n, &nl);
		for (size_t j = 0; ok && j < nl; j++) {
			if (n[j] < '0' || n[j] > '9' || v > STORAGE_INDEX_MAX / 10)
				ok = false;
			else
				v = v * 10 + (unsigned)(n[j] - '0');
		}
		if (!ok || v > STORAGE_INDEX_MAX) {
			buf *d = ops_error_at(p, op->line);
			buf_printf(d, "\"%s key\" needs an index, a whole number from 0 to %u, e.g. %s %.*s key 0\n", name,
				   STORAGE_INDEX_MAX, name, (int)wl, w);
			return ops_bad(p);
		}
		op->index = (size_t)v;
		rc = end_of_line(p, op->line, "the index", "\"key\" takes one index", rest + i, len - i);
		break;
	}
	default: {
		char takes[64];
		snprintf(takes, sizeof takes, "\"%s\" takes no argument", mw);
		char after[32];
		snprintf(after, sizeof after, "\"%s\"", mw);
		rc = end_of_line(p, op->line, after, takes, rest + i, len - i);
		break;
	}
	}
	if (rc)
		return rc;
	if (key) {
		key[kl] = '\0';
		op->key = key;
	}
	int t = open_tab(p, op->line, name, w, wl);
	if (t < 0)
		return failure(p, t);
	op->tab = t;
	return 0;
}

int ops_parse_tab_cookie(parser *p, cookie_op *op, char *name, size_t name_len, char *rest, size_t len)
{
	const char *opname = cookie_op_name(op->kind);
	if (op->kind == COOKIE_OP_READ) {
		char takes[64];
		snprintf(takes, sizeof takes, "\"read\" takes only a URL or a tab name");
		int rc = end_of_line(p, op->line, "the tab name", takes, rest, len);
		if (rc)
			return rc;
	} else {
		if (len == 0) {
			buf *d = ops_error_at(p, op->line);
			buf_printf(d, "\"%s\" needs a cookie string after the tab name, separated by one space "
				      "(for an empty value, end the line with that one space)\n",
				   opname);
			return ops_bad(p);
		}
		op->value = rest + 1;
		op->value_len = len - 1;
		if (memchr(op->value, '\0', op->value_len)) {
			buf *d = ops_error_at(p, op->line);
			buf_puts(d, "the cookie string contains a NUL byte, which a page's document.cookie cannot be given "
				    "here; use script URL STRING, or remove it\n");
			return ops_bad(p);
		}
	}
	int k = open_tab(p, op->line, opname, name, name_len);
	if (k < 0)
		return failure(p, k);
	op->tab = k;
	return 0;
}

int ops_note_response(parser *p, cookie_op *op)
{
	if (memchr(op->value, '\0', op->value_len)) {
		buf *d = ops_error_at(p, op->line);
		buf_puts(d, "the Set-Cookie value contains a NUL byte, which a tab's response cannot carry here; "
			    "use set URL VALUE, or remove it\n");
		return ops_bad(p);
	}
	if (ARRAY_GROW(&p->responses, &p->cap_responses, p->n_responses + 1) < 0)
		return BSIM_ENOMEM;
	p->responses[p->n_responses++] = (pending_response){op->url, op->line, false};
	return 0;
}

static int parse_hosts(parser *p, cookie_op *op, char *rest, size_t len)
{
	size_t i = 0;
	while (i < len && ops_is_blank(rest[i]))
		i++;
	if (i == len) {
		buf *d = ops_error_at(p, op->line);
		buf_puts(d, "\"hosts\" needs an IP address and host names, e.g. hosts 127.0.0.1 www.shop.com store.shop.com\n");
		return ops_bad(p);
	}
	op->value = rest + i;
	op->value_len = len - i;
	if (memchr(op->value, '\0', op->value_len)) {
		buf *d = ops_error_at(p, op->line);
		buf_puts(d, "the hosts line contains a NUL byte; remove it\n");
		return ops_bad(p);
	}
	int rc;
	if (!p->hosts_check) {
		bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
		o.engine = p->config->engine;
		if ((rc = bsim_browser_new(&p->hosts_check, &o)) < 0)
			return rc;
	}
	/* The browser checks the line as it will read it in the run. */
	rc = bsim_browser_add_hosts(p->hosts_check, op->value, "hosts");
	if (rc == BSIM_EINVAL || rc == BSIM_ELIMIT) {
		/* Its message says only what failed (its place, "hosts:1", is in its fields); the place is this op file's. */
		buf *d = ops_error_at(p, op->line);
		buf_printf(d, "%s\n", bsim_error_last()->message);
		return ops_bad(p);
	}
	if (rc < 0)
		return rc;
	p->list->uses_hosts = true;
	return 0;
}

static int parse_file(parser *p, cookie_op *op, char *rest, size_t len)
{
	const char *name = cookie_op_name(op->kind);
	size_t i = 0;
	while (i < len && ops_is_blank(rest[i]))
		i++;
	size_t end = len;
	while (end > i && ops_is_blank(rest[end - 1]))
		end--;
	if (i == end) {
		const char *example = op->kind == COOKIE_OP_SAVE || op->kind == COOKIE_OP_LOAD ? "profile.db"
											 : "state.json";
		buf *d = ops_error_at(p, op->line);
		buf_printf(d, "\"%s\" needs a file name, e.g. %s %s\n", name, name, example);
		return ops_bad(p);
	}
	char *path = rest + i;
	size_t pl = end - i;
	if (memchr(path, '\0', pl)) {
		buf *d = ops_error_at(p, op->line);
		buf_puts(d, "the file name contains a NUL byte; remove it\n");
		return ops_bad(p);
	}
	path[pl] = '\0';
	op->path = path;
	if (op->kind == COOKIE_OP_EXPORT) {
		const char *dot = strrchr(path, '.');
		const char *slash = strrchr(path, '/');
		if (dot && (!slash || dot > slash) && strcasecmp(dot, ".json") == 0) {
			op->format = COOKIE_FORMAT_STORAGE_STATE;
		} else if (dot && (!slash || dot > slash) && strcasecmp(dot, ".txt") == 0) {
			op->format = COOKIE_FORMAT_COOKIES_TXT;
		} else {
			buf *d = ops_error_at(p, op->line);
			buf_puts(d, "\"export\" writes Playwright storageState JSON to a .json file or Netscape cookies.txt "
				    "to a .txt file; name the file so (was ");
			ops_quote(d, path, pl);
			buf_puts(d, ")\n");
			return ops_bad(p);
		}
	}
	if (op->kind == COOKIE_OP_SAVE || op->kind == COOKIE_OP_EXPORT) {
		if (ARRAY_GROW(&p->written, &p->cap_written, p->n_written + 1) < 0)
			return BSIM_ENOMEM;
		p->written[p->n_written++] = (written_file){path, op->line};
	} else {
		for (size_t k = 0; k < p->n_written; k++)
			if (strcmp(p->written[k].path, path) == 0)
				op->path_from_run = true;
	}
	return 0;
}

int ops_parse_browser(parser *p, cookie_op *op, char *rest, size_t len)
{
	switch (op->kind) {
	case COOKIE_OP_HOSTS:
		return parse_hosts(p, op, rest, len);
	case COOKIE_OP_TAB:
		return parse_tab(p, op, rest, len);
	case COOKIE_OP_OPEN:
		return parse_open(p, op, rest, len);
	case COOKIE_OP_NAVIGATE:
		return parse_navigate(p, op, rest, len);
	case COOKIE_OP_RELOAD:
	case COOKIE_OP_BACK:
	case COOKIE_OP_FOCUS:
	case COOKIE_OP_CLOSE_TAB:
	case COOKIE_OP_LISTEN:
		return parse_name_only(p, op, rest, len);
	case COOKIE_OP_LOCAL:
	case COOKIE_OP_SESSION:
		return parse_storage(p, op, rest, len);
	case COOKIE_OP_SAVE:
	case COOKIE_OP_LOAD:
	case COOKIE_OP_IMPORT:
	case COOKIE_OP_EXPORT:
		return parse_file(p, op, rest, len);
	case COOKIE_OP_RESTART:
	case COOKIE_OP_TRACE: {
		const char *name = cookie_op_name(op->kind);
		char after[32], takes[64];
		snprintf(after, sizeof after, "\"%s\"", name);
		snprintf(takes, sizeof takes, "\"%s\" takes no argument", name);
		int rc = end_of_line(p, op->line, after, takes, rest, len);
		if (rc == 0 && op->kind == COOKIE_OP_RESTART)
			ops_session_ends(p, op->line, "restart");
		return rc;
	}
	default:
		return error_set(BSIM_ERROR, "op %s has no checker", cookie_op_name(op->kind));
	}
}

int ops_finish(parser *p)
{
	for (size_t i = 0; i < p->n_responses; i++) {
		if (p->responses[i].used)
			continue;
		buf *d = ops_error_at(p, p->responses[i].line);
		buf_printf(d, "no tab loads %s after this line, so this response is never received; "
			      "add a tab, open or navigate to exactly that URL, or remove the line\n",
			   p->responses[i].url);
		int rc = ops_bad(p);
		if (rc != BSIM_EINVAL)
			return rc;
	}
	return 0;
}

void ops_parser_free(parser *p)
{
	buf_free(&p->msg);
	bsim_browser_free(p->hosts_check);
	url_cache_free(p->urls);
	free(p->tabs);
	strmap_free(&p->name_index);
	free(p->responses);
	free(p->written);
}
