#include "rootfs_populate.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

#include "fd.hpp"

namespace runcpp::detail {
namespace {

namespace fs = std::filesystem;
using entry = bundle_builder::rootfs_entry;

error fs_error(const std::string& what, const std::error_code& ec) {
  return error(errc::io_error, what + ": " + ec.message()).with_cause(ec);
}

// `path` inside the container ("/bin/sh" or "bin/sh") as a path under rootfs.
result<fs::path> inside(const fs::path& rootfs, const std::string& path) {
  const fs::path rel = fs::path(path).relative_path().lexically_normal();
  bool escapes = rel.empty() || rel == ".";
  for (const auto& part : fs::path(path)) escapes = escapes || part == "..";
  if (escapes)
    return error(errc::invalid_argument, "rootfs entry \"" + path + "\" is not a path inside the rootfs");
  return rootfs / rel;
}

result<void> make_parent(const fs::path& target) {
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return fs_error("create " + target.parent_path().string(), ec);
  return {};
}

// Writes what `fill` writes to a fresh temporary file beside `target`, sets
// `mode`, then renames it over `target`.
template <typename Fill>
result<void> replace_file(const fs::path& target, mode_t mode, Fill fill) {
  if (auto r = make_parent(target); !r) return r;
  std::string tmp = target.string() + ".runcpp-XXXXXX";
  unique_fd fd(::mkostemp(tmp.data(), O_CLOEXEC));
  if (!fd) return sys_error(errc::io_error, "create a temporary file for " + target.string());
  auto written = fill(fd.get());
  if (written && ::fchmod(fd.get(), mode) != 0) written = sys_error(errc::io_error, "chmod " + tmp);
  if (written && ::rename(tmp.c_str(), target.c_str()) != 0)
    written = sys_error(errc::io_error, "rename to " + target.string());
  if (!written) ::unlink(tmp.c_str());
  return written;
}

result<void> make_directory(const fs::path& target, fs::perms mode) {
  std::error_code ec;
  fs::create_directories(target, ec);
  if (!ec) fs::permissions(target, mode, ec);
  if (ec) return fs_error("create directory " + target.string(), ec);
  return {};
}

result<void> copy_contents(int from, int to, const std::string& what) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(from, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error(errc::io_error, "read " + what);
    if (n == 0) return {};
    if (auto r = write_all(to, std::string_view(buf, static_cast<std::size_t>(n)), "copy " + what); !r)
      return r;
  }
}

result<void> copy_in(const fs::path& source, const fs::path& target) {
  unique_fd from(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat src {};
  if (!from || ::fstat(from.get(), &src) != 0) return sys_error(errc::io_error, "open " + source.string());
  struct stat dst {};
  if (::stat(target.c_str(), &dst) == 0 && dst.st_size == src.st_size &&
      dst.st_mtim.tv_sec >= src.st_mtim.tv_sec)
    return {};  // already there (and perhaps running: never rewritten in place)
  return replace_file(target, src.st_mode & 07777,
                      [&](int to) { return copy_contents(from.get(), to, source.string()); });
}

result<void> make_symlink(const std::string& link_target, const fs::path& target) {
  std::error_code ec;
  if (fs::is_symlink(target, ec) && fs::read_symlink(target, ec) == link_target) return {};
  if (auto r = make_parent(target); !r) return r;
  fs::remove(target, ec);
  if (!ec) fs::create_symlink(link_target, target, ec);
  if (ec) return fs_error("symlink " + target.string(), ec);
  return {};
}

result<void> make_entry(const fs::path& rootfs, const entry& e) {
  auto target = inside(rootfs, e.path);
  if (!target) return target.error();
  switch (e.what) {
    case entry::kind::directory: return make_directory(*target, e.mode);
    case entry::kind::copy: return copy_in(e.source, *target);
    case entry::kind::symlink: return make_symlink(e.source, *target);
    case entry::kind::file:
      return replace_file(*target, static_cast<mode_t>(e.mode),
                          [&](int fd) { return write_all(fd, e.source, "write " + target->string()); });
  }
  return error(errc::invalid_argument, "unknown rootfs entry kind");
}

}  // namespace

result<void> populate_rootfs(const fs::path& rootfs, const std::vector<entry>& entries) {
  std::error_code ec;
  fs::create_directories(rootfs, ec);
  if (ec) return fs_error("create rootfs " + rootfs.string(), ec);
  for (const auto& e : entries) {
    if (auto r = make_entry(rootfs, e); !r) return r;
  }
  return {};
}

}  // namespace runcpp::detail
