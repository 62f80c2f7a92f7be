// checkpoint and restore share their criu flags through criu_flags(); only
// the flags runc's restore accepts are in restore_options at all.
#include <runcpp/client.hpp>
#include <runcpp/socket.hpp>

#include "../command.hpp"
#include "commands.hpp"

namespace runcpp {
namespace {

std::string_view mode_name(cgroups_mode m) {
  switch (m) {
    case cgroups_mode::soft: return "soft";
    case cgroups_mode::full: return "full";
    case cgroups_mode::strict: return "strict";
    case cgroups_mode::ignore: return "ignore";
    case cgroups_mode::none: break;
  }
  return {};
}

// The criu flags both commands take, in go-runc's order. restore passes an
// empty parent path and page server: runc's restore has neither flag.
struct criu_flags {
  const std::filesystem::path& image_path;
  const std::filesystem::path& work_path;
  const std::filesystem::path& parent_path;
  bool tcp_established, ext_unix_sk, shell_job;
  std::string_view page_server;
  bool file_locks;
  cgroups_mode mode;
  const std::vector<std::string>& empty_ns;
  bool lazy_pages;

  void add_to(detail::argv_builder& b) const {
    b.option("--image-path", image_path.string())
        .option("--work-path", work_path.string())
        .option("--parent-path", parent_path.string())
        .flag("--tcp-established", tcp_established)
        .flag("--ext-unix-sk", ext_unix_sk)
        .flag("--shell-job", shell_job)
        .option("--page-server", page_server)
        .flag("--file-locks", file_locks)
        .option("--manage-cgroups-mode", mode_name(mode))
        .repeated("--empty-ns", empty_ns)
        .flag("--lazy-pages", lazy_pages);
  }
};

}  // namespace

// go-runc's order (image, work, parent, tcp, unix, shell, page server, locks,
// cgroups, empty-ns, lazy pages, extra args, --status-fd 3, leave-running,
// pre-dump) with runc's flags go-runc lacks (tcp-skip-in-flight, link-remap,
// auto-dedup) after lazy pages.
detail::args detail::checkpoint_args(std::string_view id, const checkpoint_options& o) {
  argv_builder b("checkpoint");
  criu_flags{o.image_path,          o.work_path, o.parent_path, o.tcp_established,
             o.ext_unix_sk,         o.shell_job, o.page_server, o.file_locks,
             o.manage_cgroups_mode, o.empty_ns,  o.lazy_pages}
      .add_to(b);
  b.flag("--tcp-skip-in-flight", o.tcp_skip_in_flight)
      .flag("--link-remap", o.link_remap)
      .flag("--auto-dedup", o.auto_dedup)
      .append(o.extra_args)
      .option("--status-fd", o.status_fd >= 0 ? "3" : "")
      .flag("--leave-running", o.leave_running)
      .flag("--pre-dump", o.pre_dump)
      .add(id);
  return std::move(b).take();
}

detail::args detail::restore_args(std::string_view id, const std::filesystem::path& bundle,
                                  const restore_options& o) {
  const std::filesystem::path no_parent;
  argv_builder b("restore");
  criu_flags{o.image_path,          o.work_path, no_parent,   o.tcp_established,
             o.ext_unix_sk,         o.shell_job, {},          o.file_locks,
             o.manage_cgroups_mode, o.empty_ns,  o.lazy_pages}
      .add_to(b);
  b.flag("--auto-dedup", o.auto_dedup)
      .flag("--detach", o.detach)
      .absolute("--pid-file", o.pid_file)
      .socket("--console-socket", o.console_socket)
      .flag("--no-pivot", o.no_pivot)
      .flag("--no-subreaper", o.no_subreaper)
      .option("--lsm-profile", o.lsm_profile)
      .option("--lsm-mount-context", o.lsm_mount_context)
      .append(o.extra_args)
      .option("--bundle", bundle.string())
      .add(id);
  return std::move(b).take();
}

result<void> client::checkpoint(std::string_view id, const checkpoint_options& opts,
                                const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  auto sub = detail::checkpoint_args(id, opts);
  if (opts.status_fd < 0) return detail::run_simple(config_, ctx, std::move(sub));
  // --status-fd: criu writes to fd 3 when the lazy-pages server is ready.
  auto st = detail::run_with_io(config_, ctx, std::move(sub), {.extra_fds = {opts.status_fd}});
  if (!st) return std::move(st).error();
  return {};
}

result<exit_status> client::restore(std::string_view id, const std::filesystem::path& bundle,
                                    const restore_options& opts, const call_context& ctx) const {
  if (auto ok = validate_container_id(id); !ok) return std::move(ok).error();
  return detail::status_of(detail::run_with_io(
      config_, ctx, detail::restore_args(id, bundle, opts),
      {.io = opts.io.get(), .sockets = {opts.console_socket}, .status_is_value = !opts.detach}));
}

}  // namespace runcpp
