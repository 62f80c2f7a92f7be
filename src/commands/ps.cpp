// ps (pid list) and top (ps table): both are `runc ps`.
#include <runcpp/client.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

detail::args detail::ps_args(std::string_view id) { return {"ps", "--format", "json", std::string(id)}; }

// Each ps(1) option is its own argv element (go-runc passes one string, so
// "-o pid,comm" reaches ps as a single broken word).
detail::args detail::top_args(std::string_view id, std::span<const std::string> ps_options) {
  args a{"ps", "--format", "table", std::string(id)};
  a.insert(a.end(), ps_options.begin(), ps_options.end());
  return a;
}

result<std::vector<int>> client::ps(std::string_view id, const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  return detail::run_capture(config_, ctx, detail::ps_args(id)).and_then([](const std::string& out) {
    return parse_ps_json(out);
  });
}

result<top_results> client::top(std::string_view id, std::span<const std::string> ps_options,
                                const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  return detail::run_capture(config_, ctx, detail::top_args(id, ps_options))
      .and_then([](const std::string& out) { return parse_ps_output(out); });
}

}  // namespace runcpp
