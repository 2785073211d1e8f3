/* yamltree.h — pipeline YAML loaded with libyaml into a small tree that remembers where every node
 * came from, so every config error can say file:line:column. */
#ifndef PC_YAMLTREE_H
#define PC_YAMLTREE_H

#include <stddef.h>

typedef enum pc_node_type { PC_NODE_SCALAR, PC_NODE_MAP, PC_NODE_SEQ } pc_node_type;

typedef struct pc_node pc_node;
struct pc_node {
    pc_node_type type;
    const char *file; /* shared, owned by the root */
    int line, col;    /* 1-based */
    char *value;      /* scalar text */
    int quoted;       /* scalar was quoted: never a null/number/bool */
    size_t count;     /* map entries or seq items */
    char **keys;      /* map only */
    int *key_lines, *key_cols;
    pc_node **items;
};

/* Returns NULL and fills err ("file:line:col: problem") on failure. */
pc_node *pc_yaml_load_file(const char *path, char *err, size_t errlen);
pc_node *pc_yaml_load_string(const char *text, const char *name, char *err, size_t errlen);
void pc_yaml_free(pc_node *root);

pc_node *pc_yaml_get(const pc_node *map, const char *key);    /* NULL if absent or not a map */
int pc_yaml_key_index(const pc_node *map, const char *key);  /* -1 if absent */
int pc_yaml_is_null(const pc_node *n);                        /* ~, null, empty, unquoted */

#endif
