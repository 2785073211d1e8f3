/* prompts.h — the NATIX StreetVision validator's prompt strings (upstream
 * natix/validator/config.py and synthetic_data_generator.py), for the core's generator worker.
 *
 * Upstream appends a label-dependent suffix to the image caption before generation, and passes
 * a negative prompt per task. Both negative prompts exceed 77 CLIP tokens, so the tokenizer
 * keeps the same first 75 tokens of each (they share that prefix): they give identical
 * embeddings. The negative prompts are the ones in the project's diffusion fixtures
 * (shared/fixtures/diffusion); the suffixes are upstream's caption enhancement. */
#ifndef SD_PROMPTS_H
#define SD_PROMPTS_H

/* t2i negative prompt (StableDiffusionXLPipeline, guidance 8, 25 steps). */
#define SD_NATIX_NEGATIVE_T2I                                                                   \
    "cartoon, anime, painting, drawing, artistic, stylized, illustration, sketch, unrealistic, " \
    "fake, artificial, 3d render, cgi, video game, fantasy, sci-fi, aerial view, bird's eye "    \
    "view, satellite view, drone footage, helicopter view, top-down view, security camera, "     \
    "cctv, surveillance camera, indoor scene, interior, portrait, face, person close-up, "       \
    "selfie, vibrant colors, oversaturated, neon, glowing, night vision, thermal imaging, "      \
    "fisheye lens, wide angle distortion, motion blur, blurry, out of focus, unfocused, soft "   \
    "focus, speed blur, camera shake, movement blur"

/* i2i negative prompt (StableDiffusionXLImg2ImgPipeline, strength 0.7): the t2i one without
 * its blur terms. */
#define SD_NATIX_NEGATIVE_I2I                                                                   \
    "cartoon, anime, painting, drawing, artistic, stylized, illustration, sketch, unrealistic, " \
    "fake, artificial, 3d render, cgi, video game, fantasy, sci-fi, aerial view, bird's eye "    \
    "view, satellite view, drone footage, helicopter view, top-down view, security camera, "     \
    "cctv, surveillance camera, indoor scene, interior, portrait, face, person close-up, "       \
    "selfie, vibrant colors, oversaturated, neon, glowing, night vision, thermal imaging, "      \
    "fisheye lens, wide angle distortion"

/* Appended (after ", ") to the caption: label 1 (roadwork) and label 0 (no roadwork). */
#define SD_NATIX_SUFFIX_LABEL1                                                                  \
    "dashcam footage, car dashboard camera view, driver's perspective, realistic road scene "    \
    "with construction work, roadwork signs, traffic cones, construction barriers, natural "     \
    "daylight, automotive photography, street level view"
#define SD_NATIX_SUFFIX_LABEL0                                                                  \
    "dashcam footage, car dashboard camera view, driver's perspective, realistic road scene, "  \
    "clear road, normal traffic, natural daylight, automotive photography, street level view"

#endif
