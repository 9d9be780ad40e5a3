/*
 * support.c: test helpers of support.h. Running the binary uses fork/exec
 * with pipes so that stdout and stderr are checked separately, as a CI log
 * would show them. The helpers at the end fail the calling Criterion test
 * themselves, so that each suite stops copying them.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static char path_buf[4096];

static const char *under(const char *envname, const char *fallback, const char *relative)
{
	const char *root = getenv(envname);
	if (!root || !*root)
		root = fallback;
	snprintf(path_buf, sizeof path_buf, "%s/%s", root, relative);
	return path_buf;
}

const char *support_shared_path(const char *relative)
{
	struct stat st;
	const char *p = under("BSIM_SHARED", "../shared", relative);
	return stat(p, &st) == 0 ? p : NULL;
}

const char *support_source_path(const char *relative)
{
	return under("BSIM_SOURCE_ROOT", ".", relative);
}

int support_read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 4096, n = 0;
	char *p = malloc(cap);
	size_t got;
	while (p && (got = fread(p + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			char *q = realloc(p, cap * 2);
			if (!q) {
				free(p);
				p = NULL;
				break;
			}
			p = q;
			cap *= 2;
		}
	}
	fclose(f);
	if (!p)
		return -1;
	p[n] = '\0';
	*out = p;
	if (len)
		*len = n;
	return 0;
}

static int append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap : 4096;
		while (c < *len + n + 1)
			c *= 2;
		char *q = realloc(*buf, c);
		if (!q)
			return -1;
		*buf = q;
		*cap = c;
	}
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int support_run_bsim(support_run *r, const char *input, const char *const *argv)
{
	return support_run_bsim_with(r, input, argv, NULL);
}

int support_run_bsim_with(support_run *r, const char *input, const char *const *argv, const support_run_opts *opts)
{
	static const support_run_opts none = {0};
	if (!opts)
		opts = &none;
	memset(r, 0, sizeof *r);
	const char *exe = getenv("BSIM_EXE");
	if (!exe || !*exe)
		return -1;
	int in[2], out[2], err[2];
	if (pipe(in) || pipe(out) || pipe(err))
		return -1;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(in[0]); close(in[1]); close(out[0]); close(out[1]); close(err[0]); close(err[1]);
		if (opts->cwd && chdir(opts->cwd) != 0)
			_exit(126);
		if (opts->as_bytes) {
			struct rlimit lim = {opts->as_bytes, opts->as_bytes};
			if (setrlimit(RLIMIT_AS, &lim) != 0)
				_exit(126);
		}
		if (opts->fsize_bytes) {
			struct rlimit lim = {opts->fsize_bytes, opts->fsize_bytes};
			signal(SIGXFSZ, SIG_IGN); /* a write past it fails with EFBIG, as on a full disk */
			if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
				_exit(126);
		}
		size_t argc = 0;
		while (argv[argc])
			argc++;
		char **args = calloc(argc + 2, sizeof *args);
		args[0] = (char *)exe;
		for (size_t i = 0; i < argc; i++)
			args[i + 1] = (char *)argv[i];
		execv(exe, args);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	signal(SIGPIPE, SIG_IGN);
	size_t in_len = input ? strlen(input) : 0, in_off = 0;
	if (in_len == 0) {
		close(in[1]);
		in[1] = -1;
	}
	char *ob = NULL, *eb = NULL;
	size_t ol = 0, oc = 0, el = 0, ec = 0;
	append(&ob, &ol, &oc, "", 0);
	append(&eb, &el, &ec, "", 0);
	int open_fds = 2;
	while (open_fds > 0 || in[1] >= 0) {
		int wait_ms = -1;
		if (opts->timeout_ms > 0 && !r->timed_out) {
			long left = opts->timeout_ms - ms_since(&t0);
			if (left <= 0) {
				/* A hang: kill it; the pipes then close and the loop ends. */
				kill(pid, SIGKILL);
				r->timed_out = 1;
			} else {
				wait_ms = (int)left;
			}
		}
		struct pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
		if (poll(fds, 3, wait_ms) < 0 && errno != EINTR)
			break;
		char tmp[8192];
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
				ssize_t n = read(fds[i].fd, tmp, sizeof tmp);
				if (n <= 0) {
					close(fds[i].fd);
					if (i == 0) out[0] = -1; else err[0] = -1;
					open_fds--;
				} else if (i == 0) {
					append(&ob, &ol, &oc, tmp, (size_t)n);
				} else {
					append(&eb, &el, &ec, tmp, (size_t)n);
				}
			}
		}
		if (in[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = write(in[1], input + in_off, in_len - in_off);
			if (n > 0)
				in_off += (size_t)n;
			if (n <= 0 || in_off == in_len) {
				close(in[1]);
				in[1] = -1;
			}
		}
	}
	int st = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	wait4(pid, &st, 0, &ru);
	r->elapsed_ms = ms_since(&t0);
	r->max_rss_kb = ru.ru_maxrss;
	r->cpu_ms = (long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
		    (long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->out = ob;
	r->err = eb;
	return 0;
}

void support_run_free(support_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

static char temp_dirs[SUPPORT_MAX_TEMP_DIRS][64];
static int n_temp_dirs;

const char *support_temp_dir(const char *tag)
{
	if (n_temp_dirs >= SUPPORT_MAX_TEMP_DIRS)
		return NULL;
	char *dir = temp_dirs[n_temp_dirs];
	snprintf(dir, sizeof temp_dirs[0], "/tmp/bsim-%.32s-XXXXXX", tag);
	if (!mkdtemp(dir))
		return NULL;
	n_temp_dirs++;
	return dir;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 ? 0 : -1;
}

int support_remove_tree(const char *path)
{
	/* FTW_DEPTH: a directory after what it holds; FTW_PHYS: never follow a link out of it. */
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void support_temp_dirs_remove(void)
{
	for (int i = 0; i < n_temp_dirs; i++)
		support_remove_tree(temp_dirs[i]);
	n_temp_dirs = 0;
}

static int not_dot_or_dotdot(const struct dirent *e)
{
	return strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
}

char *support_dir_listing(const char *dir)
{
	struct dirent **list = NULL;
	int n = scandir(dir, &list, not_dot_or_dotdot, alphasort);
	if (n < 0)
		return NULL;
	char *s = NULL;
	size_t len = 0, cap = 0;
	append(&s, &len, &cap, "", 0);
	for (int i = 0; i < n; i++) {
		append(&s, &len, &cap, list[i]->d_name, strlen(list[i]->d_name));
		append(&s, &len, &cap, " ", 1);
		free(list[i]);
	}
	free(list);
	return s;
}

int support_count_entries(const char *dir)
{
	struct dirent **list = NULL;
	int n = scandir(dir, &list, not_dot_or_dotdot, NULL);
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return n;
}

/* ---- helpers that fail the calling test (Criterion) ---------------------- */

void support_to_source_root(void)
{
	const char *root = getenv("BSIM_SOURCE_ROOT");
	cr_assert(root && *root, "BSIM_SOURCE_ROOT is not set; run the tests with meson test");
	cr_assert_eq(chdir(root), 0, "cannot enter the source root %s", root);
}

support_run support_run_argv(const char *const *argv)
{
	support_run r = {0};
	cr_assert_eq(support_run_bsim(&r, NULL, argv), 0, "could not run bsim (BSIM_EXE)");
	return r;
}

support_run support_run_args(const char *first, ...)
{
	const char *argv[SUPPORT_MAX_ARGS + 1];
	size_t n = 0;
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *)) {
		cr_assert_lt(n, SUPPORT_MAX_ARGS, "more than %d arguments for bsim", SUPPORT_MAX_ARGS);
		argv[n++] = a;
	}
	va_end(ap);
	argv[n] = NULL;
	return support_run_argv(argv);
}

void support_append_n(char *dst, size_t size, const char *src, size_t n)
{
	size_t have = strnlen(dst, size);
	cr_assert(have < size && n < size - have, "%zu bytes do not fit after %zu in a buffer of %zu", n, have, size);
	memcpy(dst + have, src, n);
	dst[have + n] = '\0';
}

void support_append(char *dst, size_t size, const char *src)
{
	support_append_n(dst, size, src, strlen(src));
}

int support_count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

uint64_t support_random(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

pid_t support_dead_pid(void)
{
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0)
		_exit(0);
	cr_assert_eq(waitpid(pid, NULL, 0), pid);
	return pid;
}

char *support_slurp(const char *path)
{
	char *text = NULL;
	cr_assert_eq(support_read_file(path, &text, NULL), 0, "cannot read %s", path);
	return text;
}

void support_assert_exit(const support_run *r, int code)
{
	cr_assert_eq(r->status, code, "exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", r->status, code, r->out, r->err);
}

int support_entries(const char *dir)
{
	int n = support_count_entries(dir);
	cr_assert_geq(n, 0, "cannot open %s", dir);
	return n;
}

const char *support_json_str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *support_shared_cases(const char *relative, json_t **root)
{
	const char *path = support_shared_path(relative);
	if (!path)
		cr_skip_test("%s not found under BSIM_SHARED (../shared beside the checkout); "
			     "the public cookie suites are read from there, never copied",
			     relative);
	json_error_t err;
	*root = json_load_file(path, JSON_ALLOW_NUL, &err);
	cr_assert_not_null(*root, "%s:%d:%d: %s", path, err.line, err.column, err.text);
	json_t *cases = json_object_get(*root, "cases");
	cr_assert(json_is_array(cases) && json_array_size(cases) > 0, "%s: no \"cases\" array, or an empty one", path);
	return cases;
}

void support_trim_ows(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}
