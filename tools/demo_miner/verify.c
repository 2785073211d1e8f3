/* verify.c — see verify.h. */
#include "verify.h"

#include "crypto/axon_sign.h"
#include "crypto/ss58.h"
#include "net/wire.h"

#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define V_7_2_0 7002000                 /* "new nonce structure" from this dendrite version on */
#define ALLOWED_DELTA_NS 4000000000.0   /* plus the request's timeout, for a first nonce */
#define DEFAULT_TIMEOUT_S 12.0          /* Synapse.timeout when the header is absent */
#define MAX_SESSIONS 4096               /* "hotkey:uuid" keys remembered; more are refused */

/* TerminalInfo fields pydantic validates with int() / float() (synapse.py) */
static const char *const int_headers[] = {
    "bt_header_axon_status_code", "bt_header_axon_port", "bt_header_axon_version",
    "bt_header_axon_nonce", "bt_header_dendrite_status_code", "bt_header_dendrite_port",
    "bt_header_dendrite_version", "bt_header_dendrite_nonce", "total_size", "header_size",
};
static const char *const float_headers[] = {
    "timeout", "bt_header_axon_process_time", "bt_header_dendrite_process_time",
};

/* last accepted nonce per "hotkey:uuid": open addressing, keys malloc'd, never removed
 * (upstream keeps them until the miner restarts, too) */
typedef struct session {
    char *key;
    long long nonce;
} session;

struct dm_axon {
    char hotkey[PC_HOTKEY_MAX + 1];
    const pc_metagraph *metagraph;
    pthread_mutex_t lock;
    session *tab;
    size_t cap, count; /* cap is a power of two */
};

uint64_t dm_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

dm_axon *dm_axon_new(const char *hotkey, const pc_metagraph *metagraph, char *err, size_t errlen)
{
    uint8_t pub[32];
    if (!hotkey || strlen(hotkey) > PC_HOTKEY_MAX || pc_ss58_decode(hotkey, pub, NULL, err, errlen) != 0) {
        if (hotkey && strlen(hotkey) > PC_HOTKEY_MAX) snprintf(err, errlen, "hotkey is too long");
        else if (!hotkey) snprintf(err, errlen, "an axon needs its own hotkey");
        return NULL;
    }
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return NULL;
    }
    dm_axon *ax = calloc(1, sizeof *ax);
    if (ax) ax->tab = calloc(ax->cap = 64, sizeof *ax->tab);
    if (!ax || !ax->tab) {
        free(ax);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(ax->hotkey, sizeof ax->hotkey, "%s", hotkey);
    ax->metagraph = metagraph;
    pthread_mutex_init(&ax->lock, NULL);
    return ax;
}

void dm_axon_free(dm_axon *ax)
{
    if (!ax) return;
    for (size_t i = 0; i < ax->cap; i++) free(ax->tab[i].key);
    free(ax->tab);
    pthread_mutex_destroy(&ax->lock);
    free(ax);
}

static size_t slot_of(const session *tab, size_t cap, const char *key)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const char *p = key; *p; p++) h = (h ^ (uint8_t)*p) * 1099511628211ull;
    size_t i = (size_t)h & (cap - 1);
    while (tab[i].key && strcmp(tab[i].key, key) != 0) i = (i + 1) & (cap - 1);
    return i;
}

/* Last nonce for key, or 0 with *found = 0. Caller holds the lock. */
static long long last_nonce(dm_axon *ax, const char *key, int *found)
{
    session *s = &ax->tab[slot_of(ax->tab, ax->cap, key)];
    *found = s->key != NULL;
    return s->key ? s->nonce : 0;
}

/* Remember nonce for key. Caller holds the lock. 0, or -1 when full or out of memory. */
static int remember(dm_axon *ax, const char *key, long long nonce)
{
    size_t i = slot_of(ax->tab, ax->cap, key);
    if (ax->tab[i].key) {
        ax->tab[i].nonce = nonce;
        return 0;
    }
    if (ax->count >= MAX_SESSIONS) return -1;
    if (2 * (ax->count + 1) > ax->cap) { /* keep the table at most half full */
        size_t cap = ax->cap * 2;
        session *t = calloc(cap, sizeof *t);
        if (!t) return -1;
        for (size_t k = 0; k < ax->cap; k++)
            if (ax->tab[k].key) t[slot_of(t, cap, ax->tab[k].key)] = ax->tab[k];
        free(ax->tab);
        ax->tab = t;
        ax->cap = cap;
        i = slot_of(ax->tab, ax->cap, key);
    }
    if (!(ax->tab[i].key = strdup(key))) return -1;
    ax->tab[i].nonce = nonce;
    ax->count++;
    return 0;
}

static int parse_headers(dm_header_fn header, void *ctx, char *msg, size_t msglen)
{
    for (size_t i = 0; i < sizeof int_headers / sizeof int_headers[0]; i++) {
        const char *v = header(ctx, int_headers[i]);
        long long x;
        if (v && pc_py_parse_int(v, &x) != 0) {
            snprintf(msg, msglen, "Improperly formatted request: %s is not an integer", int_headers[i]);
            return 400;
        }
    }
    for (size_t i = 0; i < sizeof float_headers / sizeof float_headers[0]; i++) {
        const char *v = header(ctx, float_headers[i]);
        double x;
        if (v && pc_py_parse_float(v, &x) != 0) {
            snprintf(msg, msglen, "Improperly formatted request: %s is not a number", float_headers[i]);
            return 400;
        }
    }
    return 200;
}

/* What upstream's middleware answers for any exception: a 500 with a fresh uuid4. */
static int internal_error(char *msg, size_t msglen)
{
    uint8_t b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    snprintf(msg, msglen,
             "Internal Server Error #%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
    return 500;
}

static int blacklist(const dm_axon *ax, const char *hotkey, char *msg, size_t msglen)
{
    if (!hotkey || !*hotkey) {
        snprintf(msg, msglen, "Forbidden. Key is blacklisted: Missing dendrite or hotkey.");
        return 403;
    }
    const pc_neuron *n = NULL;
    for (size_t i = 0; i < ax->metagraph->count && !n; i++)
        if (strcmp(ax->metagraph->neurons[i].hotkey, hotkey) == 0) n = &ax->metagraph->neurons[i];
    if (!n) return internal_error(msg, msglen); /* NATIX: hotkeys.index() raises ValueError */
    if (!n->validator_permit) {
        snprintf(msg, msglen, "Forbidden. Key is blacklisted: Non-validator hotkey.");
        return 403;
    }
    return 200;
}

static int not_verified(char *msg, size_t msglen, const char *why)
{
    snprintf(msg, msglen, "Not Verified with error: %s", why);
    return 401;
}

/* Nonce rules of spec 1.6 against the remembered nonce; 200 or 401. Caller holds the lock. */
static int nonce_ok(dm_axon *ax, const char *key, long long nonce, const char *version,
                    double timeout, uint64_t now_ns, char *msg, size_t msglen)
{
    int found;
    long long last = last_nonce(ax, key, &found);
    long long v = 0;
    if (version && pc_py_parse_int(version, &v) == 0 && v >= V_7_2_0) {
        /* the window is float arithmetic in Python too; a NaN timeout would accept anything */
        double oldest = (double)now_ns - ALLOWED_DELTA_NS - timeout * 1e9;
        if (!found && !((double)nonce > oldest)) {
            char why[96];
            snprintf(why, sizeof why, "Nonce is too old: acceptable delta is %.2f seconds",
                     (ALLOWED_DELTA_NS + timeout * 1e9) / 1e9);
            return not_verified(msg, msglen, why);
        }
        if (found && nonce <= last)
            return not_verified(msg, msglen, "Nonce is too old, a newer one was last processed");
    } else if (found && nonce <= last) {
        return not_verified(msg, msglen, "Nonce is too small");
    }
    return 200;
}

static int verify(dm_axon *ax, dm_header_fn header, void *ctx, const char *hotkey, uint64_t now_ns,
                  char *msg, size_t msglen)
{
    const char *nonce_text = header(ctx, "bt_header_dendrite_nonce");
    const char *uuid = header(ctx, "bt_header_dendrite_uuid");
    const char *version = header(ctx, "bt_header_dendrite_version");
    const char *timeout_text = header(ctx, "timeout");
    const char *sig = header(ctx, "bt_header_dendrite_signature");
    const char *body_hash = header(ctx, "computed_body_hash");
    long long nonce;
    double timeout = DEFAULT_TIMEOUT_S;
    if (!nonce_text || pc_py_parse_int(nonce_text, &nonce) != 0)
        return not_verified(msg, msglen, "Missing Nonce");
    if (timeout_text) pc_py_parse_float(timeout_text, &timeout);
    if (!isfinite(timeout)) return not_verified(msg, msglen, "timeout is not a finite number");
    if (!uuid || !*uuid) return not_verified(msg, msglen, "Missing uuid");
    if (!sig || !*sig) return not_verified(msg, msglen, "Missing signature");

    char key[PC_HOTKEY_MAX + 2 + 128];
    if (strlen(uuid) > 128) return not_verified(msg, msglen, "uuid is too long");
    snprintf(key, sizeof key, "%s:%s", hotkey, uuid);
    pthread_mutex_lock(&ax->lock);
    int st = nonce_ok(ax, key, nonce, version, timeout, now_ns, msg, msglen);
    pthread_mutex_unlock(&ax->lock);
    if (st != 200) return st;

    /* upstream rebuilds the text from the parsed int, so " 012" is checked as "12" */
    char canon[24];
    snprintf(canon, sizeof canon, "%lld", nonce);
    if (!pc_axon_verify(canon, hotkey, ax->hotkey, uuid, body_hash ? body_hash : "", sig, NULL)) {
        char why[PC_AXON_MESSAGE_MAX + 64];
        char text[PC_AXON_MESSAGE_MAX];
        if (pc_axon_message(canon, hotkey, ax->hotkey, uuid, body_hash ? body_hash : "", text,
                            sizeof text) < 0)
            snprintf(text, sizeof text, "(a part contains '.')");
        snprintf(why, sizeof why, "Signature mismatch with %s", text);
        return not_verified(msg, msglen, why);
    }
    /* a concurrent request with the same key may have won meanwhile: check again, then commit */
    pthread_mutex_lock(&ax->lock);
    st = nonce_ok(ax, key, nonce, version, timeout, now_ns, msg, msglen);
    if (st == 200 && remember(ax, key, nonce) != 0)
        st = not_verified(msg, msglen, "too many dendrite sessions");
    pthread_mutex_unlock(&ax->lock);
    return st;
}

int dm_axon_check(dm_axon *ax, dm_header_fn header, void *ctx, uint64_t now_ns, char *msg,
                  size_t msglen)
{
    int st = parse_headers(header, ctx, msg, msglen);
    if (st != 200) return st;
    if (ax) {
        const char *hotkey = header(ctx, "bt_header_dendrite_hotkey");
        if ((st = blacklist(ax, hotkey, msg, msglen)) != 200) return st;
        if ((st = verify(ax, header, ctx, hotkey, now_ns, msg, msglen)) != 200) return st;
    }
    /* upstream checks the body hash in the route, after the middleware: a mismatch is a 500 */
    char want[65];
    const char *got = header(ctx, "computed_body_hash");
    pc_synapse_body_hash(want);
    if (!got || strcmp(got, want) != 0) return internal_error(msg, msglen);
    return 200;
}

int dm_verify_request(dm_header_fn header, void *ctx, const char *body, size_t len, char *msg,
                      size_t msglen)
{
    (void)body, (void)len;
    return dm_axon_check(NULL, header, ctx, 0, msg, msglen);
}
