// Landmark schemes as plain tables (no dependency beyond <array>): which FaceMesh vertex stands for each
// point of the 68-point and the 35-point scheme, and each scheme's left/right mirror map.
//
//  * 68 points: iBUG 300-W order (dlib, face-api): 0-16 jaw, 17-26 brows, 27-35 nose, 36-47 eyes,
//    48-67 mouth. "Left" and "right" below are *image* directions of an upright frontal face.
//  * 35 points: OpenVINO facial-landmarks-35-adas-0002 order (p0-p34, image directions, as drawn in
//    open_model_zoo's landmarks_illustration.png; docs/models/landmarks35.md has the point-by-point table).
//
// How the vertices were chosen (docs/geometry.md, models/canonical_face/derive_68.py):
//  * 68 -> vertex: the 13 points scored by ../shared/eval/score_landmarks.py (SCHEMES['468']) use exactly its
//    correspondences; the other 55 are, for each 300-W point, the FaceMesh vertex nearest to it on average
//    over LFPW test after a rigid fit of the canonical face, then made left/right symmetric. The jaw line
//    (0-16) is a silhouette that slides with yaw: its vertices only approximate it.
//  * 35 -> vertex: eyes, nose, mouth and brows reuse the 68-point vertices of the same meaning (p6/p7 nose
//    wings = 68-point 31/35, as in SCHEMES['35']); the contour p18-p34 takes the face-oval vertices nearest to
//    9 equal arc-length steps from the temple (vertex 162) to the chin (152), mirrored for the other side.
// tests/geometry/face_models_test.cpp checks both maps against the scorer and for mirror symmetry.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace facenn::landmarks {

inline constexpr std::size_t kFaceMeshPoints = 468;
inline constexpr std::size_t kPoints68 = 68;
inline constexpr std::size_t kPoints35 = 35;

// 68-point scheme -> FaceMesh vertex.
inline constexpr std::array<std::uint16_t, kPoints68> kPoints68Vertex = {
    127, 227, 93,  132, 138, 136, 170, 176, 152, 400, 395, 365, 367, 361, 323, 447, 356,  // 0-16 jaw
    70,  63,  52,  65,  55,                                                               // 17-21 brow (img left)
    285, 295, 282, 293, 300,                                                              // 22-26 brow (img right)
    6,   195, 5,   1,                                                                     // 27-30 nose bridge, tip
    98,  97,  2,   326, 327,                                                              // 31-35 nostrils, base
    33,  160, 158, 133, 153, 144,                                                         // 36-41 image-left eye
    362, 385, 387, 263, 373, 380,                                                         // 42-47 image-right eye
    61,  40,  37,  0,   267, 270, 291, 321, 314, 17,  84,  91,                            // 48-59 outer lip
    78,  38,  13,  268, 308, 317, 14,  87,                                                // 60-67 inner lip
};

// 35-point scheme (OpenVINO) -> FaceMesh vertex.
inline constexpr std::array<std::uint16_t, kPoints35> kPoints35Vertex = {
    133, 33,  362, 263,                                 // p0-p3 eye corners: img-left inner, outer; img-right inner, outer
    1,   2,   98,  327,                                 // p4 nose tip, p5 septum base, p6/p7 nose wings
    61,  291, 0,   17,                                  // p8/p9 mouth corners, p10/p11 outer lip centres
    70,  52,  55,                                       // p12-p14 image-left brow, outer -> inner
    285, 282, 300,                                      // p15-p17 image-right brow, inner -> outer
    162, 127, 93,  132, 58,  136, 150, 176, 152,        // p18-p26 contour, image-left temple -> chin
    400, 379, 365, 288, 361, 323, 356, 389,             // p27-p34 contour, chin -> image-right temple
};

// Mirror maps: point i of a face seen in a horizontally flipped image is point kPoints68Mirror[i] of the
// original (image-left eye <-> image-right eye, ...); points on the symmetry axis map to themselves.
inline constexpr std::array<std::uint8_t, kPoints68> kPoints68Mirror = {
    16, 15, 14, 13, 12, 11, 10, 9,  8,  7,  6,  5,  4,  3,  2,  1,  0,   // jaw
    26, 25, 24, 23, 22, 21, 20, 19, 18, 17,                              // brows
    27, 28, 29, 30,                                                      // nose bridge
    35, 34, 33, 32, 31,                                                  // nose base
    45, 44, 43, 42, 47, 46, 39, 38, 37, 36, 41, 40,                      // eyes
    54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55,                      // outer lip
    64, 63, 62, 61, 60, 67, 66, 65,                                      // inner lip
};

inline constexpr std::array<std::uint8_t, kPoints35> kPoints35Mirror = {
    2,  3,  0,  1,                                       // eye corners
    4,  5,  7,  6,                                       // nose
    9,  8,  10, 11,                                      // mouth
    17, 16, 15, 14, 13, 12,                              // brows
    34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18,  // contour
};

}  // namespace facenn::landmarks
