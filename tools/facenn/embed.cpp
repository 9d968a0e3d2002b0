// `facenn embed` and `facenn verify`: BlazeFace -> FaceMesh -> dlib 5-point chip -> int8 face embedder
// (include/facenn/face_embedder.hpp) -> unit-length 128-d embedding; verify compares two images' largest faces.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <facenn/face_embedder.hpp>
#include <facenn/io/json.hpp>
#include <facenn/kernels/simd/backend.hpp>

#include "cli.hpp"
#include "face_models.hpp"
#include "subcommands.hpp"

namespace facenn::cli {

namespace {
// The same kernels as the other networks of the CLI (face_models.cpp): bit-identical either way.
#if defined(FACENN_SIMD_ANY)
using Backend = kernels::Simd;
#else
using Backend = kernels::Reference;
#endif
using Embedder = BasicFaceEmbedder<models::FaceEmbedderNet<Int8>, Backend>;
// --model float: the float network (the reference the int8 one is calibrated against, docs/verification.md).
using EmbedderFloat = BasicFaceEmbedder<models::FaceEmbedderNet<Float>, Backend>;

class Pipeline {
 public:
  Pipeline(const Options& opt, bool use_float) : models_(opt) {
    if (use_float) {
      float_arena_ = std::make_unique<EmbedderFloat::Arena>();
    } else {
      arena_ = std::make_unique<Embedder::Arena>();
    }
  }

  // Landmarks and embedding for one detected face.
  Status embed(const Image& img, FaceRecord& face) {
    const Status m = models_.add_facemesh(img, face);
    if (m != Status::Ok) return m;
    FaceEmbedding e{};
    const Status s = arena_ ? Embedder{}.embed_facemesh(img.view(), face.landmarks, e, *arena_)
                            : EmbedderFloat{}.embed_facemesh(img.view(), face.landmarks, e, *float_arena_);
    if (s != Status::Ok) return s;
    face.embedding.assign(e.begin(), e.end());
    return Status::Ok;
  }

  Result<std::vector<FaceRecord>> detect(const Image& img) { return models_.detect(img); }

 private:
  FaceModels models_;
  std::unique_ptr<Embedder::Arena> arena_;
  std::unique_ptr<EmbedderFloat::Arena> float_arena_;
};

// --model: int8 (default) or float. False on an unknown name (reported).
bool parse_model(const Options& opt, bool& use_float) {
  if (opt.model.empty() || opt.model == "int8") {
    use_float = false;
  } else if (opt.model == "float") {
    use_float = true;
  } else {
    report(opt.command, "unknown --model '" + opt.model + "' (available: int8, float)");
    return false;
  }
  return true;
}

Error model_error(Status s) {
  if (s == Status::Unsupported) return Error{s, "this build has no FaceMesh model (facenn/models/facemesh468.hpp)"};
  return Error{s, "face embedding failed"};
}

float box_area(const FaceRecord& f) { return f.detection.width * f.detection.height; }
}  // namespace

int run_embed(const Options& opt) {
  bool use_float = false;
  if (!parse_model(opt, use_float)) return kExitUsage;
  Pipeline p(opt, use_float);
  return run_images(opt, [&p](const Image& img) -> Result<std::vector<FaceRecord>> {
    auto faces = p.detect(img);
    if (!faces) return faces;
    for (FaceRecord& f : *faces) {
      const Status s = p.embed(img, f);
      if (s != Status::Ok) return model_error(s);
    }
    return faces;
  });
}

// verify A B: each image must show at least one face; with several, the largest (detection box area) is
// the one compared and the count is reported ("faces_a", "faces_b"). Exit 0 with the decision in the JSON
// (same or not), 1 if an image could not be read or has no face, 2 for usage errors.
int run_verify(const Options& opt) {
  if (opt.images.size() != 2) {
    report("usage", "verify needs exactly two images, A and B (see facenn --help)");
    return kExitUsage;
  }
  bool use_float = false;
  if (!parse_model(opt, use_float)) return kExitUsage;
  Pipeline p(opt, use_float);
  FaceEmbedding emb[2]{};
  std::size_t counts[2] = {0, 0};
  bool failed = false;
  for (std::size_t i = 0; i < 2; ++i) {
    const std::string& path = opt.images[i];
    auto img = load_image(path, opt.load);
    if (!img) {
      report(path, img.error());
      failed = true;
      continue;
    }
    if (img->width() < opt.min_size || img->height() < opt.min_size) {
      report(path, "image too small (" + std::to_string(img->width()) + "x" + std::to_string(img->height()) +
                       " pixels, see --min-size)");
      failed = true;
      continue;
    }
    auto faces = p.detect(*img);
    if (!faces) {
      report(path, faces.error());
      failed = true;
      continue;
    }
    counts[i] = faces->size();
    if (faces->empty()) {
      report(path, "no face found (verify compares the largest face of each image)");
      failed = true;
      continue;
    }
    std::size_t best = 0;
    for (std::size_t k = 1; k < faces->size(); ++k)
      if (box_area((*faces)[k]) > box_area((*faces)[best])) best = k;
    FaceRecord& face = (*faces)[best];
    const Status s = p.embed(*img, face);
    if (s != Status::Ok) {
      report(path, model_error(s));
      failed = true;
      continue;
    }
    std::copy(face.embedding.begin(), face.embedding.end(), emb[i].begin());
  }
  if (failed) return kExitImageErrors;
  const FaceVerification v = Embedder::verify(emb[0], emb[1]);
  std::string out;
  io::JsonWriter w(out);
  w.begin_object()
      .key("a").value(opt.images[0])
      .key("b").value(opt.images[1])
      .key("distance").value(static_cast<double>(v.distance), 4)
      .key("threshold").value(static_cast<double>(v.threshold), 4)
      .key("same").value(v.same)
      .key("faces_a").value(counts[0])
      .key("faces_b").value(counts[1])
      .end_object();
  out += '\n';
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

}  // namespace facenn::cli
