/* status_extra.c — see status_extra.h. */
#include "cli/status_extra.h"
#include "crypto/wallet.h"
#include "base/fsutil.h"
#include "config/settings.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void print_wallet(const pc_pipeline *p, FILE *out)
{
    const char *file = p->cfg.wallet.path;
    fprintf(out, "\nwallet:\n");
    if (!file) {
        fprintf(out, "  none configured: requests go out unsigned (fine for local miners; real axons "
                     "answer 401). Set wallet.name/hotkey or wallet.path.\n");
        return;
    }
    char err[512];
    pc_wallet w;
    if (pc_wallet_load(file, p->cfg.wallet.allow_insecure, &w, err, sizeof err) != 0) {
        fprintf(out, "  NOT LOADED: %s\n", err);
        return;
    }
    fprintf(out, "  hotkey %s (loaded from %s)\n", w.ss58, file);
    pc_wallet_wipe(&w);
}

/* The last few audit lines: when, what kind, how many answered. No labels. */
static void print_last_challenges(const char *state_dir, FILE *out)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/audit.jsonl", state_dir);
    FILE *f = fopen(path, "rb");
    fprintf(out, "\nlast challenges (%s):\n", path);
    if (!f) {
        fprintf(out, "  none yet\n");
        return;
    }
    /* read the tail only: audit logs grow without bound */
    fseek(f, 0, SEEK_END);
    long size = ftell(f), start = size > 65536 ? size - 65536 : 0;
    fseek(f, start, SEEK_SET);
    char *buf = calloc(1, (size_t)(size - start) + 1);
    size_t n = buf ? fread(buf, 1, (size_t)(size - start), f) : 0;
    fclose(f);
    if (!buf) return;
    buf[n] = 0;
    char *lines[5] = {0};
    int count = 0;
    for (char *save = NULL, *l = strtok_r(start ? strchr(buf, '\n') : buf, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        for (int i = 0; i < 4; i++) lines[i] = lines[i + 1];
        lines[4] = l;
        count++;
    }
    if (!count) fprintf(out, "  none yet\n");
    for (int i = 0; i < 5; i++) {
        if (!lines[i]) continue;
        cJSON *doc = cJSON_Parse(lines[i]);
        if (!doc) continue;
        const cJSON *id = cJSON_GetObjectItem(doc, "id"), *t = cJSON_GetObjectItem(doc, "time");
        const cJSON *kind = cJSON_GetObjectItem(doc, "kind"), *drawn = cJSON_GetObjectItem(doc, "drawn");
        const cJSON *miners = cJSON_GetObjectItem(doc, "miners");
        char when[32] = "?";
        if (cJSON_IsNumber(t)) {
            time_t tt = (time_t)t->valuedouble;
            struct tm tm;
            localtime_r(&tt, &tm);
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        }
        if (cJSON_IsTrue(cJSON_GetObjectItem(doc, "skipped"))) {
            fprintf(out, "  #%-6.0f %s  SKIPPED (%s cache had no image to serve)\n",
                    cJSON_IsNumber(id) ? id->valuedouble : 0, when,
                    cJSON_IsString(drawn) ? drawn->valuestring : "?");
        } else {
            int asked = cJSON_GetArraySize(miners), answered = 0;
            const cJSON *m;
            cJSON_ArrayForEach(m, miners)
            {
                const cJSON *pr = cJSON_GetObjectItem(m, "prediction");
                if (cJSON_IsNumber(pr) && pr->valuedouble >= 0 && pr->valuedouble <= 1) answered++; /* valid answers, as the loop counts */
            }
            fprintf(out, "  #%-6.0f %s  %-4s image, %d/%d miners answered\n",
                    cJSON_IsNumber(id) ? id->valuedouble : 0, when,
                    cJSON_IsString(kind) ? kind->valuestring : "?", answered, asked);
        }
        cJSON_Delete(doc);
    }
    free(buf);
}

void pc_status_extra(const pc_pipeline *p, const char *state_dir, FILE *out)
{
    print_last_challenges(state_dir, out);
    print_wallet(p, out);
}
