/* wire.c — see wire.h. */
#include "net/wire.h"
#include "base/buf.h"

#include "crypto/keccak.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the body is built in the core's growable buffer --------------------------------------- */
typedef pc_buf sbuf;
static void put(sbuf *b, const char *s, size_t n) { pc_buf_put(b, s, n); }
static void puts_(sbuf *b, const char *s) { pc_buf_puts(b, s); }

/* Next code point of UTF-8 text; invalid bytes read as U+FFFD, one byte at a time. */
static unsigned utf8_next(const unsigned char **ps)
{
    const unsigned char *s = *ps;
    unsigned c = s[0], need = c >= 0xf0 && c < 0xf5 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c < 0xe0 ? 1 : 0;
    if (c >= 0xf5) need = 0;
    unsigned cp = need == 3 ? c & 7 : need == 2 ? c & 15 : c & 31;
    for (unsigned i = 1; need && i <= need; i++) {
        if ((s[i] & 0xc0) != 0x80) { need = 0; break; }
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (!need || (need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp < 0xe000)) {
        *ps = s + 1;
        return 0xfffd;
    }
    *ps = s + need + 1;
    return cp;
}

/* A JSON string as Python's json.dumps(ensure_ascii=True) writes it. */
static void put_string(sbuf *b, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    char esc[16];
    put(b, "\"", 1);
    while (*s) {
        const unsigned char *run = s;
        while (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\') s++;
        put(b, (const char *)run, (size_t)(s - run));
        if (!*s) break;
        unsigned c = *s;
        const char *short_esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
                              : c == '\r' ? "\\r" : c == '\t' ? "\\t" : c == '\b' ? "\\b"
                              : c == '\f' ? "\\f" : NULL;
        if (short_esc) {
            puts_(b, short_esc);
            s++;
            continue;
        }
        unsigned cp = c < 0x80 ? (s++, c) : utf8_next(&s);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            snprintf(esc, sizeof esc, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
        } else {
            snprintf(esc, sizeof esc, "\\u%04x", cp);
        }
        puts_(b, esc);
    }
    put(b, "\"", 1);
}

int pc_is_json_number(const char *s)
{
    if (*s == '-') s++;
    if (*s == '0') s++;
    else if (*s >= '1' && *s <= '9') while (isdigit((unsigned char)*s)) s++;
    else return 0;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s)) return 0;
        while (isdigit((unsigned char)*s)) s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!isdigit((unsigned char)*s)) return 0;
        while (isdigit((unsigned char)*s)) s++;
    }
    return *s == 0;
}

void pc_py_float_repr(double x, char out[32])
{
    if (isnan(x)) { strcpy(out, "nan"); return; }
    if (isinf(x)) { strcpy(out, x > 0 ? "inf" : "-inf"); return; }
    /* shortest precision that reads back exactly, as Python's repr picks */
    char e[40];
    int p = 1;
    for (; p < 17; p++) {
        snprintf(e, sizeof e, "%.*e", p - 1, x);
        if (strtod(e, NULL) == x) break;
    }
    snprintf(e, sizeof e, "%.*e", p - 1, x);
    /* e = [-]d[.ddd]e[+-]XX -> sign, digits, exponent */
    const char *s = e;
    char digits[24];
    int nd = 0, neg = *s == '-';
    if (neg) s++;
    for (; *s != 'e'; s++)
        if (*s != '.') digits[nd++] = *s;
    digits[nd] = 0;
    int exp10 = atoi(s + 1);
    char *o = out;
    if (neg) *o++ = '-';
    if (exp10 < -4 || exp10 >= 16) {
        *o++ = digits[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, digits + 1, (size_t)nd - 1);
            o += nd - 1;
        }
        sprintf(o, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
    } else if (exp10 < 0) {
        o += sprintf(o, "0.");
        for (int i = -1; i > exp10; i--) *o++ = '0';
        memcpy(o, digits, (size_t)nd);
        o[nd] = 0;
    } else {
        for (int i = 0; i <= exp10; i++) *o++ = i < nd ? digits[i] : '0';
        *o++ = '.';
        if (nd > exp10 + 1) {
            memcpy(o, digits + exp10 + 1, (size_t)(nd - exp10 - 1));
            o += nd - exp10 - 1;
        } else {
            *o++ = '0';
        }
        *o = 0;
    }
}

/* json.dumps float text: repr(), except the non-finite spellings */
static void put_float(sbuf *b, double x)
{
    char t[32];
    if (isnan(x)) puts_(b, "NaN");
    else if (isinf(x)) puts_(b, x > 0 ? "Infinity" : "-Infinity");
    else {
        pc_py_float_repr(x, t);
        puts_(b, t);
    }
}

static void put_ll(sbuf *b, long long v)
{
    char t[24];
    snprintf(t, sizeof t, "%lld", v);
    puts_(b, t);
}

static void put_key(sbuf *b, const char *key, int first)
{
    if (!first) put(b, ", ", 2);
    put_string(b, key);
    put(b, ": ", 2);
}

static int put_terminal(sbuf *b, const pc_terminal *t)
{
    const struct { const char *key, *val; int number; } f[] = {
        {"status_code", t->status_code, 1}, {"status_message", t->status_message, 0},
        {"process_time", t->process_time, 1}, {"ip", t->ip, 0}, {"port", t->port, 1},
        {"version", t->version, 1}, {"nonce", t->nonce, 1}, {"uuid", t->uuid, 0},
        {"hotkey", t->hotkey, 0}, {"signature", t->signature, 0},
    };
    put(b, "{", 1);
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        put_key(b, f[i].key, i == 0);
        if (!f[i].val) puts_(b, "null");
        else if (!f[i].number) put_string(b, f[i].val);
        else if (pc_is_json_number(f[i].val)) puts_(b, f[i].val);
        else return -1;
    }
    put(b, "}", 1);
    return 0;
}

char *pc_synapse_json(const pc_synapse *s, size_t *len)
{
    sbuf b = {0};
    size_t image_len = s->image ? strlen(s->image) : 0;
    put(&b, "", 0);
    if (!b.failed && image_len + 2048 > b.cap) { /* one allocation for the usual case */
        pc_buf_reserve(&b, image_len + 2048);
    }
    put(&b, "{", 1);
    put_key(&b, "name", 1), put_string(&b, PC_SYNAPSE_NAME);
    put_key(&b, "timeout", 0), put_float(&b, s->timeout);
    put_key(&b, "total_size", 0), put_ll(&b, s->total_size);
    put_key(&b, "header_size", 0), put_ll(&b, s->header_size);
    put_key(&b, "dendrite", 0);
    int bad = put_terminal(&b, &s->dendrite);
    put_key(&b, "axon", 0);
    bad |= put_terminal(&b, &s->axon);
    put_key(&b, "computed_body_hash", 0), put_string(&b, s->computed_body_hash ? s->computed_body_hash : "");
    put_key(&b, "testnet_label", 0), put_ll(&b, s->testnet_label);
    put_key(&b, "image", 0), put_string(&b, s->image ? s->image : "");
    put_key(&b, "prediction", 0), put_float(&b, s->prediction);
    put(&b, "}", 1);
    if (bad || b.failed) {
        pc_buf_free(&b);
        return NULL;
    }
    if (len) *len = b.len;
    return b.data;
}

/* ---- Python's int() / float() on header text --------------------------------------------- */

/* Trim ASCII whitespace and drop '_' that sit between two digits; -1 on a misplaced '_'. */
static int py_clean(const char *s, char *out, size_t cap)
{
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    if (n == 0 || n >= cap) return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_') {
            if (i == 0 || i + 1 == n || !isdigit((unsigned char)s[i - 1]) ||
                !isdigit((unsigned char)s[i + 1]))
                return -1;
            continue;
        }
        out[k++] = s[i];
    }
    out[k] = 0;
    return 0;
}

int pc_py_parse_int(const char *s, long long *out)
{
    char t[64];
    if (!s || py_clean(s, t, sizeof t) != 0) return -1;
    const char *p = t + (t[0] == '+' || t[0] == '-');
    if (!*p) return -1;
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q)) return -1;
    errno = 0;
    char *end;
    long long v = strtoll(t, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

int pc_py_parse_float(const char *s, double *out)
{
    char t[128];
    if (!s || py_clean(s, t, sizeof t) != 0) return -1;
    const char *p = t + (t[0] == '+' || t[0] == '-');
    int neg = t[0] == '-';
    if (!strcasecmp(p, "inf") || !strcasecmp(p, "infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return 0;
    }
    if (!strcasecmp(p, "nan")) {
        *out = NAN;
        return 0;
    }
    /* digits [. digits] | . digits, then an optional exponent; no hex, no other words */
    const char *q = p;
    int nd = 0;
    while (isdigit((unsigned char)*q)) q++, nd++;
    if (*q == '.') {
        q++;
        while (isdigit((unsigned char)*q)) q++, nd++;
    }
    if (nd == 0) return -1;
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-') q++;
        if (!isdigit((unsigned char)*q)) return -1;
        while (isdigit((unsigned char)*q)) q++;
    }
    if (*q) return -1;
    *out = strtod(t, NULL); /* overflow gives +-inf, as Python does */
    return 0;
}

void pc_synapse_body_hash(char out[65])
{
    uint8_t h[32];
    pc_sha3_256("", 0, h);
    pc_hex_encode(h, 32, out);
}
