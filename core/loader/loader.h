/* plugins.h — finding, loading and checking plugin shared objects (DESIGN.md section 4).
 * Every refusal is recorded as one line naming the file and the reason; the rest still load. */
#ifndef PC_PLUGINS_H
#define PC_PLUGINS_H

#include "proctor.h"
#include <stddef.h>
#include <stdint.h>

/* A loaded plugin. The core never reads the plugin's own descriptor, key table or ops table
 * past what the plugin declared: it copies them, as far as their sizes reach, into full-size
 * structs of this core's layout (the rest zero), and `desc` points at those copies. */
typedef struct pc_plugin {
    char *path;                 /* resolved file */
    void *handle;               /* dlopen handle */
    const proctor_plugin *desc; /* checked descriptor: &desc_copy */
    proctor_plugin desc_copy;   /* .config -> keys, .ops -> &ops */
    proctor_config_key *keys;   /* NULL-name terminated, this core's layout (NULL for none) */
    union {
        proctor_source_ops source;
        proctor_generator_ops generator;
        proctor_scorer_ops scorer;
    } ops;
} pc_plugin;

typedef struct pc_refusal {
    char *path;
    char *reason;
} pc_refusal;

typedef struct pc_registry {
    pc_plugin **plugins; /* stable pointers: callers keep them */
    size_t count;
    pc_refusal *refused;
    size_t refused_count;
    char **dirs; /* search path, in order */
    size_t dir_count;
} pc_registry;

/* Search path: $PROCTOR_PLUGIN_PATH (colon-separated), <dir of the binary>/plugins,
 * <dir of the binary>/../lib/proctor/plugins, PREFIX/lib/proctor/plugins. */
void pc_registry_init(pc_registry *reg);
void pc_registry_free(pc_registry *reg);

/* Load every *.so in the search path (for `proctor plugins`). */
void pc_registry_scan(pc_registry *reg);

/* Find a plugin by kind + name, loading it from the search path on first use ("name.so",
 * "<kind>_name.so"); or, when `ref` contains a '/' or ends in ".so", load that file.
 * NULL with a one-line reason in err otherwise. */
const pc_plugin *pc_registry_get(pc_registry *reg, proctor_kind kind, const char *ref,
                                 char *err, size_t errlen);

/* Load one file and check it. Returns the plugin, or NULL with the reason recorded. */
const pc_plugin *pc_registry_load_file(pc_registry *reg, const char *path, char *err,
                                       size_t errlen);

/* The smallest descriptor this core accepts: the 1.0 layout, up to and including `ops`. */
#define PC_DESCRIPTOR_SIZE_1_0 (offsetof(proctor_plugin, ops) + sizeof(void *))

/* Check a descriptor against this core's ABI; 0 or -1 with the reason. */
int pc_plugin_check(const proctor_plugin *d, char *why, size_t whylen);

const char *pc_kind_name(proctor_kind kind);
const char *pc_config_type_name(proctor_config_type type);

#endif
