/* miners.c — see miners.h. */
#include "config/miners.h"
#include "config/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *scalar(const pc_node *map, const char *key)
{
    const pc_node *n = pc_yaml_get(map, key);
    return n && n->type == PC_NODE_SCALAR && !pc_yaml_is_null(n) ? n->value : NULL;
}

static int add_inline(pc_metagraph *m, const pc_node *list, char *err, size_t errlen)
{
    for (size_t i = 0; i < list->count; i++) {
        const pc_node *n = list->items[i];
        if (n->type != PC_NODE_MAP) {
            snprintf(err, errlen, "%s:%d:%d: each neuron is a map (uid, hotkey, ip, port, ...)",
                     n->file, n->line, n->col);
            return -1;
        }
        static const char *const known[] = {"uid", "hotkey", "ip", "port", "stake", "validator_permit"};
        for (size_t k = 0; k < n->count; k++) {
            int ok = 0;
            for (size_t j = 0; j < sizeof known / sizeof known[0]; j++) ok |= !strcmp(n->keys[k], known[j]);
            if (!ok) {
                snprintf(err, errlen, "%s:%d:%d: unknown neuron key '%s' (known: uid, hotkey, ip, port, "
                         "stake, validator_permit)", n->file, n->key_lines[k], n->key_cols[k], n->keys[k]);
                return -1;
            }
        }
        const char *uid = scalar(n, "uid"), *port = scalar(n, "port"), *stake = scalar(n, "stake");
        const char *permit = scalar(n, "validator_permit");
        char *end = NULL;
        long u = uid ? strtol(uid, &end, 10) : -1;
        if (!uid || *end || u < 0) {
            snprintf(err, errlen, "%s:%d:%d: neuron needs an integer uid >= 0", n->file, n->line, n->col);
            return -1;
        }
        long pt = port ? strtol(port, &end, 10) : 0;
        if (port && *end) {
            snprintf(err, errlen, "%s:%d:%d: port must be an integer", n->file, n->line, n->col);
            return -1;
        }
        int vp = 0;
        if (permit && pc_parse_bool(permit, &vp)) {
            snprintf(err, errlen, "%s:%d:%d: validator_permit must be true or false", n->file, n->line, n->col);
            return -1;
        }
        char why[512];
        if (pc_metagraph_add(m, (int)u, scalar(n, "hotkey"), scalar(n, "ip") ? scalar(n, "ip") : "0.0.0.0",
                             (int)pt, stake ? strtod(stake, NULL) : 0, vp, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s:%d:%d: %s", n->file, n->line, n->col, why);
            return -1;
        }
    }
    return 0;
}

int pc_miners_load(const pc_pipeline *p, pc_metagraph *m, char *err, size_t errlen)
{
    pc_metagraph_init(m);
    const char *file = pc_settings_string(&p->miners, "metagraph");
    if (file && file[0]) {
        char *path = pc_expand_home(file);
        int rc = path ? pc_metagraph_load(m, path, err, errlen) : -1;
        free(path);
        if (rc != 0) return -1;
    }
    if (p->neurons && p->neurons->type == PC_NODE_SEQ && add_inline(m, p->neurons, err, errlen) != 0)
        return -1;
    return 0;
}
