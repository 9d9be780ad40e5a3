/*
 * psl.c: public suffixes and registrable domains for the cookie jar, from
 * Debian's `publicsuffix` list through libpsl.
 *
 * The list is loaded once per process. It fails closed: libpsl's
 * psl_latest() would quietly fall back to the copy compiled into libpsl when
 * the list file is missing, so the file is checked first and its absence is
 * an error; until the list is loaded every name counts as a public suffix and
 * none has a registrable domain, so no Domain cookie can slip through
 * (curl lib/cookie.c fails closed the same way). BSIM_PSL_FILE names another
 * list file (.dat or .dafsa), for tests and for pinning a list version.
 */
/* Before net/psl.h, whose macros would otherwise rename libpsl's own declarations (see psl.h). */
#include <libpsl.h>

#include "net/psl.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/host.h"
#include "util/error.h"

/* Where Debian's publicsuffix package puts the list when libpsl names no file of its own. */
#define PSL_DEBIAN_FILE "/usr/share/publicsuffix/public_suffix_list.dat"

/* Enough for the message naming a list file path and the package to install. */
#define PSL_ERROR_MAX 768

static pthread_once_t psl_once = PTHREAD_ONCE_INIT;
static psl_ctx_t *psl_ctx;
/* Written once inside pthread_once, read-only afterwards. */
static char psl_error[PSL_ERROR_MAX];

static void psl_unload(void)
{
	psl_free(psl_ctx);
	psl_ctx = NULL;
}

static void psl_load(void)
{
	const char *override = getenv("BSIM_PSL_FILE");
	if (override && override[0] != '\0') {
		psl_ctx = psl_load_file(override);
		if (!psl_ctx)
			snprintf(psl_error, sizeof psl_error,
				"cannot load the public suffix list BSIM_PSL_FILE=\"%s\" (%s): point BSIM_PSL_FILE "
				"at a public_suffix_list.dat or .dafsa file, or unset it to use the list of the "
				"Debian package publicsuffix; bsim will not guess which domains are public suffixes",
				override, access(override, R_OK) == 0 ? "not a list libpsl can read" : strerror(errno));
	} else {
		const char *dist = psl_dist_filename();
		const char *file = dist && dist[0] != '\0' ? dist : PSL_DEBIAN_FILE;
		if (access(file, R_OK) != 0) {
			snprintf(psl_error, sizeof psl_error,
				"the public suffix list %s is missing (%s): install the Debian package publicsuffix "
				"(apt-get install publicsuffix) or set BSIM_PSL_FILE to a list file; bsim will not "
				"guess which domains are public suffixes", file, strerror(errno));
			return;
		}
		/* psl_latest picks the newest of the file and libpsl's built-in copy. */
		psl_ctx = file == dist ? psl_latest(NULL) : psl_load_file(file);
		if (!psl_ctx)
			snprintf(psl_error, sizeof psl_error,
				"libpsl could not load the public suffix list %s: reinstall the Debian package "
				"publicsuffix or set BSIM_PSL_FILE to a list file", file);
	}
	if (psl_ctx)
		atexit(psl_unload);
}

/*
 * Answers remembered per thread. The jar asks about the same few names on
 * every Set-Cookie with a Domain attribute, and libpsl takes 0.3 to 1 µs a
 * question; a remembered answer costs one hash and one compare. The list
 * never changes once loaded, so an answer never goes stale. Direct-mapped:
 * a new name simply replaces the one in its slot. 2048 slots (about 530 KB a
 * thread) hold the hosts of a jar with thousands of sites; 64 missed about
 * half the time in bench/cookie-jar.
 */
#define PSL_MEMO_SLOTS 2048

typedef struct psl_memo {
	uint16_t len;                       /* of name; an unused slot is "" with nothing asked yet */
	uint8_t suffix;                     /* 0 not asked yet, 1 no, 2 yes */
	int16_t reg;                        /* 0 not asked yet, -1 none, else offset of eTLD+1 in name, plus 1 */
	char name[HOST_NAME_MAX_LEN + 2];   /* lowercase, without its trailing dot */
} psl_memo;

static _Thread_local psl_memo psl_memos[PSL_MEMO_SLOTS];

static psl_memo *memo_slot(const char *name, size_t n)
{
	uint32_t h = 2166136261u;  /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	psl_memo *m = &psl_memos[h % PSL_MEMO_SLOTS];
	if (m->len != n || memcmp(m->name, name, n) != 0) {
		memcpy(m->name, name, n + 1);
		m->len = (uint16_t)n;
		m->suffix = 0;
		m->reg = 0;
	}
	return m;
}

/* Load on first use; true once the list is in memory. Leaves the error channel alone. */
static bool psl_ready(void)
{
	pthread_once(&psl_once, psl_load);
	return psl_ctx != NULL;
}

int psl_open(void)
{
	if (!psl_ready())
		return error_set(BSIM_ERROR, "%s", psl_error);
	return 0;
}

/*
 * Lowercase copy into out (HOST_NAME_MAX_LEN + 2 bytes) of a name that may
 * have a suffix at all (not empty, not an IP literal: libpsl compares bytes
 * and would call 127.0.0.1's "0.1" registrable, or [::1] a suffix), with one
 * trailing dot removed: libpsl matches "com." but not "co.uk." against the
 * list, while browsers ignore the dot for the lookup and keep it on the
 * result (Chromium registry_controlled_domain.cc). *trailing tells.
 */
static bool suffix_candidate(const char *canonical, char *out, size_t outlen, size_t *len, bool *trailing)
{
	host_kind kind = host_classify(canonical);
	if (kind == HOST_KIND_NONE || kind == HOST_KIND_IPV4 || kind == HOST_KIND_IPV6)
		return false;
	size_t n = strlen(canonical);
	if (n >= outlen)
		return false;
	for (size_t i = 0; i <= n; i++)
		out[i] = (char)tolower((unsigned char)canonical[i]);
	*trailing = n > 0 && out[n - 1] == '.';
	if (*trailing)
		out[--n] = '\0';
	*len = n;
	return true;
}

/* Whether name (lowercase, n bytes, NUL-terminated there, the list loaded) is a public suffix, remembered. */
static bool suffix_memo(const char *name, size_t n)
{
	psl_memo *m = memo_slot(name, n);
	/*
	 * PSL_TYPE_ANY: the private section counts (github.io), as with
	 * Chromium's INCLUDE_PRIVATE_REGISTRIES (browser-rules.md D4); the "*"
	 * default rule stays on, so an unknown last label (test, localhost,
	 * intranet) is a suffix (D6, D7, D10).
	 */
	if (m->suffix == 0)
		m->suffix = psl_is_public_suffix2(psl_ctx, name, PSL_TYPE_ANY) ? 2 : 1;
	return m->suffix == 2;
}

bool psl_is_public_suffix(const char *canonical)
{
	char name[HOST_NAME_MAX_LEN + 2];
	size_t n;
	bool trailing;
	if (!suffix_candidate(canonical, name, sizeof name, &n, &trailing))
		return false;
	if (!psl_ready())
		return true;  /* fail closed: no Domain attribute is safe to accept */
	return suffix_memo(name, n);
}

/* Offset of the eTLD+1 in name (lowercase, no trailing dot), or -1 when there is none. */
static int registrable_offset(const char *name, size_t n)
{
	/*
	 * A name with an empty label besides the one trailing dot (".a", "a..b",
	 * "x..") is no DNS name and has no registrable domain here; libpsl and
	 * Chromium give odd answers (".b") for it, and Chromium lets no cookie be
	 * set on a host ending in ".." (browser-rules.md D11).
	 */
	if (n == 0 || name[0] == '.' || name[n - 1] == '.' || strstr(name, ".."))
		return -1;
	/*
	 * The longest public suffix in the name: the first of its label
	 * suffixes, from the left, that the list calls a suffix, as libpsl's
	 * psl_unregistrable_domain walks (entries such as forgot.his.name under
	 * name, with his.name not one; wildcards such as *.kawasaki.jp). Each
	 * answer is remembered, so a new host under a site already seen costs
	 * one libpsl lookup, its own name, instead of one per label (a third of
	 * bench/cookie-jar's URL parsing). test_psl.c checks the answers
	 * against psl_unregistrable_domain.
	 */
	const char *suffix = name;
	while (!suffix_memo(suffix, n - (size_t)(suffix - name))) {
		const char *dot = strchr(suffix, '.');
		if (!dot)
			break;
		suffix = dot + 1;
	}
	if (suffix == name || suffix[-1] != '.')
		return -1;  /* the name is itself a suffix (co.uk, test, localhost, intranet) */
	/* eTLD+1: the suffix and the one label before it. */
	const char *start = suffix - 1;
	while (start > name && start[-1] != '.')
		start--;
	return (int)(start - name);
}

bool psl_registrable_domain(const char *canonical, char *out, size_t outlen)
{
	char name[HOST_NAME_MAX_LEN + 2];
	size_t n;
	bool trailing;
	if (!out || outlen == 0)
		return false;
	out[0] = '\0';
	if (!suffix_candidate(canonical, name, sizeof name, &n, &trailing))
		return false;
	if (!psl_ready())
		return false;  /* fail closed: no registrable domain, so only host cookies */
	psl_memo *m = memo_slot(name, n);
	if (m->reg == 0) {
		int off = registrable_offset(name, n);
		/* The walk above may have taken name's slot for a suffix: take it again. */
		m = memo_slot(name, n);
		m->reg = (int16_t)(off < 0 ? -1 : off + 1);
	}
	if (m->reg < 0)
		return false;
	const char *start = name + m->reg - 1;
	size_t len = n - (size_t)(m->reg - 1);
	if (len + (trailing ? 1 : 0) >= outlen)
		return false;
	memcpy(out, start, len);
	if (trailing)
		out[len++] = '.';
	out[len] = '\0';
	return true;
}
