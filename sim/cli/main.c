/*
 * main.c: the `bsim` command. Finds the subcommand named by the first
 * argument and hands it the rest; answers --help, --version and `bsim help`
 * itself. Output is meant for pipes and logs: colour only from `bsim run` on a
 * terminal, never with NO_COLOR; help that was asked for goes to stdout,
 * everything else a person must read to stderr.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#ifndef BSIM_VERSION
#define BSIM_VERSION "unknown"
#endif

typedef struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*help)(FILE *f);
} command;

static const command commands[] = {
	{"cookie", "replay cookie operations through one browser's cookie jar and print what it does",
	 cmd_cookie, cmd_cookie_help},
	{"run", "run scenario files and report what passed and why the rest failed", cmd_run, cmd_run_help},
	{"check", "load and validate scenario files without running them", cmd_check, cmd_check_help},
	{"list", "list the scenarios a run would run (with --shard: one CI shard's)", cmd_list, cmd_list_help},
	{"widget", "domain URL...: the cookie Domain the chat widget derives there, and which browsers keep it",
	 cmd_widget, cmd_widget_help},
	{"import-har", "turn a customer's HAR capture into a scenario that replays it", cmd_import_har,
	 cmd_import_har_help},
	{"explain", "tell the story of each widget cookie of a scenario, for a support ticket", cmd_explain,
	 cmd_explain_help},
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
	fputs("Usage: bsim COMMAND [OPTIONS] [ARGS]\n"
	      "       bsim help [COMMAND]\n"
	      "       bsim --version\n"
	      "\n"
	      "bsim simulates what a browser does with cookies, as Chromium, Firefox and\n"
	      "Safari do it, on a virtual clock, and says why each cookie was refused.\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("  help       show this help, or a command's help\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help   show this help\n"
	      "  --version    print bsim's version\n"
	      "\n"
	      "Exit status: 0 success, 1 some check failed, 2 usage or input error,\n"
	      "3 internal error.\n",
	      f);
}

static const command *find_command(const char *name)
{
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	fprintf(stderr,
		"bsim: error: unknown command \"%s\"\n"
		"Run 'bsim help' for the list of commands.\n",
		name);
	return CLI_EXIT_USAGE;
}

static int help(int argc, char **argv)
{
	if (argc == 1) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (argc > 2) {
		fputs("bsim help: error: expected at most one command name\n"
		      "Run 'bsim help' for the list of commands.\n",
		      stderr);
		return CLI_EXIT_USAGE;
	}
	const command *cmd = find_command(argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);
	cmd->help(stdout);
	return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--version") == 0) {
		printf("bsim %s\n", BSIM_VERSION);
		return CLI_EXIT_OK;
	}
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
		return help(1, argv + 1);
	if (strcmp(name, "help") == 0)
		return help(argc - 1, argv + 1);
	if (name[0] == '-') {
		fprintf(stderr,
			"bsim: error: unknown option \"%s\"\n"
			"Run 'bsim help' for the list of commands and options.\n",
			name);
		return CLI_EXIT_USAGE;
	}
	const command *cmd = find_command(name);
	if (!cmd)
		return unknown_command(name);
	/*
	 * A file-size limit (ulimit -f, a CI quota) would kill bsim mid-write by
	 * SIGXFSZ, leaving its temporary file behind; ignored, the write fails
	 * with EFBIG and the failure is reported and cleaned up like a full disk.
	 */
	signal(SIGXFSZ, SIG_IGN);
	int rc = cmd->run(argc - 1, argv + 1);
	/* Output that was buffered by stdio and failed to reach its file is a lost result. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("bsim: error: could not write to standard output\n", stderr);
		return CLI_EXIT_INTERNAL;
	}
	return rc;
}
