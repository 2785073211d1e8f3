/* test_operator — one validation pass (whatever `check` accepts `run` accepts: the same verdict,
 * exit 2 and file:line:col for each bad config), the state_dir lock, SIGHUP, plugin paths
 * relative to the YAML file, and `proctor plugins -c`. */
#include "../tap.h"
#include "ctutil.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *exe, *tmp;

static int proctor(char **out, char **err, const char *const *env, const char *a1, const char *a2,
                   const char *a3, const char *a4, const char *a5)
{
    char *argv[] = {exe, (char *)a1, (char *)a2, (char *)a3, (char *)a4, (char *)a5, NULL};
    char *o = NULL, *e = NULL;
    int rc = ct_run(argv, env, &o, &e, 60);
    *out = o ? o : strdup("");
    *err = e ? e : strdup("");
    return rc;
}

/* A pipeline around one changed part; the base is a valid one with no miners and a long interval. */
static char *pipeline(const char *name, const char *body)
{
    char *path = ct_path(tmp, name);
    char *text = ct_fmt("cache: {root: \"%s/cache\"}\n"
                        "challenge:\n  state_dir: \"%s/state-%s\"\n  interval: 1h\n%s",
                        tmp, tmp, name, body);
    ct_write_str(path, text);
    free(text);
    return path;
}

typedef struct config_case {
    const char *title, *body, *where, *what;
} config_case;

int main(void)
{
    exe = ct_build_path("proctor");
    tmp = ct_tmpdir("operator");
    const char *noenv[] = {"PROCTOR_CONFIG=", "PROCTOR_LOG=", NULL};
    char *out, *err;

    /* ---- 1. the same verdict from check and run ------------------------------------------ */
    char *garbage = ct_path(tmp, "garbage.json");
    ct_write_str(garbage, "{\"neurons\": [ {\"uid\": 1, \"hotkey\": ");
    char *garbage_body = ct_fmt("miners:\n  metagraph: \"%s\"\nscorers:\n  - {plugin: natix}\n", garbage);
    char *missing_body = ct_fmt("miners:\n  metagraph: \"%s/nope.json\"\nscorers:\n  - {plugin: natix}\n", tmp);
    const config_case cases[] = {
        {"scorer weight -1", "scorers:\n  - {plugin: natix, weight: -1}\n", ".yaml:6:29:", "must be at least 0"},
        {"augment.cs with one value", "augment:\n  cs: [0.1]\nscorers:\n  - {plugin: natix}\n", ".yaml:6:7:",
         "must be at least 5 items"},
        {"augment.cs not a number", "augment:\n  cs: [0.4, 0.3, x, 0.1, 0]\nscorers:\n  - {plugin: natix}\n",
         ".yaml:6:7:", "'x' is not a number"},
        {"miners.sample_size -3", "miners:\n  sample_size: -3\nscorers:\n  - {plugin: natix}\n", ".yaml:6:16:",
         "must be at least 1"},
        {"miners.sample_size 0", "miners:\n  sample_size: 0\nscorers:\n  - {plugin: natix}\n", ".yaml:6:16:",
         "must be at least 1"},
        {"a malformed metagraph file", garbage_body, ".yaml:6:14:", "miners.metagraph"},
        {"a missing metagraph file", missing_body, ".yaml:6:14:", "nope.json"},
        {"an inline hotkey with a bad SS58 checksum",
         "miners:\n  neurons:\n    - {uid: 1, hotkey: 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ, ip: 127.0.0.1, port: 1}\n"
         "scorers:\n  - {plugin: natix}\n",
         ".yaml:7:7:", "not a valid SS58 address"},
        {"no scorer", "sources: []\n", ".yaml", "no scorer configured"},
        {"crop_scale_min above max", "augment: {crop_scale_min: 0.9, crop_scale_max: 0.5}\nscorers:\n  - {plugin: natix}\n",
         ".yaml:5:27:", "crop_scale_min (0.9) is above crop_scale_max (0.5)"},
        {"fake_prob 1.5", "challenge2: 1\n", ".yaml:5:1:", "unknown section"},
        {"log level bogus", "log: {level: loud}\nscorers:\n  - {plugin: natix}\n", ".yaml:5:14:", "must be one of"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "case%zu.yaml", i);
        char *yaml = pipeline(name, cases[i].body);
        int rc_check = proctor(&out, &err, noenv, "check", "-q", "-c", yaml, NULL);
        char *check_err = err;
        free(out);
        int rc_run = proctor(&out, &err, noenv, "run", "-n", "1", "-c", yaml);
        is_int(rc_check, 2, "%s: check exits 2", cases[i].title);
        is_int(rc_run, 2, "%s: run exits 2 too", cases[i].title);
        char where[64];
        snprintf(where, sizeof where, "%s%s", name, cases[i].where + 5);
        ok(strstr(check_err, where) && strstr(check_err, cases[i].what), "%s: check says %s ... %s: %s",
           cases[i].title, where, cases[i].what, check_err);
        ok(strstr(err, where) && strstr(err, cases[i].what), "%s: run says the same: %s", cases[i].title, err);
        free(check_err), free(out), free(err), free(yaml);
    }
    free(garbage_body), free(missing_body), free(garbage);

    char *good = pipeline("good.yaml", "scorers:\n  - {plugin: natix}\n");
    is_int(proctor(&out, &err, noenv, "check", "-q", "-c", good, NULL), 0, "a good pipeline: check exits 0");
    free(out), free(err);
    is_int(proctor(&out, &err, noenv, "run", "-n", "abc", "-c", good), 2, "run -n abc exits 2");
    ok(strstr(err, "-n wants a number"), "and says what -n wants: %s", err);
    free(out), free(err);
    const char *bogus[] = {"PROCTOR_CONFIG=", "PROCTOR_LOG=bogus", NULL};
    is_int(proctor(&out, &err, bogus, "check", "-c", good, NULL, NULL), 2, "PROCTOR_LOG=bogus exits 2");
    ok(strstr(err, "PROCTOR_LOG=bogus is not a log level"), "and names the variable: %s", err);
    free(out), free(err);

    /* ---- 2. one state directory, one validator; SIGHUP stops cleanly ---------------------- */
    char *log1 = ct_path(tmp, "run1.log");
    char *argv1[] = {exe, "run", "-c", good, NULL};
    pid_t first = ct_spawn(argv1, noenv, log1);
    char *lock = ct_fmt("%s/state-good.yaml/lock", tmp), *text = NULL;
    for (double end = ct_now() + 15; ct_now() < end; ct_sleep(0.05)) {
        free(text);
        text = ct_read(lock, NULL);
        if (text && atoi(text) == first) break;
    }
    ok(text && atoi(text) == first, "the running validator holds state_dir/lock with its pid (%d)", (int)first);
    free(text);
    double t0 = ct_now();
    int rc = proctor(&out, &err, noenv, "run", "-c", good, NULL, NULL);
    is_int(rc, 1, "a second run on the same state_dir refuses");
    char pidtext[32];
    snprintf(pidtext, sizeof pidtext, "(pid %d)", (int)first);
    ok(strstr(err, "in use by another proctor") && strstr(err, pidtext), "and names the holder: %s", err);
    ok(ct_now() - t0 < 10, "at once (%.1f s)", ct_now() - t0);
    free(out), free(err);
    kill(first, SIGHUP);
    rc = ct_wait(first, 15);
    is_int(rc, 0, "SIGHUP: the validator exits 0");
    if (rc == -2) ct_kill(first);
    char *logtext = ct_read(log1, NULL);
    ok(logtext && strstr(logtext, "INFO | stopping"), "SIGHUP: and logs the clean `stopping` line");
    ok(logtext && strstr(logtext, "no wallet configured: requests go out unsigned"), "run warned that requests go unsigned");
    if (tap_failed_) diag("run log:\n%s", logtext ? logtext : "");
    free(logtext);
    /* the same state_dir, no interval to wait out for a first image */
    char *again = ct_path(tmp, "again.yaml");
    text = ct_fmt("cache: {root: \"%s/cache\"}\nchallenge:\n  state_dir: \"%s/state-good.yaml\"\n  interval: 0s\n"
                  "scorers:\n  - {plugin: natix}\n", tmp, tmp);
    ct_write_str(again, text);
    free(text);
    rc = proctor(&out, &err, noenv, "run", "-n", "1", "-c", again);
    is_int(rc, 0, "after it stopped the lock is free again (%s)", err);
    free(again);
    free(out), free(err);

    /* ---- 3. plugin paths relative to the YAML file; plugins -c ---------------------------- */
    char *sub = ct_path(tmp, "conf"), *plugdir = ct_path(tmp, "conf/plug");
    ct_write_str(sub, ""), unlink(sub);
    char *mk = ct_fmt("mkdir -p '%s' && cp '%s/plugins/local_folder.so' '%s/my_folder.so'", plugdir, ct_build(), plugdir);
    ok(system(mk) == 0, "a copy of local_folder.so next to a pipeline");
    free(mk);
    char *rel = ct_path(sub, "rel.yaml");
    text = ct_fmt("cache: {root: \"%s/cache\"}\nchallenge: {state_dir: \"%s/state-rel\"}\n"
                  "sources:\n  - {name: mine, plugin: plug/my_folder.so, path: /tmp}\nscorers:\n  - {plugin: natix}\n",
                  tmp, tmp);
    ct_write_str(rel, text);
    free(text);
    const char *elsewhere[] = {"PROCTOR_CONFIG=", "PROCTOR_LOG=", NULL};
    rc = proctor(&out, &err, elsewhere, "check", "-q", "-c", rel, NULL);
    is_int(rc, 0, "plug/my_folder.so is found relative to the YAML, not the working directory (%s)", err);
    ok(strstr(err, "shadows the one of the same name"), "and a warning names the built-in it shadows: %s", err);
    free(out), free(err);
    rc = proctor(&out, &err, elsewhere, "plugins", "-c", rel, NULL, NULL);
    is_int(rc, 0, "plugins -c exits 0");
    ok(strstr(out, "conf/plug/my_folder.so"), "plugins -c lists the plugin the file names by path");
    free(out), free(err);

    free(rel), free(sub), free(plugdir), free(log1), free(lock), free(good);
    ct_rmtree(tmp);
    free(tmp);
    free(exe);
    return done_testing();
}
