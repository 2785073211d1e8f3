/* pr_hints.h — what a prompt asks for, in the renderer's terms. */
#ifndef PR_HINTS_H
#define PR_HINTS_H

#include "pr_render.h"

typedef struct pr_hints {
    int cone, drum, barrier, sign, worker; /* roadwork objects the prompt names       */
    int any_object;                        /* at least one of them                    */
    pr_style style;                        /* AUTO when the prompt says nothing       */
    pr_setting setting;
} pr_hints;

/* prompt may be NULL (no hints). Only the first 1023 bytes are read. */
void pr_hints_parse(const char *prompt, pr_hints *h);

/* How many of each roadwork object a work zone gets. */
typedef struct pr_mix {
    int cones;  /* cones, or drums when `drums` is set */
    int drums;
    int barriers, signs, workers;
} pr_zone_mix;

/* The mix for a prompt that names objects (h->any_object): what it names, within budget
 * (at least one object even when budget is smaller than what the prompt names). */
#include "pr_rng.h"
void pr_hints_mix(const pr_hints *h, int budget, pr_rng *r, pr_zone_mix *m);

#endif
