// Subcommands implemented in their own source files (pose.cpp, embed.cpp); rows of kCommands in main.cpp.
#pragma once

#include "cli.hpp"

namespace facenn::cli {

// pose.cpp: BlazeFace -> FaceMesh -> head pose (yaw, pitch, roll in degrees, docs/geometry.md).
int run_pose(const Options& opt);
// Adds face.pose (angles in `frame`) and face.pose_axes from face.landmarks (FaceMesh, 468); false if no
// pose was found.
bool add_head_pose(const Image& img, FaceRecord& face, PoseFrame frame);

// embed.cpp: BlazeFace -> FaceMesh -> dlib 5-point chip -> face embedder -> 128-d L2-normalized embedding.
int run_embed(const Options& opt);
// verify A B: the embeddings of the largest face of each image, their distance and the decision.
int run_verify(const Options& opt);

}  // namespace facenn::cli
