/* keccak.c — Keccak-f[1600] (FIPS 202 section 3), SHA3-256 and hex helpers.
 * Straightforward, table-driven lane form: clarity over speed, it hashes a few short strings per
 * request and one transcript per signature. */
#include "crypto/keccak.h"
#include "base/endian.h"

#include <sodium.h>
#include <string.h>

static const uint64_t round_constants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* rho offsets and pi destinations, walking the lanes in pi order starting from lane 1 */
static const unsigned rho_offsets[24] = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                                         27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
static const unsigned pi_lanes[24] = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                                      15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};

static uint64_t rotl64(uint64_t x, unsigned n) { return (x << n) | (x >> ((64 - n) & 63)); }

void pc_keccak_f1600(uint8_t state[200])
{
    uint64_t a[25], c[5];
    for (int i = 0; i < 25; i++) a[i] = pc_le64(state + 8 * i);

    for (int round = 0; round < 24; round++) {
        /* theta */
        for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; x++) {
            uint64_t d = c[(x + 4) % 5] ^ rotl64(c[(x + 1) % 5], 1);
            for (int y = 0; y < 25; y += 5) a[y + x] ^= d;
        }
        /* rho and pi */
        uint64_t carry = a[1];
        for (int i = 0; i < 24; i++) {
            unsigned j = pi_lanes[i];
            uint64_t t = a[j];
            a[j] = rotl64(carry, rho_offsets[i]);
            carry = t;
        }
        /* chi */
        for (int y = 0; y < 25; y += 5) {
            for (int x = 0; x < 5; x++) c[x] = a[y + x];
            for (int x = 0; x < 5; x++) a[y + x] = c[x] ^ (~c[(x + 1) % 5] & c[(x + 2) % 5]);
        }
        /* iota */
        a[0] ^= round_constants[round];
    }

    for (int i = 0; i < 25; i++) pc_put_le64(state + 8 * i, a[i]);
}

enum { SHA3_256_RATE = 136 };

void pc_sha3_256_init(pc_sha3_256_ctx *c)
{
    memset(c, 0, sizeof *c);
}

void pc_sha3_256_update(pc_sha3_256_ctx *c, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++) {
        c->st[c->pos++] ^= p[i];
        if (c->pos == SHA3_256_RATE) {
            pc_keccak_f1600(c->st);
            c->pos = 0;
        }
    }
}

void pc_sha3_256_final(pc_sha3_256_ctx *c, uint8_t out[32])
{
    c->st[c->pos] ^= 0x06; /* SHA-3 domain bits 01 + first pad bit */
    c->st[SHA3_256_RATE - 1] ^= 0x80;
    pc_keccak_f1600(c->st);
    memcpy(out, c->st, 32);
    memset(c, 0, sizeof *c);
}

void pc_sha3_256(const void *data, size_t len, uint8_t out[32])
{
    pc_sha3_256_ctx c;
    pc_sha3_256_init(&c);
    pc_sha3_256_update(&c, data, len);
    pc_sha3_256_final(&c, out);
}

void pc_hex_encode(const uint8_t *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * len] = '\0';
}

int pc_hex_decode(const char *hex, uint8_t *out, size_t len)
{
    /* libsodium's decoder runs in constant time: it also decodes secret keys */
    size_t hex_len = strnlen(hex, 2 * len + 1), bin_len = 0;
    const char *end = NULL;
    if (hex_len != 2 * len) return -1;
    if (sodium_hex2bin(out, len, hex, hex_len, NULL, &bin_len, &end) != 0) return -1;
    return bin_len == len && end == hex + hex_len ? 0 : -1;
}
