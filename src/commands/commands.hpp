// Internal: the argv builder of every subcommand (the part after the global
// flags). Each is defined in src/commands/<subcommand>.cpp next to the client
// method that runs it, and tested in tests/unit/<subcommand>_test.cpp.
#pragma once

#include <chrono>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <runcpp/options.hpp>

namespace runcpp::detail {

using args = std::vector<std::string>;

args list_args();
args state_args(std::string_view id);
args create_args(std::string_view id, const std::filesystem::path& bundle, const create_options& o);
args start_args(std::string_view id);
args run_args(std::string_view id, const std::filesystem::path& bundle, const run_options& o);
args delete_args(std::string_view id, const delete_options& o);
args kill_args(std::string_view id, int signal, const kill_options& o);
args pause_args(std::string_view id);
args resume_args(std::string_view id);
args ps_args(std::string_view id);
args top_args(std::string_view id, std::span<const std::string> ps_options);
args version_args();
args features_args();
args exec_args(std::string_view id, const std::string& process_file, const exec_options& o);
args update_args(std::string_view id, const update_options& o);
args checkpoint_args(std::string_view id, const checkpoint_options& o);
args restore_args(std::string_view id, const std::filesystem::path& bundle, const restore_options& o);
args events_args(std::string_view id, std::chrono::milliseconds interval);
args stats_args(std::string_view id);
args spec_args(const std::filesystem::path& bundle, const spec_options& o);

}  // namespace runcpp::detail
