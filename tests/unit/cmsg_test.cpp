// parse_fd_message: the pure parser behind console and pidfd sockets.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cmsg.hpp"

namespace runcpp::detail {
namespace {

// Appends one control message at the next CMSG_ALIGN'ed offset, as the kernel
// lays them out. `len_override` replaces cmsg_len (to forge bad lengths).
void add_cmsg(std::vector<unsigned char>& buf, int level, int type, const void* data, std::size_t size,
              std::optional<std::size_t> len_override = std::nullopt) {
  std::size_t off = CMSG_ALIGN(buf.size());
  buf.resize(off + CMSG_SPACE(size), 0);
  cmsghdr h{};
  h.cmsg_level = level;
  h.cmsg_type = type;
  h.cmsg_len = len_override.value_or(CMSG_LEN(size));
  std::memcpy(buf.data() + off, &h, sizeof h);
  if (size != 0) std::memcpy(buf.data() + off + CMSG_LEN(0), data, size);
}

void add_fds(std::vector<unsigned char>& buf, const std::vector<int>& fds) {
  add_cmsg(buf, SOL_SOCKET, SCM_RIGHTS, fds.data(), fds.size() * sizeof(int));
}

int open_null() {
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  return fd;
}

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

std::span<const char> name(std::string_view s) { return {s.data(), s.size()}; }

// A closer that records instead of closing, for forged fd numbers.
std::vector<int>& recorded() {
  static std::vector<int> fds;
  return fds;
}
void record_close(int fd) noexcept { recorded().push_back(fd); }

class cmsg_parse : public ::testing::Test {
 protected:
  void SetUp() override { recorded().clear(); }
};

TEST_F(cmsg_parse, one_fd_is_accepted_with_its_name) {
  int fd = open_null();
  std::vector<unsigned char> ctl;
  add_fds(ctl, {fd});
  auto r = parse_fd_message(name("/dev/ptmx"), ctl, 0);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->fd.get(), fd);
  EXPECT_EQ(r->name, "/dev/ptmx");
  EXPECT_TRUE(is_open(fd));
  r->fd.reset();
  EXPECT_FALSE(is_open(fd));
}

TEST_F(cmsg_parse, empty_name_is_accepted) {
  int fd = open_null();
  std::vector<unsigned char> ctl;
  add_fds(ctl, {fd});
  auto r = parse_fd_message({}, ctl, 0);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->name, "");
}

TEST_F(cmsg_parse, works_at_any_alignment) {
  int fd = open_null();
  std::vector<unsigned char> ctl;
  add_fds(ctl, {fd});
  std::vector<unsigned char> shifted(ctl.size() + 1);
  std::memcpy(shifted.data() + 1, ctl.data(), ctl.size());
  auto r = parse_fd_message(name("standard"), std::span<const unsigned char>(shifted).subspan(1), 0);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->fd.get(), fd);
}

TEST_F(cmsg_parse, no_control_message_is_rejected) {
  auto r = parse_fd_message(name("/dev/ptmx"), {}, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::protocol_error);
  EXPECT_NE(r.error().message().find("no fd"), std::string::npos) << r.error().message();
}

TEST_F(cmsg_parse, two_fds_in_one_message_are_rejected_and_closed) {
  int a = open_null(), b = open_null();
  std::vector<unsigned char> ctl;
  add_fds(ctl, {a, b});
  auto r = parse_fd_message(name("/dev/ptmx"), ctl, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::protocol_error);
  EXPECT_NE(r.error().message().find("2 fds"), std::string::npos) << r.error().message();
  EXPECT_FALSE(is_open(a));
  EXPECT_FALSE(is_open(b));
}

TEST_F(cmsg_parse, two_messages_are_rejected_and_all_fds_closed) {
  int a = open_null(), b = open_null();
  std::vector<unsigned char> ctl;
  add_fds(ctl, {a});
  add_fds(ctl, {b});
  auto r = parse_fd_message(name("/dev/ptmx"), ctl, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::protocol_error);
  EXPECT_NE(r.error().message().find("2 control messages"), std::string::npos) << r.error().message();
  EXPECT_FALSE(is_open(a));
  EXPECT_FALSE(is_open(b));
}

TEST_F(cmsg_parse, an_empty_scm_rights_is_rejected) {
  std::vector<unsigned char> ctl;
  add_fds(ctl, {});
  auto r = parse_fd_message(name("/dev/ptmx"), ctl, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::protocol_error);
  EXPECT_NE(r.error().message().find("0 fds"), std::string::npos) << r.error().message();
}

TEST_F(cmsg_parse, a_non_scm_rights_message_is_rejected) {
  ucred cred{::getpid(), ::getuid(), ::getgid()};
  std::vector<unsigned char> ctl;
  add_cmsg(ctl, SOL_SOCKET, SCM_CREDENTIALS, &cred, sizeof cred);
  auto r = parse_fd_message(name("/dev/ptmx"), ctl, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::protocol_error);
  EXPECT_NE(r.error().message().find("not SCM_RIGHTS"), std::string::npos) << r.error().message();

  int level_fd = 7;  // SCM_RIGHTS type at another level is not an fd message
  std::vector<unsigned char> other_level;
  add_cmsg(other_level, IPPROTO_IP, SCM_RIGHTS, &level_fd, sizeof level_fd);
  auto r2 = parse_fd_message(name("/dev/ptmx"), other_level, 0, record_close);
  ASSERT_FALSE(r2);
  EXPECT_TRUE(recorded().empty());
}

TEST_F(cmsg_parse, credentials_next_to_an_fd_are_rejected_and_the_fd_closed) {
  int fd = open_null();
  ucred cred{::getpid(), ::getuid(), ::getgid()};
  std::vector<unsigned char> ctl;
  add_cmsg(ctl, SOL_SOCKET, SCM_CREDENTIALS, &cred, sizeof cred);
  add_fds(ctl, {fd});
  auto r = parse_fd_message(name("/dev/ptmx"), ctl, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::protocol_error);
  EXPECT_FALSE(is_open(fd));
}

TEST_F(cmsg_parse, ctrunc_is_rejected_and_the_fd_closed) {
  int fd = open_null();
  std::vector<unsigned char> ctl;
  add_fds(ctl, {fd});
  auto r = parse_fd_message(name("/dev/ptmx"), ctl, MSG_CTRUNC);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::protocol_error);
  EXPECT_NE(r.error().message().find("MSG_CTRUNC"), std::string::npos) << r.error().message();
  EXPECT_FALSE(is_open(fd));
}

TEST_F(cmsg_parse, trunc_is_rejected_and_the_fd_closed) {
  int fd = open_null();
  std::vector<unsigned char> ctl;
  add_fds(ctl, {fd});
  auto r = parse_fd_message(name("/dev/ptmx"), ctl, MSG_TRUNC);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::protocol_error);
  EXPECT_FALSE(is_open(fd));
}

TEST_F(cmsg_parse, oversized_name_is_rejected_and_the_fd_closed) {
  std::string longest(fd_message_payload_size - 1, 'n');
  {
    int fd = open_null();
    std::vector<unsigned char> ctl;
    add_fds(ctl, {fd});
    auto r = parse_fd_message(name(longest), ctl, 0);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->name.size(), longest.size());
  }
  std::string too_long(fd_message_payload_size, 'n');
  int fd = open_null();
  std::vector<unsigned char> ctl;
  add_fds(ctl, {fd});
  auto r = parse_fd_message(name(too_long), ctl, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::protocol_error);
  EXPECT_NE(r.error().message().find("4095"), std::string::npos) << r.error().message();
  EXPECT_FALSE(is_open(fd));
}

TEST_F(cmsg_parse, buffers_shorter_than_a_header_hold_no_message) {
  std::vector<unsigned char> garbage(sizeof(cmsghdr), 0xff);
  for (std::size_t n = 0; n < sizeof(cmsghdr); ++n) {
    auto r = parse_fd_message(name("/dev/ptmx"), std::span<const unsigned char>(garbage.data(), n), 0,
                              record_close);
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().code(), errc::protocol_error);
  }
  EXPECT_TRUE(recorded().empty());
}

TEST_F(cmsg_parse, cmsg_len_past_the_buffer_is_rejected_without_touching_fds) {
  int forged = 12345;
  std::vector<unsigned char> ctl;
  add_cmsg(ctl, SOL_SOCKET, SCM_RIGHTS, &forged, sizeof forged, CMSG_LEN(sizeof(int) * 64));
  auto r = parse_fd_message(name("/dev/ptmx"), ctl, 0, record_close);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::protocol_error);
  EXPECT_NE(r.error().message().find("malformed"), std::string::npos) << r.error().message();
  EXPECT_TRUE(recorded().empty());

  for (std::size_t huge : {std::size_t(-1), std::size_t(-8), std::size_t(1) << 63}) {
    std::vector<unsigned char> big;
    add_cmsg(big, SOL_SOCKET, SCM_RIGHTS, &forged, sizeof forged, huge);
    auto rh = parse_fd_message(name("/dev/ptmx"), big, 0, record_close);
    ASSERT_FALSE(rh);
    EXPECT_EQ(rh.error().code(), errc::protocol_error);
  }
  EXPECT_TRUE(recorded().empty());
}

TEST_F(cmsg_parse, a_bad_second_message_still_closes_the_first_fd) {
  int fd = open_null();
  int forged = 12345;
  std::vector<unsigned char> ctl;
  add_fds(ctl, {fd});
  add_cmsg(ctl, SOL_SOCKET, SCM_RIGHTS, &forged, sizeof forged, 4096);
  auto r = parse_fd_message(name("/dev/ptmx"), ctl, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::protocol_error);
  EXPECT_FALSE(is_open(fd));
}

TEST_F(cmsg_parse, cmsg_len_below_a_header_is_rejected) {
  for (std::size_t len : {std::size_t(0), std::size_t(1), sizeof(cmsghdr) - 1}) {
    std::vector<unsigned char> ctl;
    int forged = 12345;
    add_cmsg(ctl, SOL_SOCKET, SCM_RIGHTS, &forged, sizeof forged, len);
    auto r = parse_fd_message(name("/dev/ptmx"), ctl, 0, record_close);
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error().code(), errc::protocol_error);
  }
  EXPECT_TRUE(recorded().empty());
}

TEST_F(cmsg_parse, a_partial_fd_is_rejected_and_whole_fds_closed) {
  int fd = open_null();
  std::vector<unsigned char> ctl;
  add_cmsg(ctl, SOL_SOCKET, SCM_RIGHTS, &fd, sizeof fd, CMSG_LEN(sizeof(int) + 2));
  auto r = parse_fd_message(name("/dev/ptmx"), ctl, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::protocol_error);
  EXPECT_FALSE(is_open(fd));
}

TEST_F(cmsg_parse, a_negative_fd_is_rejected_and_not_closed) {
  std::vector<unsigned char> ctl;
  add_fds(ctl, {-1});
  auto r = parse_fd_message(name("/dev/ptmx"), ctl, 0, record_close);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), errc::protocol_error);
  EXPECT_TRUE(recorded().empty());
}

TEST_F(cmsg_parse, a_repeated_fd_is_closed_once) {
  std::vector<unsigned char> ctl;
  add_fds(ctl, {40, 40, 41});
  auto r = parse_fd_message(name("/dev/ptmx"), ctl, 0, record_close);
  ASSERT_FALSE(r);
  EXPECT_EQ(recorded(), (std::vector<int>{40, 41}));
}

TEST_F(cmsg_parse, trailing_bytes_shorter_than_a_header_are_ignored) {
  int fd = open_null();
  std::vector<unsigned char> ctl;
  add_fds(ctl, {fd});
  ctl.resize(ctl.size() + sizeof(cmsghdr) - 1, 0xee);
  auto r = parse_fd_message(name("/dev/ptmx"), ctl, 0);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->fd.get(), fd);
}

// Arbitrary bytes never crash (run this under ASan/UBSan) and a success always
// holds exactly one non-negative fd.
TEST_F(cmsg_parse, random_bytes_never_crash) {
  std::mt19937 rng(20240607);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> size(0, 200);
  int successes = 0;
  for (int i = 0; i < 50000; ++i) {
    std::vector<unsigned char> ctl(size(rng) + 1);
    for (auto& c : ctl) c = static_cast<unsigned char>(byte(rng));
    // Half the time start with a plausible header so the walk goes deeper.
    if (i % 2 == 0 && ctl.size() > sizeof(cmsghdr)) {
      cmsghdr h{};
      h.cmsg_level = SOL_SOCKET;
      h.cmsg_type = (i % 4 == 0) ? SCM_RIGHTS : byte(rng);
      h.cmsg_len = static_cast<std::size_t>(byte(rng)) % (ctl.size() + 8);
      std::memcpy(ctl.data(), &h, sizeof h);
    }
    std::size_t offset = static_cast<std::size_t>(i % 3);  // misaligned views too
    auto view = std::span<const unsigned char>(ctl).subspan(std::min(offset, ctl.size()));
    std::string payload(static_cast<std::size_t>(byte(rng)), 'p');
    auto r = parse_fd_message(name(payload), view, byte(rng) & (MSG_CTRUNC | MSG_TRUNC), record_close);
    if (r) {
      ++successes;
      EXPECT_GE(r->fd.get(), 0);
      (void)r->fd.release();  // a forged number: never close it
    } else {
      EXPECT_EQ(r.error().code(), errc::protocol_error);
    }
  }
  for (int fd : recorded()) EXPECT_GE(fd, 0);
  RecordProperty("successes", successes);
}

}  // namespace
}  // namespace runcpp::detail
