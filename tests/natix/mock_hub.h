/* mock_hub.h — a loopback stand-in for the Hugging Face Hub (libmicrohttpd), for the natix tests.
 *
 * The "hub" listens on 127.0.0.1 and answers the tree API (two pages joined by a Link header,
 * X-Repo-Commit) and /resolve/ (302 + X-Linked-Size/-Etag to the "CDN"). The "CDN" listens on
 * 127.0.0.2 — another host as far as any client can tell — and serves bytes with Range/206.
 * Per-file misbehaviour: 429 with Retry-After, 503s, a connection cut mid-body, a 200 to a
 * ranged request, a listed sha256 that does not match, 404. It records what it saw, including
 * every Authorization header that reached the CDN (which must never happen). */
#ifndef NATIX_MOCK_HUB_H
#define NATIX_MOCK_HUB_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mock_file {
    const char *path;      /* repo path, e.g. "data/train-00000-of-00002.parquet" */
    unsigned char *data;   /* owned by the caller */
    size_t len;
    char sha256[65];       /* what the listing says (set by mock_file_hash; tests may spoil it) */
    int rate_limit;        /* answer 429 (Retry-After: 1) to this many resolves first */
    int ratelimit_header;  /* use "RateLimit: ...;r=0;t=0" instead of Retry-After */
    int unavailable;       /* answer 503 to this many resolves first */
    int cut;               /* cut the connection half way through this many CDN bodies */
    int ignore_range;      /* answer 200 (whole file) to this many ranged CDN requests */
    int gone;              /* resolve answers 404 EntryNotFound */
    /* observed */
    int resolves, cdn_gets, ranged_gets;
    long long last_range;  /* start of the last Range seen at the CDN, -1 none */
} mock_file;

typedef struct mock_hub {
    struct MHD_Daemon *hub, *cdn;
    int hub_port, cdn_port;
    char endpoint[64];     /* http://127.0.0.1:port */
    const char *repo;      /* "org/name" */
    const char *token;     /* the token the hub expects; NULL = none */
    mock_file *files;
    size_t nfiles;
    int evil_next;         /* page 1's Link points at the CDN host */
    int model;             /* a model repo: /api/models/<repo>/tree, /<repo>/resolve/ */
    const char *extra_entries; /* raw JSON objects appended to page 1 (e.g. unsafe paths) */
    int need_auth;         /* answer 401 GatedRepo unless the right token came */
    const char *commit;    /* X-Repo-Commit; NULL = a fixed one */
    pthread_mutex_t mu;
    /* observed */
    int listing_requests, hub_auth_ok, hub_auth_bad, cdn_auth_seen;
} mock_hub;

void mock_file_hash(mock_file *f);
/* 0 on success; -1 (with a reason on stderr) when a loopback socket cannot be had. */
int mock_hub_start(mock_hub *m);
void mock_hub_stop(mock_hub *m);

#endif
