#include "cli.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>

#include <facenn/image/draw.hpp>

namespace facenn::cli {

namespace fs = std::filesystem;

void report(std::string_view where, std::string_view message) {
  std::string line = "facenn: ";
  line.append(where);
  line += ": ";
  line.append(message);
  // One line, whatever the path contains.
  std::replace(line.begin(), line.end(), '\n', ' ');
  std::replace(line.begin(), line.end(), '\r', ' ');
  line += '\n';
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

void report(std::string_view where, const Error& e) {
  std::string m = to_string(e.status);
  if (e.message != nullptr && e.message[0] != '\0') {
    m += ": ";
    m += e.message;
  }
  report(where, m);
}

std::string image_json(std::string_view path, const std::vector<FaceRecord>& faces, int decimals) {
  std::string out;
  io::JsonWriter w(out);
  auto point = [&](float x, float y) {
    w.begin_array().value(static_cast<double>(x), decimals).value(static_cast<double>(y), decimals).end_array();
  };
  w.begin_object().key("image").value(path).key("faces").begin_array();
  for (const FaceRecord& f : faces) {
    const auto& d = f.detection;
    w.begin_object();
    w.key("box").begin_array();
    for (float v : {d.xmin, d.ymin, d.width, d.height}) w.value(static_cast<double>(v), decimals);
    w.end_array();
    w.key("score").value(d.score);
    w.key("keypoints").begin_array();
    for (const Point2f& k : d.keypoints) point(k.x, k.y);
    w.end_array();
    if (!f.landmarks.empty()) {
      w.key("landmarks").begin_array();
      for (const Point3f& p : f.landmarks) {
        if (f.landmarks_2d) {
          point(p.x, p.y);
        } else {
          w.begin_array()
              .value(static_cast<double>(p.x), decimals)
              .value(static_cast<double>(p.y), decimals)
              .value(static_cast<double>(p.z), decimals)
              .end_array();
        }
      }
      w.end_array();
    }
    if (!f.landmark_confidence.empty()) {
      w.key("landmark_confidence").begin_array();
      for (float c : f.landmark_confidence) w.value(static_cast<double>(c), 4);
      w.end_array();
    }
    if (!f.landmark_disagreement.empty()) {
      w.key("landmark_disagreement").begin_array();
      for (float v : f.landmark_disagreement) w.value(static_cast<double>(v), 4);
      w.end_array();
    }
    if (f.landmark_score) w.key("landmark_score").value(*f.landmark_score);
    if (f.pose) {
      w.key("pose").begin_object();
      w.key("yaw").value(static_cast<double>(f.pose->yaw), decimals);
      w.key("pitch").value(static_cast<double>(f.pose->pitch), decimals);
      w.key("roll").value(static_cast<double>(f.pose->roll), decimals);
      w.end_object();
    }
    if (!f.embedding.empty()) {
      w.key("embedding").begin_array();
      for (float v : f.embedding) w.value(v);
      w.end_array();
    }
    w.end_object();
  }
  w.end_array().end_object();
  return out;
}

Image render(const Image& img, const std::vector<FaceRecord>& faces) {
  Image out = img;
  const MutableImageView v = out.mutable_view();
  const int t = std::max(1, std::min(img.width(), img.height()) / 300);
  const float r = static_cast<float>(t);
  for (const FaceRecord& f : faces) {
    if (f.roi) draw_rotated_rect(v, *f.roi, Rgb{255, 200, 0}, t);
    for (const Point3f& p : f.landmarks) fill_circle(v, Point2f{p.x, p.y}, 0.5f * r, Rgb{0, 255, 255});
    const auto& d = f.detection;
    draw_box(v, d.xmin, d.ymin, d.width, d.height, Rgb{0, 255, 0}, t);
    for (const Point2f& k : d.keypoints) fill_circle(v, k, 1.5f * r, Rgb{255, 0, 0});
    if (f.pose_axes) {  // x red, y green, gaze direction blue
      const PoseAxes& a = *f.pose_axes;
      draw_line(v, a.origin, a.x, Rgb{255, 0, 0}, 2 * t);
      draw_line(v, a.origin, a.y, Rgb{0, 255, 0}, 2 * t);
      draw_line(v, a.origin, a.forward, Rgb{0, 0, 255}, 2 * t);
    }
  }
  return out;
}

std::string draw_path(const std::string& draw, const std::vector<std::string>& images, std::size_t index,
                      std::vector<std::string>& used) {
  std::error_code ec;
  const bool dir = (!draw.empty() && draw.back() == '/') || fs::is_directory(draw, ec);
  if (dir) {
    const std::string stem = fs::path(images[index]).stem().string();
    std::string name = (stem.empty() ? std::string("image") : stem) + ".png";
    if (std::find(used.begin(), used.end(), name) != used.end())
      name = (stem.empty() ? std::string("image") : stem) + "_" + std::to_string(index) + ".png";
    used.push_back(name);
    return (fs::path(draw) / name).string();
  }
  if (images.size() == 1) return draw;
  const fs::path p(draw);
  fs::path out = p.parent_path() / (p.stem().string() + "_" + std::to_string(index) + p.extension().string());
  return out.string();
}

namespace {
Result<std::size_t> save_any(const std::string& path, const Image& img) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".jpg" || ext == ".jpeg") return save_jpg(path, img.view(), 92);
  return save_png(path, img.view());
}
}  // namespace

int run_images(const Options& opt, const Analyzer& analyze) {
  bool failed = false;
  std::vector<std::string> used_names;
  if (!opt.draw.empty() && opt.draw.back() == '/') {
    std::error_code ec;
    fs::create_directories(opt.draw, ec);
  }
  for (std::size_t i = 0; i < opt.images.size(); ++i) {
    const std::string& path = opt.images[i];
    auto img = load_image(path, opt.load);
    if (!img) {
      report(path, img.error());
      failed = true;
      continue;
    }
    if (img->width() < opt.min_size || img->height() < opt.min_size) {
      report(path, "image too small (" + std::to_string(img->width()) + "x" + std::to_string(img->height()) +
                       " pixels; faces need at least " + std::to_string(opt.min_size) + "x" +
                       std::to_string(opt.min_size) + ", see --min-size)");
      failed = true;
      continue;
    }
    auto faces = analyze(*img);
    if (!faces) {
      report(path, faces.error());
      failed = true;
      continue;
    }
    std::string line = image_json(path, *faces, opt.decimals);
    line += '\n';
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
    if (!opt.draw.empty()) {
      const std::string out = draw_path(opt.draw, opt.images, i, used_names);
      auto saved = save_any(out, render(*img, *faces));
      if (!saved) {
        report(out, saved.error());
        failed = true;
      }
    }
  }
  return failed ? kExitImageErrors : kExitOk;
}

}  // namespace facenn::cli
