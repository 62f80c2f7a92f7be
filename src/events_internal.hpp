// Internal: starting an event_stream (used by client::events).
#pragma once

#include <string>
#include <vector>

#include <runcpp/call_context.hpp>
#include <runcpp/config.hpp>
#include <runcpp/events.hpp>

namespace runcpp::detail {

// Spawns `config::command <global flags> args...` with stdout and stderr on non-blocking
// pipes owned by the returned stream. Errors: cancelled, timeout, spawn_failed, io_error.
result<event_stream> start_event_stream(const config& cfg, const call_context& ctx,
                                        std::vector<std::string> args);

}  // namespace runcpp::detail
