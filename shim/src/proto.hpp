// The generated protobuf messages the shim speaks (lite runtime, from Debian's
// containerd .proto files; see shim/CMakeLists.txt) and small helpers.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <github.com/containerd/containerd/api/events/task.pb.h>
#include <github.com/containerd/containerd/api/services/ttrpc/events/v1/events.pb.h>
#include <github.com/containerd/containerd/pkg/runtimeoptions/v1/api.pb.h>
#include <github.com/containerd/containerd/runtime/v2/runc/options/oci.pb.h>
#include <github.com/containerd/containerd/runtime/v2/task/shim.pb.h>
#include <google/protobuf/any.pb.h>
#include <google/protobuf/empty.pb.h>
#include <google/protobuf/timestamp.pb.h>

namespace runcpp::shim {

namespace task = ::containerd::task::v2;
namespace events = ::containerd::events;

/// Sets a protobuf Timestamp from a wall-clock time.
void set_timestamp(google::protobuf::Timestamp& ts, std::chrono::system_clock::time_point t);

/// containerd's DeleteResponse{pid, exit_status, exited_at}, serialized.
std::string encode_delete_response(int pid, std::uint32_t exit_status,
                                   std::chrono::system_clock::time_point at);

/// Whether `any` holds message `name`: type_url is the name, or ends in "/<name>"
/// (containerd sends bare names; type.googleapis.com/ prefixes are accepted too).
bool type_is(const google::protobuf::Any& any, std::string_view name);

/// An Any whose type_url is the message's full name without any prefix (containerd's typeurl).
template <class Message>
google::protobuf::Any pack(const Message& m) {
  google::protobuf::Any any;
  any.set_type_url(m.GetTypeName());
  any.set_value(m.SerializeAsString());
  return any;
}

}  // namespace runcpp::shim
