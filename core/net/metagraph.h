/* metagraph.h — the miners a validator can query, loaded from a local JSON or YAML file or fed
 * one entry at a time (the pipeline's inline list), plus the upstream eligibility rule.
 *
 * File format (JSON or YAML): a top-level list of neurons, or a map with a "neurons" list.
 * Each neuron is a map:
 *     uid: 3                      required, 0..65535, unique
 *     hotkey: 5F...               required, an SS58 address (checksum verified)
 *     ip: 203.0.113.7             IPv4 or IPv6 literal ("[::1]" accepted); default 0.0.0.0
 *     port: 8091                  0..65535; default 0
 *     stake: 1234.5               TAO, finite, >= 0; default 0
 *     validator_permit: false     default false
 * Other keys (coldkey, trust, ...) are ignored so that metagraph dumps load as they are.
 * A neuron is serving unless its ip is 0.0.0.0 (or ::), as the SDK's AxonInfo.is_serving:
 * port 0 is serving, is dealt, and fails like any miner that cannot be reached. */
#ifndef PC_NET_METAGRAPH_H
#define PC_NET_METAGRAPH_H

#include <stdbool.h>
#include <stddef.h>

#define PC_VPERMIT_TAO_LIMIT 40096.0 /* upstream neuron.vpermit_tao_limit */
#define PC_HOTKEY_MAX 64
#define PC_IP_MAX 46 /* INET6_ADDRSTRLEN */

typedef struct pc_neuron {
    int uid;
    char hotkey[PC_HOTKEY_MAX + 1];
    char ip[PC_IP_MAX]; /* canonical text form, never bracketed */
    int port;
    double stake; /* TAO */
    bool validator_permit;
    bool serving;
} pc_neuron;

typedef struct pc_metagraph {
    pc_neuron *neurons; /* in the order added */
    size_t count, cap;
} pc_metagraph;

void pc_metagraph_init(pc_metagraph *m);
void pc_metagraph_free(pc_metagraph *m);
/* dst (initialised or not) becomes a copy of src. 0, or -1 when out of memory (dst empty). */
int pc_metagraph_copy(pc_metagraph *dst, const pc_metagraph *src);

/* Validate and append one neuron (strings copied). Returns 0, or -1 with one line in err. */
int pc_metagraph_add(pc_metagraph *m, int uid, const char *hotkey, const char *ip, int port,
                     double stake, bool validator_permit, char *err, size_t errlen);

/* Append every neuron of a file. ".json" files go through cJSON, anything else through libyaml
 * (errors name file:line). Returns 0, or -1 with err; on error nothing is appended. */
int pc_metagraph_load(pc_metagraph *m, const char *path, char *err, size_t errlen);
/* The same from text in memory; `name` is used in messages. */
int pc_metagraph_load_json(pc_metagraph *m, const char *text, size_t len, const char *name,
                           char *err, size_t errlen);
int pc_metagraph_load_yaml(pc_metagraph *m, const char *text, size_t len, const char *name,
                           char *err, size_t errlen);

const pc_neuron *pc_metagraph_find(const pc_metagraph *m, int uid);

/* Upstream rule (NATIX get_random_uids): the axon serves, and the neuron is not a validator,
 * i.e. not (validator_permit and stake > vpermit_tao_limit). */
bool pc_metagraph_eligible(const pc_neuron *n, double vpermit_tao_limit);
/* Uids of eligible neurons in metagraph order into out (room for m->count); returns how many. */
size_t pc_metagraph_eligible_uids(const pc_metagraph *m, double vpermit_tao_limit, int *out);

#endif
