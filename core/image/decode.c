/* decode.c — JPEG (libjpeg-turbo, with DCT scaling) and PNG/BMP/GIF (stb_image) to RGB.
 *
 * libjpeg reports fatal errors through error_exit, which by default calls exit(); ours
 * longjmps back with the message instead. A truncated stream is only a warning to libjpeg
 * (it pads the image with grey); PIL refuses such files ("image file is truncated"), and so
 * do we. Dimensions are checked from the header before any pixel buffer is allocated. */
#include "image/image.h"

#include <limits.h>
#include <setjmp.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <jpeglib.h>
#include <jerror.h>
#include <stdlib.h>
#include <string.h>
#include <stb_image.h>

typedef struct jpeg_err {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
} jpeg_err;

static void jpeg_on_error(j_common_ptr cinfo)
{
    jpeg_err *e = (jpeg_err *)cinfo->err;
    cinfo->err->format_message(cinfo, e->msg);
    longjmp(e->jump, 1);
}

static void jpeg_on_message(j_common_ptr cinfo, int level)
{
    /* level -1 is a warning; all are ignored (like PIL) except the end of data */
    if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
        jpeg_err *e = (jpeg_err *)cinfo->err;
        snprintf(e->msg, sizeof e->msg, "truncated JPEG data");
        longjmp(e->jump, 1);
    }
}

static int check_dims(long long w, long long h, char *err, size_t errlen)
{
    if (w <= 0 || h <= 0) {
        snprintf(err, errlen, "image has no pixels (%lldx%lld)", w, h);
        return 0;
    }
    if (w > PC_IMAGE_MAX_SIDE || h > PC_IMAGE_MAX_SIDE || w * h > PC_IMAGE_MAX_PIXELS) {
        snprintf(err, errlen, "image %lldx%lld is larger than the %lld pixel limit", w, h,
                 (long long)PC_IMAGE_MAX_PIXELS);
        return 0;
    }
    return 1;
}

/* The smallest libjpeg scale n/8 keeping the short side >= min_short (8 when none does). */
static int jpeg_pick_scale(unsigned w, unsigned h, int min_short)
{
    if (min_short <= 0) return 8;
    unsigned short_side = w < h ? w : h;
    for (int n = 1; n < 8; n++) {
        unsigned s = (short_side * (unsigned)n + 7) / 8; /* libjpeg's jdiv_round_up */
        if (s >= (unsigned)min_short) return n;
    }
    return 8;
}

/* PIL's CMYK -> RGB: R = (255 - C) scaled by (255 - K), with its MULDIV255 rounding. PIL
 * reads every CMYK JPEG as Adobe-inverted ("CMYK;I"), so C = 255 - stored value. */
static void cmyk_row_to_rgb(const uint8_t *in, uint8_t *out, int width)
{
    for (int x = 0; x < width; x++) {
        int nk = in[4 * x + 3]; /* 255 - K with K = 255 - stored */
        for (int i = 0; i < 3; i++) {
            int t = (255 - in[4 * x + i]) * nk + 128;
            out[3 * x + i] = (uint8_t)(nk - (((t >> 8) + t) >> 8));
        }
    }
}

/* EOI (FF D9) within the last 4 KiB (some writers pad after it) */
static int has_end_marker(const unsigned char *b, size_t len)
{
    size_t lo = len > 4096 ? len - 4096 : 0;
    for (size_t i = len; i-- > lo + 1;)
        if (b[i - 1] == 0xFF && b[i] == 0xD9) return 1;
    return 0;
}

static proctor_status decode_jpeg(const void *bytes, size_t len, int min_short, int rows,
                                  int info_only, proctor_image *out, int *scale_num, int *info_w,
                                  int *info_h, char *err, size_t errlen)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_err jerr;
    uint8_t *volatile row = NULL;
    proctor_status volatile st = PROCTOR_INVALID;

    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = jpeg_on_error;
    jerr.pub.emit_message = jpeg_on_message;
    jerr.msg[0] = 0;
    if (setjmp(jerr.jump)) {
        snprintf(err, errlen, "bad JPEG: %s", jerr.msg);
        jpeg_destroy_decompress(&cinfo);
        free(row);
        if (out) pc_image_free(out);
        return PROCTOR_INVALID;
    }
    jpeg_create_decompress(&cinfo);
    /* progressive files keep all coefficients in memory (600 MB for 100 MP 4:4:4); past
     * this libjpeg fails cleanly ("backing store not supported") instead of growing */
    cinfo.mem->max_memory_to_use = 1L << 30;
    jpeg_mem_src(&cinfo, bytes, (unsigned long)len);
    jpeg_read_header(&cinfo, TRUE);
    if (!check_dims(cinfo.image_width, cinfo.image_height, err, errlen)) goto done;
    if (info_only) {
        *info_w = (int)cinfo.image_width;
        *info_h = (int)cinfo.image_height;
        st = PROCTOR_OK;
        goto done;
    }
    int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB; /* grayscale -> RGB is built in */
    int n = jpeg_pick_scale(cinfo.image_width, cinfo.image_height, min_short);
    cinfo.scale_num = (unsigned)n;
    cinfo.scale_denom = 8;
    jpeg_calc_output_dimensions(&cinfo);
    st = pc_image_alloc(out, (int)cinfo.output_width, (int)cinfo.output_height, 3, err, errlen);
    if (st != PROCTOR_OK) goto done;
    st = PROCTOR_INVALID;
    jpeg_start_decompress(&cinfo);
    if (cmyk) {
        row = malloc((size_t)cinfo.output_width * 4);
        if (!row) {
            snprintf(err, errlen, "out of memory");
            st = PROCTOR_NOMEM;
            pc_image_free(out);
            goto done;
        }
    }
    /* rows below `rows` are not needed: stop there, skipping the rest of the data */
    JDIMENSION stop = rows > 0 && (JDIMENSION)rows < cinfo.output_height ? (JDIMENSION)rows
                                                                          : cinfo.output_height;
    while (cinfo.output_scanline < stop) {
        uint8_t *dst = out->pixels + (size_t)cinfo.output_scanline * out->stride;
        JSAMPROW line[1] = {cmyk ? row : dst};
        if (jpeg_read_scanlines(&cinfo, line, 1) != 1) {
            snprintf(err, errlen, "bad JPEG: no scanline");
            pc_image_free(out);
            goto done;
        }
        if (cmyk) cmyk_row_to_rgb(row, dst, out->width);
    }
    if (stop == cinfo.output_height) {
        jpeg_finish_decompress(&cinfo);
    } else {
        jpeg_abort_decompress(&cinfo);
        /* the rest is not decoded, so a cut-off file would go unnoticed: require the end
         * marker near the end, as a complete file has */
        if (!has_end_marker(bytes, len)) {
            snprintf(err, errlen, "bad JPEG: truncated JPEG data (no end marker)");
            pc_image_free(out);
            goto done;
        }
    }
    if (scale_num) *scale_num = n;
    st = PROCTOR_OK;
done:
    jpeg_destroy_decompress(&cinfo);
    free(row);
    return st;
}

static proctor_status decode_stb(const void *bytes, size_t len, int info_only,
                                 proctor_image *out, int *info_w, int *info_h, char *err,
                                 size_t errlen)
{
    int w = 0, h = 0, comp = 0;
    if (len > INT_MAX) {
        snprintf(err, errlen, "image file too large (%zu bytes)", len);
        return PROCTOR_INVALID;
    }
    if (!stbi_info_from_memory(bytes, (int)len, &w, &h, &comp)) {
        snprintf(err, errlen, "bad image header: %s", stbi_failure_reason());
        return PROCTOR_INVALID;
    }
    if (!check_dims(w, h, err, errlen)) return PROCTOR_INVALID;
    if (info_only) {
        *info_w = w;
        *info_h = h;
        return PROCTOR_OK;
    }
    /* 3 channels requested: alpha dropped, grey replicated, palette expanded, 16 -> 8 bit */
    unsigned char *px = stbi_load_from_memory(bytes, (int)len, &w, &h, &comp, 3);
    if (!px) {
        snprintf(err, errlen, "bad image data: %s", stbi_failure_reason());
        return PROCTOR_INVALID;
    }
    proctor_status st = pc_image_alloc(out, w, h, 3, err, errlen);
    if (st == PROCTOR_OK) memcpy(out->pixels, px, (size_t)w * h * 3);
    stbi_image_free(px);
    return st;
}

static proctor_status dispatch(const void *bytes, size_t len, int min_short, int rows,
                               int info_only, proctor_image *out, int *scale_num, int *w, int *h,
                               char *err, size_t errlen)
{
    if (scale_num) *scale_num = 8;
    if (!bytes || len == 0) {
        snprintf(err, errlen, "empty image data");
        return PROCTOR_INVALID;
    }
    proctor_image_format f = pc_image_sniff(bytes, len);
    switch (f) {
    case PROCTOR_FORMAT_JPEG:
        return decode_jpeg(bytes, len, min_short, rows, info_only, out, scale_num, w, h, err, errlen);
    case PROCTOR_FORMAT_PNG:
    case PROCTOR_FORMAT_GIF:
    case PROCTOR_FORMAT_BMP:
        return decode_stb(bytes, len, info_only, out, w, h, err, errlen);
    case PROCTOR_FORMAT_WEBP:
        snprintf(err, errlen, "WEBP images are not supported");
        return PROCTOR_UNSUPPORTED;
    case PROCTOR_FORMAT_UNKNOWN: break;
    }
    snprintf(err, errlen, "not an image (unknown format)");
    return PROCTOR_INVALID;
}

proctor_status pc_image_info(const void *bytes, size_t len, int *width, int *height,
                             char *err, size_t errlen)
{
    return dispatch(bytes, len, 0, 0, 1, NULL, NULL, width, height, err, errlen);
}

proctor_status pc_image_decode(const void *bytes, size_t len, int min_short_side,
                               proctor_image *out, int *scale_num, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    return dispatch(bytes, len, min_short_side, 0, 0, out, scale_num, NULL, NULL, err, errlen);
}

proctor_status pc_image_decode_rows(const void *bytes, size_t len, int min_short_side, int rows,
                                    proctor_image *out, int *scale_num, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    return dispatch(bytes, len, min_short_side, rows, 0, out, scale_num, NULL, NULL, err, errlen);
}

int pc_image_decode_scale(proctor_image_format format, int w, int h, int min_short_side,
                          int *out_w, int *out_h)
{
    int n = format == PROCTOR_FORMAT_JPEG && w > 0 && h > 0
                ? jpeg_pick_scale((unsigned)w, (unsigned)h, min_short_side)
                : 8;
    *out_w = (int)(((long long)w * n + 7) / 8);
    *out_h = (int)(((long long)h * n + 7) / 8);
    return n;
}
