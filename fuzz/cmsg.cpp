// Fuzz target: detail::parse_fd_message (one fd message from a console or
// pidfd socket).
//
// Input layout: 4 bytes msg_flags (little-endian int), 2 bytes payload length
// (little-endian, cut to what is there), 1 byte alignment offset of the control
// buffer (low 3 bits), then the payload, then the control bytes. The fds in the
// input are arbitrary numbers, so the closer only records them and a
// successful result's fd is released, never closed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>

#include <sys/socket.h>

#include <runcpp/error.hpp>
#include "cmsg.hpp"

namespace {

constexpr std::size_t max_recorded = 4096;
int recorded[max_recorded];
std::size_t recorded_count = 0;
bool recorded_overflow = false;

void record_close(int fd) noexcept {
  if (recorded_count < max_recorded) {
    recorded[recorded_count++] = fd;
  } else {
    recorded_overflow = true;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 7) return 0;
  int flags = 0;
  std::memcpy(&flags, data, sizeof flags);
  const std::size_t declared = std::size_t{data[4]} | (std::size_t{data[5]} << 8);
  const std::size_t offset = data[6] & 7u;
  const std::size_t rest = size - 7;
  const std::size_t payload_len = declared < rest ? declared : rest;
  const std::size_t control_len = rest - payload_len;

  // Exact-size heap copies so that ASan sees any read past either span.
  auto payload = std::make_unique<char[]>(payload_len + 1);
  if (payload_len != 0) std::memcpy(payload.get(), data + 7, payload_len);
  auto control = std::make_unique<unsigned char[]>(offset + control_len + 1);
  if (control_len != 0) std::memcpy(control.get() + offset, data + 7 + payload_len, control_len);

  recorded_count = 0;
  recorded_overflow = false;
  auto r =
      runcpp::detail::parse_fd_message(std::span<const char>(payload.get(), payload_len),
                                       std::span<const unsigned char>(control.get() + offset, control_len),
                                       flags, record_close);
  if (recorded_overflow) std::abort();
  if (r) {
    const int fd = r->fd.release();  // an arbitrary number from the input: never close it
    if (fd < 0) std::abort();
    if (recorded_count != 0) std::abort();
    if ((flags & (MSG_CTRUNC | MSG_TRUNC)) != 0) std::abort();
    if (payload_len >= runcpp::detail::fd_message_payload_size) std::abort();
    if (r->name.size() != payload_len || std::memcmp(r->name.data(), payload.get(), payload_len) != 0)
      std::abort();
    return 0;
  }
  if (r.error().code() != runcpp::errc::protocol_error) std::abort();
  // Every fd handed to the closer is non-negative and handed over only once.
  for (std::size_t i = 0; i < recorded_count; ++i) {
    if (recorded[i] < 0) std::abort();
    for (std::size_t j = 0; j < i; ++j) {
      if (recorded[j] == recorded[i]) std::abort();
    }
  }
  return 0;
}
