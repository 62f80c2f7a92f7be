/// @file
/// Umbrella header: everything runcpp offers.
///
/// @mainpage runcpp
/// runcpp drives the `runc` container runtime (and runc-compatible CLIs such as
/// `crun`) from C++20: the C++ counterpart of containerd's Go package go-runc.
/// Start with runcpp::client (one const, thread-safe method per runc command, each
/// returning runcpp::result), runcpp::config and runcpp::call_context; the option
/// structs are in options.hpp, IO in io.hpp and socket.hpp, the process monitors in
/// process_monitor.hpp and reaper.hpp. Errors are runcpp::error with a runcpp::errc.
///
/// Guides (in the source tree): README.md, docs/getting-started.md,
/// docs/go-runc-migration.md, docs/runtimes.md and docs/bundles.md (spec::config,
/// bundle_builder, spec::validate).
#pragma once

#include <runcpp/bundle.hpp>
#include <runcpp/call_context.hpp>
#include <runcpp/captured.hpp>
#include <runcpp/client.hpp>
#include <runcpp/config.hpp>
#include <runcpp/container.hpp>
#include <runcpp/error.hpp>
#include <runcpp/events.hpp>
#include <runcpp/exit_status.hpp>
#include <runcpp/fd.hpp>
#include <runcpp/features.hpp>
#include <runcpp/io.hpp>
#include <runcpp/options.hpp>
#include <runcpp/pid_file.hpp>
#include <runcpp/process_monitor.hpp>
#include <runcpp/ps.hpp>
#include <runcpp/reaper.hpp>
#include <runcpp/result.hpp>
#include <runcpp/signal.hpp>
#include <runcpp/socket.hpp>
#include <runcpp/spec.hpp>
#include <runcpp/spec_config.hpp>
#include <runcpp/spec_validate.hpp>
#include <runcpp/stats.hpp>
#include <runcpp/version.hpp>
