/*
 * profile.c: saving the browser's persistent state to an SQLite file
 * (profile.h); profile_load.c reads it back.
 *
 * A save writes a fresh database into a temporary file beside the target,
 * in one transaction, flushes it to disk and renames it over the target, so
 * a reader sees either the old profile or the new one, never half of one,
 * and a failed save leaves the old file byte for byte.
 */
#include "browser/profile.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/atomic_file.h"
#include "util/error.h"

const char *const profile_cookie_columns[PROFILE_COOKIE_COLUMN_COUNT] = {
	"name", "value", "domain", "path", "host_only", "secure", "http_only", "persistent",
	"same_site", "priority", "partition_key", "expires", "creation", "last_access",
};

const char *const profile_local_columns[PROFILE_LOCAL_COLUMN_COUNT] = {"origin", "key", "value", "ord"};

/*
 * Schema 1. The creation order of cookies is the order of `seq`; times are
 * milliseconds on the virtual clock since 1970; host_only, secure,
 * http_only and persistent are 0 or 1; same_site is unspecified, none, lax
 * or strict and priority low, medium or high, as words so the file reads
 * plainly in the sqlite3 shell; expires is NULL for a session cookie and
 * partition_key NULL for an unpartitioned one. The domains are not CHECK
 * constraints: those made a save of 10k cookies five times slower, and a
 * load validates every value anyway, since a file may have been written by
 * anyone.
 *
 * The statements are written exactly as sqlite_schema keeps them, so the
 * loader can compare a file's schema with this table byte for byte.
 */
const profile_schema_object profile_schema[PROFILE_SCHEMA_OBJECT_COUNT] = {
	{"table", "meta", "meta",
	 "CREATE TABLE meta(\n"
	 "  key TEXT PRIMARY KEY NOT NULL,\n"
	 "  value TEXT NOT NULL\n"
	 ")"},
	{"index", "sqlite_autoindex_meta_1", "meta", NULL},
	{"table", "cookies", "cookies",
	 "CREATE TABLE cookies(\n"
	 "  seq INTEGER PRIMARY KEY,\n"
	 "  name TEXT NOT NULL,\n"
	 "  value TEXT NOT NULL,\n"
	 "  domain TEXT NOT NULL,\n"
	 "  path TEXT NOT NULL,\n"
	 "  host_only INTEGER NOT NULL,\n"
	 "  secure INTEGER NOT NULL,\n"
	 "  http_only INTEGER NOT NULL,\n"
	 "  persistent INTEGER NOT NULL,\n"
	 "  same_site TEXT NOT NULL,\n"
	 "  priority TEXT NOT NULL,\n"
	 "  partition_key TEXT,\n"
	 "  expires INTEGER,\n"
	 "  creation INTEGER NOT NULL,\n"
	 "  last_access INTEGER NOT NULL\n"
	 ")"},
	{"table", "local_storage", "local_storage",
	 "CREATE TABLE local_storage(\n"
	 "  origin TEXT NOT NULL,\n"
	 "  key TEXT NOT NULL,\n"
	 "  value TEXT NOT NULL,\n"
	 "  ord INTEGER NOT NULL,\n"
	 "  PRIMARY KEY (origin, ord),\n"
	 "  UNIQUE (origin, key)\n"
	 ")"},
	{"index", "sqlite_autoindex_local_storage_1", "local_storage", NULL},
	{"index", "sqlite_autoindex_local_storage_2", "local_storage", NULL},
};

const char *const profile_same_site_words[4] = {"unspecified", "none", "lax", "strict"};
const char *const profile_priority_words[3] = {"low", "medium", "high"};

static profile_fault fault_point = PROFILE_FAULT_NONE;

void profile_set_fault(profile_fault where)
{
	fault_point = where;
}

/* True when a test asked the save to fail here. */
static bool fault_at(profile_fault where)
{
	return fault_point == where;
}

typedef struct saver {
	const char *path;
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int64_t seq;
	int rc;
} saver;

static int save_sqlite_error(saver *s, const char *what)
{
	return error_set(BSIM_EIO, "cannot save profile %s: %s: %s", s->path, what,
			 s->db ? sqlite3_errmsg(s->db) : "out of memory");
}

static int bind_text(sqlite3_stmt *st, int col, const char *s)
{
	return s ? sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, col);
}

static int save_cookie(const bsim_cookie_view *c, void *ud)
{
	saver *s = ud;
	if (s->seq >= PROFILE_MAX_COOKIES) {
		s->rc = error_set(BSIM_ELIMIT, "cannot save profile %s: the jar holds more than %d cookies, the most a profile holds",
				  s->path, PROFILE_MAX_COOKIES);
		return 1;
	}
	if (strlen(c->path) > PROFILE_MAX_STRING ||
	    (c->partition_key && strlen(c->partition_key) > PROFILE_MAX_STRING)) {
		s->rc = error_set(BSIM_ELIMIT, "cannot save profile %s: cookie %.80s has a string longer than %d bytes",
				  s->path, c->name, PROFILE_MAX_STRING);
		return 1;
	}
	sqlite3_stmt *st = s->stmt;
	int col = 1;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, col++, ++s->seq);
	bind_text(st, col++, c->name);
	bind_text(st, col++, c->value);
	bind_text(st, col++, c->domain);
	bind_text(st, col++, c->path);
	sqlite3_bind_int(st, col++, c->host_only != 0);
	sqlite3_bind_int(st, col++, c->secure != 0);
	sqlite3_bind_int(st, col++, c->http_only != 0);
	sqlite3_bind_int(st, col++, c->persistent != 0);
	bind_text(st, col++, profile_same_site_words[(unsigned)c->same_site & 3]);
	bind_text(st, col++, profile_priority_words[c->priority <= BSIM_PRIORITY_HIGH ? c->priority : BSIM_PRIORITY_MEDIUM]);
	bind_text(st, col++, c->partition_key);
	if (c->persistent)
		sqlite3_bind_int64(st, col++, c->expires);
	else
		sqlite3_bind_null(st, col++);
	sqlite3_bind_int64(st, col++, c->creation);
	sqlite3_bind_int64(st, col++, c->last_access);
	if (sqlite3_step(st) != SQLITE_DONE) {
		s->rc = save_sqlite_error(s, "writing a cookie");
		return 1;
	}
	return 0;
}

static int save_origin(const char *origin, const storage_area *a, void *ud)
{
	saver *s = ud;
	size_t n = storage_area_length(a);
	for (size_t i = 0; i < n; i++) {
		if (s->seq >= PROFILE_MAX_LOCAL_ITEMS) {
			s->rc = error_set(BSIM_ELIMIT,
					  "cannot save profile %s: localStorage holds more than %d items, the most a profile holds",
					  s->path, PROFILE_MAX_LOCAL_ITEMS);
			return 1;
		}
		const char *key = storage_area_key(a, i);
		const char *value = storage_area_get(a, key);
		if (strlen(origin) > PROFILE_MAX_STRING || strlen(key) > PROFILE_MAX_STRING ||
		    strlen(value) > PROFILE_MAX_STRING) {
			s->rc = error_set(BSIM_ELIMIT, "cannot save profile %s: localStorage of %.200s has a string longer than %d bytes",
					  s->path, origin, PROFILE_MAX_STRING);
			return 1;
		}
		sqlite3_stmt *st = s->stmt;
		sqlite3_reset(st);
		bind_text(st, 1, origin);
		bind_text(st, 2, key);
		bind_text(st, 3, value);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)i);
		if (sqlite3_step(st) != SQLITE_DONE) {
			s->rc = save_sqlite_error(s, "writing a localStorage item");
			return 1;
		}
		s->seq++;
	}
	return 0;
}

/* Write the whole database into the temporary file at tmp, in one transaction. */
static int save_database(saver *s, const char *tmp, const bsim_jar *jar, const storage_map *local,
			 bsim_engine engine)
{
	int rc = 0;
	if (sqlite3_open_v2(tmp, &s->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return save_sqlite_error(s, "opening the temporary file");
	/*
	 * The temporary file is nobody's profile until the rename: a crash
	 * leaves it half written and the target untouched, so a journal would
	 * protect nothing. Durability comes from the fsync before the rename.
	 */
	if (sqlite3_exec(s->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return save_sqlite_error(s, "creating the tables");
	for (size_t i = 0; i < PROFILE_SCHEMA_OBJECT_COUNT; i++)
		if (profile_schema[i].sql && sqlite3_exec(s->db, profile_schema[i].sql, NULL, NULL, NULL) != SQLITE_OK)
			return save_sqlite_error(s, "creating the tables");

	char meta[160];
	snprintf(meta, sizeof meta,
		 "INSERT INTO meta(key, value) VALUES ('schema_version', '%d'), ('engine', '%s');",
		 PROFILE_SCHEMA_VERSION, bsim_engine_name(engine));
	if (sqlite3_exec(s->db, meta, NULL, NULL, NULL) != SQLITE_OK)
		return save_sqlite_error(s, "writing the meta table");

	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO cookies(seq, name, value, domain, path, host_only, secure, http_only,"
			       " persistent, same_site, priority, partition_key, expires, creation, last_access)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &s->stmt, NULL) != SQLITE_OK)
		return save_sqlite_error(s, "preparing to write cookies");
	s->seq = 0;
	rc = bsim_jar_foreach(jar, save_cookie, s);
	sqlite3_finalize(s->stmt);
	s->stmt = NULL;
	if (s->rc < 0)
		return s->rc;
	if (rc < 0)
		return rc;

	if (local) {
		if (sqlite3_prepare_v2(s->db, "INSERT INTO local_storage(origin, key, value, ord) VALUES (?, ?, ?, ?)", -1,
				       &s->stmt, NULL) != SQLITE_OK)
			return save_sqlite_error(s, "preparing to write localStorage");
		s->seq = 0;
		rc = storage_map_foreach(local, save_origin, s);
		sqlite3_finalize(s->stmt);
		s->stmt = NULL;
		if (s->rc < 0)
			return s->rc;
		if (rc < 0)
			return rc;
	}
	if (fault_at(PROFILE_FAULT_COMMIT))
		return error_set(BSIM_EIO, "cannot save profile %s: committing: failure injected by a test", s->path);
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return save_sqlite_error(s, "committing");
	if (sqlite3_close(s->db) != SQLITE_OK)
		return save_sqlite_error(s, "closing the temporary file");
	s->db = NULL;
	return 0;
}

int profile_save(const char *path, bsim_jar *jar, const storage_map *local, bsim_engine engine)
{
	saver s = {path, NULL, NULL, 0, 0};
	atomic_file af = ATOMIC_FILE_INIT;

	if (!path || !*path || !jar)
		return error_set(BSIM_EINVAL, "profile_save needs a path and a jar");
	/* 0600: a profile holds cookies, which are credentials. */
	int rc = atomic_file_begin_named(&af, path, 0600, "save profile");
	if (rc < 0)
		return rc;
	rc = save_database(&s, af.tmp, jar, local, engine);
	if (s.stmt)
		sqlite3_finalize(s.stmt);
	if (s.db)
		sqlite3_close(s.db);
	if (rc < 0)
		goto fail;
	if (fault_at(PROFILE_FAULT_FSYNC)) {
		rc = error_set(BSIM_EIO, "cannot save profile %s: flushing %s to disk: failure injected by a test", path,
			       af.tmp);
		goto fail;
	}
	if (fault_at(PROFILE_FAULT_RENAME)) {
		rc = error_set(BSIM_EIO, "cannot save profile %s: cannot replace it with %s: failure injected by a test",
			       path, af.tmp);
		goto fail;
	}
	return atomic_file_commit(&af);
fail:
	atomic_file_abort(&af);
	return rc;
}
