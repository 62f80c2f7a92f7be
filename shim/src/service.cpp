#include "service.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>

#include <runcpp/pid_file.hpp>

#include "bundle.hpp"
#include "checkpoint.hpp"
#include "file_io.hpp"
#include "metrics.hpp"
#include "mounts.hpp"
#include "runtime_options.hpp"

namespace runcpp::shim {

struct task_service::process {
  std::string exec_id;  ///< "" for the init
  process_stdio io;
  bool started = false;
  std::optional<runcpp::spec::process> spec;  ///< an exec's process
  std::vector<ttrpc::responder> waiters;      ///< Wait calls answered at the exit
  bool drain_watched = false;
};

struct task_service::container {
  container(std::string i, std::filesystem::path b, runcpp::client r)
      : id(std::move(i)), bundle(std::move(b)), runc(std::move(r)) {}
  std::string id;
  std::filesystem::path bundle;
  runcpp::client runc;
  process init;
  std::map<std::string, std::unique_ptr<process>> execs;
  bool paused = false;
  bool rootfs_mounted = false;
  bool kill_all_on_exit = true;
  bool killed_all = false;
  /// Created from a checkpoint (Go: createdCheckpointState): Start runs runc restore.
  std::optional<runcpp::restore_options> restore;
  stdio_owner io_owner;  ///< Options.io_uid/io_gid, for the init's and the execs' stdio
};

namespace {

using ::containerd::v1::types::Status;

ttrpc::status fail(ttrpc::code c, std::string msg) { return ttrpc::status{c, std::move(msg)}; }

// containerd's errdefs over the wire: what ctr shows and branches on.
ttrpc::code code_of(const runcpp::error& e) {
  switch (e.code()) {
    case runcpp::errc::not_found: return ttrpc::code::not_found;
    case runcpp::errc::already_exists: return ttrpc::code::already_exists;
    case runcpp::errc::not_running:
    case runcpp::errc::still_running:
    case runcpp::errc::paused:
    case runcpp::errc::not_paused: return ttrpc::code::failed_precondition;
    case runcpp::errc::invalid_argument: return ttrpc::code::invalid_argument;
    case runcpp::errc::timeout: return ttrpc::code::deadline_exceeded;
    case runcpp::errc::unsupported: return ttrpc::code::unimplemented;
    default: return ttrpc::code::unknown;
  }
}

ttrpc::status runc_failure(std::string_view what, const runcpp::error& e) {
  return fail(code_of(e), "OCI runtime " + std::string(what) + " failed: " + e.message());
}

template <class Message>
bool parse(Message& m, std::string_view payload, ttrpc::responder& r) {
  if (m.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return true;
  r.fail(fail(ttrpc::code::invalid_argument, "malformed " + m.GetTypeName()));
  return false;
}

template <class Message>
void reply(ttrpc::responder& r, const Message& m) {
  r.reply(m.SerializeAsString());
}

void reply_empty(ttrpc::responder& r) { reply(r, google::protobuf::Empty{}); }

runcpp::client make_client(const runtime_choice& rt, const std::filesystem::path& bundle,
                           const runtime_options& opts, std::shared_ptr<runcpp::reaper> reaper) {
  return runcpp::client({.command = rt.command,
                         .root = rt.root,
                         .log = bundle / "log.json",
                         .log_format = runcpp::log_format::json,
                         .systemd_cgroup = opts.systemd_cgroup,
                         .extra_args = criu_flags(opts),
                         .monitor = std::move(reaper)});
}

// Delete is answered once the process's logging program (binary://) exited, as by the Go shim.
void reply_after_release(ttrpc::loop& l, process_stdio& io, ttrpc::responder& r,
                         const task::DeleteResponse& resp) {
  io.release(l, [rr = std::make_shared<ttrpc::responder>(std::move(r)), payload = resp.SerializeAsString()] {
    rr->reply(payload);
  });
}

stdio_paths paths_of(const auto& req) {
  return {.in = req.stdin(), .out = req.stdout(), .err = req.stderr(), .terminal = req.terminal()};
}

oom_watcher::on_oom_fn oom_events_to(publisher& pub) {
  return [&pub](const std::string& id) {
    events::TaskOOM ev;
    ev.set_container_id(id);
    pub.publish("/tasks/oom", ev);
  };
}

}  // namespace

task_service::task_service(ttrpc::loop& l, publisher& pub, std::shared_ptr<runcpp::reaper> reaper,
                           service_config cfg)
    : loop_(l), pub_(pub), reaper_(std::move(reaper)), cfg_(std::move(cfg)), oom_(l, oom_events_to(pub)) {
  // Not the exits of runcpp's runc calls nor of logging programs (both started
  // with reaper::start): a stale exit must never be claimed by a reused pid.
  auto sub = reaper_->subscribe({.filter = runcpp::exit_filter::foreign});
  if (!sub) throw std::runtime_error("reaper subscription: " + sub.error().message());
  sub_ = std::move(*sub);
}

task_service::~task_service() = default;

void task_service::register_on(ttrpc::server& s) {
  const std::pair<const char*, handler> methods[] = {
      {"Create", &task_service::create},
      {"Start", &task_service::start},
      {"Wait", &task_service::wait},
      {"State", &task_service::state},
      {"Connect", &task_service::connect},
      {"Kill", &task_service::kill},
      {"Delete", &task_service::remove},
      {"Exec", &task_service::exec},
      {"ResizePty", &task_service::resize_pty},
      {"CloseIO", &task_service::close_io},
      {"Pids", &task_service::pids},
      {"Pause", &task_service::pause},
      {"Resume", &task_service::resume},
      {"Shutdown", &task_service::shutdown},
      {"Stats", &task_service::stats},
      {"Update", &task_service::update},
      {"Checkpoint", &task_service::checkpoint},
  };
  for (const auto& [name, h] : methods) {
    s.add("containerd.task.v2.Task", name,
          [this, h = h](const ttrpc::request_info&, std::string_view payload, ttrpc::responder r) {
            (this->*h)(payload, r);
            // Handlers may have taken a runc call's time: report exits queued meanwhile.
            drain_exits();
          });
  }
}

task_service::container* task_service::find(const std::string& id) {
  auto it = containers_.find(id);
  return it == containers_.end() ? nullptr : it->second.get();
}

task_service::container* task_service::find(const std::string& id, ttrpc::responder& r) {
  container* c = find(id);
  if (!c) r.fail(fail(ttrpc::code::not_found, "container " + id + " not found"));
  return c;
}

task_service::process* task_service::find(const std::string& id, const std::string& exec_id,
                                          ttrpc::responder& r) {
  container* c = find(id, r);
  if (!c) return nullptr;
  if (exec_id.empty()) return &c->init;
  auto it = c->execs.find(exec_id);
  if (it == c->execs.end()) {
    r.fail(fail(ttrpc::code::not_found, "process " + exec_id + " not found"));
    return nullptr;
  }
  return it->second.get();
}

task_service::process* task_service::lookup(const process_key& key) {
  container* c = find(key.container);
  if (!c) return nullptr;
  if (key.is_init()) return &c->init;
  auto it = c->execs.find(key.exec);
  return it == c->execs.end() ? nullptr : it->second.get();
}

void task_service::create(std::string_view payload, ttrpc::responder& r) {
  task::CreateTaskRequest req;
  if (!parse(req, payload, r)) return;
  if (find(req.id()))
    return r.fail(fail(ttrpc::code::already_exists, "container " + req.id() + " already exists"));
  const std::filesystem::path bundle = req.bundle();
  auto [opts, bad_options] = parse_runtime_options(req.options());
  if (!bad_options.empty()) return r.fail(fail(ttrpc::code::invalid_argument, bad_options));
  const runtime_choice rt{.command = opts.binary, .root = runtime_root(opts.root, cfg_.ns)};
  if (auto e = write_runtime_choice(bundle, rt); !e.empty()) return r.fail(fail(ttrpc::code::internal, e));
  auto c = std::make_unique<container>(req.id(), bundle, make_client(rt, bundle, opts, reaper_));
  c->io_owner = {.uid = opts.io_uid, .gid = opts.io_gid};
  c->kill_all_on_exit = kill_all_on_exit(bundle);
  std::vector<mount_spec> mounts;
  for (const auto& m : req.rootfs())
    mounts.push_back({m.type(), m.source(), {m.options().begin(), m.options().end()}});
  if (!mounts.empty()) {
    if (auto e = mount_all(mounts, bundle / "rootfs"); !e.empty())
      return r.fail(fail(ttrpc::code::internal, e));
    c->rootfs_mounted = true;
  }
  auto undo = [&](ttrpc::status st) {
    if (c->rootfs_mounted) unmount_all(bundle / "rootfs");
    r.fail(std::move(st));
  };
  if (auto e = c->init.io.open(paths_of(req), *reaper_, {req.id(), cfg_.ns}, c->io_owner); !e.empty())
    return undo(fail(ttrpc::code::internal, e));
  int pid = 0;  // a checkpoint's init has none until Start restores it
  if (!req.checkpoint().empty()) {
    c->restore = plan_restore(req.checkpoint(), bundle, opts);
  } else {
    auto created = c->runc.create(req.id(), bundle,
                                  {.io = c->init.io.runc_io(),
                                   .pid_file = bundle / "init.pid",
                                   .console_socket = c->init.io.console_socket(),
                                   .no_pivot = opts.no_pivot_root,
                                   .no_new_keyring = opts.no_new_keyring});
    if (!created) return undo(runc_failure("create", created.error()));
    if (auto st = attach_init(*c); !st.ok()) return undo(std::move(st));
    pid = ledger_.pid({req.id(), ""});
  }

  events::TaskCreate ev;
  ev.set_container_id(req.id());
  ev.set_bundle(req.bundle());
  *ev.mutable_rootfs() = req.rootfs();
  auto* io = ev.mutable_io();
  io->set_stdin(req.stdin());
  io->set_stdout(req.stdout());
  io->set_stderr(req.stderr());
  io->set_terminal(req.terminal());
  ev.set_pid(static_cast<std::uint32_t>(pid));
  pub_.publish("/tasks/create", ev);
  containers_.emplace(req.id(), std::move(c));

  task::CreateTaskResponse resp;
  resp.set_pid(static_cast<std::uint32_t>(pid));
  reply(r, resp);
}

void task_service::start(std::string_view payload, ttrpc::responder& r) {
  task::StartRequest req;
  if (!parse(req, payload, r)) return;
  process* p = find(req.id(), req.exec_id(), r);
  if (!p) return;
  container& c = *find(req.id());
  if (p->started) return r.fail(fail(ttrpc::code::failed_precondition, "process already started"));
  if (!req.exec_id().empty()) return start_exec(c, *p, r);
  if (c.restore) {
    if (auto st = restore_init(c); !st.ok()) return r.fail(std::move(st));
  } else if (auto s = c.runc.start(req.id()); !s) {
    return r.fail(runc_failure("start", s.error()));
  }
  p->started = true;
  const auto pid = static_cast<std::uint32_t>(ledger_.pid({req.id(), ""}));
  events::TaskStart ev;
  ev.set_container_id(req.id());
  ev.set_pid(pid);
  pub_.publish("/tasks/start", ev);
  task::StartResponse resp;
  resp.set_pid(pid);
  reply(r, resp);
}

ttrpc::status task_service::attach_init(container& c) {
  auto pid = runcpp::read_pid_file(c.bundle / "init.pid");
  const process_key key{c.id, ""};
  std::string io_error = pid ? c.init.io.started(loop_) : "pid file: " + pid.error().message();
  if (!io_error.empty()) {
    (void)c.runc.remove(c.id, {.force = true});
    return fail(ttrpc::code::internal, io_error);
  }
  ledger_.track(key, *pid, c.init.io.waits_for_output());
  if (auto e = oom_.add(c.id, *pid); !e.empty())
    write_all(STDERR_FILENO, "containerd-shim-runcpp-v1: " + c.id + ": no OOM events: " + e + "\n");
  return {};
}

ttrpc::status task_service::restore_init(container& c) {
  runcpp::restore_options opts = *c.restore;
  opts.io = c.init.io.runc_io();
  opts.console_socket = c.init.io.console_socket();
  if (auto restored = c.runc.restore(c.id, c.bundle, opts); !restored) {
    return runc_failure("restore", restored.error());
  }
  if (auto st = attach_init(c); !st.ok()) return st;
  c.restore.reset();
  return {};
}

void task_service::start_exec(container& c, process& p, ttrpc::responder& r) {
  // containerd >= 1.6.2x: once the init exited, its pid namespace is gone or going.
  if (ledger_.init_exited(c.id)) {
    return r.fail(fail(ttrpc::code::failed_precondition, "container " + c.id + " init process has exited"));
  }
  const std::filesystem::path pid_file = c.bundle / (p.exec_id + ".pid");
  auto ran = c.runc.exec(
      c.id, *p.spec,
      {.io = p.io.runc_io(), .pid_file = pid_file, .console_socket = p.io.console_socket(), .detach = true});
  if (!ran) {
    p.io.close();  // ctr waits for EOF on its fifos before it deletes the exec
    return r.fail(runc_failure("exec", ran.error()));
  }
  auto pid = runcpp::read_pid_file(pid_file);
  if (!pid) return r.fail(fail(ttrpc::code::internal, "exec pid file: " + pid.error().message()));
  const process_key key{c.id, p.exec_id};
  ledger_.track(key, *pid, p.io.waits_for_output());
  p.started = true;
  if (auto e = p.io.started(loop_); !e.empty()) {
    ::kill(*pid, SIGKILL);
    return r.fail(fail(ttrpc::code::internal, e));
  }
  events::TaskExecStarted ev;
  ev.set_container_id(c.id);
  ev.set_exec_id(p.exec_id);
  ev.set_pid(static_cast<std::uint32_t>(*pid));
  pub_.publish("/tasks/exec-started", ev);
  task::StartResponse resp;
  resp.set_pid(static_cast<std::uint32_t>(*pid));
  reply(r, resp);
}

void task_service::exec(std::string_view payload, ttrpc::responder& r) {
  task::ExecProcessRequest req;
  if (!parse(req, payload, r)) return;
  container* c = find(req.id(), r);
  if (!c) return;
  if (c->execs.contains(req.exec_id())) {
    return r.fail(fail(ttrpc::code::already_exists, "id " + req.exec_id() + " already in use"));
  }
  if (ledger_.init_exited(c->id)) {
    return r.fail(fail(ttrpc::code::failed_precondition, "container " + c->id + " init process has exited"));
  }
  if (c->restore) return r.fail(fail(ttrpc::code::failed_precondition, "cannot exec in a created state"));
  auto spec = runcpp::spec::parse_process_json(req.spec().value());
  if (!spec) return r.fail(fail(ttrpc::code::invalid_argument, "exec spec: " + spec.error().message()));
  auto p = std::make_unique<process>();
  p->exec_id = req.exec_id();
  p->spec = std::move(*spec);
  p->spec->terminal = req.terminal();
  if (auto e = p->io.open(paths_of(req), *reaper_, {req.exec_id(), cfg_.ns}, c->io_owner); !e.empty())
    return r.fail(fail(ttrpc::code::internal, e));
  c->execs.emplace(req.exec_id(), std::move(p));
  events::TaskExecAdded ev;
  ev.set_container_id(c->id);
  ev.set_exec_id(req.exec_id());
  pub_.publish("/tasks/exec-added", ev);
  reply_empty(r);
}

void task_service::wait(std::string_view payload, ttrpc::responder& r) {
  task::WaitRequest req;
  if (!parse(req, payload, r)) return;
  process* p = find(req.id(), req.exec_id(), r);
  if (!p) return;
  if (auto e = ledger_.reported({req.id(), req.exec_id()})) {
    task::WaitResponse resp;
    resp.set_exit_status(e->status);
    set_timestamp(*resp.mutable_exited_at(), e->at);
    return reply(r, resp);
  }
  p->waiters.push_back(std::move(r));
}

void task_service::state(std::string_view payload, ttrpc::responder& r) {
  task::StateRequest req;
  if (!parse(req, payload, r)) return;
  process* p = find(req.id(), req.exec_id(), r);
  if (!p) return;
  const container& c = *find(req.id());
  const process_key key{req.id(), req.exec_id()};
  task::StateResponse resp;
  resp.set_id(req.exec_id().empty() ? req.id() : req.exec_id());
  resp.set_exec_id(req.exec_id());
  resp.set_bundle(c.bundle.string());
  resp.set_pid(static_cast<std::uint32_t>(ledger_.pid(key)));
  const stdio_paths& io = p->io.paths();
  resp.set_stdin(io.in);
  resp.set_stdout(io.out);
  resp.set_stderr(io.err);
  resp.set_terminal(io.terminal);
  auto exit = ledger_.reported(key);
  if (exit) {
    resp.set_status(Status::STOPPED);
    resp.set_exit_status(exit->status);
    set_timestamp(*resp.mutable_exited_at(), exit->at);
  } else if (!p->started) {
    resp.set_status(Status::CREATED);
  } else {
    resp.set_status(c.paused ? Status::PAUSED : Status::RUNNING);
  }
  reply(r, resp);
}

void task_service::connect(std::string_view payload, ttrpc::responder& r) {
  task::ConnectRequest req;
  if (!parse(req, payload, r)) return;
  task::ConnectResponse resp;
  resp.set_shim_pid(static_cast<std::uint32_t>(::getpid()));
  resp.set_task_pid(static_cast<std::uint32_t>(ledger_.pid({req.id(), ""})));
  reply(r, resp);
}

void task_service::kill(std::string_view payload, ttrpc::responder& r) {
  task::KillRequest req;
  if (!parse(req, payload, r)) return;
  process* p = find(req.id(), req.exec_id(), r);
  if (!p) return;
  const process_key key{req.id(), req.exec_id()};
  const bool created_init = key.is_init() && ledger_.pid(key) != 0;
  if (!ledger_.running(key) && !(created_init && req.all())) {
    return r.fail(fail(ttrpc::code::not_found, "process already finished: not found"));
  }
  const int sig = static_cast<int>(req.signal());
  if (!key.is_init()) {
    if (::kill(ledger_.pid(key), sig) != 0) {
      return r.fail(fail(ttrpc::code::not_found, "process already finished: not found"));
    }
    return reply_empty(r);
  }
  if (auto k = find(req.id())->runc.kill(req.id(), sig, {.all = req.all()}); !k) {
    return r.fail(runc_failure("kill", k.error()));
  }
  reply_empty(r);
}

void task_service::remove(std::string_view payload, ttrpc::responder& r) {
  task::DeleteRequest req;
  if (!parse(req, payload, r)) return;
  process* p = find(req.id(), req.exec_id(), r);
  if (!p) return;
  container& c = *find(req.id());
  const process_key key{req.id(), req.exec_id()};
  if (ledger_.running(key) && p->started) {
    return r.fail(fail(ttrpc::code::failed_precondition, "cannot delete a running process"));
  }
  const auto exit = ledger_.reported(key).value_or(
      exit_info{.pid = ledger_.pid(key), .status = 0, .at = std::chrono::system_clock::now()});
  task::DeleteResponse resp;
  resp.set_pid(static_cast<std::uint32_t>(exit.pid));
  resp.set_exit_status(exit.status);
  set_timestamp(*resp.mutable_exited_at(), exit.at);
  task::WaitResponse waited;
  waited.set_exit_status(exit.status);
  *waited.mutable_exited_at() = resp.exited_at();
  for (auto& w : p->waiters) reply(w, waited);
  if (!key.is_init()) {
    ledger_.forget(key);
    reply_after_release(loop_, p->io, r, resp);
    c.execs.erase(req.exec_id());
    return;
  }
  if (auto d = c.runc.remove(c.id, {.force = !p->started});
      !d && d.error().code() != runcpp::errc::not_found) {
    return r.fail(runc_failure("delete", d.error()));
  }
  if (c.rootfs_mounted) unmount_all(c.bundle / "rootfs");
  events::TaskDelete ev;
  ev.set_container_id(c.id);
  ev.set_pid(resp.pid());
  ev.set_exit_status(resp.exit_status());
  *ev.mutable_exited_at() = resp.exited_at();
  ev.set_id(c.id);
  pub_.publish("/tasks/delete", ev);
  for (const auto& [exec_id, unused] : c.execs) ledger_.forget({c.id, exec_id});
  ledger_.forget(key);
  oom_.remove(c.id);
  reply_after_release(loop_, c.init.io, r, resp);
  containers_.erase(c.id);
}

void task_service::resize_pty(std::string_view payload, ttrpc::responder& r) {
  task::ResizePtyRequest req;
  if (!parse(req, payload, r)) return;
  process* p = find(req.id(), req.exec_id(), r);
  if (!p) return;
  if (auto e = p->io.resize(req.height(), req.width()); !e.empty()) {
    return r.fail(fail(ttrpc::code::failed_precondition, e));
  }
  reply_empty(r);
}

void task_service::close_io(std::string_view payload, ttrpc::responder& r) {
  task::CloseIORequest req;
  if (!parse(req, payload, r)) return;
  process* p = find(req.id(), req.exec_id(), r);
  if (!p) return;
  if (req.stdin()) p->io.close_stdin();
  reply_empty(r);
}

void task_service::pids(std::string_view payload, ttrpc::responder& r) {
  task::PidsRequest req;
  if (!parse(req, payload, r)) return;
  container* c = find(req.id(), r);
  if (!c) return;
  auto pids = c->runc.ps(c->id);
  if (!pids) return r.fail(runc_failure("ps", pids.error()));
  task::PidsResponse resp;
  for (int pid : *pids) {
    auto* info = resp.add_processes();
    info->set_pid(static_cast<std::uint32_t>(pid));
    for (const auto& [exec_id, unused] : c->execs) {
      if (ledger_.pid({c->id, exec_id}) != pid) continue;
      ::containerd::runc::v1::ProcessDetails d;
      d.set_exec_id(exec_id);
      *info->mutable_info() = pack(d);
    }
  }
  reply(r, resp);
}

void task_service::pause(std::string_view payload, ttrpc::responder& r) {
  task::PauseRequest req;
  if (!parse(req, payload, r)) return;
  container* c = find(req.id(), r);
  if (!c) return;
  if (auto s = c->runc.pause(c->id); !s) return r.fail(runc_failure("pause", s.error()));
  c->paused = true;
  events::TaskPaused ev;
  ev.set_container_id(c->id);
  pub_.publish("/tasks/paused", ev);
  reply_empty(r);
}

void task_service::resume(std::string_view payload, ttrpc::responder& r) {
  task::ResumeRequest req;
  if (!parse(req, payload, r)) return;
  container* c = find(req.id(), r);
  if (!c) return;
  if (auto s = c->runc.resume(c->id); !s) return r.fail(runc_failure("resume", s.error()));
  c->paused = false;
  events::TaskResumed ev;
  ev.set_container_id(c->id);
  pub_.publish("/tasks/resumed", ev);
  reply_empty(r);
}

void task_service::stats(std::string_view payload, ttrpc::responder& r) {
  task::StatsRequest req;
  if (!parse(req, payload, r)) return;
  container* c = find(req.id(), r);
  if (!c) return;
  auto sample = c->runc.stats(c->id);
  if (!sample) return r.fail(runc_failure("stats", sample.error()));
  task::StatsResponse resp;
  *resp.mutable_stats() = pack(to_metrics(*sample));
  reply(r, resp);
}

void task_service::update(std::string_view payload, ttrpc::responder& r) {
  task::UpdateTaskRequest req;
  if (!parse(req, payload, r)) return;
  container* c = find(req.id(), r);
  if (!c) return;
  // containerd marshals the runtime-spec LinuxResources as JSON into the Any.
  auto resources = runcpp::spec::parse_linux_resources_json(req.resources().value());
  if (!resources) {
    return r.fail(fail(ttrpc::code::invalid_argument, "update resources: " + resources.error().message()));
  }
  if (auto u = c->runc.update(c->id, *resources); !u) return r.fail(runc_failure("update", u.error()));
  reply_empty(r);
}

void task_service::checkpoint(std::string_view payload, ttrpc::responder& r) {
  task::CheckpointTaskRequest req;
  if (!parse(req, payload, r)) return;
  container* c = find(req.id(), r);
  if (!c) return;
  // The Go shim's init states refuse these two.
  if (!c->init.started) {
    return r.fail(fail(ttrpc::code::failed_precondition, "cannot checkpoint a task in created state"));
  }
  if (ledger_.init_exited(c->id)) {
    return r.fail(fail(ttrpc::code::failed_precondition, "cannot checkpoint a stopped container"));
  }
  auto plan = plan_checkpoint(req, c->bundle / "work");
  if (!plan) return r.fail(fail(ttrpc::code::invalid_argument, plan.error().message()));
  auto done = c->runc.checkpoint(c->id, plan->options);
  std::string why = finish_checkpoint(*plan, c->bundle, done);
  if (!done) return r.fail(fail(code_of(done.error()), "OCI runtime checkpoint failed: " + why));
  reply_empty(r);
}

void task_service::shutdown(std::string_view payload, ttrpc::responder& r) {
  task::ShutdownRequest req;
  if (!parse(req, payload, r)) return;
  reply_empty(r);
  // Another container of the group still lives here: the daemon stays.
  if (!containers_.empty() || shutting_down_) return;
  shutting_down_ = true;
  if (cfg_.on_shutdown) loop_.post(cfg_.on_shutdown);
}

void task_service::drain_exits() {
  while (auto e = sub_->try_next()) {
    ledger_.exited(e->pid, static_cast<std::uint32_t>(e->status.go_status()), e->when);
  }
  kill_all_after_init_exit();
  for (const process_key& key : ledger_.awaiting_io()) watch_drain(key);
  report_exits();
}

void task_service::kill_all_after_init_exit() {
  for (auto& [id, c] : containers_) {
    if (c->killed_all || !ledger_.init_exited(id)) continue;
    c->killed_all = true;
    // Shared pid namespace: the kernel does not end the rest with the init.
    if (c->kill_all_on_exit) (void)c->runc.kill(id, SIGKILL, {.all = true});
  }
}

void task_service::watch_drain(const process_key& key) {
  process* p = lookup(key);
  if (!p) return;
  if (p->drain_watched) return;
  p->drain_watched = true;
  p->io.when_drained([this, key] {
    ledger_.io_drained(key);
    report_exits();
  });
}

void task_service::report_exits() {
  for (const reported_exit& e : ledger_.take_reportable()) report(e);
}

void task_service::report(const reported_exit& e) {
  if (e.key.is_init()) oom_.check(e.key.container);  // an OOM kill is published before its exit
  events::TaskExit ev;
  ev.set_container_id(e.key.container);
  ev.set_id(e.key.is_init() ? e.key.container : e.key.exec);
  ev.set_pid(static_cast<std::uint32_t>(e.exit.pid));
  ev.set_exit_status(e.exit.status);
  set_timestamp(*ev.mutable_exited_at(), e.exit.at);
  pub_.publish("/tasks/exit", ev);
  process* p = lookup(e.key);
  if (!p) return;
  task::WaitResponse resp;
  resp.set_exit_status(e.exit.status);
  *resp.mutable_exited_at() = ev.exited_at();
  for (auto& w : std::exchange(p->waiters, {})) reply(w, resp);
}

}  // namespace runcpp::shim
