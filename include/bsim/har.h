/*
 * har.h: turning a HAR capture exported from a customer's browser into a
 * bsim scenario that replays it and fails for the reason the customer's
 * browser lost the chat (docs/har-import.md).
 *
 * The import reads HAR 1.2 as Chrome, Firefox and Safari export it, replays
 * the top-level navigations in order with the server's Set-Cookie headers
 * on the virtual clock, reproduces the widget's document.cookie writes
 * (which never appear in a capture) and derives expectations from what the
 * capture shows the real browser sent. The capture is untrusted input:
 * bounded, and every error names the JSON path of the bad value.
 */
#ifndef BSIM_HAR_H
#define BSIM_HAR_H

#include <stddef.h>
#include <stdint.h>

#include "bsim/cookie.h"
#include "bsim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bsim_har_options {
	unsigned version;           /* BSIM_HAR_OPTIONS_VERSION */
	int engine;                 /* a bsim_engine, or -1: guess from the capture */
	int64_t max_gap_ms;         /* longest <wait> between two navigations; -1: as captured */
	int redact;                 /* 1: replace secret values (docs/har-import.md, "Redaction") */
	const char *widget_version; /* "9" (default when NULL) or "8.5": how the widget derives its Domain */
	const char *closed_before;  /* a pageref: the customer closed the browser before that page; NULL: never */
	int session_restore;        /* 1: the customer's browser continues where it left off */
	const char *name;           /* the scenario's name; NULL: "imported from FILE: first page title" */
	const char *expect_failure; /* written as the scenario's expect-failure attribute; NULL: none */
	int widget;                 /* 1: where the capture shows the widget, deploy bsim's widget model and let
				       it write its cookies (<deploy>, <webchat do="start">, chat="restored");
				       0: replay the widget's cookie writes as <cookie write> steps */
} bsim_har_options;

/* 2: the widget member (version 1 had none). */
#define BSIM_HAR_OPTIONS_VERSION 2
#define BSIM_HAR_OPTIONS_INIT {BSIM_HAR_OPTIONS_VERSION, -1, -1, 1, NULL, NULL, 0, NULL, NULL, 1}

/* What an import found, for the command to tell the user. */
typedef struct bsim_har_summary {
	size_t entries, pages, navigations;
	size_t widget_writes;      /* <cookie write> steps reproducing the widget's script writes */
	size_t derived_expects;    /* <expect> steps derived from the capture */
	bsim_engine engine;        /* the preset the scenario runs on */
	int engine_guessed;        /* 1: from the capture, 0: from the options */
	int sanitized;             /* 1: the capture holds no cookie data (see bsim_har_import_mem) */
	char sanitized_how[300];   /* when sanitized: what shows it (a headersSize counting removed lines ...) */
	char engine_why[160];      /* what in the capture decided the engine */
	int widget_model;          /* 1: the scenario deploys the widget model */
	size_t chat_starts;        /* <webchat do="start"> steps */
	char widget_why[200];      /* what in the capture showed the widget */
	char widget_version[32];   /* the preset deployed ("9.0.018.07", "8.5" ...) */
	char widget_version_why[200]; /* what decided it ("--widget-version", the script URL ...) */
	size_t cookies_from_lists;   /* requests whose cookies came from request.cookies[] */
	size_t cookies_from_headers; /* requests with cookies[] empty whose cookies came from the Cookie header */
} bsim_har_summary;

/*
 * Read a HAR capture from data[0..len) ("name" names it in errors) and
 * write the scenario's XML text to *xml (allocated, NUL-terminated; the
 * caller frees it) and its length to *xml_len. summary may be NULL. A
 * capture without any cookie data (a sanitized export) still gives the
 * navigation skeleton, with summary->sanitized set and the header comment
 * saying so. Returns 0, BSIM_EINVAL (a message with the JSON path: not a
 * HAR, a wrong type, a missing member), BSIM_ELIMIT (a named limit) or
 * BSIM_ENOMEM; *xml is NULL then. Safe on any input: a fuzzer calls it.
 */
int bsim_har_import_mem(char **xml, size_t *xml_len, bsim_har_summary *summary, const char *name,
			const char *data, size_t len, const bsim_har_options *opts);

/* As bsim_har_import_mem, from a file of at most 256 MiB (BSIM_EIO when it cannot be read). */
int bsim_har_import_file(char **xml, size_t *xml_len, bsim_har_summary *summary, const char *path,
			 const bsim_har_options *opts);

#ifdef __cplusplus
}
#endif
#endif
