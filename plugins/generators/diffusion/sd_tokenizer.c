/* sd_tokenizer.c — see sd_tokenizer.h. */
#include "sd_tokenizer.h"
#include "sd_json.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- string -> int hash map (open addressing, FNV-1a) --------------------------------- */
struct sd_tok_map {
    char **keys;
    int *vals;
    size_t cap, n;
};

static uint64_t fnv(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
    return h;
}

static sd_tok_map *map_new(size_t expect)
{
    sd_tok_map *m = calloc(1, sizeof *m);
    m->cap = 16;
    while (m->cap < expect * 2) m->cap <<= 1;
    m->keys = calloc(m->cap, sizeof *m->keys);
    m->vals = calloc(m->cap, sizeof *m->vals);
    return m;
}

static void map_free(sd_tok_map *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->cap; i++) free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    free(m);
}

/* lookup with an explicit length (keys need not be NUL-terminated); -1 when absent */
static int map_get(const sd_tok_map *m, const char *k, size_t len)
{
    for (size_t i = fnv(k, len) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i]) return -1;
        if (strlen(m->keys[i]) == len && memcmp(m->keys[i], k, len) == 0) return m->vals[i];
    }
}

static void map_put(sd_tok_map *m, const char *k, int v)
{
    if (m->n * 2 >= m->cap) return; /* sized up front; never reached with sane inputs */
    size_t len = strlen(k);
    for (size_t i = fnv(k, len) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i]) {
            m->keys[i] = strdup(k);
            m->vals[i] = v;
            m->n++;
            return;
        }
        if (strcmp(m->keys[i], k) == 0) return; /* first wins (lowest merge rank) */
    }
}

/* ---- byte <-> unicode table (spec 4.1) -------------------------------------------------- */
static void byte_char(int b, char out[3])
{
    int cp;
    if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255)) {
        cp = b;
    } else { /* the 68 others, in increasing order, map to 256, 257, ... */
        int k = 0;
        for (int x = 0; x < b; x++)
            if (!((x >= 33 && x <= 126) || (x >= 161 && x <= 172) || (x >= 174 && x <= 255))) k++;
        cp = 256 + k;
    }
    if (cp < 0x80) {
        out[0] = (char)cp;
        out[1] = 0;
    } else {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        out[2] = 0;
    }
}

static char g_bytechar[256][3];
static void init_bytes(void)
{
    if (g_bytechar['a'][0]) return;
    for (int b = 0; b < 256; b++) byte_char(b, g_bytechar[b]);
}

/* ---- loading ------------------------------------------------------------------------------ */
static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n < 0 || n > (64l << 20)) {
        fclose(f);
        snprintf(err, errlen, "%s: unreasonable size", path);
        return NULL;
    }
    char *buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = 0;
    fclose(f);
    return buf;
}

int sd_tok_load_files(sd_tokenizer *t, const char *vocab_json, const char *merges_txt,
                      const char *pad_token, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    init_bytes();
    size_t len;
    char *buf = slurp(vocab_json, &len, err, errlen);
    if (!buf) return -1;
    cJSON *v = cJSON_ParseWithLength(buf, len);
    free(buf);
    if (!cJSON_IsObject(v)) {
        snprintf(err, errlen, "%s: not a JSON object", vocab_json);
        cJSON_Delete(v);
        return -1;
    }
    t->vocab = map_new((size_t)cJSON_GetArraySize(v));
    cJSON *it;
    cJSON_ArrayForEach(it, v) if (cJSON_IsNumber(it)) map_put(t->vocab, it->string, it->valueint);
    cJSON_Delete(v);
    buf = slurp(merges_txt, &len, err, errlen);
    if (!buf) {
        sd_tok_free(t);
        return -1;
    }
    size_t lines = 1;
    for (size_t i = 0; i < len; i++) lines += buf[i] == '\n';
    t->merges = map_new(lines);
    int rank = 0;
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r') line[--l] = 0;
        if (strncmp(line, "#version", 8) == 0 || !strchr(line, ' ')) continue;
        map_put(t->merges, line, rank++);
    }
    free(buf);
    t->bos = map_get(t->vocab, "<|startoftext|>", 15);
    t->eos = map_get(t->vocab, "<|endoftext|>", 13);
    if (t->bos < 0 || t->eos < 0 || rank == 0) {
        snprintf(err, errlen, "%s / %s: no <|startoftext|>/<|endoftext|> or no merges", vocab_json,
                 merges_txt);
        sd_tok_free(t);
        return -1;
    }
    if (pad_token && strcmp(pad_token, "!") == 0) {
        t->bang_special = 1;
        t->pad = map_get(t->vocab, "!", 1);
    } else if (!pad_token || strcmp(pad_token, "<|endoftext|>") == 0) {
        t->pad = t->eos;
    } else {
        snprintf(err, errlen, "unsupported pad token \"%s\" (want <|endoftext|> or !)", pad_token);
        sd_tok_free(t);
        return -1;
    }
    return 0;
}

/* pad_token: a string or {"content": ...} */
static const char *pad_of(const cJSON *j)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "pad_token");
    if (cJSON_IsString(p)) return p->valuestring;
    if (cJSON_IsObject(p)) return sd_json_str(p, "content");
    return NULL;
}

int sd_tok_load(sd_tokenizer *t, const char *dir, char *err, size_t errlen)
{
    char vp[4096], mp[4096], sp[4096], cp[4096], e2[256];
    snprintf(vp, sizeof vp, "%s/vocab.json", dir);
    snprintf(mp, sizeof mp, "%s/merges.txt", dir);
    snprintf(sp, sizeof sp, "%s/special_tokens_map.json", dir);
    snprintf(cp, sizeof cp, "%s/tokenizer_config.json", dir);
    /* special_tokens_map.json wins over tokenizer_config.json (spec 1.6) */
    cJSON *s = sd_json_load(sp, e2, sizeof e2), *c = sd_json_load(cp, e2, sizeof e2);
    const char *pad = s ? pad_of(s) : NULL;
    if (!pad && c) pad = pad_of(c);
    if (!pad) pad = "<|endoftext|>";
    int rc = sd_tok_load_files(t, vp, mp, pad, err, errlen);
    cJSON_Delete(s);
    cJSON_Delete(c);
    return rc;
}

void sd_tok_free(sd_tokenizer *t)
{
    map_free(t->vocab);
    map_free(t->merges);
    memset(t, 0, sizeof *t);
}

/* ---- text cleaning (transformers' BasicTokenizer, no ftfy) ----------------------------- */
typedef struct cpbuf {
    int32_t *v;
    size_t n, cap;
} cpbuf;

static void push(cpbuf *b, int32_t c)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 64;
        b->v = realloc(b->v, b->cap * sizeof *b->v);
    }
    b->v[b->n++] = c;
}

static int is_cjk(int32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
           (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

static int is_space(int32_t c)
{
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return 1;
    utf8proc_category_t k = utf8proc_category(c);
    return k == UTF8PROC_CATEGORY_ZS || k == UTF8PROC_CATEGORY_ZL || k == UTF8PROC_CATEGORY_ZP;
}

static int is_letter(int32_t c)
{
    utf8proc_category_t k = utf8proc_category(c);
    return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO;
}

static int is_number(int32_t c)
{
    utf8proc_category_t k = utf8proc_category(c);
    return k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO;
}

/* Clean + CJK-split + NFC + lowercase one segment of raw UTF-8; result as code points with
 * single spaces between words. */
static void normalise(const char *s, size_t len, cpbuf *out)
{
    cpbuf a = {0};
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
        if (k <= 0) { /* invalid byte: dropped, like U+FFFD */
            i++;
            continue;
        }
        i += (size_t)k;
        if (c == 0 || c == 0xFFFD) continue;
        if (c == '\t' || c == '\n' || c == '\r' || is_space(c)) {
            push(&a, ' ');
            continue;
        }
        utf8proc_category_t cat = utf8proc_category(c);
        if (cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF || cat == UTF8PROC_CATEGORY_CN ||
            cat == UTF8PROC_CATEGORY_CO || cat == UTF8PROC_CATEGORY_CS)
            continue;
        if (is_cjk(c)) {
            push(&a, ' ');
            push(&a, c);
            push(&a, ' ');
        } else {
            push(&a, c);
        }
    }
    /* NFC via UTF-8 */
    utf8proc_uint8_t *u8 = malloc(a.n * 4 + 1);
    size_t n8 = 0;
    for (size_t i = 0; i < a.n; i++) n8 += (size_t)utf8proc_encode_char(a.v[i], u8 + n8);
    u8[n8] = 0;
    utf8proc_uint8_t *nfc = utf8proc_NFC(u8);
    free(u8);
    free(a.v);
    const utf8proc_uint8_t *p = nfc ? nfc : (const utf8proc_uint8_t *)"";
    size_t plen = strlen((const char *)p);
    int pending_space = 0;
    for (size_t i = 0; i < plen;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(plen - i), &c);
        if (k <= 0) {
            i++;
            continue;
        }
        i += (size_t)k;
        if (is_space(c)) {
            pending_space = out->n > 0;
            continue;
        }
        if (pending_space) push(out, ' ');
        pending_space = 0;
        push(out, utf8proc_tolower(c));
    }
    free(nfc);
}

/* ---- BPE ------------------------------------------------------------------------------------ */
typedef struct ids_out {
    int *ids;
    int max, n;
} ids_out;

static void emit(ids_out *o, int id)
{
    if (o->n < o->max) o->ids[o->n] = id;
    o->n++;
}

static void bpe_piece(const sd_tokenizer *t, const int32_t *cp, size_t n, ids_out *o)
{
    /* bytes of the piece -> byte-level characters; the last gets "</w>" */
    size_t nb = 0;
    uint8_t bytes[4096];
    for (size_t i = 0; i < n && nb + 4 < sizeof bytes; i++)
        nb += (size_t)utf8proc_encode_char(cp[i], bytes + nb);
    if (nb == 0) return;
    char **sym = malloc(nb * sizeof *sym);
    int ns = (int)nb;
    for (size_t i = 0; i < nb; i++) {
        sym[i] = malloc(8);
        snprintf(sym[i], 8, "%s%s", g_bytechar[bytes[i]], i + 1 == nb ? "</w>" : "");
    }
    char key[2048];
    for (;;) {
        int best = -1, bi = -1;
        for (int i = 0; i + 1 < ns; i++) {
            int l = snprintf(key, sizeof key, "%s %s", sym[i], sym[i + 1]);
            if (l <= 0 || (size_t)l >= sizeof key) continue;
            int r = map_get(t->merges, key, (size_t)l);
            if (r >= 0 && (best < 0 || r < best)) best = r, bi = i;
        }
        if (best < 0) break;
        /* merge every occurrence of that pair, left to right */
        char *a = strdup(sym[bi]), *b = strdup(sym[bi + 1]);
        int w = 0;
        for (int i = 0; i < ns;) {
            if (i + 1 < ns && strcmp(sym[i], a) == 0 && strcmp(sym[i + 1], b) == 0) {
                size_t la = strlen(sym[i]), lb = strlen(sym[i + 1]);
                char *m = malloc(la + lb + 1);
                memcpy(m, sym[i], la);
                memcpy(m + la, sym[i + 1], lb + 1);
                free(sym[i]);
                free(sym[i + 1]);
                sym[w++] = m;
                i += 2;
            } else {
                sym[w++] = sym[i++];
            }
        }
        ns = w;
        free(a);
        free(b);
    }
    for (int i = 0; i < ns; i++) {
        int id = map_get(t->vocab, sym[i], strlen(sym[i]));
        emit(o, id >= 0 ? id : t->eos); /* cannot happen with a CLIP vocabulary */
        free(sym[i]);
    }
    free(sym);
}

static const char *contractions[] = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};

static void encode_segment(const sd_tokenizer *t, const char *s, size_t len, ids_out *o)
{
    cpbuf b = {0};
    normalise(s, len, &b);
    size_t i = 0;
    while (i < b.n) {
        int32_t c = b.v[i];
        if (is_space(c)) {
            i++;
            continue;
        }
        size_t j = i;
        if (c == '\'') {
            for (size_t k = 0; k < 7; k++) {
                size_t cl = strlen(contractions[k]), m = 0;
                while (m < cl && i + m < b.n && b.v[i + m] == contractions[k][m]) m++;
                if (m == cl) {
                    j = i + cl;
                    break;
                }
            }
        }
        if (j == i) {
            if (is_letter(c)) {
                while (j < b.n && is_letter(b.v[j])) j++;
            } else if (is_number(c)) {
                j = i + 1;
            } else {
                while (j < b.n && !is_space(b.v[j]) && !is_letter(b.v[j]) && !is_number(b.v[j])) j++;
            }
        }
        bpe_piece(t, b.v + i, j - i, o);
        i = j;
    }
    free(b.v);
}

int sd_tok_encode(const sd_tokenizer *t, const char *text, int *ids, int max)
{
    ids_out o = {ids, max, 0};
    if (!text) return 0;
    size_t len = strlen(text), start = 0;
    static const char *sot = "<|startoftext|>", *eot = "<|endoftext|>";
    for (size_t i = 0; i <= len;) {
        int special = -1;
        size_t sl = 0;
        if (i < len && strncmp(text + i, sot, 15) == 0) special = t->bos, sl = 15;
        else if (i < len && strncmp(text + i, eot, 13) == 0) special = t->eos, sl = 13;
        else if (i < len && t->bang_special && text[i] == '!') special = t->pad, sl = 1;
        if (special >= 0 || i == len) {
            if (i > start) encode_segment(t, text + start, i - start, &o);
            if (special >= 0) emit(&o, special);
            i += sl ? sl : 1;
            start = i;
        } else {
            i++;
        }
    }
    return o.n;
}

void sd_tok_encode77(const sd_tokenizer *t, const char *text, int ids[SD_TOK_LEN])
{
    int n = sd_tok_encode(t, text, ids + 1, SD_TOK_LEN - 2);
    if (n > SD_TOK_LEN - 2) n = SD_TOK_LEN - 2;
    ids[0] = t->bos;
    ids[n + 1] = t->eos;
    for (int i = n + 2; i < SD_TOK_LEN; i++) ids[i] = t->pad;
}
