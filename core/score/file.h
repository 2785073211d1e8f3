/* file.h — whole-file atomic replace for the score files (state, weights).
 * Unlike the general pc_write_atomic (fsutil.h) the temporary has one fixed name, so a validator
 * killed mid-save (it saves after every challenge) leaves no temporaries piling up, and the
 * previous file can be kept as "<path>.prev". */
#ifndef PC_SCORE_FILE_H
#define PC_SCORE_FILE_H

#include <stddef.h>

/* Replace `path` with data: write "<path>.tmp", fsync it, then (when keep_prev) hard-link the
 * current file to "<path>.prev" (or move it there where links fail), rename the temporary over
 * path, fsync the directory. A crash at any instant leaves path holding the old or the new bytes
 * (or, in the no-link fallback, only .prev holding the old); with keep_prev, "<path>.prev" holds
 * the file as it was before the last save. One writer per path.
 * Returns 0, or -1 with err filled (errno kept). */
int pc_score_file_write(const char *path, const void *data, size_t len, int keep_prev,
                        char *err, size_t errlen);

#endif
