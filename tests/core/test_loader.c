/* test_loader — the plugin loader refuses bad shared objects one by one, each refusal naming the
 * file and its own reason, and still loads the good ones; `proctor plugins` shows both. */
#include "ctutil.h"
#include "loader/loader.h"
#include "../tap.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static char dir[PATH_MAX];

/* Load dir/name; expect a refusal whose message names the file and contains `reason`. */
static void refused(pc_registry *reg, const char *name, const char *reason)
{
    char *path = ct_path(dir, name), err[1024] = "";
    const pc_plugin *p = pc_registry_load_file(reg, path, err, sizeof err);
    ok(p == NULL, "%s is refused", name);
    ok(strstr(err, path) != NULL, "%s: the message names the file: %s", name, err);
    ok(strstr(err, reason) != NULL, "%s: the reason says '%s'", name, reason);
    free(path);
}

static int has_refusal(const pc_registry *reg, const char *name, const char *reason)
{
    for (size_t i = 0; i < reg->refused_count; i++)
        if (strstr(reg->refused[i].path, name) && strstr(reg->refused[i].reason, reason)) return 1;
    return 0;
}

int main(void)
{
    char *pd = ct_build_path("tests-plugins");
    if (!realpath(pd, dir)) {
        diag("%s missing: build the test plugins (make ... test_loader's DEPS)", pd);
        ok(0, "test plugins are built");
        return done_testing();
    }
    free(pd);

    pc_registry reg;
    pc_registry_init(&reg);
    char abi[64];
    snprintf(abi, sizeof abi, "this core speaks %d.%d", PROCTOR_ABI_MAJOR, PROCTOR_ABI_MINOR);
    refused(&reg, "ct_badabi.so", "built for ABI 99.0");
    refused(&reg, "ct_badabi.so", abi); /* asked again: the recorded reason comes back */
    refused(&reg, "ct_norefresh.so", "missing required op 'refresh'");
    refused(&reg, "ct_notplugin.so", "not a proctor plugin");
    refused(&reg, "no_such_plugin.so", "not found");

    /* the good one still loads after all those refusals */
    char *good_path = ct_path(dir, "ct_good.so"), err[1024] = "";
    const pc_plugin *good = pc_registry_load_file(&reg, good_path, err, sizeof err);
    ok(good != NULL, "ct_good.so loads after the refusals (%s)", err);
    if (good) {
        is_str(good->desc->name, "ct_good", "descriptor name");
        is_int(good->desc->kind, PROCTOR_KIND_SOURCE, "descriptor kind");
        ok(good->handle != NULL, "dlopen handle kept");
    }
    const pc_plugin *again = pc_registry_get(&reg, PROCTOR_KIND_SOURCE, good_path, err, sizeof err);
    ok(again == good && good, "getting it by path returns the loaded plugin");
    again = pc_registry_get(&reg, PROCTOR_KIND_SOURCE, "ct_good", err, sizeof err);
    ok(again == good && good, "getting it by name returns the loaded plugin");
    err[0] = 0;
    ok(pc_registry_get(&reg, PROCTOR_KIND_SCORER, good_path, err, sizeof err) == NULL,
       "a source asked for as a scorer is refused");
    ok(strstr(err, "not a scorer") != NULL, "  and the message says so: %s", err);
    err[0] = 0;
    ok(pc_registry_get(&reg, PROCTOR_KIND_SOURCE, "ct_nonexistent", err, sizeof err) == NULL,
       "unknown plugin name");
    ok(strstr(err, "ct_nonexistent") != NULL, "  message names it: %s", err);

    /* a second file declaring the same name */
    refused(&reg, "zz_dup.so", "duplicate source plugin name 'ct_good'");
    char *dup = ct_path(dir, "zz_dup.so");
    err[0] = 0;
    pc_registry_load_file(&reg, dup, err, sizeof err);
    ok(strstr(err, good_path) != NULL, "the duplicate's message names the first file too: %s", err);
    free(dup);
    ok(has_refusal(&reg, "ct_badabi.so", "ABI 99.0") && has_refusal(&reg, "ct_norefresh.so", "refresh") &&
           has_refusal(&reg, "ct_notplugin.so", "not a proctor plugin") &&
           has_refusal(&reg, "no_such_plugin.so", "not found") && has_refusal(&reg, "zz_dup.so", "duplicate"),
       "every refusal is recorded in the registry");
    size_t loaded = reg.count;
    is_int(loaded, 1, "exactly one plugin loaded");
    pc_registry_free(&reg);

    /* `proctor plugins` with the test directory first in the path */
    char *exe = ct_build_path("proctor"), *env_path = ct_fmt("PROCTOR_PLUGIN_PATH=%s", dir);
    const char *env[] = {env_path, NULL};
    char *argv[] = {exe, "plugins", NULL};
    char *out = NULL, *errout = NULL;
    int rc = ct_run(argv, env, &out, &errout, 60);
    is_int(rc, 0, "proctor plugins exits 0");
    out = out ? out : strdup("");
    char *line_good = ct_fmt("ct_good        0.0.1    ABI %d.%d  %s", PROCTOR_ABI_MAJOR, PROCTOR_ABI_MINOR, good_path);
    ok(strstr(out, line_good) != NULL, "lists ct_good with version, ABI and file");
    char *want[] = {ct_fmt("refused    %s/ct_badabi.so: built for ABI 99.0", dir),
                    ct_fmt("refused    %s/ct_norefresh.so: missing required op 'refresh'", dir),
                    ct_fmt("refused    %s/ct_notplugin.so: not a proctor plugin", dir),
                    ct_fmt("refused    %s/zz_dup.so: duplicate source plugin name 'ct_good'", dir)};
    for (size_t i = 0; i < 4; i++) {
        ok(strstr(out, want[i]) != NULL, "prints \"%s\"", want[i]);
        free(want[i]);
    }
    ok(strstr(out, "answer") != NULL, "lists the config keys of a plugin");
    ok(strstr(out, "local_folder") != NULL, "the build's own plugins are still listed");
    if (tap_failed_) diag("proctor plugins said:\n%s%s", out, errout ? errout : "");
    free(line_good);
    free(out);
    free(errout);
    free(env_path);
    free(exe);
    free(good_path);
    return done_testing();
}
