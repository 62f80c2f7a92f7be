// shim_update SOCKET ID RESOURCES_JSON: sends containerd.task.v2.Task/Update to a
// shim, as containerd's Tasks.Update does (ctr 1.6 has no `task update` command):
// UpdateTaskRequest{id, resources: Any{runtime-spec LinuxResources, JSON}}.
// SOCKET: the shim's address ("unix://" prefix optional). Exit 0 when the shim
// answered OK; else prints the status and exits 1.
#include <chrono>
#include <cstdio>
#include <string>

#include <runcpp/ttrpc/client.hpp>
#include <runcpp/ttrpc/loop.hpp>

#include "proto.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: shim_update SOCKET ID RESOURCES_JSON\n");
    return 2;
  }
  std::string socket = argv[1];
  if (socket.starts_with("unix://")) socket.erase(0, 7);
  runcpp::shim::task::UpdateTaskRequest req;
  req.set_id(argv[2]);
  req.mutable_resources()->set_type_url("opencontainers/runtime-spec/1/LinuxResources");
  req.mutable_resources()->set_value(argv[3]);
  auto l = runcpp::ttrpc::loop::create();
  runcpp::ttrpc::client cl(*l, socket);
  int rc = 1;
  cl.call("containerd.task.v2.Task", "Update", req.SerializeAsString(), std::chrono::seconds(10), {},
          [&](runcpp::ttrpc::status st, std::string) {
            if (st.ok()) {
              rc = 0;
            } else {
              std::fprintf(stderr, "Update: %s\n", st.message.c_str());
            }
            l->stop();
          });
  l->run();
  return rc;
}
