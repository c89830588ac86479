// dlib's face pipeline behind the C header rf_faces.h. The network definition is dlib's own
// (examples/dnn_face_recognition_ex.cpp, the `anet_type` the ResNet model was trained and saved as);
// any change to it makes deserialising dlib_face_recognition_resnet_model_v1.dat fail.
#include "rf_faces.h"

#include <dlib/dnn.h>
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/image_transforms.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

namespace {

using namespace dlib;

// ---- dlib's ResNet for face embeddings, exactly as in dnn_face_recognition_ex.cpp ----
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual = add_prev1<block<N, BN, 1, tag1<SUBNET>>>;

template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual_down = add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<block<N, BN, 2, tag1<SUBNET>>>>>>;

template <int N, template <typename> class BN, int stride, typename SUBNET>
using block = BN<con<N, 3, 3, 1, 1, relu<BN<con<N, 3, 3, stride, stride, SUBNET>>>>>;

template <int N, typename SUBNET> using ares = relu<residual<block, N, affine, SUBNET>>;
template <int N, typename SUBNET> using ares_down = relu<residual_down<block, N, affine, SUBNET>>;

template <typename SUBNET> using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET> using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET> using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET> using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET> using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;

using anet_type = loss_metric<fc_no_bias<128, avg_pool_everything<
                            alevel0<
                            alevel1<
                            alevel2<
                            alevel3<
                            alevel4<
                            max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2,
                            input_rgb_image_sized<150>
                            >>>>>>>>>>>>;
// ---- end of dlib's definition ----

// The chip the ResNet was trained on: 150 px, 25 % padding around the 5-point alignment
// (dlib's example and its Python binding use the same values).
constexpr unsigned long chipSize = 150;
constexpr double chipPadding = 0.25;

void writeError(char *error, size_t length, const std::string &message) {
    if (error == nullptr || length == 0) return;
    std::snprintf(error, length, "%s", message.c_str());
}

bool fileReadable(const std::string &path) {
    std::FILE *file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) return false;
    std::fclose(file);
    return true;
}

// Copies the caller's rows (which may be padded) into dlib's image type.
matrix<rgb_pixel> imageFrom(const uint8_t *rgb, long width, long height, long stride) {
    matrix<rgb_pixel> image(height, width);
    for (long row = 0; row < height; ++row) {
        const uint8_t *source = rgb + row * stride;
        for (long column = 0; column < width; ++column) {
            image(row, column) = rgb_pixel(source[0], source[1], source[2]);
            source += 3;
        }
    }
    return image;
}

}  // namespace

struct rf_handle {
    frontal_face_detector detector;
    shape_predictor landmarks;
    anet_type network;
    // The detector and the network keep mutable scratch state: a second thread entering
    // rf_analyze while one is inside is refused rather than left to corrupt it.
    std::atomic<bool> busy{false};
};

extern "C" rf_handle *rf_open(const char *model_dir, char *error, size_t error_len) {
    if (model_dir == nullptr) {
        writeError(error, error_len, "no models folder given");
        return nullptr;
    }
    const std::string folder(model_dir);
    const std::string landmarkFile = folder + "/shape_predictor_5_face_landmarks.dat";
    const std::string networkFile = folder + "/dlib_face_recognition_resnet_model_v1.dat";
    for (const std::string *path : {&landmarkFile, &networkFile}) {
        if (!fileReadable(*path)) {
            writeError(error, error_len, *path + ": " + std::strerror(errno));
            return nullptr;
        }
    }
    rf_handle *handle = nullptr;
    const std::string *current = &landmarkFile;
    try {
        handle = new rf_handle();
        handle->detector = get_frontal_face_detector();
        deserialize(landmarkFile) >> handle->landmarks;
        current = &networkFile;
        deserialize(networkFile) >> handle->network;
        return handle;
    } catch (const std::exception &failure) {
        writeError(error, error_len, *current + ": " + failure.what());
    } catch (...) {
        writeError(error, error_len, *current + ": unknown failure while loading");
    }
    delete handle;
    return nullptr;
}

namespace {

// Clears the busy flag however rf_analyze leaves.
struct BusyGuard {
    std::atomic<bool> &flag;
    ~BusyGuard() { flag.store(false, std::memory_order_release); }
};

int32_t analyze(rf_handle &handle, const uint8_t *rgb, long width, long height, long stride,
                const rf_options &options, rf_face *faces_out, int32_t max_faces) {
    const matrix<rgb_pixel> image = imageFrom(rgb, width, height, stride);

    std::vector<rect_detection> detections;
    if (options.upsample > 0) {
        // Detection on the doubled image finds faces down to half the 80 px window; the boxes are
        // mapped back to the caller's pixels, where landmarks and chips are taken.
        matrix<rgb_pixel> doubled = image;
        pyramid_down<2> pyramid;
        for (int32_t step = 0; step < options.upsample; ++step) pyramid_up(doubled, pyramid);
        handle.detector(doubled, detections, options.min_score);
        for (rect_detection &detection : detections) {
            for (int32_t step = 0; step < options.upsample; ++step) detection.rect = pyramid.rect_down(detection.rect);
        }
    } else {
        handle.detector(image, detections, options.min_score);
    }
    std::sort(detections.begin(), detections.end(), [](const rect_detection &a, const rect_detection &b) {
        return a.detection_confidence > b.detection_confidence;
    });

    const size_t written = std::min(detections.size(), static_cast<size_t>(std::max(max_faces, 0)));
    std::vector<matrix<rgb_pixel>> chips;
    for (size_t index = 0; index < written; ++index) {
        const rect_detection &detection = detections[index];
        rf_face &face = faces_out[index];
        std::memset(&face, 0, sizeof face);
        face.left = static_cast<int32_t>(detection.rect.left());
        face.top = static_cast<int32_t>(detection.rect.top());
        face.right = static_cast<int32_t>(detection.rect.right());
        face.bottom = static_cast<int32_t>(detection.rect.bottom());
        face.score = detection.detection_confidence;
        face.weight_index = static_cast<int32_t>(detection.weight_index);
        const full_object_detection shape = handle.landmarks(image, detection.rect);
        for (unsigned long part = 0; part < shape.num_parts() && part < RF_LANDMARK_COUNT; ++part) {
            face.landmarks[part * 2] = static_cast<float>(shape.part(part).x());
            face.landmarks[part * 2 + 1] = static_cast<float>(shape.part(part).y());
        }
        if (options.want_embeddings) {
            matrix<rgb_pixel> chip;
            extract_image_chip(image, get_face_chip_details(shape, chipSize, chipPadding), chip);
            chips.push_back(std::move(chip));
        }
    }
    if (!chips.empty()) {
        // One batch through the network: cheaper than one call per face.
        const std::vector<matrix<float, 0, 1>> embeddings = handle.network(chips);
        for (size_t index = 0; index < embeddings.size(); ++index) {
            rf_face &face = faces_out[index];
            face.has_embedding = 1;
            for (long value = 0; value < RF_EMBEDDING_LENGTH; ++value) face.embedding[value] = embeddings[index](value);
        }
    }
    return static_cast<int32_t>(detections.size());
}

}  // namespace

extern "C" int32_t rf_analyze(rf_handle *handle, const uint8_t *rgb, int32_t width, int32_t height, int32_t stride,
                              rf_options options, rf_face *faces_out, int32_t max_faces, char *error,
                              size_t error_len) {
    if (handle == nullptr || rgb == nullptr || (faces_out == nullptr && max_faces > 0)) {
        writeError(error, error_len, "null handle, pixels or output");
        return -1;
    }
    if (width <= 0 || height <= 0 || stride < width * 3) {
        writeError(error, error_len, "bad geometry " + std::to_string(width) + "x" + std::to_string(height) +
                                         ", stride " + std::to_string(stride));
        return -1;
    }
    if (options.upsample < 0 || options.upsample > 2) {
        writeError(error, error_len, "upsample must be 0, 1 or 2, not " + std::to_string(options.upsample));
        return -1;
    }
    bool expected = false;
    if (!handle->busy.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
        writeError(error, error_len, "face handle already in use by another thread (one analysis at a time)");
        return -1;
    }
    BusyGuard guard{handle->busy};
    try {
        return analyze(*handle, rgb, width, height, stride, options, faces_out, max_faces);
    } catch (const std::exception &failure) {
        writeError(error, error_len, std::string("face analysis failed: ") + failure.what());
    } catch (...) {
        writeError(error, error_len, "face analysis failed: unknown C++ exception");
    }
    return -1;
}

extern "C" void rf_close(rf_handle *handle) {
    delete handle;
}
