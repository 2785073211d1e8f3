/* health.c — see health.h. */
#include "run/health.h"
#include "base/fsutil.h"
#include "base/log.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void health_path(const char *state_dir, const char *name, char *out, size_t len)
{
    snprintf(out, len, "%s/workers/%s.json", state_dir, name);
}

void pc_health_report(const char *state_dir, const char *name, pc_health_state state,
                      const char *error, double retry_in_s)
{
    if (!state_dir || !name) return;
    char dir[PATH_MAX], path[PATH_MAX], err[256];
    snprintf(dir, sizeof dir, "%s/workers", state_dir);
    if (pc_mkdirs(dir) != 0) return;
    health_path(state_dir, name, path, sizeof path);
    double now = (double)time(NULL);
    cJSON *o = cJSON_CreateObject();
    if (!o) return;
    static const char *const names[] = {"ok", "retrying", "failed"};
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddNumberToObject(o, "pid", (double)getpid());
    cJSON_AddStringToObject(o, "state", names[state]);
    cJSON_AddNumberToObject(o, "time", now);
    if (error && error[0]) cJSON_AddStringToObject(o, "last_error", error);
    if (retry_in_s >= 0) cJSON_AddNumberToObject(o, "retry_at", now + retry_in_s);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (text && pc_write_atomic(path, text, strlen(text), err, sizeof err) != 0)
        pc_debug("worker health not written: %s", err);
    free(text);
}

void pc_health_describe(const char *state_dir, const char *name, double now, char *out, size_t len)
{
    char path[PATH_MAX];
    out[0] = 0;
    health_path(state_dir, name, path, sizeof path);
    char *text = pc_read_file(path, 64 * 1024, NULL);
    cJSON *o = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (!o) return;
    const cJSON *state = cJSON_GetObjectItem(o, "state"), *e = cJSON_GetObjectItem(o, "last_error");
    const cJSON *retry = cJSON_GetObjectItem(o, "retry_at"), *t = cJSON_GetObjectItem(o, "time");
    const char *st = cJSON_IsString(state) ? state->valuestring : "?";
    int n = snprintf(out, len, "%s", st);
    if (cJSON_IsString(e) && n >= 0 && (size_t)n < len) n += snprintf(out + n, len - (size_t)n, ": %s", e->valuestring);
    if (cJSON_IsNumber(retry) && n >= 0 && (size_t)n < len) {
        double in = retry->valuedouble - now;
        n += snprintf(out + n, len - (size_t)n, in > 0 ? ", retry in %.0f s" : ", retry due", in);
    }
    if (cJSON_IsNumber(t) && n >= 0 && (size_t)n < len)
        snprintf(out + n, len - (size_t)n, " (%.0f s ago)", now - t->valuedouble);
    cJSON_Delete(o);
}
