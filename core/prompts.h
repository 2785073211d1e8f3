/* prompts.h — prompts for synthetic images: label 1 uses a real roadwork image's
 * scene_description (as upstream); label 0 and empty caches use these templates. */
#ifndef PC_PROMPTS_H
#define PC_PROMPTS_H

#include "host.h"

const char *pc_prompt_template(int label, pc_rng *rng);
/* The negative prompt given with every generation. */
const char *pc_negative_prompt(void);

#endif
