#include "binary_logger.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "file_io.hpp"

namespace runcpp::shim {
namespace {

struct pipe_pair {
  unique_fd read, write;
};

// Blocks until `fd` is readable (a byte or EOF) or `limit` passed.
bool wait_readable(int fd, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() < 0) return false;
    pollfd pfd{fd, POLLIN, 0};
    const int n = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

}  // namespace

binary_logger::binary_logger(std::unique_ptr<child_process> child, pipes p) noexcept
    : child_(std::move(child)), pipes_(std::move(p)) {}

// Never touches loop_: while stop() waits, only the loop's own callbacks hold the
// logger, so it is destroyed from inside a loop that is going away.
binary_logger::~binary_logger() = default;

std::string binary_logger::start(process_monitor& m, const stdio_uri& uri, const logger_identity& who,
                                 std::shared_ptr<binary_logger>& out) {
  pipe_pair o, e, ready;
  if (!make_pipe(o.read, o.write) || !make_pipe(e.read, e.write) || !make_pipe(ready.read, ready.write))
    return std::string("failed to create logging pipes: ") + std::strerror(errno);
  spawn_request req{.executable = uri.path,
                    .argv = {uri.path},
                    .env = {"CONTAINER_ID=" + who.id, "CONTAINER_NAMESPACE=" + who.ns},
                    .fds = {-1, -1, -1, o.read.get(), e.read.get(), ready.write.get()}};
  req.argv.insert(req.argv.end(), uri.args.begin(), uri.args.end());
  auto child = m.start(req);
  if (!child) return "failed to start binary process: " + child.error().message();
  ready.write.reset();  // EOF on the read end once the program closed its copy
  if (!wait_readable(ready.read.get(), ready_limit)) {
    (void)(*child)->signal(SIGKILL, false);
    return "logging binary " + uri.path + " was not ready within " + std::to_string(ready_limit.count()) +
           " s";
  }
  char byte = 0;
  (void)::read(ready.read.get(), &byte, 1);
  out = std::make_shared<binary_logger>(std::move(*child), pipes{std::move(o.write), std::move(e.write),
                                                                 std::move(o.read), std::move(e.read)});
  return {};
}

void binary_logger::close_container_ends() noexcept { pipes_ = {}; }

void binary_logger::stop(ttrpc::loop& l, std::function<void()> done) {
  pipes_ = {};
  loop_ = &l;
  done_ = std::move(done);
  (void)child_->signal(SIGTERM, false);
  auto self = shared_from_this();
  // Level-triggered: an exit collected before this call is seen on the next iteration.
  l.add(child_->exit_fd(), EPOLLIN, [self](std::uint32_t) { self->exited(); });
  kill_timer_ = l.add_timer(std::chrono::steady_clock::now() + term_limit,
                            [self] { (void)self->child_->signal(SIGKILL, false); });
}

void binary_logger::exited() {
  auto status = child_->try_wait();
  if (status && !*status) return;  // not collected yet
  loop_->remove(child_->exit_fd());
  loop_->cancel_timer(kill_timer_);
  loop_ = nullptr;
  if (auto done = std::exchange(done_, nullptr)) done();
}

}  // namespace runcpp::shim
