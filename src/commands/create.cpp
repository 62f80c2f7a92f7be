#include <runcpp/client.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

// go-runc's order: --bundle, --pid-file, (--console-socket, --pidfd-socket),
// --no-pivot, --no-new-keyring, (--preserve-fds), extra args, id. Never --detach:
// runc's create rejects it.
detail::args detail::create_args(std::string_view id, const std::filesystem::path& bundle,
                                 const create_options& o) {
  return std::move(argv_builder("create")
                       .option("--bundle", bundle.string())
                       .absolute("--pid-file", o.pid_file)
                       .flag("--no-pivot", o.no_pivot)
                       .flag("--no-new-keyring", o.no_new_keyring)
                       .append(o.extra_args)
                       .add(id))
      .take();
}

result<void> client::create(std::string_view id, const std::filesystem::path& bundle,
                            const create_options& opts, const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  auto st = detail::run_with_io(config_, ctx, detail::create_args(id, bundle, opts), opts.io.get(), {}, false);
  if (!st) return std::move(st).error();
  return {};
}

}  // namespace runcpp
