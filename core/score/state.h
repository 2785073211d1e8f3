/* state.h — the validator's state file: step, scores with their hotkeys, per-miner history.
 *
 * One file, replaced atomically after every challenge (score/file.h), so a crash at any instant
 * leaves the previous or the new state. Layout, two lines:
 *   {"format":"proctor-state","version":1,"bytes":N,"crc32":"89abcdef"}
 *   <N bytes of compact JSON payload>
 * The header's length and CRC-32 catch a torn or edited payload. The payload:
 *   {"step":S,"scores":[..],"hotkeys":[..],"history_cap":100,
 *    "history":[{"uid":U,"hotkey":"..","p":[..],"l":"0110..","t":[..],"lat":[..]}, ..]}
 * p/t/lat are the entries' predictions, times and latencies oldest first, l their labels;
 * a non-finite number is written as the string "nan", "inf" or "-inf".
 * "<path>.prev" keeps the state before the last save; the loader falls back to it (loudly)
 * when the main file is missing or damaged, and refuses when both are. */
#ifndef PC_SCORE_STATE_H
#define PC_SCORE_STATE_H

#include "score/history.h"
#include "score/scores.h"

#include <stddef.h>
#include <stdint.h>

#define PC_STATE_VERSION 1
#define PC_STATE_MAX_BYTES (256u << 20) /* refuse to read anything larger */

int pc_state_save(const char *path, uint64_t step, const pc_scores *scores,
                  const pc_history *history, char *err, size_t errlen);

/* Load into *step, *scores (alpha kept) and *history (replaced by a new history with the old
 * one's cap; a miner's older entries beyond it are dropped). Nothing changes unless it returns 0.
 * Returns 0 loaded (*from_prev = 1 when it came from "<path>.prev": err then says why the main
 * file was not used), 1 no state at all (a fresh start), -1 refused with err saying why. */
int pc_state_load(const char *path, uint64_t *step, pc_scores *scores, pc_history **history,
                  int *from_prev, char *err, size_t errlen);

/* Parse a state file's bytes (header + payload); the same checks as pc_state_load. */
int pc_state_parse(const char *bytes, size_t len, uint64_t *step, pc_scores *scores,
                   pc_history **history, char *err, size_t errlen);

#endif
