/* wire.h — the bittensor axon wire format for NATIX's ImageSynapse (specs/bittensor.md 1.2-1.4):
 * the JSON body exactly as Python's json.dumps(synapse.model_dump()) writes it, Python's float
 * text, and Python's int()/float() header parsing rules. Shared by the dendrite and the demo
 * miner so both sides speak the same bytes. */
#ifndef PC_NET_WIRE_H
#define PC_NET_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define PC_SYNAPSE_NAME "ImageSynapse"
/* bittensor version_as_int of the SDK NATIX pins (9.12.2); >= 7002000 selects the nonce window */
#define PC_BT_VERSION 9012002

/* One TerminalInfo ("dendrite" or "axon" in the body). NULL = JSON null. The number fields are
 * decimal text (kept as text so a 19-digit nonce stays exact); they must be JSON numbers. */
typedef struct pc_terminal {
    const char *status_code;    /* int    */
    const char *status_message; /* string */
    const char *process_time;   /* float  */
    const char *ip;             /* string */
    const char *port;           /* int    */
    const char *version;        /* int    */
    const char *nonce;          /* int    */
    const char *uuid;           /* string */
    const char *hotkey;         /* string */
    const char *signature;      /* string */
} pc_terminal;

typedef struct pc_synapse {
    double timeout;
    long long total_size, header_size;
    pc_terminal dendrite, axon;
    const char *computed_body_hash; /* the model field: "" in requests */
    long long testnet_label;        /* -1 from validators */
    const char *image;              /* base64 JPEG */
    double prediction;              /* -1.0 in requests */
} pc_synapse;

/* The body with separators ", " and ": ", keys in pydantic order, strings ASCII-escaped.
 * Returns a malloc'd NUL-terminated string (length in *len), or NULL when a number field is not
 * a JSON number or memory runs out. */
char *pc_synapse_json(const pc_synapse *s, size_t *len);

/* Python repr() of a float: shortest round-trip digits, "9.0", "0.25", "1e-05", "nan", "inf".
 * (json.dumps writes NaN / Infinity / -Infinity instead; pc_synapse_json does that.) */
void pc_py_float_repr(double x, char out[32]);

/* Python int(str) / float(str) on a header value: surrounding whitespace, a sign, '_' between
 * digits; float also takes inf/infinity/nan in any case. Returns 0, or -1 when Python would raise
 * (or the int does not fit in 64 bits). */
int pc_py_parse_int(const char *s, long long *out);
int pc_py_parse_float(const char *s, double *out);

/* pydantic v2 (lax mode) on a str given to a float field — what upstream makes of a miner's
 * "prediction": "<text>": Unicode white space around it, a sign, Rust's f64 grammar (inf,
 * infinity, nan in any case; "1.", ".5", "1e5"), or single underscores inside the untrimmed
 * text ("1_000.5"). s is n bytes of UTF-8. Returns 0, or -1 where pydantic refuses it. */
int pc_pydantic_float(const char *s, size_t n, double *out);

/* computed_body_hash of an ImageSynapse: it has no required_hash_fields, so this is SHA3-256 of
 * the empty string, as 64 lower-case hex digits. */
void pc_synapse_body_hash(char out[65]);

/* True when s is a JSON number (RFC 8259 grammar). */
int pc_is_json_number(const char *s);

#endif
