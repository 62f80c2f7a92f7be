// pause and resume: the freezer pair.
#include <runcpp/client.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

detail::args detail::pause_args(std::string_view id) { return {"pause", std::string(id)}; }
detail::args detail::resume_args(std::string_view id) { return {"resume", std::string(id)}; }

result<void> client::pause(std::string_view id, const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  return detail::run_simple(config_, ctx, detail::pause_args(id));
}

result<void> client::resume(std::string_view id, const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  return detail::run_simple(config_, ctx, detail::resume_args(id));
}

}  // namespace runcpp
