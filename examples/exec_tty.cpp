// runcpp example: an interactive shell inside a running container, through a
// pseudo-terminal (what `docker exec -it` does).
//
//   exec_tty [--runtime runc] [--root DIR] [--id CONTAINER]
//            [--script "echo hi; stty size; exit"] [--size ROWSxCOLS]
//
// What it shows:
// - runcpp::console_socket::temporary() makes a private unix socket; runc
//   `exec --detach --console-socket` creates the pty inside the container and
//   sends us its master over that socket; receive() returns it as a
//   runcpp::console (with a deadline, so it never hangs).
// - Our own terminal goes into raw mode (when stdin is a terminal) and we copy
//   stdin -> master and master -> stdout with poll() until the shell exits.
// - Window size: SIGWINCH is blocked in every thread and read from a
//   signalfd; each one resizes the container's terminal to ours with
//   console::resize(). (A program may handle signals like this; the runcpp
//   library itself never touches signal dispositions or masks.)
// - Non-interactive mode for scripts and tests: --script feeds the text (plus a
//   newline) to the shell instead of stdin and prints what the shell printed
//   (with the terminal's "\r\n" turned into "\n"); --size sets the terminal
//   size when stdin is not a terminal (default 24x80).
//
// With --id it joins that running container (in --root, or runc's default
// root). Without it, it builds a busybox bundle in a temporary directory
// (static /bin/busybox, runcpp::bundle_builder), runs a detached
// `sleep 1000` container there, and removes it at the end. Needs root.
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <runcpp/runcpp.hpp>

#include <runcpp/socket.hpp>
#include "busybox_bundle.hpp"
#include "scoped.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// --- terminal plumbing ----------------------------------------------------------

// Puts our terminal (fd 0) in raw mode and restores it on destruction.
class raw_terminal {
 public:
  raw_terminal() {
    if (::isatty(STDIN_FILENO) == 0 || ::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios raw = saved_;
    ::cfmakeraw(&raw);
    active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  ~raw_terminal() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  raw_terminal(const raw_terminal&) = delete;
  raw_terminal& operator=(const raw_terminal&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Our terminal's size, if stdin is a terminal.
std::optional<winsize> our_size() {
  winsize ws{};
  if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0) return std::nullopt;
  return ws;
}

// Copies master -> stdout until the shell closes the terminal (read gives EIO
// or 0) or `until`. In script mode "\r\n" becomes "\n". True when it ended.
bool copy_output(int master, std::chrono::steady_clock::time_point until, bool strip_cr) {
  std::array<char, 4096> buf;
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{master, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    ssize_t n = ::read(master, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;  // EIO: the shell (the last holder of the pty) exited
    std::string chunk(buf.data(), static_cast<std::size_t>(n));
    if (strip_cr) std::erase(chunk, '\r');
    write_all(STDOUT_FILENO, chunk.data(), chunk.size());
  }
  return false;
}

// Interactive: stdin -> master, master -> stdout, SIGWINCH -> resize.
void interact(const runcpp::console& tty, int winch_fd) {
  raw_terminal raw;
  bool stdin_open = true;
  std::array<char, 4096> buf;
  while (true) {
    std::array<pollfd, 3> p{
        {{stdin_open ? STDIN_FILENO : -1, POLLIN, 0}, {tty.fd(), POLLIN, 0}, {winch_fd, POLLIN, 0}}};
    if (::poll(p.data(), p.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (p[2].revents != 0) {
      signalfd_siginfo info;
      if (::read(winch_fd, &info, sizeof info) > 0)
        if (auto ws = our_size()) (void)tty.resize(ws->ws_row, ws->ws_col);
    }
    if (p[1].revents != 0) {
      ssize_t n = ::read(tty.fd(), buf.data(), buf.size());
      if (n <= 0 && !(n < 0 && errno == EINTR)) return;  // the shell exited
      if (n > 0) write_all(STDOUT_FILENO, buf.data(), static_cast<std::size_t>(n));
    }
    if (p[0].revents != 0) {
      ssize_t n = ::read(STDIN_FILENO, buf.data(), buf.size());
      if (n > 0) {
        write_all(tty.fd(), buf.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        stdin_open = false;              // our input ended (a pipe, not a terminal):
        write_all(tty.fd(), "\x04", 1);  // Ctrl-D tells the shell so
      }
    }
  }
}

struct options {
  std::string runtime = "runc";
  fs::path root;
  std::string id;
  std::optional<std::string> script;
  unsigned short rows = 24, cols = 80;
};

// Removes what we created, in reverse order, however run() ends.

int run(options opt, int winch_fd) {
  examples::temp_directory dir;
  if (opt.id.empty()) {
    char tmpl[] = "/tmp/runcpp-exec-tty-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return std::perror("mkdtemp"), 1;
    dir.path = tmpl;
    if (opt.root.empty()) opt.root = dir.path / "state";
  }
  const runcpp::client runc({.command = opt.runtime, .root = opt.root});
  examples::container_guard own{runc, {}};
  if (opt.id.empty()) {
    // Our own container to join: sleep 1000, removed at the end.
    if (auto r = examples::make_busybox_bundle(dir.path / "bundle", {"sleep", "1000"},
                                               {"sh", "cat", "echo", "sleep", "ls", "ps", "stty", "vi", "top",
                                                "clear", "reset"});
        !r)
      return std::cerr << "bundle: " << r.error() << '\n', 1;
    opt.id = "runcpp-exec-tty-" + std::to_string(::getpid());
    own.id = opt.id;
    if (auto r = runc.run(opt.id, dir.path / "bundle", {.detach = true}); !r)
      return std::cerr << "run: " << r.error() << '\n', 1;
    if (!opt.script) std::cerr << "started container " << opt.id << " (removed when the shell exits)\n";
  }

  auto sock = runcpp::console_socket::temporary();
  if (!sock) return std::cerr << "console socket: " << sock.error() << '\n', 1;
  const char* term = std::getenv("TERM");
  const runcpp::spec::process shell{
      .terminal = true,
      .args = {{"sh"}},
      .env = {{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
               std::string("TERM=") + (term != nullptr && !opt.script ? term : "xterm")}},
      .cwd = "/",
  };
  // --detach: runc returns once the shell runs; the shell keeps the pty.
  if (auto r = runc.exec(opt.id, shell, {.console_socket = sock->get(), .detach = true}); !r)
    return std::cerr << "exec: " << r.error() << '\n', 1;
  auto tty = (*sock)->receive({.deadline = std::chrono::steady_clock::now() + 10s});
  if (!tty) return std::cerr << "receiving the terminal: " << tty.error() << '\n', 1;

  auto ws = our_size();
  if (ws && !opt.script)
    (void)tty->resize(ws->ws_row, ws->ws_col);
  else if (auto r = tty->resize(opt.rows, opt.cols); !r)
    std::cerr << "resize: " << r.error() << '\n';

  if (opt.script) {
    std::string input = *opt.script + "\n";
    if (!write_all(tty->fd(), input.data(), input.size())) return std::perror("write to the terminal"), 1;
    if (copy_output(tty->fd(), std::chrono::steady_clock::now() + 30s, true)) return 0;
    // The script did not end the shell: ask it to, then give up.
    write_all(tty->fd(), "exit\n", 5);
    if (!copy_output(tty->fd(), std::chrono::steady_clock::now() + 2s, true))
      std::cerr << "the shell did not exit\n";
    return 1;
  }
  interact(*tty, winch_fd);
  std::cerr << "\r\nthe shell exited\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread exists: block SIGWINCH so that it is only ever read
  // from the signalfd (threads inherit the mask).
  sigset_t winch;
  sigemptyset(&winch);
  sigaddset(&winch, SIGWINCH);
  pthread_sigmask(SIG_BLOCK, &winch, nullptr);
  const int winch_fd = ::signalfd(-1, &winch, SFD_CLOEXEC);

  options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    bool has_value = i + 1 < argc;
    if (a == "--runtime" && has_value) {
      opt.runtime = argv[++i];
    } else if (a == "--root" && has_value) {
      opt.root = argv[++i];
    } else if (a == "--id" && has_value) {
      opt.id = argv[++i];
    } else if (a == "--script" && has_value) {
      opt.script = argv[++i];
    } else if (a == "--size" && has_value && std::sscanf(argv[i + 1], "%hux%hu", &opt.rows, &opt.cols) == 2) {
      ++i;
    } else {
      std::cerr << "usage: " << argv[0]
                << " [--runtime runc] [--root DIR] [--id CONTAINER] [--script TEXT] [--size ROWSxCOLS]\n";
      return 2;
    }
  }
  if (::geteuid() != 0) {
    std::cerr << "exec_tty: runc needs root; run it as root.\n";
    return 1;
  }
  int rc = run(std::move(opt), winch_fd);
  if (winch_fd >= 0) ::close(winch_fd);
  return rc;
}
