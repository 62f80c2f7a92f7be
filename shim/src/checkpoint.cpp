#include "checkpoint.hpp"

#include <system_error>

namespace runcpp::shim {

runcpp::result<checkpoint_plan> plan_checkpoint(const task::CheckpointTaskRequest& req,
                                                const std::filesystem::path& work_dir) {
  ::containerd::runc::v1::CheckpointOptions o;
  if (req.has_options()) {
    if (!type_is(req.options(), "containerd.runc.v1.CheckpointOptions") ||
        !o.ParseFromString(req.options().value())) {
      return runcpp::error(errc::invalid_argument,
                           "checkpoint options: expected containerd.runc.v1.CheckpointOptions, got " +
                               req.options().type_url());
    }
  }
  checkpoint_plan p;
  p.own_work_path = o.work_path().empty();
  p.options = {.image_path = req.path(),
               .work_path = p.own_work_path ? work_dir / "criu-work" : std::filesystem::path(o.work_path()),
               .leave_running = !o.exit(),
               .tcp_established = o.open_tcp(),
               .ext_unix_sk = o.external_unix_sockets(),
               .shell_job = o.terminal(),
               .file_locks = o.file_locks(),
               .empty_ns = {o.empty_namespaces().begin(), o.empty_namespaces().end()}};
  return p;
}

runcpp::restore_options plan_restore(const std::string& checkpoint, const std::filesystem::path& bundle,
                                     const runtime_options& opts) {
  return {.image_path = checkpoint,
          .work_path =
              opts.criu_work_path.empty() ? bundle / "work" : std::filesystem::path(opts.criu_work_path),
          .detach = true,
          .pid_file = bundle / "init.pid",
          .no_pivot = opts.no_pivot_root,
          .no_subreaper = true};
}

std::vector<std::string> criu_flags(const runtime_options& opts) {
  if (opts.criu_path.empty()) return {};
  return {"--criu", opts.criu_path};
}

std::string finish_checkpoint(const checkpoint_plan& plan, const std::filesystem::path& bundle,
                              const runcpp::result<void>& outcome) {
  std::error_code ec;
  std::string message;
  if (!outcome) {
    // runc's own record keeps its lines (message() joins them): Go's criuError keeps the first.
    const runcpp::error& e = outcome.error();
    const std::string& runc_error = e.runtime_message().empty() ? e.message() : e.runtime_message();
    const std::filesystem::path dump_log = bundle / "criu-dump.log";
    std::filesystem::copy_file(plan.options.work_path / "dump.log", dump_log,
                               std::filesystem::copy_options::overwrite_existing, ec);
    message = runc_error.substr(0, runc_error.find('\n')) + " path= " + dump_log.string();
  }
  if (plan.own_work_path) std::filesystem::remove_all(plan.options.work_path, ec);
  return message;
}

}  // namespace runcpp::shim
