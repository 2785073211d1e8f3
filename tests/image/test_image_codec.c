/* test_image_codec — sniffing, decoding (fixtures, DCT scaling, bad input), encoding.
 * Pixel checksums come from Pillow (tests/image/make_reference.py): decoding a fixture must
 * give exactly what upstream's `Image.open(f).convert("RGB")` gives, and our JPEG bytes
 * must equal PIL's `save(format="JPEG")` for the same pixels. */
#include "../tap.h"
#include "common.h"
#include "image/image.h"
#include "reference.h"

#include <jpeglib.h>
#include <stb_image_write.h>

static void test_sniff(void)
{
    is_int(pc_image_sniff("\xFF\xD8\xFF\xE0", 4), PROCTOR_FORMAT_JPEG, "sniff JPEG");
    is_int(pc_image_sniff("\x89PNG\r\n\x1a\n", 8), PROCTOR_FORMAT_PNG, "sniff PNG");
    is_int(pc_image_sniff("RIFF\0\0\0\0WEBPVP8 ", 16), PROCTOR_FORMAT_WEBP, "sniff WEBP");
    is_int(pc_image_sniff("GIF89a", 6), PROCTOR_FORMAT_GIF, "sniff GIF");
    is_int(pc_image_sniff("BM\0\0\0\0\0\0\0\0\0\0\0\0", 14), PROCTOR_FORMAT_BMP, "sniff BMP");
    is_int(pc_image_sniff("\xFF\xD8", 2), PROCTOR_FORMAT_UNKNOWN, "two bytes are not a JPEG");
    is_int(pc_image_sniff("hello world!", 12), PROCTOR_FORMAT_UNKNOWN, "text is unknown");
    is_int(pc_image_sniff(NULL, 0), PROCTOR_FORMAT_UNKNOWN, "NULL is unknown");
}

static void test_photos(void)
{
    const char *dir = photos_dir();
    if (!dir) {
        skip(2 * (int)(sizeof ref_photos / sizeof ref_photos[0]) + 8,
             "no ../shared/fixtures/photos (set PROCTOR_SHARED)");
        return;
    }
    char path[1200], err[256];
    for (size_t i = 0; i < sizeof ref_photos / sizeof ref_photos[0]; i++) {
        const ref_photo *r = &ref_photos[i];
        snprintf(path, sizeof path, "%s/%s", dir, r->name);
        size_t len = 0;
        unsigned char *b = read_all(path, &len);
        proctor_image img;
        int scale = 0;
        proctor_status st = b ? pc_image_decode(b, len, 0, &img, &scale, err, sizeof err) : PROCTOR_IO;
        if (st != PROCTOR_OK) diag("%s: %s", r->name, err);
        ok(st == PROCTOR_OK && img.width == r->w && img.height == r->h && img.channels == 3 &&
               scale == 8,
           "%s decodes to %dx%d RGB", r->name, r->w, r->h);
        ok(st == PROCTOR_OK && image_fnv(&img) == r->fnv, "%s pixels equal PIL's convert(\"RGB\")",
           r->name);
        if (st == PROCTOR_OK) pc_image_free(&img);

        /* DCT scaling: a 224 short side is enough for level 0 */
        if (strcmp(r->name, "roadwork_04.jpg") == 0 || strcmp(r->name, "indoor_cones_01.jpg") == 0) {
            int iw, ih;
            is_int(pc_image_info(b, len, &iw, &ih, err, sizeof err), PROCTOR_OK, "%s info", r->name);
            ok(iw == r->w && ih == r->h, "%s info gives %dx%d", r->name, iw, ih);
            st = pc_image_decode(b, len, 224, &img, &scale, err, sizeof err);
            int sw = (r->w + 7) / 8, sh = (r->h + 7) / 8; /* 1/8 keeps >= 224 for both */
            ok(st == PROCTOR_OK && scale == 1 && img.width == sw && img.height == sh,
               "%s at min short side 224 decodes at 1/8: %dx%d", r->name, sw, sh);
            if (st == PROCTOR_OK) pc_image_free(&img);
            /* a short side that 1/8 cannot reach but 2/8 can */
            int short8 = ((r->w < r->h ? r->w : r->h) + 7) / 8;
            st = pc_image_decode(b, len, short8 + 1, &img, &scale, err, sizeof err);
            sw = (r->w * 2 + 7) / 8, sh = (r->h * 2 + 7) / 8;
            ok(st == PROCTOR_OK && scale == 2 && img.width == sw && img.height == sh,
               "%s at min short side %d decodes at 2/8: %dx%d", r->name, short8 + 1, sw, sh);
            if (st == PROCTOR_OK) pc_image_free(&img);
        }
        free(b);
    }
}

/* a JPEG of `img` made by our encoder */
static unsigned char *make_jpeg(int w, int h, int salt, size_t *len)
{
    proctor_image img;
    char err[128];
    void *out = NULL;
    pattern(&img, w, h, salt);
    if (pc_image_encode(&img, PROCTOR_FORMAT_JPEG, 90, &out, len, err, sizeof err) != PROCTOR_OK)
        out = NULL;
    pc_image_free(&img);
    return out;
}

static void test_bad_input(void)
{
    char err[256];
    proctor_image img;
    size_t len = 0;
    unsigned char *jpg = make_jpeg(64, 48, 1, &len);
    ok(jpg != NULL, "made a test JPEG");
    is_int(pc_image_decode(jpg, len, 0, &img, NULL, err, sizeof err), PROCTOR_OK, "whole JPEG decodes");
    pc_image_free(&img);

    err[0] = 0;
    is_int(pc_image_decode(jpg, len / 2, 0, &img, NULL, err, sizeof err), PROCTOR_INVALID,
           "half a JPEG is refused");
    ok(strstr(err, "truncated") != NULL, "error says truncated: %s", err);
    ok(img.pixels == NULL, "no image is returned on error");
    is_int(pc_image_decode(jpg, 3, 0, &img, NULL, err, sizeof err), PROCTOR_INVALID,
           "three bytes of JPEG are refused (%s)", err);
    is_int(pc_image_decode(jpg, 0, 0, &img, NULL, err, sizeof err), PROCTOR_INVALID, "empty input refused");
    is_int(pc_image_decode(NULL, 10, 0, &img, NULL, err, sizeof err), PROCTOR_INVALID, "NULL input refused");
    is_int(pc_image_decode("just some text", 14, 0, &img, NULL, err, sizeof err), PROCTOR_INVALID,
           "text refused");
    ok(strstr(err, "unknown format") != NULL, "error names the format: %s", err);

    /* garbage after a valid JPEG marker */
    unsigned char junk[300];
    memcpy(junk, "\xFF\xD8\xFF\xE0", 4);
    for (size_t i = 4; i < sizeof junk; i++) junk[i] = (unsigned char)(i * 37);
    is_int(pc_image_decode(junk, sizeof junk, 0, &img, NULL, err, sizeof err), PROCTOR_INVALID,
           "corrupt JPEG refused: %s", err);

    /* a header claiming 60000 x 60000 (3.6 GP): refused before any allocation */
    unsigned char *big = malloc(len);
    memcpy(big, jpg, len);
    size_t sof = 0;
    for (size_t i = 2; i + 9 < len; i++)
        if (big[i] == 0xFF && big[i + 1] == 0xC0) { sof = i; break; }
    ok(sof > 0, "found the SOF0 marker");
    big[sof + 5] = 60000 >> 8; big[sof + 6] = 60000 & 255; /* height */
    big[sof + 7] = 60000 >> 8; big[sof + 8] = 60000 & 255; /* width */
    is_int(pc_image_decode(big, len, 0, &img, NULL, err, sizeof err), PROCTOR_INVALID,
           "60000x60000 JPEG refused");
    ok(strstr(err, "limit") != NULL, "error names the limit: %s", err);
    free(big);

    /* PNG: truncated, and a huge IHDR */
    proctor_image p;
    void *png;
    size_t plen;
    pattern(&p, 40, 30, 2);
    is_int(pc_image_encode(&p, PROCTOR_FORMAT_PNG, 0, &png, &plen, err, sizeof err), PROCTOR_OK, "PNG encodes");
    is_int(pc_image_decode(png, plen / 2, 0, &img, NULL, err, sizeof err), PROCTOR_INVALID,
           "half a PNG is refused: %s", err);
    unsigned char *hp = png;
    hp[16] = 0; hp[17] = 0; hp[18] = 0x2E; hp[19] = 0xE0; /* width 12000 */
    hp[20] = 0; hp[21] = 0; hp[22] = 0x2E; hp[23] = 0xE0; /* height 12000: 144 MP */
    is_int(pc_image_decode(png, plen, 0, &img, NULL, err, sizeof err), PROCTOR_INVALID,
           "12000x12000 PNG refused");
    ok(strstr(err, "limit") != NULL, "before decoding, by the pixel limit: %s", err);
    free(png);
    pc_image_free(&p);

    is_int(pc_image_decode("RIFF\0\0\0\0WEBPVP8 ", 16, 0, &img, NULL, err, sizeof err),
           PROCTOR_UNSUPPORTED, "WEBP is reported unsupported: %s", err);
    free(jpg);
}

/* partial decode: the first rows equal a full decode, the rest stay black; a file cut
 * after the needed rows is still refused (no end marker) */
static void test_decode_rows(void)
{
    char err[256];
    size_t len = 0;
    unsigned char *jpg = make_jpeg(200, 150, 4, &len);
    proctor_image full, part;
    int sw, sh;
    is_int(pc_image_decode_scale(PROCTOR_FORMAT_JPEG, 200, 150, 60, &sw, &sh), 4, "scale for short side 60 is 4/8");
    ok(sw == 100 && sh == 75, "scaled size 100x75");
    is_int(pc_image_decode_scale(PROCTOR_FORMAT_PNG, 200, 150, 60, &sw, &sh), 8, "PNG: always 8/8");
    is_int(pc_image_decode(jpg, len, 60, &full, NULL, err, sizeof err), PROCTOR_OK, "full decode at 4/8");
    is_int(pc_image_decode_rows(jpg, len, 60, 30, &part, NULL, err, sizeof err), PROCTOR_OK, "30 rows");
    ok(part.width == 100 && part.height == 75, "partial decode keeps the full size");
    ok(memcmp(part.pixels, full.pixels, (size_t)30 * full.stride) == 0, "the 30 rows equal the full decode");
    int black = 1;
    for (size_t i = (size_t)30 * part.stride; i < (size_t)75 * part.stride; i++) black &= part.pixels[i] == 0;
    ok(black, "the rows below are black");
    pc_image_free(&part);
    is_int(pc_image_decode_rows(jpg, len * 3 / 4, 60, 5, &part, NULL, err, sizeof err), PROCTOR_INVALID,
           "a cut file is refused even when its first rows suffice");
    ok(strstr(err, "end marker") != NULL, "error: %s", err);
    is_int(pc_image_decode_rows(jpg, len, 60, 1000, &part, NULL, err, sizeof err), PROCTOR_OK, "more rows than exist");
    ok(memcmp(part.pixels, full.pixels, (size_t)75 * full.stride) == 0, "is a full decode");
    pc_image_free(&part);
    pc_image_free(&full);
    free(jpg);
}

static void test_encode(void)
{
    char err[256];
    proctor_image img, back;
    void *out;
    size_t len = 0;
    pattern(&img, 64, 48, 14);
    is_int(pc_image_encode(&img, PROCTOR_FORMAT_JPEG, 75, &out, &len, err, sizeof err), PROCTOR_OK, "JPEG q75");
    is_int(len, ref_pil_jpeg_len, "JPEG length equals PIL's");
    ok(fnv1a(out, len) == ref_pil_jpeg_fnv, "JPEG bytes equal PIL's save(format=\"JPEG\")");
    is_int(pc_image_decode(out, len, 0, &back, NULL, err, sizeof err), PROCTOR_OK, "our JPEG decodes");
    ok(back.width == 64 && back.height == 48, "round trip keeps 64x48");
    pc_image_free(&back);
    free(out);

    is_int(pc_image_encode(&img, PROCTOR_FORMAT_PNG, 0, &out, &len, err, sizeof err), PROCTOR_OK, "PNG");
    is_int(pc_image_decode(out, len, 0, &back, NULL, err, sizeof err), PROCTOR_OK, "our PNG decodes");
    ok(back.width == 64 && back.height == 48 && image_fnv(&back) == image_fnv(&img),
       "PNG round trip is lossless");
    pc_image_free(&back);
    free(out);

    is_int(pc_image_encode(&img, PROCTOR_FORMAT_JPEG, 0, &out, &len, err, sizeof err), PROCTOR_INVALID,
           "quality 0 refused");
    is_int(pc_image_encode(&img, PROCTOR_FORMAT_GIF, 75, &out, &len, err, sizeof err), PROCTOR_UNSUPPORTED,
           "GIF encoding unsupported");
    pc_image_free(&img);
}

/* libjpeg-made grayscale and CMYK JPEGs: grey is replicated, CMYK follows PIL's formula */
static unsigned char *encode_raw(const uint8_t *px, int w, int h, int comps, J_COLOR_SPACE cs,
                                 unsigned long *len)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    unsigned char *buf = NULL;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &buf, len);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = comps;
    c.in_color_space = cs;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 100, TRUE);
    jpeg_start_compress(&c, TRUE);
    for (int y = 0; y < h; y++) {
        JSAMPROW row = (JSAMPROW)(px + (size_t)y * w * comps);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    return buf;
}

static void test_color_spaces(void)
{
    char err[256];
    proctor_image img;
    uint8_t grey[16 * 16], cmyk[16 * 16 * 4];
    for (int i = 0; i < 16 * 16; i++) grey[i] = (uint8_t)(i % 16 * 16);
    unsigned long len;
    unsigned char *j = encode_raw(grey, 16, 16, 1, JCS_GRAYSCALE, &len);
    is_int(pc_image_decode(j, len, 0, &img, NULL, err, sizeof err), PROCTOR_OK, "grey JPEG decodes");
    int same = img.channels == 3;
    for (int i = 0; i < 16 * 16 && same; i++)
        same = img.pixels[3 * i] == img.pixels[3 * i + 1] && img.pixels[3 * i] == img.pixels[3 * i + 2];
    ok(same, "grey JPEG gives R == G == B");
    pc_image_free(&img);
    free(j);

    /* stored (inverted) CMYK 155,205,230,55 = C,M,Y,K 100,50,25,200; PIL: RGB 33,44,50 */
    for (int i = 0; i < 16 * 16; i++) {
        cmyk[4 * i] = 155; cmyk[4 * i + 1] = 205; cmyk[4 * i + 2] = 230; cmyk[4 * i + 3] = 55;
    }
    j = encode_raw(cmyk, 16, 16, 4, JCS_CMYK, &len);
    is_int(pc_image_decode(j, len, 0, &img, NULL, err, sizeof err), PROCTOR_OK, "CMYK JPEG decodes");
    ok(abs(img.pixels[0] - 33) <= 1 && abs(img.pixels[1] - 44) <= 1 && abs(img.pixels[2] - 50) <= 1,
       "CMYK pixel is PIL's (33, 44, 50): got (%d, %d, %d)", img.pixels[0], img.pixels[1], img.pixels[2]);
    pc_image_free(&img);
    free(j);
}

/* stb formats: grey PNG and BMP written by stb_image_write, read back as RGB */
typedef struct mem_sink {
    unsigned char *buf;
    size_t len;
} mem_sink;

static void png_sink(void *ctx, void *data, int size)
{
    mem_sink *m = ctx;
    unsigned char *p = realloc(m->buf, m->len + (size_t)size);
    if (!p) return;
    m->buf = p;
    memcpy(m->buf + m->len, data, (size_t)size);
    m->len += (size_t)size;
}

static void test_stb_formats(void)
{
    uint8_t grey[6 * 4];
    for (int i = 0; i < 24; i++) grey[i] = (uint8_t)(i * 10);
    mem_sink sink = {NULL, 0};
    char err[256];
    proctor_image img;
    ok(stbi_write_png_to_func(png_sink, &sink, 6, 4, 1, grey, 6), "grey PNG written");
    is_int(pc_image_decode(sink.buf, sink.len, 0, &img, NULL, err, sizeof err), PROCTOR_OK, "grey PNG decodes");
    ok(img.channels == 3 && img.pixels[3 * 5] == 50 && img.pixels[3 * 5 + 1] == 50 && img.pixels[3 * 5 + 2] == 50,
       "grey PNG gives R = G = B = grey");
    pc_image_free(&img);
    free(sink.buf);
    sink.buf = NULL, sink.len = 0;
    proctor_image p;
    pattern(&p, 5, 3, 1);
    ok(stbi_write_bmp_to_func(png_sink, &sink, 5, 3, 3, p.pixels), "BMP written");
    is_int(pc_image_sniff(sink.buf, sink.len), PROCTOR_FORMAT_BMP, "BMP sniffed");
    is_int(pc_image_decode(sink.buf, sink.len, 0, &img, NULL, err, sizeof err), PROCTOR_OK, "BMP decodes");
    ok(img.width == 5 && img.height == 3 && image_fnv(&img) == image_fnv(&p), "BMP pixels round trip");
    pc_image_free(&img);
    pc_image_free(&p);
    free(sink.buf);
}

static void test_crop(void)
{
    char err[128];
    proctor_image img, c;
    pattern(&img, 10, 8, 3);
    is_int(pc_image_crop(&img, 2, 3, 4, 4, &c, err, sizeof err), PROCTOR_OK, "crop inside");
    ok(memcmp(c.pixels, img.pixels + 3 * img.stride + 2 * 3, 12) == 0, "crop copies the box");
    pc_image_free(&c);
    is_int(pc_image_crop(&img, -2, 6, 5, 4, &c, err, sizeof err), PROCTOR_OK, "crop across the corner");
    ok(c.pixels[0] == 0 && c.pixels[2 * 3 - 1] == 0, "left of the image is black");
    ok(memcmp(c.pixels + 2 * 3, img.pixels + 6 * img.stride, 9) == 0, "inside part copied");
    ok(c.pixels[2 * c.stride + 2 * 3] == 0 && c.pixels[3 * c.stride + 4 * 3 + 2] == 0,
       "below the image is black");
    pc_image_free(&c);
    is_int(pc_image_crop(&img, 0, 0, 0, 5, &c, err, sizeof err), PROCTOR_INVALID, "empty crop refused");
    is_int(pc_image_alloc(&c, 20000, 20000, 3, err, sizeof err), PROCTOR_INVALID,
           "alloc over 100 MP refused");
    pc_image_free(&img);
}

int main(void)
{
    test_sniff();
    test_bad_input();
    test_encode();
    test_decode_rows();
    test_color_spaces();
    test_crop();
    test_stb_formats();
    test_photos();
    return done_testing();
}
