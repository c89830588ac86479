// A C view of dlib's face pipeline (HOG detector, 5-point landmarks, ResNet embedding) for Swift.
// Pixels come in decoded (RGB8): dlib never opens files. Every C++ exception stops at this boundary
// and comes back as an error string. A handle is NOT thread-safe: one thread at a time may call
// rf_analyze on it (dlib's detector and network keep scratch buffers); a second concurrent caller
// gets an error instead of corrupting the first. Set OPENBLAS_NUM_THREADS=1 in the process before
// loading: the embedding's BLAS calls otherwise spawn a thread per core.
#ifndef REFKIT_RF_FACES_H
#define REFKIT_RF_FACES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Length of a face embedding (dlib_face_recognition_resnet_model_v1).
#define RF_EMBEDDING_LENGTH 128
/// Number of landmarks of the 5-point shape predictor.
#define RF_LANDMARK_COUNT 5

/// Loaded models; opaque.
typedef struct rf_handle rf_handle;

/// What rf_analyze should do.
typedef struct rf_options {
    /// Times the image is doubled before detection (0 or 1): 1 finds faces down to about 40 px, at ~3x the time.
    int32_t upsample;
    /// Non-zero: compute the 128-float embedding of every face returned.
    int32_t want_embeddings;
    /// Lowest detector score kept; 0 is dlib's own threshold, negative values keep weaker candidates.
    double min_score;
} rf_options;

/// One detected face, in the coordinates of the pixels given.
typedef struct rf_face {
    /// Box: left, top, right, bottom (inclusive, as dlib's rectangle; may extend past the image).
    int32_t left, top, right, bottom;
    /// HOG detector score (larger is surer).
    double score;
    /// Which HOG filter fired: 0 front looking, 1 left looking, 2 right looking, 3/4 front but rotated.
    int32_t weight_index;
    /// 5 landmarks as x, y pairs, in shape_predictor_5_face_landmarks' order (seen on frontal photos):
    /// 0-1 outer and inner corner of the eye on the image's right, 2-3 outer and inner corner of the
    /// eye on the image's left, 4 the bottom of the nose.
    float landmarks[RF_LANDMARK_COUNT * 2];
    /// Non-zero when `embedding` holds values.
    int32_t has_embedding;
    /// 128-D embedding; same person when the Euclidean distance is small (dlib trained for < 0.6).
    float embedding[RF_EMBEDDING_LENGTH];
} rf_face;

/// Loads the HOG frontal detector (built into dlib), `shape_predictor_5_face_landmarks.dat` and
/// `dlib_face_recognition_resnet_model_v1.dat` from `model_dir`. Returns NULL with a message in
/// `error` (NUL-terminated, truncated to `error_len`) when a file is missing or unreadable.
rf_handle *rf_open(const char *model_dir, char *error, size_t error_len);

/// Detects faces in `rgb` (`height` rows of `stride` bytes, 3 bytes a pixel, R G B), best first.
/// Writes up to `max_faces` faces to `faces_out` and returns how many faces were found (may be more
/// than `max_faces`; only the first `max_faces` are written, and only those get embeddings), or -1
/// with a message in `error`.
int32_t rf_analyze(rf_handle *handle, const uint8_t *rgb, int32_t width, int32_t height, int32_t stride,
                   rf_options options, rf_face *faces_out, int32_t max_faces, char *error, size_t error_len);

/// Frees the models. NULL is allowed.
void rf_close(rf_handle *handle);

#ifdef __cplusplus
}
#endif

#endif
