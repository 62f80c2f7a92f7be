#include "cmsg.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace runcpp::detail {

void close_received_fd(int fd) noexcept { ::close(fd); }

namespace {

// Offsets, not pointers: no pointer arithmetic can overflow, whatever
// cmsg_len says, and memcpy reads headers at any alignment.
constexpr std::size_t header_size = sizeof(cmsghdr);
constexpr std::size_t data_offset = CMSG_LEN(0);  // CMSG_ALIGN(sizeof(cmsghdr))
constexpr std::size_t align_up(std::size_t n) { return CMSG_ALIGN(n); }

struct walk {
  std::vector<int> fds;      // from well-formed SCM_RIGHTS messages, in order
  std::size_t messages = 0;  // well-formed control messages of any kind
  bool foreign = false;      // a message that is not SOL_SOCKET/SCM_RIGHTS
  bool malformed = false;    // a bad cmsg_len
};

walk walk_control(std::span<const unsigned char> control) {
  walk w;
  const std::size_t size = control.size();
  std::size_t off = 0;  // invariant: off <= size
  while (size - off >= header_size) {
    cmsghdr h;
    std::memcpy(&h, control.data() + off, header_size);
    const auto len = static_cast<std::size_t>(h.cmsg_len);
    if (len < data_offset || len > size - off) {
      w.malformed = true;
      break;
    }
    ++w.messages;
    if (h.cmsg_level == SOL_SOCKET && h.cmsg_type == SCM_RIGHTS) {
      const std::size_t data = len - data_offset;
      if (data % sizeof(int) != 0) w.malformed = true;  // whole fds before the odd bytes still count
      for (std::size_t i = 0; data - i >= sizeof(int); i += sizeof(int)) {
        int fd;
        std::memcpy(&fd, control.data() + off + data_offset + i, sizeof fd);
        w.fds.push_back(fd);
      }
    } else {
      w.foreign = true;
    }
    const std::size_t step = align_up(len);  // len <= size, so no overflow
    if (step > size - off) break;            // CMSG_NXTHDR: no more entries
    off += step;
  }
  return w;
}

}  // namespace

result<received_fd> parse_fd_message(std::span<const char> payload, std::span<const unsigned char> control,
                                     int msg_flags, fd_closer close_fd) {
  walk w = walk_control(control);

  std::string problem;
  if ((msg_flags & MSG_CTRUNC) != 0) {
    problem = "control data truncated (MSG_CTRUNC): more fds than expected";
  } else if ((msg_flags & MSG_TRUNC) != 0) {
    problem = "message truncated (MSG_TRUNC)";
  } else if (w.malformed) {
    problem = "malformed control message";
  } else if (payload.size() >= fd_message_payload_size) {
    problem = "name of " + std::to_string(payload.size()) + " bytes or more (the limit is " +
              std::to_string(fd_message_payload_size - 1) + ")";
  } else if (w.messages != 1) {
    problem = w.messages == 0 ? "no fd (no control message)"
                              : std::to_string(w.messages) + " control messages, expected one SCM_RIGHTS";
  } else if (w.foreign) {
    problem = "control message is not SCM_RIGHTS";
  } else if (w.fds.size() != 1) {
    problem = std::to_string(w.fds.size()) + " fds, expected 1";
  } else if (w.fds.front() < 0) {
    problem = "invalid fd " + std::to_string(w.fds.front());
  }

  if (problem.empty())
    return received_fd{unique_fd(w.fds.front()), std::string(payload.begin(), payload.end())};

  std::sort(w.fds.begin(), w.fds.end());
  w.fds.erase(std::unique(w.fds.begin(), w.fds.end()), w.fds.end());
  for (int fd : w.fds)
    if (fd >= 0) close_fd(fd);
  return error(errc::protocol_error, "fd message: " + problem);
}

}  // namespace runcpp::detail
