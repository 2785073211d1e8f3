/* ctutil.h — helpers shared by the core tests: scratch directories, whole-file I/O, running
 * the proctor binary (captured or in the background), demo miners, JPEG fixtures.
 * Tests run with cwd = repository root; the build is $PROCTOR_BUILD (default "build"). */
#ifndef CT_UTIL_H
#define CT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* $PROCTOR_BUILD as an absolute path (default "build"), and paths inside it. */
const char *ct_build(void);
char *ct_build_path(const char *rel); /* malloc'd "<build>/<rel>" */
/* $PROCTOR_SHARED or "../shared" when <it>/fixtures/photos exists; NULL otherwise. */
const char *ct_photos_dir(void);

char *ct_tmpdir(const char *tag); /* mkdtemp under $TMPDIR or /tmp; malloc'd */
void ct_rmtree(const char *path);
char *ct_path(const char *dir, const char *name); /* malloc'd "dir/name" */
char *ct_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* malloc'd */

int ct_write(const char *path, const void *data, size_t len); /* 0 / -1 */
int ct_write_str(const char *path, const char *text);
char *ct_read(const char *path, size_t *len); /* NUL-terminated, NULL when missing */
int ct_copy(const char *src, const char *dst);
int ct_count_suffix(const char *dir, const char *suffix); /* regular files ending in suffix */
double ct_now(void);                                      /* monotonic seconds */
void ct_sleep(double seconds);

/* Run argv (argv[0] a path) with extra "NAME=value" environment entries (NULL-ended or NULL),
 * capturing stdout and stderr (malloc'd, may be NULL when not wanted). Killed after timeout_s.
 * Returns the exit code, 128 + signal when killed by one, -1 when it could not run. */
int ct_run(char *const argv[], const char *const env[], char **out, char **err, double timeout_s);
/* Start argv in the background with stdout+stderr appended to log_path (or /dev/null). */
pid_t ct_spawn(char *const argv[], const char *const env[], const char *log_path);
/* Wait for pid up to timeout_s; exit code / 128 + signal, or -2 on timeout (still running). */
int ct_wait(pid_t pid, double timeout_s);
/* SIGKILL + reap (for cleanup). */
void ct_kill(pid_t pid);

/* Start $PROCTOR_BUILD/demo_miner --port 0 --bind 127.0.0.1 plus the extra args (NULL-ended);
 * waits for "ready". Returns the pid and fills *port, or -1. */
pid_t ct_miner_start(const char *const *args, int *port);
void ct_miner_stop(pid_t pid);

/* A w x h JPEG of one colour with a little texture (malloc'd bytes), via the core's encoder. */
void *ct_jpeg(int w, int h, uint8_t r, uint8_t g, uint8_t b, unsigned salt, size_t *len);

/* Count of non-overlapping occurrences of needle in hay. */
int ct_count(const char *hay, const char *needle);

#endif
