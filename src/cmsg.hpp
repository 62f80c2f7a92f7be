// Parsing one fd message received on a console or pidfd socket: the payload
// (runc's name for the fd) and the recvmsg control buffer, which must hold
// exactly one SCM_RIGHTS control message carrying exactly one fd.
//
// Pure: no system calls except closing the fds it rejects (through
// `close_fd`), never reads outside the spans, and accepts any bytes at any
// alignment (it is fuzzed).
#pragma once

#include <cstddef>
#include <span>

#include <runcpp/result.hpp>
#include <runcpp/socket.hpp>

namespace runcpp::detail {

// The payload buffer the socket reads into; a payload this long or longer is
// rejected as an oversized name (go-runc's 4096-byte buffer and `n >= 4096`).
inline constexpr std::size_t fd_message_payload_size = 4096;
// The control buffer holds this many fds, so that a message with "two fds" is
// seen (and both closed) instead of being cut to one by MSG_CTRUNC.
inline constexpr std::size_t fd_message_max_fds = 8;

// How rejected fds are closed; tests and fuzz targets pass one that records
// instead of closing arbitrary fd numbers of their own process.
using fd_closer = void (*)(int fd) noexcept;
void close_received_fd(int fd) noexcept;

// `payload`: the bytes recvmsg returned; `control`: msg_control trimmed to
// msg_controllen; `msg_flags`: msghdr::msg_flags after recvmsg.
//
// Walks the control messages the way CMSG_FIRSTHDR/CMSG_NXTHDR do (a header
// starts only where a whole struct cmsghdr fits; the next one is
// CMSG_ALIGN(cmsg_len) further), except that a cmsg_len smaller than a header
// or reaching past the buffer is an error instead of the end of the walk.
//
// Success: exactly one control message, SOL_SOCKET/SCM_RIGHTS, holding exactly
// one fd (>= 0); no MSG_CTRUNC or MSG_TRUNC; payload shorter than
// fd_message_payload_size. The name is the payload bytes, verbatim.
//
// Otherwise errc::protocol_error, and every distinct non-negative fd found in
// a well-formed SCM_RIGHTS message has been passed to `close_fd` (fds inside a
// malformed message are not trusted and not touched).
result<received_fd> parse_fd_message(std::span<const char> payload, std::span<const unsigned char> control,
                                     int msg_flags, fd_closer close_fd = close_received_fd);

}  // namespace runcpp::detail
