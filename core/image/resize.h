/* resize.h — bilinear resampling with antialiasing, two flavours:
 *   8-bit  (pc_image_resize in image.h): Pillow's fixed-point ImagingResample, byte-exact.
 *   float  (below): torch's interpolate(mode="bilinear", antialias=True) on a float tensor,
 *          which torchvision's Resize/RandomResizedCrop use on tensors. Same filter as PIL,
 *          float32 weights and sums, no rounding between the passes.
 * Both run the horizontal pass first and skip a pass whose size does not change. */
#ifndef PC_IMAGE_RESIZE_H
#define PC_IMAGE_RESIZE_H

#include "proctor.h"

/* in: 8-bit interleaved RGB (values read as v/255, like ToTensor); out: interleaved float
 * RGB, ow*oh*3 floats, in 0..1. Returns PROCTOR_OK or PROCTOR_NOMEM/INVALID. */
proctor_status pc_resize_u8_to_float(const proctor_image *in, float *out, int ow, int oh);

#endif
