// Shared pieces of the facenn CLI: options, per-face records, the per-image loop, JSON and drawing.
//
// Adding a subcommand (pose, embed, verify, ...):
//   1. write `int run_<name>(const Options&)` (usually: build an Analyzer that fills FaceRecords and
//      call run_images(opt, analyzer)); FaceRecord already has `pose` and `embedding` slots that the
//      JSON writer prints when set;
//   2. add a row to kCommands in main.cpp (name, usage, summary, function, options it accepts);
//   3. add the source file to tools/CMakeLists.txt and document it in docs/cli.md.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <facenn/core/status.hpp>
#include <facenn/detection/blazeface.hpp>
#include <facenn/image/image.hpp>
#include <facenn/image/io.hpp>
#include <facenn/image/point.hpp>
#include <facenn/image/warp.hpp>
#include <facenn/io/json.hpp>

namespace facenn::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitImageErrors = 1;  // some images could not be processed (others were)
inline constexpr int kExitUsage = 2;        // bad command line or a model missing from this build

// Frame of the yaw / pitch / roll that `pose` prints (docs/geometry.md, "Two frames").
enum class PoseFrame { Viewer, Camera };

struct Options {
  std::string command;
  std::vector<std::string> images;
  std::string model;          // landmarks: facemesh468 (default)
  std::string draw;           // --draw OUT: annotated copies
  int max_faces = 5;          // --max-faces
  float min_score = 0.5f;     // --min-score
  int min_size = 16;          // --min-size: smaller images are reported as errors
  int decimals = 3;           // --decimals: digits after the point for coordinates
  LoadOptions load{};         // --max-pixels
  PoseFrame pose_frame = PoseFrame::Viewer;  // --pose-frame
};

struct Pose {
  float yaw = 0.0f, pitch = 0.0f, roll = 0.0f;  // degrees
};

// Head pose axes for drawing (image pixels): from `origin` along the face's x (subject's left), y (down)
// and the direction it looks.
struct PoseAxes {
  Point2f origin, x, y, forward;
};

// Everything known about one face; the JSON writer prints the parts that are set.
struct FaceRecord {
  detection::Detection detection{};        // box, score, 6 keypoints (image pixels)
  std::vector<Point3f> landmarks;          // empty: not computed
  bool landmarks_2d = false;               // print landmarks as [x, y] (e.g. 68-point models)
  std::optional<float> landmark_score;     // face-presence score of the landmark model
  std::vector<float> landmark_disagreement;  // per landmark: image vs mirrored pass, in eye distances (68-pt)
  std::vector<float> landmark_confidence;  // per landmark, when the model has one (fpenet80)
  std::optional<RotatedRect> roi;          // the crop the landmarks came from (drawing only)
  std::optional<Pose> pose;
  std::optional<PoseAxes> pose_axes;       // drawing only
  std::vector<float> embedding;
};

// Analyzes one decoded image: the faces found (possibly none) or an error for this image.
using Analyzer = std::function<Result<std::vector<FaceRecord>>(const Image&)>;

// Loads every image of opt.images, runs `analyze`, prints one JSON line per image on stdout, errors on
// stderr (one line each), draws if requested. Returns kExitOk, or kExitImageErrors if any image failed.
int run_images(const Options& opt, const Analyzer& analyze);

// {"image": PATH, "faces": [...]} without the trailing newline.
std::string image_json(std::string_view path, const std::vector<FaceRecord>& faces, int decimals);

// Annotates a copy of the image: boxes, keypoints, ROIs, landmarks.
Image render(const Image& img, const std::vector<FaceRecord>& faces);

// Where --draw writes the annotated copy of images[index] (see docs/cli.md).
std::string draw_path(const std::string& draw, const std::vector<std::string>& images, std::size_t index,
                      std::vector<std::string>& used);

// "facenn: <where>: <status>: <message>" on stderr.
void report(std::string_view where, const Error& e);
void report(std::string_view where, std::string_view message);

}  // namespace facenn::cli
