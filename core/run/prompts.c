/* prompts.c — see prompts.h. */
#include "run/prompts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const no_roadwork[] = {
    "A dashcam photo of a quiet city street on a sunny day, parked cars, clear road",
    "A suburban two-lane road with trees on both sides, no construction, daytime photo",
    "A highway seen from a car, light traffic, clear lanes, overcast sky",
    "An urban intersection with traffic lights and pedestrians, ordinary traffic",
    "A residential street at dusk, street lamps, cars driving, no obstacles on the road",
    "A rural road through fields, empty asphalt, blue sky, photo from the driver's seat",
};

static const char *const roadwork[] = {
    "A city street with road construction, orange traffic cones and barriers closing a lane",
    "A highway work zone with construction workers in hi-vis vests and warning signs",
    "Road repair with an excavator, orange and white barriers and a detour sign",
    "A street with a lane blocked by traffic cones and a roadwork ahead sign",
};

/* upstream's caption enhancement, appended after ", " */
static const char suffix_label1[] =
    "dashcam footage, car dashboard camera view, driver's perspective, realistic road scene "
    "with construction work, roadwork signs, traffic cones, construction barriers, natural "
    "daylight, automotive photography, street level view";
static const char suffix_label0[] =
    "dashcam footage, car dashboard camera view, driver's perspective, realistic road scene, "
    "clear road, normal traffic, natural daylight, automotive photography, street level view";

/* upstream's negative prompts; the i2i one is the t2i one without its blur terms */
#define NEGATIVE_COMMON                                                                        \
    "cartoon, anime, painting, drawing, artistic, stylized, illustration, sketch, unrealistic, " \
    "fake, artificial, 3d render, cgi, video game, fantasy, sci-fi, aerial view, bird's eye "    \
    "view, satellite view, drone footage, helicopter view, top-down view, security camera, "     \
    "cctv, surveillance camera, indoor scene, interior, portrait, face, person close-up, "       \
    "selfie, vibrant colors, oversaturated, neon, glowing, night vision, thermal imaging, "      \
    "fisheye lens, wide angle distortion"
static const char negative_t2i[] = NEGATIVE_COMMON ", motion blur, blurry, out of focus, unfocused, "
                                                   "soft focus, speed blur, camera shake, movement blur";
static const char negative_i2i[] = NEGATIVE_COMMON;

const char *pc_prompt_template(int label, pc_rng *rng)
{
    if (label == 1) return roadwork[pc_rng_next(rng) % (sizeof roadwork / sizeof roadwork[0])];
    return no_roadwork[pc_rng_next(rng) % (sizeof no_roadwork / sizeof no_roadwork[0])];
}

char *pc_prompt_full(const char *caption, int label)
{
    const char *suffix = label == 1 ? suffix_label1 : suffix_label0;
    size_t n = strlen(caption) + strlen(suffix) + 3;
    char *out = malloc(n);
    if (out) snprintf(out, n, "%s, %s", caption, suffix);
    return out;
}

const char *pc_negative_prompt_for(proctor_task task)
{
    return task == PROCTOR_TASK_I2I ? negative_i2i : negative_t2i;
}
