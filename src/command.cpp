#include "command.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "json/rapid.hpp"

#include "fd.hpp"
#include "runtime_log.hpp"
#include "temp_file.hpp"

namespace runcpp::detail {

argv_builder::argv_builder(std::string_view first) {
  if (!first.empty()) args_.emplace_back(first);
}
argv_builder& argv_builder::add(std::string_view arg) {
  args_.emplace_back(arg);
  return *this;
}
argv_builder& argv_builder::flag(std::string_view name, bool on) {
  if (on) args_.emplace_back(name);
  return *this;
}
argv_builder& argv_builder::option(std::string_view name, std::string_view value) {
  if (!value.empty()) {
    args_.emplace_back(name);
    args_.emplace_back(value);
  }
  return *this;
}
argv_builder& argv_builder::joined(std::string_view name_eq, std::string_view value) {
  if (!value.empty()) args_.push_back(std::string(name_eq).append(value));
  return *this;
}
argv_builder& argv_builder::absolute(std::string_view name, const std::filesystem::path& p) {
  if (p.empty()) return *this;
  std::error_code ec;
  auto abs = std::filesystem::absolute(p, ec);
  return option(name, (ec ? p : abs).string());
}
argv_builder& argv_builder::count(std::string_view name, std::size_t n) {
  return n > 0 ? option(name, std::to_string(n)) : *this;
}
argv_builder& argv_builder::socket(std::string_view name, const fd_socket* s) {
  return s != nullptr ? option(name, s->path().string()) : *this;
}
argv_builder& argv_builder::repeated(std::string_view name, const std::vector<std::string>& values) {
  for (const auto& v : values) option(name, v);
  return *this;
}
argv_builder& argv_builder::append(const std::vector<std::string>& args) {
  args_.insert(args_.end(), args.begin(), args.end());
  return *this;
}

namespace {

std::string_view format_name(log_format f) {
  switch (f) {
    case log_format::text: return "text";
    case log_format::json: return "json";
    case log_format::none: break;
  }
  return {};
}

std::string_view rootless_value(rootless_mode m) {
  switch (m) {
    case rootless_mode::enabled: return "true";
    case rootless_mode::disabled: return "false";
    case rootless_mode::automatic: break;
  }
  return {};
}

std::vector<std::string> with_globals(const config& cfg, std::vector<std::string> sub,
                                      const std::filesystem::path& log = {},
                                      log_format format = log_format::none) {
  auto args = global_args(cfg, log, format);
  args.insert(args.end(), std::make_move_iterator(sub.begin()), std::make_move_iterator(sub.end()));
  return args;
}

// Reads at most `cap` bytes of `path` starting at `offset`.
std::string read_tail(const std::filesystem::path& path, off_t offset, std::size_t cap) {
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return {};
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || st.st_size <= offset) return {};
  // Keep the newest records when runc wrote more than the cap.
  off_t start = std::max<off_t>(offset, st.st_size - static_cast<off_t>(cap));
  std::string text(static_cast<std::size_t>(st.st_size - start), '\0');
  ssize_t n = ::pread(fd.get(), text.data(), text.size(), start);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return text;
}

off_t size_of(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : 0;
}

constexpr std::size_t log_read_cap = std::size_t{64} * 1024;

}  // namespace

std::vector<std::string> global_args(const config& cfg, const std::filesystem::path& log, log_format format) {
  return std::move(
             argv_builder()
                 .option("--root", cfg.root.string())
                 .flag("--debug", cfg.debug)
                 .option("--log", (log.empty() ? cfg.log : log).string())
                 .option("--log-format", format_name(format != log_format::none ? format : cfg.log_format))
                 .flag("--systemd-cgroup", cfg.systemd_cgroup)
                 .joined("--rootless=", rootless_value(cfg.rootless))
                 .append(cfg.extra_args))
      .take();
}

result<void> check_terminal(bool terminal, bool detached, bool console_socket) {
  if (terminal && detached && !console_socket)
    return error(errc::invalid_argument,
                 "process.terminal is true and the call is detached: a console socket is required");
  if (console_socket && !terminal)
    return error(errc::invalid_argument, "a console socket was given but process.terminal is false");
  if (console_socket && !detached)
    return error(errc::invalid_argument, "a console socket needs a detached call (create, or detach = true)");
  return {};
}

result<void> check_capture(std::string_view what, const runcpp::io* io, bool detach, bool terminal) {
  auto refuse = [&](std::string_view why) {
    return error(errc::invalid_argument,
                 std::string(what) + " captures the output itself: " + std::string(why));
  };
  if (io != nullptr) return refuse("opts.io must be empty");
  if (detach) return refuse("it waits for the process, so detach must be false");
  if (terminal) return refuse("process.terminal must be false (a terminal's output goes to its pty)");
  return {};
}

std::optional<bool> bundle_terminal(const std::filesystem::path& bundle,
                                    const std::filesystem::path& work_dir) {
  auto path = (bundle.is_relative() && !work_dir.empty() ? work_dir / bundle : bundle) / "config.json";
  std::string text = read_tail(path, 0, std::size_t{16} << 20);
  rapid::document doc;
  if (!doc.parse(text) || !doc.root().IsObject()) return std::nullopt;
  const auto* p = rapid::find_last(doc.root(), "process");
  if (p == nullptr || !p->IsObject()) return false;
  const auto* t = rapid::find_last(*p, "terminal");
  if (t == nullptr || t->IsNull()) return false;
  if (!t->IsBool()) return std::nullopt;
  return t->GetBool();
}

error reworded(const error& e, errc code, std::string message) {
  error out(code, std::move(message));
  out.with_argv(e.argv())
      .with_stderr(e.stderr_text())
      .with_runtime_message(e.runtime_message())
      .with_cause(e.cause());
  if (e.exit()) out.with_exit(*e.exit());
  return out;
}

error explain_unsupported(error e, bool pidfd_socket_requested) {
  if (!pidfd_socket_requested) return e;
  // crun (argp) rejects an unknown option with exit 64 (EX_USAGE) and says so only
  // on stderr, which a call with io does not capture: no message to classify.
  const bool usage_exit = e.code() == errc::command_failed && e.runtime_message().empty() && e.exit() &&
                          *e.exit() == exit_status::exited(64);
  if (e.code() != errc::unsupported && !usage_exit) return e;
  const std::string& cmd = e.argv().empty() ? std::string("the runtime") : e.argv().front();
  return reworded(e, errc::unsupported,
                  cmd + " does not support --pidfd-socket (runc >= 1.2 does): " + e.message());
}

error command_error(const outcome& out, std::string_view log_text) {
  // runc's log record first: with captured output, stderr is also the process's.
  std::string log_record = last_error_record(log_text).value_or(std::string{});
  std::string msg = !log_record.empty() ? log_record : runtime_message(out.err);
  if (msg.empty() && !log_text.empty()) msg = runtime_message(log_text);
  std::string runtime_msg = !log_record.empty() ? log_record : msg;
  errc code = errc::command_failed;
  if (out.status.is_signaled())
    msg = out.argv.front() + " was " + out.status.to_string();
  else if (!msg.empty())
    code = classify_message(msg);
  else
    msg = out.argv.front() + " failed with " + out.status.to_string();
  return error(code, msg)
      .with_argv(out.argv)
      .with_exit(out.status)
      .with_stderr(out.err)
      .with_runtime_message(runtime_msg);
}

result<std::string> run_capture(const config& cfg, const call_context& ctx, std::vector<std::string> sub,
                                std::optional<std::string> stdin_data) {
  invocation inv{with_globals(cfg, std::move(sub)), true, nullptr, std::move(stdin_data), {}, {}, {}};
  auto out = run_process(cfg, ctx, std::move(inv));
  if (!out) return std::move(out).error();
  if (!out->status.success()) return command_error(*out);
  if (out->out_truncated)
    return error(errc::parse_error, "output of " + cfg.command + " exceeded config.max_stdout (" +
                                        std::to_string(cfg.max_stdout) + " bytes)")
        .with_argv(out->argv);
  return std::move(out->out);
}

result<void> run_simple(const config& cfg, const call_context& ctx, std::vector<std::string> sub) {
  auto out = run_capture(cfg, ctx, std::move(sub));
  if (!out) return std::move(out).error();
  return {};
}

result<outcome> run_with_io(const config& cfg, const call_context& ctx, std::vector<std::string> sub,
                            io_call call) {
  struct notify_sockets {
    std::vector<fd_socket*>& sockets;
    ~notify_sockets() {
      for (auto* s : sockets)
        if (s != nullptr) s->runtime_exited();
    }
  } notify{call.sockets};

  std::optional<temp_file> own_log;
  std::filesystem::path log_path = call.log.empty() ? cfg.log : call.log;
  off_t log_offset = 0;
  log_format format = cfg.log_format;
  if (log_path.empty()) {
    auto made = temp_file::create("runcpp-log-");
    if (!made) {
      if (call.io != nullptr) call.io->close_after_start();  // as run_process does on its early returns
      return std::move(made).error();
    }
    own_log.emplace(std::move(*made));
    log_path = own_log->path();
    if (format == log_format::none) format = log_format::json;
  } else {
    log_offset = size_of(log_path);
  }
  const bool override_log = own_log.has_value() || !call.log.empty();
  invocation inv{with_globals(cfg, std::move(sub), override_log ? log_path : std::filesystem::path{}, format),
                 call.capture != nullptr,
                 call.io,
                 call.capture != nullptr ? call.capture->input : std::nullopt,
                 std::move(call.extra_fds),
                 {},
                 {}};
  if (call.capture != nullptr) {
    inv.max_out = call.capture->max_stdout;
    inv.max_err = call.capture->max_stderr;
  }
  auto out = run_process(cfg, ctx, std::move(inv));
  if (!out) return std::move(out).error();
  if (out->status.success()) return out;
  std::string log_text = read_tail(log_path, log_offset, log_read_cap);
  if (!call.status_is_value || out->status.is_signaled() || last_error_record(log_text))
    return command_error(*out, log_text);
  return out;
}

result<exit_status> status_of(result<outcome> out) {
  if (!out) return std::move(out).error();
  return out->status;
}

result<captured> captured_of(result<outcome> out) {
  if (!out) return std::move(out).error();
  return captured{out->status, std::move(out->out), std::move(out->err), out->out_truncated,
                  out->err_truncated};
}

}  // namespace runcpp::detail
