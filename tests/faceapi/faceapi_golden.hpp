// Shared by the face-api model tests: the models' golden files and the common runner (tests/models/golden_io.hpp)
// under the names these tests use.
#pragma once

#include <string>
#include <vector>

#include <facenn/core.hpp>

#include "../models/golden_io.hpp"

namespace facenn::faceapi_test {

// models/<model>/golden/<name>.bin as elements of T (empty if unreadable or not a multiple of sizeof(T)).
template <class T>
std::vector<T> read_golden(const char* model, const std::string& name) {
  return test::read_raw<T>(test::model_golden(model, name));
}

template <class Net>
using Runner = test::GoldenRunner<Net>;
using test::relative_error;

}  // namespace facenn::faceapi_test
