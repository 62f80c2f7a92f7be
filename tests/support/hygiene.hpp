// Test-support helpers: fd-leak and child-process checks, paths of the test
// helpers, temporary directories. fake_runc's records: support/json.hpp.
//
// Every integration test fixture derives from runcpp::testing::hygiene_test:
//
//   class client_exec : public runcpp::testing::hygiene_test {};
//   TEST_F(client_exec, RecordsArgv) { ... }
//
// A fixture that overrides SetUp/TearDown must call hygiene_test::SetUp() first
// and hygiene_test::TearDown() last. fds that a fixture keeps for the whole test
// are best opened in its constructor (before the baseline is taken) or closed
// before hygiene_test::TearDown() runs.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace runcpp::testing {

// Open fds of this process, sorted, without the fd used to list /proc/self/fd.
std::vector<int> open_fds();

// readlink(/proc/self/fd/<fd>), e.g. "pipe:[1234]" or "/dev/null"; "?<error>" when
// the fd is not open.
std::string describe_fd(int fd);

// "5 -> pipe:[1234], 7 -> socket:[99]" for the given fds.
std::string describe_fds(const std::vector<int>& fds);

// The fds open now that are not in `baseline` (sorted). If there are some, polls
// again until they are gone or `settle` has passed (another thread may be about
// to close them), then returns what is still open.
std::vector<int> leaked_fds(const std::vector<int>& baseline,
                            std::chrono::milliseconds settle = std::chrono::milliseconds(200));

// True if a child of this process has exited and not been reaped (a zombie).
// Uses waitid(P_ALL, WEXITED|WNOHANG|WNOWAIT), so nothing is reaped; ECHILD -> false.
bool has_unreaped_children();

// The pid of one unreaped (zombie) child, or 0 if there is none.
pid_t unreaped_child();

// Children of this process that exist now, running or zombie (read from
// /proc/<pid>/stat, since /proc/self/task/*/children is not always built in).
std::vector<pid_t> child_processes();

// /proc/<pid>/comm of a process, or "?" if it is gone.
std::string process_name(pid_t pid);

// Absolute path of the fake_runc binary (RUNCPP_FAKE_RUNC).
std::string fake_runc_path();

// Absolute path of a file under tests/data (RUNCPP_TEST_DATA_DIR).
std::filesystem::path test_data_path(std::string_view relative);

// Contents of a file under tests/data; throws std::runtime_error if unreadable.
std::string test_data(std::string_view relative);

// Whole contents of a file; throws std::runtime_error if unreadable.
std::string read_file(const std::filesystem::path& path);

// Reads `fd` to EOF, giving up after 5 s so that a bug fails instead of hanging.
std::string read_to_eof(int fd);

// Polls until `path` exists or `timeout` passes; returns whether it exists.
bool wait_for_path(const std::filesystem::path& path,
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

// A fresh directory /tmp/runcpp-test-XXXXXX, removed with its contents by the
// destructor. Movable, not copyable.
class temp_dir {
 public:
  temp_dir();
  explicit temp_dir(std::string_view prefix);
  ~temp_dir();
  temp_dir(temp_dir&& other) noexcept;
  temp_dir& operator=(temp_dir&& other) noexcept;
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  void remove() noexcept;
  std::filesystem::path path_;
};

// gtest fixture base: SetUp records the open fds; TearDown fails the test if
//  - a child process is a zombie (the library must reap before a call returns),
//  - a child process still runs (after a settle of up to 200 ms), or
//  - an fd is open that was not open at SetUp (after a settle of up to 200 ms);
// the failure lists the fds with their readlink targets. Leaked children are then
// killed and reaped so they do not outlive the test.
class hygiene_test : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The fds open when SetUp ran.
  const std::vector<int>& baseline_fds() const noexcept { return baseline_; }

  // A test that makes this process a subreaper (so orphans become its children)
  // may turn the child-process checks off.
  bool check_children_ = true;

 private:
  std::vector<int> baseline_;
};

}  // namespace runcpp::testing
