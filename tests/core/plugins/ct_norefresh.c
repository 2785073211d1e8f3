/* ct_norefresh.c — a source plugin without its required refresh op: must be refused. */
#include "proctor.h"

static proctor_status c(const proctor_host *h, proctor_ctx *x, void **i) { (void)h, (void)x, (void)i; return PROCTOR_OK; }
static void d(void *i) { (void)i; }
static const proctor_source_ops ops = {sizeof ops, c, NULL, d};
static const proctor_plugin descriptor = {PROCTOR_DESCRIPTOR_HEADER, PROCTOR_KIND_SOURCE,
                                          "ct_norefresh", "0.0.1", "refresh missing", NULL, &ops};
PROCTOR_PLUGIN(descriptor)
