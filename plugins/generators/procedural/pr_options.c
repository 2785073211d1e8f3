/* pr_options.c — renderer options: defaults, names, range checks. */
#include "pr_render.h"

#include <math.h>
#include <string.h>

void pr_options_default(pr_options *o)
{
    o->style = PR_STYLE_AUTO;
    o->setting = PR_SETTING_AUTO;
    o->objects_max = 8;
    o->cars_max = 4;
    o->grain = 2.0;
}

int pr_style_parse(const char *s, pr_style *out)
{
    static const char *names[] = {"auto", "day", "overcast", "dusk"};
    for (int i = 0; s && i < 4; i++)
        if (strcmp(s, names[i]) == 0) return *out = (pr_style)i, 0;
    return -1;
}

int pr_setting_parse(const char *s, pr_setting *out)
{
    static const char *names[] = {"auto", "city", "suburb", "highway"};
    for (int i = 0; s && i < 4; i++)
        if (strcmp(s, names[i]) == 0) return *out = (pr_setting)i, 0;
    return -1;
}

const char *pr_options_check(const pr_options *o)
{
    if (o->style < PR_STYLE_AUTO || o->style > PR_STYLE_DUSK) return "style out of range";
    if (o->setting < PR_SETTING_AUTO || o->setting > PR_SETTING_HIGHWAY) return "scene out of range";
    if (o->objects_max < 1 || o->objects_max > PR_OBJECTS_LIMIT) return "objects_max must be 1..64";
    if (o->cars_max < 0 || o->cars_max > PR_OBJECTS_LIMIT) return "cars_max must be 0..64";
    if (!(o->grain >= 0 && o->grain <= 32)) return "grain must be 0..32";
    return NULL;
}
