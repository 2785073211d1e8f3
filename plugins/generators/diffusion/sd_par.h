/* sd_par.h — a minimal parallel-for over [0, n) on short-lived pthreads (the CPU backend's
 * non-GEMM work: norms, activations, im2col, softmax). Small ranges run inline. */
#ifndef SD_PAR_H
#define SD_PAR_H

typedef void (*sd_par_fn)(void *ctx, long begin, long end);
/* Run fn over [0, n) split into contiguous chunks; `grain` = minimum items per thread. */
void sd_par_for(long n, long grain, sd_par_fn fn, void *ctx);
void sd_par_set_threads(int n);
int sd_par_threads(void);

#endif
