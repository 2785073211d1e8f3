/* log.h — log lines in bittensor's shape: "2026-01-01 12:00:00.000 | INFO | message".
 * Thread-safe; one write(2) per line so lines from worker processes never interleave. */
#ifndef PC_LOG_H
#define PC_LOG_H

#include "proctor.h"
#include <stdarg.h>

/* Lines below this level are dropped. Default INFO; PROCTOR_LOG=debug|trace|warning|error. */
void pc_log_set_level(proctor_log_level level);
proctor_log_level pc_log_level(void);
int pc_log_parse_level(const char *name, proctor_log_level *out);
/* Prefix every line with "[prefix] " (used by worker processes: the instance name). */
void pc_log_set_prefix(const char *prefix);

void pc_log(proctor_log_level level, const char *fmt, ...) PROCTOR_PRINTF(2, 3);
void pc_vlog(proctor_log_level level, const char *who, const char *fmt, va_list ap);

#define pc_debug(...) pc_log(PROCTOR_LOG_DEBUG, __VA_ARGS__)
#define pc_info(...) pc_log(PROCTOR_LOG_INFO, __VA_ARGS__)
#define pc_success(...) pc_log(PROCTOR_LOG_SUCCESS, __VA_ARGS__)
#define pc_warn(...) pc_log(PROCTOR_LOG_WARNING, __VA_ARGS__)
#define pc_error(...) pc_log(PROCTOR_LOG_ERROR, __VA_ARGS__)

#endif
