#include <runcpp/error.hpp>

#include <sys/wait.h>

#include <ostream>
#include <string>

#include <runcpp/signal.hpp>

namespace runcpp {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "runcpp"; }
  std::string message(int c) const override { return runcpp::to_string(static_cast<errc>(c)); }
};

}  // namespace

const std::error_category& runcpp_category() noexcept {
  static const category instance;  // immutable; constant after first use
  return instance;
}

std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), runcpp_category()}; }

const char* to_string(errc e) noexcept {
  switch (e) {
    case errc::spawn_failed: return "spawn_failed";
    case errc::command_failed: return "command_failed";
    case errc::not_found: return "not_found";
    case errc::already_exists: return "already_exists";
    case errc::not_running: return "not_running";
    case errc::still_running: return "still_running";
    case errc::paused: return "paused";
    case errc::not_paused: return "not_paused";
    case errc::invalid_argument: return "invalid_argument";
    case errc::timeout: return "timeout";
    case errc::cancelled: return "cancelled";
    case errc::parse_error: return "parse_error";
    case errc::protocol_error: return "protocol_error";
    case errc::unsupported: return "unsupported";
    case errc::io_error: return "io_error";
  }
  return "unknown";
}

exit_status exit_status::from_wait_status(int status) noexcept {
  if (WIFSIGNALED(status)) return signaled(WTERMSIG(status), WCOREDUMP(status));
  return exited(WEXITSTATUS(status));
}

std::string exit_status::to_string() const {
  if (is_exited()) return "exit status " + std::to_string(code_);
  std::string s = "killed by signal " + std::to_string(signal_);
  if (auto name = signal_name(signal_); !name.empty()) s.append(" (").append(name).append(")");
  if (core_) s += ", core dumped";
  return s;
}

error::error(errc code, std::string message) : code_(code), message_(std::move(message)) {
  // message() is one line by contract.
  while (!message_.empty() && (message_.back() == '\n' || message_.back() == '\r')) message_.pop_back();
  for (char& c : message_)
    if (c == '\n' || c == '\r') c = ' ';
}

error& error::with_argv(std::vector<std::string> argv) & {
  argv_ = std::move(argv);
  return *this;
}
error& error::with_exit(exit_status s) & {
  exit_ = s;
  return *this;
}
error& error::with_stderr(std::string text) & {
  stderr_ = std::move(text);
  return *this;
}
error& error::with_runtime_message(std::string msg) & {
  runtime_message_ = std::move(msg);
  return *this;
}
error& error::with_cause(std::error_code ec) & {
  cause_ = ec;
  return *this;
}

std::string error::to_string() const {
  std::string s;
  if (!argv_.empty()) {
    s = argv_.front();
    // Name the subcommand: the first argument that is not a global flag or its value.
    for (std::size_t i = 1; i < argv_.size(); ++i) {
      const std::string& a = argv_[i];
      if (a.starts_with("-")) {
        if ((a == "--root" || a == "--log" || a == "--log-format") && i + 1 < argv_.size()) ++i;
        continue;
      }
      s += " " + a;
      break;
    }
    s += ": ";
  }
  s += message_;
  s += " [";
  s += runcpp::to_string(code_);
  if (exit_) s += ", " + exit_->to_string();
  if (cause_) s += ", " + cause_.message();
  s += "]";
  return s;
}

std::ostream& operator<<(std::ostream& os, const error& e) { return os << e.to_string(); }

}  // namespace runcpp
