/* ctutil.c — see ctutil.h. */
#define _GNU_SOURCE /* execvpe */
#include "ctutil.h"
#include "image/image.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

const char *ct_build(void)
{
    static char path[PATH_MAX];
    if (!path[0]) {
        const char *b = getenv("PROCTOR_BUILD");
        if (!b || !*b) b = "build";
        if (!realpath(b, path)) snprintf(path, sizeof path, "%s", b);
    }
    return path;
}

char *ct_build_path(const char *rel) { return ct_path(ct_build(), rel); }

const char *ct_photos_dir(void)
{
    static char path[PATH_MAX];
    static int done;
    if (!done) {
        done = 1;
        const char *s = getenv("PROCTOR_SHARED");
        snprintf(path, sizeof path, "%s/fixtures/photos", s && *s ? s : "../shared");
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) path[0] = 0;
    }
    return path[0] ? path : NULL;
}

char *ct_fmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) s = NULL;
    va_end(ap);
    if (!s) abort(); /* a test helper: out of memory is not a case worth handling */
    return s;
}

char *ct_path(const char *dir, const char *name) { return ct_fmt("%s/%s", dir, name); }

char *ct_tmpdir(const char *tag)
{
    const char *base = getenv("TMPDIR");
    char *t = ct_fmt("%s/proctor-%s-XXXXXX", base && *base ? base : "/tmp", tag);
    if (!mkdtemp(t)) {
        free(t);
        return NULL;
    }
    return t;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

void ct_rmtree(const char *path)
{
    if (path && path[0] == '/' && strlen(path) > 5) nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int ct_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t n = len ? fwrite(data, 1, len, f) : 0;
    return (fclose(f) == 0 && n == len) ? 0 : -1;
}

int ct_write_str(const char *path, const char *text) { return ct_write(path, text, strlen(text)); }

char *ct_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (size_t r; buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0;) {
        n += r;
        if (cap - n < 2) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) free(buf);
            buf = nb;
        }
    }
    fclose(f);
    if (!buf) return NULL;
    buf[n] = 0;
    if (len) *len = n;
    return buf;
}

int ct_copy(const char *src, const char *dst)
{
    size_t len = 0;
    char *data = ct_read(src, &len);
    if (!data) return -1;
    int rc = ct_write(dst, data, len);
    free(data);
    return rc;
}

int ct_count_suffix(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    size_t sl = strlen(suffix);
    for (struct dirent *e; (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] != '.' && l >= sl && strcmp(e->d_name + l - sl, suffix) == 0) n++;
    }
    closedir(d);
    return n;
}

double ct_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void ct_sleep(double seconds)
{
    if (seconds <= 0) return;
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* environ plus the extra entries (which win over same-named ones). */
static char **make_env(const char *const env[])
{
    size_t n = 0, m = 0;
    while (environ[n]) n++;
    while (env && env[m]) m++;
    char **out = calloc(n + m + 1, sizeof *out);
    if (!out) return environ;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int overridden = 0;
        for (size_t j = 0; j < m; j++) {
            const char *eq = strchr(env[j], '=');
            size_t l = eq ? (size_t)(eq - env[j]) + 1 : strlen(env[j]);
            if (strncmp(environ[i], env[j], l) == 0) overridden = 1;
        }
        if (!overridden) out[k++] = environ[i];
    }
    for (size_t j = 0; j < m; j++) out[k++] = (char *)env[j];
    return out;
}

static pid_t spawn_fds(char *const argv[], const char *const env[], int out_fd, int err_fd)
{
    char **envp = make_env(env);
    pid_t pid = fork();
    if (pid == 0) {
        /* a test that dies must not leave proctor or miners behind */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0) dup2(null, 0);
        if (out_fd >= 0) dup2(out_fd, 1);
        if (err_fd >= 0) dup2(err_fd, 2);
        execvpe(argv[0], argv, envp);
        _exit(127);
    }
    if (envp != environ) free(envp);
    return pid;
}

int ct_wait(pid_t pid, double timeout_s)
{
    double end = ct_now() + timeout_s;
    for (;;) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (r < 0) return -1;
        if (ct_now() > end) return -2;
        ct_sleep(0.01);
    }
}

void ct_kill(pid_t pid)
{
    if (pid <= 0) return;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static int capture_file(char tmpl[])
{
    int fd = mkstemp(tmpl);
    if (fd >= 0) unlink(tmpl);
    return fd;
}

static char *slurp_fd(int fd)
{
    if (fd < 0) return NULL;
    off_t size = lseek(fd, 0, SEEK_END);
    if (size < 0) return NULL;
    char *buf = malloc((size_t)size + 1);
    if (!buf) return NULL;
    ssize_t n = pread(fd, buf, (size_t)size, 0);
    buf[n > 0 ? n : 0] = 0;
    return buf;
}

int ct_run(char *const argv[], const char *const env[], char **out, char **err, double timeout_s)
{
    char t1[] = "/tmp/proctor-ct-out-XXXXXX", t2[] = "/tmp/proctor-ct-err-XXXXXX";
    int ofd = capture_file(t1), efd = capture_file(t2);
    pid_t pid = spawn_fds(argv, env, ofd, efd);
    int rc = pid > 0 ? ct_wait(pid, timeout_s) : -1;
    if (rc == -2) {
        ct_kill(pid);
        rc = 128 + SIGKILL;
    }
    if (out) *out = slurp_fd(ofd);
    if (err) *err = slurp_fd(efd);
    if (ofd >= 0) close(ofd);
    if (efd >= 0) close(efd);
    return rc;
}

pid_t ct_spawn(char *const argv[], const char *const env[], const char *log_path)
{
    int fd = open(log_path ? log_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    pid_t pid = spawn_fds(argv, env, fd, fd);
    if (fd >= 0) close(fd);
    return pid;
}

pid_t ct_miner_start(const char *const *args, int *port)
{
    char *exe = ct_build_path("demo_miner");
    char *argv[24];
    size_t a = 0;
    argv[a++] = exe;
    argv[a++] = "--port";
    argv[a++] = "0";
    argv[a++] = "--bind";
    argv[a++] = "127.0.0.1";
    for (size_t i = 0; args && args[i] && a < 23; i++) argv[a++] = (char *)args[i];
    argv[a] = NULL;
    int fds[2];
    if (pipe(fds) != 0) {
        free(exe);
        return -1;
    }
    pid_t pid = spawn_fds(argv, NULL, fds[1], -1);
    close(fds[1]);
    free(exe);
    FILE *f = fdopen(fds[0], "r");
    char line[256];
    *port = 0;
    int ready = 0;
    while (f && fgets(line, sizeof line, f)) {
        const char *colon = strrchr(line, ':');
        if (!strncmp(line, "listening on ", 13) && colon) *port = atoi(colon + 1);
        if (!strncmp(line, "ready", 5)) {
            ready = 1;
            break;
        }
    }
    if (f) fclose(f); /* the miner may still print; SIGPIPE on stdout is its own business */
    else close(fds[0]);
    if (!ready || *port <= 0) {
        ct_kill(pid);
        return -1;
    }
    return pid;
}

void ct_miner_stop(pid_t pid)
{
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    if (ct_wait(pid, 5) == -2) ct_kill(pid);
}

void *ct_jpeg(int w, int h, uint8_t r, uint8_t g, uint8_t b, unsigned salt, size_t *len)
{
    proctor_image img = {0};
    char err[256];
    if (pc_image_alloc(&img, w, h, 3, err, sizeof err) != PROCTOR_OK) return NULL;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = img.pixels + y * img.stride + x * 3;
            int t = (int)(((unsigned)x * 7 + (unsigned)y * 13 + salt * 31) % 16) - 8;
            p[0] = (uint8_t)(r + t < 0 ? 0 : r + t > 255 ? 255 : r + t);
            p[1] = (uint8_t)(g + t < 0 ? 0 : g + t > 255 ? 255 : g + t);
            p[2] = (uint8_t)(b + t < 0 ? 0 : b + t > 255 ? 255 : b + t);
        }
    void *out = NULL;
    proctor_status st = pc_image_encode(&img, PROCTOR_FORMAT_JPEG, 85, &out, len, err, sizeof err);
    pc_image_free(&img);
    return st == PROCTOR_OK ? out : NULL;
}

int ct_count(const char *hay, const char *needle)
{
    int n = 0;
    size_t l = strlen(needle);
    for (const char *p = hay; p && l && (p = strstr(p, needle)); p += l) n++;
    return n;
}
