// Stats: runcpp::stats (what `runc events --stats` printed) as containerd's cgroups
// v1 Metrics message, which containerd decodes by its type URL
// (io.containerd.cgroups.v1.Metrics) for `ctr task metrics` and the CRI plugin.
#pragma once

#include <github.com/containerd/cgroups/stats/v1/metrics.pb.h>

#include <runcpp/stats.hpp>

namespace runcpp::shim {

namespace cgroups_v1 = ::io::containerd::cgroups::v1;

/// Copies what the runtime reported; a field it did not report stays unset (0,
/// empty, or an absent sub-message). Pure; never throws except std::bad_alloc.
cgroups_v1::Metrics to_metrics(const runcpp::stats& s);

}  // namespace runcpp::shim
