// Internal: what the default monitor needs to know about reapers.
#pragma once

#include <memory>

#include <runcpp/reaper.hpp>

namespace runcpp::detail {

// The newest reaper alive in this process, or null. A reaper reaps every
// child of the process, so the default monitor starts its children through it
// while one runs (see make_pidfd_monitor()). This registry of weak pointers is
// the library's one piece of process-wide state, as a reaper is process-wide.
// Thread-safe.
std::shared_ptr<reaper> running_reaper();

}  // namespace runcpp::detail
