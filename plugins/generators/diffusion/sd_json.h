/* sd_json.h — reading diffusers/transformers config.json files with cJSON: typed getters
 * with defaults, and "int or per-level list" fields. Errors go to err with the file name. */
#ifndef SD_JSON_H
#define SD_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Parse a JSON file (at most 64 MiB); NULL + err on failure (missing file, bad JSON). */
cJSON *sd_json_load(const char *path, char *err, size_t errlen);
/* Numbers: missing or null -> def. */
double sd_json_num(const cJSON *o, const char *key, double def);
int sd_json_bool(const cJSON *o, const char *key, int def);
/* String or NULL (missing / null / not a string). */
const char *sd_json_str(const cJSON *o, const char *key);
int sd_json_is_null(const cJSON *o, const char *key); /* missing or null */
/* An int or a list of ints, expanded to n entries. -1 when missing/null (out untouched),
 * -2 when malformed or a list of the wrong length, else 0. */
int sd_json_ints(const cJSON *o, const char *key, int n, int *out);
/* A list of strings or ints: its length (max cap), -1 if not a list. */
int sd_json_list_len(const cJSON *o, const char *key);

#endif
