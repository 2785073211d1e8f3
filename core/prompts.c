/* prompts.c — see prompts.h. */
#include "prompts.h"

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
    "A street with a lane blocked by traffic cones and a roadwork ahead sign, dashcam photo",
};

const char *pc_prompt_template(int label, pc_rng *rng)
{
    if (label == 1) return roadwork[pc_rng_next(rng) % (sizeof roadwork / sizeof roadwork[0])];
    return no_roadwork[pc_rng_next(rng) % (sizeof no_roadwork / sizeof no_roadwork[0])];
}

const char *pc_negative_prompt(void)
{
    return "blurry, low quality, distorted, deformed, cartoon, drawing, painting, illustration, "
           "text, watermark, logo, oversaturated, indoor scene, interior, portrait";
}
