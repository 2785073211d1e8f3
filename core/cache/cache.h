/* cache.h — the image cache (DESIGN.md section 5), compatible with the upstream validator:
 *   <root>/Roadwork/image/X.{jpg,jpeg,png} + X.json   real images
 *   <root>/Roadwork/image/sources/X.parquet         downloaded archives
 *   <root>/Synthetic/{t2i,i2i}/X.{jpg,jpeg,png} + X.json
 * Writes are atomic (sidecar first, image last, temp names outside the served suffixes). Each
 * directory has a byte budget enforced oldest-first, image and sidecar together. Readers keep an
 * in-memory index per directory, refreshed only when the directory changed. */
#ifndef PC_CACHE_H
#define PC_CACHE_H

#include "proctor.h"
#include <stdint.h>

#define PC_CACHE_KINDS 4

typedef struct pc_cache pc_cache;

typedef struct pc_cache_stats {
    size_t items[2];     /* servable items by label */
    size_t invalid;      /* images whose sidecar is missing, unreadable or inconsistent */
    size_t files;        /* every file counted against the budget */
    int64_t bytes;       /* bytes counted against the budget */
    int64_t budget;
    double newest_age_s; /* age of the newest servable item; -1 when empty */
} pc_cache_stat;

/* budgets[kind] in bytes; 0 = unlimited. The root is created on demand. */
pc_cache *pc_cache_open(const char *root, const int64_t budgets[PC_CACHE_KINDS], char *err,
                        size_t errlen);
void pc_cache_close(pc_cache *c);

const char *pc_cache_root(const pc_cache *c);
/* Absolute directory of a kind, created if missing; NULL if it cannot be created. */
const char *pc_cache_dir(pc_cache *c, proctor_cache_kind kind);
const char *pc_cache_kind_name(proctor_cache_kind kind); /* "real", "sources", "t2i", "i2i" */

/* Validate a sidecar: label 0|1 and scene_description consistent (upstream rule).
 * Returns the label, or -1 with the reason. */
int pc_cache_check_sidecar(const char *json, char *why, size_t whylen);

proctor_status pc_cache_put(pc_cache *c, proctor_cache_kind kind, const char *stem,
                            const void *bytes, size_t len, const char *sidecar_json, char *err,
                            size_t errlen);
int pc_cache_has(pc_cache *c, proctor_cache_kind kind, const char *stem);

/* A random servable item with that label (-1 = any). PROCTOR_NOT_READY when there is none. */
proctor_status pc_cache_sample(pc_cache *c, proctor_cache_kind kind, int label,
                               uint64_t (*rng)(void *), void *rng_state, proctor_item **out);
void pc_item_free(proctor_item *item);

/* Count of servable items with that label (-1 = any), from the index (refreshed if stale). */
size_t pc_cache_count(pc_cache *c, proctor_cache_kind kind, int label);

void pc_cache_trim(pc_cache *c, proctor_cache_kind kind);
int pc_cache_stats(pc_cache *c, proctor_cache_kind kind, pc_cache_stat *out);

/* Force the next index use to re-list the directory (tests, status). */
void pc_cache_invalidate(pc_cache *c, proctor_cache_kind kind);

#endif
