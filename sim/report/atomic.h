/*
 * atomic.h: writing a report file so that readers only ever see the old
 * file or the whole new one. CI keeps report files as artifacts and merges
 * them; a half-written JUnit file from a crashed or full-disk run would be
 * read as a suite with fewer tests, which is worse than no file.
 */
#ifndef BSIM_REPORT_ATOMIC_H
#define BSIM_REPORT_ATOMIC_H

#include <stddef.h>

/*
 * Write data[0..len) to path: into a new temporary file in the same
 * directory (rename is atomic only within one file system), flushed to disk
 * with fsync, then renamed over path. On any failure the temporary file is
 * removed and path is left as it was. The new file's mode is 0666 less the
 * umask, as for any file the user creates. Returns 0, or BSIM_EIO with a
 * message naming path and the system's reason.
 */
int report_write_atomic(const char *path, const char *data, size_t len);

#endif
