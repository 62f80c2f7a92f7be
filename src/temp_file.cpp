#include "temp_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <utility>

#include "fd.hpp"

namespace runcpp::detail {

std::string runtime_dir() {
  for (const char* var : {"XDG_RUNTIME_DIR", "TMPDIR"}) {
    const char* v = std::getenv(var);  // NOLINT(concurrency-mt-unsafe): read-only
    // A variable naming a directory that is gone (a logged-out session's
    // XDG_RUNTIME_DIR) falls through to the next choice instead of failing.
    struct stat st {};
    if (v != nullptr && *v != '\0' && ::stat(v, &st) == 0 && S_ISDIR(st.st_mode)) return v;
  }
  return "/tmp";
}

result<temp_file> temp_file::create(std::string_view prefix, std::string_view contents) {
  std::string path = runtime_dir() + "/" + std::string(prefix) + "XXXXXX";
  unique_fd fd(::mkostemp(path.data(), O_CLOEXEC));  // mode 0600
  if (!fd) return sys_error(errc::io_error, "cannot create " + path);
  temp_file file(std::move(path));
  if (auto written = write_all(fd.get(), contents, "cannot write " + file.path_); !written)
    return std::move(written).error();
  return file;
}

temp_file::temp_file(temp_file&& o) noexcept : path_(std::exchange(o.path_, {})) {}

temp_file::~temp_file() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

}  // namespace runcpp::detail
