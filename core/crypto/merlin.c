/* merlin.c — Merlin transcripts over STROBE-128 (specs/bittensor.md 2.3). */
#include "crypto/merlin.h"
#include "base/endian.h"

#include <sodium.h>
#include <string.h>

/* Merlin frames lengths as u32 LE; longer messages are clamped (never happens here). */
static void le32(uint8_t out[4], size_t n) { pc_put_le32(out, n > UINT32_MAX ? UINT32_MAX : (uint32_t)n); }

static size_t clamp_len(size_t n) { return n > UINT32_MAX ? UINT32_MAX : n; }

void pc_merlin_init(pc_merlin *t, const char *label)
{
    static const char proto[] = "Merlin v1.0";
    pc_strobe_init(&t->strobe, proto, sizeof proto - 1);
    pc_merlin_append(t, "dom-sep", label, strlen(label));
}

void pc_merlin_append(pc_merlin *t, const char *label, const void *msg, size_t len)
{
    uint8_t n[4];
    len = clamp_len(len);
    le32(n, len);
    pc_strobe_meta_ad(&t->strobe, label, strlen(label), 0);
    pc_strobe_meta_ad(&t->strobe, n, 4, 1);
    pc_strobe_ad(&t->strobe, msg, len, 0);
}

void pc_merlin_challenge(pc_merlin *t, const char *label, void *out, size_t len)
{
    uint8_t n[4];
    le32(n, len);
    pc_strobe_meta_ad(&t->strobe, label, strlen(label), 0);
    pc_strobe_meta_ad(&t->strobe, n, 4, 1);
    pc_strobe_prf(&t->strobe, out, len, 0);
}

void pc_merlin_rng_init(pc_merlin_rng *r, const pc_merlin *t)
{
    r->strobe = t->strobe;
}

void pc_merlin_rng_rekey(pc_merlin_rng *r, const char *label, const void *witness, size_t len)
{
    uint8_t n[4];
    len = clamp_len(len);
    le32(n, len);
    pc_strobe_meta_ad(&r->strobe, label, strlen(label), 0);
    pc_strobe_meta_ad(&r->strobe, n, 4, 1);
    pc_strobe_key(&r->strobe, witness, len, 0);
}

void pc_merlin_rng_finalize(pc_merlin_rng *r, const uint8_t entropy[32])
{
    pc_strobe_meta_ad(&r->strobe, "rng", 3, 0);
    pc_strobe_key(&r->strobe, entropy, 32, 0);
}

void pc_merlin_rng_fill(pc_merlin_rng *r, void *out, size_t len)
{
    uint8_t n[4];
    le32(n, len);
    pc_strobe_meta_ad(&r->strobe, n, 4, 0);
    pc_strobe_prf(&r->strobe, out, len, 0);
}

void pc_merlin_rng_wipe(pc_merlin_rng *r)
{
    sodium_memzero(r, sizeof *r);
}
