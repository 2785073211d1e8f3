/* history.h — per-miner answer history (prediction, label, time, latency), keyed by uid and
 * hotkey, at most `cap` entries per miner (no-answers included), oldest dropped first.
 *
 * The challenge loop appends each miner's answer, then hands pc_history_view() to the scorers
 * (the SDK's proctor_history: contiguous, oldest first, this answer last). A uid whose hotkey
 * changed is a new miner: its history starts again (upstream MinerPerformanceTracker rule). */
#ifndef PC_SCORE_HISTORY_H
#define PC_SCORE_HISTORY_H

#include "proctor.h"
#include <stddef.h>
#include <stdint.h>

#define PC_HISTORY_CAP 100      /* upstream store_last_n_predictions */
#define PC_HISTORY_MAX_UID 65535 /* uids are dense metagraph indices; bounds the uid table */

typedef struct pc_history pc_history;

/* cap 0 means PC_HISTORY_CAP. NULL when out of memory. */
pc_history *pc_history_new(size_t cap);
void pc_history_free(pc_history *h);
size_t pc_history_cap(const pc_history *h);

/* Append one entry for uid. When the uid is unknown or its hotkey differs from the stored one,
 * its history is reset first and *reset (if given) is set to 1. hotkey NULL counts as "".
 * Returns 0, or -1 with err filled (uid out of range, label not 0|1, out of memory). */
int pc_history_append(pc_history *h, int64_t uid, const char *hotkey,
                      const proctor_history_entry *entry, int *reset, char *err, size_t errlen);

/* Forget uid's entries and bind it to hotkey (NULL: forget the uid entirely). */
int pc_history_reset(pc_history *h, int64_t uid, const char *hotkey, char *err, size_t errlen);

/* The uid's entries, oldest first; {NULL, 0} when unknown. Valid until the next change. */
proctor_history pc_history_view(const pc_history *h, int64_t uid);
/* The hotkey the uid's history belongs to; NULL when unknown. */
const char *pc_history_hotkey(const pc_history *h, int64_t uid);

/* Iterate the known uids in increasing order: start with uid = -1; returns the next known uid
 * greater than `after`, or -1 when none is left. */
int64_t pc_history_next_uid(const pc_history *h, int64_t after);

#endif
