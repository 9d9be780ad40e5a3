/*
 * profile.h: the persistent state of a browser in an SQLite file: every
 * cookie with every attribute and its creation and last-access times, and
 * localStorage per origin. The schema is versioned; a save is one
 * transaction into a temporary file renamed over the old one, so a crash
 * mid-save leaves the old profile; a corrupt, foreign or newer profile is
 * refused with a clear error and never changed.
 */
#ifndef BSIM_BROWSER_PROFILE_H
#define BSIM_BROWSER_PROFILE_H

#include "bsim/cookie.h"
#include "browser/storage.h"

/* The schema version this build writes and reads; a newer file is refused. */
#define PROFILE_SCHEMA_VERSION 1

/* Save the jar's cookies (expired ones left out) and the localStorage map to path. */
int profile_save(const char *path, bsim_jar *jar, const storage_map *local, bsim_engine engine);

/*
 * Load path into jar (cleared first) and *local (replaced; the old map is
 * freed). On any error, jar and *local are unchanged and the error says what
 * is wrong with the file (BSIM_ECORRUPT) or that it cannot be read (BSIM_EIO).
 */
int profile_load(const char *path, bsim_jar *jar, storage_map **local, bsim_engine engine);

/*
 * For tests: make the next saves fail at one step, as a full disk or a
 * crash there would, so that the tests can show the old profile survives
 * each. PROFILE_FAULT_NONE (the default) turns it off.
 */
typedef enum profile_fault {
	PROFILE_FAULT_NONE = 0,
	PROFILE_FAULT_COMMIT, /* the transaction is written but not committed */
	PROFILE_FAULT_FSYNC,  /* the temporary file is complete but not flushed */
	PROFILE_FAULT_RENAME  /* the temporary file is flushed but not yet renamed over the profile */
} profile_fault;
void profile_set_fault(profile_fault where);

/* ---- limits and schema shared by profile.c (save) and profile_load.c (load) ---- */

/*
 * The largest profile bsim reads or writes: 100k cookies of 4 KiB each is
 * about 400 MiB at most, and localStorage is capped by the engines at 5-10
 * MiB per origin. Anything larger is not a profile bsim wrote.
 */
#define PROFILE_MAX_FILE_BYTES ((int64_t)512 * 1024 * 1024)

/*
 * Cookies in one profile: Chromium and Firefox hold at most 3300 (their
 * global cap, browser-rules.md L3); Safari has no known cap, so leave ample
 * room for a long Safari run while bounding the memory a load may take.
 */
#define PROFILE_MAX_COOKIES 100000

/* localStorage items in one profile: a million short items fill a few dozen origins' 5 MiB quotas. */
#define PROFILE_MAX_LOCAL_ITEMS 1000000

/*
 * The longest string in any column: a localStorage value may fill an area's
 * 10 MiB quota (Chromium, browser-rules.md W2), counted in UTF-16 code
 * units, which is up to about 15 MiB of UTF-8. Enforced through SQLite's
 * own length limit, so a longer value is refused before it is read.
 */
#define PROFILE_MAX_STRING (16 * 1024 * 1024)

/*
 * Schema 1 as SQLite records it in sqlite_schema: every object a profile
 * holds, with the exact CREATE statement profile.c runs (SQLite stores its
 * text as written). A load compares the file's sqlite_schema with this list
 * row for row before it reads anything, so a file with a view, a trigger,
 * a virtual table or an altered table (SQL that would run during a load)
 * is refused. The automatic indexes of a PRIMARY KEY or UNIQUE have no SQL.
 */
typedef struct profile_schema_object {
	const char *type;     /* "table" or "index" */
	const char *name;
	const char *tbl_name;
	const char *sql;      /* NULL for an automatic index */
} profile_schema_object;
#define PROFILE_SCHEMA_OBJECT_COUNT 6
extern const profile_schema_object profile_schema[PROFILE_SCHEMA_OBJECT_COUNT];

/* Objects in a file's sqlite_schema the loader looks at before refusing it: schema 1 has 6. */
#define PROFILE_SCHEMA_MAX_OBJECTS 64

/*
 * The SQLite virtual-machine steps one load may take, counted by a
 * progress handler called every PROFILE_LOAD_PROGRESS_OPS steps. The
 * largest profile bsim writes (PROFILE_MAX_COOKIES cookies and
 * PROFILE_MAX_LOCAL_ITEMS localStorage items, 104 MiB) took 22.5 million
 * steps, measured; this leaves tenfold room while stopping, in a second or
 * two, a file that makes SQLite loop.
 */
#define PROFILE_LOAD_PROGRESS_OPS 10000
#define PROFILE_LOAD_MAX_VM_STEPS 250000000L

/*
 * For tests (the profile fuzzer asserts it stays 0): how many actions a
 * load's SQLite authorizer has refused in this process, that is, how often
 * reading a file asked for anything but bsim's own tables (a function, a
 * view, a trigger, another table). The schema check refuses such files
 * before any table is read, so a refusal here is a missed check.
 */
unsigned long profile_load_refused_actions(void);

/* The columns each table has in this schema, in the order the SELECTs and INSERTs use. */
extern const char *const profile_cookie_columns[];
#define PROFILE_COOKIE_COLUMN_COUNT 14
extern const char *const profile_local_columns[];
#define PROFILE_LOCAL_COLUMN_COUNT 4

/* bsim_samesite and bsim_priority as the profile stores them (indexed by the enum). */
extern const char *const profile_same_site_words[4];
extern const char *const profile_priority_words[3];

#endif
