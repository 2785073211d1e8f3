/* pr_items.c — placed objects: painter's-order drawing and counting. */
#include "pr_items.h"
#include "pr_rng.h"

#include <stdlib.h>

void pr_items_add(pr_items *it, pr_item item)
{
    if (it->n >= PR_ITEMS_MAX) return;
    item.order = it->n;
    it->v[it->n++] = item;
}

static int far_first(const void *pa, const void *pb)
{
    const pr_item *a = pa, *b = pb;
    if (a->z != b->z) return a->z > b->z ? -1 : 1;
    return a->order - b->order; /* keeps qsort's output independent of the libc */
}

void pr_items_draw(proctor_image *img, pr_items *it, pr_light l)
{
    qsort(it->v, (size_t)it->n, sizeof(pr_item), far_first);
    for (int i = 0; i < it->n; i++) {
        const pr_item *o = &it->v[i];
        switch (o->kind) {
        case PR_CONE: pr_draw_cone(img, o->bx, o->by, o->ppm, l); break;
        case PR_DRUM: pr_draw_drum(img, o->bx, o->by, o->ppm, l); break;
        case PR_BARRIER: pr_draw_barrier(img, o->bx, o->by, o->ppm, o->size, o->a, l); break;
        case PR_SIGN: pr_draw_sign(img, o->bx, o->by, o->ppm, o->a, o->b, l); break;
        case PR_WORKER: pr_draw_worker(img, o->bx, o->by, o->ppm, o->a, o->b, l); break;
        case PR_CAR: pr_draw_car(img, o->bx, o->by, o->ppm, o->color, o->a, l); break;
        case PR_TREE: pr_draw_tree(img, o->bx, o->by, o->ppm, o->color, o->size, l); break;
        case PR_LAMP: pr_draw_lamp(img, o->bx, o->by, o->ppm, o->a, l); break;
        }
    }
}

void pr_items_count(const pr_items *it, pr_summary *sum)
{
    for (int i = 0; i < it->n; i++) {
        switch (it->v[i].kind) {
        case PR_CONE: sum->cones++; break;
        case PR_DRUM: sum->drums++; break;
        case PR_BARRIER: sum->barriers++, sum->barriers_red += it->v[i].a != 0; break;
        case PR_SIGN: sum->signs++, sum->signs_yellow += it->v[i].a != 0; break;
        case PR_WORKER: sum->workers++; break;
        case PR_CAR: sum->cars++; break;
        default: break;
        }
    }
}

pr_rgb pr_car_color(pr_rng *r, int allow_taxi, int *taxi)
{
    static const pr_rgb common[] = {
        {232, 232, 228}, {190, 192, 196}, {150, 152, 156}, {35, 36, 40},  {60, 62, 68},
        {40, 60, 110},   {70, 100, 150},  {45, 70, 55},    {200, 190, 165}, {110, 30, 35}};
    *taxi = 0;
    double u = pr_unit(r);
    if (allow_taxi && u < 0.10) {
        *taxi = 1;
        return pr_rgb3(246, 192, 28);
    }
    if (u < 0.22) return pr_rgb3(200, 28, 26); /* a bright red car */
    return common[pr_int(r, 0, (int)(sizeof(common) / sizeof(common[0])) - 1)];
}
