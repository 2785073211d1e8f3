/* config.c — see config.h. Per-key bounds and choices are declared in the key tables
 * (pipeline.c) and checked by settings.c; the rules here span keys or files. */
#include "config/config.h"
#include "base/log.h"
#include "config/miners.h"
#include "config/pipeline.h"
#include "crypto/ss58.h"
#include "crypto/wallet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "file:line:col" of a section's key for a message (the section itself when defaulted). */
static const char *at(const pc_pipeline *p, const pc_settings *s, const char *key, char *buf, size_t len)
{
    const pc_setting *v = pc_settings_find(s, key);
    if (v && v->file && v->line) snprintf(buf, len, "%s:%d:%d", v->file, v->line, v->col);
    else snprintf(buf, len, "%s", p->path);
    return buf;
}

/* A LIST key of numbers into out[n]; every item must parse completely. */
static int numbers(const pc_pipeline *p, const pc_settings *s, const char *section, const char *key,
                   double *out, size_t n, char *err, size_t errlen)
{
    const pc_setting *v = pc_settings_find(s, key);
    char where[512];
    for (size_t i = 0; i < n && i < v->list_len; i++) {
        char *end = NULL;
        out[i] = strtod(v->list[i], &end);
        if (end == v->list[i] || *end || !isfinite(out[i]))
            return snprintf(err, errlen, "%s: %s.%s: '%s' is not a number (want e.g. [%s])",
                            at(p, s, key, where, sizeof where), section, key, v->list[i],
                            v->text ? v->text : ""),
                   -1;
    }
    return 0;
}

static int augment(pc_pipeline *p, char *err, size_t errlen)
{
    const pc_settings *a = &p->augment;
    pc_augment_opts *o = &p->cfg.augment;
    char where[512];
    pc_augment_defaults(o);
    if (numbers(p, a, "augment", "level_probs", o->level_probs, 4, err, errlen)) return -1;
    o->hflip_prob = pc_settings_double(a, "hflip_prob");
    o->vflip_prob = pc_settings_double(a, "vflip_prob");
    o->rotate_degrees = pc_settings_double(a, "rotate_degrees");
    o->crop_scale_min = pc_settings_double(a, "crop_scale_min");
    o->crop_scale_max = pc_settings_double(a, "crop_scale_max");
    o->size = (int)pc_settings_int(a, "size");
    o->mask_true_dims = pc_settings_bool(a, "mask_true_dims");
    o->level2_max = (int)pc_settings_int(a, "level2_max");
    o->level3_max = (int)pc_settings_int(a, "level3_max");
    double jpeg[5], gb[5];
    if (numbers(p, a, "augment", "cs", o->cs, 5, err, errlen) || numbers(p, a, "augment", "cc", o->cc, 5, err, errlen) ||
        numbers(p, a, "augment", "jpeg", jpeg, 5, err, errlen) || numbers(p, a, "augment", "gnc", o->gnc, 5, err, errlen) ||
        numbers(p, a, "augment", "gb", gb, 5, err, errlen))
        return -1;
    for (int i = 0; i < 5; i++) {
        o->jpeg[i] = (int)jpeg[i];
        o->gb[i] = (int)gb[i];
        if (jpeg[i] != o->jpeg[i] || gb[i] != o->gb[i])
            return snprintf(err, errlen, "%s: augment.%s needs whole numbers",
                            at(p, a, jpeg[i] != o->jpeg[i] ? "jpeg" : "gb", where, sizeof where),
                            jpeg[i] != o->jpeg[i] ? "jpeg" : "gb"),
                   -1;
    }
    if (o->crop_scale_min > o->crop_scale_max)
        return snprintf(err, errlen, "%s: augment.crop_scale_min (%g) is above crop_scale_max (%g)",
                        at(p, a, "crop_scale_min", where, sizeof where), o->crop_scale_min, o->crop_scale_max),
               -1;
    char why[400];
    if (pc_augment_check(o, why, sizeof why) != PROCTOR_OK)
        return snprintf(err, errlen, "%s: augment: %s", p->path, why), -1;
    return 0;
}

static int wallet(pc_pipeline *p, char *err, size_t errlen)
{
    const pc_settings *w = &p->wallet;
    const char *name = pc_settings_string(w, "name"), *path = pc_settings_string(w, "path");
    p->cfg.wallet.allow_insecure = pc_settings_bool(w, "allow_insecure");
    if ((!name || !name[0]) && (!path || !path[0])) return 0;
    if (path && path[0]) {
        if (!(p->cfg.wallet.path = pc_expand_home(path))) return snprintf(err, errlen, "out of memory"), -1;
        return 0;
    }
    char file[1024], why[512], where[512];
    if (pc_wallet_default_path(name, pc_settings_string(w, "hotkey"), file, sizeof file, why, sizeof why) != 0)
        return snprintf(err, errlen, "%s: wallet: %s", at(p, w, "name", where, sizeof where), why), -1;
    if (!(p->cfg.wallet.path = strdup(file))) return snprintf(err, errlen, "out of memory"), -1;
    return 0;
}

static int scorers(const pc_pipeline *p, char *err, size_t errlen)
{
    double sum = 0;
    size_t count = 0;
    for (size_t i = 0; i < p->instance_count; i++) {
        const pc_instance *in = &p->instances[i];
        if (in->kind != PROCTOR_KIND_SCORER || !pc_settings_bool(&in->core, "enabled")) continue;
        count++;
        sum += pc_settings_double(&in->core, "weight");
    }
    if (!count)
        return snprintf(err, errlen, "%s: no scorer configured (add one under scorers:, e.g. "
                                     "- plugin: natix)", p->path),
               -1;
    if (!(sum > 0))
        return snprintf(err, errlen, "%s: the enabled scorers' weights add up to 0 (give one a weight > 0)",
                        p->path),
               -1;
    return 0;
}

int pc_config_build(pc_pipeline *p, char *err, size_t errlen)
{
    pc_config *c = &p->cfg;
    memset(c, 0, sizeof *c);
    pc_metagraph_init(&c->metagraph);
    static const char *const budgets[4] = {"real_budget", "sources_budget", "t2i_budget", "i2i_budget"};
    for (int k = 0; k < 4; k++) c->cache.budget[k] = pc_settings_int(&p->cache, budgets[k]);
    if (!(c->cache.root = pc_expand_home(pc_settings_string(&p->cache, "root")))) goto oom;

    const pc_settings *ch = &p->challenge;
    c->challenge.interval = pc_settings_double(ch, "interval");
    c->challenge.steps = (long)pc_settings_int(ch, "steps");
    c->challenge.roadwork_prob = pc_settings_double(ch, "roadwork_prob");
    c->challenge.fake_prob = pc_settings_double(ch, "fake_prob");
    c->challenge.i2i_prob = pc_settings_double(ch, "i2i_prob");
    c->challenge.on_empty_skip = strcmp(pc_settings_string(ch, "on_empty"), "skip") == 0;
    c->challenge.jpeg_quality = (int)pc_settings_int(ch, "jpeg_quality");
    c->challenge.alpha = pc_settings_double(ch, "alpha");
    c->challenge.history_size = (size_t)pc_settings_int(ch, "history_size");
    c->challenge.epoch = (long)pc_settings_int(ch, "epoch");
    c->challenge.seed = (uint64_t)pc_settings_int(ch, "seed");
    if (!(c->challenge.state_dir = pc_expand_home(pc_settings_string(ch, "state_dir")))) goto oom;

    if (augment(p, err, errlen) != 0) goto fail;

    const pc_settings *m = &p->miners;
    c->miners.sample_size = (size_t)pc_settings_int(m, "sample_size");
    c->miners.timeout = pc_settings_double(m, "timeout");
    c->miners.vpermit_tao_limit = pc_settings_double(m, "vpermit_tao_limit");
    c->miners.max_response = (size_t)pc_settings_int(m, "max_response");
    c->miners.validator_hotkey = pc_settings_string(m, "validator_hotkey");
    if (c->miners.validator_hotkey[0]) {
        uint8_t pub[32];
        char why[160], where[512];
        if (pc_ss58_decode(c->miners.validator_hotkey, pub, NULL, why, sizeof why) != 0)
            return snprintf(err, errlen, "%s: miners.validator_hotkey: %s", at(p, m, "validator_hotkey", where, sizeof where), why),
                   pc_config_free(c), -1;
    }
    char why[1024];
    if (pc_miners_load(p, &c->metagraph, why, sizeof why) != 0) {
        const char *file = pc_settings_string(m, "metagraph");
        char where[512];
        /* a file's own errors name the file; say which key pointed there */
        if (file && file[0] && strncmp(why, p->path, strlen(p->path)) != 0)
            snprintf(err, errlen, "%s: miners.metagraph: %s (a JSON list or YAML file of {uid, hotkey, ip, port, "
                                  "stake, validator_permit}, or a {neurons: [...]} map)",
                     at(p, m, "metagraph", where, sizeof where), why);
        else
            snprintf(err, errlen, "%s", why);
        goto fail;
    }
    if (wallet(p, err, errlen) != 0) goto fail;
    if (pc_log_parse_level(pc_settings_string(&p->log, "level"), &c->log_level) != 0)
        c->log_level = PROCTOR_LOG_INFO;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
fail:
    pc_config_free(c);
    return -1;
}

int pc_config_check_loop(const pc_pipeline *p, char *err, size_t errlen) { return scorers(p, err, errlen); }

void pc_config_free(pc_config *c)
{
    free(c->cache.root);
    free(c->challenge.state_dir);
    free(c->wallet.path);
    pc_metagraph_free(&c->metagraph);
    memset(c, 0, sizeof *c);
}
