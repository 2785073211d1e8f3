/* roadwork.h — the demo miner's "model": a hand-written roadwork detector on colour and shape
 * cues, mapped to a probability. Crude on purpose; a real miner swaps in a neural detector at
 * dm_predict_jpeg and keeps the rest of the program.
 *
 * What it looks for (roadwork.c says why each cue survives the validator's augmentation):
 *   - bright, saturated cone orange (barriers, cones, vests), weighted toward the lower part of
 *     the frame where roadwork stands; duller or darker orange (brick, awnings, shaded leaves)
 *     does not count;
 *   - orange/white/orange alternation down a column: the stripes of cones and barriers;
 *   - bright signal yellow (diamond signs, beacons), weighted less: lane markings are yellow too. */
#ifndef DM_ROADWORK_H
#define DM_ROADWORK_H

#include <stddef.h>
#include <stdint.h>

typedef struct dm_features {
    double orange;  /* weighted share of cone-orange pixels, 0..1 */
    double yellow;  /* weighted share of signal-yellow pixels, 0..1 */
    double stripes; /* orange-white-orange alternations per column, averaged over columns */
} dm_features;

/* The cues of an 8-bit RGB image (rows `stride` bytes apart). */
void dm_scene_features(const uint8_t *rgb, int width, int height, size_t stride, dm_features *out);
/* Map the cues to a probability of roadwork in [0.05, 0.95]. */
double dm_roadwork_probability(const dm_features *f);
/* Decode a JPEG (libjpeg, downscaled by DCT scaling when large) and score it.
 * Returns 0, or -1 with err for bytes that are not a usable JPEG. */
int dm_predict_jpeg(const uint8_t *jpeg, size_t len, double *prob, char *err, size_t errlen);

#endif
