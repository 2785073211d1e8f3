/* audit_json.h — numbers in the audit log that read back bit for bit, as in state.json. */
#ifndef PC_RUN_AUDIT_JSON_H
#define PC_RUN_AUDIT_JSON_H

#include <cjson/cJSON.h>

/* JSON text of v: the shortest %.15g/%.16g/%.17g that round-trips; "nan", "inf", "-inf" as
 * strings (JSON has no such numbers; state.json writes them the same way). */
void pc_exact_number(double v, char out[32]);
/* Replace every number below node (recursively) by its exact raw text. 0, -1 out of memory. */
int pc_json_exact_numbers(cJSON *node);

#endif
