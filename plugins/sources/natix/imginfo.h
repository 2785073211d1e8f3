/* imginfo.h — size and PIL-style mode of a JPEG or PNG from its header, without decoding;
 * the sidecar records them (image_size, image_mode) as the upstream extractor does. */
#ifndef NATIX_IMGINFO_H
#define NATIX_IMGINFO_H

#include <stddef.h>
#include <stdint.h>

typedef struct nx_imginfo {
    const char *format; /* "jpeg", "mpo" or "png" (PIL's names, lowercase) */
    const char *mode;   /* "RGB", "L", "RGBA", "P", "LA", "CMYK", ... */
    int width, height;
} nx_imginfo;

/* 0 when the bytes are a JPEG (frame header, scan data, end-of-image marker: a file cut short
 * is refused) or start a PNG whose header could be read; -1 otherwise. */
int nx_image_info(const uint8_t *b, size_t n, nx_imginfo *out);

#endif
