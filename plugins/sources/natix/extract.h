/* extract.h — nx_extract: random rows of one dataset Parquet file -> image files + sidecars.
 *
 * Like the upstream extractor (natix-data.md 1.5) but without re-encoding: the image bytes are
 * stored as they are. The image column is the first top-level column whose name contains
 * "image" (its "bytes" child when it is a struct); every other top-level scalar column goes into
 * the sidecar, after source_parquet, original_index, image_format, image_size, image_mode.
 * Rows whose label is not 0/1, whose label and scene_description disagree, or whose bytes are
 * null or not a whole JPEG/PNG are skipped, counted and logged (DEBUG). Strings are written as
 * Python's json writes them (a U+0000 becomes \u0000). Stems are "<parquet stem>__image_<row>". */
#ifndef NATIX_EXTRACT_H
#define NATIX_EXTRACT_H

#include "parquet.h"
#include "proctor.h"

#include <stddef.h>
#include <stdint.h>

typedef struct nx_sink {
    proctor_status (*put)(void *user, const char *stem, const void *bytes, size_t len, const char *sidecar_json);
    int (*has)(void *user, const char *stem);                          /* optional */
    proctor_image_format (*sniff)(const void *bytes, size_t len);      /* optional: magic bytes */
    uint64_t (*random)(void *user);
    int (*cancelled)(void *user);                                      /* optional */
    void *user;
    const pq_limits *limits;                                           /* optional: reader limits */
    /* optional: every refused row is told here at DEBUG with its file, row and reason */
    void (*log)(void *user, proctor_log_level level, const char *msg);
} nx_sink;

typedef struct nx_extract_stats {
    unsigned picked;       /* rows drawn */
    unsigned written;      /* items stored */
    unsigned already;      /* stem already in the cache */
    unsigned inconsistent; /* label and scene_description disagree */
    unsigned bad_label;    /* label null or not 0/1, or scene_description not text */
    unsigned null_image;   /* image or its bytes null */
    unsigned not_image;    /* bytes are not a JPEG/PNG */
    unsigned put_failed;   /* the sink refused the item */
} nx_extract_stats;

/* want = rows to draw (all rows when the file has fewer; 0 = all rows). Returns PROCTOR_OK, or
 * an error status with one line in err (a corrupt file is PROCTOR_INVALID). Adds to *st. */
proctor_status nx_extract(const char *parquet_path, size_t want, const nx_sink *sink,
                          nx_extract_stats *st, char *err, size_t errlen);

#endif
