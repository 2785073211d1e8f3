/* buf.c — see buf.h. */
#include "base/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void pc_buf_reserve(pc_buf *b, size_t need)
{
    if (b->failed || need + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need + 1) {
        if (cap > SIZE_MAX / 2) {
            b->failed = 1;
            return;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return;
    }
    b->data = p;
    b->cap = cap;
}

void pc_buf_put(pc_buf *b, const void *bytes, size_t n)
{
    if (b->failed) return;
    if (n > SIZE_MAX - b->len - 1) {
        b->failed = 1;
        return;
    }
    pc_buf_reserve(b, b->len + n);
    if (b->failed) return;
    if (n) memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = 0;
}

void pc_buf_puts(pc_buf *b, const char *s) { pc_buf_put(b, s, strlen(s)); }

void pc_buf_free(pc_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}
