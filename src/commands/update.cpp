#include <runcpp/client.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

// --resources=- is one token: some runc builds reject "--resources -".
detail::args detail::update_args(std::string_view id, const update_options& o) {
  return std::move(argv_builder("update")
                       .add("--resources=-")
                       .option("--l3-cache-schema", o.l3_cache_schema)
                       .option("--mem-bw-schema", o.mem_bw_schema)
                       .append(o.extra_args)
                       .add(id))
      .take();
}

result<void> client::update(std::string_view id, const spec::linux_resources& resources,
                            const update_options& opts, const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  auto out =
      detail::run_capture(config_, ctx, detail::update_args(id, opts), spec::to_json(resources) + "\n");
  if (!out) return std::move(out).error();
  return {};
}

}  // namespace runcpp
