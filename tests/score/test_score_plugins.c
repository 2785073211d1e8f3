/* test_score_plugins.c — the accuracy and brier scorers, and the point of having several: the
 * same recorded answers earn different rewards under natix, accuracy and brier. */
#include "scorer_host.h"

static const double mixed_p[] = {0.9, -1, 0.2, 0.5, 1.3, 0.8};
static const int mixed_l[] = {1, 0, 1, 0, 1, 1};

static void check_accuracy(void)
{
    th_scorer s;
    if (th_open(&s, "scorer_accuracy.so", "accuracy")) return;
    is_str(s.desc->config[0].name, "window", "accuracy declares window");
    is_str(s.desc->config[0].default_value, "50", "window default 50");
    is_int(th_create(&s), PROCTOR_OK, "accuracy: create");
    /* p [0.9 v, -1 skip, 0.2 x, 0.5 -> class 0 v, 1.3 out of range x, 0.8 v]: 3 of 5 -> 0.6 */
    is_double(th_score1(&s, mixed_p, mixed_l, 6), 0.6, 1e-12, "accuracy: 3 of 5 valid");
    double none[] = {0.9, -1};
    int nl[] = {1, 1};
    is_double(th_score1(&s, none, nl, 2), 0.0, 0, "accuracy: -1 now -> 0");
    double out[] = {0.9, 1.3};
    is_double(th_score1(&s, out, nl, 2), 0.0, 0, "accuracy: 1.3 now -> 0");
    is_double(th_score1(&s, NULL, NULL, 0), 0.0, 0, "accuracy: empty history -> 0");
    th_close(&s);

    th_open(&s, "scorer_accuracy.so", "accuracy");
    th_override(&s, "window", "2");
    is_int(th_create(&s), PROCTOR_OK, "accuracy: create with window 2");
    /* last 2: 1.3 x, 0.8 v -> 1/2 */
    is_double(th_score1(&s, mixed_p, mixed_l, 6), 0.5, 1e-12, "accuracy: window 2 -> 1/2");
    th_close(&s);

    th_open(&s, "scorer_accuracy.so", "accuracy");
    th_override(&s, "window", "-3");
    is_int(th_create(&s), PROCTOR_INVALID, "accuracy: window -3 refused (%s)", s.ctx.error);
    th_close(&s);
}

static void check_brier(void)
{
    th_scorer s;
    if (th_open(&s, "scorer_brier.so", "brier")) return;
    is_str(s.desc->config[0].name, "window", "brier declares window");
    is_int(th_create(&s), PROCTOR_OK, "brier: create");
    /* per valid entry 1-(p-y)^2: 0.9/1 -> 0.99, 0.2/1 -> 0.36, 0.5/0 -> 0.75, 1.3 -> 0
     * (out of range), 0.8/1 -> 0.96; mean = 3.06/5 = 0.612 */
    is_double(th_score1(&s, mixed_p, mixed_l, 6), 0.612, 1e-12, "brier: mean skill 0.612");
    double none[] = {0.9, -1};
    int nl[] = {1, 1};
    is_double(th_score1(&s, none, nl, 2), 0.0, 0, "brier: -1 now -> 0");
    double out[] = {0.9, -0.2};
    is_double(th_score1(&s, out, nl, 2), 0.0, 0, "brier: -0.2 now -> 0");
    double half[] = {0.5, 0.5, 0.5};
    int hl[] = {0, 1, 1};
    is_double(th_score1(&s, half, hl, 3), 0.75, 1e-12, "brier: always 0.5 -> 0.75");
    th_close(&s);

    th_open(&s, "scorer_brier.so", "brier");
    th_override(&s, "window", "2");
    is_int(th_create(&s), PROCTOR_OK, "brier: create with window 2");
    /* last 2: 1.3 -> 0, 0.8/1 -> 0.96; mean 0.48 */
    is_double(th_score1(&s, mixed_p, mixed_l, 6), 0.48, 1e-12, "brier: window 2 -> 0.48");
    th_close(&s);
}

/* Three miners answer the same ten recorded challenges, labels [1,0,1,0,1,1,0,0,1,1]:
 *   A hedges:     0.6 on label 1, 0.4 on label 0 (always the right side, barely)
 *   B is sure:    0.95 / 0.05
 *   C says 1:     0.9 every time
 * natix:    A = B = 1 (MCC 1, accuracy 1); C: MCC 0 (one class), accuracy 6/10 -> 0.3^3 = 0.027
 * accuracy: A = B = 1; C = 0.6
 * brier:    A = 1-0.16 = 0.84; B = 1-0.0025 = 0.9975; C = (6*0.99 + 4*0.19)/10 = 0.67 */
static void check_same_answers_differ(void)
{
    static const int labels[10] = {1, 0, 1, 0, 1, 1, 0, 0, 1, 1};
    const char *files[3] = {"scorer_natix.so", "scorer_accuracy.so", "scorer_brier.so"};
    const char *names[3] = {"natix", "accuracy", "brier"};
    const double want[3][3] = {{1, 1, 0.027}, {1, 1, 0.6}, {0.84, 0.9975, 0.67}};
    proctor_history_entry e[3][10];
    for (int i = 0; i < 10; i++) {
        int y = labels[i];
        e[0][i] = (proctor_history_entry){y ? 0.6 : 0.4, y, i, 0.2};
        e[1][i] = (proctor_history_entry){y ? 0.95 : 0.05, y, i, 0.2};
        e[2][i] = (proctor_history_entry){0.9, y, i, 0.2};
    }
    proctor_history h[3] = {{e[0], 10}, {e[1], 10}, {e[2], 10}};
    proctor_response r[3] = {{1, "A", e[0][9].prediction, 0.2},
                             {2, "B", e[1][9].prediction, 0.2},
                             {3, "C", e[2][9].prediction, 0.2}};
    proctor_challenge c = {10, 1, "real", 10};
    double got[3][3];
    for (int k = 0; k < 3; k++) {
        th_scorer s;
        if (th_open(&s, files[k], names[k]) || th_create(&s) != PROCTOR_OK) return;
        is_int(s.ops->score(s.instance, &c, r, h, 3, got[k]), PROCTOR_OK, "%s scores", names[k]);
        for (int m = 0; m < 3; m++)
            is_double(got[k][m], want[k][m], 1e-12, "%s: miner %c", names[k], "ABC"[m]);
        th_close(&s);
    }
    ok(got[0][0] == got[0][1] && got[2][1] > got[2][0], "brier tells B from A, natix does not");
    ok(got[1][2] > 20 * got[0][2], "accuracy pays the one-class miner C, natix hardly");
}

int main(void)
{
    check_accuracy();
    check_brier();
    check_same_answers_differ();
    return done_testing();
}
