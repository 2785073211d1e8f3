/* fsutil.h — small file-system helpers shared by the core: atomic writes, bounded reads,
 * mkdir -p. */
#ifndef PC_FSUTIL_H
#define PC_FSUTIL_H

#include <stddef.h>

/* mkdir -p; 0 or -1 with errno. */
int pc_mkdirs(const char *path);

/* Take the exclusive lock DIR/lock (flock, released when the process ends) and write our pid
 * into it. Returns the open descriptor (keep it), or -1 with err naming the holder's pid when
 * another process has it, or why the file could not be opened. */
int pc_lock_dir(const char *dir, char *err, size_t errlen);
/* Write to a temporary name in the same directory (".<name>.<pid>.<n>.tmp", never a served
 * suffix), fsync, rename over `path`, fsync the directory. A crash leaves the old or the new
 * file, never a torn one. 0 or -1 with err. */
int pc_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen);
/* This program's own executable path, and the directory it is in (where the build and the
 * install keep plugins, tools and data relative to it). 0 or -1 with errno. */
int pc_self_exe(char *out, size_t len);
int pc_self_dir(char *out, size_t len);
/* Read a whole regular file of at most `max` bytes, NUL-terminated, into *out (malloc'd).
 * 0 read; 1 the file does not exist; -1 with err (open, too large, not a regular file, short
 * read). pc_read_file is the same without the reasons: NULL for every failure. */
int pc_read_whole(const char *path, size_t max, char **out, size_t *out_len, char *err, size_t errlen);
char *pc_read_file(const char *path, size_t max, size_t *len);

#endif
