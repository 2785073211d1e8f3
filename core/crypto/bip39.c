/* bip39.c — English mnemonic <-> entropy and Substrate's PBKDF2 seed rule (bip39.h). */
#include "crypto/bip39.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

enum { MAX_WORDS = 24, MAX_WORD_LEN = 8 };

/* Index of a word (zero-padded to MAX_WORD_LEN + 1 bytes) in the list, or -1. Every entry is
 * compared in full and the match is selected without branching: the words are a secret. */
static int word_index(const char word[MAX_WORD_LEN + 1])
{
    unsigned found = (unsigned)-1;
    for (unsigned i = 0; i < 2048; i++) {
        char cand[MAX_WORD_LEN + 1] = {0};
        memcpy(cand, pc_bip39_english[i], strlen(pc_bip39_english[i]));
        unsigned diff = 0;
        for (int k = 0; k <= MAX_WORD_LEN; k++) diff |= (unsigned char)(cand[k] ^ word[k]);
        unsigned equal = ((diff - 1) >> 8) & 1; /* diff is 0..255: 1 exactly when diff == 0 */
        found ^= (found ^ i) & (0u - equal);
    }
    return (int)found;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int pc_bip39_to_entropy(const char *phrase, uint8_t entropy[32], size_t *entropy_len, char *err,
                        size_t errlen)
{
    /* 24 words * 11 bits = 264 bits = 33 bytes (32 entropy + 1 checksum byte) */
    uint8_t bits[33] = {0};
    int nwords = 0;
    const char *p = phrase;
    int rc = -1;

    for (;;) {
        while (is_space(*p)) p++;
        if (!*p) break;
        char word[MAX_WORD_LEN + 1] = {0};
        size_t n = 0;
        while (*p && !is_space(*p)) {
            if (n == MAX_WORD_LEN) {
                sodium_memzero(word, sizeof word);
                snprintf(err, errlen, "mnemonic word %d is not a BIP-39 English word", nwords + 1);
                goto done;
            }
            char c = *p++;
            word[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
        if (nwords == MAX_WORDS) {
            snprintf(err, errlen, "mnemonic has more than %d words", MAX_WORDS);
            goto done;
        }
        int idx = word_index(word);
        sodium_memzero(word, sizeof word);
        if (idx < 0) {
            snprintf(err, errlen, "mnemonic word %d is not a BIP-39 English word", nwords + 1);
            goto done;
        }
        for (int b = 0; b < 11; b++) {
            int bit = nwords * 11 + b;
            bits[bit / 8] |= (uint8_t)(((idx >> (10 - b)) & 1) << (7 - bit % 8));
        }
        nwords++;
    }
    if (nwords < 12 || nwords % 3 != 0) {
        snprintf(err, errlen, "mnemonic has %d words; expected 12, 15, 18, 21 or 24", nwords);
        goto done;
    }

    size_t ent = (size_t)nwords * 11 * 32 / 33 / 8; /* entropy bytes */
    size_t cs_bits = ent / 4;                      /* ENT/32 bits, ENT in bits */
    uint8_t hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, bits, ent);
    uint8_t mask = (uint8_t)(0xff << (8 - cs_bits));
    int same = ((bits[ent] ^ hash[0]) & mask) == 0;
    sodium_memzero(hash, sizeof hash);
    if (!same) {
        snprintf(err, errlen, "mnemonic checksum does not match (a word is wrong or misplaced)");
        goto done;
    }
    memcpy(entropy, bits, ent);
    *entropy_len = ent;
    rc = 0;
done:
    sodium_memzero(bits, sizeof bits);
    return rc;
}

int pc_bip39_from_entropy(const uint8_t *entropy, size_t entropy_len, char *out, size_t outlen)
{
    if (entropy_len < 16 || entropy_len > 32 || entropy_len % 4 != 0) return -1;
    uint8_t bits[33];
    uint8_t hash[crypto_hash_sha256_BYTES];
    memcpy(bits, entropy, entropy_len);
    crypto_hash_sha256(hash, entropy, entropy_len);
    bits[entropy_len] = hash[0]; /* only the first ENT/32 bits of it are used */
    int nwords = (int)(entropy_len * 8 + entropy_len / 4) / 11;
    size_t used = 0;
    int rc = 0;
    for (int w = 0; w < nwords && rc == 0; w++) {
        int idx = 0;
        for (int b = 0; b < 11; b++) {
            int bit = w * 11 + b;
            idx = idx << 1 | ((bits[bit / 8] >> (7 - bit % 8)) & 1);
        }
        const char *word = pc_bip39_english[idx];
        size_t n = strlen(word);
        if (used + n + 2 > outlen) rc = -1;
        else {
            if (w) out[used++] = ' ';
            memcpy(out + used, word, n);
            used += n;
            out[used] = '\0';
        }
    }
    sodium_memzero(bits, sizeof bits);
    sodium_memzero(hash, sizeof hash);
    if (rc) sodium_memzero(out, outlen);
    return rc;
}

void pc_pbkdf2_hmac_sha512(const uint8_t *password, size_t password_len, const uint8_t *salt,
                           size_t salt_len, uint32_t iterations, uint8_t *out, size_t out_len)
{
    crypto_auth_hmacsha512_state keyed, st;
    uint8_t u[crypto_auth_hmacsha512_BYTES], t[crypto_auth_hmacsha512_BYTES];

    /* the keyed state is computed once and copied for every HMAC below */
    crypto_auth_hmacsha512_init(&keyed, password, password_len);
    for (uint32_t block = 1; out_len > 0; block++) {
        uint8_t be[4] = {(uint8_t)(block >> 24), (uint8_t)(block >> 16), (uint8_t)(block >> 8),
                         (uint8_t)block};
        st = keyed;
        crypto_auth_hmacsha512_update(&st, salt, salt_len);
        crypto_auth_hmacsha512_update(&st, be, 4);
        crypto_auth_hmacsha512_final(&st, u);
        memcpy(t, u, sizeof t);
        for (uint32_t i = 1; i < iterations; i++) {
            st = keyed;
            crypto_auth_hmacsha512_update(&st, u, sizeof u);
            crypto_auth_hmacsha512_final(&st, u);
            for (size_t j = 0; j < sizeof t; j++) t[j] ^= u[j];
        }
        size_t n = out_len < sizeof t ? out_len : sizeof t;
        memcpy(out, t, n);
        out += n;
        out_len -= n;
    }
    sodium_memzero(&keyed, sizeof keyed);
    sodium_memzero(&st, sizeof st);
    sodium_memzero(u, sizeof u);
    sodium_memzero(t, sizeof t);
}

int pc_bip39_substrate_seed(const uint8_t *entropy, size_t entropy_len, const char *passphrase,
                            uint8_t seed64[64])
{
    uint8_t salt[8 + 1024];
    size_t plen = passphrase ? strlen(passphrase) : 0;
    if (plen > 1024) return -1;
    memcpy(salt, "mnemonic", 8);
    if (plen) memcpy(salt + 8, passphrase, plen);
    pc_pbkdf2_hmac_sha512(entropy, entropy_len, salt, 8 + plen, 2048, seed64, 64);
    sodium_memzero(salt, sizeof salt);
    return 0;
}
