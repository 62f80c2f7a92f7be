#include <runcpp/client.hpp>
#include <runcpp/socket.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

// go-runc's order: --bundle, --pid-file, --console-socket, --pidfd-socket,
// --no-pivot, --no-new-keyring, --preserve-fds, extra args, id. Never
// --detach: runc's create rejects it (go-runc sends it when asked).
detail::args detail::create_args(std::string_view id, const std::filesystem::path& bundle,
                                 const create_options& o) {
  return std::move(argv_builder("create")
                       .option("--bundle", bundle.string())
                       .absolute("--pid-file", o.pid_file)
                       .socket("--console-socket", o.console_socket)
                       .socket("--pidfd-socket", o.pidfd_socket)
                       .flag("--no-pivot", o.no_pivot)
                       .flag("--no-new-keyring", o.no_new_keyring)
                       .count("--preserve-fds", o.extra_files.size())
                       .append(o.extra_args)
                       .add(id))
      .take();
}

result<void> client::create(std::string_view id, const std::filesystem::path& bundle,
                            const create_options& opts, const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  if (auto terminal = detail::bundle_terminal(bundle, config_.work_dir))
    if (auto ok = detail::check_terminal(*terminal, true, opts.console_socket != nullptr); !ok)
      return std::move(ok).error();
  auto st = detail::run_with_io(config_, ctx, detail::create_args(id, bundle, opts),
                                {.io = opts.io.get(),
                                 .extra_fds = opts.extra_files,
                                 .sockets = {opts.console_socket, opts.pidfd_socket}});
  if (!st) return detail::explain_unsupported(std::move(st).error(), opts.pidfd_socket != nullptr);
  return {};
}

}  // namespace runcpp
