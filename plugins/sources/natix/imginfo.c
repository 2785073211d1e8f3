/* imginfo.c — see imginfo.h. JPEG: the first SOFn marker (FFC0-FFCF except C4, C8, CC) holds
 * height, width and the component count; PNG: the IHDR chunk holds width, height, colour type. */
#include "imginfo.h"

#include <string.h>

static int be16_(const uint8_t *p) { return p[0] << 8 | p[1]; }

static int jpeg_(const uint8_t *b, size_t n, nx_imginfo *out)
{
    size_t i = 2;
    while (i + 4 <= n) {
        if (b[i] != 0xFF) return -1;
        uint8_t m = b[i + 1];
        if (m == 0xFF) { i++; continue; } /* fill byte */
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { i += 2; continue; }
        if (m == 0xD9 || m == 0xDA) return -1; /* end of image or scan before any frame header */
        size_t len = (size_t)be16_(b + i + 2);
        if (len < 2 || i + 2 + len > n) return -1;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (len < 8) return -1;
            const uint8_t *p = b + i + 4;
            out->height = be16_(p + 1);
            out->width = be16_(p + 3);
            int comps = p[5];
            out->mode = comps == 1 ? "L" : comps == 3 ? "RGB" : comps == 4 ? "CMYK" : "RGB";
            out->format = "jpeg";
            return out->width > 0 && out->height > 0 ? 0 : -1;
        }
        i += 2 + len;
    }
    return -1;
}

static int png_(const uint8_t *b, size_t n, nx_imginfo *out)
{
    if (n < 26 || memcmp(b + 12, "IHDR", 4)) return -1;
    uint32_t w = (uint32_t)b[16] << 24 | (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 | b[19];
    uint32_t h = (uint32_t)b[20] << 24 | (uint32_t)b[21] << 16 | (uint32_t)b[22] << 8 | b[23];
    if (w == 0 || h == 0 || w > 0x7fffffff || h > 0x7fffffff) return -1;
    static const char *modes[7] = {"L", "?", "RGB", "P", "LA", "?", "RGBA"};
    int ct = b[25];
    if (ct > 6 || modes[ct][0] == '?') return -1;
    out->width = (int)w;
    out->height = (int)h;
    out->mode = b[24] == 16 && ct == 0 ? "I;16" : b[24] == 1 && ct == 0 ? "1" : modes[ct];
    out->format = "png";
    return 0;
}

int nx_image_info(const uint8_t *b, size_t n, nx_imginfo *out)
{
    memset(out, 0, sizeof *out);
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return jpeg_(b, n, out);
    if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8)) return png_(b, n, out);
    return -1;
}
