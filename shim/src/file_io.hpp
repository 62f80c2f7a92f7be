// Small whole-file reads and writes through plain fds, for the shim's own files
// (address, runcpp-runtime, oom_score_adj) and its stdout/stderr. Not iostreams:
// each std::fstream builds a std::locale and links the file stream code, pages that
// every shim daemon (one per container) would fault in; measured 68 KiB less RSS per
// idle shim (/proc/PID/smaps_rollup). protobuf's headers still include <iostream>.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <runcpp/fd.hpp>

namespace runcpp::shim {

/// pipe2(O_CLOEXEC) into `read_end` and `write_end` (both close-on-exec from
/// creation). False on an error (errno is set); the two are then unchanged.
bool make_pipe(unique_fd& read_end, unique_fd& write_end);

/// Writes all of `data` to `fd` (retries short writes and EINTR). False on an error
/// (errno is set). Blocks while `fd` does. Does not take ownership of `fd`.
bool write_all(int fd, std::string_view data);

/// Creates or truncates `path` (mode 0644, close-on-exec) and writes `data` to it.
/// False on an error (errno is set). Blocks on the file system.
bool write_file(const std::filesystem::path& path, std::string_view data);

/// What `fd` gives until EOF, at most `limit` bytes; nullopt on a read error.
/// Blocks while `fd` does. Does not take ownership of `fd`.
std::optional<std::string> read_all(int fd, std::size_t limit = std::size_t{64} * 1024);

/// The contents of `path`, at most `limit` bytes; nullopt when it cannot be opened
/// or read. Blocks on the file system (and on a fifo until its writer closes).
std::optional<std::string> read_file(const std::filesystem::path& path,
                                     std::size_t limit = std::size_t{64} * 1024);

/// The first line of `text` (up to, not including, the first '\n').
std::string_view first_line(std::string_view text);

}  // namespace runcpp::shim
