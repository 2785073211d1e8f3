/* buf.h — the core's one growable byte buffer: append, NUL-terminated, a sticky failure flag
 * instead of an error check at every append (check `failed` once at the end). */
#ifndef PC_BASE_BUF_H
#define PC_BASE_BUF_H

#include <stddef.h>

typedef struct pc_buf {
    char *data;   /* NUL-terminated after every append (data[len] == 0); NULL while empty */
    size_t len, cap;
    int failed;   /* an allocation failed: the contents are incomplete */
} pc_buf;

/* Append n bytes; on failure sets b->failed and appends nothing from then on. */
void pc_buf_put(pc_buf *b, const void *bytes, size_t n);
void pc_buf_puts(pc_buf *b, const char *s);
/* Make room for at least `cap` bytes in all (a hint; failure is sticky like put's). */
void pc_buf_reserve(pc_buf *b, size_t cap);
void pc_buf_free(pc_buf *b);

#endif
