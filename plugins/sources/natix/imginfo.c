/* imginfo.c — see imginfo.h. JPEG: the first SOFn marker (FFC0-FFCF except C4, C8, CC) holds
 * height, width and the component count; then every segment is walked to the end of the image,
 * through each scan's entropy-coded data, so a file cut after its header (Pillow cannot save
 * it, upstream skips it) is refused. An APP2 "MPF" segment announcing more than one image makes
 * it an MPO, as Pillow names it. PNG: the IHDR chunk holds width, height, colour type; the
 * chunks must run to IEND. */
#include "imginfo.h"

#include <string.h>

static int be16_(const uint8_t *p) { return p[0] << 8 | p[1]; }

/* MP index IFD of an APP2 "MPF\0" payload: its NumberOfImages (tag 0xB001), 0 if unreadable. */
static uint32_t mpf_images_(const uint8_t *p, size_t n)
{
    if (n < 4 + 8 || memcmp(p, "MPF\0", 4)) return 0;
    const uint8_t *t = p + 4;
    size_t tn = n - 4;
    int le = t[0] == 'I' && t[1] == 'I';
    if (!le && !(t[0] == 'M' && t[1] == 'M')) return 0;
#define U16(q) (le ? (uint32_t)(q)[0] | (uint32_t)(q)[1] << 8 : (uint32_t)(q)[0] << 8 | (uint32_t)(q)[1])
#define U32(q) (le ? (uint32_t)(q)[0] | (uint32_t)(q)[1] << 8 | (uint32_t)(q)[2] << 16 | (uint32_t)(q)[3] << 24 \
                   : (uint32_t)(q)[0] << 24 | (uint32_t)(q)[1] << 16 | (uint32_t)(q)[2] << 8 | (uint32_t)(q)[3])
    uint32_t ifd = U32(t + 4);
    if (ifd > tn || tn - ifd < 2) return 0;
    uint32_t count = U16(t + ifd);
    for (uint32_t i = 0; i < count; i++) {
        size_t e = ifd + 2 + (size_t)i * 12;
        if (e + 12 > tn) return 0;
        if (U16(t + e) == 0xB001) return U32(t + e + 8); /* LONG, count 1: the value is inline */
    }
    return 0;
#undef U16
#undef U32
}

/* From just after an SOS header: skip entropy-coded bytes to the next marker (not RSTn, not a
 * stuffed 0xFF00). Returns its position, or n when the data runs to the end. */
static size_t scan_end_(const uint8_t *b, size_t i, size_t n)
{
    while (i + 1 < n) {
        const uint8_t *ff = memchr(b + i, 0xFF, n - i - 1);
        if (!ff) return n;
        i = (size_t)(ff - b);
        uint8_t m = b[i + 1];
        if (m == 0x00 || m == 0xFF || (m >= 0xD0 && m <= 0xD7)) {
            i += m == 0xFF ? 1 : 2;
            continue;
        }
        return i;
    }
    return n;
}

static int jpeg_(const uint8_t *b, size_t n, nx_imginfo *out)
{
    size_t i = 2;
    int have_frame = 0, scans = 0;
    uint32_t mp_images = 0;
    while (i + 2 <= n) {
        if (b[i] != 0xFF) return -1;
        uint8_t m = b[i + 1];
        if (m == 0xFF) { i++; continue; } /* fill byte */
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { i += 2; continue; }
        if (m == 0xD9) {
            /* end of image: it counts only after a frame and at least one scan with data */
            if (!have_frame || !scans) return -1;
            out->format = mp_images > 1 ? "mpo" : "jpeg";
            return 0;
        }
        if (i + 4 > n) return -1;
        size_t len = (size_t)be16_(b + i + 2);
        if (len < 2 || i + 2 + len > n) return -1;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC && !have_frame) {
            if (len < 8) return -1;
            const uint8_t *p = b + i + 4;
            out->height = be16_(p + 1);
            out->width = be16_(p + 3);
            int comps = p[5];
            out->mode = comps == 1 ? "L" : comps == 3 ? "RGB" : comps == 4 ? "CMYK" : "RGB";
            if (out->width <= 0 || out->height <= 0) return -1;
            have_frame = 1;
        } else if (m == 0xE2 && !mp_images) {
            mp_images = mpf_images_(b + i + 4, len - 2);
        } else if (m == 0xDA) {
            if (!have_frame) return -1; /* a scan before any frame header */
            size_t data = i + 2 + len, end = scan_end_(b, data, n);
            if (end >= n) return -1;    /* cut inside the scan: no end of image */
            if (end > data) scans++;
            i = end;
            continue;
        }
        i += 2 + len;
    }
    return -1; /* the bytes end before the end-of-image marker */
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
    /* walk the chunks to IEND, past at least one IDAT: a cut file is refused like a cut JPEG */
    size_t i = 8;
    int idat = 0;
    while (i + 12 <= n) {
        uint32_t len = (uint32_t)b[i] << 24 | (uint32_t)b[i + 1] << 16 | (uint32_t)b[i + 2] << 8 | b[i + 3];
        if (len > n - i - 12) return -1;
        if (!memcmp(b + i + 4, "IDAT", 4)) idat = 1;
        if (!memcmp(b + i + 4, "IEND", 4)) return idat ? 0 : -1;
        i += 12 + (size_t)len;
    }
    return -1;
}

int nx_image_info(const uint8_t *b, size_t n, nx_imginfo *out)
{
    memset(out, 0, sizeof *out);
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return jpeg_(b, n, out);
    if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8)) return png_(b, n, out);
    return -1;
}
