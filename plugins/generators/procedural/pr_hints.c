/* pr_hints.c — read a prompt for what to draw. The core stores the prompt as the label 1
 * image's scene_description, so when the prompt names cones, barriers, a sign or workers the
 * work zone should contain them, and a prompt saying "highway" or "at dusk" should get that
 * street and light. Words are matched case-insensitively as substrings ("cones" finds "cone");
 * a prompt without any known word changes nothing. */
#include "pr_hints.h"
#include "pr_rng.h"

#include <ctype.h>
#include <string.h>

static int has_any(const char *text, const char *const *words)
{
    for (; *words; words++)
        if (strstr(text, *words)) return 1;
    return 0;
}

void pr_hints_parse(const char *prompt, pr_hints *h)
{
    memset(h, 0, sizeof *h);
    if (!prompt) return;
    char low[1024];
    size_t n = 0;
    for (; prompt[n] && n < sizeof low - 1; n++) low[n] = (char)tolower((unsigned char)prompt[n]);
    low[n] = 0;
    static const char *const cone[] = {"cone", "pylon", NULL};
    static const char *const drum[] = {"drum", "barrel", "channelizer", NULL};
    static const char *const barrier[] = {"barrier", "barricade", "fence", "roadblock", NULL};
    static const char *const worker[] = {"worker", "crew", "labor", "people", "person", "man ", "men ", "vest", NULL};
    static const char *const dusk[] = {"dusk", "sunset", "evening", "night", "twilight", NULL};
    static const char *const overcast[] = {"overcast", "cloudy", "rain", "grey sky", "gray sky", "fog", NULL};
    static const char *const day[] = {"sunny", "clear sky", "daylight", "daytime", NULL};
    static const char *const highway[] = {"highway", "freeway", "motorway", "expressway", "interstate", NULL};
    static const char *const city[] = {"city", "urban", "downtown", "building", NULL};
    static const char *const suburb[] = {"suburb", "residential", "neighborhood", "neighbourhood", "houses", NULL};
    h->cone = has_any(low, cone);
    h->drum = has_any(low, drum);
    h->barrier = has_any(low, barrier);
    /* "sign" but not "signal" (a traffic light is not roadwork) */
    for (const char *p = low; (p = strstr(p, "sign")); p += 4)
        if (strncmp(p, "signal", 6) != 0) h->sign = 1;
    h->worker = has_any(low, worker);
    h->any_object = h->cone || h->drum || h->barrier || h->sign || h->worker;
    h->style = has_any(low, dusk) ? PR_STYLE_DUSK : has_any(low, overcast) ? PR_STYLE_OVERCAST
               : has_any(low, day) ? PR_STYLE_DAY : PR_STYLE_AUTO;
    h->setting = has_any(low, highway) ? PR_SETTING_HIGHWAY : has_any(low, suburb) ? PR_SETTING_SUBURB
                 : has_any(low, city) ? PR_SETTING_CITY : PR_SETTING_AUTO;
}

void pr_hints_mix(const pr_hints *h, int budget, pr_rng *r, pr_zone_mix *m)
{
    if (budget < 1) budget = 1;
    m->signs = h->sign;
    m->barriers = h->barrier ? (budget >= 8 && pr_chance(r, 0.4) ? 2 : 1) : 0;
    m->workers = h->worker ? pr_int(r, 1, 2) : 0;
    m->drums = h->drum && (!h->cone || pr_chance(r, 0.5));
    int rest = budget - m->signs - m->barriers - m->workers;
    m->cones = h->cone || h->drum ? (rest > 0 ? rest : 1) : 0;
    /* over budget: give up extras first, then whole kinds, but keep one object */
    for (int total = m->signs + m->barriers + m->workers + m->cones; total > budget && total > 1; total--) {
        if (m->workers > 1) m->workers--;
        else if (m->barriers > 1) m->barriers--;
        else if (m->cones > 1) m->cones--;
        else if (m->workers) m->workers--;
        else if (m->barriers) m->barriers--;
        else if (m->signs) m->signs--;
        else m->cones--;
    }
}
