// Self-tests of tests/support: fake_runc's recorder and behaviours, and the hygiene
// checks every integration fixture relies on. These spawn fake_runc directly with
// posix_spawn, so they do not depend on the runcpp client.
#include <fcntl.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <runcpp/spec_config.hpp>

#include "support/bundle.hpp"
#include "support/hygiene.hpp"
#include "support/json.hpp"

namespace {

using namespace std::chrono_literals;
using runcpp::testing::temp_dir;

// --- small process helpers (test-local, no runcpp) --------------------------------

struct unique_fd {
  int fd = -1;
  unique_fd() = default;
  explicit unique_fd(int f) : fd(f) {}
  unique_fd(unique_fd&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
  unique_fd& operator=(unique_fd&& o) noexcept {
    reset(std::exchange(o.fd, -1));
    return *this;
  }
  ~unique_fd() { reset(); }
  void reset(int f = -1) {
    if (fd >= 0) {
      ::close(fd);
    }
    fd = f;
  }
};

struct pipe_pair {
  unique_fd read, write;
};

pipe_pair make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
  return {unique_fd(fds[0]), unique_fd(fds[1])};
}

struct spawn_setup {
  std::vector<std::string> args;  // after argv[0]
  std::vector<std::string> env;
  int stdin_fd = -1;           // -1: /dev/null
  int stdout_fd = -1;          // -1: /dev/null
  int stderr_fd = -1;          // -1: /dev/null
  std::vector<int> extra_fds;  // become fds 3, 4, ... in the child
  std::string cwd;
  bool new_pgroup = false;
  sigset_t* sigmask = nullptr;  // nullptr: empty mask
};

// Spawns fake_runc with exactly the fds 0-2 (+ extra_fds as 3, 4, ...): every other
// fd is closed in the child, whatever the test process inherited.
pid_t spawn_fake(const spawn_setup& s) {
  std::vector<std::string> argv_s = {runcpp::testing::fake_runc_path()};
  argv_s.insert(argv_s.end(), s.args.begin(), s.args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s = s.env;
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  auto plumb = [&](int src, int target, int flags) {
    if (src >= 0) {
      posix_spawn_file_actions_adddup2(&fa, src, target);
    } else {
      posix_spawn_file_actions_addopen(&fa, target, "/dev/null", flags, 0);
    }
  };
  plumb(s.stdin_fd, 0, O_RDONLY);
  plumb(s.stdout_fd, 1, O_WRONLY);
  plumb(s.stderr_fd, 2, O_WRONLY);
  int next = 3;
  for (int fd : s.extra_fds) {
    posix_spawn_file_actions_adddup2(&fa, fd, next++);
  }
  posix_spawn_file_actions_addclosefrom_np(&fa, next);
  if (!s.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&fa, s.cwd.c_str());
  }
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr, s.sigmask != nullptr ? s.sigmask : &empty);
  short flags = POSIX_SPAWN_SETSIGMASK;
  if (s.new_pgroup) {
    flags = static_cast<short>(flags | POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
  }
  posix_spawnattr_setflags(&attr, flags);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    throw std::system_error(rc, std::generic_category(), "posix_spawn fake_runc");
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      ADD_FAILURE() << "waitpid: " << std::strerror(errno);
      return -1;
    }
  }
  return status;
}

// Runs fake_runc to completion; returns the wait status.
int run_fake(const spawn_setup& s) { return wait_for(spawn_fake(s)); }

// Reads both pipes together until both reach EOF.
std::pair<std::string, std::string> drain(int out_fd, int err_fd) {
  std::string out, err;
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_count = 2;
  char buf[65536];
  while (open_count > 0) {
    if (::poll(fds, 2, 10000) <= 0) {
      ADD_FAILURE() << "drain: poll timed out or failed";
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? out : err).append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  return {out, err};
}

class fake_runc : public runcpp::testing::hygiene_test {
 protected:
  temp_dir dir_;
  std::string record_path() const { return (dir_.path() / "record.json").string(); }
};

// --- fake_runc: the recorder ------------------------------------------------------

TEST_F(fake_runc, RecordsArgvEnvFdsAndProcessState) {
  auto extra = make_pipe();
  auto out = make_pipe();
  spawn_setup s;
  s.args = {"--root",   "/run/x", "state", "id with space", "\xc3\xbcnicode", "quote\"back\\slash",
            "ctl\x01\n"};
  s.env = {"FAKE_RUNC_RECORD=" + record_path(), "A=1", "WEIRD=tab\there", "BIN=\xff"};
  s.stdout_fd = out.write.fd;
  s.extra_fds = {extra.read.fd};
  s.cwd = dir_.path().string();
  s.new_pgroup = true;
  int status = run_fake(s);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);

  auto rec = runcpp::testing::read_record(record_path());
  auto argv = rec.at("argv").get<std::vector<std::string>>();
  std::vector<std::string> want_argv = {runcpp::testing::fake_runc_path()};
  want_argv.insert(want_argv.end(), s.args.begin(), s.args.end());
  EXPECT_EQ(argv, want_argv);
  auto env = rec.at("env").get<std::vector<std::string>>();
  EXPECT_EQ(env, (std::vector<std::string>{"FAKE_RUNC_RECORD=" + record_path(), "A=1", "WEIRD=tab\there",
                                           "BIN=\xc3\xbf"}))
      << "invalid UTF-8 is recorded as Latin-1";
  EXPECT_EQ(rec.at("fds").get<std::vector<int>>(), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(rec.at("fd_targets").at("3").get<std::string>().rfind("pipe:", 0), 0u);
  EXPECT_EQ(rec.at("cwd"), dir_.path().string());
  EXPECT_EQ(rec.at("pgid_is_pid"), true);
  EXPECT_EQ(rec.at("sigmask_empty"), true);
  EXPECT_EQ(rec.at("sigpipe_default"), true);
  EXPECT_EQ(rec.at("stdin_is_devnull"), true);
  EXPECT_EQ(rec.at("stdout_is_devnull"), false);
  EXPECT_EQ(rec.at("stderr_is_devnull"), true);
  EXPECT_EQ(rec.at("ppid"), ::getpid());
  EXPECT_TRUE(rec.at("stdin_data").is_null());
}

TEST_F(fake_runc, RecordsInheritedSignalStateAndProcessGroup) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  struct sigaction ignore {
  }, saved{};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ASSERT_EQ(::sigaction(SIGPIPE, &ignore, &saved), 0);  // inherited across exec
  spawn_setup s;
  s.env = {"FAKE_RUNC_RECORD=" + record_path()};
  s.sigmask = &mask;
  int status = run_fake(s);
  ::sigaction(SIGPIPE, &saved, nullptr);
  ASSERT_TRUE(WIFEXITED(status));

  auto rec = runcpp::testing::read_record(record_path());
  EXPECT_EQ(rec.at("sigmask_empty"), false);
  EXPECT_EQ(rec.at("blocked_signals").get<std::vector<int>>(), std::vector<int>{SIGUSR1});
  EXPECT_EQ(rec.at("sigpipe_default"), false);
  EXPECT_EQ(rec.at("ignored_signals").get<std::vector<int>>(), std::vector<int>{SIGPIPE});
  EXPECT_EQ(rec.at("pgid_is_pid"), false);
}

TEST_F(fake_runc, RecordsStdinData) {
  auto in = make_pipe();
  spawn_setup s;
  s.env = {"FAKE_RUNC_RECORD=" + record_path(), "FAKE_RUNC_READ_STDIN=1", "FAKE_RUNC_ECHO_STDIN=1"};
  s.stdin_fd = in.read.fd;
  auto out = make_pipe();
  auto err = make_pipe();
  s.stdout_fd = out.write.fd;
  s.stderr_fd = err.write.fd;
  pid_t pid = spawn_fake(s);
  in.read.reset();
  out.write.reset();
  err.write.reset();
  const std::string data = std::string("line 1\n\"quoted\"\0nul", 19);
  ASSERT_EQ(::write(in.write.fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  in.write.reset();
  auto [stdout_text, stderr_text] = drain(out.read.fd, err.read.fd);
  int status = wait_for(pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << stderr_text;
  EXPECT_EQ(runcpp::testing::read_record(record_path()).at("stdin_data"), data);
  EXPECT_EQ(stdout_text, data);
  EXPECT_EQ(runcpp::testing::read_record(record_path()).at("stdin_is_devnull"), false);
}

TEST_F(fake_runc, WithoutVariablesExitsZeroSilently) {
  auto out = make_pipe();
  auto err = make_pipe();
  spawn_setup s;
  s.stdout_fd = out.write.fd;
  s.stderr_fd = err.write.fd;
  pid_t pid = spawn_fake(s);
  out.write.reset();
  err.write.reset();
  auto [o, e] = drain(out.read.fd, err.read.fd);
  int status = wait_for(pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(o, "");
  EXPECT_EQ(e, "");
}

TEST_F(fake_runc, RecordsParentDeathSignal) {
  EXPECT_EQ(runcpp::testing::read_record([&] {
              spawn_setup s;
              s.env = {"FAKE_RUNC_RECORD=" + record_path()};
              run_fake(s);
              return record_path();
            }())
                .at("pdeath_signal"),
            0);
  // posix_spawn cannot set it: fork, prctl, exec (it survives execve).
  std::string path = runcpp::testing::fake_runc_path();
  std::string env0 = "FAKE_RUNC_RECORD=" + record_path();
  char* argv[] = {path.data(), nullptr};
  char* envp[] = {env0.data(), nullptr};
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGUSR2);
    ::execve(argv[0], argv, envp);
    ::_exit(127);
  }
  int status = wait_for(pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(runcpp::testing::read_record(record_path()).at("pdeath_signal"), SIGUSR2);
}

TEST_F(fake_runc, WritesOwnNumberToExtraFds) {
  auto a = make_pipe();
  auto b = make_pipe();
  spawn_setup s;
  s.env = {"FAKE_RUNC_WRITE_FDS=3"};  // fd 5 is not open: skipped
  s.extra_fds = {a.write.fd, b.write.fd};
  int status = run_fake(s);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  a.write.reset();
  b.write.reset();
  char buf[16] = {};
  EXPECT_EQ(::read(a.read.fd, buf, sizeof buf), 1);
  EXPECT_EQ(std::string(buf), "3");
  std::memset(buf, 0, sizeof buf);
  EXPECT_EQ(::read(b.read.fd, buf, sizeof buf), 1);
  EXPECT_EQ(std::string(buf), "4");
}

// --- fake_runc: exit status ---------------------------------------------------------

TEST_F(fake_runc, ExitsWithRequestedCode) {
  for (int code : {1, 42, 255}) {
    spawn_setup s;
    s.env = {"FAKE_RUNC_EXIT=" + std::to_string(code)};
    int status = run_fake(s);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), code);
  }
}

TEST_F(fake_runc, KillsItselfWithRequestedSignal) {
  const std::pair<std::string, int> cases[] = {{"9", SIGKILL},
                                               {"TERM", SIGTERM},
                                               {"SIGSEGV", SIGSEGV},
                                               {"USR1", SIGUSR1}};
  for (const auto& [name, sig] : cases) {
    spawn_setup s;
    s.env = {"FAKE_RUNC_SIGNAL=" + name, "FAKE_RUNC_EXIT=3"};
    int status = run_fake(s);
    ASSERT_TRUE(WIFSIGNALED(status)) << name << " status " << status;
    EXPECT_EQ(WTERMSIG(status), sig) << name;
    EXPECT_FALSE(WCOREDUMP(status)) << name;
  }
}

TEST_F(fake_runc, SurvivingSignalFallsBackToExitCode) {
  spawn_setup s;
  s.env = {"FAKE_RUNC_SIGNAL=CHLD", "FAKE_RUNC_EXIT=3"};
  int status = run_fake(s);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
}

TEST_F(fake_runc, MalformedValueExits125WithMessage) {
  auto out = make_pipe();
  auto err = make_pipe();
  spawn_setup s;
  s.env = {"FAKE_RUNC_EXIT=abc"};
  s.stdout_fd = out.write.fd;
  s.stderr_fd = err.write.fd;
  pid_t pid = spawn_fake(s);
  out.write.reset();
  err.write.reset();
  auto [o, e] = drain(out.read.fd, err.read.fd);
  int status = wait_for(pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 125);
  EXPECT_NE(e.find("FAKE_RUNC_EXIT=abc"), std::string::npos) << e;
}

// --- fake_runc: output --------------------------------------------------------------

TEST_F(fake_runc, WritesStdoutFileThenTextAndStderr) {
  const auto fixture = dir_.path() / "fixture.txt";
  {
    std::FILE* f = std::fopen(fixture.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("from file\n", f);
    std::fclose(f);
  }
  auto out = make_pipe();
  auto err = make_pipe();
  spawn_setup s;
  s.env = {"FAKE_RUNC_STDOUT_FILE=" + fixture.string(), "FAKE_RUNC_STDOUT=text\n", "FAKE_RUNC_STDERR=oops\n",
           "FAKE_RUNC_EXIT=1"};
  s.stdout_fd = out.write.fd;
  s.stderr_fd = err.write.fd;
  pid_t pid = spawn_fake(s);
  out.write.reset();
  err.write.reset();
  auto [o, e] = drain(out.read.fd, err.read.fd);
  int status = wait_for(pid);
  EXPECT_EQ(o, "from file\ntext\n");
  EXPECT_EQ(e, "oops\n");
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
}

TEST_F(fake_runc, FloodsStdoutAndStderrAtOnce) {
  constexpr std::size_t bytes = 3 * 1024 * 1024 + 17;  // far beyond a 64 KiB pipe
  auto out = make_pipe();
  auto err = make_pipe();
  spawn_setup s;
  s.env = {"FAKE_RUNC_FLOOD=" + std::to_string(bytes)};
  s.stdout_fd = out.write.fd;
  s.stderr_fd = err.write.fd;
  pid_t pid = spawn_fake(s);
  out.write.reset();
  err.write.reset();
  auto [o, e] = drain(out.read.fd, err.read.fd);
  int status = wait_for(pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ASSERT_EQ(o.size(), bytes);
  ASSERT_EQ(e.size(), bytes);
  EXPECT_EQ(o.substr(0, 64), std::string(63, 'o') + "\n");
  EXPECT_EQ(e.substr(0, 64), std::string(63, 'e') + "\n");
}

TEST_F(fake_runc, FloodBlocksWhenOnlyOnePipeIsRead) {
  // Proves the flood is concurrent: with stderr never read, the fake cannot finish
  // even after stdout was read to the end of what it had written.
  auto out = make_pipe();
  auto err = make_pipe();
  spawn_setup s;
  s.env = {"FAKE_RUNC_FLOOD=1048576"};
  s.stdout_fd = out.write.fd;
  s.stderr_fd = err.write.fd;
  pid_t pid = spawn_fake(s);
  out.write.reset();
  err.write.reset();
  std::size_t got = 0;
  char buf[65536];
  ssize_t n;
  while (got < 1048576u && (n = ::read(out.read.fd, buf, sizeof buf)) > 0) {
    got += static_cast<std::size_t>(n);
  }
  EXPECT_EQ(got, 1048576u);  // stdout's writer finished on its own thread
  std::this_thread::sleep_for(100ms);
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, WNOHANG), 0) << "fake_runc finished with stderr unread";
  err.read.reset();  // its stderr writer gets EPIPE/SIGPIPE now
  status = wait_for(pid);
  EXPECT_TRUE(WIFSIGNALED(status) || WIFEXITED(status));
}

// --- fake_runc: lifetime ------------------------------------------------------------

TEST_F(fake_runc, SleepsRequestedTime) {
  spawn_setup s;
  s.env = {"FAKE_RUNC_SLEEP_MS=250"};
  auto start = std::chrono::steady_clock::now();
  int status = run_fake(s);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 5s);
}

TEST_F(fake_runc, IgnoresSigtermAndHangsUntilKilled) {
  spawn_setup s;
  s.env = {"FAKE_RUNC_RECORD=" + record_path(), "FAKE_RUNC_IGNORE_SIGTERM=1", "FAKE_RUNC_HANG=1"};
  pid_t pid = spawn_fake(s);
  ASSERT_TRUE(runcpp::testing::wait_for_path(record_path()));  // SIGTERM is ignored by now
  auto rec = runcpp::testing::read_record(record_path());
  EXPECT_EQ(rec.at("ignored_signals").get<std::vector<int>>(), std::vector<int>{})
      << "the record shows the inherited dispositions";
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  std::this_thread::sleep_for(150ms);
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, WNOHANG), 0) << "fake_runc died of SIGTERM";
  EXPECT_EQ(runcpp::testing::child_processes(), std::vector<pid_t>{pid});
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  status = wait_for(pid);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST_F(fake_runc, GrandchildKeepsStdoutOpenAfterExit) {
  auto out = make_pipe();
  spawn_setup s;
  const auto gc_pid_file = dir_.path() / "grandchild.pid";
  s.env = {"FAKE_RUNC_GRANDCHILD_MS=700", "FAKE_RUNC_GRANDCHILD_PID_FILE=" + gc_pid_file.string(),
           "FAKE_RUNC_STDOUT=hello"};
  s.stdout_fd = out.write.fd;
  auto start = std::chrono::steady_clock::now();
  pid_t pid = spawn_fake(s);
  out.write.reset();
  int status = wait_for(pid);
  auto exited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_LT(exited, 500ms) << "the fake itself must exit right away";

  char buf[64];
  ssize_t n = ::read(out.read.fd, buf, sizeof buf);
  ASSERT_EQ(n, 5);
  pollfd p{out.read.fd, POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 100), 0) << "stdout reached EOF while the grandchild holds it";
  // EOF arrives once the grandchild exits.
  ASSERT_EQ(::poll(&p, 1, 5000), 1);
  EXPECT_EQ(::read(out.read.fd, buf, sizeof buf), 0);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 700ms);
  auto gc = std::stoi(runcpp::testing::read_file(gc_pid_file));
  EXPECT_GT(gc, 0);
  EXPECT_NE(gc, pid);
}

// --- fake_runc: side channels -------------------------------------------------------

TEST_F(fake_runc, WritesPidFileWhenAsked) {
  const auto pid_file = dir_.path() / "pid";
  spawn_setup s;
  s.args = {"create", "--pid-file", pid_file.string(), "id"};
  s.env = {"FAKE_RUNC_PIDFILE=1"};
  pid_t pid = spawn_fake(s);
  wait_for(pid);
  EXPECT_EQ(runcpp::testing::read_file(pid_file), std::to_string(pid));

  const auto other = dir_.path() / "pid2";
  s.args = {"run", "--pid-file=" + other.string(), "id"};
  pid = spawn_fake(s);
  wait_for(pid);
  EXPECT_EQ(runcpp::testing::read_file(other), std::to_string(pid));

  s.env = {};  // without FAKE_RUNC_PIDFILE, nothing is written
  const auto third = dir_.path() / "pid3";
  s.args = {"run", "--pid-file", third.string(), "id"};
  wait_for(spawn_fake(s));
  EXPECT_FALSE(std::filesystem::exists(third));
}

TEST_F(fake_runc, AppendsJsonOrTextLogErrorAndPrintsIt) {
  const auto json_log = dir_.path() / "log.json";
  const auto text_log = dir_.path() / "log.txt";
  for (const auto& [args, log] :
       {std::pair{std::vector<std::string>{"--log", json_log.string(), "--log-format", "json", "start", "x"},
                  json_log},
        std::pair{std::vector<std::string>{"--log=" + text_log.string(), "--log-format=text", "start", "x"},
                  text_log}}) {
    auto err = make_pipe();
    auto out = make_pipe();
    spawn_setup s;
    s.args = args;
    s.env = {"FAKE_RUNC_LOG_ERROR=container \"x\" does not exist", "FAKE_RUNC_EXIT=1"};
    s.stdout_fd = out.write.fd;
    s.stderr_fd = err.write.fd;
    pid_t pid = spawn_fake(s);
    out.write.reset();
    err.write.reset();
    auto [o, e] = drain(out.read.fd, err.read.fd);
    wait_for(pid);
    EXPECT_EQ(e, "container \"x\" does not exist\n");
  }
  auto json_text = runcpp::testing::read_file(json_log);
  ASSERT_FALSE(json_text.empty());
  EXPECT_EQ(json_text.back(), '\n');
  auto record = runcpp::testing::json_value::parse(json_text);
  EXPECT_EQ(record.at("level").get<std::string>(), "error");
  EXPECT_EQ(record.at("msg").get<std::string>(), "container \"x\" does not exist");
  EXPECT_EQ(record.at("time").get<std::string>(), "2026-11-28T00:00:00Z");
  EXPECT_EQ(runcpp::testing::read_file(text_log),
            "time=\"2026-11-28T00:00:00Z\" level=error msg=\"container \\\"x\\\" does not exist\"\n");
}

// A listening unix socket in the test's temp dir.
unique_fd listen_unix(const std::string& path) {
  unique_fd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (::bind(sock.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(sock.fd, 1) != 0) {
    ADD_FAILURE() << "listen " << path << ": " << std::strerror(errno);
  }
  return sock;
}

struct received {
  std::string data;
  std::vector<unique_fd> fds;
};

received receive_fds(int listener) {
  received r;
  unique_fd conn(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
  if (conn.fd < 0) {
    ADD_FAILURE() << "accept4: " << std::strerror(errno);
    return r;
  }
  char data[256];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
  iovec iov{data, sizeof data};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = ::recvmsg(conn.fd, &msg, MSG_CMSG_CLOEXEC);
  if (n < 0) {
    ADD_FAILURE() << "recvmsg: " << std::strerror(errno);
    return r;
  }
  r.data.assign(data, static_cast<std::size_t>(n));
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (std::size_t i = 0; i < count; ++i) {
        int fd;
        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
        r.fds.emplace_back(fd);
      }
    }
  }
  return r;
}

TEST_F(fake_runc, ConsoleSocketSendsPtyMasterTwoFdsOrNone) {
  const std::pair<std::string, std::size_t> modes[] = {{"pty", 1}, {"two", 2}, {"none", 0}};
  for (const auto& [mode, count] : modes) {
    const auto path = (dir_.path() / ("console-" + mode + ".sock")).string();
    auto listener = listen_unix(path);
    spawn_setup s;
    s.args = {"create", "--console-socket", path, "id"};
    s.env = {"FAKE_RUNC_CONSOLE=" + mode};
    pid_t pid = spawn_fake(s);
    auto r = receive_fds(listener.fd);
    int status = wait_for(pid);
    ASSERT_TRUE(WIFEXITED(status)) << mode;
    EXPECT_EQ(WEXITSTATUS(status), 0) << mode;
    EXPECT_EQ(r.data, "/dev/ptmx") << mode;
    ASSERT_EQ(r.fds.size(), count) << mode;
    if (count > 0) {
      EXPECT_TRUE(::isatty(r.fds[0].fd)) << mode;
      EXPECT_NE(runcpp::testing::describe_fd(r.fds[0].fd).find("ptmx"), std::string::npos) << mode;
    }
    if (count > 1) {
      EXPECT_EQ(runcpp::testing::describe_fd(r.fds[1].fd), "/dev/null");
    }
  }
}

TEST_F(fake_runc, PidfdSocketSendsAPidfd) {
  const auto path = (dir_.path() / "pidfd.sock").string();
  auto listener = listen_unix(path);
  spawn_setup s;
  s.args = {"run", "--pidfd-socket", path, "id"};
  s.env = {"FAKE_RUNC_PIDFD=1"};
  pid_t pid = spawn_fake(s);
  auto r = receive_fds(listener.fd);
  int status = wait_for(pid);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 125 && r.fds.empty()) {
    GTEST_SKIP() << "pidfd_open is not available on this kernel";
  }
  ASSERT_EQ(r.fds.size(), 1u);
  EXPECT_EQ(r.data, "pidfd");
  EXPECT_EQ(runcpp::testing::describe_fd(r.fds[0].fd), "anon_inode:[pidfd]");
}

// --- hygiene helpers ----------------------------------------------------------------

TEST(hygiene, OpenFdsListsStandardStreamsAndNewFds) {
  auto before = runcpp::testing::open_fds();
  EXPECT_TRUE(std::is_sorted(before.begin(), before.end()));
  auto p = make_pipe();
  auto after = runcpp::testing::open_fds();
  EXPECT_NE(std::find(after.begin(), after.end(), p.read.fd), after.end());
  EXPECT_NE(std::find(after.begin(), after.end(), p.write.fd), after.end());
  EXPECT_EQ(after.size(), before.size() + 2);
}

TEST(hygiene, LeakedFdsFindsNewFdsWithTheirTargets) {
  auto baseline = runcpp::testing::open_fds();
  EXPECT_TRUE(runcpp::testing::leaked_fds(baseline, 0ms).empty());
  auto p = make_pipe();
  unique_fd null_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  auto leaked = runcpp::testing::leaked_fds(baseline, 0ms);
  std::vector<int> expected = {p.read.fd, p.write.fd, null_fd.fd};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(leaked, expected);
  EXPECT_EQ(runcpp::testing::describe_fd(null_fd.fd), "/dev/null");
  EXPECT_EQ(runcpp::testing::describe_fd(p.read.fd).rfind("pipe:[", 0), 0u);
  auto text = runcpp::testing::describe_fds({null_fd.fd});
  EXPECT_EQ(text, std::to_string(null_fd.fd) + " -> /dev/null");
  p.read.reset();
  p.write.reset();
  null_fd.reset();
  EXPECT_TRUE(runcpp::testing::leaked_fds(baseline, 0ms).empty());
}

TEST(hygiene, LeakedFdsWaitsForAnotherThreadToClose) {
  auto baseline = runcpp::testing::open_fds();
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  std::thread closer([fd] {
    std::this_thread::sleep_for(50ms);
    ::close(fd);
  });
  EXPECT_TRUE(runcpp::testing::leaked_fds(baseline, 2000ms).empty());
  closer.join();
}

TEST(hygiene, UnreapedChildIsFoundWithoutReapingIt) {
  EXPECT_FALSE(runcpp::testing::has_unreaped_children());
  spawn_setup s;
  pid_t pid = spawn_fake(s);
  // Wait until it has exited; WNOWAIT leaves it a zombie.
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!runcpp::testing::has_unreaped_children() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(runcpp::testing::has_unreaped_children());
  EXPECT_EQ(runcpp::testing::unreaped_child(), pid);
  EXPECT_TRUE(runcpp::testing::has_unreaped_children()) << "checking must not reap";
  EXPECT_EQ(runcpp::testing::child_processes(), std::vector<pid_t>{pid});
  int status = wait_for(pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_FALSE(runcpp::testing::has_unreaped_children());
  EXPECT_TRUE(runcpp::testing::child_processes().empty());
}

TEST(hygiene, RunningChildIsNotAZombieButIsAChild) {
  spawn_setup s;
  s.env = {"FAKE_RUNC_HANG=1"};
  pid_t pid = spawn_fake(s);
  EXPECT_FALSE(runcpp::testing::has_unreaped_children());
  EXPECT_EQ(runcpp::testing::child_processes(), std::vector<pid_t>{pid});
  ::kill(pid, SIGKILL);
  wait_for(pid);
}

// Drives hygiene_test's SetUp/TearDown directly, outside gtest's own run, so its
// failures can be captured with EXPECT_NONFATAL_FAILURE. The statements in those
// macros may only touch statics.
class hygiene_probe : public runcpp::testing::hygiene_test {
 public:
  using hygiene_test::SetUp;
  using hygiene_test::TearDown;
  void TestBody() override {}
};

hygiene_probe* probe = nullptr;

TEST(hygiene_fixture, TearDownReportsLeakedFdWithTarget) {
  hygiene_probe p;
  probe = &p;
  p.SetUp();
  unique_fd leaked(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  const std::string expected = std::to_string(leaked.fd) + " -> /dev/null";
  EXPECT_NONFATAL_FAILURE(probe->TearDown(), "file descriptors leaked by the test");
  // The message names the fd and its target.
  ::testing::TestPartResultArray results;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    p.TearDown();
  }
  ASSERT_EQ(results.size(), 1);
  EXPECT_NE(std::string(results.GetTestPartResult(0).message()).find(expected), std::string::npos)
      << results.GetTestPartResult(0).message();
  leaked.reset();
  EXPECT_NONFATAL_FAILURE(
      {
        probe->TearDown();
        ADD_FAILURE() << "sentinel";
      },
      "sentinel");  // and nothing else once the fd is closed
}

TEST(hygiene_fixture, TearDownReportsAndReapsZombie) {
  hygiene_probe p;
  probe = &p;
  p.SetUp();
  pid_t pid = spawn_fake(spawn_setup{});
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!runcpp::testing::has_unreaped_children() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  ::testing::TestPartResultArray results;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    p.TearDown();
  }
  ASSERT_EQ(results.size(), 1);
  EXPECT_NE(std::string(results.GetTestPartResult(0).message()).find("zombie"), std::string::npos);
  EXPECT_NE(std::string(results.GetTestPartResult(0).message()).find(std::to_string(pid)), std::string::npos);
  EXPECT_FALSE(runcpp::testing::has_unreaped_children()) << "TearDown reaps what it reports";
}

TEST(hygiene_fixture, TearDownReportsAndKillsLiveChild) {
  hygiene_probe p;
  p.SetUp();
  spawn_setup s;
  s.env = {"FAKE_RUNC_HANG=1"};
  pid_t pid = spawn_fake(s);
  ::testing::TestPartResultArray results;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    p.TearDown();
  }
  ASSERT_EQ(results.size(), 1);
  EXPECT_NE(std::string(results.GetTestPartResult(0).message()).find("still exist"), std::string::npos);
  EXPECT_NE(std::string(results.GetTestPartResult(0).message()).find(std::to_string(pid)), std::string::npos);
  EXPECT_TRUE(runcpp::testing::child_processes().empty());
}

TEST(hygiene_fixture, CleanTestPassesTearDown) {
  hygiene_probe p;
  p.SetUp();
  auto pipe = make_pipe();  // opened and closed within the test
  pipe.read.reset();
  pipe.write.reset();
  ::testing::TestPartResultArray results;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    p.TearDown();
  }
  EXPECT_EQ(results.size(), 0);
}

// --- small helpers ------------------------------------------------------------------

TEST(support, TempDirIsRemovedWithItsContents) {
  std::filesystem::path path;
  {
    temp_dir dir;
    path = dir.path();
    EXPECT_EQ(path.string().rfind("/tmp/runcpp-test-", 0), 0u);
    std::filesystem::create_directories(dir / "a" / "b");
    std::FILE* f = std::fopen((dir.path() / "a" / "b" / "c").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
    temp_dir moved = std::move(dir);
    EXPECT_EQ(moved.path(), path);
    EXPECT_TRUE(dir.path().empty());
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(support, UniqueIdsAreValidRuncIdsAndDistinct) {
  auto a = runcpp::testing::unique_id("my test/1");
  auto b = runcpp::testing::unique_id("my test/1");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("my_test_1-", 0), 0u) << a;
  for (const auto& id : {a, b, runcpp::testing::unique_id("-x"), runcpp::testing::unique_id("")}) {
    EXPECT_NE(id.front(), '-') << id;
    EXPECT_NE(id.front(), '.') << id;
    EXPECT_EQ(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+.-"),
              std::string::npos)
        << id;
  }
}

TEST(support, FindRuntimeSearchesPathAndChecksExplicitPaths) {
  auto sh = runcpp::testing::find_runtime("sh");
  ASSERT_TRUE(sh.has_value());
  EXPECT_EQ(sh->front(), '/');
  EXPECT_EQ(runcpp::testing::find_runtime(runcpp::testing::fake_runc_path()),
            runcpp::testing::fake_runc_path());
  EXPECT_FALSE(runcpp::testing::find_runtime("runcpp-no-such-runtime-binary"));
  EXPECT_FALSE(runcpp::testing::find_runtime("/nonexistent/runc"));
  EXPECT_FALSE(runcpp::testing::find_runtime("/etc/passwd")) << "not executable";
}

TEST(support, ReadRecordRejectsMalformedJson) {
  temp_dir dir;
  EXPECT_THROW(runcpp::testing::read_record(dir / "missing.json"), std::runtime_error);
  std::FILE* f = std::fopen((dir / "bad.json").c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("{\"argv\": [", f);
  std::fclose(f);
  EXPECT_THROW(runcpp::testing::read_record(dir / "bad.json"), std::runtime_error);
}

TEST_F(fake_runc, RuntimeRootForceDeletesTrackedIdsThenRemovesItself) {
  // fake_runc stands in for the runtime; the record shows the cleanup's argv and
  // stdio. The spawned cleanup inherits this process's environment.
  ASSERT_EQ(::setenv("FAKE_RUNC_RECORD", record_path().c_str(), 1), 0);
  std::filesystem::path root_dir;
  std::string id;
  {
    runcpp::testing::runtime_root root(runcpp::testing::fake_runc_path());
    root_dir = root.path();
    EXPECT_TRUE(std::filesystem::is_directory(root_dir));
    id = root.track(runcpp::testing::unique_id("cleanup"));
  }
  ::unsetenv("FAKE_RUNC_RECORD");
  EXPECT_FALSE(std::filesystem::exists(root_dir));
  auto rec = runcpp::testing::read_record(record_path());
  EXPECT_EQ(rec.at("argv").get<std::vector<std::string>>(),
            (std::vector<std::string>{runcpp::testing::fake_runc_path(), "--root", root_dir.string(),
                                      "delete", "--force", id}));
  EXPECT_TRUE(rec.at("stdin_is_devnull").get<bool>());
  EXPECT_TRUE(rec.at("stdout_is_devnull").get<bool>());
  EXPECT_TRUE(rec.at("stderr_is_devnull").get<bool>());
  EXPECT_TRUE(rec.at("sigmask_empty").get<bool>());
}

TEST(support, BusyboxBundleHasRootfsAndWritesEdits) {
  std::string why;
  auto bundle = runcpp::testing::busybox_bundle::make(&why);
  if (!bundle) {
    GTEST_SKIP() << why;
  }
  EXPECT_TRUE(why.empty());
  EXPECT_TRUE(std::filesystem::is_regular_file(bundle->rootfs() / "bin" / "busybox"));
  for (const char* applet : {"sh", "sleep", "seq", "stty", "hostname"}) {
    EXPECT_EQ(std::filesystem::read_symlink(bundle->rootfs() / "bin" / applet), "busybox") << applet;
  }
  for (const char* dir : {"proc", "dev", "sys", "tmp", "etc"}) {
    EXPECT_TRUE(std::filesystem::is_directory(bundle->rootfs() / dir)) << dir;
  }
  bundle->set_args({"sh", "-c", "echo hi"})
      .set_terminal(true)
      .set_env({"PATH=/bin", "A=b"})
      .add_env("C=d")
      .set_memory_limit(64 << 20)
      .set_readonly_rootfs(false);
  bundle->write();
  auto written = runcpp::testing::json_value::parse(runcpp::testing::read_file(bundle->config_path()));
  using strings = std::vector<std::string>;
  EXPECT_EQ(written.at("process").at("args").get<strings>(), (strings{"sh", "-c", "echo hi"}));
  EXPECT_TRUE(written.at("process").at("terminal").get<bool>());
  EXPECT_EQ(written.at("process").at("env").get<strings>(), (strings{"PATH=/bin", "A=b", "C=d"}));
  EXPECT_EQ(written.at("linux").at("resources").at("memory").at("limit").get<std::int64_t>(), 64 << 20);
  EXPECT_FALSE(written.at("root").at("readonly").get<bool>());
  const auto path = bundle->path();
  bundle.reset();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(support, BusyboxBundleStartsFromRuncsDefaultWithoutTerminal) {
  std::string why;
  auto bundle = runcpp::testing::busybox_bundle::make(&why);
  if (!bundle) {
    GTEST_SKIP() << why;
  }
  auto expected = runcpp::spec::default_config();
  expected.process->terminal = false;
  EXPECT_EQ(bundle->config(), expected);
  auto written = runcpp::spec::load_config(bundle->config_path());
  ASSERT_TRUE(written) << written.error();
  EXPECT_EQ(*written, expected);
  EXPECT_EQ(runcpp::testing::read_file(bundle->config_path()), runcpp::testing::runc_spec_template);
}

TEST(support, BusyboxBundleCollectsEachDistinctConfigWhenAsked) {
  std::string why;
  auto bundle = runcpp::testing::busybox_bundle::make(&why);
  if (!bundle) {
    GTEST_SKIP() << why;
  }
  temp_dir collect;
  const char* before = std::getenv("RUNCPP_CONFIG_COLLECT_DIR");
  const std::string saved = before != nullptr ? before : "";
  ASSERT_EQ(::setenv("RUNCPP_CONFIG_COLLECT_DIR", collect.path().c_str(), 1), 0);
  bundle->set_args({"true"}).write();
  bundle->write();  // the same content again: kept once
  bundle->set_args({"false"}).write();
  if (before != nullptr) {
    ::setenv("RUNCPP_CONFIG_COLLECT_DIR", saved.c_str(), 1);
  } else {
    ::unsetenv("RUNCPP_CONFIG_COLLECT_DIR");
  }
  std::vector<std::string> args;
  for (const auto& entry : std::filesystem::directory_iterator(collect.path())) {
    auto cfg = runcpp::spec::load_config(entry.path());
    ASSERT_TRUE(cfg) << cfg.error();
    args.push_back(cfg->process->args->at(0));
  }
  std::sort(args.begin(), args.end());
  EXPECT_EQ(args, (std::vector<std::string>{"false", "true"}));
}

}  // namespace
