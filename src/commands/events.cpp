// events (a stream) and stats (one event): both are `runc events`.
#include <runcpp/client.hpp>

#include "../command.hpp"
#include "../events_internal.hpp"
#include "commands.hpp"

namespace runcpp {

detail::args detail::events_args(std::string_view id, std::chrono::milliseconds interval) {
  return {"events", "--interval=" + format_go_duration(interval), std::string(id)};
}

detail::args detail::stats_args(std::string_view id) { return {"events", "--stats", std::string(id)}; }

result<event_stream> client::events(std::string_view id, std::chrono::milliseconds interval,
                                    const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  if (interval.count() <= 0)
    return error(errc::invalid_argument, "events interval must be > 0 (runc rejects 0s)");
  return detail::start_event_stream(config_, ctx, detail::events_args(id, interval));
}

// stdout only, and runc's real error on failure (go-runc returns a bare EOF).
result<runcpp::stats> client::stats(std::string_view id, const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  auto out = detail::run_capture(config_, ctx, detail::stats_args(id));
  if (!out) {
    if (out.error().code() == errc::unsupported)
      return detail::reworded(out.error(), errc::unsupported,
                              config_.command +
                                  " has no 'events' command (it said: " + out.error().message() + ")");
    return std::move(out).error();
  }
  auto ev = parse_event_json(*out);
  if (!ev) return std::move(ev).error();
  if (!ev->data) return error(errc::parse_error, "runc events --stats printed an event without data");
  return std::move(*ev->data);
}

}  // namespace runcpp
