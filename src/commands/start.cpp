#include <runcpp/client.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

detail::args detail::start_args(std::string_view id) { return {"start", std::string(id)}; }

result<void> client::start(std::string_view id, const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  return detail::run_simple(config_, ctx, detail::start_args(id));
}

}  // namespace runcpp
