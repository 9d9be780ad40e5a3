/*
 * path.h: where a path really leads, for the two places that must know it
 * before they touch a file: the atomic writer (a symbolic link is followed
 * and the file replaced at its target, never the link itself) and the
 * scenario file-access rule (a scenario may only reach files in its own
 * folder, judged after `..` and symbolic links are resolved).
 *
 * Unlike realpath(3), these work for a file that does not exist yet (an
 * export's first write, a dangling symbolic link): the existing part of
 * the path is resolved by the kernel, the rest lexically, which is what
 * the kernel will do once the missing names are created as plain names.
 */
#ifndef BSIM_UTIL_PATH_H
#define BSIM_UTIL_PATH_H

#include <stdbool.h>

#include "util/buf.h"

/*
 * Symbolic links followed in a row before giving up with ELOOP: Linux's
 * MAXSYMLINKS (include/linux/namei.h), so bsim gives up where the kernel would.
 */
#define PATH_MAX_LINKS 40

/* The directory part of path ("." when there is none, "/" for "/x"), appended to b. */
void path_dir_of(buf *b, const char *path);

/*
 * path with its last component's symbolic links followed (a relative link
 * target is read from the link's directory), even when the final target
 * does not exist. Earlier components are left to the kernel. *out is
 * allocated (the caller frees it). 0, or -1 with errno (ELOOP, ENOMEM).
 */
int path_follow(char **out, const char *path);

/*
 * The absolute path, free of symbolic links, `.` and `..`, that path leads
 * to, whether or not it exists: path_follow, then realpath(3) of the
 * longest existing ancestor, then the missing rest taken lexically.
 * *out is allocated. 0, or -1 with errno.
 */
int path_real(char **out, const char *path);

/* Whether the real path `real` is the directory `dir` (real too) or lies below it. */
bool path_within(const char *real, const char *dir);

#endif
