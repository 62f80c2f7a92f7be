// Shared fixture and helpers for the real-runtime tests in tests/runc. Every
// suite is value-parameterized over the runtimes, so each test runs against
// runc 1.1.5 and crun 1.8.1 (docs/runtimes.md lists where they differ):
//
//   class runc_io : public runcpp::testing::runc_fixture {};
//   TEST_P(runc_io, something) {
//     auto id = new_id();                      // force-deleted when the test ends
//     bundle_->set_args({"sleep", "1000"});
//     bundle_->write();
//     ASSERT_TRUE(client_->create(id, bundle_->path()));
//     if (is_crun()) { ...crun's behaviour... }
//   }
//   RUNCPP_ALL_RUNTIMES(io, runc_io);         // io/runc_io.something/runc, .../crun
//
// SetUp skips (with the reason printed) when this process is not root, when the
// runtime is not installed, when no busybox-static bundle can be built, or when
// crun refuses this machine's cgroup layout (scripts/test fixes the layout).
// Every container id from new_id() is `<runtime> delete --force`d by
// runtime_root's destructor, which runs after the test body whether or not an
// assertion failed.
//
// Note on gtest: each test file must derive its own fixture name from
// runc_fixture; a test suite name can belong to only one fixture class.
#pragma once

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <runcpp/runcpp.hpp>

#include "support/bundle.hpp"
#include "support/hygiene.hpp"

namespace runcpp::testing {

// The runtimes every real-runtime suite runs against; the parameter is the
// binary's name, looked up in PATH.
inline const std::vector<std::string>& all_runtimes() {
  static const std::vector<std::string> names{"runc", "crun"};
  return names;
}

inline std::string runtime_param_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

class runc_fixture : public hygiene_test, public ::testing::WithParamInterface<std::string> {
 protected:
  const std::string& runtime() const { return GetParam(); }
  bool is_crun() const { return runtime() == "crun"; }

  void SetUp() override {
    hygiene_test::SetUp();
    if (::geteuid() != 0) GTEST_SKIP() << "real-runtime tests need root";
    auto path = find_runtime(runtime());
    if (!path) GTEST_SKIP() << runtime() << " is not installed (scripts/test installs it)";
    runtime_path_ = *path;
    if (auto why = cgroup_layout_refuses(*path)) GTEST_SKIP() << *why;
    std::string why;
    bundle_ = busybox_bundle::make(&why);
    if (!bundle_) GTEST_SKIP() << "no busybox bundle: " << why;
    root_.emplace(*path);
    client_.emplace(config{.command = *path, .root = root_->path()});
  }

  // A fresh id whose container is force-deleted when the test ends, pass or fail.
  std::string new_id(std::string_view prefix = "rt") {
    auto id = unique_id(prefix);
    root_->track(id);
    return id;
  }

  // Polls state until `want` or `timeout` (a container's own exit is
  // asynchronous); returns the last status seen.
  container_status wait_for(const std::string& id, container_status want,
                            std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    container_status last = container_status::unknown;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto st = client_->state(id);
      if (st) last = st->status;
      if (last == want || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return last;
  }

  // Writes the bundle with `args` and runs it detached; the id is tracked.
  std::string run_detached(std::vector<std::string> args, std::string_view prefix = "rt") {
    auto id = new_id(prefix);
    bundle_->set_args(std::move(args));
    bundle_->write();
    auto r = client_->run(id, bundle_->path(), {.detach = true});
    EXPECT_TRUE(r) << "run --detach " << id << ": " << r.error();
    return id;
  }

  std::string runtime_path_;
  std::optional<busybox_bundle> bundle_;
  std::optional<runtime_root> root_;
  std::optional<client> client_;
};

// What read_until() saw.
struct read_outcome {
  std::string text;
  bool eof = false;        // read() returned 0 (or EIO: a pty whose other side is closed)
  bool timed_out = false;  // the deadline passed first
  int error = 0;           // errno of a failed poll/read other than EIO
};

// Reads `fd` (poll + read, so a blocking fd is fine) until done(text) is
// true, EOF, an error, or `deadline`. Without `done` it reads to EOF.
inline read_outcome read_until(int fd, std::chrono::steady_clock::time_point deadline,
                               const std::function<bool(const std::string&)>& done = {}) {
  read_outcome out;
  char buf[4096];
  while (!(done && done(out.text))) {
    auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      out.timed_out = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc < 0) {
      if (errno == EINTR) continue;
      out.error = errno;
      break;
    }
    if (rc == 0) continue;  // re-checks the deadline
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.text.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0 || errno == EIO) {
      out.eof = true;
      break;
    }
    if (errno == EINTR || errno == EAGAIN) continue;
    out.error = errno;
    break;
  }
  return out;
}

inline read_outcome read_until(int fd, std::chrono::milliseconds timeout,
                               const std::function<bool(const std::string&)>& done = {}) {
  return read_until(fd, std::chrono::steady_clock::now() + timeout, done);
}

// A predicate for read_until: `line` appears as a whole line (pty output ends
// lines with "\r\n", pipes with "\n").
inline std::function<bool(const std::string&)> has_line(std::string line) {
  return [line = std::move(line)](const std::string& text) {
    for (std::size_t pos = text.find(line); pos != std::string::npos; pos = text.find(line, pos + 1)) {
      bool starts = pos == 0 || text[pos - 1] == '\n';
      std::size_t end = pos + line.size();
      bool ends =
          end < text.size() &&
          (text[end] == '\n' || (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n'));
      if (starts && ends) return true;
    }
    return false;
  };
}

// Writes all of `text` to `fd`; false on error.
inline bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace runcpp::testing

// Instantiates the TEST_Ps of `fixture` once per runtime, named
// prefix/fixture.test/runc and prefix/fixture.test/crun.
#define RUNCPP_ALL_RUNTIMES(prefix, fixture)                                                        \
  INSTANTIATE_TEST_SUITE_P(prefix, fixture, ::testing::ValuesIn(::runcpp::testing::all_runtimes()), \
                           ::runcpp::testing::runtime_param_name)
