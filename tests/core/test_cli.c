/* test_cli — the operator surface: --help and --version, every subcommand's --help, exit codes
 * (0 ok, 2 bad usage/config), and `proctor status` explaining an empty cache. */
#include "../tap.h"
#include "ctutil.h"

#include <stdlib.h>
#include <string.h>

static char *exe;

/* Run proctor with args (NULL-ended); returns the exit code, fills out/err (malloc'd, never NULL). */
static int proctor(char **out, char **err, const char *a1, const char *a2, const char *a3, const char *a4)
{
    char *argv[] = {exe, (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL};
    const char *env[] = {"PROCTOR_CONFIG=", NULL}; /* never the developer's own pipeline */
    char *o = NULL, *e = NULL;
    int rc = ct_run(argv, env, &o, &e, 60);
    *out = o ? o : strdup("");
    *err = e ? e : strdup("");
    return rc;
}

int main(void)
{
    exe = ct_build_path("proctor");
    char *out, *err;

    is_int(proctor(&out, &err, "--help", NULL, NULL, NULL), 0, "proctor --help exits 0");
    static const char *commands[] = {"run", "demo", "status", "check", "plugins", "worker", "exam", "generate"};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        ok(strstr(out, commands[i]) != NULL, "--help lists '%s'", commands[i]);
    free(out), free(err);

    is_int(proctor(&out, &err, "--version", NULL, NULL, NULL), 0, "proctor --version exits 0");
    ok(!strncmp(out, "proctor ", 8) && strstr(out, "plugin ABI"), "--version names the version and ABI: %s", out);
    free(out), free(err);

    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        int rc = proctor(&out, &err, commands[i], "--help", NULL, NULL);
        is_int(rc, 0, "proctor %s --help exits 0", commands[i]);
        ok(strstr(out, "usage: proctor") != NULL, "  and prints its usage on stdout");
        free(out), free(err);
    }

    is_int(proctor(&out, &err, "frobnicate", NULL, NULL, NULL), 2, "an unknown command exits 2");
    ok(strstr(err, "unknown command 'frobnicate'") != NULL, "  and says so on stderr");
    free(out), free(err);
    is_int(proctor(&out, &err, NULL, NULL, NULL, NULL), 2, "no command exits 2");
    free(out), free(err);
    is_int(proctor(&out, &err, "run", "--bogus-option", NULL, NULL), 2, "an unknown option exits 2");
    free(out), free(err);

    is_int(proctor(&out, &err, "run", "-c", "missing.yaml", NULL), 2, "run -c missing.yaml exits 2");
    ok(strstr(err, "missing.yaml: no such pipeline file") != NULL, "  with a clear message: %s", err);
    free(out), free(err);

    /* status on an empty cache: one pipeline with a source, one with nothing to fill anything */
    char *tmp = ct_tmpdir("cli");
    char *with = ct_path(tmp, "with.yaml"), *without = ct_path(tmp, "without.yaml");
    char *text = ct_fmt("cache: {root: \"%s/cache\"}\nchallenge: {state_dir: \"%s/state\"}\n"
                        "sources:\n  - {name: my-photos, plugin: local_folder, path: /tmp}\n"
                        "scorers:\n  - {plugin: natix}\n",
                        tmp, tmp);
    ct_write_str(with, text);
    free(text);
    text = ct_fmt("cache: {root: \"%s/cache2\"}\nchallenge: {state_dir: \"%s/state\"}\n", tmp, tmp);
    ct_write_str(without, text);
    free(text);

    is_int(proctor(&out, &err, "status", "-c", with, NULL), 0, "status exits 0 on an empty cache");
    ok(strstr(out, "real is empty; it is filled by: my-photos") != NULL, "it names what fills the real cache");
    ok(strstr(out, "t2i is empty and nothing is configured to fill it: add a generator") != NULL,
       "and says nothing fills t2i, and what to add");
    ok(strstr(out, "i2i is empty and nothing is configured to fill it") != NULL, "same for i2i");
    ok(strstr(out, "no worker status") != NULL, "workers: says `proctor run` has not run yet");
    if (tap_failed_) diag("stdout:\n%s\nstderr:\n%s", out, err);
    free(out), free(err);

    is_int(proctor(&out, &err, "status", "-c", without, NULL), 0, "status exits 0 with nothing configured");
    ok(strstr(out, "real is empty and nothing is configured to fill it: add a source") != NULL,
       "it says nothing fills the real cache, and what to add");
    free(out), free(err);

    is_int(proctor(&out, &err, "check", "-c", "missing.yaml", NULL), 2, "check -c missing.yaml exits 2");
    free(out), free(err);
    ct_rmtree(tmp);
    free(with);
    free(without);
    free(tmp);
    free(exe);
    return done_testing();
}
