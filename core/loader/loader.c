/* plugins.c — see plugins.h. */
#include "loader/loader.h"
#include "base/log.h"
#include "base/fsutil.h"

#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *pc_kind_name(proctor_kind kind)
{
    switch (kind) {
    case PROCTOR_KIND_SOURCE: return "source";
    case PROCTOR_KIND_GENERATOR: return "generator";
    case PROCTOR_KIND_SCORER: return "scorer";
    }
    return "unknown";
}

const char *pc_config_type_name(proctor_config_type type)
{
    switch (type) {
    case PROCTOR_CFG_STRING: return "string";
    case PROCTOR_CFG_INT: return "int";
    case PROCTOR_CFG_DOUBLE: return "double";
    case PROCTOR_CFG_BOOL: return "bool";
    case PROCTOR_CFG_SECRET: return "secret";
    case PROCTOR_CFG_LIST: return "list";
    case PROCTOR_CFG_SIZE: return "size";
    case PROCTOR_CFG_DURATION: return "duration";
    }
    return "?";
}

static void add_dir(pc_registry *reg, const char *dir)
{
    if (!dir || !*dir) return;
    char real[PATH_MAX];
    const char *d = realpath(dir, real) ? real : dir;
    for (size_t i = 0; i < reg->dir_count; i++)
        if (strcmp(reg->dirs[i], d) == 0) return;
    char **dirs = realloc(reg->dirs, (reg->dir_count + 1) * sizeof *dirs);
    if (!dirs) return;
    reg->dirs = dirs;
    if ((dirs[reg->dir_count] = strdup(d))) reg->dir_count++;
}

void pc_registry_init(pc_registry *reg)
{
    memset(reg, 0, sizeof *reg);
    const char *env = getenv("PROCTOR_PLUGIN_PATH");
    if (env) {
        char *copy = strdup(env), *save = NULL;
        for (char *t = copy ? strtok_r(copy, ":", &save) : NULL; t; t = strtok_r(NULL, ":", &save))
            add_dir(reg, t);
        free(copy);
    }
    char exe[PATH_MAX];
    if (pc_self_dir(exe, sizeof exe) == 0) {
        char dir[PATH_MAX + 32];
        snprintf(dir, sizeof dir, "%s/plugins", exe);
        add_dir(reg, dir);
        /* tests and benches live one level below the build directory */
        snprintf(dir, sizeof dir, "%s/../plugins", exe);
        add_dir(reg, dir);
        snprintf(dir, sizeof dir, "%s/../lib/proctor/plugins", exe);
        add_dir(reg, dir);
    }
#ifdef PROCTOR_PREFIX
    add_dir(reg, PROCTOR_PREFIX "/lib/proctor/plugins");
#endif
}

void pc_registry_free(pc_registry *reg)
{
    for (size_t i = 0; i < reg->count; i++) {
        /* handles stay open: instances may still point into them during shutdown */
        free(reg->plugins[i]->path);
        free(reg->plugins[i]->keys);
        free(reg->plugins[i]);
    }
    for (size_t i = 0; i < reg->refused_count; i++) {
        free(reg->refused[i].path);
        free(reg->refused[i].reason);
    }
    for (size_t i = 0; i < reg->dir_count; i++) free(reg->dirs[i]);
    free(reg->plugins);
    free(reg->refused);
    free(reg->dirs);
    memset(reg, 0, sizeof *reg);
}

static int valid_name(const char *s)
{
    if (!s || !*s || strlen(s) > 64) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
    return 1;
}

/* The element size of the plugin's key table: fixed per ABI minor (sdk/proctor.h). */
static size_t key_stride(const proctor_plugin *d)
{
    return d->abi_minor == 0 ? PROCTOR_CONFIG_KEY_SIZE_1_0 : sizeof(proctor_config_key);
}

/* The i-th key of the plugin's table, copied into this core's layout (fields beyond the
 * plugin's stride stay zero). */
static proctor_config_key key_at(const proctor_plugin *d, size_t stride, size_t i)
{
    proctor_config_key k;
    memset(&k, 0, sizeof k);
    memcpy(&k, (const char *)d->config + i * stride, stride < sizeof k ? stride : sizeof k);
    return k;
}

static size_t ops_size_of(proctor_kind kind)
{
    switch (kind) {
    case PROCTOR_KIND_SOURCE: return sizeof(proctor_source_ops);
    case PROCTOR_KIND_GENERATOR: return sizeof(proctor_generator_ops);
    case PROCTOR_KIND_SCORER: return sizeof(proctor_scorer_ops);
    }
    return 0;
}

/* The 1.0 layout of every ops table: size + create + the kind's op + destroy. */
#define OPS_SIZE_1_0 (sizeof(size_t) + 3 * sizeof(void (*)(void)))

int pc_plugin_check(const proctor_plugin *d, char *why, size_t whylen)
{
    if (!d) return snprintf(why, whylen, "not a proctor plugin (entry returned no descriptor)"), -1;
    if (d->abi_major != PROCTOR_ABI_MAJOR || d->abi_minor > PROCTOR_ABI_MINOR)
        return snprintf(why, whylen, "built for ABI %u.%u, this core speaks %d.%d%s",
                        (unsigned)d->abi_major, (unsigned)d->abi_minor, PROCTOR_ABI_MAJOR,
                        PROCTOR_ABI_MINOR,
                        d->abi_major == PROCTOR_ABI_MAJOR ? " (plugin needs a newer core)"
                                                          : " (rebuild it against this sdk)"),
               -1;
    if (d->size < PC_DESCRIPTOR_SIZE_1_0)
        return snprintf(why, whylen, "descriptor too small (%u bytes, the 1.0 layout has %zu)",
                        (unsigned)d->size, (size_t)PC_DESCRIPTOR_SIZE_1_0),
               -1;
    if (!valid_name(d->name))
        return snprintf(why, whylen, "invalid plugin name (want [a-z0-9_]+)"), -1;
    if (!d->version || !d->description)
        return snprintf(why, whylen, "descriptor lacks version or description"), -1;
    size_t stride = key_stride(d);
    for (size_t i = 0; d->config; i++) {
        proctor_config_key k = key_at(d, stride, i);
        if (!k.name) break;
        if (i >= 1024) return snprintf(why, whylen, "config key table has no end (1024 keys read)"), -1;
        if (k.type < PROCTOR_CFG_STRING || k.type > PROCTOR_CFG_DURATION)
            return snprintf(why, whylen, "config key '%s' has an unknown type %d", k.name, (int)k.type), -1;
    }
    if (d->kind != PROCTOR_KIND_SOURCE && d->kind != PROCTOR_KIND_GENERATOR && d->kind != PROCTOR_KIND_SCORER)
        return snprintf(why, whylen, "unknown plugin kind %d", (int)d->kind), -1;
    if (!d->ops) return snprintf(why, whylen, "missing required op 'ops'"), -1;
    size_t ops_size = *(const size_t *)d->ops;
    if (ops_size < OPS_SIZE_1_0)
        return snprintf(why, whylen, "%s ops table too small (%zu bytes, the 1.0 layout has %zu)",
                        pc_kind_name(d->kind), ops_size, (size_t)OPS_SIZE_1_0),
               -1;
    /* every kind's 1.0 table is size, create, <op>, destroy: all three required */
    void (*fns[3])(void);
    memcpy(fns, (const char *)d->ops + sizeof(size_t), sizeof fns);
    static const char *const names[][3] = {{"create", "refresh", "destroy"},
                                           {"create", "generate", "destroy"},
                                           {"create", "score", "destroy"}};
    for (int i = 0; i < 3; i++)
        if (!fns[i]) return snprintf(why, whylen, "missing required op '%s'", names[d->kind - 1][i]), -1;
    return 0;
}

/* Copy the plugin's descriptor, keys and ops into p's full-size, zero-filled structs. */
static int normalise(pc_plugin *p, const proctor_plugin *d)
{
    memset(&p->desc_copy, 0, sizeof p->desc_copy);
    memcpy(&p->desc_copy, d, d->size < sizeof p->desc_copy ? d->size : sizeof p->desc_copy);
    p->desc_copy.size = sizeof p->desc_copy; /* abi_minor stays the plugin's, for listings */
    size_t stride = key_stride(d), n = 0;
    while (d->config && key_at(d, stride, n).name) n++;
    if (d->config) {
        if (!(p->keys = calloc(n + 1, sizeof *p->keys))) return -1;
        for (size_t i = 0; i < n; i++) p->keys[i] = key_at(d, stride, i);
    }
    p->desc_copy.config = p->keys;
    size_t have = *(const size_t *)d->ops, want = ops_size_of(d->kind);
    memset(&p->ops, 0, sizeof p->ops);
    memcpy(&p->ops, d->ops, have < want ? have : want);
    p->ops.source.size = want;
    p->desc_copy.ops = &p->ops;
    p->desc = &p->desc_copy;
    return 0;
}

static void refuse(pc_registry *reg, const char *path, const char *reason)
{
    for (size_t i = 0; i < reg->refused_count; i++)
        if (strcmp(reg->refused[i].path, path) == 0) return;
    pc_refusal *r = realloc(reg->refused, (reg->refused_count + 1) * sizeof *r);
    if (!r) return;
    reg->refused = r;
    r[reg->refused_count].path = strdup(path);
    r[reg->refused_count].reason = strdup(reason);
    reg->refused_count++;
}

const pc_plugin *pc_registry_load_file(pc_registry *reg, const char *path, char *err,
                                       size_t errlen)
{
    char real[PATH_MAX];
    char why[512];
    if (!realpath(path, real)) {
        snprintf(err, errlen, "%s: plugin file not found", path);
        refuse(reg, path, "plugin file not found");
        return NULL;
    }
    for (size_t i = 0; i < reg->count; i++)
        if (strcmp(reg->plugins[i]->path, real) == 0) return reg->plugins[i];
    for (size_t i = 0; i < reg->refused_count; i++)
        if (strcmp(reg->refused[i].path, real) == 0) {
            snprintf(err, errlen, "%s: %s", real, reg->refused[i].reason);
            return NULL;
        }
    dlerror();
    void *h = dlopen(real, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(why, sizeof why, "cannot be loaded: %s", e ? e : "unknown dlopen error");
        goto refused;
    }
    proctor_entry_fn entry;
    *(void **)&entry = dlsym(h, PROCTOR_ENTRY_SYMBOL);
    if (!entry) {
        snprintf(why, sizeof why, "not a proctor plugin (no %s symbol)", PROCTOR_ENTRY_SYMBOL);
        dlclose(h);
        goto refused;
    }
    const proctor_plugin *d = entry();
    if (pc_plugin_check(d, why, sizeof why) != 0) {
        dlclose(h);
        goto refused;
    }
    for (size_t i = 0; i < reg->count; i++)
        if (reg->plugins[i]->desc->kind == d->kind && strcmp(reg->plugins[i]->desc->name, d->name) == 0) {
            snprintf(why, sizeof why, "duplicate %s plugin name '%s' (already loaded from %s)",
                     pc_kind_name(d->kind), d->name, reg->plugins[i]->path);
            dlclose(h);
            goto refused;
        }
    pc_plugin **list = realloc(reg->plugins, (reg->count + 1) * sizeof *list);
    pc_plugin *p = calloc(1, sizeof *p);
    if (list) reg->plugins = list;
    if (!list || !p || !(p->path = strdup(real))) {
        free(p);
        snprintf(why, sizeof why, "out of memory");
        dlclose(h);
        goto refused;
    }
    p->handle = h;
    if (normalise(p, d) != 0) {
        free(p->path);
        free(p);
        snprintf(why, sizeof why, "out of memory");
        dlclose(h);
        goto refused;
    }
    reg->plugins[reg->count++] = p;
    return p;
refused:
    snprintf(err, errlen, "%s: %s", real, why);
    refuse(reg, real, why);
    return NULL;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

void pc_registry_scan(pc_registry *reg)
{
    for (size_t i = 0; i < reg->dir_count; i++) {
        DIR *d = opendir(reg->dirs[i]);
        if (!d) continue;
        char **names = NULL;
        size_t n = 0;
        for (struct dirent *e; (e = readdir(d));) {
            if (e->d_name[0] == '.' || !ends_with(e->d_name, ".so")) continue;
            char **nn = realloc(names, (n + 1) * sizeof *nn);
            if (!nn) break;
            names = nn;
            names[n++] = strdup(e->d_name);
        }
        closedir(d);
        /* sorted for a stable listing */
        for (size_t a = 0; a < n; a++)
            for (size_t b = a + 1; b < n; b++)
                if (names[a] && names[b] && strcmp(names[a], names[b]) > 0) {
                    char *t = names[a];
                    names[a] = names[b];
                    names[b] = t;
                }
        for (size_t j = 0; j < n; j++) {
            if (!names[j]) continue;
            char path[PATH_MAX + 256], err[600];
            snprintf(path, sizeof path, "%s/%s", reg->dirs[i], names[j]);
            pc_registry_load_file(reg, path, err, sizeof err);
            free(names[j]);
        }
        free(names);
    }
}

/* A plugin named by path that has the name of one in the search path hides that one: say so
 * once, so an operator who dropped in a replacement knows it is the one running. */
static void warn_shadow(pc_registry *reg, const pc_plugin *p)
{
    for (size_t i = 0; i < reg->dir_count; i++)
        for (int k = 0; k < 2; k++) {
            char path[PATH_MAX + 256], real[PATH_MAX];
            if (k == 0) snprintf(path, sizeof path, "%s/%s.so", reg->dirs[i], p->desc->name);
            else snprintf(path, sizeof path, "%s/%s_%s.so", reg->dirs[i], pc_kind_name(p->desc->kind), p->desc->name);
            if (!realpath(path, real) || strcmp(real, p->path) == 0) continue;
            pc_log(PROCTOR_LOG_WARNING, "%s plugin '%s' from %s shadows the one of the same name in %s",
                   pc_kind_name(p->desc->kind), p->desc->name, p->path, real);
            return;
        }
}

const pc_plugin *pc_registry_get(pc_registry *reg, proctor_kind kind, const char *ref,
                                 char *err, size_t errlen)
{
    if (strchr(ref, '/') || ends_with(ref, ".so")) {
        const pc_plugin *p = pc_registry_load_file(reg, ref, err, errlen);
        if (p && p->desc->kind != kind) {
            snprintf(err, errlen, "%s: is a %s plugin, not a %s", p->path,
                     pc_kind_name(p->desc->kind), pc_kind_name(kind));
            return NULL;
        }
        if (p) warn_shadow(reg, p);
        return p;
    }
    for (size_t i = 0; i < reg->count; i++)
        if (reg->plugins[i]->desc->kind == kind && strcmp(reg->plugins[i]->desc->name, ref) == 0)
            return reg->plugins[i];
    char first_err[600] = "";
    for (size_t i = 0; i < reg->dir_count; i++) {
        const char *patterns[] = {"%s/%s.so", "%s/%s_%s.so"};
        for (int k = 0; k < 2; k++) {
            char path[PATH_MAX + 256];
            if (k == 0) snprintf(path, sizeof path, patterns[0], reg->dirs[i], ref);
            else snprintf(path, sizeof path, patterns[1], reg->dirs[i], pc_kind_name(kind), ref);
            struct stat st;
            if (stat(path, &st) != 0) continue;
            char e[600];
            const pc_plugin *p = pc_registry_load_file(reg, path, e, sizeof e);
            if (!p) {
                if (!first_err[0]) snprintf(first_err, sizeof first_err, "%s", e);
                continue;
            }
            if (p->desc->kind == kind && strcmp(p->desc->name, ref) == 0) return p;
        }
    }
    if (first_err[0]) snprintf(err, errlen, "%s plugin '%s': %s", pc_kind_name(kind), ref, first_err);
    else snprintf(err, errlen, "no %s plugin named '%s' in the plugin path (see `proctor plugins`)",
                  pc_kind_name(kind), ref);
    return NULL;
}
