/* test_sd_text.c — CLIP tokenizer ids (both padding conventions, every fixture prompt, the
 * 77-id sequences and the untruncated ids) and the CLIP text encoders of sd-tiny, sd2-tiny and
 * sdxl-tiny (all hidden states, last, penultimate, pooled, text_embeds) against the goldens. */
#include "../tap.h"
#include "golden.h"
#include "sd_clip.h"
#include "sd_json.h"
#include "sd_tokenizer.h"

static void check_ids(const char *what, const cJSON *want, const int *got, int n)
{
    int nw = cJSON_GetArraySize(want), same = nw == n;
    for (int i = 0; same && i < n; i++) same = cJSON_GetArrayItem(want, i)->valueint == got[i];
    if (!ok(same, "%s", what)) {
        char buf[2048] = "";
        for (int i = 0; i < n && strlen(buf) < 1900; i++) snprintf(buf + strlen(buf), 32, "%d ", got[i]);
        diag("  got %d ids: %s", n, buf);
    }
}

static void test_tokenizer(void)
{
    char vp[4200], mp[4200], tp[4200], err[512];
    snprintf(vp, sizeof vp, "%s/tokenizer/vocab.json", gold_root());
    snprintf(mp, sizeof mp, "%s/tokenizer/merges.txt", gold_root());
    snprintf(tp, sizeof tp, "%s/tokenizer/golden_tokens.json", gold_root());
    sd_tokenizer t1, t2;
    if (!ok(sd_tok_load_files(&t1, vp, mp, "<|endoftext|>", err, sizeof err) == 0, "load tokenizer (pad 49407)")) {
        diag("%s", err);
        return;
    }
    ok(sd_tok_load_files(&t2, vp, mp, "!", err, sizeof err) == 0, "load tokenizer (pad !)");
    cJSON *g = sd_json_load(tp, err, sizeof err);
    const cJSON *p;
    int n = 0;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(g, "prompts"))
    {
        const char *text = sd_json_str(p, "text");
        const char *conv[2] = {"pad_49407", "pad_0_bang"};
        for (int k = 0; k < 2; k++) {
            const sd_tokenizer *t = k ? &t2 : &t1;
            const cJSON *c = cJSON_GetObjectItemCaseSensitive(p, conv[k]);
            int ids[SD_TOK_LEN];
            sd_tok_encode77(t, text, ids);
            char what[256];
            snprintf(what, sizeof what, "prompt %d %s input_ids (%.40s)", n, conv[k], text);
            for (char *q = what; *q; q++)
                if ((unsigned char)*q < 32) *q = ' ';
            check_ids(what, cJSON_GetObjectItemCaseSensitive(c, "input_ids"), ids, SD_TOK_LEN);
            int all[1024];
            int m = sd_tok_encode(t, text, all + 1, 1000);
            all[0] = t->bos;
            all[m + 1] = t->eos;
            snprintf(what, sizeof what, "prompt %d %s untruncated", n, conv[k]);
            check_ids(what, cJSON_GetObjectItemCaseSensitive(c, "untruncated"), all, m + 2);
        }
        n++;
    }
    ok(n == 34, "34 golden prompts (got %d)", n);
    cJSON_Delete(g);
    /* the folder loader picks the pad convention from the files */
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/sdxl-tiny/tokenizer_2", gold_root());
    sd_tokenizer t3;
    if (ok(sd_tok_load(&t3, dir, err, sizeof err) == 0, "load sdxl-tiny/tokenizer_2")) {
        is_int(t3.pad, 0, "tokenizer_2 pads with ! = 0");
        sd_tok_free(&t3);
    }
    snprintf(dir, sizeof dir, "%s/sd-tiny/tokenizer", gold_root());
    if (ok(sd_tok_load(&t3, dir, err, sizeof err) == 0, "load sd-tiny/tokenizer")) {
        is_int(t3.pad, 49407, "sd-tiny tokenizer pads with 49407");
        sd_tok_free(&t3);
    }
    sd_tok_free(&t1);
    sd_tok_free(&t2);
}

static void test_encoder(const char *model, const char *comp, const char *case_id)
{
    const cJSON *c = gold_case(case_id);
    if (!ok(c != NULL, "case %s", case_id)) return;
    char dir[4200], err[512];
    snprintf(dir, sizeof dir, "%s/%s/%s", gold_root(), model, comp);
    sd_clip m;
    if (!ok(sd_clip_load(&m, sd_ops_cpu(), dir, NULL, err, sizeof err) == 0, "load %s/%s", model, comp)) {
        diag("%s", err);
        return;
    }
    int64_t n = 0;
    float *fids = gold_input(c, "input_ids", &n);
    int B = (int)(n / SD_TOK_LEN);
    int *ids = malloc((size_t)n * sizeof(int));
    for (int64_t i = 0; i < n; i++) ids[i] = (int)fids[i];
    size_t MD = (size_t)n * m.dim;
    sd_clip_out out = {
        .hidden = malloc(MD * (m.layers + 1) * sizeof(float)),
        .last = malloc(MD * sizeof(float)),
        .penultimate = malloc(MD * sizeof(float)),
        .pooled = malloc((size_t)B * m.dim * sizeof(float)),
        .text_embeds = m.proj_dim ? malloc((size_t)B * m.proj_dim * sizeof(float)) : NULL,
    };
    if (ok(sd_clip_encode(&m, ids, B, &out, err, sizeof err) == 0, "%s encode", case_id)) {
        gold_check(c, "last_hidden_state", out.last, (int64_t)MD);
        gold_check(c, "hidden_states", out.hidden, (int64_t)MD * (m.layers + 1));
        gold_check(c, "penultimate", out.penultimate, (int64_t)MD);
        gold_check(c, "pooled", out.pooled, (int64_t)B * m.dim);
        if (m.proj_dim) gold_check(c, "text_embeds", out.text_embeds, (int64_t)B * m.proj_dim);
    } else {
        diag("%s", err);
    }
    free(out.hidden), free(out.last), free(out.penultimate), free(out.pooled), free(out.text_embeds);
    free(ids);
    free(fids);
    sd_clip_free(&m);
}

int main(void)
{
    gold_init();
    sd_cpu_set_threads(2);
    test_tokenizer();
    test_encoder("sd-tiny", "text_encoder", "sd-tiny/text_encoder");
    test_encoder("sd2-tiny", "text_encoder", "sd2-tiny/text_encoder");
    test_encoder("sdxl-tiny", "text_encoder", "sdxl-tiny/text_encoder");
    test_encoder("sdxl-tiny", "text_encoder_2", "sdxl-tiny/text_encoder_2");
    gold_done();
    return done_testing();
}
