// Internal: makes the entries of a bundle_builder's rootfs (directories,
// copies of host files, symbolic links, small files) under a rootfs directory.
#pragma once

#include <filesystem>
#include <vector>

#include <runcpp/bundle.hpp>
#include <runcpp/result.hpp>

namespace runcpp::detail {

// Makes `entries` in order under `rootfs` (created with its parents if
// missing). Idempotent, so a bundle can be rewritten while containers run from
// it: a copy whose target has the source's size and is not older is left
// alone, and files and copies are written to a temporary name and renamed
// over the old one (never rewritten in place: a running binary cannot be).
// Every fd is O_CLOEXEC and closed before returning.
// Errors: errc::invalid_argument when an entry's path is empty or has a ".."
// component; errc::io_error (with errno as cause) when a step fails.
result<void> populate_rootfs(const std::filesystem::path& rootfs,
                             const std::vector<bundle_builder::rootfs_entry>& entries);

}  // namespace runcpp::detail
