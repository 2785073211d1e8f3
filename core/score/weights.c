/* weights.c — write the weights file (see weights.h). */
#include "score/weights.h"
#include "score/file.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pc_weights_write(const char *path, const pc_scores *scores, uint64_t step, double time,
                     char *err, size_t errlen)
{
    size_t n = scores->n;
    double *w = malloc((n ? n : 1) * sizeof *w);
    cJSON *root = cJSON_CreateObject(), *uids, *hks, *ws;
    char *text = NULL;
    int rc = -1;
    if (!w || !root) goto oom;
    pc_scores_weights(scores, w);
    if (!cJSON_AddNumberToObject(root, "step", (double)step) ||
        !cJSON_AddNumberToObject(root, "time", time) ||
        !cJSON_AddNumberToObject(root, "n", (double)n) ||
        !(uids = cJSON_AddArrayToObject(root, "uids")) ||
        !(hks = cJSON_AddArrayToObject(root, "hotkeys")) ||
        !(ws = cJSON_AddArrayToObject(root, "weights")))
        goto oom;
    for (size_t u = 0; u < n; u++) {
        cJSON *a = cJSON_CreateNumber((double)u), *b = cJSON_CreateString(scores->hotkey[u]),
              *c = cJSON_CreateNumber(w[u]);
        int added = a && b && c;
        if (added) {
            cJSON_AddItemToArray(uids, a);
            cJSON_AddItemToArray(hks, b);
            cJSON_AddItemToArray(ws, c);
        } else {
            cJSON_Delete(a);
            cJSON_Delete(b);
            cJSON_Delete(c);
            goto oom;
        }
    }
    if (!(text = cJSON_PrintUnformatted(root))) goto oom;
    size_t len = strlen(text);
    text[len] = '\n'; /* overwrite the NUL: the file ends with a newline, length passed below */
    rc = pc_score_file_write(path, text, len + 1, 0, err, errlen);
    goto done;
oom:
    snprintf(err, errlen, "%s: out of memory", path);
done:
    cJSON_free(text);
    cJSON_Delete(root);
    free(w);
    return rc;
}
