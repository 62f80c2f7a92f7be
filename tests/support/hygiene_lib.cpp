#include "support/hygiene.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#ifndef RUNCPP_FAKE_RUNC
#error "RUNCPP_FAKE_RUNC must be defined by the build (tests/CMakeLists.txt)"
#endif
#ifndef RUNCPP_TEST_DATA_DIR
#error "RUNCPP_TEST_DATA_DIR must be defined by the build (tests/CMakeLists.txt)"
#endif

namespace runcpp::testing {
namespace {

using namespace std::chrono_literals;

template <typename Int>
bool parse_int(std::string_view text, Int& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size() && !text.empty();
}

std::vector<int> difference(const std::vector<int>& now, const std::vector<int>& baseline) {
  std::vector<int> extra;
  std::set_difference(now.begin(), now.end(), baseline.begin(), baseline.end(), std::back_inserter(extra));
  return extra;
}

std::string describe_pids(const std::vector<pid_t>& pids) {
  std::string out;
  for (pid_t pid : pids) {
    if (!out.empty()) {
      out += ", ";
    }
    out += std::to_string(pid) + " (" + process_name(pid) + ")";
  }
  return out;
}

// Kills (if still running) and reaps one child; waits on that pid only.
void kill_and_reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, 0);
    if (r >= 0 || errno != EINTR) {
      return;
    }
  }
}

}  // namespace

std::vector<int> open_fds() {
  std::vector<int> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) {
    throw std::system_error(errno, std::generic_category(), "opendir /proc/self/fd");
  }
  const int own = ::dirfd(dir);
  while (const dirent* entry = ::readdir(dir)) {
    int fd = -1;
    if (parse_int(entry->d_name, fd) && fd != own) {
      fds.push_back(fd);
    }
  }
  ::closedir(dir);
  std::sort(fds.begin(), fds.end());
  return fds;
}

std::string describe_fd(int fd) {
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  char buf[4096];
  const ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
  if (n < 0) {
    return std::string("?") + std::strerror(errno);
  }
  return std::string(buf, static_cast<std::size_t>(n));
}

std::string describe_fds(const std::vector<int>& fds) {
  std::string out;
  for (int fd : fds) {
    if (!out.empty()) {
      out += ", ";
    }
    out += std::to_string(fd) + " -> " + describe_fd(fd);
  }
  return out;
}

std::vector<int> leaked_fds(const std::vector<int>& baseline, std::chrono::milliseconds settle) {
  const auto deadline = std::chrono::steady_clock::now() + settle;
  for (;;) {
    std::vector<int> extra = difference(open_fds(), baseline);
    if (extra.empty() || std::chrono::steady_clock::now() >= deadline) {
      return extra;
    }
    std::this_thread::sleep_for(10ms);
  }
}

pid_t unreaped_child() {
  siginfo_t info{};
  for (;;) {
    info.si_pid = 0;
    if (::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0) {
      return info.si_pid;  // 0 when children exist but none has exited
    }
    if (errno == EINTR) {
      continue;
    }
    return 0;  // ECHILD: no children at all
  }
}

bool has_unreaped_children() { return unreaped_child() != 0; }

std::vector<pid_t> child_processes() {
  std::vector<pid_t> children;
  const pid_t self = ::getpid();
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) {
    return children;
  }
  while (const dirent* entry = ::readdir(dir)) {
    pid_t pid = 0;
    if (!parse_int(entry->d_name, pid)) {
      continue;
    }
    std::ifstream stat("/proc/" + std::string(entry->d_name) + "/stat");
    std::string line;
    if (!stat || !std::getline(stat, line)) {
      continue;  // gone meanwhile
    }
    // "pid (comm) state ppid ..." — comm may hold spaces and parentheses.
    const auto close = line.rfind(')');
    if (close == std::string::npos) {
      continue;
    }
    std::istringstream rest(line.substr(close + 1));
    std::string state;
    pid_t ppid = 0;
    if (rest >> state >> ppid && ppid == self) {
      children.push_back(pid);
    }
  }
  ::closedir(dir);
  std::sort(children.begin(), children.end());
  return children;
}

std::string process_name(pid_t pid) {
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  if (!comm || !std::getline(comm, name)) {
    return "?";
  }
  return name;
}

std::string fake_runc_path() { return RUNCPP_FAKE_RUNC; }

std::filesystem::path test_data_path(std::string_view relative) {
  return std::filesystem::path(RUNCPP_TEST_DATA_DIR) / relative;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot open " + path.string());
  }
  std::ostringstream data;
  data << in.rdbuf();
  if (in.bad()) {
    throw std::runtime_error("cannot read " + path.string());
  }
  return std::move(data).str();
}

std::string test_data(std::string_view relative) { return read_file(test_data_path(relative)); }

std::string read_to_eof(int fd) {
  std::string text;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

bool wait_for_path(const std::filesystem::path& path, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(5ms);
  }
}

// --- temp_dir ---------------------------------------------------------------------

temp_dir::temp_dir() : temp_dir("runcpp-test") {}

temp_dir::temp_dir(std::string_view prefix) {
  std::string tmpl = "/tmp/" + std::string(prefix) + "-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + tmpl);
  }
  path_ = tmpl;
}

temp_dir::~temp_dir() { remove(); }

temp_dir::temp_dir(temp_dir&& other) noexcept : path_(std::exchange(other.path_, {})) {}

temp_dir& temp_dir::operator=(temp_dir&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::exchange(other.path_, {});
  }
  return *this;
}

void temp_dir::remove() noexcept {
  if (!path_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    path_.clear();
  }
}

// --- hygiene_test -----------------------------------------------------------------

void hygiene_test::SetUp() { baseline_ = open_fds(); }

void hygiene_test::TearDown() {
  if (check_children_) {
    // Strict: a call that returned must already have reaped its runtime.
    std::vector<pid_t> zombies;
    for (pid_t pid = unreaped_child(); pid != 0; pid = unreaped_child()) {
      zombies.push_back(pid);
      const std::string name = process_name(pid);
      kill_and_reap(pid);
      ADD_FAILURE() << "unreaped child process (zombie) at the end of the test: " << pid << " (" << name
                    << ")";
    }

    // A child still running may be on its way out (killed by a destructor).
    std::vector<pid_t> live = child_processes();
    const auto deadline = std::chrono::steady_clock::now() + 200ms;
    while (!live.empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
      live = child_processes();
    }
    if (!live.empty()) {
      ADD_FAILURE() << "child processes still exist at the end of the test: " << describe_pids(live);
      for (pid_t pid : live) {
        kill_and_reap(pid);
      }
    }
  }

  const std::vector<int> leaked = leaked_fds(baseline_);
  if (!leaked.empty()) {
    ADD_FAILURE() << "file descriptors leaked by the test: " << describe_fds(leaked);
  }
}

}  // namespace runcpp::testing
