#include <runcpp/io.hpp>

#include <unistd.h>

#include "fd.hpp"

namespace runcpp {
namespace {

// -1 in every slot: the spawner opens /dev/null read-write for each.
class null_io_impl final : public io {
 public:
  stdio_fds child_fds() const override { return {}; }
};

class inherit_io_impl final : public io {
 public:
  stdio_fds child_fds() const override { return {0, 1, 2}; }
};

class fd_io_impl final : public io {
 public:
  explicit fd_io_impl(stdio_fds fds) : fds_(fds) {}
  stdio_fds child_fds() const override { return fds_; }

 private:
  stdio_fds fds_;
};

// A pipe for one stream; `child_end` is fchowned (the end runc gets).
result<pipe_io::ends> make_stream(bool open, bool child_reads, int uid, int gid, const char* name) {
  if (!open) return pipe_io::ends{};
  auto p = detail::make_pipe();
  if (!p) return std::move(p).error();
  int child_end = child_reads ? p->read.get() : p->write.get();
  if ((uid != -1 || gid != -1) && ::fchown(child_end, static_cast<uid_t>(uid), static_cast<gid_t>(gid)) != 0)
    return detail::sys_error(errc::io_error, std::string("failed to chown ") + name);
  return pipe_io::ends{std::move(p->read), std::move(p->write)};
}

}  // namespace

result<std::shared_ptr<pipe_io>> pipe_io::create(int uid, int gid, pipe_options opts) {
  auto in = make_stream(opts.open_stdin, true, uid, gid, "stdin");
  if (!in) return std::move(in).error();
  auto out = make_stream(opts.open_stdout, false, uid, gid, "stdout");
  if (!out) return std::move(out).error();
  auto err = make_stream(opts.open_stderr, false, uid, gid, "stderr");
  if (!err) return std::move(err).error();
  return std::make_shared<pipe_io>(std::move(*in), std::move(*out), std::move(*err));
}

stdio_fds pipe_io::child_fds() const { return {stdin_.read.get(), stdout_.write.get(), stderr_.write.get()}; }

void pipe_io::close_after_start() noexcept {
  stdin_.read.reset();
  stdout_.write.reset();
  stderr_.write.reset();
}

std::shared_ptr<io> fd_io(int in, int out, int err) {
  return std::make_shared<fd_io_impl>(stdio_fds{in, out, err});
}

std::shared_ptr<io> null_io() { return std::make_shared<null_io_impl>(); }
std::shared_ptr<io> inherit_io() { return std::make_shared<inherit_io_impl>(); }

}  // namespace runcpp
