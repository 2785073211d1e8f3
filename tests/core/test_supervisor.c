/* test_supervisor — `proctor run --no-loop` keeps producer workers alive: a worker that aborts at
 * once is restarted with exponential backoff (1, 2, 4 s), a killed healthy worker comes back
 * within seconds, and SIGTERM stops everything with exit 0. Reads <state_dir>/workers.json. */
#include "../tap.h"
#include "ctutil.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* pid and starts of worker `name` from workers.json; 0 when absent. */
static int worker_info(const char *status_path, const char *name, int *pid, int *starts, char *last, size_t lastlen)
{
    char *text = ct_read(status_path, NULL);
    cJSON *doc = text ? cJSON_Parse(text) : NULL;
    free(text);
    const cJSON *w;
    int found = 0;
    cJSON_ArrayForEach(w, cJSON_GetObjectItem(doc, "workers"))
    {
        const cJSON *n = cJSON_GetObjectItem(w, "name");
        if (!cJSON_IsString(n) || strcmp(n->valuestring, name)) continue;
        *pid = cJSON_GetObjectItem(w, "pid") ? cJSON_GetObjectItem(w, "pid")->valueint : 0;
        *starts = cJSON_GetObjectItem(w, "starts") ? cJSON_GetObjectItem(w, "starts")->valueint : 0;
        const cJSON *l = cJSON_GetObjectItem(w, "last_exit");
        if (last) snprintf(last, lastlen, "%s", cJSON_IsString(l) ? l->valuestring : "");
        found = 1;
    }
    cJSON_Delete(doc);
    return found;
}

static pid_t start_run(const char *exe, const char *yaml, const char *log)
{
    char *argv[] = {(char *)exe, "run", "--no-loop", "-c", (char *)yaml, NULL};
    const char *env[] = {"PROCTOR_PLUGIN_PATH=", NULL};
    return ct_spawn(argv, env, log);
}

static void stop_run(pid_t pid, const char *what)
{
    kill(pid, SIGTERM);
    double t0 = ct_now();
    int rc = ct_wait(pid, 12);
    is_int(rc, 0, "%s: proctor run exits 0 on SIGTERM", what);
    ok(rc != -2 && ct_now() - t0 < 11, "%s: and within the grace time (%.1fs)", what, ct_now() - t0);
    if (rc == -2) ct_kill(pid);
}

int main(void)
{
    char *tmp = ct_tmpdir("sup");
    if (!tmp) return ok(0, "mkdtemp"), done_testing();
    char *exe = ct_build_path("proctor"), *crash = ct_build_path("tests-plugins/ct_crash.so");
    char *log = ct_path(tmp, "run.log");

    /* 1. a worker that aborts at once */
    char *yaml = ct_path(tmp, "crash.yaml"), *status = ct_fmt("%s/state/workers.json", tmp);
    char *text = ct_fmt("cache: {root: \"%s/cache\"}\nchallenge: {state_dir: \"%s/state\"}\n"
                        "sources:\n  - {name: crashy, plugin: \"%s\", interval: 1h}\n",
                        tmp, tmp, crash);
    ct_write_str(yaml, text);
    free(text);
    pid_t run = start_run(exe, yaml, log);
    /* poll until the third start: with backoff 1 s then 2 s it cannot come before ~3 s */
    int pid = 0, starts = 0, listed = 0;
    char last[160] = "";
    double t0 = ct_now(), third = -1;
    for (double end = t0 + 15; ct_now() < end && third < 0; ct_sleep(0.05)) {
        listed |= worker_info(status, "crashy", &pid, &starts, last, sizeof last);
        if (starts >= 3) third = ct_now() - t0;
    }
    ok(third >= 2.5 && third < 12, "backoff: the third start came after %.1f s (1 s + 2 s of backoff, "
                                   "then the start itself)", third);
    ok(listed, "workers.json is written although state_dir did not exist yet");
    ok(ct_wait(run, 0) == -2, "proctor run itself is still running");
    stop_run(run, "crashing worker");
    char *logtext = ct_read(log, NULL);
    ok(strstr(last, "signal 6") != NULL, "last_exit says it was killed by SIGABRT: %s", last);
    ok(logtext && strstr(logtext, "worker crashy killed by signal 6") && strstr(logtext, "restarting in 2s"),
       "the log says why and when it restarts");
    if (tap_failed_) diag("log:\n%s", logtext ? logtext : "");
    free(logtext);
    free(yaml);
    free(status);

    /* 2. a healthy worker killed from outside */
    char *photos = ct_path(tmp, "empty-folder"), *state2 = ct_path(tmp, "state2");
    mkdir(photos, 0755);
    free(state2);
    yaml = ct_path(tmp, "healthy.yaml");
    status = ct_fmt("%s/state2/workers.json", tmp);
    text = ct_fmt("cache: {root: \"%s/cache\"}\nchallenge: {state_dir: \"%s/state2\"}\n"
                  "sources:\n  - {name: slow, plugin: local_folder, path: \"%s\", interval: 1h}\n",
                  tmp, tmp, photos);
    ct_write_str(yaml, text);
    free(text);
    run = start_run(exe, yaml, log);
    pid = starts = 0;
    for (double end = ct_now() + 10; ct_now() < end; ct_sleep(0.05))
        if (worker_info(status, "slow", &pid, &starts, NULL, 0) && pid > 0) break;
    ok(pid > 0 && starts == 1, "the healthy worker runs (pid %d, starts %d)", pid, starts);
    /* wait until its first refresh is done (it reports its health), not a fixed time */
    char *health = ct_fmt("%s/state2/workers/slow.json", tmp), *htext = NULL;
    for (double end = ct_now() + 10; ct_now() < end; ct_sleep(0.05)) {
        free(htext);
        if ((htext = ct_read(health, NULL)) && strstr(htext, "\"state\":\"ok\"")) break;
    }
    ok(htext && strstr(htext, "\"state\":\"ok\""), "the worker reports a good first refresh: %s", htext ? htext : "(none)");
    free(htext);
    free(health);
    int old = pid;
    if (pid > 0) kill(pid, SIGKILL);
    t0 = ct_now();
    int newpid = 0;
    for (double end = t0 + 3.0; ct_now() < end; ct_sleep(0.05))
        if (worker_info(status, "slow", &newpid, &starts, last, sizeof last) && newpid > 0 && newpid != old) break;
    ok(newpid > 0 && newpid != old, "a new worker pid appears %.1fs after SIGKILL (%d -> %d)", ct_now() - t0, old, newpid);
    is_int(starts, 2, "starts == 2");
    ok(strstr(last, "signal 9") != NULL, "last_exit records the SIGKILL: %s", last);
    stop_run(run, "healthy worker");
    ok(newpid <= 0 || kill(newpid, 0) != 0, "the worker is gone after proctor run stopped");
    free(yaml);
    free(status);

    /* 3. a worker that runs but fails every refresh: status says why and when it retries */
    char *flaky = ct_build_path("tests-plugins/ct_flaky.so");
    yaml = ct_path(tmp, "flaky.yaml");
    text = ct_fmt("cache: {root: \"%s/cache\"}\nchallenge: {state_dir: \"%s/state3\"}\n"
                  "sources:\n  - {name: flaky, plugin: \"%s\", interval: 1h}\n",
                  tmp, tmp, flaky);
    ct_write_str(yaml, text);
    free(text);
    run = start_run(exe, yaml, log);
    char *out = NULL, *serr = NULL;
    int shown = 0;
    for (double end = ct_now() + 15; ct_now() < end && !shown; ct_sleep(0.1)) {
        char *argv[] = {exe, "status", "-c", yaml, NULL};
        free(out), free(serr);
        out = serr = NULL;
        ct_run(argv, NULL, &out, &serr, 30);
        shown = out && strstr(out, "retrying: couldn't resolve host name (example.invalid), retry in");
    }
    ok(shown, "status shows the worker's last error and its next retry");
    if (!shown) diag("status:\n%s", out ? out : "");
    ok(out && strstr(out, "flaky") && strstr(out, "running"), "and that the process itself is running");
    free(out), free(serr);
    stop_run(run, "flaky worker");
    free(yaml);
    free(flaky);
    free(photos);
    ct_rmtree(tmp);
    free(log);
    free(crash);
    free(exe);
    free(tmp);
    return done_testing();
}
