#include <runcpp/client.hpp>
#include <runcpp/socket.hpp>

#include "../command.hpp"
#include "../temp_file.hpp"
#include "commands.hpp"

namespace runcpp {

// go-runc's order: --process, --console-socket, --pidfd-socket, --detach,
// --pid-file; then what go-runc cannot send: --preserve-fds, --cgroup,
// --ignore-paused. runc exec stops parsing flags at the id, so all come first.
detail::args detail::exec_args(std::string_view id, const std::string& process_file, const exec_options& o) {
  return std::move(argv_builder("exec")
                       .option("--process", process_file)
                       .socket("--console-socket", o.console_socket)
                       .socket("--pidfd-socket", o.pidfd_socket)
                       .flag("--detach", o.detach)
                       .absolute("--pid-file", o.pid_file)
                       .count("--preserve-fds", o.extra_files.size())
                       .option("--cgroup", o.cgroup)
                       .flag("--ignore-paused", o.ignore_paused)
                       .append(o.extra_args)
                       .add(id))
      .take();
}

namespace {

// exec and exec_capture: the same checks and call, with io or captured output.
result<detail::outcome> run_exec(const config& cfg, std::string_view id, const spec::process& process,
                                 const exec_options& opts, const capture_options* capture,
                                 const call_context& ctx) {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  const bool terminal = process.terminal.value_or(false);
  if (capture != nullptr)
    if (auto ok = detail::check_capture("exec_capture", opts.io.get(), opts.detach, terminal); !ok)
      return std::move(ok).error();
  if (auto ok = detail::check_terminal(terminal, opts.detach, opts.console_socket != nullptr); !ok)
    return std::move(ok).error();
  auto file = detail::temp_file::create("runc-process", spec::to_json(process));
  if (!file) return std::move(file).error();
  auto out = detail::run_with_io(cfg, ctx, detail::exec_args(id, file->path(), opts),
                                 {.io = opts.io.get(),
                                  .extra_fds = opts.extra_files,
                                  .sockets = {opts.console_socket, opts.pidfd_socket},
                                  .log = opts.log_file,
                                  .status_is_value = !opts.detach,
                                  .capture = capture});
  if (!out) return detail::explain_unsupported(std::move(out).error(), opts.pidfd_socket != nullptr);
  return out;
}

}  // namespace

result<exit_status> client::exec(std::string_view id, const spec::process& process, const exec_options& opts,
                                 const call_context& ctx) const {
  return detail::status_of(run_exec(config_, id, process, opts, nullptr, ctx));
}

result<captured> client::exec_capture(std::string_view id, const spec::process& process,
                                      const exec_options& opts, const capture_options& capture,
                                      const call_context& ctx) const {
  return detail::captured_of(run_exec(config_, id, process, opts, &capture, ctx));
}

}  // namespace runcpp
