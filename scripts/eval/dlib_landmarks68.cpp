// dlib's 68-point shape predictor (Debian libdlib-dev + libdlib-data; evaluation only, never part of facenn)
// on the faces of a facenn JSON-lines file, or on dlib's own HOG detections.
//   dlib_landmarks68 MODEL.dat facenn|hog [BOX_MAP] < facenn.jsonl > dlib.jsonl
// facenn: one face per facenn face, the predictor's start box derived from the facenn box (BlazeFace) with
//         BOX_MAP = "ax ay s": centre (cx + ax w, cy + ay h), side s max(w, h) (fitted by lfpw_landmarks68.sh on
//         train68, where both detectors find the face); hog: dlib's frontal face detector (upsampled once).
// Output: facenn-style JSON lines {"image", "faces": [{"box", "landmarks": [[x, y] x 68]}]}, pixel-centre
// coordinates (dlib's pixel (x, y) is the centre of pixel (x, y), as facenn's).
#include <dlib/image_io.h>
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>

#include <cstdio>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL.dat facenn|hog [\"ax ay s\"] < in.jsonl\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[2];
  double ax = 0.0, ay = 0.0, sc = 1.0;
  if (argc > 3) std::istringstream(argv[3]) >> ax >> ay >> sc;
  dlib::shape_predictor sp;
  dlib::deserialize(argv[1]) >> sp;
  dlib::frontal_face_detector hog = dlib::get_frontal_face_detector();
  const std::regex image_re("\"image\": ?\"([^\"]+)\"");
  const std::regex box_re("\"box\": ?\\[([-0-9.e]+), ?([-0-9.e]+), ?([-0-9.e]+), ?([-0-9.e]+)\\]");
  std::string line;
  while (std::getline(std::cin, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, image_re)) continue;
    const std::string path = m[1];
    dlib::array2d<dlib::rgb_pixel> img;
    dlib::load_image(img, path);
    std::vector<dlib::rectangle> rects;
    std::vector<std::array<double, 4>> boxes;
    if (mode == "hog") {
      dlib::array2d<dlib::rgb_pixel> up;
      dlib::assign_image(up, img);
      dlib::pyramid_up(up);  // dlib's examples: upsample once to find small faces
      const dlib::pyramid_down<2> pyr;
      for (const auto& r : hog(up)) {
        const dlib::rectangle d = pyr.rect_down(r);
        rects.push_back(d);
        boxes.push_back({double(d.left()) - 0.5, double(d.top()) - 0.5, double(d.width()), double(d.height())});
      }
    } else {
      for (auto it = std::sregex_iterator(line.begin(), line.end(), box_re); it != std::sregex_iterator(); ++it) {
        const double x = std::stod((*it)[1]), y = std::stod((*it)[2]), w = std::stod((*it)[3]), h = std::stod((*it)[4]);
        const double cx = x + 0.5 * w + ax * w, cy = y + 0.5 * h + ay * h, s = sc * std::max(w, h);
        rects.emplace_back(dlib::drectangle(cx - 0.5 * s, cy - 0.5 * s, cx + 0.5 * s, cy + 0.5 * s));
        boxes.push_back({x, y, w, h});
      }
    }
    std::ostringstream out;
    out << "{\"image\": \"" << path << "\", \"faces\": [";
    for (std::size_t k = 0; k < rects.size(); ++k) {
      const dlib::full_object_detection shape = sp(img, rects[k]);
      out << (k ? ", " : "") << "{\"box\": [" << boxes[k][0] << ", " << boxes[k][1] << ", " << boxes[k][2] << ", "
          << boxes[k][3] << "], \"landmarks\": [";
      for (unsigned i = 0; i < shape.num_parts(); ++i)
        out << (i ? ", " : "") << "[" << shape.part(i).x() << ", " << shape.part(i).y() << "]";
      out << "]}";
    }
    out << "]}\n";
    std::cout << out.str() << std::flush;
  }
  return 0;
}
