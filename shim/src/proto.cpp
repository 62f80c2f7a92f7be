#include "proto.hpp"

namespace runcpp::shim {

void set_timestamp(google::protobuf::Timestamp& ts, std::chrono::system_clock::time_point t) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  ts.set_seconds(ns / 1'000'000'000);
  ts.set_nanos(static_cast<std::int32_t>(ns % 1'000'000'000));
}

std::string encode_delete_response(int pid, std::uint32_t exit_status,
                                   std::chrono::system_clock::time_point at) {
  task::DeleteResponse r;
  r.set_pid(static_cast<std::uint32_t>(pid));
  r.set_exit_status(exit_status);
  set_timestamp(*r.mutable_exited_at(), at);
  return r.SerializeAsString();
}

bool type_is(const google::protobuf::Any& any, std::string_view name) {
  std::string_view url = any.type_url();
  if (!url.ends_with(name)) return false;
  url.remove_suffix(name.size());
  return url.empty() || url.ends_with('/');
}

}  // namespace runcpp::shim
