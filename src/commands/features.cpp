#include <runcpp/client.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

detail::args detail::features_args() { return {"features"}; }

result<runcpp::features> client::features(const call_context& ctx) const {
  auto out = detail::run_capture(config_, ctx, detail::features_args());
  if (!out && out.error().code() == errc::unsupported) {
    // runc < 1.1 and crun < 1.8.6 have no `features`; say so plainly.
    const error& e = out.error();
    error plain(errc::unsupported, config_.command + " has no 'features' command (it said: " + e.message() + ")");
    plain.with_argv(e.argv()).with_stderr(e.stderr_text()).with_runtime_message(e.runtime_message());
    if (e.exit()) plain.with_exit(*e.exit());
    return plain;
  }
  if (!out) return std::move(out).error();
  return parse_features_json(*out);
}

}  // namespace runcpp
