/* sd_tokenizer.h — CLIP byte-level BPE tokenizer as the Stable Diffusion pipelines run it
 * (transformers' slow CLIPTokenizer without ftfy, spec 4.1): BERT-style text cleaning
 * (control characters dropped, whitespace collapsed, CJK ideographs split, NFC, lower case),
 * the CLIP pre-tokenizer regex, BPE by merge rank, 77-id sequences.
 *
 * Two padding conventions, read from the tokenizer folder: pad "<|endoftext|>" (49407; SD 1.x,
 * SDXL tokenizer) or pad "!" (id 0; SD 2.x, SDXL tokenizer_2), where "!" is an added special
 * token that is split out of the raw text first, so every "!" becomes id 0. */
#ifndef SD_TOKENIZER_H
#define SD_TOKENIZER_H

#include <stddef.h>

#define SD_TOK_LEN 77

typedef struct sd_tok_map sd_tok_map;

typedef struct sd_tokenizer {
    sd_tok_map *vocab;  /* symbol -> id */
    sd_tok_map *merges; /* "left right" -> rank */
    int bos, eos, pad;
    int bang_special;   /* "!" is a special token (id 0) */
} sd_tokenizer;

/* dir holds vocab.json, merges.txt and special_tokens_map.json and/or tokenizer_config.json. */
int sd_tok_load(sd_tokenizer *t, const char *dir, char *err, size_t errlen);
/* Explicit files; pad_token is "<|endoftext|>" or "!". */
int sd_tok_load_files(sd_tokenizer *t, const char *vocab_json, const char *merges_txt,
                      const char *pad_token, char *err, size_t errlen);
void sd_tok_free(sd_tokenizer *t);
/* Content ids of text (no BOS/EOS); writes at most max into ids, returns the full count. */
int sd_tok_encode(const sd_tokenizer *t, const char *text, int *ids, int max);
/* [BOS] + first 75 content ids + [EOS], padded to 77 with the pad id. */
void sd_tok_encode77(const sd_tokenizer *t, const char *text, int ids[SD_TOK_LEN]);

#endif
