// facenn geometry umbrella: camera model, 3D face models, PnP / head pose, temporal filters, alignment and
// embedding utilities (Eigen 3.4). Conventions: docs/geometry.md.
// (A top-level <facenn/geometry.hpp> forwarding here is left to whoever owns include/facenn/.)
#pragma once

#include <facenn/geometry/align.hpp>
#include <facenn/geometry/camera.hpp>
#include <facenn/geometry/canonical_face.hpp>
#include <facenn/geometry/embedding.hpp>
#include <facenn/geometry/face_models.hpp>
#include <facenn/geometry/head_pose.hpp>
#include <facenn/geometry/landmarks.hpp>
#include <facenn/geometry/one_euro.hpp>
#include <facenn/geometry/pnp.hpp>
#include <facenn/geometry/rotation.hpp>
#include <facenn/geometry/status.hpp>
