/*
 * profile_load.c: reading a profile written by profile.c (profile.h).
 *
 * A load never writes: the file is opened read-only and immutable (no
 * journal, lock or -shm file is ever created beside it) and never created.
 * Its header is checked before SQLite sees it, and every row is validated
 * into a scratch jar and a fresh storage map before the caller's jar and
 * map are touched. Each refusal says which file, which table and which row,
 * in words a person can act on.
 *
 * Profiles are untrusted (customers attach them to tickets), and an SQLite
 * file can carry SQL that runs when it is read: a view, a trigger, a
 * virtual table whose module queries other tables (an FTS5 table over a
 * recursive view never finishes). So before any table is read, the file's
 * sqlite_schema must be exactly bsim's own (profile_schema), the
 * connection runs in defensive mode with views, triggers and an untrusted
 * schema off, an authorizer allows only reads of bsim's own tables, and a
 * progress handler bounds the work of every statement.
 */
#include "browser/profile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/error.h"

/* The SQLite file header (https://www.sqlite.org/fileformat.html §1.3). */
#define SQLITE_HEADER_BYTES 100
static const char sqlite_magic[16] = "SQLite format 3";

typedef struct loader {
	const char *path;
	sqlite3 *db;
	sqlite3_stmt *stmt;
	bsim_jar *scratch;
	storage_map *local;
	bsim_jar *target;
	bool refused;             /* the authorizer refused something (refused_what says what) */
	char refused_what[200];
	unsigned long progress_calls;
} loader;

static int corrupt(const loader *l, const char *fmt, ...) BSIM_PRINTF(2, 3);

static int corrupt(const loader *l, const char *fmt, ...)
{
	char what[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return error_set_at(BSIM_ECORRUPT, l->path, 0, 0, "profile %s %s", l->path, what);
}

/* "profile PATH <what>: <the inner error>" (what the jar or the storage refused). */
static int corrupt_wrap(const loader *l, const char *what)
{
	return error_wrap_at(BSIM_ECORRUPT, l->path, 0, 0, "profile %s %s", l->path, what);
}

/* SQLite refused to read: the file is damaged (or, rarely, memory ran out). */
static int sqlite_failed(const loader *l)
{
	int code = sqlite3_errcode(l->db);
	if (code == SQLITE_NOMEM)
		return error_oom();
	if (code == SQLITE_INTERRUPT)
		return corrupt(l, "takes more than %ld SQLite steps to read (PROFILE_LOAD_MAX_VM_STEPS), more than any profile bsim writes",
			       (long)PROFILE_LOAD_MAX_VM_STEPS);
	if (l->refused)
		return corrupt(l, "is not a profile bsim wrote: reading it asked SQLite for %s, which a load never allows",
			       l->refused_what);
	if (code == SQLITE_TOOBIG)
		return corrupt(l, "holds a string longer than %d bytes, more than any profile bsim writes",
			       PROFILE_MAX_STRING);
	return corrupt(l, "is corrupt: SQLite says \"%s\"", sqlite3_errmsg(l->db));
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Before SQLite sees the file: it exists, is a regular file of a sane size,
 * carries the SQLite header, and is as long as its header says. SQLite
 * would report most of these as "file is not a database" or not at all (a
 * truncated file often reads fine until the missing page is needed).
 */
static int check_file(const loader *l)
{
	struct stat st;
	if (stat(l->path, &st) != 0)
		return error_set_at(BSIM_EIO, l->path, 0, 0, "cannot read profile %s: %s", l->path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return error_set_at(BSIM_EIO, l->path, 0, 0, "cannot read profile %s: not a regular file", l->path);
	if (st.st_size > PROFILE_MAX_FILE_BYTES)
		return error_set_at(BSIM_ELIMIT, l->path, 0, 0,
				    "profile %s is %jd bytes, over the %jd bytes a bsim profile may take", l->path,
				    (intmax_t)st.st_size, (intmax_t)PROFILE_MAX_FILE_BYTES);
	if (st.st_size == 0)
		return corrupt(l, "is empty, not an SQLite database");

	unsigned char h[SQLITE_HEADER_BYTES];
	int fd = open(l->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_set_at(BSIM_EIO, l->path, 0, 0, "cannot read profile %s: %s", l->path, strerror(errno));
	ssize_t got = 0;
	while (got < (ssize_t)sizeof h) {
		ssize_t n = read(fd, h + got, sizeof h - (size_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	if (got < (ssize_t)sizeof sqlite_magic || memcmp(h, sqlite_magic, sizeof sqlite_magic) != 0)
		return corrupt(l, "is not an SQLite database (it does not begin with \"SQLite format 3\")");
	if (got < SQLITE_HEADER_BYTES)
		return corrupt(l, "is truncated: %jd bytes, shorter than the 100-byte SQLite header",
			       (intmax_t)st.st_size);
	/* Page size: a power of two from 512 to 32768, or 1 meaning 65536 (fileformat §1.3.2). */
	uint32_t page = (uint32_t)h[16] << 8 | h[17];
	if (page == 1)
		page = 65536;
	if (page < 512 || page > 65536 || (page & (page - 1)))
		return corrupt(l, "is corrupt: its header gives a page size of %u bytes", page);
	if ((uint64_t)st.st_size % page)
		return corrupt(l, "is truncated: %jd bytes is not a whole number of %u-byte pages", (intmax_t)st.st_size,
			       page);
	/* The in-header page count is valid when the change counter matches version-valid-for (§1.3.7). */
	uint32_t pages = be32(h + 28);
	if (pages && be32(h + 24) == be32(h + 92) && (uint64_t)pages * page > (uint64_t)st.st_size)
		return corrupt(l, "is truncated: its header promises %" PRIu64 " bytes (%u pages), the file has %jd",
			       (uint64_t)pages * page, pages, (intmax_t)st.st_size);
	return 0;
}

/* path as an SQLite URI filename: '%', '?' and '#' (and anything not printable) escaped. */
static char *uri_of(const char *path)
{
	buf b = BUF_INIT;
	buf_puts(&b, "file:");
	/* "file://x" would name a host; a path starting with "//" keeps its meaning behind "file:". */
	if (path[0] == '/' && path[1] == '/')
		buf_puts(&b, "//");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#' || *p <= 0x20 || *p >= 0x7F)
			buf_printf(&b, "%%%02X", *p);
		else
			buf_putc(&b, (char)*p);
	}
	/* immutable: no lock, journal or -shm is looked for or made; bsim replaces profiles by rename, never in place. */
	buf_puts(&b, "?mode=ro&immutable=1");
	return buf_detach(&b);
}

/* ---- what a load lets SQLite do ---- */

static atomic_ulong refused_actions;

unsigned long profile_load_refused_actions(void)
{
	return atomic_load(&refused_actions);
}

/* The tables a load reads: its own three and the schema table (SQLite names it sqlite_master inside). */
static bool own_table(const char *name)
{
	static const char *const tables[] = {"meta", "cookies", "local_storage", "sqlite_master", "sqlite_schema"};
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
		if (name && strcmp(name, tables[i]) == 0)
			return true;
	return false;
}

/*
 * The authorizer (https://www.sqlite.org/c3ref/set_authorizer.html): a load
 * runs SELECTs on bsim's own tables and PRAGMA quick_check, nothing else.
 * A function call, a read through a view or trigger (a non-NULL fourth
 * argument), a read of any other table (an FTS5 table's shadow tables) is
 * refused, so even a file the schema check let through cannot make SQLite
 * run its SQL. The schema check refuses such files first; a refusal here
 * means it missed one, and is counted for the profile fuzzer to assert on.
 */
static int authorize(void *ud, int action, const char *a, const char *b, const char *db, const char *via)
{
	loader *l = ud;
	(void)db;
	if (action == SQLITE_SELECT)
		return SQLITE_OK;
	if (action == SQLITE_READ && !via && own_table(a))
		return SQLITE_OK;
	if (action == SQLITE_PRAGMA && a && strcmp(a, "quick_check") == 0)
		return SQLITE_OK;
	atomic_fetch_add(&refused_actions, 1);
	const char *what = action == SQLITE_FUNCTION ? "a call of function"
			   : action == SQLITE_READ   ? "a read of table"
			   : action == SQLITE_PRAGMA ? "the pragma"
						     : "an action (SQLite authorizer code) on";
	if (!l->refused)
		snprintf(l->refused_what, sizeof l->refused_what, "%s \"%.60s\"%s%.60s", what,
			 action == SQLITE_FUNCTION ? (b ? b : "") : (a ? a : ""), via ? " through " : "", via ? via : "");
	l->refused = true;
	return SQLITE_DENY;
}

/* Called every PROFILE_LOAD_PROGRESS_OPS virtual-machine steps; non-zero interrupts the statement. */
static int on_progress(void *ud)
{
	loader *l = ud;
	return ++l->progress_calls > PROFILE_LOAD_MAX_VM_STEPS / PROFILE_LOAD_PROGRESS_OPS;
}

/*
 * The connection runs only what bsim asks: defensive mode (no writable
 * schema, no shadow-table writes), an untrusted schema (functions a file's
 * views and triggers name must be innocuous), views and triggers off
 * altogether, no waiting on a lock, a bound on the work any statement may
 * do, and the authorizer above.
 */
static int configure(loader *l)
{
	static const int off[] = {SQLITE_DBCONFIG_TRUSTED_SCHEMA, SQLITE_DBCONFIG_ENABLE_TRIGGER,
				  SQLITE_DBCONFIG_ENABLE_VIEW, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION};
	int was = -1;
	if (sqlite3_db_config(l->db, SQLITE_DBCONFIG_DEFENSIVE, 1, &was) != SQLITE_OK || was != 1)
		return corrupt(l, "cannot be read safely: SQLite refused defensive mode");
	for (size_t i = 0; i < sizeof off / sizeof *off; i++)
		if (sqlite3_db_config(l->db, off[i], 0, &was) != SQLITE_OK || was != 0)
			return corrupt(l, "cannot be read safely: SQLite refused to turn off option %d", off[i]);
	sqlite3_limit(l->db, SQLITE_LIMIT_LENGTH, PROFILE_MAX_STRING);
	sqlite3_busy_timeout(l->db, 0);
	sqlite3_progress_handler(l->db, PROFILE_LOAD_PROGRESS_OPS, on_progress, l);
	return sqlite3_set_authorizer(l->db, authorize, l) == SQLITE_OK ? 0 : sqlite_failed(l);
}

/* ---- the schema: exactly bsim's own (profile_schema), or the file is refused ---- */

typedef struct schema_scan {
	bool seen[PROFILE_SCHEMA_OBJECT_COUNT];
	bool altered[PROFILE_SCHEMA_OBJECT_COUNT];
	char extra[200];          /* the first object schema 1 does not have, as words ("a table \"x\"") */
} schema_scan;

static const profile_schema_object *expected_object(const char *type, const char *name, size_t *at)
{
	for (size_t i = 0; i < PROFILE_SCHEMA_OBJECT_COUNT; i++) {
		if (strcmp(profile_schema[i].type, type) == 0 && strcmp(profile_schema[i].name, name) == 0) {
			*at = i;
			return &profile_schema[i];
		}
	}
	return NULL;
}

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/*
 * One row of the file's sqlite_schema. An object that carries SQL a read
 * would run (a view, a trigger, a virtual table, whose module runs its own
 * queries) is refused at once; any other difference is noted in scan.
 */
static int scan_object(loader *l, schema_scan *scan, sqlite3_stmt *st)
{
	const char *type = (const char *)sqlite3_column_text(st, 0);
	const char *name = (const char *)sqlite3_column_text(st, 1);
	const char *tbl = (const char *)sqlite3_column_text(st, 2);
	const char *sql = (const char *)sqlite3_column_text(st, 3);
	if (!type)
		type = "";
	if (!name)
		name = "";
	const char *code = NULL;
	if (strcmp(type, "view") == 0)
		code = "a view";
	else if (strcmp(type, "trigger") == 0)
		code = "a trigger";
	else if (strcmp(type, "table") == 0 && sql && strncasecmp(sql, "CREATE VIRTUAL TABLE", 20) == 0)
		code = "a virtual table";
	if (code)
		return corrupt(l,
			       "is not a profile bsim wrote: it has %s \"%.80s\", which would run SQL from the file; "
			       "bsim reads only files whose schema is exactly the one it writes (schema %d), and runs no SQL a file carries",
			       code, name, PROFILE_SCHEMA_VERSION);
	size_t at = 0;
	const profile_schema_object *want = expected_object(type, name, &at);
	if (!want) {
		if (!*scan->extra)
			snprintf(scan->extra, sizeof scan->extra, "%s \"%.80s\"",
				 strcmp(type, "index") == 0 ? "an index" : strcmp(type, "table") == 0 ? "a table" : type,
				 name);
		return 0;
	}
	scan->seen[at] = true;
	if (!same_text(tbl, want->tbl_name) || !same_text(sql, want->sql))
		scan->altered[at] = true;
	return 0;
}

/* Read the file's sqlite_schema (SQLite parses it, but runs nothing in it) into scan. */
static int scan_schema(loader *l, schema_scan *scan)
{
	sqlite3_stmt *st = NULL;
	memset(scan, 0, sizeof *scan);
	if (sqlite3_prepare_v2(l->db, "SELECT type, name, tbl_name, sql FROM sqlite_schema", -1, &st, NULL) !=
	    SQLITE_OK)
		return sqlite_failed(l);
	int rc = 0, step, objects = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW && rc == 0) {
		if (++objects > PROFILE_SCHEMA_MAX_OBJECTS) {
			rc = corrupt(l, "is not a profile bsim wrote: its schema has more than %d objects (schema %d has %d)",
				     PROFILE_SCHEMA_MAX_OBJECTS, PROFILE_SCHEMA_VERSION, PROFILE_SCHEMA_OBJECT_COUNT);
			break;
		}
		rc = scan_object(l, scan, st);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = sqlite_failed(l);
	sqlite3_finalize(st);
	return rc;
}

/* The index in profile_schema of the table called name. */
static size_t schema_index(const char *name)
{
	size_t at = 0;
	expected_object("table", name, &at);
	return at;
}

/* After the meta table has been read: any object missing, added or changed refuses the file. */
static int schema_differences(loader *l, const schema_scan *scan)
{
	for (size_t i = 0; i < PROFILE_SCHEMA_OBJECT_COUNT; i++) {
		const profile_schema_object *o = &profile_schema[i];
		if (scan->altered[i])
			return corrupt(l,
				       "is not a profile bsim wrote: its %s \"%s\" is not defined as schema %d defines it; "
				       "bsim reads only files whose schema is exactly the one it writes",
				       o->type, o->name, PROFILE_SCHEMA_VERSION);
		if (!scan->seen[i] && o->sql)
			return corrupt(l, "is not a complete bsim profile: it has no \"%s\" %s (schema %d has one)", o->name,
				       o->type, PROFILE_SCHEMA_VERSION);
	}
	if (*scan->extra)
		return corrupt(l,
			       "is not a profile bsim wrote: it has %s that schema %d does not have; "
			       "bsim reads only files whose schema is exactly the one it writes",
			       scan->extra, PROFILE_SCHEMA_VERSION);
	for (size_t i = 0; i < PROFILE_SCHEMA_OBJECT_COUNT; i++)
		if (!scan->seen[i])
			return corrupt(l, "is not a profile bsim wrote: it has no %s \"%s\" (schema %d has one)",
				       profile_schema[i].type, profile_schema[i].name, PROFILE_SCHEMA_VERSION);
	return 0;
}

static bool schema_exact(const schema_scan *scan)
{
	for (size_t i = 0; i < PROFILE_SCHEMA_OBJECT_COUNT; i++)
		if (!scan->seen[i] || scan->altered[i])
			return false;
	return !*scan->extra;
}

/* A meta value, or *rc = BSIM_ENOTFOUND. Copies into out. */
static int meta_get(loader *l, const char *key, char *out, size_t outlen)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(l->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
		return sqlite_failed(l);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = 0, step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(st, 0);
		snprintf(out, outlen, "%s", v ? (const char *)v : "");
	} else if (step == SQLITE_DONE) {
		rc = BSIM_ENOTFOUND;
	} else {
		rc = sqlite_failed(l);
	}
	sqlite3_finalize(st);
	return rc;
}

static int check_meta(loader *l)
{
	char v[64];
	int rc = meta_get(l, "schema_version", v, sizeof v);
	if (rc == BSIM_ENOTFOUND)
		return corrupt(l, "is not a bsim profile: its meta table has no schema_version");
	if (rc < 0)
		return rc;
	char *end = NULL;
	errno = 0;
	long version = strtol(v, &end, 10);
	if (!*v || *end || errno || version < 1)
		return corrupt(l, "has schema_version \"%s\" in its meta table, which no bsim writes", v);
	if (version > PROFILE_SCHEMA_VERSION)
		return corrupt(l, "was written by a newer bsim (schema %ld; this build reads up to %d): upgrade bsim",
			       version, PROFILE_SCHEMA_VERSION);
	rc = meta_get(l, "engine", v, sizeof v);
	if (rc == BSIM_ENOTFOUND)
		return corrupt(l, "is not a complete bsim profile: its meta table names no engine");
	if (rc < 0)
		return rc;
	bsim_engine e;
	if (bsim_engine_from_name(&e, v) < 0)
		return corrupt(l, "names engine \"%.40s\" in its meta table; bsim knows chromium, firefox and safari", v);
	/*
	 * A profile written under another engine is accepted: its cookies are
	 * checked against this jar as an import's are, which is how a scenario
	 * compares engines on one saved state.
	 */
	return 0;
}

/* ---- one cookie row ---- */

typedef struct row_ctx {
	loader *l;
	sqlite3_stmt *st;
	long row;        /* 1-based, in creation order */
	const char *name, *domain;
} row_ctx;

/* "has a bad cookie in row N", with its name and domain once read, into out. */
static void row_where(const row_ctx *r, char *out, size_t n)
{
	if (r->name && r->domain)
		snprintf(out, n, "has a bad cookie in row %ld (\"%.80s\" on \"%.80s\")", r->row, r->name, r->domain);
	else
		snprintf(out, n, "has a bad cookie in row %ld", r->row);
}

static int row_error(const row_ctx *r, const char *fmt, ...) BSIM_PRINTF(2, 3);

static int row_error(const row_ctx *r, const char *fmt, ...)
{
	char where[256], what[700];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	row_where(r, where, sizeof where);
	return corrupt(r->l, "%s: %s", where, what);
}

/* The jar refused the row's cookie: its reason after the row's place. */
static int row_wrap(const row_ctx *r)
{
	char where[256];
	row_where(r, where, sizeof where);
	return corrupt_wrap(r->l, where);
}

static const char *type_name(int t)
{
	switch (t) {
	case SQLITE_INTEGER: return "an integer";
	case SQLITE_FLOAT: return "a real number";
	case SQLITE_TEXT: return "text";
	case SQLITE_BLOB: return "a blob";
	default: return "NULL";
	}
}

/* A TEXT column, NUL-free; NULL allowed only when nullable. */
static int row_text(row_ctx *r, int col, bool nullable, const char **out)
{
	int t = sqlite3_column_type(r->st, col);
	*out = NULL;
	if (t == SQLITE_NULL && nullable)
		return 0;
	if (t != SQLITE_TEXT)
		return row_error(r, "%s is %s, expected text", profile_cookie_columns[col], type_name(t));
	const char *s = (const char *)sqlite3_column_text(r->st, col);
	if (!s)
		return error_oom();
	if (strlen(s) != (size_t)sqlite3_column_bytes(r->st, col))
		return row_error(r, "%s holds a NUL byte", profile_cookie_columns[col]);
	*out = s;
	return 0;
}

static int row_int(row_ctx *r, int col, int64_t lo, int64_t hi, int64_t *out)
{
	int t = sqlite3_column_type(r->st, col);
	if (t != SQLITE_INTEGER)
		return row_error(r, "%s is %s, expected an integer", profile_cookie_columns[col], type_name(t));
	*out = sqlite3_column_int64(r->st, col);
	if (*out < lo || *out > hi)
		return row_error(r, "%s is %" PRId64 ", expected %" PRId64 " %s %" PRId64, profile_cookie_columns[col], *out, lo,
				 hi - lo == 1 ? "or" : "to", hi);
	return 0;
}

static int row_word(row_ctx *r, int col, const char *const *words, size_t nwords, int *out)
{
	const char *s;
	int rc = row_text(r, col, false, &s);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < nwords; i++) {
		if (strcmp(s, words[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	return row_error(r, "%s is \"%.40s\", expected %s", profile_cookie_columns[col], s,
			 nwords == 4 ? "unspecified, none, lax or strict" : "low, medium or high");
}

static int load_cookie_row(row_ctx *r)
{
	bsim_cookie_view v;
	memset(&v, 0, sizeof v);
	int64_t n = 0;
	int w = 0, rc;
	r->name = r->domain = NULL;
	/* Name and domain first, so every later complaint can say which cookie. */
	if ((rc = row_text(r, 0, false, &v.name)) < 0 || (rc = row_text(r, 2, false, &v.domain)) < 0)
		return rc;
	r->name = v.name;
	r->domain = v.domain;
	if ((rc = row_text(r, 1, false, &v.value)) < 0 || (rc = row_text(r, 3, false, &v.path)) < 0)
		return rc;
	if ((rc = row_int(r, 4, 0, 1, &n)) < 0)
		return rc;
	v.host_only = (int)n;
	if ((rc = row_int(r, 5, 0, 1, &n)) < 0)
		return rc;
	v.secure = (int)n;
	if ((rc = row_int(r, 6, 0, 1, &n)) < 0)
		return rc;
	v.http_only = (int)n;
	if ((rc = row_int(r, 7, 0, 1, &n)) < 0)
		return rc;
	v.persistent = (int)n;
	if ((rc = row_word(r, 8, profile_same_site_words, 4, &w)) < 0)
		return rc;
	v.same_site = (bsim_samesite)w;
	if ((rc = row_word(r, 9, profile_priority_words, 3, &w)) < 0)
		return rc;
	v.priority = (bsim_priority)w;
	if ((rc = row_text(r, 10, true, &v.partition_key)) < 0)
		return rc;
	if (v.persistent) {
		if ((rc = row_int(r, 11, INT64_MIN, INT64_MAX, &n)) < 0)
			return rc;
		v.expires = n;
	} else if (sqlite3_column_type(r->st, 11) != SQLITE_NULL) {
		return row_error(r, "expires is set on a session cookie (persistent is 0)");
	}
	if ((rc = row_int(r, 12, INT64_MIN, INT64_MAX, &n)) < 0)
		return rc;
	v.creation = n;
	if ((rc = row_int(r, 13, INT64_MIN, INT64_MAX, &n)) < 0)
		return rc;
	v.last_access = n;

	size_t before = bsim_jar_count(r->l->scratch);
	rc = bsim_jar_restore(r->l->scratch, &v);
	if (rc == BSIM_ENOMEM)
		return rc;
	if (rc < 0)
		return row_wrap(r);
	if (bsim_jar_count(r->l->scratch) == before)
		return row_error(r, "it repeats the name, domain, host-only flag, path and partition of an earlier row");
	return 0;
}

static int load_cookies(loader *l)
{
	buf sql = BUF_INIT;
	buf_puts(&sql, "SELECT ");
	for (size_t i = 0; i < PROFILE_COOKIE_COLUMN_COUNT; i++)
		buf_printf(&sql, "%s%s", i ? ", " : "", profile_cookie_columns[i]);
	buf_puts(&sql, " FROM cookies ORDER BY seq");
	if (buf_status(&sql) < 0) {
		buf_free(&sql);
		return error_oom();
	}
	int rc = 0;
	if (sqlite3_prepare_v2(l->db, buf_cstr(&sql), -1, &l->stmt, NULL) != SQLITE_OK)
		rc = sqlite_failed(l);
	buf_free(&sql);
	if (rc < 0)
		return rc;
	row_ctx r = {l, l->stmt, 0, NULL, NULL};
	int step;
	while ((step = sqlite3_step(l->stmt)) == SQLITE_ROW) {
		if (++r.row > PROFILE_MAX_COOKIES)
			return corrupt(l, "holds more than %d cookies, the most bsim reads from a profile",
				       PROFILE_MAX_COOKIES);
		if ((rc = load_cookie_row(&r)) < 0)
			return rc;
	}
	if (step != SQLITE_DONE)
		return sqlite_failed(l);
	sqlite3_finalize(l->stmt);
	l->stmt = NULL;
	return 0;
}

/* ---- localStorage rows ---- */

static int load_local(loader *l, bsim_engine engine)
{
	int rc = storage_map_new(&l->local, engine, STORAGE_LOCAL);
	if (rc < 0)
		return rc;
	if (sqlite3_prepare_v2(l->db, "SELECT origin, key, value, ord FROM local_storage ORDER BY origin, ord", -1,
			       &l->stmt, NULL) != SQLITE_OK)
		return sqlite_failed(l);
	long row = 0;
	int step;
	while ((step = sqlite3_step(l->stmt)) == SQLITE_ROW) {
		if (++row > PROFILE_MAX_LOCAL_ITEMS)
			return corrupt(l, "holds more than %d localStorage items, the most bsim reads from a profile",
				       PROFILE_MAX_LOCAL_ITEMS);
		const char *s[3];
		for (int c = 0; c < 3; c++) {
			int t = sqlite3_column_type(l->stmt, c);
			if (t != SQLITE_TEXT)
				return corrupt(l, "has a bad localStorage item in row %ld: %s is %s, expected text", row,
					       profile_local_columns[c], type_name(t));
			s[c] = (const char *)sqlite3_column_text(l->stmt, c);
			if (!s[c])
				return error_oom();
			if (strlen(s[c]) != (size_t)sqlite3_column_bytes(l->stmt, c))
				return corrupt(l, "has a bad localStorage item in row %ld: %s holds a NUL byte", row,
					       profile_local_columns[c]);
		}
		if (!*s[0])
			return corrupt(l, "has a bad localStorage item in row %ld: its origin is empty", row);
		storage_area *a = storage_map_find(l->local, s[0]);
		size_t before = a ? storage_area_length(a) : 0;
		storage_change ch = {false, NULL};
		/* No site: a load restores what a browser held; quotas apply to what pages write next. */
		rc = storage_map_set(l->local, s[0], NULL, s[1], s[2], &ch);
		free(ch.old_value);
		if (rc == BSIM_ENOMEM)
			return rc;
		if (rc < 0) {
			char where[400];
			snprintf(where, sizeof where, "has a bad localStorage item in row %ld (%.200s, key \"%.80s\")", row,
				 s[0], s[1]);
			return corrupt_wrap(l, where);
		}
		a = storage_map_find(l->local, s[0]);
		if (!a || storage_area_length(a) == before)
			return corrupt(l, "has a bad localStorage item in row %ld (%.200s): key \"%.80s\" appears twice",
				       row, s[0], s[1]);
	}
	if (step != SQLITE_DONE)
		return sqlite_failed(l);
	sqlite3_finalize(l->stmt);
	l->stmt = NULL;
	return 0;
}

static int restore_into_target(const bsim_cookie_view *c, void *ud)
{
	loader *l = ud;
	return bsim_jar_restore(l->target, c);
}

/* The integrity check SQLite offers: finds damage in pages the queries would not read. */
static int check_integrity(loader *l)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(l->db, "PRAGMA quick_check(1)", -1, &st, NULL) != SQLITE_OK)
		return sqlite_failed(l);
	int rc = 0, step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		if (!v || strcmp(v, "ok") != 0) {
			/* One line: SQLite's report spans several. */
			char said[301];
			snprintf(said, sizeof said, "%s", v ? v : "");
			for (char *q = said; *q; q++)
				if (*q == '\n' || *q == '\r')
					*q = ' ';
			rc = corrupt(l, "is corrupt: SQLite's integrity check says \"%s\"", said);
		}
	} else {
		rc = sqlite_failed(l);
	}
	sqlite3_finalize(st);
	return rc;
}

int profile_load(const char *path, bsim_jar *jar, storage_map **local, bsim_engine engine)
{
	loader l = {.path = path, .target = jar};
	char *uri = NULL;
	int rc;

	if (!path || !*path || !jar || !local)
		return error_set(BSIM_EINVAL, "profile_load needs a path, a jar and a storage map");
	if ((rc = check_file(&l)) < 0)
		return rc;
	if (!(uri = uri_of(path)))
		return error_oom();
	/* Read-only, never created: a missing or unreadable file is an error, not a new profile. */
	if (sqlite3_open_v2(uri, &l.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
		rc = l.db ? sqlite_failed(&l) : error_oom();
		goto out;
	}
	schema_scan scan;
	if ((rc = configure(&l)) < 0 || (rc = scan_schema(&l, &scan)) < 0)
		goto out;
	size_t meta = schema_index("meta");
	if (!scan.seen[meta]) {
		rc = corrupt(&l, "is an SQLite database but not a bsim profile: it has no \"meta\" table");
		goto out;
	}
	if (scan.altered[meta]) {
		rc = corrupt(&l, "is not a bsim profile: its \"meta\" table is not the one bsim writes (schema %d)",
			     PROFILE_SCHEMA_VERSION);
		goto out;
	}
	/* A newer bsim's file says so in its meta table: that, not its new tables, is what to tell the user. */
	if (!schema_exact(&scan) && ((rc = check_meta(&l)) < 0 || (rc = schema_differences(&l, &scan)) < 0))
		goto out;
	if ((rc = check_integrity(&l)) < 0 || (rc = check_meta(&l)) < 0)
		goto out;

	if ((rc = bsim_jar_new(&l.scratch, bsim_jar_engine(jar))) < 0)
		goto out;
	bsim_jar_set_time(l.scratch, bsim_jar_time(jar));
	if ((rc = load_cookies(&l)) < 0 || (rc = load_local(&l, engine)) < 0)
		goto out;

	/* Everything is valid: only now does the caller's state change. */
	bsim_jar_clear(jar);
	if ((rc = bsim_jar_foreach(l.scratch, restore_into_target, &l)) < 0)
		goto out;
	storage_map_free(*local);
	*local = l.local;
	l.local = NULL;
out:
	if (l.stmt)
		sqlite3_finalize(l.stmt);
	if (l.db)
		sqlite3_close(l.db);
	if (l.scratch)
		bsim_jar_free(l.scratch);
	if (l.local)
		storage_map_free(l.local);
	free(uri);
	return rc;
}
