/* producer.c — see producer.h. */
#include "run/producer.h"
#include "run/health.h"
#include "base/clock.h"
#include "base/fsutil.h"
#include "image/image.h"
#include "base/log.h"
#include "run/prompts.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void pc_sleep_until_stop(double seconds, volatile sig_atomic_t *stop)
{
    double end = pc_mono_s() + seconds;
    while (!(stop && *stop)) {
        double left = end - pc_mono_s();
        if (left <= 0) break;
        if (left > 0.1) left = 0.1;
        struct timespec ts = {0, (long)(left * 1e9)};
        nanosleep(&ts, NULL);
    }
}

/* Decode a cached image and bring it to exactly width x height (centre crop to the target's
 * aspect, then resize), as an init image for i2i. */
static proctor_status load_init_image(const char *path, int width, int height,
                                      proctor_image *out, char *err, size_t errlen)
{
    size_t len = 0;
    char *bytes = pc_read_file(path, 256u << 20, &len);
    if (!bytes) return snprintf(err, errlen, "%s: cannot read", path), PROCTOR_IO;
    proctor_image full = {0}, crop = {0};
    int short_target = width < height ? width : height;
    proctor_status st = pc_image_decode(bytes, len, short_target, &full, NULL, err, errlen);
    free(bytes);
    if (st != PROCTOR_OK) return st;
    double want = (double)width / height, have = (double)full.width / full.height;
    int cw = full.width, ch = full.height;
    if (have > want) cw = (int)lround(full.height * want);
    else ch = (int)lround(full.width / want);
    if (cw < 1) cw = 1;
    if (ch < 1) ch = 1;
    st = pc_image_crop(&full, (full.width - cw) / 2, (full.height - ch) / 2, cw, ch, &crop, err, errlen);
    pc_image_free(&full);
    if (st != PROCTOR_OK) return st;
    st = pc_image_resize(&crop, width, height, out, err, errlen);
    pc_image_free(&crop);
    return st;
}

proctor_status pc_generate_one(pc_live *gen, pc_cache *cache, pc_rng *rng, const char *task_name,
                               char *err, size_t errlen)
{
    const pc_settings *core = &gen->def->core;
    int label = pc_rng_uniform(rng) < 0.5 ? 0 : 1;
    proctor_task task = strcmp(task_name, "i2i") == 0 ? PROCTOR_TASK_I2I : PROCTOR_TASK_T2I;
    int width = (int)pc_settings_int(core, "width"), height = (int)pc_settings_int(core, "height");
    char *prompt = NULL, *source_image = NULL;
    proctor_item *item = NULL;
    /* label 1 prompts come from real roadwork scenes, like upstream */
    if (label == 1 &&
        pc_cache_sample(cache, PROCTOR_CACHE_REAL, 1, pc_rng_callback, rng, &item) == PROCTOR_OK) {
        prompt = strdup(item->scene_description);
        if (task == PROCTOR_TASK_I2I) source_image = strdup(item->path);
        pc_item_free(item);
        item = NULL;
    }
    if (!prompt) prompt = strdup(pc_prompt_template(label, rng));
    char *full = prompt ? pc_prompt_full(prompt, label) : NULL; /* upstream's caption suffix */
    free(prompt);
    prompt = full;
    if (task == PROCTOR_TASK_I2I && !source_image &&
        pc_cache_sample(cache, PROCTOR_CACHE_REAL, label, pc_rng_callback, rng, &item) == PROCTOR_OK) {
        source_image = strdup(item->path);
        pc_item_free(item);
    }
    proctor_image init = {0};
    if (task == PROCTOR_TASK_I2I) {
        if (!source_image ||
            load_init_image(source_image, width, height, &init, err, errlen) != PROCTOR_OK) {
            pc_debug("%s: no usable real image with that label for i2i; making t2i instead",
                     gen->def->name);
            task = PROCTOR_TASK_T2I;
            free(source_image);
            source_image = NULL;
        }
    }
    proctor_generate_request req = {
        .size = sizeof req,
        .task = task,
        .label = label,
        .prompt = prompt,
        .negative_prompt = pc_negative_prompt_for(task),
        .init_image = task == PROCTOR_TASK_I2I ? &init : NULL,
        .strength = pc_settings_double(core, "strength"),
        .width = width,
        .height = height,
        .steps = (int)pc_settings_int(core, "steps"),
        .guidance = pc_settings_double(core, "guidance"),
        .seed = pc_rng_next(rng) & ((1ULL << 53) - 1), /* exact as a JSON number */
    };
    proctor_generate_result res = {.size = sizeof res};
    proctor_status st = pc_image_alloc(&res.image, width, height, 3, err, errlen);
    double t0 = pc_mono_s();
    if (st == PROCTOR_OK) {
        st = pc_live_generate(gen, &req, &res);
        if (st != PROCTOR_OK)
            snprintf(err, errlen, "%s: generate failed: %s", gen->def->name, pc_live_error(gen, st));
    }
    double seconds = pc_mono_s() - t0;
    void *png = NULL;
    size_t png_len = 0;
    if (st == PROCTOR_OK) st = pc_image_encode(&res.image, PROCTOR_FORMAT_PNG, 0, &png, &png_len, err, errlen);
    if (st == PROCTOR_OK) {
        res.model[sizeof res.model - 1] = 0;
        cJSON *side = cJSON_CreateObject();
        cJSON_AddNumberToObject(side, "label", label);
        cJSON_AddStringToObject(side, "scene_description", label == 1 ? prompt : "");
        cJSON_AddStringToObject(side, "prompt", prompt);
        cJSON_AddStringToObject(side, "negative_prompt", req.negative_prompt);
        cJSON_AddStringToObject(side, "task", task == PROCTOR_TASK_I2I ? "i2i" : "t2i");
        cJSON_AddStringToObject(side, "model", res.model[0] ? res.model : gen->def->plugin->desc->name);
        cJSON_AddStringToObject(side, "generator", gen->def->name);
        cJSON_AddNumberToObject(side, "seed", (double)req.seed);
        cJSON_AddNumberToObject(side, "steps", req.steps);
        cJSON_AddNumberToObject(side, "guidance", req.guidance);
        if (task == PROCTOR_TASK_I2I) {
            cJSON_AddNumberToObject(side, "strength", req.strength);
            cJSON_AddStringToObject(side, "source_image", source_image);
        }
        cJSON_AddNumberToObject(side, "width", width);
        cJSON_AddNumberToObject(side, "height", height);
        cJSON_AddNumberToObject(side, "generation_time", round(seconds * 1000) / 1000);
        cJSON_AddNumberToObject(side, "created", (double)time(NULL));
        char *json = cJSON_PrintUnformatted(side);
        cJSON_Delete(side);
        char stem[160];
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        snprintf(stem, sizeof stem, "%s_%lld%03ld_%012llx", gen->def->name, (long long)ts.tv_sec,
                 ts.tv_nsec / 1000000, (unsigned long long)(req.seed & 0xffffffffffffULL));
        proctor_cache_kind kind = task == PROCTOR_TASK_I2I ? PROCTOR_CACHE_I2I : PROCTOR_CACHE_T2I;
        st = json ? pc_cache_put(cache, kind, stem, png, png_len, json, err, errlen) : PROCTOR_NOMEM;
        if (st == PROCTOR_OK)
            pc_debug("%s: %s image %s in %.2fs", gen->def->name,
                     task == PROCTOR_TASK_I2I ? "i2i" : "t2i", stem, seconds);
        free(json);
    }
    free(png);
    pc_image_free(&res.image);
    pc_image_free(&init);
    free(prompt);
    free(source_image);
    return st;
}

static int run_source(pc_live *live, const char *state_dir, double interval, volatile sig_atomic_t *stop)
{
    const char *name = live->def->name;
    int failures = 0;
    while (!*stop) {
        proctor_status st = pc_live_refresh(live);
        if (*stop) break;
        if (st == PROCTOR_OK) {
            failures = 0;
            pc_health_report(state_dir, name, PC_HEALTH_OK, NULL, interval);
            pc_sleep_until_stop(interval, stop);
        } else if (proctor_status_retryable(st)) {
            /* back off 5 s, 10 s, ... up to the interval (at least a minute) */
            double wait = 5.0 * (1 << (failures < 10 ? failures : 10));
            double cap = interval > 60 ? interval : 60;
            if (wait > cap) wait = cap;
            failures++;
            pc_warn("%s: refresh: %s; retrying in %.0fs", name, pc_live_error(live, st), wait);
            pc_health_report(state_dir, name, PC_HEALTH_RETRYING, pc_live_error(live, st), wait);
            pc_sleep_until_stop(wait, stop);
        } else {
            pc_error("%s: refresh failed: %s", name, pc_live_error(live, st));
            pc_health_report(state_dir, name, PC_HEALTH_FAILED, pc_live_error(live, st), -1);
            return 1;
        }
    }
    return 0;
}

static int run_generator(pc_live *live, pc_cache *cache, const char *state_dir, double interval,
                         volatile sig_atomic_t *stop)
{
    const char *name = live->def->name;
    const pc_settings *core = &live->def->core;
    const pc_setting *tasks = pc_settings_find(core, "tasks");
    int64_t batch = pc_settings_int(core, "batch"), max_images = pc_settings_int(core, "max_images");
    pc_rng rng;
    uint64_t seed = (uint64_t)pc_settings_int(core, "seed");
    pc_rng_seed(&rng, seed ? seed ^ 0x67656e6572ULL : pc_random_seed());
    size_t round = 0;
    int failures = 0;
    while (!*stop) {
        if (max_images > 0 && (int64_t)(pc_cache_count(cache, PROCTOR_CACHE_T2I, -1) +
                                        pc_cache_count(cache, PROCTOR_CACHE_I2I, -1)) >= max_images) {
            pc_sleep_until_stop(interval > 5 ? interval : 5, stop);
            continue;
        }
        for (int64_t i = 0; i < batch && !*stop; i++, round++) {
            const char *task = tasks && tasks->list_len ? tasks->list[round % tasks->list_len] : "t2i";
            char err[512] = "";
            proctor_status st = pc_generate_one(live, cache, &rng, task, err, sizeof err);
            if (st == PROCTOR_OK) {
                if (failures) pc_health_report(state_dir, name, PC_HEALTH_OK, NULL, -1);
                failures = 0;
            } else if (st == PROCTOR_CANCELLED || *stop) {
                break;
            } else if (proctor_status_retryable(st) || st == PROCTOR_IO || st == PROCTOR_NOMEM) {
                failures++;
                double wait = 5.0 * (failures < 12 ? failures : 12);
                pc_warn("%s", err);
                pc_health_report(state_dir, name, PC_HEALTH_RETRYING, err, wait);
                pc_sleep_until_stop(wait, stop);
            } else {
                pc_error("%s", err);
                pc_health_report(state_dir, name, PC_HEALTH_FAILED, err, -1);
                return 1;
            }
        }
        pc_sleep_until_stop(interval, stop);
    }
    return 0;
}

int pc_producer_run(const pc_pipeline *p, const char *instance_name, volatile sig_atomic_t *stop)
{
    const pc_instance *def = pc_pipeline_find(p, instance_name);
    if (!def) {
        pc_error("no source or generator named '%s' in %s", instance_name, p->path);
        return 2;
    }
    if (def->kind == PROCTOR_KIND_SCORER) {
        pc_error("'%s' is a scorer; only sources and generators run as workers", instance_name);
        return 2;
    }
    char err[1024];
    pc_cache *cache = pc_pipeline_open_cache(p, err, sizeof err);
    if (!cache) {
        pc_error("%s", err);
        return 1;
    }
    pc_live live;
    const char *state_dir = p->cfg.challenge.state_dir;
    proctor_status st = pc_live_create(&live, def, cache, stop, err, sizeof err);
    if (st != PROCTOR_OK) {
        pc_error("%s", err);
        pc_health_report(state_dir, def->name, proctor_status_retryable(st) ? PC_HEALTH_RETRYING : PC_HEALTH_FAILED,
                         err, -1);
        pc_cache_close(cache);
        return st == PROCTOR_INVALID ? 2 : 1;
    }
    double interval = pc_settings_double(&def->core, "interval");
    pc_info("%s: %s '%s' running (every %.0fs)", def->name, pc_kind_name(def->kind),
            def->plugin->desc->name, interval);
    int rc = def->kind == PROCTOR_KIND_SOURCE ? run_source(&live, state_dir, interval, stop)
                                              : run_generator(&live, cache, state_dir, interval, stop);
    pc_live_destroy(&live);
    pc_cache_close(cache);
    return rc;
}
