/* supervisor.c — see supervisor.h. */
#include "run/supervisor.h"
#include "base/clock.h"
#include "base/fsutil.h"
#include "base/log.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BACKOFF_MIN 1.0
#define BACKOFF_MAX 300.0
#define HEALTHY_AFTER 60.0 /* a worker that ran this long restarts at once */

int pc_supervisor_init(pc_supervisor *s, const pc_pipeline *p, const char *config_path,
                       const char *status_path, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    char exe[PATH_MAX];
    if (pc_self_exe(exe, sizeof exe) != 0)
        return snprintf(err, errlen, "cannot find my own executable: %s", strerror(errno)), -1;
    s->exe = strdup(exe);
    s->config_path = realpath(config_path, NULL);
    if (!s->config_path) s->config_path = strdup(config_path);
    s->status_path = status_path ? strdup(status_path) : NULL;
    s->children = calloc(p->instance_count ? p->instance_count : 1, sizeof *s->children);
    if (!s->exe || !s->config_path || !s->children) return snprintf(err, errlen, "out of memory"), -1;
    for (size_t i = 0; i < p->instance_count; i++) {
        const pc_instance *in = &p->instances[i];
        if (in->kind == PROCTOR_KIND_SCORER || !pc_settings_bool(&in->core, "enabled")) continue;
        pc_child *c = &s->children[s->count++];
        c->name = strdup(in->name);
        c->last_status = -1;
        c->backoff = BACKOFF_MIN;
        c->next_start = 0;
    }
    s->dirty = 1;
    return 0;
}

static void start_child(pc_supervisor *s, pc_child *c)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        pc_error("worker %s: fork failed: %s", c->name, strerror(errno));
        c->next_start = pc_mono_s() + c->backoff;
        return;
    }
    if (pid == 0) {
        /* a worker must not outlive a killed supervisor */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) _exit(1);
        char *argv[] = {"proctor", "worker", c->name, "-c", s->config_path, NULL};
        execv(s->exe, argv);
        _exit(127);
    }
    c->pid = pid;
    c->starts++;
    c->started_at = pc_mono_s();
    s->dirty = 1;
    pc_info("worker %s started (pid %d%s)", c->name, (int)pid, c->starts > 1 ? ", restart" : "");
}

static void describe_exit(int status, char *buf, size_t len)
{
    if (WIFEXITED(status)) snprintf(buf, len, "exited with code %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else snprintf(buf, len, "stopped (status %d)", status);
}

static void write_status(pc_supervisor *s)
{
    if (!s->status_path) return;
    double now = pc_mono_s();
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "updated", (double)time(NULL));
    cJSON_AddNumberToObject(root, "supervisor_pid", (double)getpid());
    cJSON_AddBoolToObject(root, "stopped", s->stopped);
    cJSON *arr = cJSON_AddArrayToObject(root, "workers");
    for (size_t i = 0; i < s->count; i++) {
        const pc_child *c = &s->children[i];
        cJSON *w = cJSON_CreateObject();
        cJSON_AddStringToObject(w, "name", c->name);
        cJSON_AddNumberToObject(w, "pid", c->pid);
        cJSON_AddBoolToObject(w, "running", c->pid > 0);
        cJSON_AddNumberToObject(w, "starts", c->starts);
        cJSON_AddNumberToObject(w, "uptime_s", c->pid > 0 ? now - c->started_at : 0);
        if (c->last_status >= 0) {
            char why[128];
            describe_exit(c->last_status, why, sizeof why);
            cJSON_AddStringToObject(w, "last_exit", why);
        }
        if (c->pid == 0) cJSON_AddNumberToObject(w, "restart_in_s", c->next_start > now ? c->next_start - now : 0);
        cJSON_AddItemToArray(arr, w);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    char err[256];
    if (text && pc_write_atomic(s->status_path, text, strlen(text), err, sizeof err) != 0)
        pc_warn("worker status not written: %s", err);
    free(text);
}

void pc_supervisor_tick(pc_supervisor *s)
{
    double now = pc_mono_s();
    /* per pid, so other children of this process (e.g. demo miners) are left alone */
    for (size_t i = 0; i < s->count; i++) {
        pc_child *c = &s->children[i];
        int status;
        if (c->pid <= 0 || waitpid(c->pid, &status, WNOHANG) != c->pid) continue;
        double ran = now - c->started_at;
        c->pid = 0;
        c->last_status = status;
        c->backoff = ran >= HEALTHY_AFTER ? BACKOFF_MIN
                                           : (c->starts > 1 ? c->backoff * 2 : BACKOFF_MIN);
        if (c->backoff > BACKOFF_MAX) c->backoff = BACKOFF_MAX;
        c->next_start = now + c->backoff;
        char why[128];
        describe_exit(status, why, sizeof why);
        pc_warn("worker %s %s after %.1fs; restarting in %.0fs", c->name, why, ran, c->backoff);
        s->dirty = 1;
    }
    for (size_t i = 0; i < s->count; i++)
        if (s->children[i].pid == 0 && now >= s->children[i].next_start) start_child(s, &s->children[i]);
    if (s->dirty) {
        write_status(s);
        s->dirty = 0;
    }
}

void pc_supervisor_stop(pc_supervisor *s, double grace)
{
    for (size_t i = 0; i < s->count; i++)
        if (s->children[i].pid > 0) kill(s->children[i].pid, SIGTERM);
    double end = pc_mono_s() + grace;
    for (;;) {
        int alive = 0;
        for (size_t i = 0; i < s->count; i++) {
            pc_child *c = &s->children[i];
            if (c->pid <= 0) continue;
            int status;
            pid_t r = waitpid(c->pid, &status, WNOHANG);
            if (r == c->pid || (r < 0 && errno == ECHILD)) {
                c->last_status = r == c->pid ? status : -1;
                c->pid = 0;
            } else {
                alive++;
            }
        }
        if (!alive) break;
        if (pc_mono_s() > end) {
            for (size_t i = 0; i < s->count; i++)
                if (s->children[i].pid > 0) {
                    pc_warn("worker %s did not stop in %.0fs; killing it", s->children[i].name, grace);
                    kill(s->children[i].pid, SIGKILL);
                    waitpid(s->children[i].pid, NULL, 0);
                    s->children[i].pid = 0;
                }
            break;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    s->stopped = 1;
    write_status(s);
}

void pc_supervisor_free(pc_supervisor *s)
{
    for (size_t i = 0; i < s->count; i++) free(s->children[i].name);
    free(s->children);
    free(s->exe);
    free(s->config_path);
    free(s->status_path);
    memset(s, 0, sizeof *s);
}
