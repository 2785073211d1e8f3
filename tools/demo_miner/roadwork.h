/* roadwork.h — the demo miner's "model": how much of the picture is traffic-cone orange or
 * signal yellow, mapped to a roadwork probability. Crude on purpose; a real miner swaps in a
 * detector here and keeps the rest of the program. */
#ifndef DM_ROADWORK_H
#define DM_ROADWORK_H

#include <stddef.h>
#include <stdint.h>

/* Share of pixels (0..1) that are cone orange or signal yellow, from 8-bit RGB rows. */
double dm_warning_share(const uint8_t *rgb, int width, int height, size_t stride);
/* Map that share to a probability in [0.05, 0.95]: a few percent of warning colour is a lot. */
double dm_roadwork_probability(double share);
/* Decode a JPEG (libjpeg, downscaled by DCT scaling for speed) and score it.
 * Returns 0, or -1 with err for bytes that are not a usable JPEG. */
int dm_predict_jpeg(const uint8_t *jpeg, size_t len, double *prob, char *err, size_t errlen);

#endif
