/* encode.c — JPEG (libjpeg-turbo) and PNG (stb_image_write) encoders into memory.
 *
 * The JPEG settings are libjpeg's defaults plus the quality, which is what PIL's
 * Image.save(format="JPEG") uses: JFIF header, 4:2:0 for colour, baseline Huffman tables,
 * ISLOW DCT. With the same pixels our bytes equal PIL's (checked in tests/image). */
#include "image/image.h"
#include "base/buf.h"

#include <setjmp.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <jpeglib.h>
#include <stdlib.h>
#include <string.h>
#include <stb_image_write.h>

typedef struct enc_err {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
} enc_err;

static void enc_on_error(j_common_ptr cinfo)
{
    enc_err *e = (enc_err *)cinfo->err;
    cinfo->err->format_message(cinfo, e->msg);
    longjmp(e->jump, 1);
}

static proctor_status encode_jpeg(const proctor_image *img, int quality, void **out,
                                  size_t *out_len, char *err, size_t errlen)
{
    struct jpeg_compress_struct cinfo;
    enc_err jerr;
    unsigned char *volatile buf = NULL;
    unsigned long volatile size = 0;

    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = enc_on_error;
    if (setjmp(jerr.jump)) {
        snprintf(err, errlen, "JPEG encoder: %s", jerr.msg);
        jpeg_destroy_compress(&cinfo);
        free(buf);
        return PROCTOR_FAILED;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, (unsigned char **)&buf, (unsigned long *)&size);
    cinfo.image_width = (JDIMENSION)img->width;
    cinfo.image_height = (JDIMENSION)img->height;
    cinfo.input_components = img->channels;
    cinfo.in_color_space = img->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = img->pixels + (size_t)cinfo.next_scanline * img->stride;
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buf;
    *out_len = size;
    return PROCTOR_OK;
}

static void png_append(void *ctx, void *data, int size)
{
    if (size > 0) pc_buf_put(ctx, data, (size_t)size);
}

static proctor_status encode_png(const proctor_image *img, void **out, size_t *out_len,
                                 char *err, size_t errlen)
{
    pc_buf b = {0};
    if (!stbi_write_png_to_func(png_append, &b, img->width, img->height, img->channels,
                                img->pixels, img->stride) || b.failed) {
        free(b.data);
        snprintf(err, errlen, "PNG encoder failed");
        return PROCTOR_FAILED;
    }
    *out = b.data;
    *out_len = b.len;
    return PROCTOR_OK;
}

proctor_status pc_image_encode(const proctor_image *img, proctor_image_format format,
                               int quality, void **out, size_t *out_len, char *err,
                               size_t errlen)
{
    *out = NULL;
    *out_len = 0;
    if (!img || !img->pixels || img->width <= 0 || img->height <= 0 ||
        img->stride < img->width * img->channels) {
        snprintf(err, errlen, "encode: no image");
        return PROCTOR_INVALID;
    }
    if (format == PROCTOR_FORMAT_JPEG) {
        if (img->channels != 3 && img->channels != 1) {
            snprintf(err, errlen, "JPEG needs 1 or 3 channels, not %d", img->channels);
            return PROCTOR_INVALID;
        }
        if (quality < 1 || quality > 100) {
            snprintf(err, errlen, "JPEG quality %d is outside 1..100", quality);
            return PROCTOR_INVALID;
        }
        return encode_jpeg(img, quality, out, out_len, err, errlen);
    }
    if (format == PROCTOR_FORMAT_PNG) return encode_png(img, out, out_len, err, errlen);
    snprintf(err, errlen, "cannot encode %s", pc_image_format_name(format));
    return PROCTOR_UNSUPPORTED;
}
