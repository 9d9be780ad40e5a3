/*
 * cli_args.c: the option-reading helpers every subcommand shares, so that
 * "--name VALUE" and "--name=VALUE" mean the same in each of them, and an
 * unknown option is answered the same way: with bsim's spelling when it is
 * another test runner's (a habit from Playwright or pytest), else with the
 * closest option of the command ("did you mean").
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/suggest.h"

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
