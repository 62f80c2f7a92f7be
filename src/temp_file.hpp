// Internal: a private 0600 file for one call (exec's process JSON, the
// per-call runc log), removed by the destructor on every path.
#pragma once

#include <string>
#include <string_view>

#include <runcpp/result.hpp>

namespace runcpp::detail {

// The directory for runtime files: $XDG_RUNTIME_DIR, else $TMPDIR, else /tmp
// (go-runc's choice, so rootless callers keep their files private). A variable
// that is unset, empty or not naming a directory is skipped.
std::string runtime_dir();

class temp_file {
 public:
  // Creates <runtime_dir()>/<prefix>XXXXXX with mode 0600 holding `contents`.
  // Errors: errc::io_error.
  static result<temp_file> create(std::string_view prefix, std::string_view contents = {});
  temp_file(temp_file&& o) noexcept;
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  temp_file& operator=(temp_file&&) = delete;
  ~temp_file();
  const std::string& path() const noexcept { return path_; }

 private:
  explicit temp_file(std::string p) : path_(std::move(p)) {}
  std::string path_;
};

}  // namespace runcpp::detail
