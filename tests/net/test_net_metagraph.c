/* test_net_metagraph — metagraph files (JSON, YAML, both shapes), validation errors with
 * file:line, the serving flag and the upstream eligibility rule; the UID deck. */
#include "../tap.h"
#include "net/deck.h"
#include "net/metagraph.h"

#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#define HK1 "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
#define HK2 "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
#define HK3 "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y"

static void test_json(void)
{
    pc_metagraph m;
    char err[256] = "";
    const char *text =
        "{\"neurons\": [\n"
        " {\"uid\": 0, \"hotkey\": \"" HK1 "\", \"ip\": \"203.0.113.7\", \"port\": 8091, \"stake\": 12.5},\n"
        " {\"uid\": 1, \"hotkey\": \"" HK2 "\", \"ip\": \"0.0.0.0\", \"port\": 8091},\n"
        " {\"uid\": 2, \"hotkey\": \"" HK3 "\", \"ip\": \"[2001:DB8::1]\", \"port\": 0, \"coldkey\": \"x\"},\n"
        " {\"uid\": 3, \"hotkey\": \"" HK1 "\", \"ip\": \"10.0.0.3\", \"port\": 9000,\n"
        "  \"stake\": 50000, \"validator_permit\": true},\n"
        " {\"uid\": 4, \"hotkey\": \"" HK2 "\", \"ip\": \"10.0.0.4\", \"port\": 9000,\n"
        "  \"stake\": 40096, \"validator_permit\": true},\n"
        " {\"uid\": 5, \"hotkey\": \"" HK3 "\", \"ip\": \"10.0.0.5\", \"port\": 9000,\n"
        "  \"stake\": 90000, \"validator_permit\": false}\n"
        "]}";
    pc_metagraph_init(&m);
    is_int(pc_metagraph_load_json(&m, text, strlen(text), "mg.json", err, sizeof err), 0,
           "JSON {\"neurons\": [...]} loads (%s)", err);
    is_int(m.count, 6, "six neurons");
    const pc_neuron *n0 = pc_metagraph_find(&m, 0), *n2 = pc_metagraph_find(&m, 2);
    ok(n0 && n0->port == 8091 && n0->serving && !n0->validator_permit, "uid 0 fields");
    is_double(n0 ? n0->stake : -1, 12.5, 0, "uid 0 stake");
    is_str(n0 ? n0->ip : "", "203.0.113.7", "uid 0 ip");
    is_str(n2 ? n2->ip : "", "2001:db8::1", "IPv6 brackets dropped, canonical lower case");
    ok(n2 && n2->serving, "port 0 is serving (the SDK looks at the ip only)");
    ok(!pc_metagraph_find(&m, 1)->serving, "ip 0.0.0.0 is not serving");
    ok(pc_metagraph_eligible(n0, PC_VPERMIT_TAO_LIMIT), "serving miner is eligible");
    ok(!pc_metagraph_eligible(pc_metagraph_find(&m, 1), PC_VPERMIT_TAO_LIMIT), "not serving: not eligible");
    ok(!pc_metagraph_eligible(pc_metagraph_find(&m, 3), PC_VPERMIT_TAO_LIMIT),
       "permit and stake above the limit: a validator, not eligible");
    ok(pc_metagraph_eligible(pc_metagraph_find(&m, 4), PC_VPERMIT_TAO_LIMIT),
       "permit with stake exactly at the limit: eligible (rule is stake > limit)");
    ok(pc_metagraph_eligible(pc_metagraph_find(&m, 5), PC_VPERMIT_TAO_LIMIT),
       "big stake without permit: eligible");
    ok(pc_metagraph_eligible(pc_metagraph_find(&m, 3), 60000), "a higher limit makes uid 3 eligible");
    int uids[8];
    size_t k = pc_metagraph_eligible_uids(&m, PC_VPERMIT_TAO_LIMIT, uids);
    is_int(k, 4, "four eligible uids (port 0 included)");
    ok(k == 4 && uids[0] == 0 && uids[1] == 2 && uids[2] == 4 && uids[3] == 5, "eligible uids in order 0,2,4,5");

    /* a top-level list also works; a failure appends nothing */
    size_t before = m.count;
    const char *dup = "[{\"uid\": 9, \"hotkey\": \"" HK1 "\"}, {\"uid\": 0, \"hotkey\": \"" HK1 "\"}]";
    is_int(pc_metagraph_load_json(&m, dup, strlen(dup), "dup.json", err, sizeof err), -1, "duplicate uid refused");
    ok(strstr(err, "uid 0 appears twice") != NULL, "error names the uid: %s", err);
    is_int(m.count, before, "nothing appended on error");
    pc_metagraph_free(&m);

    pc_metagraph_init(&m);
    const char *list = "[{\"uid\": 7, \"hotkey\": \"" HK1 "\", \"ip\": \"127.0.0.1\", \"port\": 1}]";
    is_int(pc_metagraph_load_json(&m, list, strlen(list), "l.json", err, sizeof err), 0, "top-level list");
    ok(m.count == 1 && m.neurons[0].serving, "one serving neuron");
    const char *bad = "[\n{\"uid\": 1,\n \"hotkey\": }]";
    is_int(pc_metagraph_load_json(&m, bad, strlen(bad), "bad.json", err, sizeof err), -1, "broken JSON");
    ok(strstr(err, "bad.json:3") != NULL, "JSON error has file:line: %s", err);
    const char *types[] = {
        "[{\"uid\": 1.5, \"hotkey\": \"" HK1 "\"}]",
        "[{\"uid\": 1, \"hotkey\": 5}]",
        "[{\"uid\": 1, \"hotkey\": \"" HK1 "\", \"port\": 70000}]",
        "[{\"uid\": 1, \"hotkey\": \"" HK1 "\", \"stake\": -1}]",
        "[{\"uid\": 1, \"hotkey\": \"" HK1 "\", \"ip\": \"example.com\"}]",
        "[{\"uid\": 1, \"hotkey\": \"0OIl+\"}]",
        "[{\"uid\": 1, \"hotkey\": \"" HK1 "\", \"validator_permit\": 1}]",
        "{\"other\": []}",
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        err[0] = 0;
        is_int(pc_metagraph_load_json(&m, types[i], strlen(types[i]), "t.json", err, sizeof err), -1,
               "bad neuron %zu refused: %s", i, err);
    }
    is_int(m.count, 1, "still one neuron");
    pc_metagraph_free(&m);
}

static void test_yaml(void)
{
    pc_metagraph m;
    char err[256] = "";
    const char *text = "# local miners\n"
                       "neurons:\n"
                       "  - uid: 1\n"
                       "    hotkey: " HK1 "\n"
                       "    ip: 127.0.0.1\n"
                       "    port: 8091\n"
                       "    stake: 1e3\n"
                       "  - {uid: 2, hotkey: '" HK2 "', ip: '::1', port: 8092, validator_permit: true, stake: 50000}\n";
    pc_metagraph_init(&m);
    is_int(pc_metagraph_load_yaml(&m, text, strlen(text), "mg.yaml", err, sizeof err), 0, "YAML loads (%s)", err);
    is_int(m.count, 2, "two neurons");
    const pc_neuron *n1 = pc_metagraph_find(&m, 1), *n2 = pc_metagraph_find(&m, 2);
    ok(n1 && n1->port == 8091 && n1->stake == 1000 && n1->serving, "uid 1 fields");
    ok(n2 && n2->validator_permit && !strcmp(n2->ip, "::1"), "uid 2 fields (flow map, IPv6)");
    ok(!pc_metagraph_eligible(n2, PC_VPERMIT_TAO_LIMIT), "uid 2 is a validator");
    pc_metagraph_free(&m);

    struct { const char *text, *want; } bad[] = {
        {"- uid: 1\n  hotkey: " HK1 "\n- uid: x\n  hotkey: " HK2 "\n", "bad.yaml:3: uid must be"},
        {"- uid: 1\n  hotkey: " HK1 "\n  port: 99999\n", "bad.yaml:3: port must be"},
        {"- uid: 1\n  hotkey: " HK1 "\n  stake: lots\n", "bad.yaml:3: stake must be"},
        {"- uid: 1\n  hotkey: " HK1 "\n  validator_permit: maybe\n", "bad.yaml:3: validator_permit"},
        {"- uid: 1\n\n  ip: 1.2.3.4\n", "bad.yaml:1: neuron without \"hotkey\""},
        {"- uid: 1\n  hotkey: " HK1 "\n  ip: 1.2.3.400\n", "bad.yaml:1: uid 1: ip"},
        {"neurons: [\n  {uid: 1,\n", "bad.yaml:3:"},
        {"hello\n", "bad.yaml:1: expected a list"},
        {"", "bad.yaml: expected a list"},
        {"neurons: 5\n", "bad.yaml:1: expected a list"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pc_metagraph_init(&m);
        err[0] = 0;
        int rc = pc_metagraph_load_yaml(&m, bad[i].text, strlen(bad[i].text), "bad.yaml", err, sizeof err);
        ok(rc == -1 && m.count == 0 && strstr(err, bad[i].want), "bad YAML %zu: %s", i, err);
        pc_metagraph_free(&m);
    }
}

static void test_files_and_add(void)
{
    char dir[] = "/tmp/pc_mg_XXXXXX", path[64], err[256] = "";
    pc_metagraph m;
    if (!mkdtemp(dir)) {
        skip(4, "no temporary directory");
        return;
    }
    snprintf(path, sizeof path, "%s/mg.json", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "[{\"uid\": 3, \"hotkey\": \"%s\", \"ip\": \"127.0.0.1\", \"port\": 8091}]", HK1);
    fclose(f);
    pc_metagraph_init(&m);
    is_int(pc_metagraph_load(&m, path, err, sizeof err), 0, ".json file goes through cJSON (%s)", err);
    unlink(path);
    snprintf(path, sizeof path, "%s/mg.yml", dir);
    f = fopen(path, "w");
    fprintf(f, "- uid: 4\n  hotkey: %s\n  ip: 127.0.0.1\n  port: [8091]\n", HK2);
    fclose(f);
    is_int(pc_metagraph_load(&m, path, err, sizeof err), -1, "YAML file with a bad port");
    ok(strstr(err, "mg.yml:4:") != NULL, "file error names the file and line: %s", err);
    unlink(path);
    is_int(pc_metagraph_load(&m, "/nonexistent/mg.yaml", err, sizeof err), -1, "missing file: %s", err);
    rmdir(dir);

    /* the one-by-one API the pipeline feeds its inline list through */
    is_int(pc_metagraph_add(&m, 10, HK2, "::ffff:10.0.0.1", 8091, 0, false, err, sizeof err), 0, "add");
    is_int(pc_metagraph_add(&m, 11, HK3, NULL, 0, 0, false, err, sizeof err), 0, "add without ip");
    ok(!pc_metagraph_find(&m, 11)->serving, "no ip: not serving");
    is_int(pc_metagraph_add(&m, 70000, HK3, "1.2.3.4", 1, 0, false, err, sizeof err), -1, "uid range");
    is_int(pc_metagraph_add(&m, 12, "", "1.2.3.4", 1, 0, false, err, sizeof err), -1, "empty hotkey");
    is_int(pc_metagraph_add(&m, 12, HK1, "1.2.3.4", 1, NAN, false, err, sizeof err), -1, "NaN stake");
    is_int(pc_metagraph_add(&m, 12, HK1, "1.2.3.4\r\nx: y", 1, 0, false, err, sizeof err), -1,
           "header injection in ip refused");
    is_int(m.count, 3, "three neurons");
    pc_metagraph_free(&m);
}

/* xorshift64* as the caller's seeded RNG */
static uint64_t rng_next(void *user)
{
    uint64_t *s = user;
    *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static void test_deck(void)
{
    int uids[25], hand[10];
    for (int i = 0; i < 25; i++) uids[i] = 100 + i;
    uint64_t seed = 42, seed2 = 42;
    pc_deck d, d2;
    is_int(pc_deck_init(&d, uids, 25, rng_next, &seed), 0, "deck of 25");
    pc_deck_init(&d2, uids, 25, rng_next, &seed2);
    int seen[25] = {0}, short_hands = 0, same_as_replay = 1, passes_ok = 1, stream[500];
    /* 50 hands of 10 = 500 cards = 20 passes over the deck (upstream UIDDeck.next_k) */
    for (int h = 0; h < 50; h++) {
        size_t n = pc_deck_deal(&d, 10, hand);
        int hand2[10];
        pc_deck_deal(&d2, 10, hand2);
        short_hands += n != 10;
        for (int i = 0; i < 10; i++) {
            seen[hand[i] - 100]++;
            same_as_replay &= hand[i] == hand2[i];
            stream[h * 10 + i] = hand[i];
        }
    }
    is_int(short_hands, 0, "every hand has 10 cards");
    /* the cards, hand after hand, are passes: each run of 25 is a permutation of the uids */
    for (int p = 0; p < 20; p++) {
        int once[25] = {0};
        for (int i = 0; i < 25; i++) once[stream[p * 25 + i] - 100]++;
        for (int i = 0; i < 25; i++) passes_ok &= once[i] == 1;
    }
    ok(passes_ok, "each pass of 25 cards deals every uid once (a hand may straddle two passes)");
    int fair = 1;
    for (int i = 0; i < 25; i++) fair &= seen[i] == 20;
    ok(fair, "after 20 full passes every uid was dealt exactly 20 times");
    ok(same_as_replay, "same seed, same deals");

    /* the first pass deals every uid once before any repeats */
    seed = 7;
    pc_deck_free(&d);
    pc_deck_init(&d, uids, 25, rng_next, &seed);
    int once[25] = {0}, first25[25];
    for (int h = 0; h < 5; h++) pc_deck_deal(&d, 5, first25 + 5 * h);
    for (int i = 0; i < 25; i++) once[first25[i] - 100]++;
    int all_once = 1;
    for (int i = 0; i < 25; i++) all_once &= once[i] == 1;
    ok(all_once, "the first 25 cards are a permutation of the 25 uids");

    /* two different seeds give two different orders (25! orders: a clash means a broken shuffle) */
    uint64_t sa = 1, sb = 2;
    pc_deck a, b;
    pc_deck_init(&a, uids, 25, rng_next, &sa);
    pc_deck_init(&b, uids, 25, rng_next, &sb);
    ok(memcmp(a.cards, b.cards, sizeof uids) != 0, "different seeds, different orders");
    pc_deck_free(&a);
    pc_deck_free(&b);

    /* small and empty decks */
    int three[] = {5, 6, 5, 7};
    pc_deck_free(&d);
    pc_deck_init(&d, three, 4, rng_next, &seed);
    is_int(d.count, 3, "duplicate uids dropped");
    /* upstream deals k even from a smaller deck: 3 + 3 + 3 + 1, each pass a permutation */
    is_int(pc_deck_deal(&d, 10, hand), 10, "asking 10 of 3 deals 10, as upstream's next_k");
    int perms = 1;
    for (int p = 0; p < 3; p++)
        perms &= hand[3 * p] + hand[3 * p + 1] + hand[3 * p + 2] == 18 && hand[3 * p] != hand[3 * p + 1] &&
                 hand[3 * p + 1] != hand[3 * p + 2] && hand[3 * p] != hand[3 * p + 2];
    ok(perms && hand[9] >= 5 && hand[9] <= 7, "three passes over {5,6,7}, then one card of the fourth");
    /* 9 eligible, sample_size 10: the first 9 cards are the 9 uids, the 10th repeats one; the
     * next hand starts with the 8 cards left of the second pass */
    int nine[9];
    for (int i = 0; i < 9; i++) nine[i] = 40 + i;
    pc_deck_free(&d);
    pc_deck_init(&d, nine, 9, rng_next, &seed);
    is_int(pc_deck_deal(&d, 10, hand), 10, "9 eligible, hand of 10: 10 dealt");
    int mask = 0, repeat = 0;
    for (int i = 0; i < 9; i++) mask |= 1 << (hand[i] - 40);
    for (int i = 0; i < 9; i++) repeat += hand[9] == hand[i];
    ok(mask == 0x1ff && repeat == 1, "the first 9 are the 9 uids, the 10th a repeat (uid %d)", hand[9]);
    int hand_b[10];
    pc_deck_deal(&d, 10, hand_b);
    int mask2 = 1 << (hand[9] - 40);
    for (int i = 0; i < 8; i++) mask2 |= 1 << (hand_b[i] - 40);
    ok(mask2 == 0x1ff, "the next hand finishes that pass first");
    pc_deck_free(&d);
    pc_deck_init(&d, NULL, 0, rng_next, &seed);
    is_int(pc_deck_deal(&d, 10, hand), 0, "empty deck deals nothing");
    pc_deck_free(&d);
    pc_deck_free(&d2);

    /* rejection sampling stays in range */
    int in_range = 1;
    for (int i = 0; i < 1000; i++) in_range &= pc_rng_below(rng_next, &seed, 3) < 3;
    ok(in_range, "pc_rng_below(3) < 3");
}

int main(void)
{
    test_json();
    test_yaml();
    test_files_and_add();
    test_deck();
    return done_testing();
}
