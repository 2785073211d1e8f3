/* test_score_state.c — the state file: exact round trip, damage detection (every truncation,
 * random byte flips, wrong version), the .prev fallback, and a crash test: a child saves state
 * in a tight loop and is SIGKILLed at random moments; after every kill the state must load and
 * be consistent (step N <=> every miner's history is exactly steps N-k+1..N, score 1-0.95^N). */
#include "../tap.h"
#include "score/state.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char err[1024];
static char dir[256], path[300];

static void make_state(pc_scores *s, pc_history **h, size_t cap)
{
    static const char *hk[5] = {"5Gx", "5Hy", "", "5K\"q\\", "5Lz"};
    pc_scores_init(s, PC_SCORES_ALPHA, err, sizeof err);
    pc_scores_sync(s, hk, 5, NULL, err, sizeof err);
    s->score[0] = 0.1;
    s->score[1] = 1.0 / 3; /* needs 17 digits */
    s->score[3] = 1e-300;
    s->score[4] = NAN;
    *h = pc_history_new(cap);
    proctor_history_entry e[] = {{0.9, 1, 1764000000.123, 0.5}, {-1, 0, 1764000060.5, 9.0},
                                 {1.7, 1, 1764000120.25, 0.01}, {INFINITY, 0, 1.0, 0.0},
                                 {0.1 + 0.2, 0, 1764000180.0, 1.0 / 7}};
    for (size_t i = 0; i < 5; i++) pc_history_append(*h, 0, "5Gx", &e[i], NULL, err, sizeof err);
    pc_history_append(*h, 4, "5Lz", &e[2], NULL, err, sizeof err);
    pc_history_append(*h, 3, "old-hotkey", &e[0], NULL, err, sizeof err);
}

static int same_double(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

static int same_state(const pc_scores *a, const pc_history *ha, const pc_scores *b,
                      const pc_history *hb)
{
    if (a->n != b->n) return 0;
    for (size_t u = 0; u < a->n; u++)
        if (!same_double(a->score[u], b->score[u]) || strcmp(a->hotkey[u], b->hotkey[u]))
            return 0;
    for (int64_t u = -1;;) {
        int64_t ua = pc_history_next_uid(ha, u), ub = pc_history_next_uid(hb, u);
        if (ua != ub) return 0;
        if (ua < 0) return 1;
        if (strcmp(pc_history_hotkey(ha, ua), pc_history_hotkey(hb, ub))) return 0;
        proctor_history va = pc_history_view(ha, ua), vb = pc_history_view(hb, ub);
        if (va.count != vb.count) return 0;
        for (size_t i = 0; i < va.count; i++)
            if (!same_double(va.entries[i].prediction, vb.entries[i].prediction) ||
                va.entries[i].label != vb.entries[i].label ||
                va.entries[i].time != vb.entries[i].time ||
                va.entries[i].latency_s != vb.entries[i].latency_s)
                return 0;
        u = ua;
    }
}

static char *slurp(const char *p, size_t *len)
{
    FILE *f = fopen(p, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}

static void spit(const char *p, const char *b, size_t len)
{
    FILE *f = fopen(p, "wb");
    fwrite(b, 1, len, f);
    fclose(f);
}

static void check_round_trip(void)
{
    pc_scores s, l;
    pc_history *h, *lh = pc_history_new(100);
    uint64_t step = 0;
    int prev = -1;
    make_state(&s, &h, 100);
    pc_scores_init(&l, PC_SCORES_ALPHA, err, sizeof err);

    is_int(pc_state_load(path, &step, &l, &lh, &prev, err, sizeof err), 1, "no file: fresh start");
    diag("%s", err);
    is_int(pc_state_save(path, 12345, &s, h, err, sizeof err), 0, "save");
    is_int(pc_state_load(path, &step, &l, &lh, &prev, err, sizeof err), 0, "load");
    is_int(step, 12345, "step restored");
    is_int(prev, 0, "from the main file");
    ok(same_state(&s, h, &l, lh), "scores, hotkeys and histories restored bit for bit");
    is_str(pc_history_hotkey(lh, 3), "old-hotkey", "history keeps its own hotkey per uid");

    size_t len;
    char *b = slurp(path, &len);
    ok(b && len < 1200, "compact: %zu bytes for 5 uids, 7 entries", len);
    diag("%.*s", (int)(len < 400 ? len : 400), b ? b : "");
    free(b);

    /* a smaller cap keeps each miner's newest entries */
    pc_history *small = pc_history_new(2);
    is_int(pc_state_load(path, &step, &l, &small, &prev, err, sizeof err), 0, "load into cap 2");
    proctor_history v = pc_history_view(small, 0);
    ok(v.count == 2 && v.entries[0].time == 1.0 && fabs(v.entries[1].prediction - 0.3) < 1e-15,
       "cap 2 keeps the newest 2 entries");
    is_int(pc_history_cap(small), 2, "loaded history keeps the caller's cap");
    pc_history_free(small);

    pc_scores_free(&s);
    pc_scores_free(&l);
    pc_history_free(h);
    pc_history_free(lh);
}

static void check_damage(void)
{
    pc_scores s, l;
    pc_history *h, *lh = pc_history_new(100);
    uint64_t step = 0;
    int prev = 0;
    char prevpath[320];
    snprintf(prevpath, sizeof prevpath, "%s.prev", path);
    make_state(&s, &h, 100);
    pc_scores_init(&l, PC_SCORES_ALPHA, err, sizeof err);
    unlink(path);
    unlink(prevpath);
    pc_state_save(path, 1, &s, h, err, sizeof err);
    s.score[0] = 0.75;
    pc_state_save(path, 2, &s, h, err, sizeof err);

    size_t len;
    char *good = slurp(path, &len);
    ok(good && len > 50, "state file read back (%zu bytes)", len);
    if (!good) return;

    /* every proper prefix (a torn write) is refused */
    int refused = 0;
    for (size_t n = 0; n < len; n++)
        refused += pc_state_parse(good, n, &step, &l, &lh, err, sizeof err) != 0;
    is_int(refused, len, "all %zu truncations refused", len);
    is_int(pc_state_parse(good, len, &step, &l, &lh, err, sizeof err), 0, "full file parses");
    is_int(step, 2, "full file: step 2");

    /* random single-byte changes are refused */
    srand(7);
    int flips = 0, caught = 0;
    char *bad = malloc(len);
    for (int i = 0; i < 400; i++) {
        memcpy(bad, good, len);
        size_t at = (size_t)rand() % len;
        bad[at] = (char)(bad[at] ^ (1 + rand() % 255));
        flips++;
        caught += pc_state_parse(bad, len, &step, &l, &lh, err, sizeof err) != 0;
    }
    is_int(caught, flips, "%d random byte changes all detected", flips);
    is_int(step, 2, "refused parses did not touch the step");
    ok(l.n == 5 && l.score[0] == 0.75, "refused parses did not touch the scores");

    /* other format version */
    memcpy(bad, good, len);
    char *v = strstr(bad, "\"version\":1");
    v[10] = '2';
    is_int(pc_state_parse(bad, len, &step, &l, &lh, err, sizeof err), -1, "version 2 refused");
    ok(strstr(err, "version 2") != NULL, "says so: %s", err);
    /* not a state file */
    is_int(pc_state_parse("hello\n{}", 8, &step, &l, &lh, err, sizeof err), -1,
           "garbage refused: %s", err);

    /* main file corrupt -> .prev (step 1), loudly */
    memcpy(bad, good, len);
    bad[len - 5] ^= 0x20;
    spit(path, bad, len);
    is_int(pc_state_load(path, &step, &l, &lh, &prev, err, sizeof err), 0, "corrupt main: loads");
    ok(prev == 1 && step == 1 && l.score[0] == 0.1, "... the previous state from .prev");
    ok(strstr(err, "checksum") && strstr(err, ".prev"), "and says why: %s", err);

    /* truncated main file, same */
    spit(path, good, len / 2);
    is_int(pc_state_load(path, &step, &l, &lh, &prev, err, sizeof err), 0, "truncated main");
    ok(prev == 1 && step == 1, "... falls back to .prev: %s", err);

    /* both damaged: refused, nothing touched */
    spit(prevpath, good, len - 1);
    step = 99;
    is_int(pc_state_load(path, &step, &l, &lh, &prev, err, sizeof err), -1, "both damaged: refused");
    is_int(step, 99, "refused load left the step alone");
    diag("%s", err);

    /* a huge "bytes" claim is refused before any allocation */
    const char *huge = "{\"format\":\"proctor-state\",\"version\":1,\"bytes\":99999999999,"
                       "\"crc32\":\"00000000\"}\n{}\n";
    is_int(pc_state_parse(huge, strlen(huge), &step, &l, &lh, err, sizeof err), -1,
           "huge length refused");

    free(bad);
    free(good);
    unlink(path);
    unlink(prevpath);
    pc_scores_free(&s);
    pc_scores_free(&l);
    pc_history_free(h);
    pc_history_free(lh);
}

/* ---- crash test ------------------------------------------------------------------------- */
#define CRASH_UIDS 16
#define CRASH_CAP 100

static void crash_child(void)
{
    const char *hk[CRASH_UIDS];
    char names[CRASH_UIDS][16];
    for (int u = 0; u < CRASH_UIDS; u++) {
        snprintf(names[u], sizeof names[u], "hk%d", u);
        hk[u] = names[u];
    }
    pc_scores s;
    pc_history *h = pc_history_new(CRASH_CAP);
    uint64_t step = 0;
    int prev;
    pc_scores_init(&s, PC_SCORES_ALPHA, err, sizeof err);
    if (pc_state_load(path, &step, &s, &h, &prev, err, sizeof err) < 0) _exit(2);
    if (pc_scores_sync(&s, hk, CRASH_UIDS, NULL, err, sizeof err)) _exit(3);
    int64_t uids[CRASH_UIDS];
    double rewards[CRASH_UIDS];
    for (int u = 0; u < CRASH_UIDS; u++) uids[u] = u, rewards[u] = 1;
    for (;;) {
        step++;
        for (int u = 0; u < CRASH_UIDS; u++) {
            proctor_history_entry e = {step % 2 ? 0.8 : 0.2, (int)(step % 2), (double)step, 0.1};
            if (pc_history_append(h, u, hk[u], &e, NULL, err, sizeof err)) _exit(4);
        }
        if (pc_scores_update(&s, uids, rewards, CRASH_UIDS, NULL, err, sizeof err)) _exit(5);
        if (pc_state_save(path, step, &s, h, err, sizeof err)) _exit(6);
    }
}

/* the loaded state must be exactly "step N": every uid holds steps N-k+1..N, k = min(N, cap) */
static int consistent(uint64_t step, const pc_scores *s, const pc_history *h, char *why,
                      size_t whylen)
{
    if (step == 0) return snprintf(why, whylen, "step 0 after a save"), 0;
    if (s->n != CRASH_UIDS) return snprintf(why, whylen, "n = %zu", s->n), 0;
    double want = 1 - pow(1 - PC_SCORES_ALPHA, (double)step);
    for (int u = 0; u < CRASH_UIDS; u++) {
        proctor_history v = pc_history_view(h, u);
        size_t k = step < CRASH_CAP ? (size_t)step : CRASH_CAP;
        if (v.count != k)
            return snprintf(why, whylen, "uid %d: %zu entries at step %llu", u, v.count,
                            (unsigned long long)step), 0;
        for (size_t i = 0; i < k; i++)
            if (v.entries[i].time != (double)(step - k + 1 + i))
                return snprintf(why, whylen, "uid %d entry %zu: time %g", u, i,
                                v.entries[i].time), 0;
        if (fabs(s->score[u] - want) > 1e-9)
            return snprintf(why, whylen, "uid %d score %.12g, want %.12g", u, s->score[u],
                            want), 0;
    }
    return 1;
}

static void check_crash(void)
{
    char prevpath[320], why[256] = "";
    snprintf(prevpath, sizeof prevpath, "%s.prev", path);
    unlink(path);
    unlink(prevpath);
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    srand(seed);
    diag("kill moments from seed %u", seed);
    uint64_t last = 0;
    int kills = 0, loaded = 0, good = 0, lost = 0, monotonic = 1, from_prev = 0, by_us = 0;
    /* kill until 50 kills have hit a child that had a state to lose (at most 150 rounds) */
    for (int round = 0; round < 150 && loaded < 55; round++) {
        pid_t pid = fork();
        if (pid == 0) crash_child();
        /* early rounds also die while the very first save is under way */
        struct timespec ts = {0, (long)(rand() % (round < 5 ? 2000 : 15000)) * 1000L};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        kills++;
        by_us += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;

        pc_scores s;
        pc_history *h = pc_history_new(CRASH_CAP);
        uint64_t step = 0;
        int prev = 0;
        pc_scores_init(&s, PC_SCORES_ALPHA, err, sizeof err);
        int rc = pc_state_load(path, &step, &s, &h, &prev, err, sizeof err);
        if (rc == 0) {
            loaded++;
            from_prev += prev;
            if (consistent(step, &s, h, why, sizeof why)) good++;
            else diag("round %d: %s", round, why);
            if (step < last) monotonic = 0;
            last = step;
        } else if (rc < 0 || last > 0) { /* refused, or a state that existed is gone */
            lost++;
            diag("round %d: load %d: %s", round, rc, err);
        }
        pc_scores_free(&s);
        pc_history_free(h);
    }
    is_int(by_us, kills, "all %d children died by our SIGKILL (none failed a save)", kills);
    is_int(lost, 0, "no kill lost or tore the state");
    ok(loaded >= 50, "%d kills of a child holding a state, each followed by a load", loaded);
    is_int(good, loaded, "every loaded state consistent (step N <=> N entries, EMA of N steps)");
    ok(monotonic, "steps never went back (each child resumed from the last state)");
    is_int(from_prev, 0, "the main file was never torn (no .prev fallback needed)");
    ok(last >= 10, "the children made progress: step %llu", (unsigned long long)last);
    unlink(path);
    unlink(prevpath);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/proctor-state-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) skip_all("cannot create a temporary directory");
    snprintf(path, sizeof path, "%s/state.json", dir);
    check_round_trip();
    check_damage();
    check_crash();
    char leftover[320];
    snprintf(leftover, sizeof leftover, "%s.tmp", path);
    unlink(leftover);
    ok(rmdir(dir) == 0, "temporary directory empty at the end");
    return done_testing();
}
