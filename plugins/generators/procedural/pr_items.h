/* pr_items.h — a list of placed objects, drawn far to near (painter's order). Shared by the
 * t2i scene and the i2i editor. */
#ifndef PR_ITEMS_H
#define PR_ITEMS_H

#include "pr_objects.h"
#include "pr_render.h"

typedef enum pr_kind {
    PR_CONE = 0,
    PR_DRUM,
    PR_BARRIER,
    PR_SIGN,
    PR_WORKER,
    PR_CAR,
    PR_TREE,
    PR_LAMP
} pr_kind;

typedef struct pr_item {
    pr_kind kind;
    float z;            /* distance from the camera (metres): the drawing order        */
    float bx, by, ppm;  /* screen foot point and pixels per metre                      */
    float size;         /* barrier width (m), tree scale                               */
    int a, b;           /* kind-specific: red/yellow/orange/taxi/glyph/skin/arm side   */
    pr_rgb color;       /* car body, tree leaves                                       */
    int order;          /* insertion index: a stable tie-break                         */
} pr_item;

#define PR_ITEMS_MAX 256

typedef struct pr_items {
    pr_item v[PR_ITEMS_MAX];
    int n;
} pr_items;

/* Append (silently dropped when full). */
void pr_items_add(pr_items *it, pr_item item);
/* Sort far to near and draw every item. */
void pr_items_draw(proctor_image *img, pr_items *it, pr_light l);
/* Add the roadwork and car counts of the list to sum. */
void pr_items_count(const pr_items *it, pr_summary *sum);
/* A random car colour: mostly white/grey/black/blue, sometimes red, and a yellow taxi when
 * taxis are allowed (*taxi set to 1). */
#include "pr_rng.h"
pr_rgb pr_car_color(pr_rng *r, int allow_taxi, int *taxi);

#endif
