/* metagraph.c — see metagraph.h. */
#include "net/metagraph.h"
#include "crypto/ss58.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#define MAX_FILE (64u << 20) /* a metagraph of 65536 neurons is a few MiB; refuse absurd files */

void pc_metagraph_init(pc_metagraph *m) { memset(m, 0, sizeof *m); }

void pc_metagraph_free(pc_metagraph *m)
{
    free(m->neurons);
    memset(m, 0, sizeof *m);
}

int pc_metagraph_copy(pc_metagraph *dst, const pc_metagraph *src)
{
    pc_metagraph_init(dst);
    if (!src->count) return 0;
    if (!(dst->neurons = malloc(src->count * sizeof *dst->neurons))) return -1;
    memcpy(dst->neurons, src->neurons, src->count * sizeof *dst->neurons);
    dst->count = dst->cap = src->count;
    return 0;
}

static int is_base58(const char *s)
{
    static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    for (; *s; s++)
        if (!strchr(alphabet, *s)) return 0;
    return 1;
}

/* Parse an IPv4/IPv6 literal (brackets allowed around IPv6) into canonical text.
 * Returns 0 and sets *unspecified when it is 0.0.0.0 or ::. */
static int canonical_ip(const char *in, char out[PC_IP_MAX], bool *unspecified)
{
    char tmp[PC_IP_MAX + 2];
    size_t n = strlen(in);
    if (n >= 2 && in[0] == '[' && in[n - 1] == ']') {
        in++;
        n -= 2;
    }
    if (n == 0 || n >= PC_IP_MAX) return -1;
    memcpy(tmp, in, n);
    tmp[n] = 0;
    unsigned char addr[16];
    if (inet_pton(AF_INET, tmp, addr) == 1) {
        *unspecified = memcmp(addr, "\0\0\0\0", 4) == 0;
        return inet_ntop(AF_INET, addr, out, PC_IP_MAX) ? 0 : -1;
    }
    if (strchr(tmp, ':') && inet_pton(AF_INET6, tmp, addr) == 1) {
        static const unsigned char zero[16];
        *unspecified = memcmp(addr, zero, 16) == 0;
        return inet_ntop(AF_INET6, addr, out, PC_IP_MAX) ? 0 : -1;
    }
    return -1;
}

int pc_metagraph_add(pc_metagraph *m, int uid, const char *hotkey, const char *ip, int port,
                     double stake, bool validator_permit, char *err, size_t errlen)
{
    pc_neuron n = {.uid = uid, .port = port, .stake = stake, .validator_permit = validator_permit};
    bool unspecified = false;
    if (uid < 0 || uid > 65535) {
        snprintf(err, errlen, "uid %d out of range 0..65535", uid);
        return -1;
    }
    if (!hotkey || !*hotkey || strlen(hotkey) > PC_HOTKEY_MAX || !is_base58(hotkey)) {
        snprintf(err, errlen, "uid %d: hotkey must be SS58 text (base58, 1..%d chars)", uid,
                 PC_HOTKEY_MAX);
        return -1;
    }
    uint8_t pub[32];
    char why[160];
    if (pc_ss58_decode(hotkey, pub, NULL, why, sizeof why) != 0) {
        snprintf(err, errlen, "uid %d: hotkey %.60s is not a valid SS58 address: %s", uid, hotkey, why);
        return -1;
    }
    if (canonical_ip(ip ? ip : "0.0.0.0", n.ip, &unspecified) != 0) {
        snprintf(err, errlen, "uid %d: ip \"%.60s\" is not an IPv4 or IPv6 address", uid, ip);
        return -1;
    }
    if (port < 0 || port > 65535) {
        snprintf(err, errlen, "uid %d: port %d out of range 0..65535", uid, port);
        return -1;
    }
    if (!isfinite(stake) || stake < 0) {
        snprintf(err, errlen, "uid %d: stake must be a finite number >= 0", uid);
        return -1;
    }
    if (pc_metagraph_find(m, uid)) {
        snprintf(err, errlen, "uid %d appears twice", uid);
        return -1;
    }
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        pc_neuron *p = realloc(m->neurons, cap * sizeof *p);
        if (!p) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        m->neurons = p;
        m->cap = cap;
    }
    strcpy(n.hotkey, hotkey);
    /* the SDK's AxonInfo.is_serving looks at the ip only: port 0 still serves (and fails) */
    n.serving = !unspecified;
    m->neurons[m->count++] = n;
    return 0;
}

const pc_neuron *pc_metagraph_find(const pc_metagraph *m, int uid)
{
    for (size_t i = 0; i < m->count; i++)
        if (m->neurons[i].uid == uid) return &m->neurons[i];
    return NULL;
}

bool pc_metagraph_eligible(const pc_neuron *n, double vpermit_tao_limit)
{
    return n->serving && !(n->validator_permit && n->stake > vpermit_tao_limit);
}

size_t pc_metagraph_eligible_uids(const pc_metagraph *m, double vpermit_tao_limit, int *out)
{
    size_t k = 0;
    for (size_t i = 0; i < m->count; i++)
        if (pc_metagraph_eligible(&m->neurons[i], vpermit_tao_limit)) out[k++] = m->neurons[i].uid;
    return k;
}

/* ---- JSON -------------------------------------------------------------------------------- */

static int json_line(const char *text, const char *at)
{
    int line = 1;
    for (const char *p = text; p < at && *p; p++) line += *p == '\n';
    return line;
}

static int json_int(const cJSON *v, int lo, int hi, int *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < lo ||
        v->valuedouble > hi)
        return -1;
    *out = (int)v->valuedouble;
    return 0;
}

static int json_neuron(pc_metagraph *m, const cJSON *o, size_t idx, const char *name, char *err,
                       size_t errlen)
{
    char why[160];
    int uid = -1, port = 0;
    double stake = 0;
    bool permit = false;
    const char *hotkey = NULL, *ip = "0.0.0.0";
    const cJSON *v;
    if (!cJSON_IsObject(o)) {
        snprintf(err, errlen, "%s: neuron #%zu is not an object", name, idx);
        return -1;
    }
    if (json_int(cJSON_GetObjectItemCaseSensitive(o, "uid"), 0, 65535, &uid) != 0) {
        snprintf(err, errlen, "%s: neuron #%zu: \"uid\" must be an integer 0..65535", name, idx);
        return -1;
    }
    v = cJSON_GetObjectItemCaseSensitive(o, "hotkey");
    if (!cJSON_IsString(v)) {
        snprintf(err, errlen, "%s: uid %d: \"hotkey\" must be a string", name, uid);
        return -1;
    }
    hotkey = v->valuestring;
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "ip")) && !cJSON_IsNull(v)) {
        if (!cJSON_IsString(v)) {
            snprintf(err, errlen, "%s: uid %d: \"ip\" must be a string", name, uid);
            return -1;
        }
        ip = v->valuestring;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "port")) && !cJSON_IsNull(v) &&
        json_int(v, 0, 65535, &port) != 0) {
        snprintf(err, errlen, "%s: uid %d: \"port\" must be an integer 0..65535", name, uid);
        return -1;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "stake")) && !cJSON_IsNull(v)) {
        if (!cJSON_IsNumber(v)) {
            snprintf(err, errlen, "%s: uid %d: \"stake\" must be a number", name, uid);
            return -1;
        }
        stake = v->valuedouble;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "validator_permit")) && !cJSON_IsNull(v)) {
        if (!cJSON_IsBool(v)) {
            snprintf(err, errlen, "%s: uid %d: \"validator_permit\" must be true or false", name,
                     uid);
            return -1;
        }
        permit = cJSON_IsTrue(v);
    }
    if (pc_metagraph_add(m, uid, hotkey, ip, port, stake, permit, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: %s", name, why);
        return -1;
    }
    return 0;
}

int pc_metagraph_load_json(pc_metagraph *m, const char *text, size_t len, const char *name,
                           char *err, size_t errlen)
{
    const char *end = NULL;
    size_t before = m->count;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {
        snprintf(err, errlen, "%s:%d: invalid JSON", name, json_line(text, end ? end : text));
        return -1;
    }
    const cJSON *list = root;
    if (cJSON_IsObject(root)) list = cJSON_GetObjectItemCaseSensitive(root, "neurons");
    int rc = 0;
    if (!cJSON_IsArray(list)) {
        snprintf(err, errlen, "%s: expected a list of neurons or {\"neurons\": [...]}", name);
        rc = -1;
    }
    size_t idx = 0;
    for (const cJSON *o = list ? list->child : NULL; rc == 0 && o; o = o->next, idx++)
        rc = json_neuron(m, o, idx, name, err, errlen);
    cJSON_Delete(root);
    if (rc) m->count = before;
    return rc;
}

/* ---- YAML -------------------------------------------------------------------------------- */

typedef struct ydoc {
    yaml_document_t doc;
    const char *name;
    char *err;
    size_t errlen;
} ydoc;

static int yfail(ydoc *y, const yaml_node_t *n, const char *fmt, const char *what)
{
    char msg[200];
    snprintf(msg, sizeof msg, fmt, what);
    if (n) snprintf(y->err, y->errlen, "%s:%lu: %s", y->name, (unsigned long)n->start_mark.line + 1, msg);
    else snprintf(y->err, y->errlen, "%s: %s", y->name, msg); /* empty document */
    return -1;
}

static const char *yscalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int yaml_long(const yaml_node_t *n, long lo, long hi, long *out)
{
    const char *s = yscalar(n);
    char *end;
    if (!s || !*s) return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

static int yaml_neuron(pc_metagraph *m, ydoc *y, yaml_node_t *map)
{
    char why[160];
    long uid = -1, port = 0;
    double stake = 0;
    bool permit = false, have_uid = false;
    const char *hotkey = NULL, *ip = "0.0.0.0";
    if (map->type != YAML_MAPPING_NODE) return yfail(y, map, "%s", "a neuron must be a map");
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&y->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(&y->doc, p->value);
        const char *key = yscalar(k), *val = yscalar(v);
        if (!key) return yfail(y, k, "%s", "keys must be plain text");
        if (!strcmp(key, "uid")) {
            if (yaml_long(v, 0, 65535, &uid) != 0)
                return yfail(y, v, "%s", "uid must be an integer 0..65535");
            have_uid = true;
        } else if (!strcmp(key, "hotkey")) {
            if (!val) return yfail(y, v, "%s", "hotkey must be a string");
            hotkey = val;
        } else if (!strcmp(key, "ip")) {
            if (!val) return yfail(y, v, "%s", "ip must be a string");
            ip = val;
        } else if (!strcmp(key, "port")) {
            if (yaml_long(v, 0, 65535, &port) != 0)
                return yfail(y, v, "%s", "port must be an integer 0..65535");
        } else if (!strcmp(key, "stake")) {
            char *end;
            stake = val && *val ? strtod(val, &end) : NAN;
            if (!val || !*val || *end || !isfinite(stake) || stake < 0)
                return yfail(y, v, "%s", "stake must be a finite number >= 0");
        } else if (!strcmp(key, "validator_permit")) {
            if (val && (!strcasecmp(val, "true") || !strcasecmp(val, "yes"))) permit = true;
            else if (val && (!strcasecmp(val, "false") || !strcasecmp(val, "no"))) permit = false;
            else return yfail(y, v, "%s", "validator_permit must be true or false");
        }
        /* other keys: ignored (see metagraph.h) */
    }
    if (!have_uid) return yfail(y, map, "%s", "neuron without \"uid\"");
    if (!hotkey) return yfail(y, map, "%s", "neuron without \"hotkey\"");
    if (pc_metagraph_add(m, (int)uid, hotkey, ip, (int)port, stake, permit, why, sizeof why) != 0)
        return yfail(y, map, "%s", why);
    return 0;
}

int pc_metagraph_load_yaml(pc_metagraph *m, const char *text, size_t len, const char *name,
                           char *err, size_t errlen)
{
    yaml_parser_t parser;
    ydoc y = {.name = name, .err = err, .errlen = errlen};
    size_t before = m->count;
    int rc = 0;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, errlen, "%s: cannot initialise the YAML parser", name);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &y.doc)) {
        snprintf(err, errlen, "%s:%lu: %s", name, (unsigned long)parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "invalid YAML");
        yaml_parser_delete(&parser);
        return -1;
    }
    yaml_node_t *root = yaml_document_get_root_node(&y.doc), *list = root;
    if (root && root->type == YAML_MAPPING_NODE) {
        list = NULL;
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
            const char *key = yscalar(yaml_document_get_node(&y.doc, p->key));
            if (key && !strcmp(key, "neurons")) list = yaml_document_get_node(&y.doc, p->value);
        }
    }
    if (!list || list->type != YAML_SEQUENCE_NODE) {
        rc = yfail(&y, list ? list : root, "%s", "expected a list of neurons or a map with \"neurons\"");
    } else {
        for (yaml_node_item_t *it = list->data.sequence.items.start;
             rc == 0 && it < list->data.sequence.items.top; it++)
            rc = yaml_neuron(m, &y, yaml_document_get_node(&y.doc, *it));
    }
    yaml_document_delete(&y.doc);
    yaml_parser_delete(&parser);
    if (rc) m->count = before;
    return rc;
}

/* ---- files ------------------------------------------------------------------------------- */

int pc_metagraph_load(pc_metagraph *m, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE) {
        snprintf(err, errlen, "%s: not a regular file of at most 64 MiB", path);
        fclose(f);
        return -1;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "%s: %s", path, buf ? "read error" : "out of memory");
        free(buf);
        return -1;
    }
    buf[n] = 0;
    size_t plen = strlen(path);
    int rc = plen >= 5 && !strcasecmp(path + plen - 5, ".json")
                 ? pc_metagraph_load_json(m, buf, n, path, err, errlen)
                 : pc_metagraph_load_yaml(m, buf, n, path, err, errlen);
    free(buf);
    return rc;
}
