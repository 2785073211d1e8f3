/* miners.h — the metagraph a pipeline names: miners.metagraph (JSON/YAML file) and/or the
 * inline miners.neurons list, checked with file:line. */
#ifndef PC_MINERS_H
#define PC_MINERS_H

#include "net/metagraph.h"
#include "config/pipeline.h"

int pc_miners_load(const pc_pipeline *p, pc_metagraph *m, char *err, size_t errlen);

#endif
