/* cmd_status.c — `proctor status`: answers "why is my validator skipping challenges?" in one
 * screen: cache counts per kind and label, budgets, who fills each cache, worker health, the
 * last challenges. Reads only files; works while `proctor run` is running. */
#include "cache/cache.h"
#include "cli/cli.h"
#include "run/health.h"
#include "base/fsutil.h"
#include "cli/status_extra.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

static void human_bytes(int64_t b, char *out, size_t len)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)b;
    int u = 0;
    while (v >= 1024 && u < 4) v /= 1024, u++;
    snprintf(out, len, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static void human_age(double s, char *out, size_t len)
{
    if (s < 0) snprintf(out, len, "-");
    else if (s < 120) snprintf(out, len, "%.0fs ago", s);
    else if (s < 7200) snprintf(out, len, "%.0fm ago", s / 60);
    else if (s < 172800) snprintf(out, len, "%.1fh ago", s / 3600);
    else snprintf(out, len, "%.1fd ago", s / 86400);
}

/* Names of the enabled instances that fill a cache kind, comma-separated. */
static void fillers(const pc_pipeline *p, proctor_cache_kind kind, char *out, size_t len)
{
    out[0] = 0;
    size_t n = 0;
    for (size_t i = 0; i < p->instance_count; i++) {
        const pc_instance *in = &p->instances[i];
        if (!pc_settings_bool(&in->core, "enabled")) continue;
        int fills = 0;
        if (in->kind == PROCTOR_KIND_SOURCE)
            fills = kind == PROCTOR_CACHE_REAL || (kind == PROCTOR_CACHE_REAL_SOURCES &&
                                                   strcmp(in->plugin->desc->name, "natix") == 0);
        if (in->kind == PROCTOR_KIND_GENERATOR) {
            const pc_setting *t = pc_settings_find(&in->core, "tasks");
            for (size_t j = 0; t && j < t->list_len; j++)
                fills |= (kind == PROCTOR_CACHE_T2I && !strcmp(t->list[j], "t2i")) ||
                         (kind == PROCTOR_CACHE_I2I && !strcmp(t->list[j], "i2i"));
        }
        if (fills && strlen(out) + strlen(in->name) + 3 < len)
            n += (size_t)snprintf(out + strlen(out), len - strlen(out), "%s%s", n ? ", " : "", in->name);
    }
}

static void print_workers(const char *state_dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/workers.json", state_dir);
    char *text = pc_read_file(path, 1 << 20, NULL);
    cJSON *doc = text ? cJSON_Parse(text) : NULL;
    free(text);
    printf("\nworkers (%s):\n", path);
    const cJSON *arr = cJSON_GetObjectItem(doc, "workers");
    if (!doc || !cJSON_IsArray(arr)) {
        printf("  no worker status: `proctor run` has not run with this state_dir yet\n");
        cJSON_Delete(doc);
        return;
    }
    const cJSON *spid = cJSON_GetObjectItem(doc, "supervisor_pid");
    int gone = cJSON_IsTrue(cJSON_GetObjectItem(doc, "stopped")) ||
               (cJSON_IsNumber(spid) && kill((pid_t)spid->valuedouble, 0) != 0 && errno == ESRCH);
    if (gone) printf("  `proctor run` is not running: the workers below are stopped\n");
    const cJSON *w;
    cJSON_ArrayForEach(w, arr)
    {
        const cJSON *name = cJSON_GetObjectItem(w, "name"), *running = cJSON_GetObjectItem(w, "running");
        const cJSON *starts = cJSON_GetObjectItem(w, "starts"), *last = cJSON_GetObjectItem(w, "last_exit");
        printf("  %-16s %-10s starts %-4d %s%s\n", cJSON_IsString(name) ? name->valuestring : "?",
               gone ? "stopped" : cJSON_IsTrue(running) ? "running" : "restarting",
               cJSON_IsNumber(starts) ? starts->valueint : 0, cJSON_IsString(last) ? "last exit: " : "",
               cJSON_IsString(last) ? last->valuestring : "");
        char health[1024];
        if (cJSON_IsString(name)) pc_health_describe(state_dir, name->valuestring, (double)time(NULL), health, sizeof health);
        else health[0] = 0;
        if (health[0]) printf("  %-16s %s\n", "", health);
    }
    cJSON_Delete(doc);
}

int pc_cmd_status(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, 0, 'c'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *config = NULL;
    for (int c; (c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1;) {
        if (c == 'c') config = optarg;
        else {
            fprintf(c == 'h' ? stdout : stderr, "usage: proctor status [-c pipeline.yaml]\n");
            return c == 'h' ? PC_EXIT_OK : PC_EXIT_USAGE;
        }
    }
    pc_registry reg;
    pc_pipeline p;
    if (pc_cli_load(config, &reg, &p) != 0) return PC_EXIT_USAGE;
    char *root = pc_pipeline_cache_root(&p), *state_dir = pc_pipeline_state_dir(&p);
    char err[512];
    pc_cache *cache = pc_pipeline_open_cache(&p, err, sizeof err);
    if (!cache) {
        fprintf(stderr, "proctor: %s\n", err);
        free(root);
        free(state_dir);
        pc_cli_unload(&reg, &p);
        return PC_EXIT_RUNTIME;
    }
    printf("pipeline %s\ncache    %s\n\n", p.path, root);
    printf("  %-8s %8s %8s %8s %22s  %s\n", "cache", "label 0", "label 1", "invalid", "bytes / budget",
           "newest");
    int empty_any = 0;
    char advice[4][512];
    for (int k = 0; k < PC_CACHE_KINDS; k++) {
        pc_cache_stat st;
        pc_cache_stats(cache, (proctor_cache_kind)k, &st);
        char used[32], budget[32], age[32], who[256];
        human_bytes(st.bytes, used, sizeof used);
        human_bytes(st.budget, budget, sizeof budget);
        human_age(st.newest_age_s, age, sizeof age);
        if (k == PROCTOR_CACHE_REAL_SOURCES)
            printf("  %-8s %8s %8s %8s %10s / %-10s  %s (%zu files)\n", "sources", "-", "-", "-", used,
                   st.budget ? budget : "none", age, st.files);
        else
            printf("  %-8s %8zu %8zu %8zu %10s / %-10s  %s\n", pc_cache_kind_name((proctor_cache_kind)k),
                   st.items[0], st.items[1], st.invalid, used, st.budget ? budget : "none", age);
        advice[k][0] = 0;
        if (k == PROCTOR_CACHE_REAL_SOURCES) continue;
        fillers(&p, (proctor_cache_kind)k, who, sizeof who);
        if (st.items[0] + st.items[1] == 0) {
            empty_any = 1;
            if (who[0])
                snprintf(advice[k], sizeof advice[k], "%s is empty; it is filled by: %s (check the "
                         "workers below and their log lines).", pc_cache_kind_name((proctor_cache_kind)k), who);
            else
                snprintf(advice[k], sizeof advice[k], "%s is empty and nothing is configured to fill it: "
                         "add a %s under %s: in %s.", pc_cache_kind_name((proctor_cache_kind)k),
                         k == PROCTOR_CACHE_REAL ? "source (local_folder or natix)" : "generator (procedural or diffusion)",
                         k == PROCTOR_CACHE_REAL ? "sources" : "generators", p.path);
        } else if (st.items[0] == 0 || st.items[1] == 0) {
            snprintf(advice[k], sizeof advice[k], "%s holds only label %d images; challenges drawing "
                     "label %d there %s.", pc_cache_kind_name((proctor_cache_kind)k), st.items[0] ? 0 : 1,
                     st.items[0] ? 1 : 0,
                     strcmp(pc_settings_string(&p.challenge, "on_empty"), "skip") == 0
                         ? "are skipped (on_empty: skip)" : "fall back to another cache (on_empty: fallback)");
        }
    }
    printf("\n");
    for (int k = 0; k < PC_CACHE_KINDS; k++)
        if (advice[k][0]) printf("  * %s\n", advice[k]);
    if (!empty_any) printf("  * every cache has images: challenges can run.\n");
    print_workers(state_dir);
    pc_status_extra(&p, state_dir, stdout);
    pc_cache_close(cache);
    free(root);
    free(state_dir);
    pc_cli_unload(&reg, &p);
    return PC_EXIT_OK;
}
