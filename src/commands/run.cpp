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

result<int> client::run(std::string_view id, const std::filesystem::path& bundle, const run_options& opts,
                        const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  if (auto terminal = detail::bundle_terminal(bundle, config_.work_dir))
    if (auto ok =
            detail::check_terminal(*terminal && opts.detach, opts.detach, opts.console_socket != nullptr);
        !ok)
      return std::move(ok).error();
  auto st = detail::run_with_io(config_, ctx, detail::run_args(id, bundle, opts),
                                {.io = opts.io.get(),
                                 .extra_fds = opts.extra_files,
                                 .sockets = {opts.console_socket, opts.pidfd_socket},
                                 .status_is_value = !opts.detach});
  if (!st) return detail::explain_unsupported(std::move(st).error(), opts.pidfd_socket != nullptr);
  return st->go_status();
}

}  // namespace runcpp
