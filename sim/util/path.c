/*
 * path.c: following symbolic links and resolving paths that may not
 * exist yet (path.h).
 */
#include "util/path.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void path_dir_of(buf *b, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		buf_puts(b, ".");
	else if (slash == path)
		buf_puts(b, "/");
	else
		buf_put(b, path, (size_t)(slash - path));
}

/* buf's text, detached; NULL with errno ENOMEM when it failed to grow. */
static char *take(buf *b)
{
	char *s = buf_status(b) < 0 ? NULL : buf_detach(b);
	buf_free(b);
	if (!s)
		errno = ENOMEM;
	return s;
}

int path_follow(char **out, const char *path)
{
	*out = NULL;
	char *cur = strdup(path);
	if (!cur)
		return -1;
	for (int hops = 0;; hops++) {
		struct stat st;
		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) {
			*out = cur; /* not a link (or not there): the kernel takes it from here */
			return 0;
		}
		if (hops == PATH_MAX_LINKS) {
			free(cur);
			errno = ELOOP;
			return -1;
		}
		char target[PATH_MAX];
		ssize_t n = readlink(cur, target, sizeof target - 1);
		if (n < 0) {
			free(cur);
			return -1;
		}
		target[n] = '\0';
		buf b = BUF_INIT;
		if (target[0] != '/') {
			path_dir_of(&b, cur);
			buf_putc(&b, '/');
		}
		buf_puts(&b, target);
		free(cur);
		if (!(cur = take(&b)))
			return -1;
	}
}

/* Append the components of rel to the absolute path in b, taking "." and ".." lexically. */
static void append_lexically(buf *b, const char *rel)
{
	for (const char *p = rel; *p;) {
		size_t len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			const char *s = buf_cstr(b);
			const char *slash = strrchr(s, '/');
			size_t keep = slash && slash != s ? (size_t)(slash - s) : 1;
			if (b->ptr && keep <= b->len) {
				b->len = keep;
				b->ptr[keep] = '\0';
			}
		} else if (len > 0 && !(len == 1 && p[0] == '.')) {
			if (b->len > 1)
				buf_putc(b, '/');
			buf_put(b, p, len);
		}
		p += len;
		while (*p == '/')
			p++;
	}
}

int path_real(char **out, const char *path)
{
	*out = NULL;
	char *followed = NULL;
	if (path_follow(&followed, path) < 0)
		return -1;
	char *real = realpath(followed, NULL);
	if (real || errno != ENOENT) {
		free(followed);
		*out = real;
		return real ? 0 : -1;
	}
	/* Not there: resolve the longest existing ancestor, then add the rest as written. */
	size_t cut = strlen(followed);
	char *head = NULL;
	while (!head) {
		while (cut > 0 && followed[cut - 1] == '/')
			cut--;
		while (cut > 0 && followed[cut - 1] != '/')
			cut--;
		char saved = followed[cut];
		followed[cut] = '\0';
		head = realpath(cut == 0 ? "." : followed, NULL);
		followed[cut] = saved;
		if (!head && (errno != ENOENT || cut == 0)) {
			free(followed);
			return -1;
		}
	}
	buf b = BUF_INIT;
	buf_puts(&b, head);
	free(head);
	append_lexically(&b, followed + cut);
	free(followed);
	return (*out = take(&b)) ? 0 : -1;
}

bool path_within(const char *real, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return real[0] == '/';
	return strncmp(real, dir, n) == 0 && (real[n] == '\0' || real[n] == '/');
}
