/// @file
#pragma once

#include <filesystem>
#include <string_view>

#include <runcpp/result.hpp>

namespace runcpp {

/// Reads a pid file as written by runc --pid-file (decimal, no newline). A
/// trailing newline (or CRLF) is accepted, unlike go-runc's ReadPidFile.
/// Errors: errc::io_error (cause() = errno) when the file cannot be read;
/// errc::parse_error for empty, non-decimal, zero, negative or overflowing text.
/// Blocking (one small read). Thread-safe.
result<int> read_pid_file(const std::filesystem::path& path);
/// The parsing half of read_pid_file.
result<int> parse_pid(std::string_view text);

}  // namespace runcpp
