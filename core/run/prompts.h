/* prompts.h — prompts for synthetic images. Label 1 uses a real roadwork image's
 * scene_description (as upstream); label 0 and empty caches use templates. Upstream's caption
 * suffix and negative prompts (natix/validator/config.py, synthetic_data_generator.py) are
 * applied on top. */
#ifndef PC_PROMPTS_H
#define PC_PROMPTS_H

#include "plugin/host.h"
#include "proctor.h"

const char *pc_prompt_template(int label, pc_rng *rng);
/* caption + ", " + upstream's label suffix (malloc'd). */
char *pc_prompt_full(const char *caption, int label);
/* Upstream's negative prompt for the task (both exceed 77 tokens and share their first 75). */
const char *pc_negative_prompt_for(proctor_task task);

#endif
