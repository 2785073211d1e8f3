/* test_keccak — Keccak-f[1600], SHA3-256 (FIPS 202 / NIST example vectors) and the hex helpers. */
#include "crypto/keccak.h"
#include "../tap.h"

#include <stdint.h>
#include <stdlib.h>

static void sha3_hex(const void *data, size_t len, char out[65])
{
    uint8_t d[32];
    pc_sha3_256(data, len, d);
    pc_hex_encode(d, 32, out);
}

int main(void)
{
    char hex[65];

    /* Keccak-f[1600] on the all-zero state: first lane is the well-known F1258F7940E1DDE7. */
    uint8_t st[200] = {0};
    pc_keccak_f1600(st);
    uint64_t lane0 = 0;
    for (int i = 7; i >= 0; i--) lane0 = lane0 << 8 | st[i];
    ok(lane0 == 0xF1258F7940E1DDE7ULL, "keccak-f[1600](0) lane 0 = F1258F7940E1DDE7");

    sha3_hex("", 0, hex);
    is_str(hex, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a", "SHA3-256(\"\")");
    sha3_hex("abc", 3, hex);
    is_str(hex, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532", "SHA3-256(abc)");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha3_hex(m448, strlen(m448), hex);
    is_str(hex, "41c0dba2a9d6240849100376a8235e2c82e1b9998a999e21db32dd97496d3376",
           "SHA3-256 of the 448-bit NIST message");

    /* one million 'a', fed in uneven pieces through the incremental interface */
    char *million = malloc(1000000);
    ok(million != NULL, "allocated 1e6 bytes");
    if (million) {
        memset(million, 'a', 1000000);
        sha3_hex(million, 1000000, hex);
        is_str(hex, "5c8875ae474a3634ba4fd55ec85bffd661f32aca75c6d699d0cdcb6c115891c1",
               "SHA3-256 of one million 'a'");
        pc_sha3_256_ctx c;
        uint8_t d[32];
        pc_sha3_256_init(&c);
        size_t off = 0, step = 1;
        while (off < 1000000) {
            size_t n = step < 1000000 - off ? step : 1000000 - off;
            pc_sha3_256_update(&c, million + off, n);
            off += n;
            step = step * 3 % 997 + 1;
        }
        pc_sha3_256_final(&c, d);
        pc_hex_encode(d, 32, hex);
        is_str(hex, "5c8875ae474a3634ba4fd55ec85bffd661f32aca75c6d699d0cdcb6c115891c1",
               "incremental SHA3-256 of one million 'a' in uneven pieces");
        free(million);
    }

    /* lengths around the 136-byte rate (reference values from an independent SHA3) */
    static const struct { size_t n; const char *hex; } around_rate[] = {
        {135, "fded8fd9d6551c601eeb3b7c6bc5e5cfd8aad1d015b7e9aaa9c9b9475231d5e2"},
        {136, "cf3ccff92480a29160c2d38317c430e14749bfee1788106957dfe73f8c4930e5"},
        {137, "ce9d7dc90913ee5d92745019479a5352c6d6279bef18ed07dc0a83ee8084daca"},
        {272, "b7ccd55b6c2c3fa144c9e0624059294975a348b02f321abe289701d3012f7794"},
    };
    uint8_t buf[272];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)(i % 251);
    for (size_t k = 0; k < sizeof around_rate / sizeof around_rate[0]; k++) {
        sha3_hex(buf, around_rate[k].n, hex);
        is_str(hex, around_rate[k].hex, "SHA3-256 of %zu bytes (rate boundary)", around_rate[k].n);
    }

    /* hex helpers */
    uint8_t raw[4];
    is_int(pc_hex_decode("00fFa5", raw, 3), 0, "hex decode accepts mixed case");
    ok(raw[0] == 0x00 && raw[1] == 0xff && raw[2] == 0xa5, "hex decode values");
    pc_hex_encode(raw, 3, hex);
    is_str(hex, "00ffa5", "hex encode is lower-case");
    is_int(pc_hex_decode("00ff", raw, 3), -1, "hex decode rejects a short string");
    is_int(pc_hex_decode("00ffa5a", raw, 3), -1, "hex decode rejects a long string");
    is_int(pc_hex_decode("00fga5", raw, 3), -1, "hex decode rejects a non-hex digit");
    is_int(pc_hex_decode("", raw, 0), 0, "hex decode of nothing");

    return done_testing();
}
