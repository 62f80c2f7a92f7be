#include <runcpp/client.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

// create's flags in go-runc's order, then --detach, then runc's --keep and
// --no-subreaper (two dashes; go-runc has neither).
detail::args detail::run_args(std::string_view id, const std::filesystem::path& bundle, const run_options& o) {
  return std::move(argv_builder("run")
                       .option("--bundle", bundle.string())
                       .absolute("--pid-file", o.pid_file)
                       .flag("--no-pivot", o.no_pivot)
                       .flag("--no-new-keyring", o.no_new_keyring)
                       .flag("--detach", o.detach)
                       .flag("--keep", o.keep)
                       .flag("--no-subreaper", o.no_subreaper)
                       .append(o.extra_args)
                       .add(id))
      .take();
}

result<int> client::run(std::string_view id, const std::filesystem::path& bundle, const run_options& opts,
                        const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  auto st = detail::run_with_io(config_, ctx, detail::run_args(id, bundle, opts), opts.io.get(), {},
                                !opts.detach);
  if (!st) return std::move(st).error();
  return st->go_status();
}

}  // namespace runcpp
