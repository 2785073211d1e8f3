/* strobe.c — STROBE-128 subset for Merlin (specs/bittensor.md 2.2). Byte-at-a-time like the
 * reference: transcripts are a few hundred bytes, the permutation dominates. */
#include "crypto/strobe.h"
#include "crypto/keccak.h"

#include <string.h>

enum { STROBE_R = 166 };
enum { FLAG_I = 0x01, FLAG_A = 0x02, FLAG_C = 0x04, FLAG_T = 0x08, FLAG_M = 0x10, FLAG_K = 0x20 };

static void run_f(pc_strobe *s)
{
    s->st[s->pos] ^= s->pos_begin;
    s->st[s->pos + 1] ^= 0x04;
    s->st[STROBE_R + 1] ^= 0x80;
    pc_keccak_f1600(s->st);
    s->pos = 0;
    s->pos_begin = 0;
}

static void absorb(pc_strobe *s, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        s->st[s->pos++] ^= p[i];
        if (s->pos == STROBE_R) run_f(s);
    }
}

static void overwrite(pc_strobe *s, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        s->st[s->pos++] = p[i];
        if (s->pos == STROBE_R) run_f(s);
    }
}

static void squeeze(pc_strobe *s, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out[i] = s->st[s->pos];
        s->st[s->pos++] = 0;
        if (s->pos == STROBE_R) run_f(s);
    }
}

static void begin_op(pc_strobe *s, uint8_t flags, int more)
{
    if (more && flags == s->cur_flags) return;
    uint8_t header[2] = {s->pos_begin, flags};
    s->pos_begin = (uint8_t)(s->pos + 1);
    s->cur_flags = flags;
    absorb(s, header, 2);
    /* cipher and key operations start on a fresh block */
    if ((flags & (FLAG_C | FLAG_K)) && s->pos != 0) run_f(s);
}

void pc_strobe_init(pc_strobe *s, const void *proto, size_t len)
{
    static const uint8_t prefix[6] = {1, STROBE_R + 2, 1, 0, 1, 96};
    memset(s, 0, sizeof *s);
    memcpy(s->st, prefix, sizeof prefix);
    memcpy(s->st + 6, "STROBEv1.0.2", 12);
    pc_keccak_f1600(s->st);
    pc_strobe_meta_ad(s, proto, len, 0);
}

void pc_strobe_meta_ad(pc_strobe *s, const void *data, size_t len, int more)
{
    begin_op(s, FLAG_M | FLAG_A, more);
    absorb(s, data, len);
}

void pc_strobe_ad(pc_strobe *s, const void *data, size_t len, int more)
{
    begin_op(s, FLAG_A, more);
    absorb(s, data, len);
}

void pc_strobe_prf(pc_strobe *s, void *out, size_t len, int more)
{
    begin_op(s, FLAG_I | FLAG_A | FLAG_C, more);
    squeeze(s, out, len);
}

void pc_strobe_key(pc_strobe *s, const void *data, size_t len, int more)
{
    begin_op(s, FLAG_A | FLAG_C, more);
    overwrite(s, data, len);
}
