/* test_pipeline — pipeline.yaml errors say file:line(:col) and what is wrong; a valid file
 * loads and `proctor check` prints the effective config with defaults and secrets masked. */
#include "../tap.h"
#include "ctutil.h"
#include "config/pipeline.h"

#include <stdlib.h>
#include <string.h>

static pc_registry reg;

/* Load `text` as "t.yaml"; expect failure with `where` ("t.yaml:L:" prefix) and `what`. */
static void bad(const char *title, const char *text, const char *where, const char *what)
{
    pc_pipeline p;
    char err[2048] = "";
    int rc = pc_pipeline_load_string(&p, text, "t.yaml", &reg, err, sizeof err);
    ok(rc != 0, "%s: refused", title);
    if (rc == 0) {
        pc_pipeline_free(&p);
        return;
    }
    ok(strncmp(err, where, strlen(where)) == 0, "%s: message starts with %s: %s", title, where, err);
    ok(strstr(err, what) != NULL, "%s: message says '%s'", title, what);
}

/* Like bad(), for a wording that a fixed bug once got wrong (`bug` says which). */
static void bad_fixed_bug(const char *title, const char *text, const char *where, const char *what,
                          const char *bug)
{
    pc_pipeline p;
    char err[2048] = "";
    int rc = pc_pipeline_load_string(&p, text, "t.yaml", &reg, err, sizeof err);
    ok(rc != 0, "%s: refused", title);
    if (rc == 0) {
        pc_pipeline_free(&p);
        return;
    }
    ok(strncmp(err, where, strlen(where)) == 0, "%s: message starts with %s: %s", title, where, err);
    ok(strstr(err, what) != NULL, "%s: message says '%s' (%s)", title, what, bug);
}

static const char *valid =
    "# a valid pipeline\n"
    "cache:\n"
    "  root: /tmp/proctor-never-created\n"
    "  real_budget: 2GiB\n"
    "challenge:\n"
    "  interval: 90s\n"
    "  on_empty: skip\n"
    "miners:\n"
    "  sample_size: 4\n"
    "sources:\n"
    "  - name: photos\n"
    "    plugin: local_folder\n"
    "    path: /tmp\n"
    "    interval: 15m\n"
    "  - name: hub\n"
    "    plugin: natix\n"
    "    token: hf_CT_SECRET_value_1234\n"
    "scorers:\n"
    "  - plugin: natix\n";

int main(void)
{
    pc_registry_init(&reg);
    bad("bad indentation",
        "challenge:\n"
        "  interval: 5s\n"
        " steps: 3\n",
        "t.yaml:3:", "");
    bad("tab-broken mapping",
        "cache:\n"
        "  root: /x\n"
        "    real_budget: 1GiB\n",
        "t.yaml:3:", "");
    bad("unknown key in a core section",
        "cache:\n"
        "  root: /x\n"
        "challenge:\n"
        "  intervl: 5s\n",
        "t.yaml:4:3:", "unknown key 'intervl' in challenge");
    bad_fixed_bug("unknown key in a plugin instance",
        "sources:\n"
        "  - name: photos\n"
        "    plugin: local_folder\n"
        "    path: /tmp\n"
        "    recursiv: false\n",
        "t.yaml:5:5:", "unknown key 'recursiv' in sources instance 'photos' (plugin local_folder)",
        "core/pipeline.c load_instance: the core-key pass reports a plugin key typo and lists only "
        "the core keys; validate the plugin's keys first");
    bad("duration that is not one",
        "challenge:\n"
        "  steps: 3\n"
        "  interval: abc\n",
        "t.yaml:3:13:", "'interval' must be");
    bad("integer that is not one",
        "miners:\n"
        "  sample_size: ten\n",
        "t.yaml:2:16:", "got 'ten'");
    bad("plugin key of the wrong type",
        "sources:\n"
        "  - {name: photos, plugin: local_folder, path: /tmp,\n"
        "     recursive: perhaps}\n",
        "t.yaml:3:", "'recursive' must be");
    bad("unknown plugin name",
        "cache: {root: /x}\n"
        "scorers:\n"
        "  - plugin: natixx\n",
        "t.yaml:3:13:", "unknown scorer plugin 'natixx'");
    bad("duplicate instance name",
        "sources:\n"
        "  - {name: a, plugin: local_folder, path: /tmp}\n"
        "  - {name: b, plugin: local_folder, path: /tmp}\n"
        "  - {name: a, plugin: local_folder, path: /tmp}\n",
        "t.yaml:4:", "duplicate instance name 'a' (first at line 2)");
    bad("unknown section",
        "cache: {root: /x}\n"
        "\n"
        "chalenge:\n"
        "  steps: 1\n",
        "t.yaml:3:1:", "unknown section 'chalenge'");
    bad("on_empty with a bad value",
        "challenge:\n"
        "  steps: 1\n"
        "  on_empty: wait\n",
        "t.yaml:3:", "must be one of skip | fallback, got 'wait'");
    bad("required plugin key missing",
        "sources:\n"
        "  - name: photos\n"
        "    plugin: local_folder\n",
        "t.yaml:2:", "needs 'path'");

    /* the valid one */
    pc_pipeline p;
    char err[2048] = "";
    int rc = pc_pipeline_load_string(&p, valid, "valid.yaml", &reg, err, sizeof err);
    ok(rc == 0, "the valid pipeline loads (%s)", err);
    if (rc == 0) {
        is_int(p.instance_count, 3, "3 instances");
        is_double(pc_settings_double(&p.challenge, "interval"), 90, 0, "interval 90s");
        is_int(pc_settings_int(&p.cache, "real_budget"), 2LL << 30, "real_budget 2GiB in bytes");
        is_int(pc_settings_int(&p.miners, "sample_size"), 4, "sample_size");
        is_int(pc_settings_int(&p.challenge, "jpeg_quality"), 75, "default jpeg_quality filled in");
        const pc_instance *ph = pc_pipeline_find(&p, "photos");
        ok(ph && pc_settings_double(&ph->core, "interval") == 900, "source interval 15m = 900 s");
        ok(pc_pipeline_find(&p, "natix") != NULL, "an unnamed instance is named after its plugin");
        pc_pipeline_free(&p);
    }
    pc_registry_free(&reg);

    /* proctor check */
    char *tmp = ct_tmpdir("pipeline");
    char *good = ct_path(tmp, "pipeline.yaml"), *broken = ct_path(tmp, "broken.yaml");
    ct_write_str(good, valid);
    ct_write_str(broken, "challenge:\n  interval: 5s\n  sample_size: 3\n");
    char *exe = ct_build_path("proctor");
    char *argv[] = {exe, "check", "-c", good, NULL};
    char *out = NULL, *errout = NULL;
    rc = ct_run(argv, NULL, &out, &errout, 60);
    is_int(rc, 0, "proctor check on a valid file exits 0");
    out = out ? out : strdup("");
    errout = errout ? errout : strdup("");
    ok(strstr(out, "interval: 90s") != NULL, "effective config shows the given interval");
    ok(strstr(out, "jpeg_quality: 75   # JPEG quality of the image sent to miners (default)") != NULL,
       "and defaults, marked as such");
    ok(strstr(out, "path: \"/tmp\"") != NULL, "and plugin keys");
    ok(strstr(out, "token: \"***\"") != NULL, "the secret token is printed as ***");
    ok(!strstr(out, "CT_SECRET") && !strstr(errout, "CT_SECRET"), "the secret value appears nowhere");
    ok(strstr(errout, "ok (3 plugin instances)") != NULL, "stderr says ok");
    if (tap_failed_) diag("stdout:\n%s\nstderr:\n%s", out, errout);
    free(out);
    free(errout);
    argv[3] = broken;
    rc = ct_run(argv, NULL, &out, &errout, 60);
    is_int(rc, 2, "proctor check on a bad file exits 2");
    ok(errout && strstr(errout, "broken.yaml:3:3: unknown key 'sample_size' in challenge"),
       "and prints file:line:col and the problem: %s", errout ? errout : "");
    free(out);
    free(errout);
    ct_rmtree(tmp);
    free(tmp);
    free(good);
    free(broken);
    free(exe);
    return done_testing();
}
