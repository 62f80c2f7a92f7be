#include <runcpp/client.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

detail::args detail::features_args() { return {"features"}; }

result<runcpp::features> client::features(const call_context& ctx) const {
  auto out = detail::run_capture(config_, ctx, detail::features_args());
  if (!out && out.error().code() == errc::unsupported)  // runc < 1.1, crun < 1.8.6
    return detail::reworded(out.error(), errc::unsupported,
                            config_.command +
                                " has no 'features' command (it said: " + out.error().message() + ")");
  if (!out) return std::move(out).error();
  return parse_features_json(*out);
}

}  // namespace runcpp
