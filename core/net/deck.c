/* deck.c — see deck.h. */
#include "net/deck.h"

#include <stdlib.h>
#include <string.h>

uint64_t pc_rng_below(pc_rng_fn rng, void *user, uint64_t bound)
{
    /* rejection sampling: drop the top partial block so every residue is equally likely */
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do x = rng(user);
    while (x >= limit);
    return x % bound;
}

static void shuffle(pc_deck *d)
{
    for (size_t i = d->count; i > 1; i--) {
        size_t j = (size_t)pc_rng_below(d->rng, d->rng_user, i);
        int t = d->cards[i - 1];
        d->cards[i - 1] = d->cards[j];
        d->cards[j] = t;
    }
    d->pos = 0;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int pc_deck_init(pc_deck *d, const int *uids, size_t n, pc_rng_fn rng, void *rng_user)
{
    memset(d, 0, sizeof *d);
    d->rng = rng;
    d->rng_user = rng_user;
    if (n == 0) return 0;
    d->cards = malloc(n * sizeof *d->cards);
    if (!d->cards) return -1;
    memcpy(d->cards, uids, n * sizeof *uids);
    /* sort + unique first, so the shuffle depends only on the set of uids and the RNG */
    qsort(d->cards, n, sizeof *d->cards, cmp_int);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || d->cards[k - 1] != d->cards[i]) d->cards[k++] = d->cards[i];
    d->count = k;
    shuffle(d);
    return 0;
}

void pc_deck_free(pc_deck *d)
{
    free(d->cards);
    memset(d, 0, sizeof *d);
}

size_t pc_deck_deal(pc_deck *d, size_t k, int *out)
{
    if (d->count == 0) return 0;
    for (size_t i = 0; i < k; i++) {
        if (d->pos == d->count) {
            /* upstream's refill: the eligible uids in uid order, shuffled again */
            qsort(d->cards, d->count, sizeof *d->cards, cmp_int);
            shuffle(d);
        }
        out[i] = d->cards[d->pos++];
    }
    return k;
}
