#include <runcpp/client.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

detail::args detail::state_args(std::string_view id) { return {"state", std::string(id)}; }

result<container> client::state(std::string_view id, const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  // stdout only: stderr noise on success cannot break the JSON (go-runc parses both).
  return detail::run_capture(config_, ctx, detail::state_args(id)).and_then([](const std::string& out) {
    return parse_state_json(out);
  });
}

}  // namespace runcpp
