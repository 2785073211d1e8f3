/* pipeline.c — see pipeline.h. The core's own keys are declared with the same
 * proctor_config_key tables plugins use, so validation and `check` output are uniform. */
#include "config/pipeline.h"
#include "cache/cache.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *const on_empty_choices[] = {"skip", "fallback", NULL};
static const char *const log_level_choices[] = {"trace", "debug", "info", "success", "warning", "error", NULL};
static const char *const task_choices[] = {"t2i", "i2i", NULL};

static const proctor_config_key cache_keys[] = {
    PROCTOR_KEY("root", PROCTOR_CFG_STRING, "~/.cache/natix", "cache root (upstream layout)"),
    PROCTOR_KEY_RANGE("real_budget", PROCTOR_CFG_SIZE, "10GiB", "Roadwork/image byte budget (0 = none)", "0", NULL),
    PROCTOR_KEY_RANGE("sources_budget", PROCTOR_CFG_SIZE, "100GiB", "Roadwork/image/sources byte budget (0 = none)", "0", NULL),
    PROCTOR_KEY_RANGE("t2i_budget", PROCTOR_CFG_SIZE, "10GiB", "Synthetic/t2i byte budget (0 = none)", "0", NULL),
    PROCTOR_KEY_RANGE("i2i_budget", PROCTOR_CFG_SIZE, "10GiB", "Synthetic/i2i byte budget (0 = none)", "0", NULL),
    PROCTOR_KEY_END,
};

static const proctor_config_key challenge_keys[] = {
    PROCTOR_KEY_RANGE("interval", PROCTOR_CFG_DURATION, "60s", "pause between challenges", "0s", "7d"),
    PROCTOR_KEY_RANGE("steps", PROCTOR_CFG_INT, "0", "stop after this many challenges (0 = run forever)", "0", NULL),
    PROCTOR_KEY_RANGE("roadwork_prob", PROCTOR_CFG_DOUBLE, "0.5", "probability that the label is 1", "0", "1"),
    PROCTOR_KEY_RANGE("fake_prob", PROCTOR_CFG_DOUBLE, "0.5", "probability of a synthetic image", "0", "1"),
    PROCTOR_KEY_RANGE("i2i_prob", PROCTOR_CFG_DOUBLE, "0.5", "share of i2i among synthetic images", "0", "1"),
    PROCTOR_KEY_CHOICE("on_empty", PROCTOR_CFG_STRING, "fallback", "skip | fallback when the drawn cache is empty", on_empty_choices),
    PROCTOR_KEY_RANGE("jpeg_quality", PROCTOR_CFG_INT, "75", "JPEG quality of the image sent to miners", "1", "100"),
    PROCTOR_KEY_RANGE("alpha", PROCTOR_CFG_DOUBLE, "0.05", "EMA factor of the scores", "0", "1"),
    PROCTOR_KEY_RANGE("history_size", PROCTOR_CFG_INT, "100", "answers kept per miner", "1", "1000000"),
    PROCTOR_KEY_RANGE("epoch", PROCTOR_CFG_INT, "10", "write weights every N challenges", "1", NULL),
    PROCTOR_KEY("seed", PROCTOR_CFG_INT, "0", "master seed (0 = random each run)"),
    PROCTOR_KEY("state_dir", PROCTOR_CFG_STRING, "~/.local/share/proctor", "state, audit log, weights"),
    PROCTOR_KEY_END,
};

static const proctor_config_key augment_keys[] = {
    PROCTOR_KEY_RANGE("level_probs", PROCTOR_CFG_LIST, "[0.25, 0.25, 0.25, 0.25]", "probabilities of levels 0-3 (four numbers >= 0, not all 0)", "4", "4"),
    PROCTOR_KEY_RANGE("hflip_prob", PROCTOR_CFG_DOUBLE, "0", "horizontal flip (upstream's never fires)", "0", "1"),
    PROCTOR_KEY_RANGE("vflip_prob", PROCTOR_CFG_DOUBLE, "0", "vertical flip (upstream's never fires)", "0", "1"),
    PROCTOR_KEY_RANGE("rotate_degrees", PROCTOR_CFG_DOUBLE, "20", "max rotation, either way", "0", "180"),
    PROCTOR_KEY_RANGE("crop_scale_min", PROCTOR_CFG_DOUBLE, "0.2", "smallest random-resized-crop area", "0.001", "1"),
    PROCTOR_KEY_RANGE("crop_scale_max", PROCTOR_CFG_DOUBLE, "1.0", "largest random-resized-crop area", "0.001", "1"),
    PROCTOR_KEY_RANGE("size", PROCTOR_CFG_INT, "224", "output side in pixels", "16", "4096"),
    PROCTOR_KEY("mask_true_dims", PROCTOR_CFG_BOOL, "false", "clamp the mask_center shift with the real width/height (upstream swaps them)"),
    PROCTOR_KEY_RANGE("level2_max", PROCTOR_CFG_INT, "1", "level 2 draws each distortion level from 0..N", "0", "5"),
    PROCTOR_KEY_RANGE("level3_max", PROCTOR_CFG_INT, "2", "level 3 draws each distortion level from 0..N", "0", "5"),
    PROCTOR_KEY_RANGE("cs", PROCTOR_CFG_LIST, "[0.4, 0.3, 0.2, 0.1, 0.0]", "colour saturation parameter per level 1..5", "5", "5"),
    PROCTOR_KEY_RANGE("cc", PROCTOR_CFG_LIST, "[0.85, 0.725, 0.6, 0.475, 0.35]", "colour contrast parameter per level", "5", "5"),
    PROCTOR_KEY_RANGE("jpeg", PROCTOR_CFG_LIST, "[2, 3, 4, 5, 6]", "resize-JPEG factor per level", "5", "5"),
    PROCTOR_KEY_RANGE("gnc", PROCTOR_CFG_LIST, "[0.001, 0.002, 0.005, 0.01, 0.05]", "Gaussian noise variance per level", "5", "5"),
    PROCTOR_KEY_RANGE("gb", PROCTOR_CFG_LIST, "[7, 9, 13, 17, 21]", "Gaussian blur kernel per level (odd; sigma = k/6)", "5", "5"),
    PROCTOR_KEY_END,
};

static const proctor_config_key miners_keys[] = {
    PROCTOR_KEY("metagraph", PROCTOR_CFG_STRING, "", "JSON/YAML metagraph file (or use neurons:)"),
    PROCTOR_KEY_RANGE("sample_size", PROCTOR_CFG_INT, "10", "miners per challenge", "1", "4096"),
    PROCTOR_KEY_RANGE("timeout", PROCTOR_CFG_DURATION, "9s", "per-request timeout", "0.01s", "10m"),
    PROCTOR_KEY_RANGE("vpermit_tao_limit", PROCTOR_CFG_DOUBLE, "40096", "stake above which a permit holder is a validator", "0", NULL),
    PROCTOR_KEY_RANGE("max_response", PROCTOR_CFG_SIZE, "64KiB", "largest miner answer read", "1KiB", "64MiB"),
    PROCTOR_KEY("validator_hotkey", PROCTOR_CFG_STRING, "", "hotkey sent when no wallet is configured"),
    PROCTOR_KEY_END,
};

static const proctor_config_key wallet_keys[] = {
    PROCTOR_KEY("name", PROCTOR_CFG_STRING, "", "wallet name (~/.bittensor/wallets/<name>)"),
    PROCTOR_KEY("hotkey", PROCTOR_CFG_STRING, "default", "hotkey file name"),
    PROCTOR_KEY("path", PROCTOR_CFG_STRING, "", "explicit hotkey file (overrides name/hotkey)"),
    PROCTOR_KEY("allow_insecure", PROCTOR_CFG_BOOL, "false", "accept a key file readable by others"),
    PROCTOR_KEY_END,
};

static const proctor_config_key log_keys[] = {
    PROCTOR_KEY_CHOICE("level", PROCTOR_CFG_STRING, "info", "trace | debug | info | success | warning | error", log_level_choices),
    PROCTOR_KEY_END,
};

static const proctor_config_key source_core_keys[] = {
    PROCTOR_KEY_RANGE("interval", PROCTOR_CFG_DURATION, "10m", "time between refreshes", "0s", NULL),
    PROCTOR_KEY("enabled", PROCTOR_CFG_BOOL, "true", "run this instance"),
    PROCTOR_KEY("seed", PROCTOR_CFG_INT, "0", "RNG seed (0 = random)"),
    PROCTOR_KEY_END,
};

static const proctor_config_key generator_core_keys[] = {
    PROCTOR_KEY_RANGE("interval", PROCTOR_CFG_DURATION, "0s", "pause between batches", "0s", NULL),
    PROCTOR_KEY("enabled", PROCTOR_CFG_BOOL, "true", "run this instance"),
    PROCTOR_KEY("seed", PROCTOR_CFG_INT, "0", "RNG seed (0 = random)"),
    PROCTOR_KEY_RANGE("batch", PROCTOR_CFG_INT, "1", "images per round", "1", "1024"),
    PROCTOR_KEY_CHOICE("tasks", PROCTOR_CFG_LIST, "[t2i, i2i]", "tasks to run, alternating", task_choices),
    PROCTOR_KEY_RANGE("width", PROCTOR_CFG_INT, "512", "image width", "8", "4096"),
    PROCTOR_KEY_RANGE("height", PROCTOR_CFG_INT, "512", "image height", "8", "4096"),
    PROCTOR_KEY_RANGE("steps", PROCTOR_CFG_INT, "25", "denoising steps", "1", "1000"),
    PROCTOR_KEY_RANGE("guidance", PROCTOR_CFG_DOUBLE, "8", "classifier-free guidance scale", "0", "100"),
    PROCTOR_KEY_RANGE("strength", PROCTOR_CFG_DOUBLE, "0.7", "i2i strength", "0", "1"),
    PROCTOR_KEY_RANGE("max_images", PROCTOR_CFG_INT, "0", "stop generating above this many images (0 = budget only)", "0", NULL),
    PROCTOR_KEY_END,
};

static const proctor_config_key scorer_core_keys[] = {
    PROCTOR_KEY_RANGE("weight", PROCTOR_CFG_DOUBLE, "1", "weight of this scorer's reward", "0", NULL),
    PROCTOR_KEY("enabled", PROCTOR_CFG_BOOL, "true", "use this scorer"),
    PROCTOR_KEY_END,
};

static const char *const miners_skip[] = {"neurons", NULL};

static const struct {
    const char *name;
    const proctor_config_key *keys;
    size_t offset;
    const char *const *skip;
} sections[] = {
    {"cache", cache_keys, offsetof(pc_pipeline, cache), NULL},
    {"challenge", challenge_keys, offsetof(pc_pipeline, challenge), NULL},
    {"augment", augment_keys, offsetof(pc_pipeline, augment), NULL},
    {"miners", miners_keys, offsetof(pc_pipeline, miners), miners_skip},
    {"wallet", wallet_keys, offsetof(pc_pipeline, wallet), NULL},
    {"log", log_keys, offsetof(pc_pipeline, log), NULL},
};

static const struct {
    const char *name;
    proctor_kind kind;
    const proctor_config_key *core_keys;
} lists[] = {
    {"sources", PROCTOR_KIND_SOURCE, source_core_keys},
    {"generators", PROCTOR_KIND_GENERATOR, generator_core_keys},
    {"scorers", PROCTOR_KIND_SCORER, scorer_core_keys},
};

#define NSECTIONS (sizeof sections / sizeof sections[0])
#define NLISTS (sizeof lists / sizeof lists[0])

static int key_in(const proctor_config_key *keys, const char *name)
{
    for (; keys && keys->name; keys++)
        if (strcmp(keys->name, name) == 0) return 1;
    return 0;
}

/* Plugin keys are what is left after the core's instance keys (a key both declare is seen
 * by both). */
static const char **core_key_names(const proctor_config_key *keys,
                                   const proctor_config_key *plugin_keys, char const **buf,
                                   size_t cap)
{
    size_t n = 0;
    buf[n++] = "name";
    buf[n++] = "plugin";
    for (; keys->name && n + 1 < cap; keys++)
        if (!key_in(plugin_keys, keys->name)) buf[n++] = keys->name;
    buf[n] = NULL;
    return buf;
}

static int load_instance(pc_pipeline *p, const pc_node *item, proctor_kind kind,
                         const proctor_config_key *core_keys, const char *list_name,
                         pc_registry *reg, char *err, size_t errlen)
{
    if (item->type != PC_NODE_MAP) {
        snprintf(err, errlen, "%s:%d:%d: each entry of %s must be a map with name and plugin",
                 item->file, item->line, item->col, list_name);
        return -1;
    }
    const pc_node *name = pc_yaml_get(item, "name"), *plugin = pc_yaml_get(item, "plugin");
    if (!plugin || plugin->type != PC_NODE_SCALAR || pc_yaml_is_null(plugin)) {
        snprintf(err, errlen, "%s:%d:%d: %s entry needs 'plugin: <name or path.so>'", item->file,
                 item->line, item->col, list_name);
        return -1;
    }
    if (name && (name->type != PC_NODE_SCALAR || pc_yaml_is_null(name))) {
        snprintf(err, errlen, "%s:%d:%d: 'name' must be a string", name->file, name->line, name->col);
        return -1;
    }
    const char *iname = name ? name->value : plugin->value;
    for (const char *c = iname; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '-')) {
            const pc_node *at = name ? name : plugin;
            snprintf(err, errlen, "%s:%d:%d: instance name '%s' may use only letters, digits, _ and -",
                     at->file, at->line, at->col, iname);
            return -1;
        }
    /* workers (sources, generators) share one namespace (`proctor worker NAME`); scorers another */
    for (size_t i = 0; i < p->instance_count; i++)
        if ((p->instances[i].kind == PROCTOR_KIND_SCORER) == (kind == PROCTOR_KIND_SCORER) &&
            strcmp(p->instances[i].name, iname) == 0) {
            const pc_node *at = name ? name : plugin;
            snprintf(err, errlen, "%s:%d:%d: duplicate instance name '%s' (first at line %d)%s",
                     at->file, at->line, at->col, iname, p->instances[i].line,
                     name ? "" : "; give each a distinct 'name:'");
            return -1;
        }
    char why[700], ref[PATH_MAX];
    /* a plugin path is relative to the YAML file that names it, not to the working directory */
    const char *slash = strrchr(p->path, '/');
    if ((strchr(plugin->value, '/') || strstr(plugin->value, ".so")) && plugin->value[0] != '/' && p->from_file)
        snprintf(ref, sizeof ref, "%.*s/%s", slash ? (int)(slash - p->path) : 1, slash ? p->path : ".", plugin->value);
    else
        snprintf(ref, sizeof ref, "%s", plugin->value);
    const pc_plugin *pl = pc_registry_get(reg, kind, ref, why, sizeof why);
    if (!pl) {
        snprintf(err, errlen, "%s:%d:%d: unknown %s plugin '%s': %s", plugin->file, plugin->line,
                 plugin->col, pc_kind_name(kind), plugin->value, why);
        return -1;
    }
    pc_instance *arr = realloc(p->instances, (p->instance_count + 1) * sizeof *arr);
    if (!arr) return snprintf(err, errlen, "out of memory"), -1;
    p->instances = arr;
    pc_instance *in = &arr[p->instance_count];
    memset(in, 0, sizeof *in);
    in->name = strdup(iname);
    in->kind = kind;
    in->plugin = pl;
    in->line = item->line;
    p->instance_count++;
    char what[160];
    snprintf(what, sizeof what, "%s instance '%s'", list_name, iname);
    /* an unknown key is reported against both lists: the core's and the plugin's */
    for (size_t k = 0; k < item->count; k++) {
        const char *key = item->keys[k];
        if (!strcmp(key, "name") || !strcmp(key, "plugin") || key_in(core_keys, key) ||
            key_in(pl->desc->config, key))
            continue;
        int n = snprintf(err, errlen, "%s:%d:%d: unknown key '%s' in %s (plugin %s); plugin keys:",
                         item->file, item->key_lines[k], item->key_cols[k], key, what, pl->desc->name);
        for (const proctor_config_key *c = pl->desc->config; c && c->name && n > 0 && (size_t)n < errlen; c++)
            n += snprintf(err + n, errlen - (size_t)n, " %s", c->name);
        for (const proctor_config_key *c = core_keys; c->name && n > 0 && (size_t)n < errlen; c++)
            n += snprintf(err + n, errlen - (size_t)n, "%s%s", c == core_keys ? "; core keys: " : ", ", c->name);
        return -1;
    }
    /* core keys: skip name, plugin and every key the plugin declares */
    const char *skip_core[128];
    size_t ns = 0;
    skip_core[ns++] = "name";
    skip_core[ns++] = "plugin";
    for (const proctor_config_key *k = pl->desc->config; k && k->name && ns < 127; k++)
        if (!key_in(core_keys, k->name)) skip_core[ns++] = k->name;
    skip_core[ns] = NULL;
    if (pc_settings_build(&in->core, core_keys, item, skip_core, what, err, errlen)) return -1;
    const char *skip_plugin[64];
    core_key_names(core_keys, pl->desc->config, skip_plugin, 64);
    snprintf(what, sizeof what, "%s instance '%s' (plugin %s)", list_name, iname, pl->desc->name);
    return pc_settings_build(&in->config, pl->desc->config, item, skip_plugin, what, err, errlen);
}

static int load_root(pc_pipeline *p, pc_registry *reg, char *err, size_t errlen)
{
    const pc_node *root = p->root;
    if (root->type != PC_NODE_MAP) {
        snprintf(err, errlen, "%s:%d:%d: the pipeline must be a map of sections", root->file,
                 root->line, root->col);
        return -1;
    }
    for (size_t i = 0; i < root->count; i++) {
        int known = 0;
        for (size_t s = 0; s < NSECTIONS; s++) known |= strcmp(root->keys[i], sections[s].name) == 0;
        for (size_t l = 0; l < NLISTS; l++) known |= strcmp(root->keys[i], lists[l].name) == 0;
        if (!known) {
            snprintf(err, errlen,
                     "%s:%d:%d: unknown section '%s' (known: cache, challenge, augment, miners, "
                     "wallet, log, sources, generators, scorers)",
                     root->file, root->key_lines[i], root->key_cols[i], root->keys[i]);
            return -1;
        }
    }
    for (size_t s = 0; s < NSECTIONS; s++) {
        pc_settings *dst = (pc_settings *)((char *)p + sections[s].offset);
        if (pc_settings_build(dst, sections[s].keys, pc_yaml_get(root, sections[s].name),
                              sections[s].skip, sections[s].name, err, errlen))
            return -1;
    }
    const pc_node *miners = pc_yaml_get(root, "miners");
    p->neurons = miners ? pc_yaml_get(miners, "neurons") : NULL;
    if (p->neurons && p->neurons->type != PC_NODE_SEQ && !pc_yaml_is_null(p->neurons)) {
        snprintf(err, errlen, "%s:%d:%d: miners.neurons must be a list", p->neurons->file,
                 p->neurons->line, p->neurons->col);
        return -1;
    }
    for (size_t l = 0; l < NLISTS; l++) {
        const pc_node *list = pc_yaml_get(root, lists[l].name);
        if (!list || pc_yaml_is_null(list)) continue;
        if (list->type != PC_NODE_SEQ) {
            snprintf(err, errlen, "%s:%d:%d: '%s' must be a list of instances (- name: ...)",
                     list->file, list->line, list->col, lists[l].name);
            return -1;
        }
        for (size_t i = 0; i < list->count; i++)
            if (load_instance(p, list->items[i], lists[l].kind, lists[l].core_keys, lists[l].name,
                              reg, err, errlen))
                return -1;
    }
    return pc_config_build(p, err, errlen);
}

static int finish(pc_pipeline *p, const char *name, pc_registry *reg, char *err, size_t errlen)
{
    p->path = strdup(name);
    if (!p->root || !p->path || load_root(p, reg, err, errlen) != 0) {
        pc_pipeline_free(p);
        return -1;
    }
    return 0;
}

int pc_pipeline_load_file(pc_pipeline *p, const char *path, pc_registry *reg, char *err,
                          size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->root = pc_yaml_load_file(path, err, errlen);
    if (!p->root) return -1;
    p->from_file = 1;
    return finish(p, path, reg, err, errlen);
}

int pc_pipeline_load_string(pc_pipeline *p, const char *text, const char *name,
                            pc_registry *reg, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->root = pc_yaml_load_string(text, name, err, errlen);
    if (!p->root) return -1;
    return finish(p, name, reg, err, errlen);
}

void pc_pipeline_free(pc_pipeline *p)
{
    pc_config_free(&p->cfg);
    for (size_t s = 0; s < NSECTIONS; s++)
        pc_settings_free((pc_settings *)((char *)p + sections[s].offset));
    for (size_t i = 0; i < p->instance_count; i++) {
        free(p->instances[i].name);
        pc_settings_free(&p->instances[i].core);
        pc_settings_free(&p->instances[i].config);
    }
    free(p->instances);
    pc_yaml_free(p->root);
    free(p->path);
    memset(p, 0, sizeof *p);
}

const pc_instance *pc_pipeline_find(const pc_pipeline *p, const char *name)
{
    for (size_t i = 0; i < p->instance_count; i++)
        if (strcmp(p->instances[i].name, name) == 0) return &p->instances[i];
    return NULL;
}

void pc_pipeline_print(const pc_pipeline *p, FILE *f)
{
    fprintf(f, "# effective configuration of %s (defaults filled in, secrets masked)\n", p->path);
    for (size_t s = 0; s < NSECTIONS; s++) {
        fprintf(f, "%s:\n", sections[s].name);
        pc_settings_print((const pc_settings *)((const char *)p + sections[s].offset), f, 2);
        if (s == 3 && p->neurons) fprintf(f, "  neurons: [%zu inline entries]\n", p->neurons->count);
    }
    for (size_t l = 0; l < NLISTS; l++) {
        fprintf(f, "%s:\n", lists[l].name);
        size_t n = 0;
        for (size_t i = 0; i < p->instance_count; i++) {
            const pc_instance *in = &p->instances[i];
            if (in->kind != lists[l].kind) continue;
            n++;
            fprintf(f, "  - name: \"%s\"\n    plugin: \"%s\"   # %s %s, %s\n", in->name,
                    in->plugin->desc->name, in->plugin->desc->version, in->plugin->path,
                    in->plugin->desc->description);
            pc_settings_print(&in->core, f, 4);
            pc_settings_print(&in->config, f, 4);
        }
        if (!n) fprintf(f, "  []\n");
    }
}

char *pc_pipeline_cache_root(const pc_pipeline *p) { return strdup(p->cfg.cache.root); }

char *pc_pipeline_state_dir(const pc_pipeline *p) { return strdup(p->cfg.challenge.state_dir); }

pc_cache *pc_pipeline_open_cache(const pc_pipeline *p, char *err, size_t errlen)
{
    return pc_cache_open(p->cfg.cache.root, p->cfg.cache.budget, err, errlen);
}
