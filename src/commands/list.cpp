#include <runcpp/client.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

detail::args detail::list_args() { return {"list", "--format=json"}; }

result<std::vector<container>> client::list(const call_context& ctx) const {
  return detail::run_capture(config_, ctx, detail::list_args()).and_then([](const std::string& out) {
    return parse_list_json(out);
  });
}

}  // namespace runcpp
