/* dendrite.h — ask N miners the same ImageSynapse question at once and collect their answers.
 *
 * One pc_dendrite_query puts every request in flight together on one libcurl multi handle
 * (plain HTTP POST http://{ip}:{port}/ImageSynapse, IPv6 literals bracketed) with the headers and
 * JSON body of specs/bittensor.md 1.2-1.3, and returns when every miner answered, failed or ran
 * out of time. Connections are kept in the dendrite and reused by the next query.
 *
 * Every failure is prediction -1 with a short reason: timeout, refused connection, HTTP status
 * other than 200 (redirects are not followed), a response over the size cap (the image length
 * plus max_response: bittensor axons echo the request synapse; the cap counts decoded bytes,
 * answers may come gzip/deflate-compressed as aiohttp accepts), a header line over libcurl's
 * 100 KiB, a body that is not a JSON object, a missing "prediction", or one that pydantic's lax
 * float would refuse (null, a list, "abc"). What it accepts is an answer, as upstream: numbers,
 * numeric strings ("0.7", " 0.7\\n", "1_000.5"), true/false (1/0), and NaN/inf from strings, 1e999
 * or the bare NaN / Infinity / -Infinity tokens Python's json reads. Labels never pass through
 * here, so nothing here can log one.
 *
 * Identity: one random (v4) uuid per dendrite object; nonces are CLOCK_REALTIME nanoseconds,
 * strictly increasing across the whole process. Signing is a callback (sr25519 lives in
 * core/crypto); without one the signature header is omitted, which axons accept (spec 1.5). */
#ifndef PC_NET_DENDRITE_H
#define PC_NET_DENDRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sign `message` (UTF-8 text) with the validator hotkey; write "0x" + 128 lower-case hex digits
 * and a NUL into sig_out. Return 0 on success. */
typedef int (*pc_sign_fn)(void *user, const char *message, char sig_out[131]);

typedef struct pc_dendrite_config {
    const char *hotkey;      /* validator hotkey, SS58; NULL or "" = none (header omitted)   */
    const char *external_ip; /* bt_header_dendrite_ip; NULL = "0.0.0.0" (axons overwrite it) */
    double timeout_s;        /* total time per request (connect+send+receive); 0 = 9.0       */
    size_t max_response;     /* response body cap beyond the image's size; 0 = 64 KiB (an   */
                             /* axon answers with the whole synapse, image included)       */
    long long version;       /* bt_header_dendrite_version; 0 = PC_BT_VERSION (9.12.2)       */
    pc_sign_fn sign;         /* NULL = unsigned requests                                     */
    void *sign_user;
} pc_dendrite_config;

typedef struct pc_axon_target {
    const char *ip;     /* IPv4 or IPv6 literal, brackets optional */
    int port;           /* 1..65535 */
    const char *hotkey; /* the miner's SS58 hotkey; NULL = unknown (header omitted) */
} pc_axon_target;

typedef struct pc_dendrite_result {
    double prediction;   /* the miner's answer (may be NaN or inf), or -1 on any failure */
    double latency_s;    /* dispatch to last byte (or to the failure) */
    int status;          /* HTTP status of a response received in full; 0 when the transfer */
                         /* failed (timeout, connection, size caps), status line or not   */
    bool new_connection; /* a TCP connection was opened for this request (vs reused) */
    char reason[64];     /* "ok", "timeout", "connection refused", "http 500",            */
                         /* "response too large", "response header too large", ...       */
} pc_dendrite_result;

typedef struct pc_dendrite pc_dendrite;

pc_dendrite *pc_dendrite_new(const pc_dendrite_config *cfg, char *err, size_t errlen);
void pc_dendrite_free(pc_dendrite *d);
const char *pc_dendrite_uuid(const pc_dendrite *d);

/* Query n miners with one image (standard base64 of a JPEG, no newlines). out[i] is the result
 * for targets[i]. Returns 0 when the round ran (individual failures are in out), -1 with err
 * when it could not run at all (bad image text, out of memory, curl failure). */
int pc_dendrite_query(pc_dendrite *d, const pc_axon_target *targets, size_t n,
                      const char *image_b64, pc_dendrite_result *out, char *err, size_t errlen);

/* The next request nonce: CLOCK_REALTIME in ns, strictly greater than any earlier one. */
uint64_t pc_dendrite_next_nonce(void);

#endif
