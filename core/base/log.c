/* log.c — see log.h. */
#include "base/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static proctor_log_level min_level = PROCTOR_LOG_INFO;
static int level_from_env_done;
static char line_prefix[64];

static const char *level_name(proctor_log_level level)
{
    switch (level) {
    case PROCTOR_LOG_TRACE: return "TRACE";
    case PROCTOR_LOG_DEBUG: return "DEBUG";
    case PROCTOR_LOG_INFO: return "INFO";
    case PROCTOR_LOG_SUCCESS: return "SUCCESS";
    case PROCTOR_LOG_WARNING: return "WARNING";
    case PROCTOR_LOG_ERROR: return "ERROR";
    }
    return "INFO";
}

int pc_log_parse_level(const char *name, proctor_log_level *out)
{
    static const struct { const char *name; proctor_log_level level; } names[] = {
        {"trace", PROCTOR_LOG_TRACE},     {"debug", PROCTOR_LOG_DEBUG},
        {"info", PROCTOR_LOG_INFO},       {"success", PROCTOR_LOG_SUCCESS},
        {"warning", PROCTOR_LOG_WARNING}, {"warn", PROCTOR_LOG_WARNING},
        {"error", PROCTOR_LOG_ERROR},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].name) == 0) {
            *out = names[i].level;
            return 0;
        }
    return -1;
}

static void level_from_env(void)
{
    if (level_from_env_done) return;
    level_from_env_done = 1;
    const char *env = getenv("PROCTOR_LOG");
    if (env) pc_log_parse_level(env, &min_level);
}

void pc_log_set_level(proctor_log_level level)
{
    level_from_env_done = 1;
    min_level = level;
}

proctor_log_level pc_log_level(void)
{
    level_from_env();
    return min_level;
}

void pc_log_set_prefix(const char *prefix)
{
    snprintf(line_prefix, sizeof line_prefix, "%s", prefix ? prefix : "");
}

void pc_vlog(proctor_log_level level, const char *who, const char *fmt, va_list ap)
{
    level_from_env();
    if (level < min_level) return;
    char line[4096];
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    int n = (int)strftime(line, sizeof line, "%Y-%m-%d %H:%M:%S", &tm);
    n += snprintf(line + n, sizeof line - (size_t)n, ".%03d | %7s | ", (int)(tv.tv_usec / 1000),
                  level_name(level));
    if (line_prefix[0] && n < (int)sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, "[%s] ", line_prefix);
    if (who && who[0] && n < (int)sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, "%s: ", who);
    if (n < (int)sizeof line) n += vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    if (n > (int)sizeof line - 2) n = (int)sizeof line - 2;
    line[n++] = '\n';
    /* stderr is unbuffered; a single write keeps lines whole across processes */
    ssize_t w = write(STDERR_FILENO, line, (size_t)n);
    (void)w;
}

void pc_log(proctor_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pc_vlog(level, NULL, fmt, ap);
    va_end(ap);
}
