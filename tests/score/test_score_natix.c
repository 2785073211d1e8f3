/* test_score_natix.c — the natix scorer plugin against hand-computed rewards.
 *
 * reward = ((0.5*MCC(valid among last 100) + 0.5*accuracy(valid among last 10)) * penalty)^3,
 * class = round-half-to-even(p), -1 -> no answer; a class outside {0, 1} or a non-finite answer in
 * a window empties its metrics (sklearn raises, upstream catches). Each case writes its arithmetic out. */
#include "scorer_host.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SCORE(s, p, l) th_score1((s), (p), (l), N(p))

static void check_rewards(th_scorer *s)
{
    /* perfect two-class history: classes [0,1] = labels -> MCC 1, accuracy 1 -> 1^3 = 1 */
    double p1[] = {0.1, 0.9};
    int l1[] = {0, 1};
    is_double(SCORE(s, p1, l1), 1.0, 1e-12, "perfect history -> 1");

    /* single-class labels: labels [1,1,1], classes [1,1,0] -> MCC 0 (labels one value),
     * accuracy 2/3 -> (0.5*0 + 0.5*2/3)^3 = (1/3)^3 = 1/27 */
    double p2[] = {0.9, 0.8, 0.2};
    int l2[] = {1, 1, 1};
    is_double(SCORE(s, p2, l2), 1.0 / 27, 1e-12, "single-class labels: MCC 0 -> (1/3)^3");

    /* single-class predictions: classes all 1, labels [0,1,0,1] -> MCC 0 (predictions one
     * value), accuracy 2/4 -> 0.25^3 = 0.015625 */
    double p3[] = {0.9, 0.9, 0.9, 0.9};
    int l3[] = {0, 1, 0, 1};
    is_double(SCORE(s, p3, l3), 0.015625, 1e-12, "single-class predictions: MCC 0 -> 0.25^3");

    /* no answer now -> 0, however good the history */
    double p4[] = {0.1, 0.9, 0.1, -1};
    int l4[] = {0, 1, 0, 1};
    is_double(SCORE(s, p4, l4), 0.0, 0, "answer -1 -> 0");

    /* out of range now: 1.2 with label 1 -> penalty 0 -> 0 (its class 1 would be right) */
    double p5[] = {0.1, 0.9, 1.2};
    int l5[] = {0, 1, 1};
    is_double(SCORE(s, p5, l5), 0.0, 0, "answer 1.2 -> 0");
    double p5b[] = {0.1, 0.9, -0.01};
    int l5b[] = {0, 1, 0};
    is_double(SCORE(s, p5b, l5b), 0.0, 0, "answer -0.01 -> 0");

    /* half-to-even: 0.5 -> class 0. history p [0.5,0.9,0.1,0.5], labels [0,1,0,0]:
     * classes [0,1,0,0] = labels -> MCC 1, accuracy 1 -> 1. (Half-up would give classes
     * [1,1,0,1]: accuracy 2/4, MCC 1/sqrt(3) -> 0.24 -- so this fails if rounding is wrong.) */
    double p6[] = {0.5, 0.9, 0.1, 0.5};
    int l6[] = {0, 1, 0, 0};
    is_double(SCORE(s, p6, l6), 1.0, 1e-12, "0.5 rounds to class 0");

    /* negative MCC counts as 0: p [0.9,0.1,0.8,0.9,0.2], labels [0,1,0,1,1]
     * classes [1,0,1,1,0]; correct only #4 -> accuracy 1/5.
     * n=5, t0=2 t1=3, p0=2 p1=3: cov = 1*5 - (2*2 + 3*3) = -8 < 0 -> MCC 0.
     * reward = (0.5*0.2)^3 = 0.001 */
    double p7[] = {0.9, 0.1, 0.8, 0.9, 0.2};
    int l7[] = {0, 1, 0, 1, 1};
    is_double(SCORE(s, p7, l7), 0.001, 1e-12, "negative MCC -> 0, accuracy term stays");

    /* windows with -1 entries, 12 entries (v right, x wrong, - no answer):
     *   #1 (0.9,1)v  #2 (0.2,1)x | last 10: #3 (-1,0)- #4 (-1,1)- #5 (0.8,1)v #6 (0.1,0)v
     *   #7 (0.7,0)x #8 (0.3,0)v #9 (-1,1)- #10 (0.6,1)v #11 (0.4,1)x #12 (0.9,1)v
     * accuracy over the valid among the last 10 entries: 7 valid, 5 right -> 5/7
     *   (not "the last 10 valid answers", which would be 6/9)
     * MCC over all 9 valid: labels [1,1,1,0,0,0,1,1,1] t1=6 t0=3,
     *   classes [1,0,1,0,1,0,1,0,1] p1=5 p0=4, right 6:
     *   cov(y,p) = 6*9 - (3*4 + 6*5) = 12, cov(p,p) = 81 - (16+25) = 40,
     *   cov(y,y) = 81 - (9+36) = 36 -> MCC = 12/sqrt(1440) = 0.316227766
     * reward = (0.5*0.316227766 + 0.5*5/7)^3 = 0.515256...^3 = 0.136795258576 */
    double p8[] = {0.9, 0.2, -1, -1, 0.8, 0.1, 0.7, 0.3, -1, 0.6, 0.4, 0.9};
    int l8[] = {1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1};
    is_double(SCORE(s, p8, l8), 0.13679525857624542, 1e-12, "MCC/accuracy windows with -1");

    /* MCC window: 5 wrong answers, then 100 right ones alternating labels. The MCC window
     * (last 100) sees only the right ones -> MCC 1, accuracy 1 -> 1. With the 5 in it, MCC < 1. */
    double p9[105];
    int l9[105];
    for (int i = 0; i < 5; i++) p9[i] = 0.9, l9[i] = 0;
    for (int i = 5; i < 105; i++) l9[i] = i % 2, p9[i] = l9[i] ? 0.8 : 0.2;
    is_double(SCORE(s, p9, l9), 1.0, 1e-12, "MCC window is the last 100 entries");

    /* an out-of-range answer whose class is outside {0, 1} stays in the history and makes
     * sklearn's precision_score raise (labels and classes {0,1,2}: "Target is multiclass but
     * average='binary'"), so upstream's try/except gives EMPTY metrics: accuracy 0, MCC 0.
     * p [1.7,0.1,0.9], labels [1,0,1] -> 0 (counting 1.7 as a wrong class-2 answer gave 0.2616) */
    double p10[] = {1.7, 0.1, 0.9};
    int l10[] = {1, 0, 1};
    is_double(SCORE(s, p10, l10), 0.0, 0, "history 1.7 (class 2) empties the metrics -> 0");

    /* the same for 1.5 (class 2), 2.5 (class 2, half-to-even), 3, -0.7 (class -1), -1.5
     * (class -2): each, followed by 9 perfect answers, keeps accuracy(10) and MCC(100) at 0;
     * 10 perfect answers later it has left the accuracy window but not the MCC one ->
     * (0.5*0 + 0.5*1)^3 = 0.125; 100 later it has left both -> 1 */
    static const double odd[] = {1.5, 2.5, 3, -0.7, -1.5};
    for (size_t k = 0; k < N(odd); k++) {
        double p[111];
        int l[111];
        p[0] = odd[k], l[0] = 1;
        for (int i = 1; i < 111; i++) l[i] = i % 2, p[i] = l[i] ? 0.9 : 0.1;
        is_double(th_score1(s, p, l, 10), 0.0, 0, "%g then 9 right answers -> 0 (empty metrics)", odd[k]);
        is_double(th_score1(s, p, l, 11), 0.125, 1e-12, "%g out of the accuracy window -> 0.125", odd[k]);
        is_double(th_score1(s, p, l, 101), 1.0, 1e-12, "%g out of both windows -> 1", odd[k]);
    }
    /* sklearn's one exception: labels all 1 and classes {1, 3} are "binary" with pos_label 1
     * present, so nothing raises: p [3,0.9,0.8] labels [1,1,1] -> accuracy 2/3, MCC 0 -> 1/27 */
    double p10b[] = {3, 0.9, 0.8};
    int l10b[] = {1, 1, 1};
    is_double(SCORE(s, p10b, l10b), 1.0 / 27, 1e-12, "labels {1}, classes {1,3}: accuracy stays");
    /* two values without 1 raise (pos_label=1 is not a valid label): labels [0,0], classes
     * [2,0] -> 0 even though the current answer is right */
    double p10c[] = {2.2, 0.1};
    int l10c[] = {0, 0};
    is_double(SCORE(s, p10c, l10c), 0.0, 0, "labels {0}, classes {0,2}: empty metrics");

    /* -0.3 rounds to class 0 (still "valid" in the windows): p [-0.3,0.9,0.2] labels [0,1,0]
     * -> classes [0,1,0] = labels -> 1 for the current (in-range) answer */
    double p11[] = {-0.3, 0.9, 0.2};
    int l11[] = {0, 1, 0};
    is_double(SCORE(s, p11, l11), 1.0, 1e-12, "history -0.3 counts as class 0");

    /* empty window (upstream _empty_metrics: MCC 0, accuracy 0): no entries at all -> 0 */
    is_double(th_score1(s, NULL, NULL, 0), 0.0, 0, "empty history -> 0");
    /* only no-answers -> 0 */
    double p12[] = {-1, -1, -1};
    int l12[] = {0, 1, 0};
    is_double(SCORE(s, p12, l12), 0.0, 0, "only -1 -> 0");

    /* a NaN answer earns 0 */
    double p13[] = {0.1, 0.9, NAN};
    int l13[] = {0, 1, 1};
    is_double(SCORE(s, p13, l13), 0.0, 0, "NaN -> 0");
    /* NaN or inf in the window: sklearn raises on non-finite input -> empty metrics, while
     * it is in the window (upstream keeps every answer but exactly -1) */
    double p14[] = {0.1, NAN, 0.9, 0.2};
    int l14[] = {0, 1, 1, 0};
    is_double(SCORE(s, p14, l14), 0.0, 0, "NaN in the history -> 0");
    double p15[] = {0.1, INFINITY, 0.9, 0.2};
    is_double(SCORE(s, p15, l14), 0.0, 0, "inf in the history -> 0");
}

static void check_batch(th_scorer *s)
{
    /* several miners in one call: each reward belongs to its own history */
    proctor_history_entry a[] = {{0.1, 0, 1, 0.1}, {0.9, 1, 2, 0.1}};
    proctor_history_entry b[] = {{0.9, 1, 1, 0.1}, {0.8, 1, 2, 0.1}, {0.2, 1, 3, 0.1}};
    proctor_history_entry c[] = {{-1, 1, 1, 9}};
    proctor_history h[] = {{a, 2}, {b, 3}, {c, 1}};
    proctor_response r[] = {{1, "a", 0.9, 0.1}, {2, "b", 0.2, 0.1}, {3, "c", -1, 9}};
    proctor_challenge ch = {5, 1, "t2i", 3};
    double out[3] = {-9, -9, -9};
    is_int(s->ops->score(s->instance, &ch, r, h, 3, out), PROCTOR_OK, "batch of 3 scored");
    is_double(out[0], 1.0, 1e-12, "batch: miner 1 perfect");
    is_double(out[1], 1.0 / 27, 1e-12, "batch: miner 2 (1/3)^3");
    is_double(out[2], 0.0, 0, "batch: miner 3 no answer");
}

int main(void)
{
    th_scorer s;
    if (th_open(&s, "scorer_natix.so", "natix")) return done_testing();

    int declared = 0;
    for (const proctor_config_key *k = s.desc->config; k && k->name; k++)
        declared += (!strcmp(k->name, "mcc_window") && !strcmp(k->default_value, "100")) +
                    (!strcmp(k->name, "accuracy_window") && !strcmp(k->default_value, "10")) +
                    (!strcmp(k->name, "exponent") && !strcmp(k->default_value, "3"));
    is_int(declared, 3, "declares mcc_window 100, accuracy_window 10, exponent 3");

    is_int(th_create(&s), PROCTOR_OK, "create with defaults");
    check_rewards(&s);
    check_batch(&s);
    th_close(&s);

    /* exponent 1: the single-class case is plain 1/3 */
    th_open(&s, "scorer_natix.so", "natix");
    th_override(&s, "exponent", "1");
    is_int(th_create(&s), PROCTOR_OK, "create with exponent 1");
    double p[] = {0.9, 0.8, 0.2};
    int l[] = {1, 1, 1};
    is_double(th_score1(&s, p, l, 3), 1.0 / 3, 1e-12, "exponent 1 -> 1/3");
    th_close(&s);

    /* accuracy_window 2 on the -1 window case: last 2 = #11 x, #12 v -> 1/2;
     * reward = (0.5*0.316227766 + 0.25)^3 = 0.408113883^3 = 0.067975... */
    th_open(&s, "scorer_natix.so", "natix");
    th_override(&s, "accuracy_window", "2");
    is_int(th_create(&s), PROCTOR_OK, "create with accuracy_window 2");
    double p8[] = {0.9, 0.2, -1, -1, 0.8, 0.1, 0.7, 0.3, -1, 0.6, 0.4, 0.9};
    int l8[] = {1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1};
    double want = pow(0.5 * 12 / sqrt(1440) + 0.25, 3);
    is_double(th_score1(&s, p8, l8, 12), want, 1e-12, "accuracy_window 2 -> %.6f", want);
    th_close(&s);

    /* bad config is refused with a message */
    th_open(&s, "scorer_natix.so", "natix");
    th_override(&s, "mcc_window", "0");
    is_int(th_create(&s), PROCTOR_INVALID, "mcc_window 0 refused");
    ok(strstr(s.ctx.error, "mcc_window") != NULL, "error names the key: %s", s.ctx.error);
    th_close(&s);
    th_open(&s, "scorer_natix.so", "natix");
    th_override(&s, "exponent", "-2");
    is_int(th_create(&s), PROCTOR_INVALID, "exponent -2 refused");
    th_close(&s);
    return done_testing();
}
