/* test_sdk_example — sdk/examples/hello_source.c builds out of tree from sdk/ alone (no core
 * headers, -Werror), is named by path in a pipeline, and fills the cache both in-process
 * (pc_live_create + refresh) and as `proctor worker hello`. */
#include "../tap.h"
#include "cache/cache.h"
#include "ctutil.h"
#include "plugin/instance.h"
#include "config/pipeline.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every image in dir has a sidecar with label 1 and a scene; returns the number of images. */
static int check_items(const char *dir, const char *what)
{
    DIR *d = opendir(dir);
    int n = 0, good = 1;
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".jpg") || e->d_name[0] == '.') continue;
        n++;
        char *img = ct_path(dir, e->d_name), *side = ct_fmt("%s/%.*s.json", dir, (int)(l - 4), e->d_name);
        size_t len = 0;
        unsigned char *bytes = (unsigned char *)ct_read(img, &len);
        char *json = ct_read(side, NULL);
        cJSON *doc = json ? cJSON_Parse(json) : NULL;
        const cJSON *label = cJSON_GetObjectItem(doc, "label"), *scene = cJSON_GetObjectItem(doc, "scene_description");
        int ok_img = bytes && len > 4 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[len - 2] == 0xFF &&
                     bytes[len - 1] == 0xD9;
        int ok_side = cJSON_IsNumber(label) && label->valueint == 1 && cJSON_IsString(scene) && scene->valuestring[0];
        if (!ok_img || !ok_side) {
            diag("%s: %s image ok %d, sidecar ok %d", what, e->d_name, ok_img, ok_side);
            good = 0;
        }
        cJSON_Delete(doc);
        free(json);
        free(bytes);
        free(img);
        free(side);
    }
    if (d) closedir(d);
    ok(good, "%s: every image is a whole JPEG with a label-1 sidecar", what);
    return n;
}

int main(void)
{
    char *tmp = ct_tmpdir("sdk");
    if (!tmp) return ok(0, "mkdtemp"), done_testing();
    char repo[PATH_MAX];
    if (!getcwd(repo, sizeof repo)) return ok(0, "getcwd"), done_testing();
    char *so = ct_path(tmp, "hello_source.so"), *src = ct_path(repo, "sdk/examples/hello_source.c");
    char *inc = ct_fmt("-I%s/sdk", repo);
    char *cc_argv[] = {"cc", "-shared", "-fPIC", "-Wall", "-Wextra", "-Werror", inc, src, "-o", so, NULL};
    char *out = NULL, *err = NULL;
    int rc = ct_run(cc_argv, NULL, &out, &err, 120);
    is_int(rc, 0, "hello_source.c compiles with only -I sdk, -Wall -Wextra -Werror");
    if (rc) diag("cc said: %s%s", out ? out : "", err ? err : "");
    free(out);
    free(err);

    /* in-process: the pipeline names the plugin by its path */
    char *yaml = ct_fmt("cache: {root: \"%s/cache\"}\n"
                        "challenge: {state_dir: \"%s/state\"}\n"
                        "sources:\n"
                        "  - name: hello\n"
                        "    plugin: %s\n"
                        "    count: 3\n"
                        "    color: \"#10e020\"\n"
                        "    interval: 1h\n",
                        tmp, tmp, so);
    char *yaml_path = ct_path(tmp, "pipeline.yaml");
    ct_write_str(yaml_path, yaml);
    pc_registry reg;
    pc_registry_init(&reg);
    pc_pipeline p;
    char e[2048] = "";
    int loaded = pc_pipeline_load_file(&p, yaml_path, &reg, e, sizeof e) == 0;
    ok(loaded, "pipeline naming %s loads (%s)", so, e);
    char *real_dir = ct_fmt("%s/cache/Roadwork/image", tmp);
    if (loaded) {
        const pc_instance *in = pc_pipeline_find(&p, "hello");
        ok(in && !strcmp(in->plugin->desc->name, "hello_source"), "instance hello uses plugin hello_source");
        char *root = ct_fmt("%s/cache", tmp);
        pc_cache *cache = pc_cache_open(root, NULL, e, sizeof e);
        pc_live live;
        proctor_status st = in && cache ? pc_live_create(&live, in, cache, NULL, e, sizeof e) : PROCTOR_FAILED;
        is_int(st, PROCTOR_OK, "create (%s)", st ? e : "ok");
        if (st == PROCTOR_OK) {
            st = pc_live_refresh(&live);
            is_int(st, PROCTOR_OK, "refresh");
            is_int(pc_cache_count(cache, PROCTOR_CACHE_REAL, 1), 3, "3 label-1 items servable");
            is_int(pc_cache_count(cache, PROCTOR_CACHE_REAL, 0), 0, "no label-0 items");
            pc_live_destroy(&live);
        }
        is_int(check_items(real_dir, "in-process"), 3, "in-process: 3 images on disk");
        pc_cache_close(cache);
        free(root);
        pc_pipeline_free(&p);
    }
    pc_registry_free(&reg);

    /* the same plugin run by `proctor worker hello` in a second cache */
    free(yaml);
    yaml = ct_fmt("cache: {root: \"%s/cache2\"}\n"
                  "challenge: {state_dir: \"%s/state\"}\n"
                  "sources:\n  - {name: hello, plugin: %s, count: 2, interval: 1h}\n",
                  tmp, tmp, so);
    ct_write_str(yaml_path, yaml);
    char *exe = ct_build_path("proctor"), *log = ct_path(tmp, "worker.log");
    char *argv[] = {exe, "worker", "hello", "-c", yaml_path, NULL};
    pid_t pid = ct_spawn(argv, NULL, log);
    char *dir2 = ct_fmt("%s/cache2/Roadwork/image", tmp);
    double end = ct_now() + 20;
    /* the worker reports its health once refresh has returned: only then is the count final */
    char *health = ct_fmt("%s/state/workers/hello.json", tmp), *htext = NULL;
    while (ct_now() < end && !(htext && strstr(htext, "\"state\":\"ok\""))) {
        free(htext);
        htext = ct_read(health, NULL);
        ct_sleep(0.05);
    }
    ok(htext && strstr(htext, "\"state\":\"ok\""), "worker: the first refresh finished and was reported");
    free(htext);
    free(health);
    is_int(ct_count_suffix(dir2, ".jpg"), 2, "worker: 2 images in the cache");
    is_int(ct_count_suffix(dir2, ".json"), 2, "worker: 2 sidecars");
    check_items(dir2, "worker");
    kill(pid, SIGTERM);
    rc = ct_wait(pid, 10);
    is_int(rc, 0, "worker stops cleanly on SIGTERM");
    if (rc) ct_kill(pid);
    char *logtext = ct_read(log, NULL);
    ok(logtext && strstr(logtext, "painted 2 image(s)"), "the plugin's log line reached the worker log");
    if (tap_failed_ && logtext) diag("worker log:\n%s", logtext);
    free(logtext);
    ct_rmtree(tmp);
    free(dir2);
    free(log);
    free(exe);
    free(real_dir);
    free(yaml_path);
    free(yaml);
    free(inc);
    free(src);
    free(so);
    free(tmp);
    return done_testing();
}
