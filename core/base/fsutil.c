/* fsutil.c — see fsutil.h. */
#include "base/fsutil.h"

#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pc_mkdirs(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) return errno = ENAMETOOLONG, -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
    struct stat st;
    if (stat(buf, &st) != 0) return -1;
    if (!S_ISDIR(st.st_mode)) return errno = ENOTDIR, -1;
    return 0;
}

int pc_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    static unsigned counter;
    char tmp[PATH_MAX], dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    int dlen = slash ? (int)(slash - path) : 1;
    snprintf(dir, sizeof dir, "%.*s", dlen, slash ? path : ".");
    if (snprintf(tmp, sizeof tmp, "%s/.%s.%d.%u.tmp", dir, base, (int)getpid(),
                 __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED)) >= (int)sizeof tmp) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
        return -1;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            snprintf(err, errlen, "%s: write failed: %s", path, w < 0 ? strerror(errno) : "short write");
            close(fd);
            unlink(tmp);
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        snprintf(err, errlen, "%s: fsync failed: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: rename failed: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

int pc_self_exe(char *out, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", out, len - 1);
    if (n <= 0) return -1;
    if ((size_t)n >= len - 1) return errno = ENAMETOOLONG, -1;
    out[n] = 0;
    return 0;
}

int pc_self_dir(char *out, size_t len)
{
    if (pc_self_exe(out, len) != 0) return -1;
    char *slash = strrchr(out, '/');
    if (!slash) return errno = ENOENT, -1;
    *slash = 0;
    return 0;
}

int pc_read_whole(const char *path, size_t max_len, char **out, size_t *out_len, char *err,
                  size_t errlen)
{
    *out = NULL;
    *out_len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return 1;
        snprintf(err, errlen, "%s: open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max_len) {
        snprintf(err, errlen, "%s: not a regular file of at most %zu bytes", path, max_len);
        close(fd);
        return -1;
    }
    size_t len = (size_t)st.st_size, got = 0;
    char *buf = malloc(len + 1);
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory for %zu bytes", path, len);
        close(fd);
        return -1;
    }
    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    if (got != len) {
        snprintf(err, errlen, "%s: short read (%zu of %zu bytes)", path, got, len);
        free(buf);
        return -1;
    }
    buf[len] = 0;
    *out = buf;
    *out_len = len;
    return 0;
}

char *pc_read_file(const char *path, size_t max, size_t *len)
{
    char *buf = NULL, err[8];
    size_t n = 0;
    if (pc_read_whole(path, max, &buf, &n, err, sizeof err) != 0) return NULL;
    if (len) *len = n;
    return buf;
}

int pc_lock_dir(const char *dir, char *err, size_t errlen)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return snprintf(err, errlen, "%s: cannot open the lock file: %s", path, strerror(errno)), -1;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        char pid[32] = "";
        ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
        pid[n > 0 ? n : 0] = 0;
        pid[strcspn(pid, "\n")] = 0;
        close(fd);
        if (e == EWOULDBLOCK)
            return snprintf(err, errlen, "%s is in use by another proctor (pid %s): one state directory "
                                         "has one running validator; stop it, or give this one another "
                                         "challenge.state_dir", dir, pid[0] ? pid : "unknown"),
                   -1;
        return snprintf(err, errlen, "%s: cannot lock: %s", path, strerror(e)), -1;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        /* the lock holds without the pid; only the message of a second run loses it */
    }
    return fd;
}
