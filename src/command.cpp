#include "command.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdlib>

#include "fd.hpp"
#include "runtime_log.hpp"

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
                                      const std::filesystem::path& log = {}, log_format format = log_format::none) {
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

// A private log file for one call, removed on destruction.
class call_log {
 public:
  static result<call_log> make() {
    const char* base = std::getenv("XDG_RUNTIME_DIR");  // NOLINT(concurrency-mt-unsafe): read-only
    if (base == nullptr || *base == '\0') base = std::getenv("TMPDIR");  // NOLINT
    std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/runcpp-log-XXXXXX";
    unique_fd fd(::mkostemp(tmpl.data(), O_CLOEXEC));
    if (!fd) return sys_error(errc::io_error, "cannot create a log file " + tmpl);
    return call_log(std::move(tmpl));
  }
  call_log(call_log&& o) noexcept : path_(std::exchange(o.path_, {})) {}
  call_log(const call_log&) = delete;
  call_log& operator=(const call_log&) = delete;
  call_log& operator=(call_log&&) = delete;
  ~call_log() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  explicit call_log(std::string p) : path_(std::move(p)) {}
  std::string path_;
};

constexpr std::size_t log_read_cap = 64 * 1024;

}  // namespace

std::vector<std::string> global_args(const config& cfg, const std::filesystem::path& log, log_format format) {
  return std::move(argv_builder()
                       .option("--root", cfg.root.string())
                       .flag("--debug", cfg.debug)
                       .option("--log", (log.empty() ? cfg.log : log).string())
                       .option("--log-format", format_name(format != log_format::none ? format : cfg.log_format))
                       .flag("--systemd-cgroup", cfg.systemd_cgroup)
                       .joined("--rootless=", rootless_value(cfg.rootless))
                       .append(cfg.extra_args))
      .take();
}

error command_error(const outcome& out, std::string_view log_text) {
  std::string msg = runtime_message(out.err);
  if (msg.empty() && !log_text.empty()) msg = runtime_message(log_text);
  std::string log_record = last_error_record(log_text).value_or(std::string{});
  std::string runtime_msg = !log_record.empty() ? log_record : msg;
  errc code = errc::command_failed;
  if (out.status.is_signaled())
    msg = out.argv.front() + " was " + out.status.to_string();
  else if (!msg.empty())
    code = classify_message(msg);
  else
    msg = out.argv.front() + " failed with " + out.status.to_string();
  return error(code, msg).with_argv(out.argv).with_exit(out.status).with_stderr(out.err).with_runtime_message(runtime_msg);
}

result<std::string> run_capture(const config& cfg, const call_context& ctx, std::vector<std::string> sub,
                                std::optional<std::string> stdin_data) {
  invocation inv{with_globals(cfg, std::move(sub)), true, nullptr, std::move(stdin_data), {}};
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

result<exit_status> run_with_io(const config& cfg, const call_context& ctx, std::vector<std::string> sub,
                                runcpp::io* io, std::vector<int> extra_fds, bool status_is_value) {
  std::optional<call_log> own_log;
  std::filesystem::path log_path = cfg.log;
  off_t log_offset = 0;
  if (log_path.empty()) {
    auto made = call_log::make();
    if (!made) return std::move(made).error();
    own_log.emplace(std::move(*made));
    log_path = own_log->path();
  } else {
    log_offset = size_of(log_path);
  }
  log_format format = cfg.log_format == log_format::none ? log_format::json : cfg.log_format;
  invocation inv{with_globals(cfg, std::move(sub), own_log ? log_path : std::filesystem::path{},
                              own_log ? format : log_format::none),
                 false, io, std::nullopt, std::move(extra_fds)};
  auto out = run_process(cfg, ctx, std::move(inv));
  if (!out) return std::move(out).error();
  if (out->status.success()) return out->status;
  std::string log_text = read_tail(log_path, log_offset, log_read_cap);
  if (!status_is_value || out->status.is_signaled() || last_error_record(log_text))
    return command_error(*out, log_text);
  return out->status;
}

}  // namespace runcpp::detail
