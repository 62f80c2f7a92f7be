// fake_runc: a stand-in for the runc binary, used by tests/integration.
//
// It depends on nothing but libc and the standard library. Its argv is never
// interpreted as a command (so the library's argv stays exactly what runc would
// get); every behaviour is chosen by environment variables. Unset or empty means
// "off". With no FAKE_RUNC_* variable set it exits 0 silently.
//
// The steps run in this order:
//
//   1. Signal state is captured (mask, dispositions) for the record.
//   FAKE_RUNC_IGNORE_SIGTERM=1   set SIGTERM to SIG_IGN (for stop-policy escalation
//                                tests). Done before the record is written, so a
//                                test that waits for the record file knows SIGTERM
//                                is already ignored.
//   FAKE_RUNC_READ_STDIN=1       read stdin to EOF; the data goes into the record
//                                ("stdin_data") and, with FAKE_RUNC_ECHO_STDIN=1,
//                                is copied to stdout in step 4.
//   2. FAKE_RUNC_RECORD=<path>   write a JSON object to <path>.tmp, then rename it
//                                to <path> (so the file appears whole). Keys:
//        "argv"              array of strings (argv[0] included)
//        "env"               array of "KEY=VALUE" strings, in environ order
//        "fds"               sorted open fd numbers from /proc/self/fd, without the
//                            fd used to read that directory; listed before the
//                            record file is opened
//        "fd_targets"        object: fd number (string) -> readlink target
//        "cwd"               getcwd()
//        "pid","ppid","pgid","sid"   integers
//        "pgid_is_pid"       getpgrp() == getpid()
//        "pdeath_signal"     prctl(PR_GET_PDEATHSIG): 0 when none is set
//        "sigmask_empty"     no signal 1..SIGRTMAX is blocked
//        "blocked_signals"   array of blocked signal numbers
//        "ignored_signals"   array of signal numbers whose disposition is SIG_IGN
//                            (captured before FAKE_RUNC_IGNORE_SIGTERM applies)
//        "sigpipe_default"   SIGPIPE's disposition is SIG_DFL
//        "stdin_is_devnull", "stdout_is_devnull", "stderr_is_devnull"
//                            fd 0/1/2 is open and is the /dev/null device
//        "stdin_data"        what FAKE_RUNC_READ_STDIN read, or null
//      Strings are JSON-escaped; bytes that are not valid UTF-8 are written as
//      \u00XX (that is, read as Latin-1), so the file always parses.
//   3. Side channels, taken from argv the way runc takes them ("--flag value" or
//      "--flag=value", first occurrence wins):
//   FAKE_RUNC_COPY_PROCESS=<p>   with "--process <file>": copy that file to <p> (the
//                                library removes its process file after the call).
//   FAKE_RUNC_PIDFILE=1          with "--pid-file <p>": write getpid() to <p>
//                                (decimal, no newline; <p>.tmp then rename).
//   FAKE_RUNC_LOG_ERROR=<msg>    with "--log <path>": append a runc-style record
//                                {"level":"error","msg":"<msg>","time":"2026-11-28T00:00:00Z"}\n
//                                or, with "--log-format text",
//                                time="2026-11-28T00:00:00Z" level=error msg="<msg>"\n
//                                Either way "<msg>\n" is also written to stderr, as
//                                runc prints its fatal error there too.
//   FAKE_RUNC_CONSOLE=<mode>     with "--console-socket <path>": connect to the unix
//                                socket and send (SCM_RIGHTS, data "/dev/ptmx"):
//                                  pty    the master of a new pty (what runc sends)
//                                  two    a pty master and /dev/null (two fds)
//                                  none   the data only, no fds
//                                  close  nothing: connect and close at once
//   FAKE_RUNC_PIDFD=1            with "--pidfd-socket <path>": send a pidfd of this
//                                process (data "pidfd") over that unix socket.
//   4. Output:
//   FAKE_RUNC_STDOUT_FILE=<path> copy that file to fd 1 (fixtures).
//   FAKE_RUNC_ECHO_STDIN=1       write the data read by FAKE_RUNC_READ_STDIN to fd 1.
//   FAKE_RUNC_STDOUT=<text>      write <text> to fd 1 (after the two above).
//   FAKE_RUNC_STDERR=<text>      write <text> to fd 2.
//   FAKE_RUNC_WRITE_FDS=<n>      write each fd's own number in decimal, no newline,
//                                to fds 3 .. 3+n-1 (e.g. "3" to fd 3), to check that
//                                extra fds arrive at the right numbers; an fd that
//                                is not open is skipped.
//   FAKE_RUNC_FLOOD=<bytes>      write <bytes> bytes to fd 1 and <bytes> bytes to fd 2
//                                at the same time, from two threads with blocking
//                                writes: a caller that drains only one pipe at a time
//                                deadlocks. Content: lines of 63 'o' (stdout) or 'e'
//                                (stderr) followed by '\n'; the last line may be
//                                short (no newline).
//   FAKE_RUNC_EVENTS=<bytes>     write `runc events` lines to fd 1 until at least <bytes>
//                                bytes (whole lines) are written, with blocking writes.
//   FAKE_RUNC_EVENT_BYTES=<n>    the length of each such line, '\n' included (default
//                                200, at least 26): from 58 bytes on the stats event
//                                {"type":"stats","id":"web","data":{"pids":{"current":1}}},
//                                below that {"type":"oom","id":"web"}, with blanks before
//                                the closing brace making up the length (so a large line
//                                costs a JSON parser no more than its own bytes).
//                                The same line every time.
//   FAKE_RUNC_PIPE_BYTES=<n>     set fd 1's pipe capacity to <n> bytes (F_SETPIPE_SZ;
//                                above /proc/sys/fs/pipe-max-size only as root).
//   5. Lifetime:
//   FAKE_RUNC_GRANDCHILD_MS=<n>  fork a grandchild that keeps fds 0-2 open, sleeps
//                                <n> ms and exits; the fake itself goes on at once
//                                (a detached container holding runc's stdio).
//   FAKE_RUNC_GRANDCHILD_EVENTS=1  instead of sleeping, the grandchild writes event
//                                lines (as FAKE_RUNC_EVENTS) to fd 1 as fast as it can
//                                for those <n> ms, or until a write fails (SIGPIPE,
//                                left at its default, ends it once the reader closes).
//                                Once fd 1's pipe is full to within one write (64 KiB)
//                                of what it holds, it creates the file
//                                FAKE_RUNC_GRANDCHILD_PID_FILE + ".full".
//   FAKE_RUNC_GRANDCHILD_PID_FILE=<path>  write the grandchild's pid there.
//   FAKE_RUNC_SLEEP_MS=<n>       sleep <n> ms (nanosleep, restarted after EINTR).
//   FAKE_RUNC_HANG=1             never exit on its own (pause() in a loop).
//   FAKE_RUNC_SIGNAL=<sig>       reset <sig> (number, "TERM" or "SIGTERM") to SIG_DFL,
//                                unblock it and send it to itself (RLIMIT_CORE is set
//                                to 0 first, so no core file is written). If the
//                                process survives (e.g. SIGCHLD), it goes on to exit.
//   FAKE_RUNC_EXIT=<n>           exit status (default 0).
//
// A malformed FAKE_RUNC_* value makes it print "fake_runc: ..." to stderr and exit
// 125, so a broken test shows up instead of passing by accident.

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace {

constexpr int bad_usage_exit = 125;

[[noreturn]] void die(const std::string& what) {
  std::string line = "fake_runc: " + what + "\n";
  ssize_t ignored = ::write(2, line.data(), line.size());
  (void)ignored;
  std::_Exit(bad_usage_exit);
}

[[noreturn]] void die_errno(const std::string& what) { die(what + ": " + std::strerror(errno)); }

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
}

bool env_flag(const char* name) {
  auto value = env(name);
  return value && *value != "0";
}

long long env_number(const char* name, long long fallback, long long min, long long max) {
  auto value = env(name);
  if (!value) {
    return fallback;
  }
  long long result = 0;
  const char* first = value->data();
  const char* last = first + value->size();
  auto [ptr, ec] = std::from_chars(first, last, result);
  if (ec != std::errc{} || ptr != last || result < min || result > max) {
    die(std::string("bad ") + name + "=" + *value);
  }
  return result;
}

// --- JSON output ----------------------------------------------------------------

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  std::size_t len = 0;
  unsigned min = 0;
  unsigned cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1Fu;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0Fu;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07u;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    unsigned char cc = byte(i + k);
    if ((cc & 0xC0u) != 0x80u) {
      return 0;
    }
    cp = (cp << 6) | (cc & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\f') {
      out += "\\f";
    } else if (c < 0x20 || c == 0x7F) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0x0Fu];
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (std::size_t len = utf8_sequence(s, i); len != 0) {
      out.append(s.substr(i, len));
      i += len;
      continue;
    } else {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 0x0Fu];
    }
    ++i;
  }
  out += '"';
}

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

template <typename Range, typename Fn>
void append_json_array(std::string& out, const Range& items, Fn&& each) {
  out += '[';
  bool first = true;
  for (const auto& item : items) {
    if (!first) {
      out += ',';
    }
    first = false;
    each(out, item);
  }
  out += ']';
}

// --- small IO helpers -------------------------------------------------------------

// Writes everything; returns false on an error other than EINTR (e.g. EPIPE when
// SIGPIPE is ignored by the caller's choice).
bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string read_all(int fd) {
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    if (n == 0) {
      break;
    }
    data.append(buf, static_cast<std::size_t>(n));
  }
  return data;
}

void write_file_atomically(const std::string& path, std::string_view data) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    die_errno("open " + tmp);
  }
  if (!write_all(fd, data)) {
    die_errno("write " + tmp);
  }
  if (::close(fd) != 0) {
    die_errno("close " + tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    die_errno("rename " + tmp);
  }
}

void sleep_ms(long long ms) {
  timespec left{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)};
  while (::nanosleep(&left, &left) != 0 && errno == EINTR) {
  }
}

// --- argv lookups -----------------------------------------------------------------

std::optional<std::string> flag_value(int argc, char** argv, std::string_view flag) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == flag) {
      if (i + 1 < argc) {
        return std::string(argv[i + 1]);
      }
      return std::nullopt;
    }
    if (arg.size() > flag.size() && arg.substr(0, flag.size()) == flag && arg[flag.size()] == '=') {
      return std::string(arg.substr(flag.size() + 1));
    }
  }
  return std::nullopt;
}

// --- state capture ----------------------------------------------------------------

struct signal_state {
  std::vector<int> blocked;
  std::vector<int> ignored;
  bool sigpipe_default = false;
};

signal_state capture_signals() {
  signal_state st;
  sigset_t mask;
  sigemptyset(&mask);
  if (::sigprocmask(SIG_BLOCK, nullptr, &mask) != 0) {
    die_errno("sigprocmask");
  }
  const int last = SIGRTMAX;
  for (int sig = 1; sig <= last; ++sig) {
    if (sigismember(&mask, sig) == 1) {
      st.blocked.push_back(sig);
    }
    struct sigaction sa {};
    if (::sigaction(sig, nullptr, &sa) != 0) {
      continue;  // glibc-reserved signals answer EINVAL
    }
    if ((sa.sa_flags & SA_SIGINFO) == 0 && sa.sa_handler == SIG_IGN) {
      st.ignored.push_back(sig);
    }
    if (sig == SIGPIPE) {
      st.sigpipe_default = (sa.sa_flags & SA_SIGINFO) == 0 && sa.sa_handler == SIG_DFL;
    }
  }
  return st;
}

std::vector<int> list_fds() {
  std::vector<int> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) {
    die_errno("opendir /proc/self/fd");
  }
  int own = ::dirfd(dir);
  while (dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    int fd = -1;
    auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), fd);
    if (ec != std::errc{} || ptr != name.data() + name.size() || fd == own) {
      continue;
    }
    fds.push_back(fd);
  }
  ::closedir(dir);
  std::sort(fds.begin(), fds.end());
  return fds;
}

std::string fd_target(int fd) {
  std::string link = "/proc/self/fd/" + std::to_string(fd);
  char buf[4096];
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
  if (n < 0) {
    return std::string("?") + std::strerror(errno);
  }
  return std::string(buf, static_cast<std::size_t>(n));
}

bool is_devnull(int fd) {
  struct stat null_st {};
  struct stat fd_st {};
  if (::stat("/dev/null", &null_st) != 0 || ::fstat(fd, &fd_st) != 0) {
    return false;
  }
  return S_ISCHR(fd_st.st_mode) && fd_st.st_rdev == null_st.st_rdev;
}

std::string build_record(int argc, char** argv, const signal_state& sigs,
                         const std::optional<std::string>& stdin_data) {
  // Everything that reads /proc/self/fd must happen before any fd is opened here.
  std::vector<int> fds = list_fds();
  std::vector<std::pair<int, std::string>> targets;
  for (int fd : fds) {
    targets.emplace_back(fd, fd_target(fd));
  }

  std::string out = "{\n  \"argv\": ";
  std::vector<std::string_view> args(argv, argv + argc);
  append_json_array(out, args, [](std::string& o, std::string_view s) { append_json_string(o, s); });

  out += ",\n  \"env\": ";
  std::vector<std::string_view> envs;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    envs.emplace_back(*e);
  }
  append_json_array(out, envs, [](std::string& o, std::string_view s) { append_json_string(o, s); });

  auto number = [](std::string& o, int n) { o += std::to_string(n); };
  out += ",\n  \"fds\": ";
  append_json_array(out, fds, number);

  out += ",\n  \"fd_targets\": {";
  bool first = true;
  for (const auto& [fd, target] : targets) {
    out += first ? "" : ", ";
    first = false;
    append_json_string(out, std::to_string(fd));
    out += ": ";
    append_json_string(out, target);
  }
  out += "}";

  std::string cwd;
  {
    std::vector<char> buf(4096);
    while (::getcwd(buf.data(), buf.size()) == nullptr) {
      if (errno != ERANGE) {
        buf.assign(1, '\0');
        break;
      }
      buf.resize(buf.size() * 2);
    }
    cwd = buf.data();
  }
  out += ",\n  \"cwd\": " + json_string(cwd);

  pid_t pid = ::getpid();
  pid_t pgid = ::getpgrp();
  out += ",\n  \"pid\": " + std::to_string(pid);
  out += ",\n  \"ppid\": " + std::to_string(::getppid());
  out += ",\n  \"pgid\": " + std::to_string(pgid);
  out += ",\n  \"sid\": " + std::to_string(::getsid(0));
  out += std::string(",\n  \"pgid_is_pid\": ") + (pgid == pid ? "true" : "false");
  int pdeath = 0;
  if (::prctl(PR_GET_PDEATHSIG, &pdeath) != 0) {
    pdeath = -1;
  }
  out += ",\n  \"pdeath_signal\": " + std::to_string(pdeath);
  out += std::string(",\n  \"sigmask_empty\": ") + (sigs.blocked.empty() ? "true" : "false");
  out += ",\n  \"blocked_signals\": ";
  append_json_array(out, sigs.blocked, number);
  out += ",\n  \"ignored_signals\": ";
  append_json_array(out, sigs.ignored, number);
  out += std::string(",\n  \"sigpipe_default\": ") + (sigs.sigpipe_default ? "true" : "false");
  out += std::string(",\n  \"stdin_is_devnull\": ") + (is_devnull(0) ? "true" : "false");
  out += std::string(",\n  \"stdout_is_devnull\": ") + (is_devnull(1) ? "true" : "false");
  out += std::string(",\n  \"stderr_is_devnull\": ") + (is_devnull(2) ? "true" : "false");
  out += ",\n  \"stdin_data\": " + (stdin_data ? json_string(*stdin_data) : std::string("null"));
  out += "\n}\n";
  return out;
}

// --- side channels ----------------------------------------------------------------

void append_log_error(const std::string& path, const std::string& msg, bool text) {
  std::string line;
  if (text) {
    // logrus text format quotes the value like Go's %q.
    line = "time=\"2026-11-28T00:00:00Z\" level=error msg=" + json_string(msg) + "\n";
  } else {
    line = "{\"level\":\"error\",\"msg\":" + json_string(msg) + ",\"time\":\"2026-11-28T00:00:00Z\"}\n";
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    die_errno("open log " + path);
  }
  if (!write_all(fd, line)) {
    die_errno("write log " + path);
  }
  ::close(fd);
}

int connect_unix(const std::string& path) {
  int sock = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0) {
    die_errno("socket");
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    die("socket path too long: " + path);
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::connect(sock, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    die_errno("connect " + path);
  }
  return sock;
}

void send_fds(int sock, std::string_view data, const std::vector<int>& fds) {
  iovec iov{const_cast<char*>(data.data()), data.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  std::vector<char> control;
  if (!fds.empty()) {
    std::size_t payload = fds.size() * sizeof(int);
    control.assign(CMSG_SPACE(payload), '\0');
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(payload);
    std::memcpy(CMSG_DATA(cmsg), fds.data(), payload);
  }
  while (::sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) {
      die_errno("sendmsg");
    }
  }
}

int open_pty_master() {
  int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) {
    die_errno("posix_openpt");
  }
  if (::grantpt(master) != 0 || ::unlockpt(master) != 0) {
    die_errno("grantpt/unlockpt");
  }
  return master;
}

void console_socket(const std::string& path, const std::string& mode) {
  if (mode != "pty" && mode != "two" && mode != "none" && mode != "close") {
    die("bad FAKE_RUNC_CONSOLE=" + mode);
  }
  int sock = connect_unix(path);
  std::vector<int> fds;
  if (mode == "pty" || mode == "two") {
    fds.push_back(open_pty_master());
  }
  if (mode == "two") {
    int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) {
      die_errno("open /dev/null");
    }
    fds.push_back(null_fd);
  }
  if (mode != "close") {
    send_fds(sock, "/dev/ptmx", fds);
  }
  for (int fd : fds) {
    ::close(fd);
  }
  ::close(sock);
}

void pidfd_socket(const std::string& path) {
  int sock = connect_unix(path);
  long pidfd = ::syscall(SYS_pidfd_open, ::getpid(), 0);
  if (pidfd < 0) {
    die_errno("pidfd_open");
  }
  send_fds(sock, "pidfd", {static_cast<int>(pidfd)});
  ::close(static_cast<int>(pidfd));
  ::close(sock);
}

// --- output -----------------------------------------------------------------------

void flood(int fd, long long bytes, char fill) {
  std::string line(63, fill);
  line += '\n';
  std::string chunk;
  while (chunk.size() < 65536) {
    chunk += line;
  }
  auto remaining = static_cast<unsigned long long>(bytes);
  while (remaining > 0) {
    std::size_t n = static_cast<std::size_t>(std::min<unsigned long long>(remaining, chunk.size()));
    if (!write_all(fd, std::string_view(chunk.data(), n))) {
      return;
    }
    remaining -= n;
  }
}

// One `runc events` line of exactly `size` bytes, '\n' included (see the header).
std::string event_line(std::size_t size) {
  std::string line = R"({"type":"stats","id":"web","data":{"pids":{"current":1}})";
  if (size < line.size() + 2) line = R"({"type":"oom","id":"web")";
  if (size < line.size() + 2) die("FAKE_RUNC_EVENT_BYTES too small: " + std::to_string(size));
  line.append(size - line.size() - 2, ' ');
  line += "}\n";
  return line;
}

// Whole event lines, at least 64 KiB of them (or one), for writing in a loop.
std::string event_chunk(std::size_t line_size) {
  const std::string line = event_line(line_size);
  std::string chunk = line;
  while (chunk.size() < 65536) chunk += line;
  return chunk;
}

// Writes event lines to fd 1 until `bytes` are written (whole lines) or, with
// `until`, that CLOCK_MONOTONIC time passed; stops early when a write fails.
// With `full_marker`, creates that file once a pipe's capacity was written.
void write_events(std::size_t line_size, unsigned long long bytes, std::optional<timespec> until,
                  const std::optional<std::string>& full_marker = std::nullopt) {
  const std::string chunk = event_chunk(line_size);
  // The marker goes before the write that would block on a pipe nobody reads.
  const int pipe_size = ::fcntl(1, F_GETPIPE_SZ);
  const unsigned long long capacity = pipe_size > 0 ? static_cast<unsigned long long>(pipe_size) : 0;
  const unsigned long long nearly_full = capacity > chunk.size() ? capacity - chunk.size() : 0;
  auto passed = [&] {
    if (!until) return false;
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > until->tv_sec || (now.tv_sec == until->tv_sec && now.tv_nsec >= until->tv_nsec);
  };
  unsigned long long written = 0;
  bool marked = !full_marker;
  while (written < bytes && !passed()) {
    if (!marked && written >= nearly_full) {
      write_file_atomically(*full_marker, "");
      marked = true;
    }
    // The chunk is whole lines, so rounding what is left up to whole lines never exceeds it.
    const unsigned long long left = bytes - written;
    const std::size_t n = left >= chunk.size()
                              ? chunk.size()
                              : static_cast<std::size_t>((left + line_size - 1) / line_size * line_size);
    if (!write_all(1, std::string_view(chunk.data(), n))) return;
    written += n;
  }
}

int parse_signal(const std::string& text) {
  int number = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc{} && ptr == text.data() + text.size()) {
    if (number < 1 || number > SIGRTMAX) {
      die("bad FAKE_RUNC_SIGNAL=" + text);
    }
    return number;
  }
  static constexpr std::pair<std::string_view, int> names[] = {
      {"HUP", SIGHUP},   {"INT", SIGINT},     {"QUIT", SIGQUIT}, {"ILL", SIGILL},   {"TRAP", SIGTRAP},
      {"ABRT", SIGABRT}, {"BUS", SIGBUS},     {"FPE", SIGFPE},   {"KILL", SIGKILL}, {"USR1", SIGUSR1},
      {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},   {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
      {"CHLD", SIGCHLD}, {"CONT", SIGCONT},   {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
      {"TTOU", SIGTTOU}, {"URG", SIGURG},     {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
      {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},     {"PWR", SIGPWR},   {"SYS", SIGSYS},
  };
  std::string_view name = text;
  if (name.substr(0, 3) == "SIG") {
    name.remove_prefix(3);
  }
  for (const auto& [n, sig] : names) {
    if (n == name) {
      return sig;
    }
  }
  die("bad FAKE_RUNC_SIGNAL=" + text);
}

[[noreturn]] void die_by_signal(int sig, int fallback_exit) {
  rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  ::sigaction(sig, &sa, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
  ::kill(::getpid(), sig);
  // Signals whose default action is to ignore (or stop, then continue) end up here.
  std::_Exit(fallback_exit);
}

}  // namespace

int main(int argc, char** argv) {
  // Parse everything first so a malformed value fails before any side effect.
  const auto exit_code = static_cast<int>(env_number("FAKE_RUNC_EXIT", 0, 0, 255));
  const long long flood_bytes = env_number("FAKE_RUNC_FLOOD", 0, 0, 1LL << 40);
  const long long sleep_for = env_number("FAKE_RUNC_SLEEP_MS", 0, 0, 1LL << 40);
  const long long grandchild_ms = env_number("FAKE_RUNC_GRANDCHILD_MS", -1, 0, 1LL << 40);
  const long long write_fds = env_number("FAKE_RUNC_WRITE_FDS", 0, 0, 1 << 20);
  const long long event_bytes = env_number("FAKE_RUNC_EVENTS", 0, 0, 1LL << 50);
  const auto event_line_size =
      static_cast<std::size_t>(env_number("FAKE_RUNC_EVENT_BYTES", 200, 1, 1LL << 30));
  const bool grandchild_events = env_flag("FAKE_RUNC_GRANDCHILD_EVENTS");
  const long long pipe_bytes = env_number("FAKE_RUNC_PIPE_BYTES", 0, 0, 1 << 30);
  if (event_bytes > 0 || grandchild_events) (void)event_line(event_line_size);  // dies when too small
  const auto signal_name = env("FAKE_RUNC_SIGNAL");
  const int self_signal = signal_name ? parse_signal(*signal_name) : 0;

  // 1. Capture the inherited signal state, then apply our own changes.
  const signal_state sigs = capture_signals();
  if (env_flag("FAKE_RUNC_IGNORE_SIGTERM")) {
    struct sigaction sa {};
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGTERM, &sa, nullptr);
  }
  std::optional<std::string> stdin_data;
  if (env_flag("FAKE_RUNC_READ_STDIN")) {
    stdin_data = read_all(0);
  }

  // 2. The record.
  if (auto record = env("FAKE_RUNC_RECORD")) {
    write_file_atomically(*record, build_record(argc, argv, sigs, stdin_data));
  }

  // 3. Side channels named on the command line.
  if (auto copy = env("FAKE_RUNC_COPY_PROCESS")) {
    if (auto path = flag_value(argc, argv, "--process")) {
      int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
      if (fd >= 0) {
        write_file_atomically(*copy, read_all(fd));
        ::close(fd);
      }
    }
  }
  if (env_flag("FAKE_RUNC_PIDFILE")) {
    if (auto path = flag_value(argc, argv, "--pid-file")) {
      write_file_atomically(*path, std::to_string(::getpid()));
    }
  }
  if (auto msg = env("FAKE_RUNC_LOG_ERROR")) {
    if (auto path = flag_value(argc, argv, "--log")) {
      auto format = flag_value(argc, argv, "--log-format");
      append_log_error(*path, *msg, format && *format == "text");
    }
    write_all(2, *msg + "\n");
  }
  if (auto mode = env("FAKE_RUNC_CONSOLE")) {
    if (auto path = flag_value(argc, argv, "--console-socket")) {
      console_socket(*path, *mode);
    }
  }
  if (env_flag("FAKE_RUNC_PIDFD")) {
    if (auto path = flag_value(argc, argv, "--pidfd-socket")) {
      pidfd_socket(*path);
    }
  }

  // 4. Output.
  if (auto file = env("FAKE_RUNC_STDOUT_FILE")) {
    int fd = ::open(file->c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      die_errno("open " + *file);
    }
    std::string data = read_all(fd);
    ::close(fd);
    write_all(1, data);
  }
  if (stdin_data && env_flag("FAKE_RUNC_ECHO_STDIN")) {
    write_all(1, *stdin_data);
  }
  if (auto text = env("FAKE_RUNC_STDOUT")) {
    write_all(1, *text);
  }
  if (auto text = env("FAKE_RUNC_STDERR")) {
    write_all(2, *text);
  }
  for (long long i = 0; i < write_fds; ++i) {
    const int fd = static_cast<int>(3 + i);
    write_all(fd, std::to_string(fd));
  }
  if (pipe_bytes > 0 && ::fcntl(1, F_SETPIPE_SZ, static_cast<int>(pipe_bytes)) < 0) {
    die_errno("F_SETPIPE_SZ " + std::to_string(pipe_bytes));
  }
  if (event_bytes > 0) {
    write_events(event_line_size, static_cast<unsigned long long>(event_bytes), std::nullopt);
  }
  if (flood_bytes > 0) {
    std::thread err_writer([flood_bytes] { flood(2, flood_bytes, 'e'); });
    flood(1, flood_bytes, 'o');
    err_writer.join();
  }

  // 5. Lifetime.
  if (grandchild_ms >= 0) {
    pid_t child = ::fork();
    if (child < 0) {
      die_errno("fork");
    }
    if (child == 0) {
      if (grandchild_events) {
        timespec until{};
        ::clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += static_cast<time_t>(grandchild_ms / 1000);
        until.tv_nsec += static_cast<long>((grandchild_ms % 1000) * 1000000);
        if (until.tv_nsec >= 1000000000) {
          ++until.tv_sec;
          until.tv_nsec -= 1000000000;
        }
        auto pid_file = env("FAKE_RUNC_GRANDCHILD_PID_FILE");
        write_events(event_line_size, ~0ULL, until,
                     pid_file ? std::optional<std::string>(*pid_file + ".full") : std::nullopt);
      } else {
        sleep_ms(grandchild_ms);
      }
      std::_Exit(0);
    }
    if (auto path = env("FAKE_RUNC_GRANDCHILD_PID_FILE")) {
      write_file_atomically(*path, std::to_string(child));
    }
  }
  if (sleep_for > 0) {
    sleep_ms(sleep_for);
  }
  if (env_flag("FAKE_RUNC_HANG")) {
    for (;;) {
      ::pause();
    }
  }
  if (self_signal != 0) {
    die_by_signal(self_signal, exit_code);
  }
  return exit_code;
}
