/*
 * test_hostile.c: known-bad input, each row through the real bsim binary,
 * each with the exact error it must get and its exit code.
 *
 * bsim reads untrusted input all day (scenario XML from many hands,
 * Set-Cookie headers from captures, profiles, storageState and cookies.txt
 * files customers send). A crash, a hang or a half-written report in CI is
 * worse than a failed test, so every row also checks what no input may do:
 *
 *  - crash: the exit code is the row's, never a signal (128+N);
 *  - hang or take long: the child is killed at HOSTILE_TIMEOUT_MS of wall
 *    time, and may use HOSTILE_CPU_MS of CPU (both times HOSTILE_SLOWDOWN
 *    under sanitizers);
 *  - take unbounded memory: the child runs with RLIMIT_AS at HOSTILE_MEMORY
 *    (1 GiB), so a runaway allocation fails inside bsim and the row fails on
 *    its exit code. Sanitizers reserve terabytes of address space, so there
 *    the limit is not set and the peak resident memory is checked instead;
 *  - leave a partial or temporary file: the row's directory lists exactly
 *    the same names after the run as before;
 *  - change what it failed on: every file a row names as guarded (a profile,
 *    a report, an export) is byte for byte what it was (FNV-1a 64 and size);
 *  - change what a path is: every path a row names as kept (a device node
 *    such as /dev/null, a FIFO, a symbolic link) is still the same kind of
 *    file, with the same device number or link text.
 *
 * Inputs are generated in a scratch directory at test time (the 100 MB
 * scenario is never checked in), and bsim runs in that directory, so the
 * file names in its messages are the short ones in the table.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

/*
 * Time is bounded twice. CPU time is what a row costs, whatever else the
 * machine runs: the slowest row (100,000 cookies imported, saved and loaded)
 * takes about 1.5 s of CPU in a debug build. Wall time only catches a hang
 * (a child blocked on a read or a network fetch uses no CPU): the child is
 * killed then, generously late because CI machines are shared.
 */
#define HOSTILE_CPU_MS 5000
#define HOSTILE_TIMEOUT_MS 60000
/* ASan and UBSan make bsim several times slower. */
#define HOSTILE_SLOWDOWN 4
/* The most memory any row may take: the largest input bsim accepts (64 MiB of JSON) parses in ~400 MB. */
#define HOSTILE_MEMORY (1024ULL * 1024 * 1024)
/* More files than one row's generator writes. */
#define HOSTILE_MAX_GUARDED 4

static const char *dir;
/* A listening socket the external-DTD rows point at: a connection to it is a network fetch. */
static int trap_fd = -1;
static int trap_port;

static bool sanitized(void)
{
	const char *s = getenv("BSIM_SANITIZED");
	return s && *s && strcmp(s, "0") != 0;
}

/* ---- writing inputs ---------------------------------------------------------- */

static const char *in_dir(const char *name)
{
	static char p[4][512];
	static int slot;
	slot = (slot + 1) % 4;
	snprintf(p[slot], sizeof p[slot], "%s/%s", dir, name);
	return p[slot];
}

static FILE *create(const char *name)
{
	FILE *f = fopen(in_dir(name), "wb");
	cr_assert(f, "cannot write %s: %s", name, strerror(errno));
	return f;
}

static void write_bytes(const char *name, const char *data, size_t len)
{
	FILE *f = create(name);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

static void write_text(const char *name, const char *text)
{
	write_bytes(name, text, strlen(text));
}

static void write_fmt(const char *name, const char *fmt, ...)
{
	char text[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	write_text(name, text);
}

/* A valid profile, written by bsim itself, holding one cookie. */
static void make_profile(const char *name)
{
	char ops[256];
	snprintf(ops, sizeof ops, "set https://www.shop.com/ chat=1; Max-Age=86400\nsave %s\n", name);
	write_text("make-profile.ops", ops);
	support_run r;
	support_run_opts o = {.cwd = dir};
	const char *argv[] = {"cookie", "make-profile.ops", NULL};
	cr_assert_eq(support_run_bsim_with(&r, NULL, argv, &o), 0);
	cr_assert_eq(r.status, 0, "making a profile: %s", r.err);
	support_run_free(&r);
	unlink(in_dir("make-profile.ops"));
}

static void truncate_to(const char *name, off_t len)
{
	cr_assert_eq(truncate(in_dir(name), len), 0, "%s", strerror(errno));
}

/* `n` cookies for one domain as a Playwright storageState. */
static void storage_state_cookies(const char *name, int n)
{
	FILE *f = create(name);
	fputs("{\"cookies\": [", f);
	for (int i = 0; i < n; i++)
		fprintf(f,
			"%s{\"name\": \"c%d\", \"value\": \"v\", \"domain\": \"www.shop.com\", \"path\": \"/\", "
			"\"expires\": -1, \"httpOnly\": false, \"secure\": false, \"sameSite\": \"Lax\"}",
			i ? ",\n" : "", i);
	fputs("], \"origins\": []}\n", f);
	cr_assert_eq(fclose(f), 0);
}

/* A file of `size` bytes: `head`, then blanks, then `tail`. */
static void padded(const char *name, const char *head, size_t size, const char *tail)
{
	FILE *f = create(name);
	fputs(head, f);
	size_t fill = size - strlen(head) - strlen(tail);
	char blanks[65536];
	memset(blanks, ' ', sizeof blanks);
	for (size_t done = 0; done < fill;) {
		size_t n = fill - done < sizeof blanks ? fill - done : sizeof blanks;
		cr_assert_eq(fwrite(blanks, 1, n, f), n);
		done += n;
	}
	fputs(tail, f);
	cr_assert_eq(fclose(f), 0);
}

/* ---- the inputs, one generator per row (or family of rows) -------------------- */

static void gen_billion_laughs(void)
{
	FILE *f = create("laughs.xml");
	fputs("<?xml version=\"1.0\"?>\n<!DOCTYPE scenario [\n <!ENTITY l0 \"lol\">\n", f);
	for (int i = 1; i <= 9; i++) {
		fprintf(f, " <!ENTITY l%d \"", i);
		for (int k = 0; k < 10; k++)
			fprintf(f, "&l%d;", i - 1);
		fputs("\">\n", f);
	}
	fputs("]>\n<scenario name=\"&l9;\"><tab name=\"a\" url=\"https://a.com/\"/></scenario>\n", f);
	cr_assert_eq(fclose(f), 0);
}

static void gen_external_entity(void)
{
	write_text("xxe.xml", "<?xml version=\"1.0\"?>\n"
			      "<!DOCTYPE scenario [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
			      "<scenario name=\"&x;\"><tab name=\"a\" url=\"https://a.com/\"/></scenario>\n");
}

static void gen_external_dtd(void)
{
	write_fmt("dtd.xml",
		  "<?xml version=\"1.0\"?>\n"
		  "<!DOCTYPE scenario SYSTEM \"http://127.0.0.1:%d/bsim.dtd\">\n"
		  "<scenario name=\"x\"><tab name=\"a\" url=\"https://a.com/\"/></scenario>\n",
		  trap_port);
}

static void gen_parameter_entity(void)
{
	write_fmt("pe.xml",
		  "<?xml version=\"1.0\"?>\n"
		  "<!DOCTYPE scenario [<!ENTITY %% p SYSTEM \"http://127.0.0.1:%d/p.dtd\"> %%p;]>\n"
		  "<scenario name=\"x\"><tab name=\"a\" url=\"https://a.com/\"/></scenario>\n",
		  trap_port);
}

/* 100 MiB of comments inside one scenario: made here, never checked in. */
static void gen_100mb_scenario(void)
{
	FILE *f = create("big.xml");
	fputs("<scenario name=\"big\">\n", f);
	char line[1024];
	memset(line, 'x', sizeof line);
	memcpy(line, "<!-- ", 5);
	memcpy(line + sizeof line - 5, " -->\n", 5);
	for (int i = 0; i < 100 * 1024; i++)
		cr_assert_eq(fwrite(line, 1, sizeof line, f), sizeof line);
	fputs("</scenario>\n", f);
	cr_assert_eq(fclose(f), 0);
}

static void gen_deep_nesting(void)
{
	FILE *f = create("deep.xml");
	fputs("<scenario name=\"deep\">", f);
	for (int i = 0; i < 100000; i++)
		fputs("<tab>", f);
	cr_assert_eq(fclose(f), 0);
}

static void gen_nul_in_xml(void)
{
	static const char text[] = "<scenario name=\"n\0l\"><tab name=\"a\" url=\"https://a.com/\"/></scenario>\n";
	write_bytes("nul.xml", text, sizeof text - 1);
}

static void gen_bad_utf8_in_xml(void)
{
	write_text("utf8.xml", "<scenario name=\"caf\xc3\"><tab name=\"a\" url=\"https://a.com/\"/></scenario>\n");
}

static void gen_bad_utf8_cookie_in_xml(void)
{
	write_text("cookie-utf8.xml", "<scenario name=\"c\">\n  <tab name=\"a\" url=\"https://a.com/\"/>\n"
				      "  <cookie tab=\"a\" write=\"n\xff\xfeme=1\"/>\n</scenario>\n");
}

static void gen_nul_cookie_name(void)
{
	static const char text[] = "set https://a.com/ n\0me=1\ndump\n";
	write_bytes("nul.ops", text, sizeof text - 1);
}

static void gen_bad_utf8_cookie_name(void)
{
	write_text("utf8.ops", "set https://a.com/ n\xffme=1\ndump\n");
}

/* One Set-Cookie header of 1 MiB less the op and URL: the longest line an op file holds. */
static void gen_1mb_set_cookie(void)
{
	size_t len = 1024 * 1024 - 32;
	char *v = malloc(len + 1);
	cr_assert(v);
	memset(v, 'x', len);
	v[len] = '\0';
	FILE *f = create("big-header.ops");
	fprintf(f, "set https://a.com/ big=%s\ndump\n", v);
	cr_assert_eq(fclose(f), 0);
	free(v);
}

static void gen_over_1mb_line(void)
{
	padded("long-line.ops", "set https://a.com/ big=", 1024 * 1024 + 64, "x\n");
}

static void gen_1mb_set_cookie_in_scenario(void)
{
	FILE *f = create("big-header.xml");
	fputs("<scenario name=\"1 MiB Set-Cookie\">\n  <tab name=\"a\" url=\"https://a.com/\">\n    <set-cookie>big=", f);
	for (int i = 0; i < 1024 * 1024; i++)
		fputc('x', f);
	fputs("</set-cookie>\n  </tab>\n  <expect refused=\"big\" reason=\"name-value-too-large\"/>\n</scenario>\n", f);
	cr_assert_eq(fclose(f), 0);
}

static void gen_100k_set_cookie(void)
{
	FILE *f = create("many.ops");
	for (int i = 0; i < 100000; i++)
		fprintf(f, "set https://www.shop.com/ c%d=v\n", i);
	fputs("dump\n", f);
	cr_assert_eq(fclose(f), 0);
}

/* Imports run with Safari's preset, which caps no site (browser-rules.md L2): all the file's cookies reach the jar. */
static void gen_100k_import(void)
{
	storage_state_cookies("many.json", 99999);
	write_text("import.ops", "import many.json\nsave many.db\nload many.db\nget https://www.shop.com/\n");
}

static void gen_too_many_import(void)
{
	storage_state_cookies("too-many.json", 100001);
	write_text("import.ops", "import too-many.json\n");
}

/* A million minimal entries: about 3 MB, so the entry count, not the file size, is what stops it. */
static void gen_har_1m_entries(void)
{
	FILE *f = create("million.har");
	fputs("{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"WebInspector\",\"version\":\"537.36\"},"
	      "\"entries\":[", f);
	for (int i = 0; i < 1000000; i++)
		fputs(i ? ",{}" : "{}", f);
	fputs("]}}", f);
	fclose(f);
}

static void gen_har_truncated(void)
{
	write_text("cut.har", "{\"log\":{\"version\":\"1.2\",\"entries\":[{\"startedDateTime\":");
}

static void gen_har_not_har(void)
{
	write_text("array.har", "[1,2,3]");
}

static void gen_har_and_old_scenario(void)
{
	gen_har_truncated();
	write_text("old.xml", "<scenario name=\"kept\"/>\n");
}

static void gen_huge_storage_state(void)
{
	padded("huge.json", "{\"cookies\": [], \"origins\": [], \"pad\": \"", (size_t)65 * 1024 * 1024, "\"}\n");
	write_text("import.ops", "import huge.json\n");
}

static void gen_truncated_storage_state(void)
{
	write_text("cut.json", "{\n  \"cookies\": [\n    {\"name\": \"a\", \"value\": \"1\", \"dom");
	write_text("import.ops", "import cut.json\n");
}

static void gen_storage_state_wrong_types(void)
{
	write_text("types.json", "{\"cookies\": [{\"name\": 5, \"value\": \"v\", \"domain\": \"a.com\", \"path\": \"/\", "
				 "\"expires\": -1, \"httpOnly\": false, \"secure\": false, \"sameSite\": \"Lax\"}], "
				 "\"origins\": []}\n");
	write_text("import.ops", "import types.json\n");
}

static void gen_storage_state_array(void)
{
	write_text("array.json", "[{\"cookies\": []}]\n");
	write_text("import.ops", "import array.json\n");
}

static void gen_huge_cookies_txt(void)
{
	padded("huge.txt", "# Netscape HTTP Cookie File\n#", (size_t)65 * 1024 * 1024, "\n");
	write_text("import.ops", "import huge.txt\n");
}

static void gen_truncated_cookies_txt(void)
{
	write_text("cut.txt", "# Netscape HTTP Cookie File\nwww.shop.com\tFALSE\t/\tFA");
	write_text("import.ops", "import cut.txt\n");
}

static void gen_cookies_txt_wrong_type(void)
{
	write_text("types.txt", "# Netscape HTTP Cookie File\nwww.shop.com\tFALSE\t/\tFALSE\tsoon\tchat\t1\n");
	write_text("import.ops", "import types.txt\n");
}

static void gen_cookies_txt_long_line(void)
{
	padded("long.txt", "# Netscape HTTP Cookie File\nwww.shop.com\tFALSE\t/\tFALSE\t0\tchat\t", 6000, "\n");
	write_text("import.ops", "import long.txt\n");
}

/* Imports that would put pairs into the Cookie header (CanonicalCookie::CreateSanitizedCookie refuses them). */
static void gen_storage_state_semicolon_name(void)
{
	write_text("inject.json", "{\"cookies\": [{\"name\": \"a;b\", \"value\": \"c\", \"domain\": \"shop.com\", \"path\": \"/\"}]}");
	write_text("state.txt", "# an earlier export\n");
	write_text("import.ops", "import inject.json\nexport state.txt\n");
}

static void gen_storage_state_semicolon_value(void)
{
	write_text("inject.json", "{\"cookies\": [{\"name\": \"sid\", \"value\": \"x; Domain=evil.com\", \"domain\": "
				  "\"shop.com\", \"path\": \"/\"}]}");
	write_text("import.ops", "import inject.json\n");
}

static void gen_storage_state_empty_domain(void)
{
	write_text("nodomain.json", "{\"cookies\": [{\"name\": \"a\", \"value\": \"1\", \"domain\": \"\", \"path\": \"/\"}]}");
	write_text("import.ops", "import nodomain.json\n");
}

static void gen_cookies_txt_semicolon_value(void)
{
	write_text("inject.txt", "# Netscape HTTP Cookie File\nshop.com\tFALSE\t/\tFALSE\t0\tsid\tx; admin=1\n");
	write_text("import.ops", "import inject.txt\n");
}

/* A cookie whose bytes are not UTF-8 (a Set-Cookie may carry them) exported over an earlier storageState. */
static void gen_not_utf8_export(void)
{
	write_text("bin.txt", "www.shop.com\tFALSE\t/\tFALSE\t0\tbin\tok\xff\n");
	write_text("state.json", "{\"cookies\": [], \"origins\": []}\n");
	write_text("export.ops", "import bin.txt\nexport state.json\n");
}

/* The clock at the end of year 9999: an expiry past it is written as the last second, which the import takes. */
static void gen_export_at_the_clocks_end(void)
{
	write_text("end.ops", "set https://www.shop.com/ a=1; Max-Age=172800\nexport end.json\nimport end.json\ndump\n");
}

/* Editors' UTF-8 byte order marks. */
static void gen_bom_storage_state(void)
{
	write_text("bom.json", "\xEF\xBB\xBF{\"cookies\": [{\"name\": \"a\", \"value\": \"1\", \"domain\": \"shop.com\", "
			       "\"path\": \"/\"}]}");
	write_text("import.ops", "import bom.json\nget https://shop.com/\n");
}

static void gen_truncated_profile(void)
{
	make_profile("profile.db");
	truncate_to("profile.db", 5000);
	write_text("load.ops", "load profile.db\n");
}

static void gen_profile_cut_at_a_page(void)
{
	make_profile("profile.db");
	truncate_to("profile.db", 4096);
	write_text("load.ops", "load profile.db\n");
}

static void gen_newer_profile(void)
{
	make_profile("profile.db");
	sqlite3 *db = NULL;
	cr_assert_eq(sqlite3_open(in_dir("profile.db"), &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "UPDATE meta SET value = '99' WHERE key = 'schema_version'", NULL, NULL, NULL),
		     SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
	write_text("load.ops", "load profile.db\n");
}

static void gen_profile_not_sqlite(void)
{
	write_text("profile.db", "# Netscape HTTP Cookie File\nwww.shop.com\tFALSE\t/\tFALSE\t0\tchat\t1\n");
	write_text("load.ops", "load profile.db\n");
}

/* A save or export that fails half-way (the file-size limit of the row) over an existing file. */
static void gen_failed_save(void)
{
	make_profile("profile.db");
	storage_state_cookies("many.json", 20000);
	write_text("save.ops", "import many.json\nsave profile.db\n");
}

static void gen_failed_export(void)
{
	write_text("state.json", "{\"cookies\": [], \"origins\": []}\n");
	storage_state_cookies("many.json", 20000);
	write_text("export.ops", "import many.json\nexport state.json\n");
}

static void gen_scenario_and_report(void)
{
	write_text("ok.xml", "<scenario name=\"ok\">\n  <tab name=\"a\" url=\"https://www.shop.com/\"/>\n"
			     "  <cookie tab=\"a\" write=\"chat=1\"/>\n"
			     "  <expect tab=\"a\" document-cookie=\"chat=1\"/>\n</scenario>\n");
	write_text("report.xml", "<testsuites>the report of an earlier run</testsuites>\n");
}

static void gen_bad_scenario_and_report(void)
{
	gen_scenario_and_report();
	write_text("bad.xml", "<scenario name=\"bad\">\n  <tab name=\"a\" url=\"https://www.shop.com/\">\n</scenario>\n");
}

static void gen_nothing(void)
{
}

/* ---- files: what a report path or a scenario's file attribute may touch ---- */

/*
 * The device rows write into a copy of /dev/null or /dev/full made in the
 * row's directory (mknod, as root: CI runs as root), never into the real
 * one, so that a bsim that replaced devices would break only the copy. A
 * user who may not mknod gets a symbolic link to the real device instead:
 * such a user cannot replace anything in /dev.
 */
static void device_copy(const char *name, unsigned minor, const char *real)
{
	if (mknod(in_dir(name), S_IFCHR | 0666, makedev(1, minor)) != 0)
		cr_assert_eq(symlink(real, in_dir(name)), 0, "%s", strerror(errno));
}

static void gen_null_and_scenario(void)
{
	gen_scenario_and_report();
	device_copy("null", 3, "/dev/null");
}

static void gen_full_and_scenario(void)
{
	gen_scenario_and_report();
	device_copy("full", 7, "/dev/full");
}

static void gen_fifo_and_scenario(void)
{
	gen_scenario_and_report();
	cr_assert_eq(mkfifo(in_dir("report.fifo"), 0600), 0, "%s", strerror(errno));
}

static void gen_link_and_scenario(void)
{
	gen_scenario_and_report();
	cr_assert_eq(mkdir(in_dir("out"), 0700), 0);
	cr_assert_eq(symlink("out/report.xml", in_dir("link.xml")), 0);
}

/* A pid that was a process and is none now: a child that has exited and been reaped. */
/* What kill -9 during a write left: the dead writer's temporary file goes, a live writer's (this test's) stays. */
static void gen_stale_temporary_files(void)
{
	gen_scenario_and_report();
	char name[64];
	snprintf(name, sizeof name, ".report.xml.tmp-%ld-0", (long)support_dead_pid());
	padded(name, "<testsuites>", 1024 * 1024, "");
	snprintf(name, sizeof name, ".report.xml.tmp-%ld-0", (long)getpid());
	write_text(name, "<testsuites> being written");
}

/* The name of the dead writer's file gen_stale_temporary_files made (the one a row expects gone). */
static const char *stale_name(void)
{
	static char name[64];
	char *ls = support_dir_listing(dir);
	cr_assert(ls);
	char mine[32];
	snprintf(mine, sizeof mine, "-%ld-0", (long)getpid());
	name[0] = '\0';
	char *save = NULL;
	for (char *p = strtok_r(ls, " ", &save); p; p = strtok_r(NULL, " ", &save))
		if (strncmp(p, ".report.xml.tmp-", 16) == 0 && !strstr(p, mine))
			snprintf(name, sizeof name, "%s", p);
	free(ls);
	return name;
}

/* A scenario in s/ naming step (line 3), a file beside s/ to guard, and s/out.json leading out of s/. */
static void scenario_in_folder(const char *name, const char *step)
{
	cr_assert_eq(mkdir(in_dir("s"), 0700), 0);
	write_text("victim.txt", "export PATH=/usr/bin\n");
	cr_assert_eq(symlink("../victim.txt", in_dir("s/out.json")), 0);
	char path[64];
	snprintf(path, sizeof path, "s/%s", name);
	write_fmt(path, "<scenario name=\"w\">\n  <tab name=\"a\" url=\"https://www.shop.com/\"/>\n  %s\n</scenario>\n", step);
}

static void gen_save_profile_up(void)
{
	scenario_in_folder("w.xml", "<save-profile file=\"../victim.txt\"/>");
}

static void gen_export_absolute(void)
{
	char step[700];
	snprintf(step, sizeof step, "<export file=\"%s/victim.txt\"/>", dir);
	scenario_in_folder("w.xml", step);
}

static void gen_export_through_link(void)
{
	scenario_in_folder("w.xml", "<export file=\"out.json\"/>");
}

static void gen_include_shadow(void)
{
	scenario_in_folder("w.xml", "<include file=\"/etc/shadow\"/>");
}

static void gen_import_environ(void)
{
	scenario_in_folder("w.xml", "<import file=\"/proc/self/environ\"/>");
}

static void gen_allowed_write(void)
{
	scenario_in_folder("w.xml", "<export file=\"../state.json\"/>");
}

static void gen_save_to_dev_null(void)
{
	device_copy("null", 3, "/dev/null");
	write_text("save.ops", "set https://www.shop.com/ chat=1; Max-Age=86400\nsave null\n");
}

/* ---- the table ----------------------------------------------------------------- */

typedef struct hostile_row {
	const char *name;
	void (*generate)(void);
	const char *argv[8];
	int exit;               /* the exact exit code */
	const char *err;        /* a piece of stderr ("" when stderr must be empty) */
	const char *out;        /* a piece of stdout, or NULL */
	const char *guarded[HOSTILE_MAX_GUARDED]; /* files that must be byte for byte unchanged */
	unsigned long long fsize; /* RLIMIT_FSIZE for the child (a full disk), or 0 */
	long out_lines;         /* stdout must have exactly this many lines, or -1 */
	bool no_fetch;          /* nothing may connect to the trap socket */
	const char *never;      /* must appear in neither stdout nor stderr (a file's content leaking) */
	const char *made;       /* the one file the run is meant to write, or NULL */
	const char *kept[HOSTILE_MAX_GUARDED]; /* paths (absolute, or in the row's directory) whose kind must stay */
	const char *(*gone)(void); /* the name of a file the run must remove, or NULL */
	unsigned rss_mb;        /* a tighter bound on the peak resident memory than HOSTILE_MEMORY, or 0 */
} hostile_row;

#define ROW .out_lines = -1

static const hostile_row rows[] = {
	/* Scenario XML: no DTD, no entities, no network, no file read. */
	{"billion laughs", gen_billion_laughs, {"run", "laughs.xml"}, 2,
	 "laughs.xml:2:1: error: DOCTYPE is not allowed: a scenario file may not declare a DTD or entities", "", {0}, ROW},
	{"external entity (file read)", gen_external_entity, {"run", "xxe.xml"}, 2,
	 "xxe.xml:2:1: error: DOCTYPE is not allowed", "", {0}, ROW, .never = "root:"},
	{"external DTD (network fetch)", gen_external_dtd, {"check", "dtd.xml"}, 2,
	 "dtd.xml:2:1: error: DOCTYPE is not allowed", "", {0}, ROW, .no_fetch = true},
	{"parameter entity (network fetch)", gen_parameter_entity, {"run", "pe.xml"}, 2,
	 "pe.xml:2:1: error: DOCTYPE is not allowed", "", {0}, ROW, .no_fetch = true},
	{"100 MB scenario", gen_100mb_scenario, {"run", "big.xml"}, 2,
	 "big.xml: error: file too large: 104857634 bytes; the limit for a scenario file is 16 MiB "
	 "(SCENARIO_MAX_FILE_BYTES); split it into several scenario files", "", {0}, ROW},
	{"deep nesting", gen_deep_nesting, {"run", "deep.xml"}, 2,
	 "deep.xml:1:338: error: elements nested too deep: the limit for a scenario file is 64 levels "
	 "(SCENARIO_MAX_DEPTH)", "", {0}, ROW},
	{"NUL byte in XML", gen_nul_in_xml, {"run", "nul.xml"}, 2, "nul.xml:1:18: error: NUL byte", "", {0}, ROW},
	{"invalid UTF-8 in XML", gen_bad_utf8_in_xml, {"run", "utf8.xml"}, 2,
	 "utf8.xml:1:20: error: malformed XML: invalid UTF-8 (the bytes from here: 0xC3 0x22 0x3E 0x3C); a scenario "
	 "file is XML text in UTF-8: save it as UTF-8", "", {0}, ROW},
	{"invalid UTF-8 in a cookie name in XML", gen_bad_utf8_cookie_in_xml, {"run", "cookie-utf8.xml"}, 2,
	 "cookie-utf8.xml:3:27: error: malformed XML: invalid UTF-8 (the bytes from here: 0xFF 0xFE 0x6D 0x65)", "", {0}, ROW},

	/* Set-Cookie headers and document.cookie writes. */
	{"NUL byte in a cookie name", gen_nul_cookie_name, {"cookie", "--explain", "nul.ops"}, 0, "",
	 "nul.ops:1: refused [control-char] cookie n\\x00me refused on https://a.com/: it contains the control character 0x00",
	 {0}, .out_lines = 1},
	{"invalid UTF-8 in a cookie name", gen_bad_utf8_cookie_name, {"cookie", "--json", "utf8.ops"}, 0, "",
	 "\"name\":\"n\\ufffdme\"", {0}, .out_lines = 1},
	{"1 MB Set-Cookie header", gen_1mb_set_cookie, {"cookie", "--explain", "big-header.ops"}, 0, "",
	 "big-header.ops:1: refused [name-value-too-large] cookie big refused on https://a.com/: its name and value are "
	 "1048547 bytes together, over the limit of 4096",
	 {0}, .out_lines = 1},
	{"op line over 1 MiB", gen_over_1mb_line, {"cookie", "long-line.ops"}, 2,
	 "long-line.ops:1: error: line is 1048639 bytes, longer than the 1048576 bytes a line may hold "
	 "(COOKIE_OPS_MAX_LINE, 1 MiB); shorten the value",
	 "", {0}, ROW},
	{"1 MB Set-Cookie header in a scenario", gen_1mb_set_cookie_in_scenario,
	 {"run", "--no-timing", "big-header.xml"}, 0, "", "1 passed, 0 failed", {0}, ROW},
	{"100k cookies for one domain (Set-Cookie)", gen_100k_set_cookie, {"cookie", "many.ops"}, 0, "",
	 "c99999=v; Host=www.shop.com; Path=/; Session", {0}, .out_lines = 180},
	{"100k cookies for one domain (import, save, load)", gen_100k_import, {"cookie", "--engine", "safari", "import.ops"}, 0, "",
	 "c0=v; c1=v; c2=v;", {0}, .out_lines = 1, .made = "many.db"},
	{"100,001 cookies in one import", gen_too_many_import, {"cookie", "import.ops"}, 2,
	 "import.ops:1: error: import: too-many.json: more than 100000 cookies, the most bsim imports from one file "
	 "(INTERCHANGE_MAX_COOKIES); split the file and import the parts in turn",
	 "", {"too-many.json"}, ROW},
	/* HAR captures (bsim import-har): bounded, and no scenario written on failure. */
	{"HAR with 1M entries", gen_har_1m_entries, {"import-har", "million.har", "-o", "out.xml"}, 2,
	 "million.har: error: log.entries: 1000000 items, more than the 100000 bsim reads (HAR_MAX_ENTRIES)", "",
	 {"million.har"}, ROW},
	{"HAR truncated", gen_har_truncated, {"import-har", "cut.har", "-o", "out.xml"}, 2,
	 "cut.har:1:", "", {"cut.har"}, ROW},
	{"HAR that is not a HAR", gen_har_not_har, {"import-har", "array.har", "-o", "out.xml"}, 2,
	 "array.har: error: expected a HAR object", "", {"array.har"}, ROW},
	{"HAR import over an existing scenario", gen_har_and_old_scenario, {"import-har", "cut.har", "-o", "old.xml"}, 2,
	 "cut.har:1:", "", {"cut.har", "old.xml"}, ROW},

	/* storageState and cookies.txt. */
	{"storageState over 64 MiB", gen_huge_storage_state, {"cookie", "import.ops"}, 2,
	 "import.ops:1: error: import: huge.json: 68157440 bytes, over the 67108864 bytes bsim imports from one file",
	 "", {"huge.json"}, ROW},
	{"storageState truncated", gen_truncated_storage_state, {"cookie", "import.ops"}, 2,
	 "import.ops:1: error: import: cut.json:3:", "", {"cut.json"}, ROW},
	{"storageState of the wrong types", gen_storage_state_wrong_types, {"cookie", "import.ops"}, 2,
	 "import.ops:1: error: import: types.json: cookies[0].name: expected a string, got a number", "", {0}, ROW},
	{"storageState that is an array", gen_storage_state_array, {"cookie", "import.ops"}, 2,
	 "import.ops:1: error: import: array.json: expected a storageState object", "", {0}, ROW},
	{"cookies.txt over 64 MiB", gen_huge_cookies_txt, {"cookie", "import.ops"}, 2,
	 "import.ops:1: error: import: huge.txt: 68157440 bytes, over the 67108864 bytes bsim imports from one file", "",
	 {0}, ROW},
	{"cookies.txt truncated", gen_truncated_cookies_txt, {"cookie", "import.ops"}, 2,
	 "import.ops:1: error: import: cut.txt:2: expected 7 TAB-separated fields", "", {0}, ROW},
	{"cookies.txt of the wrong types", gen_cookies_txt_wrong_type, {"cookie", "import.ops"}, 2,
	 "import.ops:1: error: import: types.txt:2: the expires field is \"soon\"; expected Unix seconds", "", {0}, ROW},
	{"cookies.txt line over curl's limit", gen_cookies_txt_long_line, {"cookie", "import.ops"}, 2,
	 "import.ops:1: error: import: long.txt:2: line is 5971 bytes, longer than the 5000 bytes curl reads", "", {0},
	 ROW},
	{"storageState name with ';'", gen_storage_state_semicolon_name, {"cookie", "import.ops"}, 2,
	 "import.ops:1: error: import: inject.json: cookies[0].name: \"a;b\" holds ';', which ends a cookie in a "
	 "Set-Cookie or Cookie header (RFC 6265bis §5.6 step 2)",
	 "", {"inject.json", "state.txt"}, ROW},
	{"storageState value with '; Domain='", gen_storage_state_semicolon_value, {"cookie", "import.ops"}, 2,
	 "import.ops:1: error: import: inject.json: cookies[0].value: \"x; Domain=evil.com\" holds ';'", "", {0}, ROW},
	{"storageState with an empty domain", gen_storage_state_empty_domain, {"cookie", "import.ops"}, 2,
	 "import.ops:1: error: import: nodomain.json: cookies[0].domain: \"\" is empty; a cookie belongs to a host", "",
	 {0}, ROW},
	{"cookies.txt value with '; admin='", gen_cookies_txt_semicolon_value, {"cookie", "import.ops"}, 2,
	 "import.ops:1: error: import: inject.txt:2: the value field \"x; admin=1\" holds ';'", "", {0}, ROW},
	{"cookie not UTF-8 exported to storageState", gen_not_utf8_export, {"cookie", "export.ops"}, 2,
	 "export.ops:2: error: export: cookie \"bin\" on www.shop.com: its value holds byte 0xFF (at byte 3), which is "
	 "not UTF-8 and which storageState (JSON text) cannot carry; export to a .txt file (cookies.txt) instead",
	 "", {"state.json"}, ROW, .never = "out of memory"},
	{"export at the clock's last day", gen_export_at_the_clocks_end,
	 {"cookie", "--now", "9999-12-31T00:00:00Z", "end.ops"}, 0, "", "a=1; Host=www.shop.com; Path=/; Expires=9999-12-31T23:59:59Z", {0}, ROW,
	 .made = "end.json"},
	{"storageState with a byte order mark", gen_bom_storage_state, {"cookie", "import.ops"}, 0, "", "a=1\n",
	 {"bom.json"}, ROW},

	/* SQLite profiles: the profile is left as it was. */
	{"truncated profile", gen_truncated_profile, {"cookie", "load.ops"}, 2,
	 "load.ops:1: error: load: profile profile.db is truncated: 5000 bytes is not a whole number of 4096-byte pages",
	 "", {"profile.db"}, ROW},
	{"profile cut at a page boundary", gen_profile_cut_at_a_page, {"cookie", "load.ops"}, 2,
	 "load.ops:1: error: load: profile profile.db is truncated: its header promises", "", {"profile.db"}, ROW},
	{"profile from a newer schema", gen_newer_profile, {"cookie", "load.ops"}, 2,
	 "load.ops:1: error: load: profile profile.db was written by a newer bsim (schema 99; this build reads up to 1): "
	 "upgrade bsim",
	 "", {"profile.db"}, ROW},
	{"profile that is not SQLite", gen_profile_not_sqlite, {"cookie", "load.ops"}, 2,
	 "load.ops:1: error: load: profile profile.db is not an SQLite database", "", {"profile.db"}, ROW},
	{"save that fails half-way over a profile", gen_failed_save, {"cookie", "--engine", "safari", "save.ops"}, 2,
	 "save.ops:2: error: save: cannot save profile profile.db: ", "", {"profile.db"}, ROW,
	 .fsize = 256 * 1024},
	{"export that fails half-way over a file", gen_failed_export, {"cookie", "--engine", "safari", "export.ops"}, 2,
	 "export.ops:2: error: export: cannot write state.json: writing ", "", {"state.json"}, ROW,
	 .fsize = 256 * 1024},

	/* Report paths: refused before anything runs; an old report survives a failed run. */
	{"report path in /proc", gen_scenario_and_report, {"run", "--junit", "/proc/bsim-report.xml", "ok.xml"}, 2,
	 "bsim run: error: --junit: cannot write report /proc/bsim-report.xml: cannot create a temporary file in /proc",
	 "", {"report.xml"}, ROW},
	{"report path under a regular file", gen_scenario_and_report, {"run", "--junit", "ok.xml/report.xml", "ok.xml"},
	 2, "bsim run: error: --junit ok.xml/report.xml: ok.xml is not a directory", "", {0}, ROW},
	{"report path in a missing directory", gen_scenario_and_report, {"run", "--json", "no/report.json", "ok.xml"}, 2,
	 "bsim run: error: --json no/report.json: the directory no does not exist", "", {0}, ROW},
	{"report path that is a directory", gen_scenario_and_report, {"run", "--junit", ".", "ok.xml"}, 2,
	 "bsim run: error: --junit .: is a directory; expected a file name", "", {0}, ROW},
	{"report over a full disk", gen_scenario_and_report, {"run", "--no-timing", "--junit", "report.xml", "ok.xml"},
	 3, "bsim run: error: cannot write report report.xml: writing ", "1 passed, 0 failed",
	 {"report.xml"}, ROW, .fsize = 64},
	{"old report and a scenario that does not load", gen_bad_scenario_and_report,
	 {"run", "--junit", "report.xml", "ok.xml", "bad.xml"}, 2, "bad.xml:", "", {"report.xml"}, ROW},
	{"no input at all", gen_nothing, {"run", "missing.xml"}, 2, "missing.xml", "", {0}, ROW},

	/* Files: a report path names a device, FIFO or link; a scenario names a file outside its folder. */
	{"report to /dev/full", gen_full_and_scenario, {"run", "--no-timing", "--junit", "full", "ok.xml"}, 3,
	 "bsim run: error: cannot write report full: writing to it: No space left on device", "1 passed, 0 failed",
	 {"report.xml"}, ROW, .kept = {"full"}},
	{"report to /dev/null", gen_null_and_scenario, {"run", "--no-timing", "--json", "null", "ok.xml"}, 0, "",
	 "1 passed, 0 failed", {"report.xml"}, ROW, .kept = {"null"}},
	{"report to a FIFO nobody reads", gen_fifo_and_scenario, {"run", "--no-timing", "--junit", "report.fifo", "ok.xml"},
	 3, "bsim run: error: cannot write report report.fifo: it is a FIFO that no process is reading",
	 "1 passed, 0 failed", {"report.xml"}, ROW, .kept = {"report.fifo"}},
	{"report through a symbolic link", gen_link_and_scenario, {"run", "--no-timing", "--junit", "link.xml", "ok.xml"},
	 0, "", "1 passed, 0 failed", {"report.xml"}, ROW, .made = "out/report.xml", .kept = {"link.xml"}},
	{"two reports on stdout", gen_scenario_and_report, {"run", "--junit", "-", "--json", "-", "ok.xml"}, 2,
	 "bsim run: error: --junit - and --json - both ask for stdout; give one of them a file name", "", {"report.xml"},
	 ROW},
	{"stale temporary files of a killed run", gen_stale_temporary_files,
	 {"run", "--no-timing", "--junit", "report.xml", "ok.xml"}, 0, "", "1 passed, 0 failed", {0}, ROW,
	 .gone = stale_name},
	{"profile saved to /dev/null", gen_save_to_dev_null, {"cookie", "save.ops"}, 2,
	 "save.ops:2: error: save: cannot save profile null: it is a character device; this file can only be "
	 "written as a regular file", "", {"save.ops"}, ROW, .kept = {"null"}},
	{"<save-profile> outside the scenario's folder", gen_save_profile_up, {"run", "s/w.xml"}, 2,
	 "s/w.xml:3:3: error: <save-profile file=\"../victim.txt\"> writes outside the scenario's folder s (it leads to /",
	 "", {"victim.txt"}, ROW, .kept = {"s/out.json"}},
	{"<save-profile> outside the folder, bsim check", gen_save_profile_up, {"check", "s/w.xml"}, 2,
	 "s/w.xml:3:3: error: <save-profile file=\"../victim.txt\"> writes outside the scenario's folder s", "",
	 {"victim.txt"}, ROW},
	{"<export> to an absolute path", gen_export_absolute, {"run", "s/w.xml"}, 2,
	 "/victim.txt\"> writes outside the scenario's folder s (it leads to /", "", {"victim.txt"}, ROW},
	{"<export> through a link out of the folder", gen_export_through_link, {"run", "s/w.xml"}, 2,
	 "s/w.xml:3:3: error: <export file=\"out.json\"> writes outside the scenario's folder s (it leads to /", "",
	 {"victim.txt"}, ROW, .kept = {"s/out.json"}},
	{"<include> of /etc/shadow", gen_include_shadow, {"run", "s/w.xml"}, 2,
	 "s/w.xml:3:3: error: <include file=\"/etc/shadow\"> reads outside the scenario's folder s (it leads to "
	 "/etc/shadow); bsim run --allow-read /etc to permit it", "", {"victim.txt"}, ROW, .never = "root:"},
	{"<import> of /proc/self/environ", gen_import_environ, {"run", "s/w.xml"}, 2,
	 "s/w.xml:3:3: error: <import file=\"/proc/self/environ\"> reads outside the scenario's folder s (it leads to "
	 "/proc/", "", {"victim.txt"}, ROW, .never = "PATH="},
	{"--allow-write permits the folder above", gen_allowed_write, {"run", "--no-timing", "--allow-write", ".", "s/w.xml"},
	 0, "", "1 passed, 0 failed", {"victim.txt"}, ROW, .made = "state.json"},
};

/* ---- checking a row -------------------------------------------------------------- */

typedef struct fingerprint {
	bool exists;
	uint64_t hash; /* FNV-1a 64 */
	off_t size;
} fingerprint;

static fingerprint fingerprint_of(const char *name)
{
	fingerprint fp = {false, UINT64_C(1469598103934665603), 0};
	int fd = open(in_dir(name), O_RDONLY);
	if (fd < 0)
		return fp;
	fp.exists = true;
	unsigned char b[65536];
	ssize_t n;
	while ((n = read(fd, b, sizeof b)) > 0) {
		fp.size += n;
		for (ssize_t i = 0; i < n; i++)
			fp.hash = (fp.hash ^ b[i]) * UINT64_C(1099511628211);
	}
	close(fd);
	return fp;
}

/* What a kept path is: its kind, device number and link text. */
typedef struct node_kind {
	bool exists;
	mode_t type;
	dev_t rdev;
	char link[256];
} node_kind;

static node_kind node_kind_of(const char *path)
{
	node_kind k = {0};
	const char *p = path[0] == '/' ? path : in_dir(path);
	struct stat st;
	if (lstat(p, &st) != 0)
		return k;
	k.exists = true;
	k.type = st.st_mode & S_IFMT;
	k.rdev = st.st_rdev;
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlink(p, k.link, sizeof k.link - 1);
		k.link[n > 0 ? n : 0] = '\0';
	}
	return k;
}

static void open_trap(void)
{
	trap_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	cr_assert_geq(trap_fd, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	cr_assert_eq(bind(trap_fd, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(listen(trap_fd, 4), 0);
	socklen_t len = sizeof a;
	cr_assert_eq(getsockname(trap_fd, (struct sockaddr *)&a, &len), 0);
	trap_port = ntohs(a.sin_port);
}

static bool trap_was_hit(void)
{
	int c = accept(trap_fd, NULL, NULL);
	if (c >= 0) {
		close(c);
		return true;
	}
	return false;
}

static void run_row(const hostile_row *row)
{
	dir = support_temp_dir("hostile");
	cr_assert(dir, "cannot make a scratch directory: %s", strerror(errno));
	row->generate();
	fingerprint before[HOSTILE_MAX_GUARDED];
	for (int g = 0; g < HOSTILE_MAX_GUARDED && row->guarded[g]; g++) {
		before[g] = fingerprint_of(row->guarded[g]);
		cr_assert(before[g].exists, "[%s] the guarded file %s was not made", row->name, row->guarded[g]);
	}
	node_kind kinds[HOSTILE_MAX_GUARDED];
	for (int k = 0; k < HOSTILE_MAX_GUARDED && row->kept[k]; k++) {
		kinds[k] = node_kind_of(row->kept[k]);
		cr_assert(kinds[k].exists, "[%s] the kept path %s is not there", row->name, row->kept[k]);
	}
	char gone[64] = "";
	if (row->gone)
		snprintf(gone, sizeof gone, "%s", row->gone());
	char *listing_before = support_dir_listing(dir);
	if (*gone) { /* the listing after lacks it */
		char *at = strstr(listing_before, gone);
		cr_assert(at, "[%s] %s was not made", row->name, gone);
		memmove(at, at + strlen(gone) + 1, strlen(at + strlen(gone) + 1) + 1);
	}

	support_run_opts o = {
		.cwd = dir,
		.timeout_ms = HOSTILE_TIMEOUT_MS * (sanitized() ? HOSTILE_SLOWDOWN : 1),
		.as_bytes = sanitized() ? 0 : HOSTILE_MEMORY,
		.fsize_bytes = row->fsize,
	};
	support_run r;
	cr_assert_eq(support_run_bsim_with(&r, NULL, row->argv, &o), 0, "[%s] could not run bsim", row->name);

	if (getenv("BSIM_HOSTILE_TIMES")) /* what each row costs, for docs/limits.md and a review */
		fprintf(stderr, "hostile: %-50s exit %3d %6ld ms CPU %6ld ms wall %7ld KiB\n", row->name, r.status, r.cpu_ms,
			r.elapsed_ms, r.max_rss_kb);
	cr_expect(!r.timed_out, "[%s] still running after %ld ms: killed", row->name, o.timeout_ms);
	cr_expect_leq(r.cpu_ms, HOSTILE_CPU_MS * (sanitized() ? HOSTILE_SLOWDOWN : 1), "[%s] took %ld ms of CPU",
		      row->name, r.cpu_ms);
	cr_expect_lt(r.status, 126, "[%s] bsim died (status %d): %s", row->name, r.status, r.err);
	cr_expect_eq(r.status, row->exit, "[%s] exit %d, expected %d; stderr: %.600s", row->name, r.status, row->exit,
		     r.err);
	if (!*row->err)
		cr_expect_str_empty(r.err, "[%s] stderr: %.600s", row->name, r.err);
	else
		cr_expect(strstr(r.err, row->err), "[%s] stderr lacks \"%s\":\n%.600s", row->name, row->err, r.err);
	if (row->out && !*row->out)
		cr_expect_str_empty(r.out, "[%s] stdout: %.600s", row->name, r.out);
	else if (row->out)
		cr_expect(strstr(r.out, row->out), "[%s] stdout lacks \"%s\":\n%.600s", row->name, row->out, r.out);
	if (row->out_lines >= 0)
		cr_expect_eq(support_count_lines(r.out), row->out_lines, "[%s] %d lines of output, expected %ld", row->name,
			     support_count_lines(r.out), row->out_lines);
	/* Under RLIMIT_AS the resident memory cannot pass the limit: the bound is checked only where it is not set. */
	if (!o.as_bytes)
		cr_expect_leq((unsigned long long)r.max_rss_kb * 1024, HOSTILE_MEMORY, "[%s] peak memory %ld KiB",
			      row->name, r.max_rss_kb);
	if (row->rss_mb)
		cr_expect_leq(r.max_rss_kb, (long)row->rss_mb * 1024, "[%s] peak memory %ld KiB, over %u MiB", row->name,
			      r.max_rss_kb, row->rss_mb);
	if (row->no_fetch)
		cr_expect(!trap_was_hit(), "[%s] bsim connected to 127.0.0.1:%d", row->name, trap_port);
	if (row->never)
		cr_expect(!strstr(r.out, row->never) && !strstr(r.err, row->never), "[%s] output shows \"%s\"",
			  row->name, row->never);

	if (row->made) {
		cr_expect(fingerprint_of(row->made).exists, "[%s] %s was not written", row->name, row->made);
		unlink(in_dir(row->made));
	}
	char *listing_after = support_dir_listing(dir);
	cr_expect_str_eq(listing_after, listing_before, "[%s] the directory changed (a partial or temporary file)",
			 row->name);
	for (int k = 0; k < HOSTILE_MAX_GUARDED && row->kept[k]; k++) {
		node_kind after = node_kind_of(row->kept[k]);
		cr_expect(after.exists && after.type == kinds[k].type && after.rdev == kinds[k].rdev &&
				  strcmp(after.link, kinds[k].link) == 0,
			  "[%s] %s is no longer what it was (type %o, was %o)", row->name, row->kept[k],
			  (unsigned)after.type, (unsigned)kinds[k].type);
	}
	for (int g = 0; g < HOSTILE_MAX_GUARDED && row->guarded[g]; g++) {
		fingerprint after = fingerprint_of(row->guarded[g]);
		cr_expect(after.exists && after.size == before[g].size && after.hash == before[g].hash,
			  "[%s] %s changed: %lld bytes, was %lld", row->name, row->guarded[g], (long long)after.size,
			  (long long)before[g].size);
	}
	free(listing_before);
	free(listing_after);
	support_run_free(&r);
	/* Rows make up to 100 MiB each: free the space before the next. */
	support_temp_dirs_remove();
}

static void setup(void)
{
	open_trap();
}

static void teardown(void)
{
	support_temp_dirs_remove();
	if (trap_fd >= 0)
		close(trap_fd);
}

TestSuite(hostile, .init = setup, .fini = teardown, .timeout = 600);

/*
 * One test per group keeps a failing row's neighbours running and reporting;
 * a row is found in the log by its name in brackets. Each group names its
 * first row and counts its rows, so a row added, removed or moved without
 * its group's count changing fails hostile.groups_cover_every_row_once,
 * and a group that would run no row fails at once.
 */
typedef struct hostile_group {
	const char *first; /* the name of its first row in rows[] */
	size_t n_rows;
} hostile_group;

enum { GROUP_SCENARIO_XML, GROUP_COOKIES, GROUP_INTERCHANGE, GROUP_PROFILES, GROUP_REPORT_PATHS, GROUP_FILES };
static const hostile_group groups[] = {
	[GROUP_SCENARIO_XML] = {"billion laughs", 9},
	[GROUP_COOKIES] = {"NUL byte in a cookie name", 12},
	[GROUP_INTERCHANGE] = {"storageState over 64 MiB", 15},
	[GROUP_PROFILES] = {"truncated profile", 6},
	[GROUP_REPORT_PATHS] = {"report path in /proc", 7},
	[GROUP_FILES] = {"report to /dev/full", 14},
};

static size_t row_index(const char *name)
{
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (strcmp(rows[i].name, name) == 0)
			return i;
	cr_assert_fail("no row named %s", name);
	return 0;
}

static void run_group(int g)
{
	size_t from = row_index(groups[g].first), n = sizeof rows / sizeof rows[0];
	cr_assert_gt(groups[g].n_rows, 0, "the group of \"%s\" counts no rows", groups[g].first);
	cr_assert_leq(from + groups[g].n_rows, n, "the group of \"%s\" counts %zu rows, past the table's end",
		      groups[g].first, groups[g].n_rows);
	for (size_t i = from; i < from + groups[g].n_rows; i++)
		run_row(&rows[i]);
}

/* The groups, in order, run every row of rows[] exactly once. */
Test(hostile, groups_cover_every_row_once)
{
	size_t next = 0;
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
		cr_expect_eq(row_index(groups[g].first), next, "the group of \"%s\" starts at row %zu, expected %zu "
			     "(the groups before it count their rows wrong)", groups[g].first, row_index(groups[g].first), next);
		cr_expect_gt(groups[g].n_rows, 0, "the group of \"%s\" counts no rows", groups[g].first);
		next += groups[g].n_rows;
	}
	cr_expect_eq(next, sizeof rows / sizeof rows[0], "the groups count %zu rows; the table has %zu", next,
		     sizeof rows / sizeof rows[0]);
}

Test(hostile, scenario_xml)
{
	run_group(GROUP_SCENARIO_XML);
}

Test(hostile, cookies)
{
	run_group(GROUP_COOKIES);
}

Test(hostile, interchange_files)
{
	run_group(GROUP_INTERCHANGE);
}

Test(hostile, profiles)
{
	run_group(GROUP_PROFILES);
}

Test(hostile, report_paths)
{
	run_group(GROUP_REPORT_PATHS);
}

Test(hostile, files)
{
	run_group(GROUP_FILES);
}

/* ---- SQL in profiles, memory of HAR captures, encodings of scenario files -------- */

/* A profile bsim wrote, then changed by sql (as a hand-edited or hostile file would be). */
static void profile_with(const char *sql)
{
	make_profile("profile.db");
	sqlite3 *db = NULL;
	cr_assert_eq(sqlite3_open(in_dir("profile.db"), &db), SQLITE_OK);
	char *err = NULL;
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK, "%s: %s", sql, err ? err : "");
	sqlite3_close(db);
	write_text("load.ops", "load profile.db\n");
}

/*
 * "cookies" is an FTS5 table with every column bsim reads, whose content
 * is a recursive view with no end: a loader that lets SQLite read it
 * never returns (the sort by seq waits for the last row).
 */
static void gen_profile_fts5_over_recursive_view(void)
{
	profile_with("ALTER TABLE cookies RENAME TO saved;"
		     "CREATE VIEW endless AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)"
		     " SELECT n, n AS seq, 'c' || n AS name, 'v' AS value, 'www.shop.com' AS domain, '/' AS path,"
		     " 1 AS host_only, 0 AS secure, 0 AS http_only, 0 AS persistent, 'lax' AS same_site,"
		     " 'medium' AS priority, NULL AS partition_key, NULL AS expires, n AS creation, n AS last_access FROM r;"
		     "CREATE VIRTUAL TABLE cookies USING fts5(seq, name, value, domain, path, host_only, secure, http_only,"
		     " persistent, same_site, priority, partition_key, expires, creation, last_access,"
		     " content='endless', content_rowid='n');");
}

static void gen_profile_virtual_table(void)
{
	profile_with("CREATE VIRTUAL TABLE notes USING fts5(body);");
}

static void gen_profile_view(void)
{
	profile_with("CREATE VIEW every_cookie AS SELECT * FROM cookies;");
}

static void gen_profile_trigger(void)
{
	profile_with("CREATE TRIGGER wipe AFTER INSERT ON meta BEGIN DELETE FROM cookies; END;");
}

static void gen_profile_extra_table(void)
{
	profile_with("CREATE TABLE extra(x);");
}

static void gen_profile_altered_table(void)
{
	profile_with("ALTER TABLE cookies ADD COLUMN note TEXT;");
}

/* The head of a HAR capture up to its entries array. */
static const char har_head[] = "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"WebInspector\","
			       "\"version\":\"537.36\"},\"entries\":[";

/* A million small entries (50 MB): the text is within every size limit, jansson's tree of it is not. */
static void gen_har_1m_small_entries(void)
{
	FILE *f = create("entries.har");
	fputs(har_head, f);
	for (int i = 0; i < 1000000; i++)
		fprintf(f, "%s{\"request\":{\"method\":\"GET\",\"url\":\"https://a.com/\"}}", i ? "," : "");
	fputs("]}}", f);
	cr_assert_eq(fclose(f), 0);
}

/* 64 MiB of one-digit numbers in an exporter's extension member: 33 million values. */
static void gen_har_64mb_of_numbers(void)
{
	FILE *f = create("numbers.har");
	fputs(har_head, f);
	fputs("],\"_numbers\":[1", f);
	static char ones[65536];
	for (size_t i = 0; i < sizeof ones; i += 2)
		memcpy(ones + i, ",1", 2);
	for (int i = 0; i < 1023; i++)
		cr_assert_eq(fwrite(ones, 1, sizeof ones, f), sizeof ones);
	fputs("]}}", f);
	cr_assert_eq(fclose(f), 0);
}

/* The scenario below in UTF-16 or UTF-32 (each ASCII byte widened), with or without a byte order mark. */
static void wide_scenario(const char *name, const char *bom, size_t bom_len, int width, bool big_endian)
{
	static const char text[] = "<scenario name=\"w\"><tab name=\"a\" url=\"https://a.com/\"/></scenario>\n";
	FILE *f = create(name);
	cr_assert_eq(fwrite(bom, 1, bom_len, f), bom_len);
	for (const char *p = text; *p; p++) {
		char unit[4] = {0, 0, 0, 0};
		unit[big_endian ? width - 1 : 0] = *p;
		cr_assert_eq(fwrite(unit, 1, (size_t)width, f), (size_t)width);
	}
	cr_assert_eq(fclose(f), 0);
}

static void gen_utf16le_with_bom(void)
{
	wide_scenario("utf16.xml", "\xff\xfe", 2, 2, false);
}

static void gen_utf16be_without_bom(void)
{
	wide_scenario("utf16.xml", "", 0, 2, true);
}

static void gen_utf32le_with_bom(void)
{
	wide_scenario("utf32.xml", "\xff\xfe\0\0", 4, 4, false);
}

static void gen_ebcdic_declared(void)
{
	write_text("ebcdic.xml", "<?xml version=\"1.0\" encoding=\"EBCDIC-US\"?>\n"
				 "<scenario name=\"e\"><tab name=\"a\" url=\"https://a.com/\"/></scenario>\n");
}

static const hostile_row input_rows[] = {
	/* Scenario files in another encoding: named, with a place, and what to do. */
	{"scenario in UTF-16 with a byte order mark", gen_utf16le_with_bom, {"run", "utf16.xml"}, 2,
	 "utf16.xml:1:1: error: UTF-16 (little-endian): a scenario file is XML text in UTF-8; save it as UTF-8", "", {0},
	 ROW},
	{"scenario in UTF-16 without a byte order mark", gen_utf16be_without_bom, {"run", "utf16.xml"}, 2,
	 "utf16.xml:1:1: error: UTF-16 (big-endian): a scenario file is XML text in UTF-8; save it as UTF-8", "", {0},
	 ROW},
	{"scenario in UTF-32", gen_utf32le_with_bom, {"run", "utf32.xml"}, 2,
	 "utf32.xml:1:1: error: UTF-32 (little-endian): a scenario file is XML text in UTF-8; save it as UTF-8", "", {0},
	 ROW},
	{"scenario declaring EBCDIC-US", gen_ebcdic_declared, {"run", "ebcdic.xml"}, 2,
	 "ebcdic.xml:1:31: error: encoding=\"EBCDIC-US\": a scenario file is XML text in UTF-8; save it as UTF-8 and "
	 "declare encoding=\"UTF-8\" (or no encoding)",
	 "", {0}, ROW},

	/* HAR captures: the tree jansson would build is estimated from the text and refused before it is built. */
	{"HAR: a million small entries", gen_har_1m_small_entries, {"import-har", "entries.har", "-o", "out.xml"}, 2,
	 "entries.har: error: 4000007 JSON values would take about 947 MiB of memory to read, more than the 512 MiB bsim "
	 "gives one capture (HAR_MAX_TREE_BYTES)",
	 "", {"entries.har"}, ROW, .rss_mb = 256},
	{"HAR: 64 MiB of small numbers", gen_har_64mb_of_numbers, {"import-har", "numbers.har", "-o", "out.xml"}, 2,
	 "numbers.har: error: 33521673 JSON values would take about 1534 MiB of memory to read, more than the 512 MiB "
	 "bsim gives one capture (HAR_MAX_TREE_BYTES)",
	 "", {"numbers.har"}, ROW, .rss_mb = 256},

	/* Profiles run no SQL of their own: refused before a table is read, the file left as it was. */
	{"profile: FTS5 table over a recursive view", gen_profile_fts5_over_recursive_view, {"cookie", "load.ops"}, 2,
	 "load.ops:1: error: load: profile profile.db is not a profile bsim wrote: it has a view \"endless\", "
	 "which would run SQL from the file; bsim reads only files whose schema is exactly the one it writes (schema 1), "
	 "and runs no SQL a file carries",
	 "", {"profile.db"}, ROW},
	{"profile: a virtual table", gen_profile_virtual_table, {"cookie", "load.ops"}, 2,
	 "load.ops:1: error: load: profile profile.db is not a profile bsim wrote: it has a virtual table \"notes\"", "",
	 {"profile.db"}, ROW},
	{"profile: a view", gen_profile_view, {"cookie", "load.ops"}, 2,
	 "load.ops:1: error: load: profile profile.db is not a profile bsim wrote: it has a view \"every_cookie\"", "",
	 {"profile.db"}, ROW},
	{"profile: a trigger", gen_profile_trigger, {"cookie", "load.ops"}, 2,
	 "load.ops:1: error: load: profile profile.db is not a profile bsim wrote: it has a trigger \"wipe\"", "",
	 {"profile.db"}, ROW},
	{"profile: an extra table", gen_profile_extra_table, {"cookie", "load.ops"}, 2,
	 "load.ops:1: error: load: profile profile.db is not a profile bsim wrote: it has a table \"extra\" that schema 1 "
	 "does not have; bsim reads only files whose schema is exactly the one it writes",
	 "", {"profile.db"}, ROW},
	{"profile: an altered table", gen_profile_altered_table, {"cookie", "load.ops"}, 2,
	 "load.ops:1: error: load: profile profile.db is not a profile bsim wrote: its table \"cookies\" is not defined "
	 "as schema 1 defines it",
	 "", {"profile.db"}, ROW},
};

Test(hostile, untrusted_sql_memory_and_encodings)
{
	for (size_t i = 0; i < sizeof input_rows / sizeof input_rows[0]; i++)
		run_row(&input_rows[i]);
}
