// Status codes and an expected-style Result<T>: how facenn reports failure without exceptions.
//
// The core never throws and never allocates; every fallible call returns a Status (for operations
// without a value) or a Result<T> (a T or an Error). Error messages are static strings, so an Error
// can be created in a bare-metal build without a heap.
#pragma once

#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

namespace facenn {

enum class Status : std::uint8_t {
  Ok = 0,
  ArenaTooSmall,    // the caller's arena is smaller than Network::arena_bytes
  ArenaMisaligned,  // the arena does not start at a 64-byte boundary
  InvalidArgument,  // null pointer, wrong size, bad option
  NonFinite,        // NaN or Inf where a finite number is required
  IoError,          // file missing, unreadable, a directory
  DecodeError,      // corrupt or truncated file, unknown format
  ImageTooLarge,    // dimensions above the configured limits
  EmptyImage,       // 0 pixels
  NoFace,           // nothing was detected
  Degenerate,       // geometric input without a unique answer (collinear points, < 4 points)
  NotConverged,     // an iterative solver stopped without meeting its tolerance
  Unsupported,      // valid input the library does not handle (yet)
};

constexpr const char* to_string(Status s) noexcept {
  switch (s) {
    case Status::Ok: return "ok";
    case Status::ArenaTooSmall: return "arena too small";
    case Status::ArenaMisaligned: return "arena not 64-byte aligned";
    case Status::InvalidArgument: return "invalid argument";
    case Status::NonFinite: return "non-finite value";
    case Status::IoError: return "i/o error";
    case Status::DecodeError: return "decode error";
    case Status::ImageTooLarge: return "image too large";
    case Status::EmptyImage: return "empty image";
    case Status::NoFace: return "no face";
    case Status::Degenerate: return "degenerate input";
    case Status::NotConverged: return "not converged";
    case Status::Unsupported: return "unsupported";
  }
  return "unknown status";
}

// An error: a machine-readable status plus a human-readable static message.
struct Error {
  Status status = Status::InvalidArgument;
  const char* message = "";
};

// Result<T>: either a T or an Error (a minimal std::expected<T, Error>, which C++20 lacks).
// Accessing the value of an error result (or the error of a value result) is a precondition
// violation; it traps rather than throwing.
template <class T>
class [[nodiscard]] Result {
  static_assert(!std::is_reference_v<T> && !std::is_same_v<std::remove_cv_t<T>, Error>,
                "Result<T>: T must be an object type other than Error");

 public:
  using value_type = T;

  Result(const T& v) : has_(true) { ::new (static_cast<void*>(&value_)) T(v); }
  Result(T&& v) noexcept(std::is_nothrow_move_constructible_v<T>) : has_(true) {
    ::new (static_cast<void*>(&value_)) T(std::move(v));
  }
  Result(Error e) noexcept : error_(e), has_(false) {}
  Result(Status s, const char* message) noexcept : error_{s, message}, has_(false) {}

  Result(const Result& o) : has_(o.has_) { copy_from(o); }
  Result(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) : has_(o.has_) {
    move_from(std::move(o));
  }
  Result& operator=(const Result& o) {
    if (this != &o) {
      destroy();
      has_ = o.has_;
      copy_from(o);
    }
    return *this;
  }
  Result& operator=(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (this != &o) {
      destroy();
      has_ = o.has_;
      move_from(std::move(o));
    }
    return *this;
  }
  ~Result() { destroy(); }

  [[nodiscard]] bool has_value() const noexcept { return has_; }
  explicit operator bool() const noexcept { return has_; }
  [[nodiscard]] Status status() const noexcept { return has_ ? Status::Ok : error_.status; }

  T& value() & noexcept { check(has_); return value_; }
  const T& value() const& noexcept { check(has_); return value_; }
  T&& value() && noexcept { check(has_); return std::move(value_); }
  T& operator*() & noexcept { return value(); }
  const T& operator*() const& noexcept { return value(); }
  T&& operator*() && noexcept { return std::move(*this).value(); }
  T* operator->() noexcept { return &value(); }
  const T* operator->() const noexcept { return &value(); }

  [[nodiscard]] const Error& error() const noexcept { check(!has_); return error_; }

 private:
  static void check(bool ok) noexcept {
    if (!ok) __builtin_trap();
  }
  void destroy() noexcept {
    if (has_) value_.~T();
  }
  void copy_from(const Result& o) {
    if (o.has_) ::new (static_cast<void*>(&value_)) T(o.value_);
    else error_ = o.error_;
  }
  void move_from(Result&& o) {
    if (o.has_) ::new (static_cast<void*>(&value_)) T(std::move(o.value_));
    else error_ = o.error_;
  }

  union {
    T value_;
    Error error_;
  };
  bool has_;
};

}  // namespace facenn
