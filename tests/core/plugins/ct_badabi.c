/* ct_badabi.c — a plugin built for ABI major 99: the loader must refuse it. */
#include "proctor.h"

static proctor_status c(const proctor_host *h, proctor_ctx *x, void **i) { (void)h, (void)x, (void)i; return PROCTOR_OK; }
static proctor_status r(void *i) { (void)i; return PROCTOR_OK; }
static void d(void *i) { (void)i; }
static const proctor_source_ops ops = {sizeof ops, c, r, d};
static const proctor_plugin descriptor = {sizeof(proctor_plugin), 99, 0, PROCTOR_KIND_SOURCE,
                                          "ct_badabi", "0.0.1", "wrong ABI major", NULL, &ops};
PROCTOR_PLUGIN(descriptor)
