// facenn geometry: status codes.
//
// Every geometry function that can fail returns (or carries) a `geometry::Status`; nothing throws.
// The codes are finer than the core's `facenn::Status` (docs/internal/api-sketch.md) because callers of a
// pose solver want to tell "too few points" from "did not converge". Mapping to the core codes, for the
// pipelines: TooFewPoints, Degenerate, BehindCamera, InvalidArgument -> InvalidArgument; NonFinite -> NonFinite;
// NotConverged -> InvalidArgument (the input did not determine a pose); BufferTooSmall -> ArenaTooSmall.
#pragma once

#include <cstdint>

namespace facenn::geometry {

enum class Status : std::uint8_t {
  Ok,
  TooFewPoints,     // fewer points than the method needs (PnP: 4, similarity: 2)
  Degenerate,       // collinear / coincident points, zero-size templates: no unique answer
  NonFinite,        // a NaN or an infinity in the input
  BehindCamera,     // the best pose puts a model point at or behind the camera plane (z <= 0)
  NotConverged,     // the iteration limit was reached before the convergence test passed
  InvalidArgument,  // mismatched sizes, non-positive focal length, bad options, ...
  BufferTooSmall,   // a caller-provided output buffer is too small
};

constexpr const char* to_string(Status s) noexcept {
  switch (s) {
    case Status::Ok: return "ok";
    case Status::TooFewPoints: return "too few points";
    case Status::Degenerate: return "degenerate configuration";
    case Status::NonFinite: return "non-finite input";
    case Status::BehindCamera: return "points behind the camera";
    case Status::NotConverged: return "did not converge";
    case Status::InvalidArgument: return "invalid argument";
    case Status::BufferTooSmall: return "buffer too small";
  }
  return "unknown status";
}

}  // namespace facenn::geometry
