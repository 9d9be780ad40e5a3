/*
 * cli_args.c: the option-reading helpers every subcommand shares, so that
 * "--name VALUE" and "--name=VALUE" mean the same in each of them, and an
 * unknown option is answered the same way: with bsim's spelling when it is
 * another test runner's (a habit from Playwright or pytest), else with the
 * closest option of the command ("did you mean"). Also the error shapes
 * every command prints, and the option values several commands share.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/suggest.h"
#include "util/timefmt.h"

const char *cli_option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

/*
 * Options of Playwright Test (playwright.dev/docs/test-cli), pytest
 * (docs.pytest.org, "Command-line Flags"), pytest-xdist and
 * pytest-playwright, with what bsim calls the same thing.
 */
static const struct {
	const char *theirs;
	const char *ours;
} foreign_options[] = {
	{"--grep", "--filter PATTERN"},            /* Playwright */
	{"-g", "--filter PATTERN"},                /* Playwright */
	{"-k", "--filter PATTERN"},                /* pytest */
	{"--workers", "-j N"},                     /* Playwright */
	{"-n", "-j N"},                            /* pytest-xdist */
	{"--numprocesses", "-j N"},                /* pytest-xdist */
	{"-x", "--fail-fast"},                     /* pytest */
	{"--exitfirst", "--fail-fast"},            /* pytest */
	{"--max-failures", "--fail-fast"},         /* Playwright */
	{"--maxfail", "--fail-fast"},              /* pytest */
	{"--list", "a command: bsim list PATH..."},       /* Playwright */
	{"--collect-only", "a command: bsim list PATH..."}, /* pytest */
	{"--co", "a command: bsim list PATH..."},         /* pytest */
	{"--reporter", "--junit FILE, --json FILE or --tap"}, /* Playwright */
	{"--junitxml", "--junit FILE"},            /* pytest */
	{"--junit-xml", "--junit FILE"},           /* pytest */
	{"--pass-with-no-tests", "--pass-with-no-scenarios"}, /* Playwright */
	{"--project", "--engine NAME"},            /* Playwright */
	{"--browser", "--engine NAME"},            /* pytest-playwright */
	{"--randomly-seed", "--seed N"},           /* pytest-randomly */
};

void cli_option_hint(char *out, size_t len, const char *arg, const char *const *known)
{
	char name[64];
	size_t n = strcspn(arg, "=");
	snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name - 1 ? n : sizeof name - 1), arg);
	*out = '\0';
	for (size_t i = 0; i < sizeof foreign_options / sizeof *foreign_options; i++) {
		if (strcmp(name, foreign_options[i].theirs) == 0) {
			snprintf(out, len, "; bsim's is %s", foreign_options[i].ours);
			return;
		}
	}
	if (strncmp(name, "--", 2) != 0)
		return;
	size_t n_known = 0;
	while (known && known[n_known])
		n_known++;
	const char *like = suggest_closest(name, known, n_known);
	if (like)
		snprintf(out, len, "; did you mean %s?", like);
}

static void vreport(const char *command, const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "bsim %s: %s: ", command, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(command, "error", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Run 'bsim %s --help' for usage.\n", command);
	return CLI_EXIT_USAGE;
}

int cli_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(command, "error", fmt, ap);
	va_end(ap);
	return CLI_EXIT_USAGE;
}

int cli_internal_error(const char *command, const char *doing)
{
	const bsim_error *e = bsim_error_last();
	const char *what = *e->message ? e->message : "out of memory";
	if (doing)
		fprintf(stderr, "bsim %s: internal error: %s: %s\n", command, doing, what);
	else
		fprintf(stderr, "bsim %s: internal error: %s\n", command, what);
	return CLI_EXIT_INTERNAL;
}

void cli_print_error(const char *command, const bsim_error *e)
{
	buf b = BUF_INIT;
	if (!e->file)
		buf_printf(&b, "bsim %s: ", command);
	error_render(&b, e, "error");
	buf_putc(&b, '\n');
	fputs(buf_status(&b) == 0 ? buf_cstr(&b) : "bsim: error: out of memory\n", stderr);
	buf_free(&b);
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
	if (!*s)
		return false;
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

int cli_parse_seed(const char *command, const char *v, uint64_t *out)
{
	if (!cli_parse_u64(v, out))
		return cli_usage_error(command, "--seed expects a number from 0 to 18446744073709551615, got \"%s\"", v);
	return 0;
}

int cli_parse_now(const char *command, const char *v, int64_t *out)
{
	if (!time_parse_instant(v, out))
		return cli_usage_error(command,
				       "--now \"%s\" is not an ISO 8601 instant with its zone, up to year 9999; "
				       "write e.g. " CLI_DEFAULT_NOW_TEXT " or 2024-03-31T03:30:00+02:00", v);
	return 0;
}

int cli_parse_ca_file(const char *command, const char *v)
{
	if (!*v || access(v, R_OK) != 0)
		return cli_usage_error(command, "--ca-file expects a readable PEM file, got \"%s\"", v);
	return 0;
}
