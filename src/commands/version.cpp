#include <runcpp/client.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

detail::args detail::version_args() { return {"--version"}; }

result<runcpp::version> client::version(const call_context& ctx) const {
  return detail::run_capture(config_, ctx, detail::version_args()).and_then([](const std::string& out) {
    return parse_version_output(out);
  });
}

}  // namespace runcpp
