/* lax_float.c — pydantic v2's lax str -> float rule (see wire.h), which decides what a miner's
 * "prediction": "<text>" means upstream. pydantic-core trims Unicode white space and parses with
 * Rust's f64 grammar; when that fails it tries once more on the untrimmed text with its
 * underscores removed, provided none leads, trails or doubles. Checked against pydantic 2.13. */
#define _GNU_SOURCE /* memmem */
#include "net/wire.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Length of a Unicode White_Space character (Rust's char::is_whitespace) at s, or 0. */
static size_t space_at(const unsigned char *s, size_t n)
{
    if (n >= 1 && ((s[0] >= 0x09 && s[0] <= 0x0d) || s[0] == 0x20)) return 1;
    if (n >= 2 && s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0)) return 2;
    if (n < 3) return 0;
    unsigned cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
    if ((s[0] & 0xf0) != 0xe0 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80) return 0;
    if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
        cp == 0x202f || cp == 0x205f || cp == 0x3000)
        return 3;
    return 0;
}

/* The last white-space character ending at s + n, or 0. */
static size_t space_before(const unsigned char *s, size_t n)
{
    for (size_t k = 1; k <= 3 && k <= n; k++)
        if (space_at(s + n - k, k) == k) return k;
    return 0;
}

/* Rust's f64::from_str: [+-] then inf | infinity | nan (any case) or
 * (digits [. [digits]] | . digits) [(e|E) [+-] digits]. Nothing else, no white space. */
static int rust_f64(const char *s, size_t n, double *out)
{
    char t[512];
    if (n == 0 || n >= sizeof t) return -1;
    memcpy(t, s, n);
    t[n] = 0;
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
    const char *q = p;
    int nd = 0;
    while (*q >= '0' && *q <= '9') q++, nd++;
    if (*q == '.') {
        q++;
        while (*q >= '0' && *q <= '9') q++, nd++;
    }
    if (nd == 0) return -1;
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-') q++;
        if (!(*q >= '0' && *q <= '9')) return -1;
        while (*q >= '0' && *q <= '9') q++;
    }
    if (*q) return -1;
    *out = strtod(t, NULL); /* correctly rounded; overflow gives +-inf, as Rust does */
    return 0;
}

int pc_pydantic_float(const char *s, size_t n, double *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t a = 0, b = n, k;
    while (a < b && (k = space_at(u + a, b - a))) a += k;
    while (b > a && (k = space_before(u + a, b - a))) b -= k;
    if (rust_f64(s + a, b - a, out) == 0) return 0;
    if (n == 0 || s[0] == '_' || s[n - 1] == '_' || memmem(s, n, "__", 2)) return -1;
    char t[512];
    size_t m = 0;
    for (size_t i = 0; i < n && m < sizeof t; i++)
        if (s[i] != '_') t[m++] = s[i];
    if (m == sizeof t || memchr(s, 0, n)) return -1;
    return rust_f64(t, m, out);
}
