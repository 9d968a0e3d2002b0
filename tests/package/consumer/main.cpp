// Built against an installed facenn (find_package): a two-layer float network, run once.
#include <cstdio>

#include <facenn/core.hpp>
#include <facenn/models/face_embedder.hpp>  // its weight blobs are generated at build time and installed
#include <facenn/models/facemesh468.hpp>

namespace {
struct Q1 {
  static constexpr float scale = 1.0f;
  static constexpr std::int32_t zero_point = 0;
};
constexpr float kFilter[2 * 1 * 1 * 2] = {1.0f, 2.0f, -1.0f, 0.5f};
constexpr float kBias[2] = {0.5f, 0.0f};
struct W {
  static constexpr int kernel_h = 1, kernel_w = 1, in_channels = 2, out_channels = 2;
  static constexpr int stride_h = 1, stride_w = 1, pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  static constexpr facenn::Activation activation = facenn::Activation::Relu;
  using input_quant = Q1;
  using output_quant = Q1;
  static constexpr facenn::FloatPtrArray filter_float{kFilter, 4};
  static constexpr const float* bias_float = kBias;
};
using Net = facenn::Network<facenn::TensorSpec<facenn::Float, facenn::Shape<1, 2, 2>, Q1>,
                            facenn::Conv<facenn::Float, W, facenn::Stride<1>, facenn::Padding::Valid>,
                            facenn::GlobalAvgPool<facenn::Float>>;
}  // namespace

int main() {
  facenn::TensorBuffer<Net::input_spec> in;
  in.data = {1.0f, 1.0f, 2.0f, -2.0f};
  facenn::OutputBuffers<Net> out;
  static Net::Arena arena;
  if (Net{}.infer(in.view(), out.views(), arena) != facenn::Status::Ok) return 1;
  // pixel 0: (1*1 + 2*1 + 0.5, -1*1 + 0.5*1) = (3.5, relu(-0.5)=0); pixel 1: (2 - 4 + 0.5 -> 0, -2 - 1 -> 0)
  const auto& r = out.get<0>().data;
  std::printf("consumer: arena_bytes=%zu mean=(%.2f, %.2f)\n", Net::arena_bytes, r[0], r[1]);
  if (!(r[0] == 1.75f && r[1] == 0.0f)) return 1;

  // A real installed model: FaceMesh int8 on a flat grey crop.
  using Mesh = facenn::models::FaceMesh468Net<facenn::Int8>;
  static facenn::TensorBuffer<Mesh::input_spec> crop;
  static facenn::OutputBuffers<Mesh> mesh_out;
  static Mesh::Arena mesh_arena;
  const auto status = Mesh{}.infer(crop.view(), mesh_out.views(), mesh_arena);
  std::printf("consumer: FaceMesh468 int8 arena_bytes=%zu status=%s; FaceEmbedder int8 arena_bytes=%zu\n",
              Mesh::arena_bytes, facenn::to_string(status), facenn::models::FaceEmbedderNet<facenn::Int8>::arena_bytes);
  return status == facenn::Status::Ok ? 0 : 1;
}
