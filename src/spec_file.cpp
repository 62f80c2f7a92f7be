// spec::load_config and spec::save_config: config.json on disk. Saving is
// atomic (a new file in the same directory, fsync'ed, then renamed over the
// old one, and the directory fsync'ed), so a crash at any point leaves either
// the old config or the complete new one.

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

#include <runcpp/spec_config.hpp>

#include "fd.hpp"

namespace runcpp::spec {

namespace {

using detail::sys_error;

result<std::string> read_file(const std::string& path) {
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return sys_error(errc::io_error, "cannot open " + path);
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error(errc::io_error, "cannot read " + path);
    if (n == 0) return text;
    text.append(buf, static_cast<std::size_t>(n));
  }
}

// A name for the temporary file beside `path`: ".<name>.<16 hex digits>".
result<std::string> temp_name_beside(const std::filesystem::path& path) {
  std::uint64_t r = 0;
  for (;;) {
    const ssize_t n = ::getrandom(&r, sizeof r, 0);
    if (n == static_cast<ssize_t>(sizeof r)) break;
    if (n < 0 && errno != EINTR) return sys_error(errc::io_error, "getrandom");
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(r));
  std::string name = path.filename().string();
  name.insert(0, 1, '.');
  name += '.';
  name.append(hex, 16);
  return (path.parent_path() / name).string();
}

// Creates a new file (never an existing one) with mode 0666 minus the umask.
result<std::pair<unique_fd, std::string>> create_temp_beside(const std::filesystem::path& path) {
  for (;;) {
    auto name = temp_name_beside(path);
    if (!name) return std::move(name).error();
    unique_fd fd(::open(name->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (fd) return std::pair{std::move(fd), std::move(*name)};
    if (errno != EEXIST) return sys_error(errc::io_error, "cannot create " + *name);
  }
}

result<void> fsync_fd(int fd, const std::string& what) {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return sys_error(errc::io_error, "cannot fsync " + what);
  }
  return {};
}

// Makes a rename in `dir` durable.
result<void> fsync_directory(const std::filesystem::path& dir) {
  const std::string d = dir.empty() ? std::string(".") : dir.string();
  unique_fd fd(::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return sys_error(errc::io_error, "cannot open directory " + d);
  return fsync_fd(fd.get(), d);
}

// The temporary file's contents, flushed to disk, renamed over `target`.
result<void> replace_with(const std::string& target, unique_fd fd, const std::string& temp,
                          std::string_view text) {
  if (auto w = detail::write_all(fd.get(), text, "cannot write " + temp); !w) return w;
  if (auto s = fsync_fd(fd.get(), temp); !s) return s;
  if (::close(fd.release()) != 0) return sys_error(errc::io_error, "cannot close " + temp);
  if (::rename(temp.c_str(), target.c_str()) != 0)
    return sys_error(errc::io_error, "cannot rename " + temp + " to " + target);
  return {};
}

}  // namespace

result<config> load_config(const std::filesystem::path& path) {
  auto text = read_file(path.string());
  if (!text) return std::move(text).error();
  auto cfg = parse_config(*text);
  if (!cfg) return error(errc::parse_error, path.string() + ": " + cfg.error().message());
  return cfg;
}

result<void> save_config(const std::filesystem::path& path, const config& cfg) {
  const std::string text = serialize_config(cfg, json_layout::indented);
  auto temp = create_temp_beside(path);
  if (!temp) return std::move(temp).error();
  auto& [fd, name] = *temp;
  if (auto r = replace_with(path.string(), std::move(fd), name, text); !r) {
    ::unlink(name.c_str());
    return r;
  }
  return fsync_directory(path.parent_path());
}

}  // namespace runcpp::spec
