#include <runcpp/client.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

detail::args detail::spec_args(const std::filesystem::path& bundle, const spec_options& o) {
  return std::move(argv_builder("spec")
                       .option("--bundle", bundle.string())
                       .flag("--rootless", o.rootless)
                       .append(o.extra_args))
      .take();
}

result<void> client::spec(const std::filesystem::path& bundle, const spec_options& opts,
                          const call_context& ctx) const {
  return detail::run_simple(config_, ctx, detail::spec_args(bundle, opts));
}

}  // namespace runcpp
