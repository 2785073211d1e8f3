/* settings.c — see settings.h. */
#include "config/settings.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int pc_parse_bool(const char *t, int *out)
{
    static const char *yes[] = {"true", "yes", "on", "1"}, *no[] = {"false", "no", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(t, yes[i]) == 0) return *out = 1, 0;
        if (strcasecmp(t, no[i]) == 0) return *out = 0, 0;
    }
    return -1;
}

static int parse_int(const char *t, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(t, &end, 0);
    if (errno || end == t || *end) return -1;
    *out = v;
    return 0;
}

static int parse_double(const char *t, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(t, &end);
    if (errno || end == t || *end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

typedef struct unit {
    const char *suffix;
    double mult;
} unit;

/* A non-negative finite number, optional spaces, then one of the suffixes: value * mult. */
static int parse_with_unit(const char *t, const unit *units, size_t n, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(t, &end);
    if (errno || end == t || !isfinite(v) || v < 0) return -1;
    while (*end == ' ') end++;
    for (size_t i = 0; i < n; i++)
        if (strcmp(end, units[i].suffix) == 0) {
            *out = v * units[i].mult;
            return 0;
        }
    return -1;
}

int pc_parse_size(const char *t, int64_t *out)
{
    static const unit units[] = {
        {"", 1},        {"B", 1},           {"K", 1024.0},       {"KB", 1e3},
        {"KiB", 1024.0}, {"M", 1048576.0},  {"MB", 1e6},         {"MiB", 1048576.0},
        {"G", 1073741824.0}, {"GB", 1e9},   {"GiB", 1073741824.0}, {"T", 1099511627776.0},
        {"TB", 1e12},   {"TiB", 1099511627776.0},
    };
    double bytes;
    if (parse_with_unit(t, units, sizeof units / sizeof units[0], &bytes) || bytes > 9.0e18) return -1;
    *out = (int64_t)bytes;
    return 0;
}

int pc_parse_duration(const char *t, double *out)
{
    static const unit units[] = {
        {"", 1}, {"ms", 0.001}, {"s", 1}, {"m", 60}, {"min", 60}, {"h", 3600}, {"d", 86400},
    };
    return parse_with_unit(t, units, sizeof units / sizeof units[0], out);
}

char *pc_expand_home(const char *path)
{
    if (!path) return NULL;
    if (path[0] == '~' && (path[1] == '/' || path[1] == 0)) {
        const char *home = getenv("HOME");
        if (!home) home = "/";
        size_t n = strlen(home) + strlen(path) + 1;
        char *out = malloc(n);
        if (out) snprintf(out, n, "%s%s", home, path + 1);
        return out;
    }
    return strdup(path);
}

static const char *type_name(proctor_config_type t)
{
    switch (t) {
    case PROCTOR_CFG_STRING: return "a string";
    case PROCTOR_CFG_INT: return "an integer";
    case PROCTOR_CFG_DOUBLE: return "a number";
    case PROCTOR_CFG_BOOL: return "true or false";
    case PROCTOR_CFG_SECRET: return "a string";
    case PROCTOR_CFG_LIST: return "a list of strings";
    case PROCTOR_CFG_SIZE: return "a size (e.g. 500MB, 10GiB)";
    case PROCTOR_CFG_DURATION: return "a duration (e.g. 90s, 15m, 2h)";
    }
    return "a value";
}

/* Parse one scalar text into the typed fields. */
static int set_scalar(pc_setting *s, const char *text)
{
    switch (s->type) {
    case PROCTOR_CFG_STRING:
    case PROCTOR_CFG_SECRET: break;
    case PROCTOR_CFG_INT:
        if (parse_int(text, &s->i)) return -1;
        s->d = (double)s->i;
        break;
    case PROCTOR_CFG_DOUBLE:
        if (parse_double(text, &s->d)) return -1;
        break;
    case PROCTOR_CFG_BOOL: {
        int b;
        if (pc_parse_bool(text, &b)) return -1;
        s->i = b;
        break;
    }
    case PROCTOR_CFG_SIZE:
        if (pc_parse_size(text, &s->i)) return -1;
        s->d = (double)s->i;
        break;
    case PROCTOR_CFG_DURATION:
        if (pc_parse_duration(text, &s->d)) return -1;
        break;
    case PROCTOR_CFG_LIST: return -1;
    }
    free(s->text);
    s->text = strdup(text);
    return s->text ? 0 : -1;
}

static int list_push(pc_setting *s, const char *v)
{
    char **l = realloc(s->list, (s->list_len + 1) * sizeof *l);
    if (!l) return -1;
    s->list = l;
    if (!(l[s->list_len] = strdup(v))) return -1;
    s->list_len++;
    return 0;
}

/* Defaults of LIST keys are written as "a, b, c" or "[a, b, c]". */
static int set_list_default(pc_setting *s, const char *def)
{
    char *copy = strdup(def), *save = NULL;
    if (!copy) return -1;
    char *p = copy;
    if (*p == '[') p++;
    char *close = strrchr(p, ']');
    if (close) *close = 0;
    for (char *tok = strtok_r(p, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*tok)) tok++;
        char *e = tok + strlen(tok);
        while (e > tok && isspace((unsigned char)e[-1])) *--e = 0;
        if (*tok && list_push(s, tok)) {
            free(copy);
            return -1;
        }
    }
    free(copy);
    s->text = strdup(def);
    return 0;
}

const char *pc_setting_where(const pc_setting *s, const char *where, char *buf, size_t len)
{
    if (s->file && s->line) snprintf(buf, len, "%s:%d:%d", s->file, s->line, s->col);
    else snprintf(buf, len, "%s (default)", where);
    return buf;
}

/* A bound in YAML spelling, parsed as the key's type; 0 on success. */
static int parse_bound(proctor_config_type type, const char *text, double *out)
{
    int64_t i;
    switch (type) {
    case PROCTOR_CFG_INT:
    case PROCTOR_CFG_LIST:
        if (parse_int(text, &i)) return -1;
        *out = (double)i;
        return 0;
    case PROCTOR_CFG_SIZE:
        if (pc_parse_size(text, &i)) return -1;
        *out = (double)i;
        return 0;
    case PROCTOR_CFG_DOUBLE: return parse_double(text, out);
    case PROCTOR_CFG_DURATION: return pc_parse_duration(text, out);
    default: return -1;
    }
}

static int one_of(const char *v, const char *const *choices, char *why, size_t len)
{
    for (const char *const *c = choices; *c; c++)
        if (strcmp(*c, v) == 0) return 0;
    int n = snprintf(why, len, "must be one of");
    for (const char *const *c = choices; *c && n > 0 && (size_t)n < len; c++)
        n += snprintf(why + n, len - (size_t)n, "%s %s", c == choices ? "" : " |", *c);
    if (n > 0 && (size_t)n < len) snprintf(why + n, len - (size_t)n, ", got '%s'", v);
    return -1;
}

/* The key's declared bounds and choices (sdk/proctor.h); 0, or -1 with the reason. */
static int check_bounds(const proctor_config_key *key, const pc_setting *s, char *why, size_t len)
{
    if (!s->text) return 0; /* an unset optional value */
    if (key->choices) {
        if (s->type == PROCTOR_CFG_LIST) {
            for (size_t i = 0; i < s->list_len; i++)
                if (one_of(s->list[i], key->choices, why, len)) return -1;
        } else if (one_of(s->text, key->choices, why, len)) {
            return -1;
        }
    }
    double v = s->type == PROCTOR_CFG_LIST ? (double)s->list_len : s->d, lo, hi;
    const char *items = s->type == PROCTOR_CFG_LIST ? " items" : "";
    if (key->min && parse_bound(s->type, key->min, &lo) == 0 && !(v >= lo))
        return snprintf(why, len, "must be at least %s%s, got %s", key->min, items,
                        s->type == PROCTOR_CFG_LIST ? "fewer" : s->text), -1;
    if (key->max && parse_bound(s->type, key->max, &hi) == 0 && !(v <= hi))
        return snprintf(why, len, "must be at most %s%s, got %s", key->max, items,
                        s->type == PROCTOR_CFG_LIST ? "more" : s->text), -1;
    return 0;
}

static int in_list(const char *key, const char *const *list)
{
    for (; list && *list; list++)
        if (strcmp(*list, key) == 0) return 1;
    return 0;
}

int pc_settings_build(pc_settings *out, const proctor_config_key *keys, const pc_node *map,
                      const char *const *skip, const char *what, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    size_t nkeys = 0;
    while (keys && keys[nkeys].name) nkeys++;
    if (map && map->type != PC_NODE_MAP && !pc_yaml_is_null(map)) {
        snprintf(err, errlen, "%s:%d:%d: %s must be a map of key: value", map->file, map->line,
                 map->col, what);
        return -1;
    }
    if (map && map->type != PC_NODE_MAP) map = NULL;
    out->items = calloc(nkeys ? nkeys : 1, sizeof *out->items);
    if (!out->items) return snprintf(err, errlen, "out of memory"), -1;
    out->count = nkeys;
    for (size_t k = 0; k < nkeys; k++) {
        pc_setting *s = &out->items[k];
        s->key = keys[k].name;
        s->type = keys[k].type;
        s->help = keys[k].help;
        const char *def = keys[k].default_value;
        if (!def) continue;
        int rc = s->type == PROCTOR_CFG_LIST ? set_list_default(s, def) : set_scalar(s, def);
        if (rc) {
            snprintf(err, errlen, "%s: the default of '%s' (%s) is not %s", what, s->key, def,
                     type_name(s->type));
            return -1;
        }
    }
    /* unknown keys first: a typo is the likeliest mistake */
    for (size_t i = 0; map && i < map->count; i++) {
        const char *key = map->keys[i];
        if (in_list(key, skip)) continue;
        size_t k = 0;
        while (k < nkeys && strcmp(keys[k].name, key) != 0) k++;
        if (k == nkeys) {
            int n = snprintf(err, errlen, "%s:%d:%d: unknown key '%s' in %s (known:", map->file,
                             map->key_lines[i], map->key_cols[i], key, what);
            for (size_t j = 0; j < nkeys && n > 0 && (size_t)n < errlen; j++)
                n += snprintf(err + n, errlen - (size_t)n, "%s %s", j ? "," : "", keys[j].name);
            if (n > 0 && (size_t)n < errlen) snprintf(err + n, errlen - (size_t)n, ")");
            return -1;
        }
        pc_setting *s = &out->items[k];
        const pc_node *v = map->items[i];
        s->line = map->key_lines[i];
        s->col = v->col;
        s->file = v->file;
        if (s->type == PROCTOR_CFG_LIST) {
            for (size_t j = 0; j < s->list_len; j++) free(s->list[j]);
            free(s->list);
            s->list = NULL;
            s->list_len = 0;
            free(s->text);
            s->text = NULL;
            if (v->type == PC_NODE_SCALAR && !pc_yaml_is_null(v)) { /* one item */
                if (list_push(s, v->value)) return snprintf(err, errlen, "out of memory"), -1;
            } else if (v->type == PC_NODE_SEQ) {
                for (size_t j = 0; j < v->count; j++) {
                    if (v->items[j]->type != PC_NODE_SCALAR) {
                        snprintf(err, errlen, "%s:%d:%d: '%s' must be a list of strings",
                                 v->file, v->items[j]->line, v->items[j]->col, key);
                        return -1;
                    }
                    if (list_push(s, v->items[j]->value))
                        return snprintf(err, errlen, "out of memory"), -1;
                }
            } else if (v->type == PC_NODE_MAP) {
                snprintf(err, errlen, "%s:%d:%d: '%s' must be %s, not a map", v->file, v->line,
                         v->col, key, type_name(s->type));
                return -1;
            }
            s->text = strdup("[list]");
            s->line = v->line;
            continue;
        }
        if (v->type != PC_NODE_SCALAR) {
            snprintf(err, errlen, "%s:%d:%d: '%s' must be %s, not a %s", v->file, v->line, v->col,
                     key, type_name(s->type), v->type == PC_NODE_MAP ? "map" : "list");
            return -1;
        }
        if (pc_yaml_is_null(v)) {
            if (keys[k].default_value) continue; /* null = keep the default */
            free(s->text);
            s->text = NULL;
            continue;
        }
        if (set_scalar(s, v->value)) {
            snprintf(err, errlen, "%s:%d:%d: '%s' must be %s, got '%s'", v->file, v->line,
                     v->col, key, type_name(s->type), v->value);
            return -1;
        }
        s->line = v->line;
    }
    for (size_t k = 0; k < nkeys; k++) {
        char why[256], at[512];
        if (check_bounds(&keys[k], &out->items[k], why, sizeof why) != 0) {
            snprintf(err, errlen, "%s: '%s' in %s %s", pc_setting_where(&out->items[k], what, at, sizeof at),
                     keys[k].name, what, why);
            return -1;
        }
    }
    for (size_t k = 0; k < nkeys; k++) {
        const pc_setting *s = &out->items[k];
        if (!keys[k].default_value && (s->line == 0 || !s->text)) {
            snprintf(err, errlen, "%s:%d:%d: %s needs '%s' (%s)", map ? map->file : "config",
                     map ? map->line : 0, map ? map->col : 0, what, s->key,
                     s->help ? s->help : type_name(s->type));
            return -1;
        }
    }
    return 0;
}

void pc_settings_free(pc_settings *s)
{
    for (size_t k = 0; k < s->count; k++) {
        free(s->items[k].text);
        for (size_t j = 0; j < s->items[k].list_len; j++) free(s->items[k].list[j]);
        free(s->items[k].list);
    }
    free(s->items);
    memset(s, 0, sizeof *s);
}

const pc_setting *pc_settings_find(const pc_settings *s, const char *key)
{
    for (size_t k = 0; s && k < s->count; k++)
        if (strcmp(s->items[k].key, key) == 0) return &s->items[k];
    return NULL;
}

const char *pc_settings_string(const pc_settings *s, const char *key)
{
    const pc_setting *v = pc_settings_find(s, key);
    return v ? v->text : NULL;
}

int64_t pc_settings_int(const pc_settings *s, const char *key)
{
    const pc_setting *v = pc_settings_find(s, key);
    return v ? v->i : 0;
}

double pc_settings_double(const pc_settings *s, const char *key)
{
    const pc_setting *v = pc_settings_find(s, key);
    return v ? v->d : 0;
}

int pc_settings_bool(const pc_settings *s, const char *key)
{
    const pc_setting *v = pc_settings_find(s, key);
    return v ? (int)v->i : 0;
}

void pc_settings_print(const pc_settings *s, FILE *f, int indent)
{
    for (size_t k = 0; k < s->count; k++) {
        const pc_setting *v = &s->items[k];
        fprintf(f, "%*s%s: ", indent, "", v->key);
        if (v->type == PROCTOR_CFG_SECRET)
            fprintf(f, "%s", v->text ? "\"***\"" : "null");
        else if (v->type == PROCTOR_CFG_LIST) {
            fprintf(f, "[");
            for (size_t j = 0; j < v->list_len; j++)
                fprintf(f, "%s\"%s\"", j ? ", " : "", v->list[j]);
            fprintf(f, "]");
        } else if (!v->text)
            fprintf(f, "null");
        else if (v->type == PROCTOR_CFG_STRING)
            fprintf(f, "\"%s\"", v->text);
        else
            fprintf(f, "%s", v->text);
        if (v->help) fprintf(f, "   # %s%s", v->help, v->line ? "" : " (default)");
        fprintf(f, "\n");
    }
}
