/* status_extra.h — the parts of `proctor status` owned by the challenge loop and the wallet:
 * last challenges from the audit log, miner scores, the validator hotkey. */
#ifndef PC_STATUS_EXTRA_H
#define PC_STATUS_EXTRA_H

#include "config/pipeline.h"
#include <stdio.h>

void pc_status_extra(const pc_pipeline *p, const char *state_dir, FILE *out);

#endif
