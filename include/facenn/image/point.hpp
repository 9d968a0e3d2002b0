// Plain 2-D / 3-D points in image pixel coordinates (pixel-centre convention, see warp.hpp).
#pragma once

namespace facenn {

struct Point2f {
  float x = 0.0f;
  float y = 0.0f;
};

// x, y in image pixels; z in pixels too (depth relative to the face, scaled like x).
struct Point3f {
  float x = 0.0f;
  float y = 0.0f;
  float z = 0.0f;
};

}  // namespace facenn
