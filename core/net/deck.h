/* deck.h — which miners answer the next challenge: a shuffled deck of eligible uids, dealt
 * `sample_size` at a time and reshuffled when it runs out, so every miner is examined equally
 * often. This is upstream's UIDDeck.next_k: a hand is always k cards (unless the deck is
 * empty); when the deck runs out mid-hand the uids are shuffled afresh and the hand goes on from
 * the new order, so a hand may hold a uid twice (9 eligible, k = 10: the 10th card repeats one;
 * 3 eligible: 3 + 3 + 3 + 1). The RNG is the caller's, so a seeded run replays exactly. */
#ifndef PC_NET_DECK_H
#define PC_NET_DECK_H

#include <stddef.h>
#include <stdint.h>

#define PC_SAMPLE_SIZE 10 /* upstream neuron.sample_size */

typedef uint64_t (*pc_rng_fn)(void *user); /* uniform 64-bit values */

typedef struct pc_deck {
    int *cards;   /* the shuffled uids */
    size_t count; /* cards in the deck */
    size_t pos;   /* next card to deal; count = exhausted */
    pc_rng_fn rng;
    void *rng_user;
} pc_deck;

/* Copy `n` uids (duplicates are dropped) and shuffle them. Returns 0, -1 when out of memory. */
int pc_deck_init(pc_deck *d, const int *uids, size_t n, pc_rng_fn rng, void *rng_user);
void pc_deck_free(pc_deck *d);

/* Deal k uids into out, in deck order; when the deck runs out it is reshuffled (from uid
 * order) and dealing goes on, repeats within the hand included. Returns k, 0 for an empty deck. */
size_t pc_deck_deal(pc_deck *d, size_t k, int *out);

/* Unbiased uniform integer in [0, bound) from the deck's RNG (bound > 0). */
uint64_t pc_rng_below(pc_rng_fn rng, void *user, uint64_t bound);

#endif
