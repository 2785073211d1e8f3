/* ss58.c — SS58 with Base58 (Bitcoin alphabet) and a BLAKE2b-512 checksum from libsodium. */
#include "crypto/ss58.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

enum { MAX_RAW = 2 + 32 + 2, MAX_CHARS = 64 };

/* Base58 of `len` bytes into out (NUL-terminated). Returns chars written or -1 if too long. */
static int base58_encode(const uint8_t *in, size_t len, char *out, size_t outlen)
{
    uint8_t digits[MAX_CHARS]; /* base-58 digits, least significant first */
    size_t ndigits = 0, zeros = 0;
    while (zeros < len && in[zeros] == 0) zeros++;
    for (size_t i = zeros; i < len; i++) {
        unsigned carry = in[i];
        for (size_t j = 0; j < ndigits; j++) {
            carry += (unsigned)digits[j] << 8;
            digits[j] = (uint8_t)(carry % 58);
            carry /= 58;
        }
        while (carry) {
            if (ndigits == sizeof digits) return -1;
            digits[ndigits++] = (uint8_t)(carry % 58);
            carry /= 58;
        }
    }
    if (zeros + ndigits + 1 > outlen) return -1;
    size_t n = 0;
    for (size_t i = 0; i < zeros; i++) out[n++] = '1';
    for (size_t i = ndigits; i-- > 0;) out[n++] = alphabet[digits[i]];
    out[n] = '\0';
    return (int)n;
}

/* Base58 text -> bytes; returns the byte count, or -1 (bad char, too long). */
static int base58_decode(const char *in, uint8_t *out, size_t outmax)
{
    uint8_t bytes[MAX_RAW + 8]; /* little-endian while accumulating */
    size_t nbytes = 0, zeros = 0, len = strlen(in);
    if (len > MAX_CHARS) return -1;
    while (zeros < len && in[zeros] == '1') zeros++;
    for (size_t i = zeros; i < len; i++) {
        const char *p = memchr(alphabet, in[i], sizeof alphabet - 1);
        if (!p) return -1;
        unsigned carry = (unsigned)(p - alphabet);
        for (size_t j = 0; j < nbytes; j++) {
            carry += (unsigned)bytes[j] * 58;
            bytes[j] = (uint8_t)carry;
            carry >>= 8;
        }
        while (carry) {
            if (nbytes == sizeof bytes) return -1;
            bytes[nbytes++] = (uint8_t)carry;
            carry >>= 8;
        }
    }
    if (zeros + nbytes > outmax) return -1;
    memset(out, 0, zeros);
    for (size_t i = 0; i < nbytes; i++) out[zeros + i] = bytes[nbytes - 1 - i];
    return (int)(zeros + nbytes);
}

static void checksum(const uint8_t *data, size_t len, uint8_t out[2])
{
    uint8_t h[64];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const uint8_t *)"SS58PRE", 7);
    crypto_generichash_update(&st, data, len);
    crypto_generichash_final(&st, h, sizeof h);
    out[0] = h[0];
    out[1] = h[1];
}

int pc_ss58_encode(const uint8_t pub[32], uint16_t prefix, char *out, size_t outlen)
{
    uint8_t raw[MAX_RAW];
    size_t n = 0;
    if (prefix > 16383) return -1;
    if (prefix < 64) {
        raw[n++] = (uint8_t)prefix;
    } else {
        /* two-byte form: 01 + the low 6 bits of the first byte's share, see sp-core */
        raw[n++] = (uint8_t)(((prefix & 0xfc) >> 2) | 0x40);
        raw[n++] = (uint8_t)((prefix >> 8) | ((prefix & 0x03) << 6));
    }
    memcpy(raw + n, pub, 32);
    n += 32;
    checksum(raw, n, raw + n);
    n += 2;
    return base58_encode(raw, n, out, outlen) < 0 ? -1 : 0;
}

int pc_ss58_decode(const char *address, uint8_t pub[32], uint16_t *prefix, char *err, size_t errlen)
{
    uint8_t raw[MAX_RAW];
    int n = base58_decode(address, raw, sizeof raw);
    if (n < 0) {
        snprintf(err, errlen, "SS58 address is not Base58 or too long");
        return -1;
    }
    size_t plen;
    uint16_t pfx;
    if (n >= 1 && raw[0] < 64) {
        plen = 1;
        pfx = raw[0];
    } else if (n >= 2 && raw[0] < 128) {
        plen = 2;
        pfx = (uint16_t)(((raw[0] & 0x3f) << 2) | (raw[1] >> 6) | ((raw[1] & 0x3f) << 8));
    } else {
        snprintf(err, errlen, "SS58 address has an invalid or reserved prefix byte");
        return -1;
    }
    if ((size_t)n != plen + 32 + 2) {
        snprintf(err, errlen, "SS58 address holds %d bytes; expected %zu (a 32-byte key)", n,
                 plen + 34);
        return -1;
    }
    uint8_t sum[2];
    checksum(raw, plen + 32, sum);
    if (sum[0] != raw[plen + 32] || sum[1] != raw[plen + 33]) {
        snprintf(err, errlen, "SS58 address checksum does not match");
        return -1;
    }
    memcpy(pub, raw + plen, 32);
    if (prefix) *prefix = pfx;
    return 0;
}
