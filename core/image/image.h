/* image.h — 8-bit RGB images for the core: sniff, decode, encode, resize, crop.
 *
 * The image type is the SDK's `proctor_image` (interleaved, row-major, top row first,
 * `stride` bytes per row), so what the core decodes can be handed to plugins as is.
 * Pixels are always allocated by pc_image_alloc and released with pc_image_free.
 *
 * Decoding follows what the upstream validator gets from PIL's `Image.open(...).convert("RGB")`:
 * alpha is dropped (not composited), grayscale is replicated, CMYK is converted with PIL's
 * formula, EXIF orientation is ignored, only the first frame of MPO/GIF is read.
 * Every function returns PROCTOR_OK or a status and writes one line into err.
 */
#ifndef PC_IMAGE_H
#define PC_IMAGE_H

#include "proctor.h"
#include <stddef.h>

/* Refuse anything larger before allocating (the biggest phone photos are ~50 MP). */
#define PC_IMAGE_MAX_PIXELS (100LL * 1000 * 1000)
#define PC_IMAGE_MAX_SIDE 65500

proctor_image_format pc_image_sniff(const void *bytes, size_t len);
const char *pc_image_format_name(proctor_image_format format);

/* Zeroed width x height x channels (1..4); stride = width * channels. */
proctor_status pc_image_alloc(proctor_image *img, int width, int height, int channels,
                              char *err, size_t errlen);
void pc_image_free(proctor_image *img);

/* Copy the box (x, y, w, h) of `in` into a new image. Parts of the box outside `in` are
 * black (torchvision's tensor crop pads with zeros the same way). */
proctor_status pc_image_crop(const proctor_image *in, int x, int y, int w, int h,
                             proctor_image *out, char *err, size_t errlen);

/* Width and height from the header only (no pixel decoding). */
proctor_status pc_image_info(const void *bytes, size_t len, int *width, int *height,
                             char *err, size_t errlen);

/* Decode to RGB (channels 3). min_short_side > 0 lets the JPEG decoder use libjpeg's DCT
 * scaling (1/8 .. 8/8): it picks the smallest scale whose short side is still
 * >= min_short_side (or the full size when none is). Other formats decode at full size.
 * *scale_num receives the numerator over 8 that was used (8 = full size); may be NULL. */
proctor_status pc_image_decode(const void *bytes, size_t len, int min_short_side,
                               proctor_image *out, int *scale_num, char *err, size_t errlen);

/* As pc_image_decode, but a JPEG stops after the first `rows` rows of its (scaled) output:
 * the image has its full size, the rows below stay black and their data is never decoded
 * (nor checked). rows <= 0: all rows. Other formats decode whole. */
proctor_status pc_image_decode_rows(const void *bytes, size_t len, int min_short_side, int rows,
                                    proctor_image *out, int *scale_num, char *err, size_t errlen);

/* The scale n/8 that pc_image_decode picks for a w x h image of this format and
 * min_short_side, and the size it decodes to (libjpeg's rounding up). Returns n. */
int pc_image_decode_scale(proctor_image_format format, int w, int h, int min_short_side,
                          int *out_w, int *out_h);

/* JPEG (quality 1..100, 4:2:0, baseline, like PIL's default save) or PNG (quality ignored).
 * *out is malloc'd; free() it. */
proctor_status pc_image_encode(const proctor_image *img, proctor_image_format format,
                               int quality, void **out, size_t *out_len, char *err,
                               size_t errlen);

/* Resize like PIL's Image.resize(size, BILINEAR): triangle filter whose support grows with
 * the downscale factor (antialiasing), 22-bit fixed-point weights, horizontal pass first,
 * rounding to 8 bits after each pass. Byte-exact with Pillow 9.x for RGB. */
proctor_status pc_image_resize(const proctor_image *in, int width, int height,
                               proctor_image *out, char *err, size_t errlen);

#endif
