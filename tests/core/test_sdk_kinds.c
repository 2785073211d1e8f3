/* test_sdk_kinds — the SDK grows without breaking plugins: the generator and scorer examples
 * build out of tree from sdk/ alone and run in the core; a source built against the FROZEN ABI
 * 1.0 header (tests/core/sdk_1_0) loads and runs in today's core, its 4-field key table read
 * with the 1.0 stride; and the core enforces a 1.1 plugin's declared bounds with file:line:col. */
#include "../tap.h"
#include "cache/cache.h"
#include "config/pipeline.h"
#include "ctutil.h"
#include "image/image.h"
#include "plugin/instance.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char repo[PATH_MAX];

/* cc -shared the source with only `incdir` on the include path; returns the .so path or NULL. */
static char *build(const char *tmp, const char *src_rel, const char *incdir_rel, const char *name)
{
    char *so = ct_fmt("%s/%s.so", tmp, name), *src = ct_path(repo, src_rel), *inc = ct_fmt("-I%s/%s", repo, incdir_rel);
    char *argv[] = {"cc", "-shared", "-fPIC", "-std=gnu11", "-Wall", "-Wextra", "-Werror", inc, src, "-o", so, "-lm", NULL};
    char *out = NULL, *err = NULL;
    int rc = ct_run(argv, NULL, &out, &err, 120);
    is_int(rc, 0, "%s compiles with only -I %s, -Wall -Wextra -Werror", src_rel, incdir_rel);
    if (rc) diag("cc: %s%s", out ? out : "", err ? err : "");
    free(out), free(err), free(src), free(inc);
    if (rc) free(so), so = NULL;
    return so;
}

static int load(pc_registry *reg, pc_pipeline *p, const char *tmp, const char *body, char *err, size_t errlen)
{
    char *yaml = ct_fmt("cache: {root: \"%s/cache\"}\nchallenge: {state_dir: \"%s/state\"}\n%s", tmp, tmp, body);
    char *path = ct_path(tmp, "p.yaml");
    ct_write_str(path, yaml);
    int rc = pc_pipeline_load_file(p, path, reg, err, errlen);
    free(yaml), free(path);
    return rc;
}

int main(void)
{
    if (!getcwd(repo, sizeof repo)) return ok(0, "getcwd"), done_testing();
    char *tmp = ct_tmpdir("sdkkinds"), *root = ct_path(tmp, "cache");
    char *gen = build(tmp, "sdk/examples/hello_generator.c", "sdk", "hello_generator");
    char *sco = build(tmp, "sdk/examples/hello_scorer.c", "sdk", "hello_scorer");
    char *old = build(tmp, "tests/core/plugins_1_0/old_source.c", "tests/core/sdk_1_0", "old_source");
    char err[2048] = "";
    pc_registry reg;
    pc_registry_init(&reg);

    /* the frozen 1.0 source */
    pc_pipeline p;
    char *body = ct_fmt("sources:\n  - {name: old, plugin: \"%s\", count: 3, note: hello-from-1.0}\n", old ? old : "x.so");
    int loaded = old && load(&reg, &p, tmp, body, err, sizeof err) == 0;
    free(body);
    ok(loaded, "a pipeline naming the 1.0 plugin loads (%s)", err);
    if (loaded) {
        const pc_instance *in = pc_pipeline_find(&p, "old");
        ok(in && in->plugin->desc->abi_minor == 0, "the plugin says ABI 1.0");
        ok(in && !strcmp(pc_settings_string(&in->config, "note"), "hello-from-1.0") &&
               pc_settings_int(&in->config, "count") == 3,
           "both of its keys were read with the 1.0 key stride");
        pc_cache *c = pc_cache_open(root, NULL, err, sizeof err);
        pc_live live;
        proctor_status st = c ? pc_live_create(&live, in, c, NULL, err, sizeof err) : PROCTOR_FAILED;
        is_int(st, PROCTOR_OK, "create (%s)", err);
        if (st == PROCTOR_OK) {
            is_int(pc_live_refresh(&live), PROCTOR_OK, "refresh runs in today's core");
            is_int((int)pc_cache_count(c, PROCTOR_CACHE_REAL, 0), 3, "and stored its 3 images");
            pc_live_destroy(&live);
        }
        if (c) pc_cache_close(c);
        pc_pipeline_free(&p);
    }

    /* the generator example, with its bound enforced by the core */
    body = ct_fmt("generators:\n  - {name: g, plugin: \"%s\", stripes: 65}\n", gen ? gen : "x.so");
    ok(gen && load(&reg, &p, tmp, body, err, sizeof err) != 0 && strstr(err, "p.yaml:4:") &&
           strstr(err, "'stripes'") && strstr(err, "must be at most 64"),
       "stripes: 65 is refused by the declared bound, with file:line:col: %s", err);
    free(body);
    body = ct_fmt("generators:\n  - {name: g, plugin: \"%s\", stripes: 4}\n", gen ? gen : "x.so");
    loaded = gen && load(&reg, &p, tmp, body, err, sizeof err) == 0;
    free(body);
    ok(loaded, "the generator example loads (%s)", err);
    if (loaded) {
        pc_live live;
        proctor_status st = pc_live_create(&live, pc_pipeline_find(&p, "g"), NULL, NULL, err, sizeof err);
        is_int(st, PROCTOR_OK, "create (%s)", err);
        if (st == PROCTOR_OK) {
            proctor_generate_request req = {.size = sizeof req, .task = PROCTOR_TASK_T2I, .label = 1,
                                            .prompt = "a road", .width = 64, .height = 32, .steps = 1, .seed = 7};
            proctor_generate_result res = {.size = sizeof res};
            ok(pc_image_alloc(&res.image, 64, 32, 3, err, sizeof err) == PROCTOR_OK, "output allocated");
            is_int(pc_live_generate(&live, &req, &res), PROCTOR_OK, "generate");
            ok(!strcmp(res.model, "hello_generator/4-stripes"), "model recorded: %s", res.model);
            const unsigned char *a = res.image.pixels, *b = res.image.pixels + 3 * 16; /* stripe 0 and 1 */
            ok(memcmp(a, b, 3) != 0, "two stripes of different colours");
            proctor_generate_request i2i = req;
            i2i.task = PROCTOR_TASK_I2I;
            is_int(pc_live_generate(&live, &i2i, &res), PROCTOR_INVALID, "i2i without an init image is refused");
            ok(strstr(pc_live_error(&live, PROCTOR_INVALID), "without an init image") != NULL,
               "with the plugin's message: %s", pc_live_error(&live, PROCTOR_INVALID));
            pc_image_free(&res.image);
            pc_live_destroy(&live);
        }
        pc_pipeline_free(&p);
    }

    /* the scorer example */
    body = ct_fmt("scorers:\n  - {name: s, plugin: \"%s\", fast_s: 1s}\n", sco ? sco : "x.so");
    loaded = sco && load(&reg, &p, tmp, body, err, sizeof err) == 0;
    free(body);
    ok(loaded, "the scorer example loads (%s)", err);
    if (loaded) {
        pc_live live;
        proctor_status st = pc_live_create(&live, pc_pipeline_find(&p, "s"), NULL, NULL, err, sizeof err);
        is_int(st, PROCTOR_OK, "create (%s)", err);
        if (st == PROCTOR_OK) {
            proctor_challenge ch = {.id = 1, .label = 1, .kind = "real", .time = 0};
            proctor_response r[3] = {{1, "a", 0.9, 0.5}, {2, "b", 0.9, 10.0}, {3, "c", 0.1, 0.5}};
            proctor_history h[3] = {{NULL, 0}, {NULL, 0}, {NULL, 0}};
            double rw[3] = {-1, -1, -1};
            is_int(pc_live_score(&live, &ch, r, h, 3, rw), PROCTOR_OK, "score");
            is_double(rw[0], 1.0, 1e-12, "right and fast: 1");
            is_double(rw[1], 0.5, 1e-12, "right and slow (10 s): 1 - 0.5 * min(1, 9/9) = 0.5");
            is_double(rw[2], 0.0, 1e-12, "wrong: 0");
            pc_live_destroy(&live);
        }
        pc_pipeline_free(&p);
    }
    pc_registry_free(&reg);
    ct_rmtree(tmp);
    free(gen), free(sco), free(old), free(root), free(tmp);
    return done_testing();
}
