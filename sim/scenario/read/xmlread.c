/*
 * xmlread.c: reading one scenario file into a libxml2 tree, safely, with
 * the line and column of every element.
 *
 * Scenario files are untrusted (docs/scenario-language.md, "Safety"): the
 * file is read with a size bound, then pre-scanned (a DOCTYPE is refused
 * before libxml2 sees it, so no entity is ever declared, let alone
 * expanded; depth and element count are bounded), then parsed with no
 * network (XML_PARSE_NONET), no entity substitution (no XML_PARSE_NOENT),
 * no DTD loading, and line numbers past 65535 (XML_PARSE_BIG_LINES).
 * libxml2 reports through a structured handler into the load's error list,
 * never on stderr.
 *
 * Columns. libxml2 2.9 keeps no column on nodes, and the line it keeps is
 * the one where the start tag *ends*. The pre-scan therefore records where
 * each start tag begins: the line, and the column of its '<' counted in
 * characters (UTF-8 code points; a tab counts as one, as in most editors'
 * status bars and in gcc's default). Start tags occur in the text in
 * document order and, with no entities, each one is exactly one element of
 * the tree, so the i-th recorded position belongs to the i-th element of a
 * pre-order walk, which stores it in the node's `_private`.
 */
#include "scenario/read/load_internal.h"
#include "util/grow.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

/* The first error libxml2 reports while parsing (later ones follow from it). */
typedef struct parse_capture {
	bool have;
	int line, col;
	char message[512];
	bool doctype;      /* the parser met a DOCTYPE (the pre-scan missed it) */
} parse_capture;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
	xmlInitParser();
}

void xml_init(void)
{
	pthread_once(&init_once, init_libxml);
}

/* ---- reading ---- */

static int read_bounded(char **out, size_t *len, const char *path, load_errors *errs)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return load_error(errs, BSIM_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
	struct stat st;
	int code = 0;
	char *data = NULL;
	if (fstat(fd, &st) < 0) {
		code = load_error(errs, BSIM_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		code = load_error(errs, BSIM_EIO, path, 0, 0, "cannot read: not a regular file");
		goto out;
	}
	if ((size_t)st.st_size > SCENARIO_MAX_FILE_BYTES) {
		code = load_error(errs, BSIM_ELIMIT, path, 0, 0,
				  "file too large: %lld bytes; the limit for a scenario file is 16 MiB"
				  " (SCENARIO_MAX_FILE_BYTES); split it into several scenario files",
				  (long long)st.st_size);
		goto out;
	}
	/* One byte more than the limit, to notice a file that grew while being read. */
	size_t cap = (size_t)st.st_size + 1, n = 0;
	if (!(data = malloc(cap + 1))) {
		code = error_oom();
		goto out;
	}
	for (;;) {
		ssize_t got = read(fd, data + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			code = load_error(errs, BSIM_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n == cap) {
			if (cap > SCENARIO_MAX_FILE_BYTES) {
				code = load_error(errs, BSIM_ELIMIT, path, 0, 0,
						  "file too large: more than 16 MiB, the limit for a scenario file"
						  " (SCENARIO_MAX_FILE_BYTES); split it into several scenario files");
				goto out;
			}
			size_t ncap = cap * 2 > SCENARIO_MAX_FILE_BYTES + 1 ? SCENARIO_MAX_FILE_BYTES + 1 : cap * 2;
			char *p = realloc(data, ncap + 1);
			if (!p) {
				code = error_oom();
				goto out;
			}
			data = p;
			cap = ncap;
		}
	}
	data[n] = '\0';
	*out = data;
	*len = n;
	data = NULL;
out:
	free(data);
	close(fd);
	return code;
}

/* ---- the pre-scan ---- */

typedef struct scan {
	const char *path;
	const unsigned char *start, *p, *end;
	int line, col;
	xml_pos *pos;
	size_t n_pos, cap_pos;
	int depth;
	load_errors *errs;
} scan;

enum { SCAN_DONE = 0, SCAN_GAVE_UP = 1 };

/* Move to q, counting lines (\n, \r\n or a lone \r) and characters on the way. */
static void scan_to(scan *s, const unsigned char *q)
{
	for (const unsigned char *p = s->p; p < q; p++) {
		unsigned char c = *p;
		if (c == '\n') {
			s->line++;
			s->col = 1;
		} else if (c == '\r') {
			if (p + 1 >= s->end || p[1] != '\n') {
				s->line++;
				s->col = 1;
			}
		} else if ((c & 0xC0) != 0x80) {
			s->col++;
		}
	}
	s->p = q;
}

/* The first occurrence of term (NUL-terminated) in [p, end), or NULL. memmem is a GNU extension. */
static const unsigned char *find_term(const unsigned char *p, const unsigned char *end, const char *term)
{
	size_t tl = strlen(term);
	while ((size_t)(end - p) >= tl) {
		const unsigned char *q = memchr(p, term[0], (size_t)(end - p) - tl + 1);
		if (!q)
			return NULL;
		if (memcmp(q, term, tl) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

/* Past the next occurrence of `term`, or SCAN_GAVE_UP when there is none (libxml2 then says what is wrong). */
static int scan_past(scan *s, const char *term)
{
	const unsigned char *q = find_term(s->p, s->end, term);
	if (!q)
		return SCAN_GAVE_UP;
	scan_to(s, q + strlen(term));
	return SCAN_DONE;
}

static bool starts(const scan *s, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(s->end - s->p) >= n && memcmp(s->p, lit, n) == 0;
}

static bool name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static int record_start_tag(scan *s)
{
	if (s->n_pos == SCENARIO_MAX_ELEMENTS)
		return load_error(s->errs, BSIM_ELIMIT, s->path, s->line, s->col,
				  "too many elements: the limit for a scenario file is %d (SCENARIO_MAX_ELEMENTS); split it into several scenario files",
				  SCENARIO_MAX_ELEMENTS);
	if (s->depth == SCENARIO_MAX_DEPTH)
		return load_error(s->errs, BSIM_ELIMIT, s->path, s->line, s->col,
				  "elements nested too deep: the limit for a scenario file is %d levels (SCENARIO_MAX_DEPTH)",
				  SCENARIO_MAX_DEPTH);
	if (ARRAY_GROW(&s->pos, &s->cap_pos, s->n_pos + 1) < 0)
		return BSIM_ENOMEM;
	s->pos[s->n_pos++] = (xml_pos){s->line, s->col};
	return 0;
}

/*
 * One pass over the text: every start tag's position, the element count
 * and depth checked, a DOCTYPE refused. Anything malformed stops the scan
 * (SCAN_GAVE_UP) for libxml2 to report precisely.
 */
static int prescan(scan *s)
{
	while (s->p < s->end) {
		const unsigned char *lt = memchr(s->p, '<', (size_t)(s->end - s->p));
		if (!lt)
			break;
		scan_to(s, lt);
		int rc;
		if (starts(s, "<!--")) {
			rc = scan_past(s, "-->");
		} else if (starts(s, "<![CDATA[")) {
			rc = scan_past(s, "]]>");
		} else if (starts(s, "<?")) {
			rc = scan_past(s, "?>");
		} else if (starts(s, "<!DOCTYPE")) {
			return load_error(s->errs, BSIM_EINVAL, s->path, s->line, s->col,
					  "DOCTYPE is not allowed: a scenario file may not declare a DTD or entities");
		} else if (starts(s, "</")) {
			if (s->depth > 0)
				s->depth--;
			rc = scan_past(s, ">");
		} else if (s->p + 1 < s->end && name_start(s->p[1])) {
			if ((rc = record_start_tag(s)) < 0)
				return rc;
			/* To the end of the tag; '>' may stand inside a quoted attribute value, '<' may not. */
			const unsigned char *q = s->p + 1;
			unsigned char quote = 0;
			for (; q < s->end; q++) {
				if (quote) {
					if (*q == quote)
						quote = 0;
				} else if (*q == '"' || *q == '\'') {
					quote = *q;
				} else if (*q == '>' || *q == '<') {
					break;
				}
			}
			if (q >= s->end || *q == '<')
				return SCAN_GAVE_UP;
			if (q[-1] != '/')
				s->depth++;
			scan_to(s, q + 1);
			rc = SCAN_DONE;
		} else {
			return SCAN_GAVE_UP;
		}
		if (rc != SCAN_DONE)
			return rc;
	}
	return SCAN_DONE;
}

/* ---- the encoding: UTF-8, and nothing else ---- */

/*
 * The wide encodings a file's first four bytes give away (XML 1.0 Appendix
 * F: a byte order mark, or the NUL bytes around the first ASCII
 * character), or NULL. Their NUL bytes would otherwise be reported as a
 * NUL in the text, which says nothing of how to fix the file.
 */
static const char *wide_encoding(const unsigned char *b, size_t len)
{
	if (len < 2)
		return NULL;
	if (len >= 4 && !b[0] && !b[1] && b[2] == 0xFE && b[3] == 0xFF)
		return "UTF-32 (big-endian)";
	if (len >= 4 && b[0] == 0xFF && b[1] == 0xFE && !b[2] && !b[3])
		return "UTF-32 (little-endian)";
	if (b[0] == 0xFE && b[1] == 0xFF)
		return "UTF-16 (big-endian)";
	if (b[0] == 0xFF && b[1] == 0xFE)
		return "UTF-16 (little-endian)";
	if (len >= 4 && !b[0] && !b[1] && !b[2] && b[3])
		return "UTF-32 (big-endian)";
	if (len >= 4 && b[0] && !b[1] && !b[2] && !b[3])
		return "UTF-32 (little-endian)";
	if (!b[0] && b[1])
		return "UTF-16 (big-endian)";
	if (b[0] && !b[1])
		return "UTF-16 (little-endian)";
	return NULL;
}

/*
 * The XML declaration at the start may name an encoding; a scenario file
 * is UTF-8 (US-ASCII is a subset), so any other name is refused at the
 * position of its value, before libxml2 would convert the text (or fail
 * to, with no position: "input conversion failed"). Returns 0, or the
 * load error.
 */
static int check_declared_encoding(const scan *at_start)
{
	const unsigned char *p = at_start->p, *end = at_start->end;
	if ((size_t)(end - p) < 6 || memcmp(p, "<?xml", 5) != 0 || !strchr(" \t\r\n", p[5]))
		return 0;
	const unsigned char *close = p;
	while (close + 1 < end && !(close[0] == '?' && close[1] == '>'))
		close++;
	for (const unsigned char *q = p + 5; q + 8 < close; q++) {
		if (memcmp(q, "encoding", 8) != 0 || !strchr(" \t\r\n", q[-1]))
			continue;
		const unsigned char *v = q + 8;
		while (v < close && strchr(" \t\r\n", *v))
			v++;
		if (v >= close || *v != '=')
			return 0;
		v++;
		while (v < close && strchr(" \t\r\n", *v))
			v++;
		if (v >= close || (*v != '"' && *v != '\''))
			return 0;
		const unsigned char *name = v + 1, *name_end = name;
		while (name_end < close && *name_end != *v)
			name_end++;
		size_t n = (size_t)(name_end - name);
		if ((n == 5 && strncasecmp((const char *)name, "UTF-8", 5) == 0) ||
		    (n == 8 && strncasecmp((const char *)name, "US-ASCII", 8) == 0))
			return 0;
		scan s = *at_start;
		scan_to(&s, name);
		return load_error(s.errs, BSIM_EINVAL, s.path, s.line, s.col,
				  "encoding=\"%.*s\": a scenario file is XML text in UTF-8; save it as UTF-8 and declare "
				  "encoding=\"UTF-8\" (or no encoding)",
				  (int)(n > 40 ? 40 : n), (const char *)name);
	}
	return 0;
}

/* ---- parsing ---- */

static void capture_error(void *ud, xmlErrorPtr e)
{
	parse_capture *cap = ud;
	if (!cap || !e || cap->have || e->level < XML_ERR_ERROR)
		return;
	cap->have = true;
	cap->line = e->line;
	cap->col = e->domain == XML_FROM_PARSER ? e->int2 : 0;
	const char *m = e->message ? e->message : "unknown error";
	const char *bytes = strstr(m, "Bytes: ");
	if (strncmp(m, "Input is not proper UTF-8", 25) == 0 && bytes) {
		/* libxml2's own words ask for an encoding declaration, which a scenario file may not change. */
		int n = (int)strcspn(bytes + 7, "\n");
		snprintf(cap->message, sizeof cap->message,
			 "invalid UTF-8 (the bytes from here: %.*s); a scenario file is XML text in UTF-8: save it as UTF-8",
			 n > 40 ? 40 : n, bytes + 7);
		return;
	}
	snprintf(cap->message, sizeof cap->message, "%s", m);
	size_t n = strlen(cap->message);
	while (n && (cap->message[n - 1] == '\n' || cap->message[n - 1] == ' '))
		cap->message[--n] = '\0';
	lower_first_word(cap->message);
}

void lower_first_word(char *msg)
{
	/* libxml2 capitalises its sentences; ours continue after "malformed XML: ". Names such as AttValue stay. */
	if (!(msg[0] >= 'A' && msg[0] <= 'Z'))
		return;
	for (const char *p = msg + 1; *p && *p != ' ' && *p != ':'; p++)
		if (*p >= 'A' && *p <= 'Z')
			return;
	msg[0] = (char)(msg[0] - 'A' + 'a');
}

static void ignore_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Belt and braces: should a DOCTYPE ever reach the parser, stop before its internal subset is read. */
static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	(void)name;
	(void)ext;
	(void)sys;
	xmlParserCtxtPtr c = ctx;
	parse_capture *cap = c->_private;
	if (cap && !cap->doctype) {
		cap->doctype = true;
		cap->line = c->input ? c->input->line : 0;
		cap->col = c->input ? c->input->col : 0;
	}
	xmlStopParser(c);
}

/* Give each element its position, in document order. 0, or -1 when the counts differ. */
static int attach_positions(xmlNode *n, xml_pos *pos, size_t n_pos, size_t *i)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (*i >= n_pos)
			return -1;
		n->_private = &pos[(*i)++];
		if (attach_positions(n->children, pos, n_pos, i) < 0)
			return -1;
	}
	return 0;
}

static void clear_positions(xmlNode *n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		n->_private = NULL;
		clear_positions(n->children);
	}
}

int xml_file_read(xml_file *f, const char *path, load_errors *errs)
{
	memset(f, 0, sizeof *f);
	xml_init();
	char *data = NULL;
	size_t len = 0;
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	scan s = {0};
	int code = read_bounded(&data, &len, path, errs);
	if (code < 0)
		return code;

	s.path = path;
	s.start = s.p = (const unsigned char *)data;
	s.end = s.p + len;
	s.line = s.col = 1;
	s.errs = errs;
	/* A NUL byte means UTF-16 or UTF-32 or no text at all: positions could not be counted. */
	const unsigned char *nul = memchr(s.p, '\0', len);
	const char *wide = nul ? wide_encoding(s.p, len) : NULL;
	if (wide) {
		code = load_error(errs, BSIM_EINVAL, path, 1, 1,
				  "%s: a scenario file is XML text in UTF-8; save it as UTF-8", wide);
		goto out;
	}
	if (nul) {
		scan_to(&s, nul);
		code = load_error(errs, BSIM_EINVAL, path, s.line, s.col,
				  "NUL byte: a scenario file is XML text in UTF-8");
		goto out;
	}
	if (len >= 3 && memcmp(s.p, "\xEF\xBB\xBF", 3) == 0)
		s.p += 3; /* a UTF-8 byte order mark is not a column */
	if ((code = check_declared_encoding(&s)) < 0)
		goto out;
	int scanned = prescan(&s);
	if (scanned < 0) {
		code = scanned;
		goto out;
	}

	parse_capture cap = {0};
	xmlStructuredErrorFunc old_serror = xmlStructuredError;
	void *old_sctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_generic = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(&cap, capture_error);
	xmlSetGenericErrorFunc(NULL, ignore_generic);
	if ((ctxt = xmlNewParserCtxt())) {
		ctxt->_private = &cap;
		ctxt->sax->internalSubset = refuse_doctype;
		/* No XML_PARSE_NOENT, XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR, XML_PARSE_XINCLUDE or
		 * XML_PARSE_HUGE: see the top of the file. */
		doc = xmlCtxtReadMemory(ctxt, data, (int)len, path, NULL,
					XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA);
	}
	xmlSetStructuredErrorFunc(old_sctx, old_serror);
	xmlSetGenericErrorFunc(old_gctx, old_generic);
	if (!ctxt) {
		code = error_oom();
		goto out;
	}
	if (cap.doctype) {
		code = load_error(errs, BSIM_EINVAL, path, cap.line, cap.col,
				  "DOCTYPE is not allowed: a scenario file may not declare a DTD or entities");
		goto out;
	}
	if (!doc || !ctxt->wellFormed) {
		if (cap.have)
			code = load_error(errs, BSIM_EINVAL, path, cap.line, cap.col, "malformed XML: %s", cap.message);
		else
			code = load_error(errs, BSIM_EINVAL, path, 1, 1, "malformed XML");
		goto out;
	}
	if (!xmlDocGetRootElement(doc)) {
		code = load_error(errs, BSIM_EINVAL, path, 1, 1, "malformed XML: no root element");
		goto out;
	}
	size_t i = 0;
	if (scanned != SCAN_DONE || attach_positions(doc->children, s.pos, s.n_pos, &i) < 0 || i != s.n_pos)
		clear_positions(doc->children); /* fall back to libxml2's lines; never seen on a well-formed file */
	f->path = path;
	f->doc = doc;
	f->pos = s.pos;
	f->n_pos = s.n_pos;
	doc = NULL;
	s.pos = NULL;
	code = 0;
out:
	if (doc)
		xmlFreeDoc(doc);
	if (ctxt)
		xmlFreeParserCtxt(ctxt);
	free(s.pos);
	free(data);
	return code;
}

void xml_file_free(xml_file *f)
{
	if (f->doc)
		xmlFreeDoc(f->doc);
	free(f->pos);
	memset(f, 0, sizeof *f);
}

int xml_node_line(const xmlNode *n)
{
	if (!n)
		return 0;
	const xml_pos *p = n->_private;
	if (p)
		return p->line;
	long l = xmlGetLineNo(n);
	return l > 0 ? (int)l : 0;
}

int xml_node_col(const xmlNode *n)
{
	const xml_pos *p = n ? n->_private : NULL;
	return p ? p->col : 0;
}

/* An attribute with its entities decoded, in the caller's memory (load_internal.h). */
char *xml_attr_dup(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	if (!v)
		return NULL;
	char *r = strdup((const char *)v);
	xmlFree(v);
	return r;
}
