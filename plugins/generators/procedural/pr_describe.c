/* pr_describe.c — a one-sentence scene description of what the renderer drew, in the style of
 * the NATIX dataset's scene_description (used as the sidecar text of label 1 images). */
#include "pr_render.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct sb {
    char *buf;
    size_t n, len;
} sb;

static void put(sb *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = s->len < s->n ? s->n - s->len : 0;
    int k = vsnprintf(room ? s->buf + s->len : NULL, room, fmt, ap);
    va_end(ap);
    if (k > 0) s->len += (size_t)k;
}

static const char *count_word(int n)
{
    static const char *w[] = {"no", "one", "two", "three", "four", "five", "six", "seven",
                              "eight", "nine", "ten", "eleven", "twelve"};
    return n >= 0 && n <= 12 ? w[n] : "many";
}

/* "a red and white striped barrier", "three orange traffic cones", ... */
static int phrases(const pr_summary *s, char out[6][96])
{
    int k = 0;
    if (s->cones == 1) snprintf(out[k++], 96, "an orange traffic cone");
    else if (s->cones > 1) snprintf(out[k++], 96, "%s orange traffic cones", count_word(s->cones));
    if (s->drums == 1) snprintf(out[k++], 96, "an orange and white traffic drum");
    else if (s->drums > 1) snprintf(out[k++], 96, "%s orange and white traffic drums", count_word(s->drums));
    if (s->barriers > 0) {
        const char *col = s->barriers_red == s->barriers ? "red and white"
                          : s->barriers_red == 0        ? "orange and white"
                                                        : "striped";
        const char *st = s->barriers_red == s->barriers || s->barriers_red == 0 ? " striped" : "";
        if (s->barriers == 1) snprintf(out[k++], 96, "%s %s%s barrier", col[0] == 'o' ? "an" : "a", col, st);
        else snprintf(out[k++], 96, "%s %s%s barriers", count_word(s->barriers), col, st);
    }
    if (s->signs > 0) {
        const char *col = s->signs_yellow == s->signs ? "yellow" : s->signs_yellow == 0 ? "orange" : "orange and yellow";
        if (s->signs == 1) snprintf(out[k++], 96, "%s %s diamond road work sign", strcmp(col, "orange") ? "a" : "an", col);
        else snprintf(out[k++], 96, "%s %s diamond road work signs", count_word(s->signs), col);
    }
    if (s->workers == 1) snprintf(out[k++], 96, "a worker in a high-visibility vest");
    else if (s->workers > 1) snprintf(out[k++], 96, "%s workers in high-visibility vests", count_word(s->workers));
    return k;
}

static void join(sb *s, char p[6][96], int k)
{
    for (int i = 0; i < k; i++) put(s, "%s%s", i == 0 ? "" : i == k - 1 ? " and " : ", ", p[i]);
}

size_t pr_describe(const pr_summary *sum, char *buf, size_t n)
{
    sb s = {buf, n, 0};
    if (n) buf[0] = 0;
    char p[6][96];
    int k = phrases(sum, p);
    if (sum->label != 1 || k == 0) return 0;
    if (sum->setting == PR_SETTING_AUTO) { /* an i2i edit of a photo we know nothing about */
        p[0][0] = (char)(p[0][0] - 'a' + 'A');
        join(&s, p, k);
        int one = sum->cones + sum->drums + sum->barriers + sum->signs + sum->workers == 1;
        put(&s, " %s on the road in the lower part of the street scene.", one ? "stands" : "stand");
        return s.len;
    }
    static const char *road[] = {"road", "city street", "suburban street", "highway"};
    const char *lanes = sum->lanes == 2 ? "two-lane" : sum->lanes == 3 ? "three-lane" : sum->lanes == 4 ? "four-lane" : "multi-lane";
    put(&s, "A %s %s", lanes, road[sum->setting]);
    if (sum->style == PR_STYLE_OVERCAST) put(&s, " on an overcast day");
    else if (sum->style == PR_STYLE_DUSK) put(&s, " at dusk");
    put(&s, " with ");
    join(&s, p, k);
    const char *sd = sum->side < 0 ? "left" : "right";
    if (sum->in_lane && sum->side == 0) put(&s, " closing a middle lane");
    else if (sum->in_lane) put(&s, " closing the %s lane", sd);
    else put(&s, " on the %s %s", sd, sum->setting == PR_SETTING_HIGHWAY ? "shoulder" : "side of the road");
    if (sum->dug) put(&s, " around a patch of dug-up asphalt");
    put(&s, ".");
    return s.len;
}
