/* irng.c — standard normal deviates for GNC: the ziggurat method (Marsaglia & Tsang 2000,
 * with Doornik's 2005 layout: 128 layers of equal area, one 64-bit draw for the layer index
 * and the uniform together). Box-Muller needs a log, a sqrt and a cosine per value, and GNC
 * draws 150,528 values per image; the ziggurat returns ~98.8% of them from one multiply. */
#include "image/irng.h"

#include <math.h>
#include <pthread.h>

#define ZIG_LAYERS 128
#define ZIG_R 3.442619855899         /* where the tail starts                    */
#define ZIG_V 9.91256303526217e-3    /* area of each layer                       */

static double zig_x[ZIG_LAYERS + 1], zig_ratio[ZIG_LAYERS];
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

static void zig_init(void)
{
    double f = exp(-0.5 * ZIG_R * ZIG_R);
    zig_x[0] = ZIG_V / f; /* the base layer, including the tail, as a box */
    zig_x[1] = ZIG_R;
    zig_x[ZIG_LAYERS] = 0;
    for (int i = 2; i < ZIG_LAYERS; i++) {
        zig_x[i] = sqrt(-2.0 * log(ZIG_V / zig_x[i - 1] + f));
        f = exp(-0.5 * zig_x[i] * zig_x[i]);
    }
    for (int i = 0; i < ZIG_LAYERS; i++) zig_ratio[i] = zig_x[i + 1] / zig_x[i];
}

/* uniform in (0, 1): never 0, so log() is finite */
static double open01(pc_irng *r) { return ((double)(pc_irng_u64(r) >> 11) + 0.5) * 0x1.0p-53; }

double pc_irng_normal(pc_irng *r)
{
    pthread_once(&zig_once, zig_init);
    for (;;) {
        uint64_t bits = pc_irng_u64(r);
        int i = (int)(bits & 0x7F);
        double u = 2.0 * ((double)(bits >> 11) * 0x1.0p-53) - 1.0; /* [-1, 1) */
        if (fabs(u) < zig_ratio[i]) return u * zig_x[i]; /* inside the layer's core box */
        if (i == 0) { /* the tail beyond R */
            double x, y;
            do {
                x = log(open01(r)) / ZIG_R;
                y = log(open01(r));
            } while (-2.0 * y < x * x);
            return u < 0 ? x - ZIG_R : ZIG_R - x;
        }
        double x = u * zig_x[i]; /* in the wedge: accept under the curve */
        double f0 = exp(-0.5 * (zig_x[i] * zig_x[i] - x * x));
        double f1 = exp(-0.5 * (zig_x[i + 1] * zig_x[i + 1] - x * x));
        if (f1 + open01(r) * (f0 - f1) < 1.0) return x;
    }
}
