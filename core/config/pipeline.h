/* pipeline.h — pipeline.yaml: the core's sections (cache, challenge, augment, miners, wallet,
 * log) and the plugin instances (sources, generators, scorers), validated with file:line:col.
 * The reference for every key is `proctor check` (effective config) and README.md. */
#ifndef PC_PIPELINE_H
#define PC_PIPELINE_H

#include "config/config.h"
#include "loader/loader.h"
#include "config/settings.h"
#include "base/yamltree.h"
#include <stdio.h>

typedef struct pc_instance {
    char *name;
    proctor_kind kind;
    const pc_plugin *plugin;
    pc_settings core;   /* the core's keys for this kind of instance (interval, weight, ...) */
    pc_settings config; /* the plugin's declared keys */
    int line;
} pc_instance;

typedef struct pc_pipeline {
    char *path;     /* file it came from ("<embedded demo>" for the default) */
    int from_file;  /* plugin paths are relative to the directory of `path` */
    pc_node *root;
    pc_settings cache, challenge, augment, miners, wallet, log;
    const pc_node *neurons; /* miners.neurons inline list, borrowed from root (may be NULL) */
    pc_instance *instances;
    size_t instance_count;
    pc_config cfg; /* the core sections as typed values (config.h) */
} pc_pipeline;

/* Load and validate. Plugins are resolved through `reg`. Returns 0, or -1 with one line
 * "file:line:col: problem" in err. */
int pc_pipeline_load_file(pc_pipeline *p, const char *path, pc_registry *reg, char *err,
                          size_t errlen);
int pc_pipeline_load_string(pc_pipeline *p, const char *text, const char *name,
                            pc_registry *reg, char *err, size_t errlen);
void pc_pipeline_free(pc_pipeline *p);

const pc_instance *pc_pipeline_find(const pc_pipeline *p, const char *name);

/* The effective configuration, defaults filled in, secrets masked. */
void pc_pipeline_print(const pc_pipeline *p, FILE *f);

/* Paths derived from the config (malloc'd, "~" expanded). */
char *pc_pipeline_cache_root(const pc_pipeline *p);
char *pc_pipeline_state_dir(const pc_pipeline *p);

/* The cache the pipeline describes (root and budgets), opened; NULL with err. */
struct pc_cache *pc_pipeline_open_cache(const pc_pipeline *p, char *err, size_t errlen);

/* The embedded default pipeline (the demo), generated from pipeline.yaml at build time. */
extern const char pc_default_pipeline[];

#endif
