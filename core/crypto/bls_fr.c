/* bls_fr.c — reduction of 256-bit integers mod r, the order of the BLS12-381 groups. */
#include "crypto/bls.h"

typedef unsigned __int128 u128;

/* 2^256 < 5r, so at most four conditional subtractions; each is a mask, no branch. */
void pc_fr_from_be_mod(uint8_t out[32], const uint8_t in[32])
{
    uint64_t v[4];
    for (int i = 0; i < 4; i++) {
        v[i] = 0;
        for (int j = 0; j < 8; j++) v[i] |= (uint64_t)in[31 - 8 * i - j] << (8 * j);
    }
    for (int round = 0; round < 4; round++) {
        uint64_t s[4], borrow = 0;
        for (int i = 0; i < 4; i++) {
            u128 d = (u128)v[i] - pc_fr_modulus[i] - borrow;
            s[i] = (uint64_t)d;
            borrow = (uint64_t)(d >> 64) & 1;
        }
        uint64_t keep = 0 - borrow; /* v < r: keep v */
        for (int i = 0; i < 4; i++) v[i] = (v[i] & keep) | (s[i] & ~keep);
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) out[31 - 8 * i - j] = (uint8_t)(v[i] >> (8 * j));
}
