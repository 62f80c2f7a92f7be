// Test helpers for the ttrpc end-to-end tests: driving the loop until something
// happened, a raw peer that writes crafted bytes and reads frames, and unix
// listening sockets in a temporary directory.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

#include <runcpp/ttrpc/frame.hpp>
#include <runcpp/ttrpc/loop.hpp>
#include <runcpp/ttrpc/status.hpp>

#include "owned_fd.hpp"
#include "wire.hpp"

namespace runcpp::ttrpc::testing {

// a + b, built with append(): GCC 12 at -O3 warns falsely (-Wrestrict) on
// "literal" + std::string.
std::string cat(std::string_view a, std::string_view b);

// Runs loop iterations until pred() holds or `timeout` passed; returns pred().
bool run_until(loop& l, const std::function<bool()>& pred,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
// Runs the loop for `d` (to show that something does not happen).
void run_for(loop& l, std::chrono::milliseconds d);

// A listening unix stream socket (close-on-exec, non-blocking) at `path`.
owned_fd listen_unix(const std::filesystem::path& path);

// One end of a connection, driven by the test: writes raw bytes (blocking,
// whole), reads frames while running the loop.
class raw_peer {
 public:
  explicit raw_peer(owned_fd fd);
  // A socketpair: returns the peer, `server_end` gets the other end.
  static raw_peer pair(int& server_end);
  // Connects to a unix socket path.
  static raw_peer connect(const std::filesystem::path& path);

  void write(std::string_view bytes);
  void write_request(std::uint32_t stream_id, wire::request r);
  // The next frame, running `l` while waiting; nullopt after 5 s or at end of stream.
  std::optional<frame> read_frame(loop& l);
  // The next frame as a parsed Response; fails the test when it is not one.
  std::optional<wire::response> read_response(loop& l, std::uint32_t expected_stream);
  // True when the other side closed (read returns 0) within 5 s, running `l`.
  bool wait_closed(loop& l);
  // No byte arrives while `l` runs for `d`.
  bool silent_for(loop& l, std::chrono::milliseconds d);
  void close() { fd_.reset(); }
  int fd() const { return fd_.get(); }

 private:
  ssize_t read_some();  // read(2)'s result; sets eof_ at end of stream
  owned_fd fd_;
  frame_decoder decoder_;
  std::string buffered_;
  bool eof_ = false;
};

}  // namespace runcpp::ttrpc::testing
