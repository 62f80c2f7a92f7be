// File: runcpp/runcpp.hpp
// Umbrella header: everything runcpp offers.
#pragma once

#include <runcpp/call_context.hpp>
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
#include <runcpp/stats.hpp>
#include <runcpp/version.hpp>
