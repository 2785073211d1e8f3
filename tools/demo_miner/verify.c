/* verify.c — see verify.h. */
#include "verify.h"

#include "net/wire.h"

#include <stdio.h>
#include <string.h>

/* TerminalInfo fields pydantic validates with int() / float() (synapse.py) */
static const char *const int_headers[] = {
    "bt_header_axon_status_code", "bt_header_axon_port", "bt_header_axon_version",
    "bt_header_axon_nonce", "bt_header_dendrite_status_code", "bt_header_dendrite_port",
    "bt_header_dendrite_version", "bt_header_dendrite_nonce", "total_size", "header_size",
};
static const char *const float_headers[] = {
    "timeout", "bt_header_axon_process_time", "bt_header_dendrite_process_time",
};

int dm_verify_request(dm_header_fn header, void *ctx, const char *body, size_t len, char *msg,
                      size_t msglen)
{
    (void)body, (void)len;
    for (size_t i = 0; i < sizeof int_headers / sizeof int_headers[0]; i++) {
        const char *v = header(ctx, int_headers[i]);
        long long x;
        if (v && pc_py_parse_int(v, &x) != 0) {
            snprintf(msg, msglen, "Improperly formatted request: %s is not an integer", int_headers[i]);
            return 400;
        }
    }
    for (size_t i = 0; i < sizeof float_headers / sizeof float_headers[0]; i++) {
        const char *v = header(ctx, float_headers[i]);
        double x;
        if (v && pc_py_parse_float(v, &x) != 0) {
            snprintf(msg, msglen, "Improperly formatted request: %s is not a number", float_headers[i]);
            return 400;
        }
    }
    /* next phase: blacklist (hotkey registered, validator permit) -> 403/500,
     * signature + nonce window of spec 1.5/1.6 -> 401 */
    char want[65];
    const char *got = header(ctx, "computed_body_hash");
    pc_synapse_body_hash(want);
    if (!got || strcmp(got, want) != 0) {
        snprintf(msg, msglen, "Internal Server Error: body hash does not match computed_body_hash");
        return 500;
    }
    return 200;
}
