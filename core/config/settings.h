/* settings.h — a YAML map validated against a table of declared keys (proctor_config_key):
 * types checked, defaults filled, unknown keys rejected with file:line:col. Used for the core's
 * own sections and for every plugin instance's keys alike. */
#ifndef PC_SETTINGS_H
#define PC_SETTINGS_H

#include "proctor.h"
#include "base/yamltree.h"
#include <stdint.h>
#include <stdio.h>

typedef struct pc_setting {
    const char *key;  /* from the key table (static) */
    proctor_config_type type;
    const char *help;
    char *text;       /* effective value as text; NULL = unset optional */
    int64_t i;        /* INT, SIZE, BOOL */
    double d;         /* DOUBLE, DURATION (seconds) */
    char **list;      /* LIST */
    size_t list_len;
    int line;         /* 0 = default */
    int col;
    const char *file; /* borrowed from the YAML tree; NULL for a default */
} pc_setting;

typedef struct pc_settings {
    pc_setting *items;
    size_t count;
} pc_settings;

/* Validate `map` (may be NULL: all defaults) against `keys`: types, then each key's bounds
 * (min/max, for lists the item count) and choices. Keys listed in `skip` (NULL-ended)
 * are left alone (the caller handles them). `what` names the section in messages. */
int pc_settings_build(pc_settings *out, const proctor_config_key *keys, const pc_node *map,
                      const char *const *skip, const char *what, char *err, size_t errlen);
void pc_settings_free(pc_settings *s);

const pc_setting *pc_settings_find(const pc_settings *s, const char *key);
const char *pc_settings_string(const pc_settings *s, const char *key);
int64_t pc_settings_int(const pc_settings *s, const char *key);
double pc_settings_double(const pc_settings *s, const char *key);
int pc_settings_bool(const pc_settings *s, const char *key);

/* "file:line:col" of a setting the YAML gave, "<where>" for a default (for messages). */
const char *pc_setting_where(const pc_setting *s, const char *where, char *buf, size_t len);

/* Print "key: value   # help" lines, secrets as "***". */
void pc_settings_print(const pc_settings *s, FILE *f, int indent);

/* Parsers shared with the CLI: "10GiB" -> bytes, "90s"/"15m"/"2h" -> seconds. 0 on success. */
int pc_parse_size(const char *text, int64_t *out);
int pc_parse_duration(const char *text, double *out);
int pc_parse_bool(const char *text, int *out);

/* "~/x" -> "$HOME/x" (malloc'd). */
char *pc_expand_home(const char *path);

#endif
