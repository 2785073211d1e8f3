/* cmd_generate.c — `proctor generate`: one image from a generator plugin, for trying a model by
 * hand (progress per step comes from the plugin through host->progress). */
#include "cli/cli.h"
#include "base/fsutil.h"
#include "plugin/host.h"
#include "image/image.h"
#include "plugin/instance.h"
#include "base/log.h"
#include "run/prompts.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: proctor generate [--plugin diffusion] [--model DIR] --prompt TEXT -o OUT.png\n"
            "                        [--task t2i|i2i] [--image IN] [--negative TEXT] [--label 0|1]\n"
            "                        [--width W] [--height H] [--steps N] [--guidance G]\n"
            "                        [--strength S] [--seed N] [--set key=value ...]\n"
            "Runs one generation with a generator plugin (default: diffusion, which needs --model,\n"
            "a diffusers folder) and writes a PNG. --set passes any other plugin key.\n");
}

int pc_cmd_generate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"plugin", required_argument, 0, 'P'}, {"model", required_argument, 0, 'm'},
        {"task", required_argument, 0, 't'},   {"prompt", required_argument, 0, 'p'},
        {"negative", required_argument, 0, 'N'}, {"image", required_argument, 0, 'i'},
        {"output", required_argument, 0, 'o'}, {"width", required_argument, 0, 'W'},
        {"height", required_argument, 0, 'H'}, {"steps", required_argument, 0, 's'},
        {"guidance", required_argument, 0, 'g'}, {"strength", required_argument, 0, 'S'},
        {"seed", required_argument, 0, 'r'},   {"label", required_argument, 0, 'l'},
        {"set", required_argument, 0, 'x'},    {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *plugin = "diffusion", *model = NULL, *task = "t2i", *prompt = NULL, *image = NULL,
               *output = NULL, *negative = NULL;
    int width = 512, height = 512, steps = 25, label = 1;
    double guidance = 8.0, strength = 0.7;
    unsigned long long seed = 0;
    char yaml[8192];
    size_t ylen = 0;
    yaml[0] = 0;
    for (int c; (c = getopt_long(argc, argv, "m:t:p:i:o:h", opts, NULL)) != -1;) {
        switch (c) {
        case 'P': plugin = optarg; break;
        case 'm': model = optarg; break;
        case 't': task = optarg; break;
        case 'p': prompt = optarg; break;
        case 'N': negative = optarg; break;
        case 'i': image = optarg; break;
        case 'o': output = optarg; break;
        case 'W': width = atoi(optarg); break;
        case 'H': height = atoi(optarg); break;
        case 's': steps = atoi(optarg); break;
        case 'g': guidance = atof(optarg); break;
        case 'S': strength = atof(optarg); break;
        case 'r': seed = strtoull(optarg, NULL, 10); break;
        case 'l': label = atoi(optarg); break;
        case 'x': {
            const char *eq = strchr(optarg, '=');
            if (!eq) {
                fprintf(stderr, "proctor generate: --set wants key=value\n");
                return PC_EXIT_USAGE;
            }
            ylen += (size_t)snprintf(yaml + ylen, sizeof yaml - ylen, "    %.*s: \"%s\"\n",
                                     (int)(eq - optarg), optarg, eq + 1);
            break;
        }
        case 'h': usage(stdout); return PC_EXIT_OK;
        default: usage(stderr); return PC_EXIT_USAGE;
        }
    }
    if (!prompt || !output || (strcmp(task, "t2i") && strcmp(task, "i2i")) ||
        (!strcmp(task, "i2i") && !image)) {
        usage(stderr);
        return PC_EXIT_USAGE;
    }
    /* a one-instance pipeline, so keys are validated exactly as in pipeline.yaml */
    char text[12000];
    snprintf(text, sizeof text, "generators:\n  - name: cli\n    plugin: \"%s\"\n%s%s%s%s", plugin,
             model ? "    model: \"" : "", model ? model : "", model ? "\"\n" : "", yaml);
    pc_registry reg;
    pc_registry_init(&reg);
    pc_pipeline p;
    char err[2048];
    if (pc_pipeline_load_string(&p, text, "<command line>", &reg, err, sizeof err) != 0) {
        fprintf(stderr, "proctor generate: %s\n", err);
        pc_registry_free(&reg);
        return PC_EXIT_USAGE;
    }
    pc_cli_install_signals();
    pc_live gen;
    int rc = PC_EXIT_RUNTIME;
    proctor_image init = {0};
    proctor_generate_result res = {.size = sizeof res};
    if (pc_live_create(&gen, &p.instances[0], NULL, &pc_stop_requested, err, sizeof err) != PROCTOR_OK) {
        fprintf(stderr, "proctor generate: %s\n", err);
        goto out;
    }
    if (image) {
        size_t len = 0;
        char *bytes = pc_read_file(image, 256u << 20, &len);
        proctor_image full = {0};
        if (!bytes || pc_image_decode(bytes, len, 0, &full, NULL, err, sizeof err) != PROCTOR_OK ||
            pc_image_resize(&full, width, height, &init, err, sizeof err) != PROCTOR_OK) {
            fprintf(stderr, "proctor generate: %s: %s\n", image, bytes ? err : "cannot read");
            free(bytes);
            pc_image_free(&full);
            goto destroy;
        }
        free(bytes);
        pc_image_free(&full);
    }
    proctor_generate_request req = {
        .size = sizeof req, .task = strcmp(task, "i2i") ? PROCTOR_TASK_T2I : PROCTOR_TASK_I2I,
        .label = label, .prompt = prompt, .negative_prompt = negative ? negative : pc_negative_prompt_for(strcmp(task, "i2i") ? PROCTOR_TASK_T2I : PROCTOR_TASK_I2I),
        .init_image = image ? &init : NULL, .strength = strength, .width = width, .height = height,
        .steps = steps, .guidance = guidance, .seed = seed ? seed : (uint64_t)time(NULL)};
    if (pc_image_alloc(&res.image, width, height, 3, err, sizeof err) != PROCTOR_OK) {
        fprintf(stderr, "proctor generate: %s\n", err);
        goto destroy;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    proctor_status st = pc_live_generate(&gen, &req, &res);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st != PROCTOR_OK) {
        fprintf(stderr, "proctor generate: %s\n", pc_live_error(&gen, st));
        goto destroy;
    }
    void *png = NULL;
    size_t png_len = 0;
    if (pc_image_encode(&res.image, PROCTOR_FORMAT_PNG, 0, &png, &png_len, err, sizeof err) != PROCTOR_OK ||
        pc_write_atomic(output, png, png_len, err, sizeof err) != 0) {
        fprintf(stderr, "proctor generate: %s\n", err);
        free(png);
        goto destroy;
    }
    free(png);
    pc_info("wrote %s (%dx%d, %s, seed %llu, %.2fs)", output, width, height, res.model[0] ? res.model : plugin,
            (unsigned long long)req.seed, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
    rc = PC_EXIT_OK;
destroy:
    pc_live_destroy(&gen);
out:
    pc_image_free(&init);
    pc_image_free(&res.image);
    pc_pipeline_free(&p);
    pc_registry_free(&reg);
    return rc;
}
