/* ct_flaky.c — a source whose every refresh fails with a retryable network error, written with
 * the SDK's optional wrappers: the worker must keep running, back off, and report the error and
 * the next retry for `proctor status`. */
#define PROCTOR_USE_HOST
#include "proctor.h"

static proctor_status c(const proctor_host *h, proctor_ctx *x, void **i)
{
    PROCTOR_HOST_INIT(h);
    *i = x;
    return PROCTOR_OK;
}
static proctor_status r(void *i)
{
    proctor_set_error(i, "couldn't resolve host name (example.invalid)");
    return PROCTOR_NETWORK;
}
static void d(void *i) { (void)i; }
static const proctor_source_ops ops = {sizeof ops, c, r, d};
static const proctor_plugin descriptor = {PROCTOR_DESCRIPTOR_HEADER, PROCTOR_KIND_SOURCE,
                                          "ct_flaky", "0.0.1", "fails every refresh (network)", NULL, &ops};
PROCTOR_PLUGIN(descriptor)
