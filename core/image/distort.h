/* distort.h — the DeeperForensics distortions as upstream's validator runs them: on 8-bit
 * images with OpenCV (cvtColor on float, resize INTER_LINEAR, GaussianBlur), in place on an
 * RGB proctor_image (upstream works in BGR; the channel roles are mapped, not swapped).
 * DESIGN.md section 6 has the semantics; each function says what it reproduces. */
#ifndef PC_IMAGE_DISTORT_H
#define PC_IMAGE_DISTORT_H

#include "image/irng.h"
#include "proctor.h"

/* CC: v = uint8(float32(v) * p) */
void pc_distort_cc(proctor_image *img, double p);
/* JPEG: cv2.resize down to (w // p, h // p), then back to (w, h), INTER_LINEAR */
proctor_status pc_distort_jpeg(proctor_image *img, int p);
/* GB: cv2.GaussianBlur(img, (k, k), sigma), BORDER_REFLECT_101, OpenCV's 8-bit fixed point */
proctor_status pc_distort_gb(proctor_image *img, int k, double sigma);
/* CS: YCrCb (float) + DeeperForensics mapping, chroma pulled toward 0.5 by p, inverted */
void pc_distort_cs(proctor_image *img, double p);
/* GNC: as CS's mapping, /255, + N(0, p) per channel, *255, inverted, clipped */
void pc_distort_gnc(proctor_image *img, double p, pc_irng *rng);

/* OpenCV's cv::resize(INTER_LINEAR) on an 8-bit image, exposed for tests. */
proctor_status pc_cv_resize_linear(const proctor_image *in, proctor_image *out, int w, int h);

#endif
