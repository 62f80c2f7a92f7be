#include "proto.hpp"

#include <gtest/gtest.h>

namespace runcpp::shim {
namespace {

std::string bytes(std::initializer_list<unsigned> b) {
  std::string s;
  for (unsigned c : b) s.push_back(static_cast<char>(c));
  return s;
}

TEST(ShimProto, DeleteResponseMatchesTheGoShimsBytes) {
  // Captured from containerd-shim-runc-v2 `delete` (research notes §1.4): pid 10024, 137, exited_at.
  const auto at =
      std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(1796287463) + std::chrono::nanoseconds(272049480)));
  EXPECT_EQ(encode_delete_response(10024, 137, at),
            bytes({0x08, 0xa8, 0x4e, 0x10, 0x89, 0x01, 0x1a, 0x0c, 0x08, 0xe7,
                   0xd7, 0xc4, 0xd8, 0x06, 0x10, 0xc8, 0xca, 0xdc, 0x81, 0x01}));
}

TEST(ShimProto, ConnectRequestFieldNumbers) {
  // The payload of the captured Connect request: ConnectRequest{id: "cap1"}.
  task::ConnectRequest req;
  ASSERT_TRUE(req.ParseFromString(bytes({0x0a, 0x04, 'c', 'a', 'p', '1'})));
  EXPECT_EQ(req.id(), "cap1");
  // ConnectResponse{shim_pid: 9955, task_pid: 10024} as the Go shim answered it.
  task::ConnectResponse resp;
  resp.set_shim_pid(9955);
  resp.set_task_pid(10024);
  EXPECT_EQ(resp.SerializeAsString(), bytes({0x08, 0xe3, 0x4d, 0x10, 0xa8, 0x4e}));
}

TEST(ShimProto, AnyTypeUrlHasNoPrefix) {
  events::TaskExit e;
  e.set_container_id("c");
  auto any = pack(e);
  EXPECT_EQ(any.type_url(), "containerd.events.TaskExit");
  events::TaskExit back;
  ASSERT_TRUE(back.ParseFromString(any.value()));
  EXPECT_EQ(back.container_id(), "c");
}

TEST(ShimProto, Timestamps) {
  google::protobuf::Timestamp ts;
  set_timestamp(ts, std::chrono::system_clock::time_point(std::chrono::seconds(5)) +
                        std::chrono::microseconds(7));
  EXPECT_EQ(ts.seconds(), 5);
  EXPECT_EQ(ts.nanos(), 7000);
}

}  // namespace
}  // namespace runcpp::shim
