// Typed, non-variadic wrappers over the libvips calls RefkitImaging uses.
// Swift cannot call C variadic functions, so each wrapper fixes one option
// list and hides the NULL terminator. Composition lives in Swift, not here.
#ifndef REFKIT_CVIPS_SHIM_H
#define REFKIT_CVIPS_SHIM_H

#include <vips/vips.h>


static inline int rk_vips_init(void) {
    int status = VIPS_INIT("refkit");
    /* Orc's run-time generated SIMD code crashed refkit-bench once in a liborc frame (Debian's
       orc 0.4.33) with many small pipelines running side by side; sharp and imagor disable it
       for the same reason. The C paths are used instead. */
    if (status == 0) vips_vector_set_enabled(FALSE);
    return status;
}

static inline const char *rk_vips_version_string(void) {
    return vips_version_string();
}

static inline GType rk_vips_interpretation_type(void) {
    return VIPS_TYPE_INTERPRETATION;
}

static inline GType rk_vips_band_format_type(void) {
    return VIPS_TYPE_BAND_FORMAT;
}

// MARK: loading

static void rk_vips_free_copy(VipsImage *image, gpointer data) {
    (void)image;
    g_free(data);
}

/// Loads from a private copy of `buf`; the copy is freed when the image closes.
/// vips_image_new_from_buffer does not copy and decodes lazily, so the bytes
/// must outlive every image derived from the result: tying them to the image
/// makes that automatic.
static inline VipsImage *rk_vips_load_buffer_copy(const void *buf, size_t len,
                                                  int fail_on_warning, int sequential) {
    void *copy = g_memdup2(buf, len);
    VipsImage *image = vips_image_new_from_buffer(copy, len, "",
        "fail_on", fail_on_warning ? VIPS_FAIL_ON_WARNING : VIPS_FAIL_ON_NONE,
        "access", sequential ? VIPS_ACCESS_SEQUENTIAL : VIPS_ACCESS_RANDOM,
        NULL);
    if (image == NULL) {
        g_free(copy);
        return NULL;
    }
    g_signal_connect(image, "postclose", G_CALLBACK(rk_vips_free_copy), copy);
    return image;
}

/// Shrink-on-load thumbnail from a private copy of `buf` (autorot included).
/// `size` is a VipsSize, `crop` a VipsInteresting.
static inline VipsImage *rk_vips_thumbnail_buffer_copy(const void *buf, size_t len,
                                                       int width, int height,
                                                       int size, int crop,
                                                       int fail_on_warning) {
    void *copy = g_memdup2(buf, len);
    VipsImage *out = NULL;
    if (vips_thumbnail_buffer(copy, len, &out, width,
            "height", height,
            "size", (VipsSize)size,
            "crop", (VipsInteresting)crop,
            // thumbnail_buffer's own "fail_on" argument does not reach the loader in
            // 8.14 (a truncated JPEG still thumbnails); the loader option string does.
            "option_string", fail_on_warning ? "fail_on=warning" : "",
            // No "export_profile": in 8.14 it shifts untagged sRGB input by ~5 levels.
            // Embedded profiles are handled afterwards with rk_vips_icc_transform.
            NULL)) {
        g_free(copy);
        return NULL;
    }
    g_signal_connect(out, "postclose", G_CALLBACK(rk_vips_free_copy), copy);
    return out;
}

// MARK: pixel operations

static inline int rk_vips_autorot(VipsImage *in, VipsImage **out) {
    return vips_autorot(in, out, NULL);
}

static inline int rk_vips_colourspace(VipsImage *in, VipsImage **out, int space) {
    return vips_colourspace(in, out, (VipsInterpretation)space, NULL);
}

static inline int rk_vips_flatten_rgb(VipsImage *in, VipsImage **out,
                                      double r, double g, double b) {
    VipsArrayDouble *background = vips_array_double_newv(3, r, g, b);
    int result = vips_flatten(in, out, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return result;
}

/// Converts through ICC profiles to `output_profile` (a path or built-in "srgb", "p3",
/// "cmyk"); with `embedded`, the image's own profile is the source, else sRGB.
static inline int rk_vips_icc_transform(VipsImage *in, VipsImage **out,
                                        const char *output_profile, int embedded) {
    return vips_icc_transform(in, out, output_profile, "input_profile", "srgb",
                              "embedded", embedded ? TRUE : FALSE, NULL);
}

static inline int rk_vips_cast(VipsImage *in, VipsImage **out, int format) {
    return vips_cast(in, out, (VipsBandFormat)format, NULL);
}

static inline int rk_vips_copy_interpretation(VipsImage *in, VipsImage **out, int space) {
    return vips_copy(in, out, "interpretation", (VipsInterpretation)space, NULL);
}

static inline int rk_vips_copy(VipsImage *in, VipsImage **out) {
    return vips_copy(in, out, NULL);
}

static inline int rk_vips_black(VipsImage **out, int width, int height, int bands) {
    return vips_black(out, width, height, "bands", bands, NULL);
}

static inline int rk_vips_xyz(VipsImage **out, int width, int height) {
    return vips_xyz(out, width, height, NULL);
}

static inline int rk_vips_linear(VipsImage *in, VipsImage **out,
                                 const double *a, const double *b, int n) {
    return vips_linear(in, out, a, b, n, NULL);
}

static inline int rk_vips_bandjoin_const1(VipsImage *in, VipsImage **out, double c) {
    return vips_bandjoin_const1(in, out, c, NULL);
}

static inline int rk_vips_extract_area(VipsImage *in, VipsImage **out,
                                       int left, int top, int width, int height) {
    return vips_extract_area(in, out, left, top, width, height, NULL);
}

static inline int rk_vips_avg(VipsImage *in, double *out) {
    return vips_avg(in, out, NULL);
}

/// Renders Pango markup to a one-band uchar mask. `height` > 0 asks vips to
/// search for the dpi that fits width x height; otherwise `dpi` is used.
/// A one-band uchar image copied from memory (refkit's own text rendering).
static inline int rk_vips_mask_from_memory(VipsImage **out, const void *data, size_t size, int width, int height) {
    *out = vips_image_new_from_memory_copy(data, size, width, height, 1, VIPS_FORMAT_UCHAR);
    return *out ? 0 : -1;
}

static inline int rk_vips_resize(VipsImage *in, VipsImage **out, double scale) {
    return vips_resize(in, out, scale, NULL);
}

static inline int rk_vips_resize_xy(VipsImage *in, VipsImage **out, double hscale, double vscale) {
    return vips_resize(in, out, hscale, "vscale", vscale, NULL);
}


// MARK: drawing (in place, on a private memory image)

static inline int rk_vips_draw_rect(VipsImage *image, const double *ink, int n,
                                    int left, int top, int width, int height) {
    return vips_draw_rect(image, (double *)ink, n, left, top, width, height,
                          "fill", TRUE, NULL);
}

static inline int rk_vips_draw_circle(VipsImage *image, const double *ink, int n,
                                      int cx, int cy, int radius) {
    return vips_draw_circle(image, (double *)ink, n, cx, cy, radius, "fill", TRUE, NULL);
}

static inline int rk_vips_draw_image(VipsImage *image, VipsImage *sub, int x, int y) {
    return vips_draw_image(image, sub, x, y, NULL);
}

static inline int rk_vips_draw_mask(VipsImage *image, const double *ink, int n,
                                    VipsImage *mask, int x, int y) {
    return vips_draw_mask(image, (double *)ink, n, mask, x, y, NULL);
}

// MARK: saving (buffers are g_malloc'd: release with g_free)

static inline int rk_vips_jpegsave_buffer(VipsImage *in, void **buf, size_t *len,
                                          int quality, int strip) {
    return vips_jpegsave_buffer(in, buf, len, "Q", quality, "strip", strip,
                                "optimize_coding", TRUE, NULL);
}

static inline int rk_vips_pngsave_buffer(VipsImage *in, void **buf, size_t *len,
                                         int compression, int strip) {
    return vips_pngsave_buffer(in, buf, len, "compression", compression,
                               "strip", strip, NULL);
}

static inline int rk_vips_webpsave_buffer(VipsImage *in, void **buf, size_t *len,
                                          int quality, int strip) {
    return vips_webpsave_buffer(in, buf, len, "Q", quality, "strip", strip, NULL);
}

/// `compression` is a VipsForeignHeifCompression (HEVC for .heic, AV1 for .avif).
static inline int rk_vips_heifsave_buffer(VipsImage *in, void **buf, size_t *len,
                                          int quality, int compression, int strip) {
    return vips_heifsave_buffer(in, buf, len, "Q", quality,
                                "compression", (VipsForeignHeifCompression)compression,
                                "strip", strip, NULL);
}

static inline int rk_vips_gifsave_buffer(VipsImage *in, void **buf, size_t *len, int strip) {
    return vips_gifsave_buffer(in, buf, len, "strip", strip, NULL);
}

// Fingerprints (QA, issue 15): per-band statistics for image health, and the horizontal flip
// the mirror tests and their fixtures need.

/// A double image, 10 columns (min, max, sum, sum of squares, mean, deviation, x/y of min and
/// max) by 1 + bands rows: row 0 covers all bands, row N band N-1.
static inline int rk_vips_stats(VipsImage *in, VipsImage **out) {
    return vips_stats(in, out, NULL);
}

/// A box-filter shrink by the integer parts, then a reduce by what remains (under 2x, on a
/// small image): the fingerprint thumbnails. vips_resize's lanczos reduce on the large image
/// cost 15-130 ms a 1024 px image with Orc off; this costs a few.
static inline int rk_vips_shrink(VipsImage *in, VipsImage **out, double hshrink, double vshrink) {
    return vips_shrink(in, out, hshrink, vshrink, NULL);
}

static inline int rk_vips_flip_horizontal(VipsImage *in, VipsImage **out) {
    return vips_flip(in, out, VIPS_DIRECTION_HORIZONTAL, NULL);
}

#endif
