/*
 * run_options.h: the options of `bsim run`, `bsim check` and `bsim list`
 * (run_options.c), one parser for all three, so that `bsim list` with the
 * options of a `bsim run` shows exactly what that run will run.
 */
#ifndef BSIM_CLI_RUN_OPTIONS_H
#define BSIM_CLI_RUN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bsim/report.h"
#include "bsim/scenario.h"

/* Which option groups a command takes. */
enum {
	OPT_SELECT = 1,  /* --filter, --engine, --shard */
	OPT_RUN = 2,     /* everything else of `bsim run` */
	OPT_FILES = 4    /* --allow-read, --allow-write: they change what loads */
};

typedef enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } color_mode;

typedef struct options {
	const char *command;     /* "run", "check", "list" */
	const char **paths;      /* what to load: PATH arguments, and the FILE of each FILE:LINE once */
	size_t n_paths;
	const char **whole;      /* the paths given as a PATH, so all their scenarios are chosen */
	size_t n_whole;
	bsim_line_ref *locs;     /* FILE:LINE arguments (each file owned) */
	size_t n_locs;
	bool pass_with_none;     /* --pass-with-no-scenarios: choosing nothing is not an error */
	const char **filters;    /* any one matching selects a scenario */
	size_t n_filters;
	const char **allow_read; /* directories scenarios may read besides their own folder */
	size_t n_allow_read;
	const char **allow_write;
	size_t n_allow_write;
	bool engine_set;
	bsim_engine engine;
	bool seed_set;
	uint64_t seed;
	bool now_set;            /* --now: the clock's start of scenarios that give no now= */
	int64_t now;
	unsigned shard_index;    /* 1-based; 0: no sharding */
	unsigned shard_count;
	unsigned jobs;
	bsim_trace_mode trace;
	bool fail_fast;
	bool live;               /* --live: fetch navigations from real servers */
	const char *ca_file;
	bool insecure;
	const char **allow_redirect; /* --allow-redirect-host: live redirect targets beyond the hosts file */
	size_t n_allow_redirect;
	bool tap;
	bool timing;
	const char *junit;
	const char *json;
	bsim_junit_schema junit_schema;
	color_mode color;
} options;

/* opt for command ("run", "check", "list"), with the defaults. */
void run_options_init(options *opt, const char *command);
/*
 * Fill opt from argv; allowed says which option groups (OPT_*) the command
 * takes. Returns 0, an exit code after a message, or -1 when help was printed.
 */
int run_options_parse(options *opt, int argc, char **argv, unsigned allowed);
void run_options_free(options *opt);
/* A report path that means stdout ("-"). */
bool run_options_is_stdout(const char *report_path);

#endif
