#include <runcpp/client.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {

// runc kill stops parsing flags at the first positional argument, so flags
// and extra args come before the id.
detail::args detail::kill_args(std::string_view id, int signal, const kill_options& o) {
  return std::move(argv_builder("kill")
                       .flag("--all", o.all)
                       .append(o.extra_args)
                       .add(id)
                       .add(std::to_string(signal)))
      .take();
}

result<void> client::kill(std::string_view id, int signal, const kill_options& opts,
                          const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  // 0 is the liveness probe of kill(2): runc and crun pass it on (go-runc too).
  if (signal < 0 || signal > 64)
    return error(errc::invalid_argument, "signal " + std::to_string(signal) + " is out of range 0..64");
  return detail::run_simple(config_, ctx, detail::kill_args(id, signal, opts));
}

}  // namespace runcpp
