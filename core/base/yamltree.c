/* yamltree.c — see yamltree.h. Uses libyaml's document loader, then copies the nodes into our tree
 * with their marks; duplicate map keys are rejected here (libyaml accepts them). */
#include "base/yamltree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct loader {
    yaml_document_t *doc;
    const char *file;
    char *err;
    size_t errlen;
    int depth;
} loader;

static pc_node *convert(loader *L, yaml_node_t *yn);
static void free_tree(pc_node *n);

static pc_node *new_node(loader *L, pc_node_type type, yaml_node_t *yn)
{
    pc_node *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->type = type;
    n->file = L->file;
    n->line = (int)yn->start_mark.line + 1;
    n->col = (int)yn->start_mark.column + 1;
    return n;
}

static int grow(pc_node *n, size_t cap_needed)
{
    pc_node **items = realloc(n->items, cap_needed * sizeof *items);
    if (!items) return -1;
    n->items = items;
    if (n->type == PC_NODE_MAP) {
        char **keys = realloc(n->keys, cap_needed * sizeof *keys);
        if (!keys) return -1;
        n->keys = keys;
        int *kl = realloc(n->key_lines, cap_needed * sizeof *kl);
        if (!kl) return -1;
        n->key_lines = kl;
        int *kc = realloc(n->key_cols, cap_needed * sizeof *kc);
        if (!kc) return -1;
        n->key_cols = kc;
    }
    return 0;
}

static pc_node *convert_map(loader *L, yaml_node_t *yn)
{
    pc_node *n = new_node(L, PC_NODE_MAP, yn);
    if (!n) return NULL;
    size_t count = (size_t)(yn->data.mapping.pairs.top - yn->data.mapping.pairs.start);
    if (count && grow(n, count) != 0) goto fail;
    for (yaml_node_pair_t *p = yn->data.mapping.pairs.start; p < yn->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(L->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(L->doc, p->value);
        if (!k || !v) goto fail;
        if (k->type != YAML_SCALAR_NODE) {
            snprintf(L->err, L->errlen, "%s:%d:%d: a map key must be a plain scalar", L->file,
                     (int)k->start_mark.line + 1, (int)k->start_mark.column + 1);
            goto fail;
        }
        const char *key = (const char *)k->data.scalar.value;
        for (size_t i = 0; i < n->count; i++)
            if (strcmp(n->keys[i], key) == 0) {
                snprintf(L->err, L->errlen, "%s:%d:%d: duplicate key '%s' (first at line %d)",
                         L->file, (int)k->start_mark.line + 1, (int)k->start_mark.column + 1, key,
                         n->key_lines[i]);
                goto fail;
            }
        pc_node *child = convert(L, v);
        if (!child) goto fail;
        n->keys[n->count] = strdup(key);
        n->key_lines[n->count] = (int)k->start_mark.line + 1;
        n->key_cols[n->count] = (int)k->start_mark.column + 1;
        n->items[n->count++] = child;
        if (!n->keys[n->count - 1]) goto fail;
    }
    return n;
fail:
    free_tree(n);
    return NULL;
}

static pc_node *convert(loader *L, yaml_node_t *yn)
{
    if (++L->depth > 64) {
        snprintf(L->err, L->errlen, "%s:%d:%d: nesting deeper than 64 levels", L->file,
                 (int)yn->start_mark.line + 1, (int)yn->start_mark.column + 1);
        return NULL;
    }
    pc_node *n = NULL;
    switch (yn->type) {
    case YAML_SCALAR_NODE:
        n = new_node(L, PC_NODE_SCALAR, yn);
        if (!n) break;
        n->value = strndup((const char *)yn->data.scalar.value, yn->data.scalar.length);
        n->quoted = yn->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                    yn->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE ||
                    yn->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
                    yn->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
        if (!n->value) {
            free(n);
            n = NULL;
        }
        break;
    case YAML_SEQUENCE_NODE: {
        n = new_node(L, PC_NODE_SEQ, yn);
        if (!n) break;
        size_t count = (size_t)(yn->data.sequence.items.top - yn->data.sequence.items.start);
        if (count && grow(n, count) != 0) {
            free_tree(n);
            n = NULL;
            break;
        }
        for (yaml_node_item_t *it = yn->data.sequence.items.start; it < yn->data.sequence.items.top;
             it++) {
            pc_node *child = convert(L, yaml_document_get_node(L->doc, *it));
            if (!child) {
                free_tree(n);
                n = NULL;
                break;
            }
            n->items[n->count++] = child;
        }
        break;
    }
    case YAML_MAPPING_NODE: n = convert_map(L, yn); break;
    default: snprintf(L->err, L->errlen, "%s: unsupported YAML node", L->file); break;
    }
    L->depth--;
    if (!n && !L->err[0]) snprintf(L->err, L->errlen, "%s: out of memory", L->file);
    return n;
}

static pc_node *load(yaml_parser_t *parser, const char *name, char *err, size_t errlen)
{
    yaml_document_t doc;
    err[0] = 0;
    if (!yaml_parser_load(parser, &doc)) {
        int line = (int)parser->problem_mark.line + 1, col = (int)parser->problem_mark.column + 1;
        if (parser->context)
            snprintf(err, errlen, "%s:%d:%d: %s %s (started at line %d)", name, line, col,
                     parser->problem ? parser->problem : "syntax error", parser->context,
                     (int)parser->context_mark.line + 1);
        else
            snprintf(err, errlen, "%s:%d:%d: %s", name, line, col,
                     parser->problem ? parser->problem : "syntax error");
        return NULL;
    }
    char *file = strdup(name);
    yaml_node_t *root_node = yaml_document_get_root_node(&doc);
    pc_node *root = NULL;
    if (!file) {
        snprintf(err, errlen, "%s: out of memory", name);
    } else if (!root_node) {
        snprintf(err, errlen, "%s:1:1: the file is empty", name);
    } else {
        loader L = {&doc, file, err, errlen, 0};
        root = convert(&L, root_node);
    }
    yaml_document_delete(&doc);
    if (!root) free(file);
    return root;
}

pc_node *pc_yaml_load_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %m", path);
        return NULL;
    }
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    pc_node *root = load(&parser, path, err, errlen);
    yaml_parser_delete(&parser);
    fclose(f);
    return root;
}

pc_node *pc_yaml_load_string(const char *text, const char *name, char *err, size_t errlen)
{
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    pc_node *root = load(&parser, name, err, errlen);
    yaml_parser_delete(&parser);
    return root;
}

static void free_tree(pc_node *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->count; i++) {
        free_tree(n->items[i]);
        if (n->keys) free(n->keys[i]);
    }
    free(n->items);
    free(n->keys);
    free(n->key_lines);
    free(n->key_cols);
    free(n->value);
    free(n);
}

void pc_yaml_free(pc_node *root)
{
    if (!root) return;
    char *file = (char *)root->file;
    free_tree(root);
    free(file);
}

int pc_yaml_key_index(const pc_node *map, const char *key)
{
    if (!map || map->type != PC_NODE_MAP) return -1;
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->keys[i], key) == 0) return (int)i;
    return -1;
}

pc_node *pc_yaml_get(const pc_node *map, const char *key)
{
    int i = pc_yaml_key_index(map, key);
    return i < 0 ? NULL : map->items[i];
}

int pc_yaml_is_null(const pc_node *n)
{
    if (!n) return 1;
    if (n->type != PC_NODE_SCALAR || n->quoted) return 0;
    return n->value[0] == 0 || strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0 ||
           strcmp(n->value, "Null") == 0 || strcmp(n->value, "NULL") == 0;
}
