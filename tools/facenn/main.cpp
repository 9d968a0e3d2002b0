// facenn — face detection and landmarks from the command line, one JSON line per image.
// See docs/cli.md. Subcommands are rows of kCommands (an extension point: see cli.hpp).
#include <cerrno>
#include <cstdio>
#include <exception>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"
#include "face_models.hpp"
#include "landmark_models.hpp"
#include "subcommands.hpp"

#ifndef FACENN_VERSION_STRING
#define FACENN_VERSION_STRING "unknown"
#endif

namespace facenn::cli {
namespace {

// ---- subcommands ------------------------------------------------------------------------------------
int run_detect(const Options& opt) {
  // Without the model every readable image fails with "unsupported" (bad files are still reported as such).
  FaceModels models(opt);
  return run_images(opt, [&models](const Image& img) { return models.detect(img); });
}

// --model NAME: a row of landmark_models.cpp (facemesh468 by default).
int run_landmarks(const Options& opt) {
  const std::string model = opt.model.empty() ? "facemesh468" : opt.model;
  const LandmarkModel* m = find_landmark_model(model);
  if (m == nullptr) {
    report("landmarks", "unknown --model '" + model + "' (available: " + landmark_model_names() + ")");
    return kExitUsage;
  }
  return m->run(opt);
}

// ---- command table ------------------------------------------------------------------------------------
enum OptionMask : unsigned {
  kOptModel = 1u << 0,
  kOptDraw = 1u << 1,
  kOptDetection = 1u << 2,  // --max-faces --min-score --min-size
  kOptOutput = 1u << 3,     // --decimals --max-pixels
  kOptPose = 1u << 4,       // --pose-frame
};

struct Command {
  const char* name;
  const char* usage;
  const char* summary;
  int (*run)(const Options&);
  unsigned options;
};

constexpr Command kCommands[] = {
    {"detect", "detect [options] IMAGE...", "faces: box, score, 6 keypoints (BlazeFace short-range)", run_detect,
     kOptDraw | kOptDetection | kOptOutput},
    {"landmarks", "landmarks [--model NAME] [options] IMAGE...",
     "faces + landmarks per face (BlazeFace -> --model, default facemesh468)", run_landmarks,
     kOptModel | kOptDraw | kOptDetection | kOptOutput},
    {"pose", "pose [options] IMAGE...",
     "faces + 468 landmarks + head pose (yaw, pitch, roll in degrees; docs/geometry.md)", run_pose,
     kOptDraw | kOptDetection | kOptOutput | kOptPose},
    {"embed", "embed [--model int8|float] [options] IMAGE...",
     "faces + 468 landmarks + 128-d unit embedding per face (docs/verification.md)", run_embed,
     kOptModel | kOptDraw | kOptDetection | kOptOutput},
    {"verify", "verify [--model int8|float] [options] A B",
     "same person? distance of the largest faces' embeddings vs the threshold (JSON)", run_verify,
     kOptModel | kOptDetection | kOptOutput},
};

void print_help(std::FILE* f) {
  std::fprintf(f,
               "facenn %s — face networks as static C++ types\n\n"
               "usage: facenn COMMAND [options] IMAGE...\n"
               "       facenn --help | --version\n\ncommands:\n",
               FACENN_VERSION_STRING);
  for (const Command& c : kCommands) std::fprintf(f, "  %-52s %s\n", c.usage, c.summary);
  std::fputs(
      "\noptions:\n"
      "  --model NAME        landmark model (landmarks: facemesh468, landmarks35,\n"
      "                      landmarks68, landmarks68_tiny, ...: docs/cli.md);\n"
      "                      embedder precision (embed, verify: int8 (default) or float)\n"
      "  --draw OUT          save annotated copies: OUT for one image; with several images OUT_<i>.ext,\n"
      "                      or OUT/<name>.png if OUT is a directory or ends with '/'\n"
      "  --max-faces N       at most N faces per image (default 5)\n"
      "  --min-score S       detection score threshold (default 0.5)\n"
      "  --min-size N        images smaller than NxN are errors (default 16)\n"
      "  --decimals D        digits after the point for coordinates (default 3)\n"
      "  --max-pixels N      refuse images with more pixels (default 67108864)\n"
      "  --pose-frame F      pose: angles relative to the line of sight to the face (viewer, default:\n"
      "                      0 = looking at the camera) or to the camera's axes (camera)\n"
      "  --                  end of options\n\n"
      "output: one JSON line per image on stdout,\n"
      "  {\"image\": PATH, \"faces\": [{\"box\": [x, y, w, h], \"score\": s, \"keypoints\": [[x, y] x6],\n"
      "                             \"landmarks\": [[x, y, z], ...]}]}\n"
      "  pixel coordinates, (0, 0) = centre of the top-left pixel. Errors: one line per image on stderr;\n"
      "  the other images are still processed. Exit status: 0 ok, 1 some images failed, 2 usage.\n",
      f);
}

void print_version() {
  std::printf("facenn %s\nmodels: blazeface128 %s, facemesh468 %s\nkernels: %s\n", FACENN_VERSION_STRING,
              FaceModels::have_detector() ? "yes" : "no", FaceModels::have_facemesh() ? "yes" : "no",
              FaceModels::backend_name());
}

bool parse_int(const char* s, int lo, int hi, int& out) {
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) return false;
  out = static_cast<int>(v);
  return true;
}

bool parse_float(const char* s, float lo, float hi, float& out) {
  char* end = nullptr;
  errno = 0;
  const float v = std::strtof(s, &end);
  if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi)) return false;
  out = v;
  return true;
}

int usage_error(const std::string& msg) {
  report("usage", msg + " (see facenn --help)");
  return kExitUsage;
}

int main_impl(int argc, char** argv) {
  if (argc < 2) {
    print_help(stderr);
    return kExitUsage;
  }
  const std::string_view first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    print_help(stdout);
    return kExitOk;
  }
  if (first == "--version" || first == "-V") {
    print_version();
    return kExitOk;
  }
  const Command* cmd = nullptr;
  for (const Command& c : kCommands)
    if (first == c.name) cmd = &c;
  if (cmd == nullptr) return usage_error("unknown command '" + std::string(first) + "'");

  Options opt;
  opt.command = cmd->name;
  bool options_done = false;
  for (int i = 2; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (options_done || a.empty() || a[0] != '-' || a == "-") {
      opt.images.emplace_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    if (a == "--help" || a == "-h") {
      print_help(stdout);
      return kExitOk;
    }
    // Every remaining option takes a value: --name VALUE or --name=VALUE.
    std::string name(a), value;
    const auto eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return usage_error("option " + name + " needs a value");
    }
    auto allowed = [&](unsigned mask) { return (cmd->options & mask) != 0; };
    if (name == "--model" && allowed(kOptModel)) {
      opt.model = value;
    } else if (name == "--draw" && allowed(kOptDraw)) {
      if (value.empty()) return usage_error("--draw needs a file or directory name");
      opt.draw = value;
    } else if (name == "--max-faces" && allowed(kOptDetection)) {
      if (!parse_int(value.c_str(), 0, 64, opt.max_faces)) return usage_error("--max-faces must be 0..64");
    } else if (name == "--min-score" && allowed(kOptDetection)) {
      if (!parse_float(value.c_str(), 0.0f, 1.0f, opt.min_score)) return usage_error("--min-score must be in [0, 1]");
    } else if (name == "--min-size" && allowed(kOptDetection)) {
      if (!parse_int(value.c_str(), 1, 1 << 20, opt.min_size)) return usage_error("--min-size must be >= 1");
    } else if (name == "--decimals" && allowed(kOptOutput)) {
      if (!parse_int(value.c_str(), 0, 9, opt.decimals)) return usage_error("--decimals must be 0..9");
    } else if (name == "--pose-frame" && allowed(kOptPose)) {
      if (value == "viewer") {
        opt.pose_frame = PoseFrame::Viewer;
      } else if (value == "camera") {
        opt.pose_frame = PoseFrame::Camera;
      } else {
        return usage_error("--pose-frame must be viewer or camera");
      }
    } else if (name == "--max-pixels" && allowed(kOptOutput)) {
      int mp = 0;
      if (!parse_int(value.c_str(), 1, 1 << 30, mp)) return usage_error("--max-pixels must be 1..2^30");
      opt.load.max_pixels = mp;
    } else {
      return usage_error("unknown option " + name + " for '" + cmd->name + "'");
    }
  }
  if (opt.images.empty()) return usage_error("no images given");
  return cmd->run(opt);
}

}  // namespace
}  // namespace facenn::cli

int main(int argc, char** argv) {
  try {
    return facenn::cli::main_impl(argc, argv);
  } catch (const std::exception& e) {  // std::bad_alloc from a huge image's std::vector, mostly
    facenn::cli::report("fatal", e.what());
    return 3;
  }
}
