/* test_net_wire — the ImageSynapse body byte-exact against specs/bittensor.md 1.11, Python's
 * float text and int()/float() header rules, the body hash, and the demo miner's pieces:
 * verify_request statuses and the colour model on synthetic JPEGs. */
#include "../tap.h"
#include "net/wire.h"
#include "netutil.h"

#include "../../tools/demo_miner/roadwork.h"
#include "../../tools/demo_miner/verify.h"

#include <sodium.h>

static void test_float_repr(void)
{
    struct { double x; const char *want; } t[] = {
        {9.0, "9.0"}, {-1.0, "-1.0"}, {0.1, "0.1"}, {0.1 + 0.2, "0.30000000000000004"},
        {1e-05, "1e-05"}, {0.0001, "0.0001"}, {1e16, "1e+16"}, {1234567890123456.0, "1234567890123456.0"},
        {1.5e300, "1.5e+300"}, {5e-324, "5e-324"}, {123.456, "123.456"}, {100.0, "100.0"},
        {0.0, "0.0"}, {-0.0, "-0.0"}, {2.5e-7, "2.5e-07"}, {12.0, "12.0"}, {0.73, "0.73"},
        {NAN, "nan"}, {INFINITY, "inf"}, {-INFINITY, "-inf"},
    };
    char out[32];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        pc_py_float_repr(t[i].x, out);
        is_str(out, t[i].want, "repr(%.17g)", t[i].x);
    }
}

static void test_py_parse(void)
{
    struct { const char *s; int ok; long long v; } ints[] = {
        {"12", 1, 12}, {" 12\t", 1, 12}, {"+1_000", 1, 1000}, {"-5", 1, -5}, {"007", 1, 7},
        {"1767700000123456789", 1, 1767700000123456789LL}, {"1__0", 0, 0}, {"_1", 0, 0},
        {"1_", 0, 0}, {"1.0", 0, 0}, {"", 0, 0}, {"  ", 0, 0}, {"abc", 0, 0}, {"0x10", 0, 0},
        {"+", 0, 0}, {"99999999999999999999", 0, 0},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        long long v = -999;
        int rc = pc_py_parse_int(ints[i].s, &v);
        ok(ints[i].ok ? rc == 0 && v == ints[i].v : rc == -1, "int(\"%s\") %s", ints[i].s,
           ints[i].ok ? "parses" : "raises");
    }
    struct { const char *s; int ok; double v; } fl[] = {
        {"9.0", 1, 9.0}, {" 9 ", 1, 9.0}, {"1e3", 1, 1000}, {".5", 1, 0.5}, {"5.", 1, 5.0},
        {"-2.5E-1", 1, -0.25}, {"1_0.5", 1, 10.5}, {"inf", 1, INFINITY}, {"-Infinity", 1, -INFINITY},
        {"abc", 0, 0}, {"1e", 0, 0}, {"0x1p3", 0, 0}, {"", 0, 0}, {".", 0, 0}, {"1..2", 0, 0},
        {"infinit", 0, 0}, {"9.0s", 0, 0},
    };
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++) {
        double v = -999;
        int rc = pc_py_parse_float(fl[i].s, &v);
        ok(fl[i].ok ? rc == 0 && v == fl[i].v : rc == -1, "float(\"%s\") %s", fl[i].s,
           fl[i].ok ? "parses" : "raises");
    }
    double v;
    ok(pc_py_parse_float("NaN", &v) == 0 && isnan(v), "float(\"NaN\") is nan");
}

static void test_body(void)
{
    /* specs/bittensor.md 1.11, one line, with the signature and image spelled out */
    const char *want =
        "{\"name\": \"ImageSynapse\", \"timeout\": 9.0, \"total_size\": 4096, \"header_size\": 0, "
        "\"dendrite\": {\"status_code\": null, \"status_message\": null, \"process_time\": null, "
        "\"ip\": \"198.51.100.2\", \"port\": null, \"version\": 9012002, \"nonce\": 1767700000123456789, "
        "\"uuid\": \"0f3c2b1a-eb3d-11f0-9a1b-0242ac120002\", "
        "\"hotkey\": \"5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV\", \"signature\": \"0xab\"}, "
        "\"axon\": {\"status_code\": null, \"status_message\": null, \"process_time\": null, "
        "\"ip\": \"203.0.113.7\", \"port\": 8091, \"version\": null, \"nonce\": null, \"uuid\": null, "
        "\"hotkey\": \"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\", \"signature\": null}, "
        "\"computed_body_hash\": \"\", \"testnet_label\": -1, \"image\": \"/9j/4AAQSkZJRg==\", "
        "\"prediction\": -1.0}";
    pc_synapse s = {
        .timeout = 9.0, .total_size = 4096, .header_size = 0,
        .dendrite = {.ip = "198.51.100.2", .version = "9012002", .nonce = "1767700000123456789",
                     .uuid = "0f3c2b1a-eb3d-11f0-9a1b-0242ac120002",
                     .hotkey = "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV", .signature = "0xab"},
        .axon = {.ip = "203.0.113.7", .port = "8091",
                 .hotkey = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"},
        .computed_body_hash = "", .testnet_label = -1, .image = "/9j/4AAQSkZJRg==", .prediction = -1.0,
    };
    size_t len = 0;
    char *got = pc_synapse_json(&s, &len);
    is_str(got, want, "request body matches the spec byte for byte");
    is_int(len, strlen(want), "length reported");
    free(got);

    /* json.dumps(ensure_ascii=True) escapes, and its NaN spelling */
    s.axon.status_message = "q\"b\\n\n\x01\x7f\xc3\xa9\xf0\x9f\x98\x80\xff";
    s.prediction = NAN;
    got = pc_synapse_json(&s, NULL);
    ok(got && strstr(got, "\"status_message\": \"q\\\"b\\\\n\\n\\u0001\\u007f\\u00e9\\ud83d\\ude00\\ufffd\""),
       "escapes: quote, backslash, control, DEL, U+00E9, astral pair, invalid byte");
    ok(got && strstr(got, "\"prediction\": NaN}"), "NaN written as Python does");
    free(got);
    s.axon.status_message = NULL;
    s.dendrite.nonce = "12; rm";
    ok(pc_synapse_json(&s, NULL) == NULL, "a number field that is not a number is refused");

    char hash[65];
    pc_synapse_body_hash(hash);
    is_str(hash, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
           "ImageSynapse body hash = SHA3-256(\"\")");
}

/* verify_request over a fixed header table */
typedef struct { const char *k[8], *v[8]; } hdrs;
static const char *lookup(void *ctx, const char *name)
{
    hdrs *h = ctx;
    for (int i = 0; i < 8 && h->k[i]; i++)
        if (!strcasecmp(h->k[i], name)) return h->v[i];
    return NULL;
}

static void test_verify(void)
{
    const char *H = "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a";
    char msg[160];
    struct { hdrs h; int want; const char *what; } t[] = {
        {{{"Computed_Body_Hash", "timeout", "bt_header_dendrite_nonce"}, {H, "9.0", "1767700000123456789"}}, 200, "good headers"},
        {{{"computed_body_hash"}, {H}}, 200, "only the hash"},
        {{{"computed_body_hash", "timeout"}, {H, "nine"}}, 400, "timeout not a float"},
        {{{"computed_body_hash", "bt_header_axon_port"}, {H, "80.5"}}, 400, "port not an int"},
        {{{"computed_body_hash", "bt_header_dendrite_nonce"}, {H, ""}}, 400, "empty nonce"},
        {{{"computed_body_hash", "header_size"}, {H, "1_024"}}, 200, "Python int with underscore"},
        {{{"timeout"}, {"9.0"}}, 500, "no body hash"},
        {{{"computed_body_hash"}, {"a7ffc6f8"}}, 500, "wrong body hash"},
        {{{"computed_body_hash", "total_size"}, {"00", "x"}}, 400, "header parse errors come before the hash"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        is_int(dm_verify_request(lookup, &t[i].h, "{}", 2, msg, sizeof msg), t[i].want, "verify: %s", t[i].what);
}

static double predict_b64(const char *b64, int *rc)
{
    size_t n = strlen(b64), len = 0;
    uint8_t *jpeg = malloc(n);
    double p = -1;
    char err[128];
    sodium_base642bin(jpeg, n, b64, n, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL);
    *rc = dm_predict_jpeg(jpeg, len, &p, err, sizeof err);
    free(jpeg);
    return p;
}

static void test_roadwork(void)
{
    struct { double share; uint8_t r, g, b; double lo, hi; const char *what; } t[] = {
        {1.0, 255, 122, 0, 0.90, 0.951, "all cone orange"},
        {0.5, 255, 210, 0, 0.90, 0.951, "half signal yellow"},
        {0.0, 0, 0, 0, 0.05, 0.06, "plain grey"},
        {1.0, 40, 90, 200, 0.05, 0.06, "all sky blue"},
        {1.0, 255, 170, 170, 0.05, 0.06, "pale pink is not orange (saturation)"},
        {0.02, 255, 122, 0, 0.3, 0.9, "a strip of orange"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char *b64 = nt_jpeg_b64(224, 224, t[i].share, t[i].r, t[i].g, t[i].b);
        int rc = -1;
        double p = b64 ? predict_b64(b64, &rc) : -1;
        ok(rc == 0 && p >= t[i].lo && p <= t[i].hi, "%s: p=%.3f in [%.2f, %.2f]", t[i].what, p, t[i].lo, t[i].hi);
        free(b64);
    }
    char *wide = nt_jpeg_b64(1024, 640, 0.5, 255, 122, 0);
    int rc;
    double p = predict_b64(wide, &rc);
    ok(rc == 0 && p > 0.9, "a bigger image decodes downscaled (p=%.3f)", p);
    free(wide);
    char err[128] = "";
    const uint8_t junk[] = "not a jpeg at all, just text";
    ok(dm_predict_jpeg(junk, sizeof junk, &p, err, sizeof err) == -1 && strstr(err, "bad JPEG"),
       "garbage is an error, not a crash: %s", err);
    const uint8_t huge[] = {0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0xff, 0xff, 0xff, 0xff, 0x03,
                            0x01, 0x11, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xd9};
    ok(dm_predict_jpeg(huge, sizeof huge, &p, err, sizeof err) == -1, "65535x65535 header refused: %s", err);
}

/* pydantic v2's lax str -> float, every row checked against pydantic 2.13.4 / pydantic-core
 * 2.46.4 (BaseModel with `prediction: float`): NaN rows are ok with v = NAN. */
static void test_pydantic_float(void)
{
    struct { const char *s; int ok; double v; } t[] = {
        {"0.7", 1, 0.7}, {" 0.7 ", 1, 0.7}, {"\t0.7\n", 1, 0.7}, {"\v1", 1, 1}, {"\f1", 1, 1},
        {"\xc2\x85" "1", 1, 1}, {"\xc2\xa0" "0.7", 1, 0.7}, {"0.7\xc2\xa0", 1, 0.7},
        {"\xe1\x9a\x80" "1", 1, 1}, {"\xe2\x80\x80" "0.7", 1, 0.7}, {"\xe2\x80\xa8" "1", 1, 1},
        {"\xe3\x80\x80" "1", 1, 1}, {"\x1c" "1", 0, 0}, {"\xe2\x80\x8b" "1", 0, 0},
        {"\xef\xbb\xbf" "1", 0, 0}, {"\xef\xbc\x91", 0, 0},
        {"1_0", 1, 10}, {"1_000.5", 1, 1000.5}, {"1_.5", 1, 1.5}, {"1._5", 1, 1.5}, {"._5", 1, 0.5},
        {"0_._5", 1, 0.5}, {"1e_1", 1, 10}, {"1_e1", 1, 10}, {"1e+_5", 1, 1e5}, {"-_1", 1, -1},
        {"+_1", 1, 1}, {"in_f", 1, INFINITY}, {"n_a_n", 1, NAN}, {"1e1_0", 1, 1e10},
        {"_1", 0, 0}, {"1_", 0, 0}, {"_", 0, 0}, {"1__0", 0, 0}, {"1.__5", 0, 0}, {"1._", 0, 0},
        {" 1_0 ", 0, 0}, {"1_0 ", 0, 0}, {" _1", 0, 0}, {"1 _0", 0, 0}, {"_nan", 0, 0}, {"1e_", 0, 0},
        {"inf", 1, INFINITY}, {"-Infinity", 1, -INFINITY}, {"iNf", 1, INFINITY}, {"+inf", 1, INFINITY},
        {"Infinity ", 1, INFINITY}, {"nan", 1, NAN}, {"NaN", 1, NAN}, {" nan ", 1, NAN},
        {"+nan", 1, NAN}, {"-nan", 1, NAN}, {"nan(123)", 0, 0}, {"infinit", 0, 0},
        {"1e3", 1, 1000}, {".5", 1, 0.5}, {"5.", 1, 5}, {"+5", 1, 5}, {"00.5", 1, 0.5},
        {"1e0001", 1, 10}, {"1E-5", 1, 1e-5}, {"1e400", 1, INFINITY}, {"-1e400", 1, -INFINITY},
        {"1.7976931348623159e308", 1, INFINITY}, {"4.9e-325", 1, 0},
        {"0.1000000000000000055511151231257827", 1, 0.1},
        {"", 0, 0}, {"  ", 0, 0}, {"0.7a", 0, 0}, {"true", 0, 0}, {"1,5", 0, 0}, {"0x10", 0, 0},
        {"1e", 0, 0}, {".", 0, 0}, {"e5", 0, 0}, {"- 1", 0, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        double v = -999;
        int rc = pc_pydantic_float(t[i].s, strlen(t[i].s), &v);
        int good = t[i].ok ? rc == 0 && (isnan(t[i].v) ? isnan(v) : v == t[i].v) : rc == -1;
        ok(good, "pydantic float(%zu: \"%s\") %s (rc %d, %.17g)", i, t[i].s, t[i].ok ? "parses" : "refused", rc, v);
    }
}

int main(void)
{
    test_float_repr();
    test_py_parse();
    test_pydantic_float();
    test_body();
    test_verify();
    test_roadwork();
    return done_testing();
}
