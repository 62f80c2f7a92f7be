// validate(): runc's and crun's reasons to reject a config.json, checked
// before anything runs. Each rule names the field with a JSON pointer; the
// messages say what runc wants, in plain words.
#include <runcpp/spec_validate.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace runcpp::spec {

std::string json_pointer_token(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string to_string(const problem& p) { return p.pointer + ": " + p.message; }

namespace {

using linux_t = linux_config;
using namespace std::string_view_literals;

constexpr std::array known_namespaces = {"pid"sv, "network"sv, "mount"sv,  "ipc"sv,
                                         "uts"sv, "user"sv,    "cgroup"sv, "time"sv};
constexpr std::array known_rlimits = {"RLIMIT_AS"sv,      "RLIMIT_CORE"sv,     "RLIMIT_CPU"sv,
                                      "RLIMIT_DATA"sv,    "RLIMIT_FSIZE"sv,    "RLIMIT_LOCKS"sv,
                                      "RLIMIT_MEMLOCK"sv, "RLIMIT_MSGQUEUE"sv, "RLIMIT_NICE"sv,
                                      "RLIMIT_NOFILE"sv,  "RLIMIT_NPROC"sv,    "RLIMIT_RSS"sv,
                                      "RLIMIT_RTPRIO"sv,  "RLIMIT_RTTIME"sv,   "RLIMIT_SIGPENDING"sv,
                                      "RLIMIT_STACK"sv};
constexpr std::array known_propagations = {"private"sv, "rprivate"sv, "slave"sv,      "rslave"sv,
                                           "shared"sv,  "rshared"sv,  "unbindable"sv, "runbindable"sv};
constexpr std::array known_seccomp_actions = {"SCMP_ACT_KILL"sv,        "SCMP_ACT_KILL_PROCESS"sv,
                                              "SCMP_ACT_KILL_THREAD"sv, "SCMP_ACT_TRAP"sv,
                                              "SCMP_ACT_ERRNO"sv,       "SCMP_ACT_TRACE"sv,
                                              "SCMP_ACT_ALLOW"sv,       "SCMP_ACT_LOG"sv,
                                              "SCMP_ACT_NOTIFY"sv};
constexpr std::array known_schedulers = {"SCHED_OTHER"sv, "SCHED_FIFO"sv, "SCHED_RR"sv,      "SCHED_BATCH"sv,
                                         "SCHED_ISO"sv,   "SCHED_IDLE"sv, "SCHED_DEADLINE"sv};
constexpr std::array known_io_classes = {"IOPRIO_CLASS_RT"sv, "IOPRIO_CLASS_BE"sv, "IOPRIO_CLASS_IDLE"sv};
// Sysctls that the ipc namespace isolates (besides fs.mqueue.*), as runc lists them.
constexpr std::array ipc_sysctls = {"kernel.msgmax"sv, "kernel.msgmnb"sv,         "kernel.msgmni"sv,
                                    "kernel.sem"sv,    "kernel.shmall"sv,         "kernel.shmmax"sv,
                                    "kernel.shmmni"sv, "kernel.shm_rmid_forced"sv};

template <std::size_t N>
bool one_of(std::string_view value, const std::array<std::string_view, N>& known) {
  return std::find(known.begin(), known.end(), value) != known.end();
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool is_absolute(const std::optional<std::string>& path) {
  return path && !path->empty() && path->front() == '/';
}

// Built with append(): GCC 12 -O2 warns falsely (-Wrestrict) on "\"" + s (GCC bug 105329).
std::string in_quotes(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  return out.append(1, '"').append(s).append(1, '"');
}

std::string index_pointer(std::string_view base, std::size_t i) {
  return std::string(base) + "/" + std::to_string(i);
}

// sysctl(8) accepts '/' as the separator too ("net/ipv4/ip_forward"); runc
// compares names in the dotted form.
std::string dotted_sysctl(std::string_view name) {
  const auto first = name.find_first_of("./");
  std::string out(name);
  if (first == std::string_view::npos || name[first] == '.') return out;
  for (char& c : out) c = c == '/' ? '.' : (c == '.' ? '/' : c);
  return out;
}

bool id_is_mapped(std::uint32_t id, const std::optional<std::vector<id_mapping>>& mappings) {
  if (!mappings) return false;
  return std::any_of(mappings->begin(), mappings->end(), [id](const id_mapping& m) {
    const std::uint64_t first = m.container_id.value_or(0);
    return id >= first && id < first + m.size.value_or(0);
  });
}

// Accumulates the problems; one member function per part of the config.
class checker {
 public:
  checker(const config& cfg, const validate_options& options) : cfg_(cfg), options_(options) {
    if (cfg.linux_config && cfg.linux_config->namespaces) {
      for (const auto& ns : *cfg.linux_config->namespaces) {
        if (ns.type && !namespaces_.count(*ns.type)) namespaces_.emplace(*ns.type, ns.path.value_or(""));
      }
    }
  }

  std::vector<problem> run() && {
    top_level();
    process();
    mounts();
    uts();
    hooks();
    if (cfg_.linux_config) linux_section(*cfg_.linux_config);
    if (options_.rootless) rootless();
    return std::move(problems_);
  }

 private:
  void add(std::string pointer, std::string message) {
    problems_.push_back({std::move(pointer), std::move(message)});
  }

  bool has_namespace(std::string_view type) const { return namespaces_.count(std::string(type)) != 0; }
  // A user namespace that the runtime creates (not joined by path) with mappings.
  bool maps_ids() const {
    const auto& l = cfg_.linux_config;
    return has_namespace("user") && l && (l->uid_mappings || l->gid_mappings);
  }

  void top_level() {
    if (!cfg_.oci_version || cfg_.oci_version->empty())
      add("/ociVersion", "ociVersion is required (e.g. \"1.0.2-dev\", what runc spec writes)");
    if (!cfg_.root || !cfg_.root->path || cfg_.root->path->empty())
      add("/root/path",
          "root.path is required: the container's root filesystem, absolute or relative to the bundle");
  }

  void process() {
    if (!cfg_.process) {
      add("/process", "a process is required: runc create and runc run start it");
      return;
    }
    const auto& p = *cfg_.process;
    if (!p.args || p.args->empty())
      add("/process/args", "process.args is empty: it must name the program to run");
    if (!p.cwd || p.cwd->empty()) {
      add("/process/cwd", "process.cwd is required");
    } else if (!is_absolute(p.cwd)) {
      add("/process/cwd", "process.cwd must be an absolute path, not " + in_quotes(*p.cwd));
    }
    if (p.env) env(*p.env);
    if (p.rlimits) rlimits(*p.rlimits);
    if (p.oom_score_adj && (*p.oom_score_adj < -1000 || *p.oom_score_adj > 1000))
      add("/process/oomScoreAdj",
          "oomScoreAdj must be in -1000..1000, not " + std::to_string(*p.oom_score_adj));
    if (p.scheduler) scheduler(*p.scheduler);
    if (p.io_priority) io_priority(*p.io_priority);
    if (p.user) user(*p.user);
  }

  void env(const std::vector<std::string>& entries) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const auto eq = entries[i].find('=');
      if (eq == std::string::npos) {
        add(index_pointer("/process/env", i),
            "environment entry " + in_quotes(entries[i]) + " has no '=': use KEY=value");
      } else if (eq == 0) {
        add(index_pointer("/process/env", i),
            "environment entry " + in_quotes(entries[i]) + " has an empty name");
      }
    }
  }

  void rlimits(const std::vector<process::rlimit_t>& limits) {
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < limits.size(); ++i) {
      const auto base = index_pointer("/process/rlimits", i);
      const auto& type = limits[i].type;
      if (!type || !one_of(*type, known_rlimits)) {
        add(base + "/type",
            "unknown rlimit type " + in_quotes(type.value_or("")) + " (RLIMIT_NOFILE, RLIMIT_NPROC, ...)");
      } else if (auto [it, fresh] = seen.emplace(*type, i); !fresh) {
        add(base + "/type",
            "duplicate rlimit " + *type + " (also at " + index_pointer("/process/rlimits", it->second) + ")");
      }
      if (limits[i].soft && limits[i].hard && *limits[i].soft > *limits[i].hard)
        add(base + "/soft", "the soft limit is above the hard limit");
    }
  }

  void scheduler(const process::scheduler_t& s) {
    const std::string policy = s.policy.value_or("");
    if (policy.empty()) {
      add("/process/scheduler/policy", "scheduler.policy is required");
    } else if (!one_of(policy, known_schedulers)) {
      add("/process/scheduler/policy", "unknown scheduler policy " + in_quotes(policy));
    }
    if (s.nice && (*s.nice < -20 || *s.nice > 19))
      add("/process/scheduler/nice", "scheduler.nice must be in -20..19, not " + std::to_string(*s.nice));
    if (s.priority && *s.priority != 0 && policy != "SCHED_FIFO" && policy != "SCHED_RR")
      add("/process/scheduler/priority", "scheduler.priority is only for SCHED_FIFO and SCHED_RR");
    const bool deadline_fields =
        s.runtime.value_or(0) != 0 || s.deadline.value_or(0) != 0 || s.period.value_or(0) != 0;
    if (deadline_fields && policy != "SCHED_DEADLINE")
      add("/process/scheduler", "scheduler runtime, deadline and period are only for SCHED_DEADLINE");
  }

  void io_priority(const process::io_priority_t& io) {
    if (!io.io_class || !one_of(*io.io_class, known_io_classes))
      add("/process/ioPriority/class",
          "ioPriority.class must be IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE");
    if (io.priority && (*io.priority < 0 || *io.priority > 7))
      add("/process/ioPriority/priority",
          "ioPriority.priority must be in 0..7, not " + std::to_string(*io.priority));
  }

  // With a user namespace that runc makes, the process's ids must exist in it.
  void user(const process::user_t& u) {
    if (!maps_ids() || !namespaces_.at("user").empty()) return;
    const auto& l = *cfg_.linux_config;
    if (u.uid && !id_is_mapped(*u.uid, l.uid_mappings))
      add("/process/user/uid", "uid " + std::to_string(*u.uid) + " is not mapped by linux.uidMappings");
    if (u.gid && !id_is_mapped(*u.gid, l.gid_mappings))
      add("/process/user/gid", "gid " + std::to_string(*u.gid) + " is not mapped by linux.gidMappings");
    if (!u.additional_gids) return;
    for (std::size_t i = 0; i < u.additional_gids->size(); ++i) {
      const auto gid = (*u.additional_gids)[i];
      if (!id_is_mapped(gid, l.gid_mappings))
        add(index_pointer("/process/user/additionalGids", i),
            "gid " + std::to_string(gid) + " is not mapped by linux.gidMappings");
    }
  }

  void mounts() {
    if (!cfg_.mounts) return;
    for (std::size_t i = 0; i < cfg_.mounts->size(); ++i)
      mount(index_pointer("/mounts", i), (*cfg_.mounts)[i]);
  }

  static bool has_option(const spec::mount& m, std::string_view option) {
    return m.options && std::find(m.options->begin(), m.options->end(), option) != m.options->end();
  }
  static bool is_bind(const spec::mount& m) {
    return m.type == "bind" || has_option(m, "bind") || has_option(m, "rbind");
  }

  void mount(const std::string& base, const spec::mount& m) {
    if (!m.destination || m.destination->empty()) {
      add(base + "/destination", "mount destination is required");
    } else if (!is_absolute(m.destination)) {
      add(base + "/destination",
          "mount destination must be an absolute path, not " + in_quotes(*m.destination));
    }
    if (is_bind(m) && (!m.source || m.source->empty())) add(base + "/source", "a bind mount needs a source");
    if (m.uid_mappings || m.gid_mappings) idmapped_mount(base, m);
  }

  // runc's rules for idmapped mounts (runtime-spec 1.1 mount uid/gidMappings).
  void idmapped_mount(const std::string& base, const spec::mount& m) {
    const auto& l = cfg_.linux_config;
    if (!is_bind(m)) add(base + "/options", "uidMappings/gidMappings on a mount need a bind mount");
    if (!l || !l->uid_mappings || !l->gid_mappings || !has_namespace("user")) {
      add(base, "an idmapped mount needs a user namespace with linux.uidMappings and linux.gidMappings");
      return;
    }
    if (m.uid_mappings != l->uid_mappings)
      add(base + "/uidMappings", "a mount's uidMappings must equal linux.uidMappings");
    if (m.gid_mappings != l->gid_mappings)
      add(base + "/gidMappings", "a mount's gidMappings must equal linux.gidMappings");
    if (!is_absolute(m.source)) add(base + "/source", "an idmapped mount needs an absolute source");
  }

  void uts() {
    if (cfg_.hostname && !cfg_.hostname->empty() && !has_namespace("uts"))
      add("/hostname", "setting the hostname needs a uts namespace in linux.namespaces");
    if (cfg_.domainname && !cfg_.domainname->empty() && !has_namespace("uts"))
      add("/domainname", "setting the domainname needs a uts namespace in linux.namespaces");
  }

  void hooks() {
    if (!cfg_.hooks) return;
    const auto& h = *cfg_.hooks;
    hook_list("/hooks/prestart", h.prestart);
    hook_list("/hooks/createRuntime", h.create_runtime);
    hook_list("/hooks/createContainer", h.create_container);
    hook_list("/hooks/startContainer", h.start_container);
    hook_list("/hooks/poststart", h.poststart);
    hook_list("/hooks/poststop", h.poststop);
  }

  void hook_list(std::string_view base, const std::optional<std::vector<hook>>& list) {
    if (!list) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto& hook = (*list)[i];
      const auto at = index_pointer(base, i);
      if (!is_absolute(hook.path)) add(at + "/path", "a hook's path must be an absolute path");
      if (hook.timeout && *hook.timeout <= 0)
        add(at + "/timeout", "a hook's timeout must be more than 0 seconds");
    }
  }

  void linux_section(const linux_t& l) {
    if (l.namespaces) namespaces(*l.namespaces);
    user_namespace(l);
    if (l.time_offsets && !has_namespace("time"))
      add("/linux/timeOffsets", "timeOffsets need a time namespace in linux.namespaces");
    if (l.devices) devices(*l.devices);
    if (l.rootfs_propagation && !l.rootfs_propagation->empty() &&
        !one_of(*l.rootfs_propagation, known_propagations))
      add("/linux/rootfsPropagation", "unknown rootfsPropagation " + in_quotes(*l.rootfs_propagation) +
                                          " (private, slave, shared, unbindable, or r-prefixed)");
    if (l.resources) resources(*l.resources);
    if (l.seccomp) seccomp(*l.seccomp);
    if (l.sysctl) sysctls(*l.sysctl);
    paths_need_mount_namespace("/linux/maskedPaths", l.masked_paths);
    paths_need_mount_namespace("/linux/readonlyPaths", l.readonly_paths);
    if (l.intel_rdt && l.intel_rdt->clos_id) {
      const auto& id = *l.intel_rdt->clos_id;
      if (id == "." || id == ".." || id.find('/') != std::string::npos)
        add("/linux/intelRdt/closID",
            "intelRdt.closID " + in_quotes(id) + " is not a valid resctrl group name");
    }
    if (l.personality && l.personality->domain && *l.personality->domain != "LINUX" &&
        *l.personality->domain != "LINUX32")
      add("/linux/personality/domain", "personality.domain must be LINUX or LINUX32");
  }

  void namespaces(const std::vector<linux_namespace>& list) {
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto at = index_pointer("/linux/namespaces", i) + "/type";
      const auto type = list[i].type.value_or("");
      if (!one_of(type, known_namespaces)) {
        add(at, "unknown namespace type " + in_quotes(type) +
                    " (pid, network, mount, ipc, uts, user, cgroup, time)");
      } else if (auto [it, fresh] = seen.emplace(type, i); !fresh) {
        add(at, "duplicate namespace " + in_quotes(type) + " (also at " +
                    index_pointer("/linux/namespaces", it->second) + ")");
      }
    }
  }

  void user_namespace(const linux_t& l) {
    const bool user = has_namespace("user");
    const bool joins = user && !namespaces_.at("user").empty();
    if (user && !joins && !l.uid_mappings)
      add("/linux/uidMappings", "a new user namespace needs uidMappings (or a namespace path to join)");
    if (user && !joins && !l.gid_mappings)
      add("/linux/gidMappings", "a new user namespace needs gidMappings (or a namespace path to join)");
    if (!user && l.uid_mappings)
      add("/linux/uidMappings", "uidMappings need a user namespace in linux.namespaces");
    if (!user && l.gid_mappings)
      add("/linux/gidMappings", "gidMappings need a user namespace in linux.namespaces");
    id_mappings("/linux/uidMappings", l.uid_mappings);
    id_mappings("/linux/gidMappings", l.gid_mappings);
  }

  void id_mappings(std::string_view base, const std::optional<std::vector<id_mapping>>& list) {
    if (!list) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto& m = (*list)[i];
      const auto at = index_pointer(base, i);
      if (!m.container_id) add(at + "/containerID", "a mapping needs containerID");
      if (!m.host_id) add(at + "/hostID", "a mapping needs hostID");
      if (m.size.value_or(0) == 0) add(at + "/size", "a mapping needs a size of at least 1");
    }
  }

  void devices(const std::vector<linux_device>& list) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto& d = list[i];
      const auto at = index_pointer("/linux/devices", i);
      if (!is_absolute(d.path)) add(at + "/path", "a device's path must be an absolute path");
      const auto type = d.type.value_or("");
      if (type != "c" && type != "b" && type != "u" && type != "p") {
        add(at + "/type", "a device's type must be c, b, u or p, not " + in_quotes(type));
      } else if (type != "p" && (!d.major || !d.minor)) {
        add(at, "a " + type + " device needs major and minor numbers");
      }
    }
  }

  void resources(const linux_resources& r) {
    if (!r.memory) return;
    const auto limit = r.memory->limit.value_or(0);
    const auto swap = r.memory->swap.value_or(0);
    if (limit > 0 && swap > 0 && swap < limit)
      add("/linux/resources/memory/swap",
          "memory.swap is the memory+swap limit: it must be -1 or at least memory.limit (" +
              std::to_string(limit) + ")");
  }

  void seccomp(const linux_seccomp& s) {
    if (!s.default_action || !one_of(*s.default_action, known_seccomp_actions))
      add("/linux/seccomp/defaultAction",
          "seccomp.defaultAction must be a seccomp action such as SCMP_ACT_ERRNO");
    if (!s.syscalls) return;
    for (std::size_t i = 0; i < s.syscalls->size(); ++i) {
      const auto& rule = (*s.syscalls)[i];
      const auto at = index_pointer("/linux/seccomp/syscalls", i);
      if (!rule.names || rule.names->empty())
        add(at + "/names", "a seccomp rule needs at least one syscall name");
      if (!rule.action || !one_of(*rule.action, known_seccomp_actions))
        add(at + "/action", "unknown seccomp action " + in_quotes(rule.action.value_or("")));
    }
  }

  // runc allows only the sysctls that a namespace of the container isolates.
  void sysctls(const std::map<std::string, std::string>& list) {
    for (const auto& [raw_name, value] : list) {
      const auto name = dotted_sysctl(raw_name);
      const auto at = "/linux/sysctl/" + json_pointer_token(raw_name);
      if (one_of(std::string_view(name), ipc_sysctls) || starts_with(name, "fs.mqueue.")) {
        if (!has_namespace("ipc")) add(at, "sysctl " + name + " needs an ipc namespace");
      } else if (starts_with(name, "net.")) {
        if (!has_namespace("network")) add(at, "sysctl " + name + " needs a network namespace");
      } else if (name == "kernel.hostname") {
        add(at, "sysctl kernel.hostname conflicts with the hostname field: set that instead");
      } else if (name != "kernel.domainname" || !has_namespace("uts")) {
        add(at, "sysctl " + name + " is not isolated by a namespace of the container");
      }
    }
  }

  void paths_need_mount_namespace(std::string_view base,
                                  const std::optional<std::vector<std::string>>& paths) {
    if (!paths || paths->empty()) return;
    if (!has_namespace("mount"))
      add(std::string(base), std::string(base.substr(7)) + " need a mount namespace in linux.namespaces");
    for (std::size_t i = 0; i < paths->size(); ++i) {
      if (!is_absolute((*paths)[i]))
        add(index_pointer(base, i), "must be an absolute path, not " + in_quotes((*paths)[i]));
    }
  }

  // runc's rootless mode (euid != 0): libcontainer/configs/validate/rootless.go.
  void rootless() {
    const auto& l = cfg_.linux_config;
    if (!has_namespace("user")) {
      add("/linux/namespaces", "a rootless container needs a user namespace");
    } else if (namespaces_.at("user").empty() && (!l || !l->uid_mappings || l->uid_mappings->empty() ||
                                                  !l->gid_mappings || l->gid_mappings->empty())) {
      add("/linux", "a rootless container needs at least one uid and one gid mapping");
    }
    if (!cfg_.mounts) return;
    for (std::size_t i = 0; i < cfg_.mounts->size(); ++i)
      rootless_mount(index_pointer("/mounts", i), (*cfg_.mounts)[i]);
  }

  void rootless_mount(const std::string& base, const spec::mount& m) {
    if (m.uid_mappings || m.gid_mappings)
      add(base, "idmapped mounts need CAP_SYS_ADMIN: a rootless container cannot have them");
    if (!m.options) return;
    const auto& l = cfg_.linux_config;
    for (std::size_t j = 0; j < m.options->size(); ++j) {
      const auto& option = (*m.options)[j];
      const bool is_uid = starts_with(option, "uid=");
      if (!is_uid && !starts_with(option, "gid=")) continue;
      std::uint32_t id = 0;
      const auto* first = option.data() + 4;
      const auto* last = option.data() + option.size();
      if (auto [end, ec] = std::from_chars(first, last, id); ec != std::errc{} || end != last) continue;
      const auto& mappings =
          is_uid ? (l ? l->uid_mappings : std::nullopt) : (l ? l->gid_mappings : std::nullopt);
      if (!id_is_mapped(id, mappings))
        add(index_pointer(base + "/options", j),
            "mount option " + option + " names an id the rootless container's user namespace does not map");
    }
  }

  const config& cfg_;
  const validate_options& options_;
  std::map<std::string, std::string> namespaces_;  // type -> path ("" = new), first entry of each type
  std::vector<problem> problems_;
};

}  // namespace

std::vector<problem> validate(const config& cfg, const validate_options& options) {
  return checker(cfg, options).run();
}

}  // namespace runcpp::spec
