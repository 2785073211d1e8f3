/* history.c — per-miner bounded history, stored so that a miner's entries are always one
 * contiguous oldest-first run (the proctor_history view needs that): each miner has room for
 * 2*cap entries, appends go at the end, and when the end is reached the live cap-1 newest entries
 * move to the front once (amortised O(1), no ring index arithmetic for readers). */
#include "score/history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pc_miner {
    char *hotkey;
    size_t start, count;
    proctor_history_entry *buf; /* 2 * cap entries */
} pc_miner;

struct pc_history {
    size_t cap;
    size_t nuids;     /* length of the uid table */
    pc_miner **miner; /* indexed by uid; NULL = unknown */
};

pc_history *pc_history_new(size_t cap)
{
    pc_history *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->cap = cap ? cap : PC_HISTORY_CAP;
    return h;
}

static void miner_free(pc_miner *m)
{
    if (!m) return;
    free(m->hotkey);
    free(m->buf);
    free(m);
}

void pc_history_free(pc_history *h)
{
    if (!h) return;
    for (size_t i = 0; i < h->nuids; i++) miner_free(h->miner[i]);
    free(h->miner);
    free(h);
}

size_t pc_history_cap(const pc_history *h) { return h->cap; }

static int check_uid(int64_t uid, char *err, size_t errlen)
{
    if (uid >= 0 && uid <= PC_HISTORY_MAX_UID) return 0;
    snprintf(err, errlen, "history: uid %lld out of range 0..%d", (long long)uid,
             PC_HISTORY_MAX_UID);
    return -1;
}

static pc_miner *find(const pc_history *h, int64_t uid)
{
    return uid >= 0 && (size_t)uid < h->nuids ? h->miner[uid] : NULL;
}

/* Make (or reuse) uid's slot, empty and bound to hotkey. */
static pc_miner *bind(pc_history *h, int64_t uid, const char *hotkey, char *err, size_t errlen)
{
    if ((size_t)uid >= h->nuids) {
        size_t n = h->nuids ? h->nuids : 64;
        while (n <= (size_t)uid) n *= 2;
        pc_miner **grown = realloc(h->miner, n * sizeof *grown);
        if (!grown) goto oom;
        memset(grown + h->nuids, 0, (n - h->nuids) * sizeof *grown);
        h->miner = grown;
        h->nuids = n;
    }
    pc_miner *m = h->miner[uid];
    char *hk = strdup(hotkey ? hotkey : "");
    if (!hk) goto oom;
    if (!m) {
        m = calloc(1, sizeof *m);
        if (m) m->buf = malloc(2 * h->cap * sizeof *m->buf);
        if (!m || !m->buf) {
            free(hk);
            miner_free(m);
            goto oom;
        }
        h->miner[uid] = m;
    }
    free(m->hotkey);
    m->hotkey = hk;
    m->start = m->count = 0;
    return m;
oom:
    snprintf(err, errlen, "history: out of memory");
    return NULL;
}

int pc_history_append(pc_history *h, int64_t uid, const char *hotkey,
                      const proctor_history_entry *entry, int *reset, char *err, size_t errlen)
{
    if (reset) *reset = 0;
    if (check_uid(uid, err, errlen)) return -1;
    if (entry->label != 0 && entry->label != 1) {
        snprintf(err, errlen, "history: uid %lld: label %d is not 0 or 1", (long long)uid,
                 entry->label);
        return -1;
    }
    if (!hotkey) hotkey = "";
    pc_miner *m = find(h, uid);
    if (!m || strcmp(m->hotkey, hotkey) != 0) {
        if (!(m = bind(h, uid, hotkey, err, errlen))) return -1;
        if (reset) *reset = 1;
    }
    if (m->count == h->cap) {
        m->start++;
        m->count--;
    }
    if (m->start + m->count == 2 * h->cap) {
        memmove(m->buf, m->buf + m->start, m->count * sizeof *m->buf);
        m->start = 0;
    }
    m->buf[m->start + m->count++] = *entry;
    return 0;
}

int pc_history_reset(pc_history *h, int64_t uid, const char *hotkey, char *err, size_t errlen)
{
    if (check_uid(uid, err, errlen)) return -1;
    if (hotkey) return bind(h, uid, hotkey, err, errlen) ? 0 : -1;
    if ((size_t)uid < h->nuids) {
        miner_free(h->miner[uid]);
        h->miner[uid] = NULL;
    }
    return 0;
}

proctor_history pc_history_view(const pc_history *h, int64_t uid)
{
    proctor_history v = {NULL, 0};
    const pc_miner *m = find(h, uid);
    if (m && m->count) {
        v.entries = m->buf + m->start;
        v.count = m->count;
    }
    return v;
}

const char *pc_history_hotkey(const pc_history *h, int64_t uid)
{
    const pc_miner *m = find(h, uid);
    return m ? m->hotkey : NULL;
}

int64_t pc_history_next_uid(const pc_history *h, int64_t after)
{
    for (size_t u = after < 0 ? 0 : (size_t)after + 1; u < h->nuids; u++)
        if (h->miner[u]) return (int64_t)u;
    return -1;
}
