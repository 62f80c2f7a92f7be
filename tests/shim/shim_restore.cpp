// shim_restore SOCKET ID BUNDLE CHECKPOINT_DIR: drives a shim through what
// containerd does for a task restored from a checkpoint (ctr c restore --live),
// directly on the shim's socket (a real checkpoint needs a working criu):
// Create{checkpoint}, State, Exec, Start, State, Delete. Prints one line per call,
// "<method>: <code> pid=<pid> status=<status>" or "<method>: <code> <message>"
// (code: the gRPC number, 0 = OK); exit 0 once every call was answered.
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include <runcpp/ttrpc/client.hpp>
#include <runcpp/ttrpc/loop.hpp>

#include "proto.hpp"

namespace {

namespace task = runcpp::shim::task;

struct shim {
  runcpp::ttrpc::loop& l;
  runcpp::ttrpc::client& c;
  bool lost = false;

  // One call; prints a failure; returns the response payload when it succeeded.
  std::optional<std::string> call(const char* method, const google::protobuf::MessageLite& req) {
    runcpp::ttrpc::status st;
    std::string payload;
    c.call("containerd.task.v2.Task", method, req.SerializeAsString(), std::chrono::seconds(30), {},
           [&](runcpp::ttrpc::status s, std::string p) {
             st = std::move(s);
             payload = std::move(p);
             l.stop();
           });
    l.run();
    if (st.c == runcpp::ttrpc::code::unavailable) lost = true;
    if (st.ok()) return payload;
    std::printf("%s: %d %s\n", method, static_cast<int>(st.c), st.message.c_str());
    return std::nullopt;
  }
};

// containerd's address file holds "unix://<path>".
std::string socket_path(std::string_view address) {
  if (address.starts_with("unix://")) address.remove_prefix(7);
  return std::string(address);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: shim_restore SOCKET ID BUNDLE CHECKPOINT_DIR\n");
    return 2;
  }
  const std::string id = argv[2];
  auto l = runcpp::ttrpc::loop::create();
  runcpp::ttrpc::client cl(*l, socket_path(argv[1]));
  shim s{*l, cl};

  task::CreateTaskRequest create;
  create.set_id(id);
  create.set_bundle(argv[3]);
  create.set_checkpoint(argv[4]);
  task::CreateTaskResponse created;
  if (auto p = s.call("Create", create); p && created.ParseFromString(*p)) {
    std::printf("Create: 0 pid=%u\n", created.pid());
  }

  task::StateRequest state;
  state.set_id(id);
  auto print_state = [&] {
    task::StateResponse st;
    if (auto p = s.call("State", state); p && st.ParseFromString(*p)) {
      std::printf("State: 0 pid=%u status=%s\n", st.pid(),
                  ::containerd::v1::types::Status_Name(st.status()).c_str());
    }
  };
  print_state();

  task::ExecProcessRequest exec;
  exec.set_id(id);
  exec.set_exec_id("x1");
  exec.mutable_spec()->set_type_url("types.containerd.io/opencontainers/runtime-spec/1/Process");
  exec.mutable_spec()->set_value(R"({"args":["true"],"cwd":"/","env":["PATH=/bin"]})");
  if (s.call("Exec", exec)) std::printf("Exec: 0\n");

  task::StartRequest start;
  start.set_id(id);
  task::StartResponse started;
  if (auto p = s.call("Start", start); p && started.ParseFromString(*p)) {
    std::printf("Start: 0 pid=%u\n", started.pid());
  }
  print_state();

  task::DeleteRequest del;
  del.set_id(id);
  task::DeleteResponse deleted;
  if (auto p = s.call("Delete", del); p && deleted.ParseFromString(*p)) {
    std::printf("Delete: 0 pid=%u\n", deleted.pid());
  }
  return s.lost ? 1 : 0;
}
