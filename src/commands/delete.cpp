#include <runcpp/client.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

detail::args detail::delete_args(std::string_view id, const delete_options& o) {
  return std::move(argv_builder("delete").flag("--force", o.force).append(o.extra_args).add(id)).take();
}

result<void> client::remove(std::string_view id, const delete_options& opts, const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  return detail::run_simple(config_, ctx, detail::delete_args(id, opts));
}

}  // namespace runcpp
