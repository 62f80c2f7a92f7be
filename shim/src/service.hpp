// containerd.task.v2.Task on the shim's loop. Every handler runs on the loop
// thread; runc calls (create, start, exec, kill, delete, pause, resume, ps)
// block it for as long as runc runs (tens of ms), which is what the Go shim's
// callers see too: there is no thread per request. Wait keeps its responder
// until the exit is reported. Stats, Update and Checkpoint call runc too (`runc
// events --stats`, `runc update`, `runc checkpoint`); a Create with a checkpoint
// runs no runc until Start, which is `runc restore --detach`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <runcpp/client.hpp>
#include <runcpp/reaper.hpp>
#include <runcpp/spec.hpp>
#include <runcpp/ttrpc/loop.hpp>
#include <runcpp/ttrpc/server.hpp>

#include "exits.hpp"
#include "oom.hpp"
#include "publisher.hpp"
#include "stdio.hpp"

namespace runcpp::shim {

/// What the daemon knows when it starts.
struct service_config {
  std::string ns;                     ///< containerd namespace
  std::function<void()> on_shutdown;  ///< the last container is gone and Shutdown came
};

class task_service {
 public:
  task_service(ttrpc::loop& l, publisher& pub, std::shared_ptr<runcpp::reaper> reaper, service_config cfg);
  ~task_service();
  /// Registers the Task methods on `s`.
  void register_on(ttrpc::server& s);
  /// Call when the reaper subscription's fd is readable: collects and reports exits.
  void drain_exits();
  /// The subscription whose pollable() fd the daemon watches.
  runcpp::reaper::subscription& exits() noexcept { return *sub_; }

 private:
  struct process;
  struct container;
  using handler = void (task_service::*)(std::string_view, ttrpc::responder&);

  void create(std::string_view payload, ttrpc::responder& r);
  void start(std::string_view payload, ttrpc::responder& r);
  void wait(std::string_view payload, ttrpc::responder& r);
  void state(std::string_view payload, ttrpc::responder& r);
  void connect(std::string_view payload, ttrpc::responder& r);
  void kill(std::string_view payload, ttrpc::responder& r);
  void remove(std::string_view payload, ttrpc::responder& r);
  void exec(std::string_view payload, ttrpc::responder& r);
  void resize_pty(std::string_view payload, ttrpc::responder& r);
  void close_io(std::string_view payload, ttrpc::responder& r);
  void pids(std::string_view payload, ttrpc::responder& r);
  void pause(std::string_view payload, ttrpc::responder& r);
  void resume(std::string_view payload, ttrpc::responder& r);
  void shutdown(std::string_view payload, ttrpc::responder& r);
  void stats(std::string_view payload, ttrpc::responder& r);
  void update(std::string_view payload, ttrpc::responder& r);
  void checkpoint(std::string_view payload, ttrpc::responder& r);

  container* find(const std::string& id);
  /// As find(id), failing `r` with NotFound when there is no such container.
  container* find(const std::string& id, ttrpc::responder& r);
  process* find(const std::string& id, const std::string& exec_id, ttrpc::responder& r);
  process* lookup(const process_key& key);
  void start_exec(container& c, process& p, ttrpc::responder& r);
  /// The init runs (after runc create or restore): reads its pid file, starts its
  /// stdio, tracks its exit (ledger_.pid() then has the pid). On failure the
  /// runc container is removed.
  ttrpc::status attach_init(container& c);
  /// Start of a container created from a checkpoint: runc restore, then attach_init().
  ttrpc::status restore_init(container& c);
  void report_exits();
  void report(const reported_exit& e);
  void kill_all_after_init_exit();
  void watch_drain(const process_key& key);

  ttrpc::loop& loop_;
  publisher& pub_;
  std::shared_ptr<runcpp::reaper> reaper_;
  std::shared_ptr<runcpp::reaper::subscription> sub_;
  service_config cfg_;
  exit_ledger ledger_;
  std::map<std::string, std::unique_ptr<container>> containers_;
  bool shutting_down_ = false;
  oom_watcher oom_;  ///< each container's memory cgroup, from Create to Delete
};

}  // namespace runcpp::shim
