/* image.c — image allocation, crop and format sniffing. See image.h. */
#include "image/image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

proctor_image_format pc_image_sniff(const void *bytes, size_t len)
{
    const unsigned char *b = bytes;
    if (!b) return PROCTOR_FORMAT_UNKNOWN;
    if (len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return PROCTOR_FORMAT_JPEG;
    if (len >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) return PROCTOR_FORMAT_PNG;
    if (len >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
        return PROCTOR_FORMAT_WEBP;
    if (len >= 6 && (memcmp(b, "GIF87a", 6) == 0 || memcmp(b, "GIF89a", 6) == 0))
        return PROCTOR_FORMAT_GIF;
    if (len >= 14 && b[0] == 'B' && b[1] == 'M') return PROCTOR_FORMAT_BMP;
    return PROCTOR_FORMAT_UNKNOWN;
}

const char *pc_image_format_name(proctor_image_format format)
{
    switch (format) {
    case PROCTOR_FORMAT_JPEG: return "jpeg";
    case PROCTOR_FORMAT_PNG: return "png";
    case PROCTOR_FORMAT_WEBP: return "webp";
    case PROCTOR_FORMAT_GIF: return "gif";
    case PROCTOR_FORMAT_BMP: return "bmp";
    case PROCTOR_FORMAT_UNKNOWN: break;
    }
    return "unknown";
}

proctor_status pc_image_alloc(proctor_image *img, int width, int height, int channels,
                              char *err, size_t errlen)
{
    memset(img, 0, sizeof *img);
    if (width <= 0 || height <= 0 || channels < 1 || channels > 4) {
        snprintf(err, errlen, "bad image size %dx%dx%d", width, height, channels);
        return PROCTOR_INVALID;
    }
    if ((long long)width * height > PC_IMAGE_MAX_PIXELS) {
        snprintf(err, errlen, "image %dx%d is larger than %lld pixels", width, height,
                 (long long)PC_IMAGE_MAX_PIXELS);
        return PROCTOR_INVALID;
    }
    size_t n = (size_t)width * (size_t)height * (size_t)channels;
    img->pixels = calloc(n, 1);
    if (!img->pixels) {
        snprintf(err, errlen, "out of memory for a %dx%d image", width, height);
        return PROCTOR_NOMEM;
    }
    img->width = width;
    img->height = height;
    img->channels = channels;
    img->stride = width * channels;
    return PROCTOR_OK;
}

void pc_image_free(proctor_image *img)
{
    if (!img) return;
    free(img->pixels);
    memset(img, 0, sizeof *img);
}

proctor_status pc_image_crop(const proctor_image *in, int x, int y, int w, int h,
                             proctor_image *out, char *err, size_t errlen)
{
    proctor_status st = pc_image_alloc(out, w, h, in->channels, err, errlen);
    if (st != PROCTOR_OK) return st;
    int c = in->channels;
    /* the part of the box that lies inside the source; the rest stays zero */
    int x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
    long long x1 = (long long)x + w, y1 = (long long)y + h;
    if (x1 > in->width) x1 = in->width;
    if (y1 > in->height) y1 = in->height;
    for (long long sy = y0; sy < y1; sy++) {
        if (x0 >= x1) break;
        const uint8_t *src = in->pixels + (size_t)sy * in->stride + (size_t)x0 * c;
        uint8_t *dst = out->pixels + (size_t)(sy - y) * out->stride + (size_t)(x0 - x) * c;
        memcpy(dst, src, (size_t)(x1 - x0) * c);
    }
    return PROCTOR_OK;
}
