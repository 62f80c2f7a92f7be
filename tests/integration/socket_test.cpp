// console_socket / pidfd_socket against fake_runc, which connects to the
// socket named by --console-socket / --pidfd-socket and sends an fd the way
// runc does. fake_runc is spawned here directly (posix_spawn + waitpid).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <runcpp/socket.hpp>

#include "support/env_override.hpp"
#include "support/hygiene.hpp"

extern char** environ;

namespace runcpp {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// A fake_runc child; killed and reaped by the destructor if the test did not wait.
class fake_process {
 public:
  fake_process(std::vector<std::string> args, const std::vector<std::string>& env) {
    std::vector<std::string> envs;
    for (char** e = environ; *e != nullptr; ++e)
      if (std::string_view(*e).substr(0, 10) != "FAKE_RUNC_") envs.emplace_back(*e);
    envs.insert(envs.end(), env.begin(), env.end());
    args.insert(args.begin(), testing::fake_runc_path());
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    int rc = ::posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), envp.data());
    if (rc != 0) {
      pid_ = -1;
      ADD_FAILURE() << "posix_spawn " << argv[0] << ": " << std::strerror(rc);
    }
  }
  fake_process(const fake_process&) = delete;
  fake_process& operator=(const fake_process&) = delete;
  ~fake_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      (void)wait();
    }
  }
  pid_t pid() const { return pid_; }
  // waitpid; returns the raw status.
  int wait() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }
  // Waits and expects exit status 0 (fake_runc exits 125 on a setup failure).
  void expect_success() {
    int st = wait();
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "fake_runc status " << st;
  }

 private:
  pid_t pid_ = -1;
};

using testing::env_override;

call_context within(std::chrono::milliseconds ms) { return call_context{.deadline = clock::now() + ms}; }

long long ms_since(clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t).count();
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode;
}

bool same_termios(const termios& a, const termios& b) {
  return a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag && a.c_cflag == b.c_cflag &&
         a.c_lflag == b.c_lflag && std::memcmp(a.c_cc, b.c_cc, sizeof a.c_cc) == 0;
}

// Connects to `path` and sends `fd` with `name`, like runc (from this process).
void send_fd_to(const fs::path& path, int fd, std::string_view name) {
  int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(s, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::connect(s, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
  iovec iov{const_cast<char*>(name.data()), name.size()};
  alignas(cmsghdr) unsigned char ctl[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctl;
  msg.msg_controllen = sizeof ctl;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  EXPECT_EQ(::sendmsg(s, &msg, MSG_NOSIGNAL), static_cast<ssize_t>(name.size())) << std::strerror(errno);
  ::close(s);
}

// pidfd_open, or a reason to skip.
std::optional<std::string> pidfd_unavailable() {
  long fd = ::syscall(SYS_pidfd_open, ::getpid(), 0);
  if (fd >= 0) {
    ::close(static_cast<int>(fd));
    return std::nullopt;
  }
  if (errno == ENOSYS || errno == EPERM) return std::string("pidfd_open: ") + std::strerror(errno);
  return std::nullopt;  // anything else is a real failure the test will show
}

class sockets : public testing::hygiene_test {
 protected:
  std::unique_ptr<console_socket> console_sock() {
    auto s = console_socket::temporary();
    EXPECT_TRUE(s) << s.error();
    return s ? std::move(*s) : nullptr;
  }
  std::vector<std::string> console_args(const fs::path& p) {
    return {"create", "--console-socket", p.string(), "id"};
  }
  testing::temp_dir dir_;
};

// --- console: a real pty master ------------------------------------------------

TEST_F(sockets, console_receives_a_pty_master_and_resizes_it) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  fake_process fake(console_args(sock->path()), {"FAKE_RUNC_CONSOLE=pty"});
  auto tty = sock->receive(within(5s));
  ASSERT_TRUE(tty) << tty.error();
  fake.expect_success();
  EXPECT_TRUE(::isatty(tty->fd()));
  EXPECT_EQ(::fcntl(tty->fd(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  ASSERT_TRUE(tty->resize(40, 100));
  auto size = tty->size();
  ASSERT_TRUE(size) << size.error();
  EXPECT_EQ(size->rows, 40);
  EXPECT_EQ(size->cols, 100);
}

TEST_F(sockets, console_set_raw_then_reset_restores_the_termios) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  fake_process fake(console_args(sock->path()), {"FAKE_RUNC_CONSOLE=pty"});
  auto tty = sock->receive(within(5s));
  ASSERT_TRUE(tty) << tty.error();
  fake.expect_success();
  termios before{}, raw{}, after{};
  ASSERT_EQ(::tcgetattr(tty->fd(), &before), 0);
  ASSERT_NE(before.c_lflag & ICANON, 0u) << "a fresh pty starts in canonical mode";
  ASSERT_TRUE(tty->set_raw());
  ASSERT_EQ(::tcgetattr(tty->fd(), &raw), 0);
  EXPECT_EQ(raw.c_lflag & (ICANON | ECHO | ISIG), 0u);
  EXPECT_FALSE(same_termios(before, raw));
  ASSERT_TRUE(tty->set_raw());  // a second call does not replace what reset() restores
  ASSERT_TRUE(tty->reset());
  ASSERT_EQ(::tcgetattr(tty->fd(), &after), 0);
  EXPECT_TRUE(same_termios(before, after));
}

TEST_F(sockets, console_disable_echo_clears_echo_and_reset_restores_it) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  fake_process fake(console_args(sock->path()), {"FAKE_RUNC_CONSOLE=pty"});
  auto tty = sock->receive(within(5s));
  ASSERT_TRUE(tty) << tty.error();
  fake.expect_success();
  termios t{};
  ASSERT_EQ(::tcgetattr(tty->fd(), &t), 0);
  ASSERT_NE(t.c_lflag & ECHO, 0u);
  ASSERT_TRUE(tty->disable_echo());
  ASSERT_EQ(::tcgetattr(tty->fd(), &t), 0);
  EXPECT_EQ(t.c_lflag & ECHO, 0u);
  EXPECT_NE(t.c_lflag & ICANON, 0u) << "only ECHO changes";
  ASSERT_TRUE(tty->reset());
  ASSERT_EQ(::tcgetattr(tty->fd(), &t), 0);
  EXPECT_NE(t.c_lflag & ECHO, 0u);
}

TEST_F(sockets, console_reset_without_changes_is_a_no_op) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  fake_process fake(console_args(sock->path()), {"FAKE_RUNC_CONSOLE=pty"});
  auto tty = sock->receive(within(5s));
  ASSERT_TRUE(tty) << tty.error();
  fake.expect_success();
  EXPECT_TRUE(tty->reset());
}

TEST_F(sockets, console_operations_on_a_released_console_are_io_errors) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  fake_process fake(console_args(sock->path()), {"FAKE_RUNC_CONSOLE=pty"});
  auto tty = sock->receive(within(5s));
  ASSERT_TRUE(tty) << tty.error();
  fake.expect_success();
  unique_fd master = tty->release();
  EXPECT_TRUE(::isatty(master.get()));
  auto r = tty->resize(1, 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::io_error);
  EXPECT_EQ(r.error().cause(), std::errc::bad_file_descriptor);
  auto s = tty->size();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), errc::io_error);
  EXPECT_FALSE(tty->set_raw());
}

// --- console: protocol violations ----------------------------------------------

TEST_F(sockets, two_fds_are_a_protocol_error_and_both_are_closed) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  fake_process fake(console_args(sock->path()), {"FAKE_RUNC_CONSOLE=two"});
  auto tty = sock->receive(within(5s));
  ASSERT_FALSE(tty);
  EXPECT_EQ(tty.error().code(), errc::protocol_error) << tty.error();
  fake.expect_success();
  // hygiene_test fails the test if either received fd is still open.
}

TEST_F(sockets, a_message_without_an_fd_is_a_protocol_error) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  fake_process fake(console_args(sock->path()), {"FAKE_RUNC_CONSOLE=none"});
  auto tty = sock->receive(within(5s));
  ASSERT_FALSE(tty);
  EXPECT_EQ(tty.error().code(), errc::protocol_error) << tty.error();
  fake.expect_success();
}

TEST_F(sockets, a_peer_that_closes_without_sending_is_an_error_not_a_hang) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  fake_process fake(console_args(sock->path()), {"FAKE_RUNC_CONSOLE=close"});
  auto start = clock::now();
  auto tty = sock->receive(within(5s));
  ASSERT_FALSE(tty);
  EXPECT_TRUE(tty.error().code() == errc::protocol_error || tty.error().code() == errc::io_error)
      << tty.error();
  EXPECT_LT(ms_since(start), 2000);
  fake.expect_success();
}

TEST_F(sockets, a_non_terminal_fd_is_a_protocol_error_and_is_closed) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  ASSERT_GE(null_fd, 0);
  send_fd_to(sock->path(), null_fd, "/dev/null");
  ::close(null_fd);
  auto tty = sock->receive(within(5s));
  ASSERT_FALSE(tty);
  EXPECT_EQ(tty.error().code(), errc::protocol_error);
  EXPECT_NE(tty.error().message().find("not a terminal"), std::string::npos) << tty.error();
}

TEST_F(sockets, receive_fd_returns_the_name_runc_sent) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  ASSERT_GE(null_fd, 0);
  send_fd_to(sock->path(), null_fd, "setns");
  ::close(null_fd);
  auto r = sock->receive_fd(within(5s));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->name, "setns");
  EXPECT_EQ(testing::describe_fd(r->fd.get()), "/dev/null");
  EXPECT_EQ(::fcntl(r->fd.get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC) << "MSG_CMSG_CLOEXEC";
}

// --- never hangs ---------------------------------------------------------------

TEST_F(sockets, runc_exiting_without_connecting_ends_receive_promptly) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  fake_process fake({"create", "id"}, {});  // no --console-socket: never connects
  fake.expect_success();
  sock->runtime_exited();
  auto start = clock::now();
  auto tty = sock->receive();
  ASSERT_FALSE(tty);
  EXPECT_EQ(tty.error().code(), errc::command_failed);
  EXPECT_NE(tty.error().message().find(sock->path().string()), std::string::npos) << tty.error();
  EXPECT_LT(ms_since(start), 100);
}

TEST_F(sockets, runtime_exited_wakes_a_blocked_receive) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  clock::time_point exited_at;
  std::jthread notifier([&] {
    fake_process fake({"create", "id"}, {});
    fake.expect_success();
    std::this_thread::sleep_for(50ms);  // let receive() block in poll
    exited_at = clock::now();
    sock->runtime_exited();
  });
  auto tty = sock->receive(within(5s));
  auto returned_at = clock::now();
  notifier.join();
  ASSERT_FALSE(tty);
  EXPECT_EQ(tty.error().code(), errc::command_failed) << tty.error();
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(returned_at - exited_at).count(), 100);
}

TEST_F(sockets, a_message_sent_before_runc_exited_is_received_afterwards) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  fake_process fake(console_args(sock->path()), {"FAKE_RUNC_CONSOLE=pty"});
  fake.expect_success();  // connected, sent and exited; nobody accepted yet
  sock->runtime_exited();
  auto tty = sock->receive();
  ASSERT_TRUE(tty) << tty.error();
  EXPECT_TRUE(::isatty(tty->fd()));
}

TEST_F(sockets, deadline_is_a_timeout) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  auto start = clock::now();
  auto tty = sock->receive(within(200ms));
  auto took = ms_since(start);
  ASSERT_FALSE(tty);
  EXPECT_EQ(tty.error().code(), errc::timeout) << tty.error();
  EXPECT_GE(took, 200);
  EXPECT_LT(took, 300);
}

TEST_F(sockets, a_passed_deadline_is_a_timeout_at_once) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  auto tty = sock->receive(call_context{.deadline = clock::now() - 1s});
  ASSERT_FALSE(tty);
  EXPECT_EQ(tty.error().code(), errc::timeout);
}

TEST_F(sockets, a_peer_that_connects_and_never_sends_times_out) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(s, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, sock->path().c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::connect(s, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  auto start = clock::now();
  auto tty = sock->receive(within(200ms));
  auto took = ms_since(start);
  ::close(s);
  ASSERT_FALSE(tty);
  EXPECT_EQ(tty.error().code(), errc::timeout) << tty.error();
  EXPECT_NE(tty.error().message().find("message"), std::string::npos) << tty.error();
  EXPECT_GE(took, 200);
  EXPECT_LT(took, 300);
}

TEST_F(sockets, stop_request_cancels_receive) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  std::stop_source stop;
  clock::time_point stopped_at;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(100ms);
    stopped_at = clock::now();
    stop.request_stop();
  });
  auto tty = sock->receive(call_context{.stop = stop.get_token(), .deadline = clock::now() + 5s});
  auto returned_at = clock::now();
  stopper.join();
  ASSERT_FALSE(tty);
  EXPECT_EQ(tty.error().code(), errc::cancelled) << tty.error();
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(returned_at - stopped_at).count(), 100);
}

TEST_F(sockets, an_already_stopped_token_cancels_at_once) {
  auto sock = console_sock();
  ASSERT_TRUE(sock);
  std::stop_source stop;
  stop.request_stop();
  auto tty = sock->receive(call_context{.stop = stop.get_token()});
  ASSERT_FALSE(tty);
  EXPECT_EQ(tty.error().code(), errc::cancelled);
}

// --- pidfd ---------------------------------------------------------------------

TEST_F(sockets, pidfd_socket_receives_a_pidfd_of_the_sender) {
  if (auto why = pidfd_unavailable()) GTEST_SKIP() << "pidfds unavailable: " << *why;
  auto sock = pidfd_socket::temporary();
  ASSERT_TRUE(sock) << sock.error();
  EXPECT_EQ((*sock)->path().filename(), "pidfd.sock");
  EXPECT_EQ((*sock)->path().parent_path().filename().string().substr(0, 5), "pidfd");
  fake_process fake({"create", "--pidfd-socket", (*sock)->path().string(), "id"},
                    {"FAKE_RUNC_PIDFD=1", "FAKE_RUNC_SLEEP_MS=30000"});
  auto pidfd = (*sock)->receive(within(5s));
  ASSERT_TRUE(pidfd) << pidfd.error();
  EXPECT_EQ(::fcntl(pidfd->get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);

  std::ifstream info("/proc/self/fdinfo/" + std::to_string(pidfd->get()));
  std::string line;
  std::optional<int> pid;
  while (std::getline(info, line))
    if (line.rfind("Pid:", 0) == 0) pid = std::stoi(line.substr(4));
  ASSERT_TRUE(pid) << "no Pid: line in fdinfo";
  EXPECT_EQ(*pid, fake.pid());

  if (::syscall(SYS_pidfd_send_signal, pidfd->get(), 0, nullptr, 0) != 0) {
    if (errno == ENOSYS || errno == EPERM) GTEST_SKIP() << "pidfd_send_signal: " << std::strerror(errno);
    FAIL() << "pidfd_send_signal(0): " << std::strerror(errno);
  }
  // The pidfd really is the sender's: SIGKILL through it ends the sleeping fake.
  ASSERT_EQ(::syscall(SYS_pidfd_send_signal, pidfd->get(), SIGKILL, nullptr, 0), 0) << std::strerror(errno);
  int st = fake.wait();
  EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) << st;
}

TEST_F(sockets, pidfd_socket_rejects_a_pty) {
  auto sock = pidfd_socket::listen(dir_ / "p.sock");
  ASSERT_TRUE(sock) << sock.error();
  fake_process fake(console_args((*sock)->path()), {"FAKE_RUNC_CONSOLE=pty"});
  auto pidfd = (*sock)->receive(within(5s));
  ASSERT_FALSE(pidfd);
  EXPECT_EQ(pidfd.error().code(), errc::protocol_error);
  EXPECT_NE(pidfd.error().message().find("not a pidfd"), std::string::npos) << pidfd.error();
  fake.expect_success();
}

// --- paths, temporary directories, cleanup -------------------------------------

TEST_F(sockets, temporary_with_xdg_runtime_dir_sets_the_sticky_bit) {
  testing::temp_dir xdg("runcpp-xdg");
  env_override set_xdg("XDG_RUNTIME_DIR", xdg.path().string());
  fs::path path, dir;
  {
    auto sock = console_socket::temporary();
    ASSERT_TRUE(sock) << sock.error();
    path = (*sock)->path();
    dir = path.parent_path();
    EXPECT_EQ(dir.parent_path(), xdg.path());
    EXPECT_EQ(path.filename(), "pty.sock");
    EXPECT_EQ(dir.filename().string().substr(0, 3), "pty");
    EXPECT_EQ(mode_of(dir) & 07777, 0700u);
    EXPECT_TRUE(S_ISSOCK(mode_of(path)));
    EXPECT_EQ(mode_of(path) & 07777, 01755u);
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(dir));
}

TEST_F(sockets, temporary_without_xdg_runtime_dir_uses_tmpdir_and_no_sticky_bit) {
  testing::temp_dir tmp("runcpp-tmpdir");
  env_override no_xdg("XDG_RUNTIME_DIR", std::nullopt);
  env_override set_tmp("TMPDIR", tmp.path().string());
  fs::path path, dir;
  {
    auto sock = console_socket::temporary();
    ASSERT_TRUE(sock) << sock.error();
    path = (*sock)->path();
    dir = path.parent_path();
    EXPECT_EQ(dir.parent_path(), tmp.path());
    EXPECT_EQ(mode_of(dir) & 07777, 0700u);
    EXPECT_TRUE(S_ISSOCK(mode_of(path)));
    EXPECT_EQ(mode_of(path) & S_ISVTX, 0u);
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(dir));
}

TEST_F(sockets, empty_xdg_runtime_dir_falls_back_to_tmpdir) {
  testing::temp_dir tmp("runcpp-tmpdir");
  env_override empty_xdg("XDG_RUNTIME_DIR", "");
  env_override set_tmp("TMPDIR", tmp.path().string());
  auto sock = pidfd_socket::temporary();
  ASSERT_TRUE(sock) << sock.error();
  EXPECT_EQ((*sock)->path().parent_path().parent_path(), tmp.path());
  EXPECT_EQ(mode_of((*sock)->path()) & S_ISVTX, 0u);
}

TEST_F(sockets, missing_xdg_runtime_dir_falls_back_to_tmpdir) {
  testing::temp_dir tmp("runcpp-tmpdir");
  env_override gone_xdg("XDG_RUNTIME_DIR", (tmp.path() / "gone").string());
  env_override set_tmp("TMPDIR", tmp.path().string());
  auto sock = console_socket::temporary();
  ASSERT_TRUE(sock) << sock.error();
  EXPECT_EQ((*sock)->path().parent_path().parent_path(), tmp.path());
  EXPECT_EQ(mode_of((*sock)->path()) & S_ISVTX, 0u);
}

TEST_F(sockets, temporary_removes_its_directory_when_listening_fails) {
  // A base so long that <base>/ptyXXXXXX/pty.sock exceeds sun_path.
  fs::path base = dir_.path() / std::string(90, 'b');
  fs::create_directory(base);
  env_override set_xdg("XDG_RUNTIME_DIR", base.string());
  auto sock = console_socket::temporary();
  ASSERT_FALSE(sock);
  EXPECT_EQ(sock.error().code(), errc::invalid_argument) << sock.error();
  EXPECT_TRUE(fs::is_empty(base)) << "the ptyXXXXXX directory was left behind";
}

TEST_F(sockets, listen_makes_the_path_absolute_and_the_destructor_unlinks_it) {
  fs::path abs = dir_.path() / "c.sock";
  fs::path rel = fs::relative(abs);  // from the build dir: "../../../tmp/..."
  ASSERT_TRUE(rel.is_relative());
  {
    auto sock = console_socket::listen(rel);
    ASSERT_TRUE(sock) << sock.error();
    EXPECT_EQ((*sock)->path(), abs) << "absolute and without \"..\"";
    EXPECT_TRUE(S_ISSOCK(mode_of(abs)));
  }
  EXPECT_FALSE(fs::exists(abs));
  EXPECT_TRUE(fs::exists(dir_.path())) << "listen() does not own the directory";
}

TEST_F(sockets, listen_rejects_a_path_longer_than_sun_path) {
  fs::path p = dir_.path() / std::string(200 - dir_.path().string().size() - 1, 'x');
  ASSERT_EQ(p.string().size(), 200u);
  auto sock = console_socket::listen(p);
  ASSERT_FALSE(sock);
  EXPECT_EQ(sock.error().code(), errc::invalid_argument);
  EXPECT_NE(sock.error().message().find("107"), std::string::npos) << sock.error();
  EXPECT_FALSE(fs::exists(p));

  // 107 bytes fit exactly.
  fs::path fits = dir_.path() / std::string(107 - dir_.path().string().size() - 1, 'y');
  ASSERT_EQ(fits.string().size(), 107u);
  auto ok = console_socket::listen(fits);
  EXPECT_TRUE(ok) << ok.error();
}

TEST_F(sockets, listen_on_an_existing_path_fails_and_leaves_it_alone) {
  fs::path p = dir_.path() / "taken";
  std::ofstream(p) << "mine";
  auto sock = console_socket::listen(p);
  ASSERT_FALSE(sock);
  EXPECT_EQ(sock.error().code(), errc::invalid_argument) << sock.error();
  EXPECT_EQ(testing::read_file(p), "mine");

  auto first = pidfd_socket::listen(dir_.path() / "s.sock");
  ASSERT_TRUE(first) << first.error();
  auto second = pidfd_socket::listen(dir_.path() / "s.sock");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), errc::invalid_argument);
  EXPECT_TRUE(fs::exists(dir_.path() / "s.sock")) << "the failed listen() removed the first socket's file";
}

TEST_F(sockets, listen_in_a_missing_directory_is_an_io_error) {
  auto sock = console_socket::listen(dir_.path() / "missing" / "s.sock");
  ASSERT_FALSE(sock);
  EXPECT_EQ(sock.error().code(), errc::io_error) << sock.error();
}

TEST_F(sockets, a_derived_socket_can_be_owned_through_its_base) {
  std::unique_ptr<fd_socket> base;
  fs::path path;
  {
    auto sock = console_socket::temporary();
    ASSERT_TRUE(sock) << sock.error();
    path = (*sock)->path();
    base = std::move(*sock);
  }
  EXPECT_TRUE(fs::exists(path));
  base.reset();
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path.parent_path()));
}

}  // namespace
}  // namespace runcpp
