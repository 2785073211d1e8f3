/* file.c — write-temp, fsync, rename, fsync-directory for the score files (state, weights).
 * Reading them goes through pc_read_whole (fsutil). */
#include "score/file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fsync_dir_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy) return -1;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int pc_score_file_write(const char *path, const void *data, size_t len, int keep_prev,
                        char *err, size_t errlen)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 6), *prev = malloc(plen + 6);
    const char *what = "out of memory";
    int fd = -1, saved, renamed = 0;
    if (!tmp || !prev) goto fail;
    snprintf(tmp, plen + 6, "%s.tmp", path);
    snprintf(prev, plen + 6, "%s.prev", path);

    what = "create";
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) goto fail;
    what = "write";
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, (const char *)data + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = EIO;
            goto fail;
        }
        off += (size_t)w;
    }
    what = "fsync";
    if (fsync(fd) != 0) goto fail;
    what = "close";
    saved = close(fd);
    fd = -1;
    if (saved != 0) goto fail;

    if (keep_prev) {
        /* .prev is a second name for the current file, so path itself never goes missing;
         * where hard links are not supported, move it: the loader then finds only .prev for an
         * instant, which still is a complete state */
        what = "keep previous";
        if (unlink(prev) != 0 && errno != ENOENT) goto fail;
        if (link(path, prev) != 0 && errno != ENOENT && rename(path, prev) != 0 &&
            errno != ENOENT)
            goto fail;
    }
    what = "rename";
    if (rename(tmp, path) != 0) goto fail;
    renamed = 1;
    what = "fsync directory";
    if (fsync_dir_of(path) != 0) goto fail;
    free(tmp);
    free(prev);
    return 0;
fail:
    saved = errno;
    if (fd >= 0) close(fd);
    if (tmp && !renamed) unlink(tmp);
    snprintf(err, errlen, "%s: %s: %s", path, what, strerror(saved));
    free(tmp);
    free(prev);
    errno = saved;
    return -1;
}
