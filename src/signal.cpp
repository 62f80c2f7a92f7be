// Signal names <-> numbers for client::kill.
//
// Real-time signals: the kernel numbers them 32..64, but the C library
// reserves 32 and 33 for its threading implementation, so every userspace
// tool (glibc's and musl's SIGRTMIN() at run time, kill(1), and runc's own
// table in moby/sys/signal) calls 34 "SIGRTMIN" and 64 "SIGRTMAX". We use those
// fixed numbers rather than glibc's SIGRTMIN macro, which is a function call
// and would make the table non-constant. 32 and 33 are valid numbers but have
// no name.

#include <runcpp/signal.hpp>

#include <array>
#include <csignal>
#include <string>

namespace runcpp {

namespace {

constexpr int rt_min = 34;
constexpr int rt_max = 64;  // _NSIG - 1 on x86, arm, arm64, riscv, ppc, s390

struct named_signal {
  std::string_view name;  // without "SIG"
  int number;
};

// The canonical name of a number comes first; aliases follow it. The macros
// give the right numbers on every Linux architecture.
constexpr std::array signal_table{
    named_signal{"HUP", SIGHUP},       named_signal{"INT", SIGINT},       named_signal{"QUIT", SIGQUIT},
    named_signal{"ILL", SIGILL},       named_signal{"TRAP", SIGTRAP},     named_signal{"ABRT", SIGABRT},
    named_signal{"IOT", SIGIOT},       named_signal{"BUS", SIGBUS},       named_signal{"FPE", SIGFPE},
    named_signal{"KILL", SIGKILL},     named_signal{"USR1", SIGUSR1},     named_signal{"SEGV", SIGSEGV},
    named_signal{"USR2", SIGUSR2},     named_signal{"PIPE", SIGPIPE},     named_signal{"ALRM", SIGALRM},
    named_signal{"TERM", SIGTERM},
#ifdef SIGSTKFLT
    named_signal{"STKFLT", SIGSTKFLT},
#endif
    named_signal{"CHLD", SIGCHLD},     named_signal{"CLD", SIGCHLD},      named_signal{"CONT", SIGCONT},
    named_signal{"STOP", SIGSTOP},     named_signal{"TSTP", SIGTSTP},     named_signal{"TTIN", SIGTTIN},
    named_signal{"TTOU", SIGTTOU},     named_signal{"URG", SIGURG},       named_signal{"XCPU", SIGXCPU},
    named_signal{"XFSZ", SIGXFSZ},     named_signal{"VTALRM", SIGVTALRM}, named_signal{"PROF", SIGPROF},
    named_signal{"WINCH", SIGWINCH},   named_signal{"IO", SIGIO},
#ifdef SIGPOLL
    named_signal{"POLL", SIGPOLL},
#endif
#ifdef SIGPWR
    named_signal{"PWR", SIGPWR},
#endif
    named_signal{"SYS", SIGSYS},
};

// Full names of 34..64, spelled as kill -l does (the split is at the midpoint).
constexpr std::array<std::string_view, rt_max - rt_min + 1> rt_names{
    "SIGRTMIN",    "SIGRTMIN+1",  "SIGRTMIN+2",  "SIGRTMIN+3",  "SIGRTMIN+4",  "SIGRTMIN+5",  "SIGRTMIN+6",
    "SIGRTMIN+7",  "SIGRTMIN+8",  "SIGRTMIN+9",  "SIGRTMIN+10", "SIGRTMIN+11", "SIGRTMIN+12", "SIGRTMIN+13",
    "SIGRTMIN+14", "SIGRTMIN+15", "SIGRTMAX-14", "SIGRTMAX-13", "SIGRTMAX-12", "SIGRTMAX-11", "SIGRTMAX-10",
    "SIGRTMAX-9",  "SIGRTMAX-8",  "SIGRTMAX-7",  "SIGRTMAX-6",  "SIGRTMAX-5",  "SIGRTMAX-4",  "SIGRTMAX-3",
    "SIGRTMAX-2",  "SIGRTMAX-1",  "SIGRTMAX",
};

// Full names of the classic signals ("SIG" + table name), so signal_name can
// return a view of static storage without building a string.
constexpr std::string_view classic_full_name(int sig) noexcept {
  switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGUSR1: return "SIGUSR1";
    case SIGSEGV: return "SIGSEGV";
    case SIGUSR2: return "SIGUSR2";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
#ifdef SIGSTKFLT
    case SIGSTKFLT: return "SIGSTKFLT";
#endif
    case SIGCHLD: return "SIGCHLD";
    case SIGCONT: return "SIGCONT";
    case SIGSTOP: return "SIGSTOP";
    case SIGTSTP: return "SIGTSTP";
    case SIGTTIN: return "SIGTTIN";
    case SIGTTOU: return "SIGTTOU";
    case SIGURG: return "SIGURG";
    case SIGXCPU: return "SIGXCPU";
    case SIGXFSZ: return "SIGXFSZ";
    case SIGVTALRM: return "SIGVTALRM";
    case SIGPROF: return "SIGPROF";
    case SIGWINCH: return "SIGWINCH";
    case SIGIO: return "SIGIO";
#ifdef SIGPWR
    case SIGPWR: return "SIGPWR";
#endif
    case SIGSYS: return "SIGSYS";
    default: return {};
  }
}

// The two tables must agree, or signal_name and parse_signal would disagree.
constexpr bool tables_agree() {
  for (const auto& s : signal_table)
    if (classic_full_name(s.number).empty()) return false;
  for (int n = 1; n < rt_min; ++n) {
    const auto full = classic_full_name(n);
    if (full.empty()) continue;
    bool found = false;
    for (const auto& s : signal_table)
      if (s.number == n && full.substr(3) == s.name) found = true;
    if (!found) return false;
  }
  return true;
}
static_assert(tables_agree());

constexpr char ascii_upper(char c) noexcept {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

bool iequals(std::string_view a, std::string_view upper) noexcept {
  if (a.size() != upper.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_upper(a[i]) != upper[i]) return false;
  return true;
}

bool istarts_with(std::string_view s, std::string_view upper_prefix) noexcept {
  return s.size() >= upper_prefix.size() && iequals(s.substr(0, upper_prefix.size()), upper_prefix);
}

// Plain decimal: no sign, no blanks; capped so long inputs cannot overflow.
// Returns -1 when s is not such a number.
int small_decimal(std::string_view s) noexcept {
  if (s.empty() || s.size() > 4) return -1;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

error unknown_signal(std::string_view name) {
  std::string msg = "unknown signal \"";
  constexpr std::size_t max_len = 32;
  for (char c : name.substr(0, max_len)) {
    const auto u = static_cast<unsigned char>(c);
    msg += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (name.size() > max_len) msg += "...";
  msg += '"';
  return error(errc::invalid_argument, std::move(msg));
}

}  // namespace

result<int> parse_signal(std::string_view name) {
  if (!name.empty() && name.front() >= '0' && name.front() <= '9') {
    const int n = small_decimal(name);
    if (n >= 1 && n <= rt_max) return n;
    return unknown_signal(name);
  }

  std::string_view s = name;
  if (istarts_with(s, "SIG")) s.remove_prefix(3);

  for (const auto& entry : signal_table)
    if (iequals(s, entry.name)) return entry.number;

  // RTMIN, RTMIN+n, RTMAX, RTMAX-n, staying inside 34..64.
  if (istarts_with(s, "RTMIN") || istarts_with(s, "RTMAX")) {
    const bool from_min = istarts_with(s, "RTMIN");
    auto rest = s.substr(5);
    if (rest.empty()) return from_min ? rt_min : rt_max;
    if (rest.front() == (from_min ? '+' : '-')) {
      const int n = small_decimal(rest.substr(1));
      if (n >= 0 && n <= rt_max - rt_min) return from_min ? rt_min + n : rt_max - n;
    }
  }
  return unknown_signal(name);
}

std::string_view signal_name(int signal) noexcept {
  if (signal >= rt_min && signal <= rt_max) return rt_names[static_cast<std::size_t>(signal - rt_min)];
  return classic_full_name(signal);
}

}  // namespace runcpp
