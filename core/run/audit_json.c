/* audit_json.c — see audit_json.h. */
#include "run/audit_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void pc_exact_number(double v, char out[32])
{
    if (isnan(v)) {
        snprintf(out, 32, "\"nan\"");
        return;
    }
    if (isinf(v)) {
        snprintf(out, 32, v > 0 ? "\"inf\"" : "\"-inf\"");
        return;
    }
    /* the shortest of %.15g .. %.17g that reads back bit for bit (%.17g always does) */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, v);
        if (strtod(out, NULL) == v) return;
    }
}

/* cJSON prints numbers with %1.15g and accepts that when it reads back within an epsilon, so
 * 0.5000000000000001 becomes 0.5: replace every number by raw text that round-trips. */
int pc_json_exact_numbers(cJSON *node)
{
    for (cJSON *c = node ? node->child : NULL; c; c = c->next) {
        if (cJSON_IsNumber(c)) {
            char text[32];
            pc_exact_number(c->valuedouble, text);
            cJSON *raw = cJSON_CreateRaw(text);
            if (!raw) return -1;
            /* the key moves to the new item (ReplaceItemViaPointer keeps the new item's) */
            raw->string = c->string;
            raw->type |= c->type & cJSON_StringIsConst;
            c->string = NULL;
            cJSON_ReplaceItemViaPointer(node, c, raw); /* cannot fail: c is node's child */
            c = raw;
        } else if (pc_json_exact_numbers(c) != 0) {
            return -1;
        }
    }
    return 0;
}
