#include <runcpp/client.hpp>
#include <runcpp/socket.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

// create's flags in go-runc's order, then --detach, then runc's --keep and
// --no-subreaper (two dashes; go-runc has neither), --preserve-fds last.
detail::args detail::run_args(std::string_view id, const std::filesystem::path& bundle,
                              const run_options& o) {
  return std::move(argv_builder("run")
                       .option("--bundle", bundle.string())
                       .absolute("--pid-file", o.pid_file)
                       .socket("--console-socket", o.console_socket)
                       .socket("--pidfd-socket", o.pidfd_socket)
                       .flag("--no-pivot", o.no_pivot)
                       .flag("--no-new-keyring", o.no_new_keyring)
                       .flag("--detach", o.detach)
                       .flag("--keep", o.keep)
                       .flag("--no-subreaper", o.no_subreaper)
                       .count("--preserve-fds", o.extra_files.size())
                       .append(o.extra_args)
                       .add(id))
      .take();
}

namespace {

// run and run_capture: the same checks and call, with io or captured output.
result<detail::outcome> run_run(const config& cfg, std::string_view id, const std::filesystem::path& bundle,
                                const run_options& opts, const capture_options* capture,
                                const call_context& ctx) {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  const auto terminal = detail::bundle_terminal(bundle, cfg.work_dir);
  if (capture != nullptr)
    if (auto ok = detail::check_capture("run_capture", opts.io.get(), opts.detach, terminal.value_or(false));
        !ok)
      return std::move(ok).error();
  if (terminal)
    if (auto ok = detail::check_terminal(*terminal, opts.detach, opts.console_socket != nullptr); !ok)
      return std::move(ok).error();
  auto out = detail::run_with_io(cfg, ctx, detail::run_args(id, bundle, opts),
                                 {.io = opts.io.get(),
                                  .extra_fds = opts.extra_files,
                                  .sockets = {opts.console_socket, opts.pidfd_socket},
                                  .status_is_value = !opts.detach,
                                  .capture = capture});
  if (!out) return detail::explain_unsupported(std::move(out).error(), opts.pidfd_socket != nullptr);
  return out;
}

}  // namespace

result<exit_status> client::run(std::string_view id, const std::filesystem::path& bundle,
                                const run_options& opts, const call_context& ctx) const {
  return detail::status_of(run_run(config_, id, bundle, opts, nullptr, ctx));
}

result<captured> client::run_capture(std::string_view id, const std::filesystem::path& bundle,
                                     const run_options& opts, const capture_options& capture,
                                     const call_context& ctx) const {
  return detail::captured_of(run_run(config_, id, bundle, opts, &capture, ctx));
}

}  // namespace runcpp
