// Internal: the JSON keys of every runtime-spec model type (spec.hpp,
// spec_config.hpp), one line per key, in specs-go's field order. Each
// describe() overload is the single list that drives both the reader and the
// writer (spec_codec.hpp), so a key can never be spelled differently in the
// two directions. The `extras` member of each struct is handled by the codec.
#pragma once

#include <concepts>
#include <type_traits>

#include <runcpp/spec.hpp>
#include <runcpp/spec_config.hpp>

namespace runcpp::spec::detail {

template <class S, class T>
concept is = std::same_as<std::remove_const_t<S>, T>;

// ---- the key lists: one line per JSON key ---------------------------------

template <is<process::box_t> S, class V>
void describe(S& s, V& v) {
  v("height", s.height);
  v("width", s.width);
}

template <is<process::user_t> S, class V>
void describe(S& s, V& v) {
  v("uid", s.uid);
  v("gid", s.gid);
  v("umask", s.umask);
  v("additionalGids", s.additional_gids);
  v("username", s.username);
}

template <is<process::capabilities_t> S, class V>
void describe(S& s, V& v) {
  v("bounding", s.bounding);
  v("effective", s.effective);
  v("inheritable", s.inheritable);
  v("permitted", s.permitted);
  v("ambient", s.ambient);
}

template <is<process::rlimit_t> S, class V>
void describe(S& s, V& v) {
  v("type", s.type);
  v("hard", s.hard);
  v("soft", s.soft);
}

template <is<process::scheduler_t> S, class V>
void describe(S& s, V& v) {
  v("policy", s.policy);
  v("nice", s.nice);
  v("priority", s.priority);
  v("flags", s.flags);
  v("runtime", s.runtime);
  v("deadline", s.deadline);
  v("period", s.period);
}

template <is<process::io_priority_t> S, class V>
void describe(S& s, V& v) {
  v("class", s.io_class);
  v("priority", s.priority);
}

template <is<process::cpu_affinity_t> S, class V>
void describe(S& s, V& v) {
  v("initial", s.initial);
  v("final", s.final);
}

template <is<process> S, class V>
void describe(S& s, V& v) {
  v("terminal", s.terminal);
  v("consoleSize", s.console_size);
  v("user", s.user);
  v("args", s.args);
  v("commandLine", s.command_line);
  v("env", s.env);
  v("cwd", s.cwd);
  v("capabilities", s.capabilities);
  v("rlimits", s.rlimits);
  v("noNewPrivileges", s.no_new_privileges);
  v("apparmorProfile", s.apparmor_profile);
  v("oomScoreAdj", s.oom_score_adj);
  v("scheduler", s.scheduler);
  v("selinuxLabel", s.selinux_label);
  v("ioPriority", s.io_priority);
  v("execCPUAffinity", s.exec_cpu_affinity);
}

template <is<linux_resources::device_t> S, class V>
void describe(S& s, V& v) {
  v("allow", s.allow);
  v("type", s.type);
  v("major", s.major);
  v("minor", s.minor);
  v("access", s.access);
}

template <is<linux_resources::memory_t> S, class V>
void describe(S& s, V& v) {
  v("limit", s.limit);
  v("reservation", s.reservation);
  v("swap", s.swap);
  v("kernel", s.kernel);
  v("kernelTCP", s.kernel_tcp);
  v("swappiness", s.swappiness);
  v("disableOOMKiller", s.disable_oom_killer);
  v("useHierarchy", s.use_hierarchy);
  v("checkBeforeUpdate", s.check_before_update);
}

template <is<linux_resources::cpu_t> S, class V>
void describe(S& s, V& v) {
  v("shares", s.shares);
  v("quota", s.quota);
  v("burst", s.burst);
  v("period", s.period);
  v("realtimeRuntime", s.realtime_runtime);
  v("realtimePeriod", s.realtime_period);
  v("cpus", s.cpus);
  v("mems", s.mems);
  v("idle", s.idle);
}

template <is<linux_resources::pids_t> S, class V>
void describe(S& s, V& v) {
  v("limit", s.limit);
}

template <is<linux_resources::weight_device_t> S, class V>
void describe(S& s, V& v) {
  v("major", s.major);
  v("minor", s.minor);
  v("weight", s.weight);
  v("leafWeight", s.leaf_weight);
}

template <is<linux_resources::throttle_device_t> S, class V>
void describe(S& s, V& v) {
  v("major", s.major);
  v("minor", s.minor);
  v("rate", s.rate);
}

template <is<linux_resources::block_io_t> S, class V>
void describe(S& s, V& v) {
  v("weight", s.weight);
  v("leafWeight", s.leaf_weight);
  v("weightDevice", s.weight_device);
  v("throttleReadBpsDevice", s.throttle_read_bps_device);
  v("throttleWriteBpsDevice", s.throttle_write_bps_device);
  v("throttleReadIOPSDevice", s.throttle_read_iops_device);
  v("throttleWriteIOPSDevice", s.throttle_write_iops_device);
}

template <is<linux_resources::hugepage_limit_t> S, class V>
void describe(S& s, V& v) {
  v("pageSize", s.page_size);
  v("limit", s.limit);
}

template <is<linux_resources::interface_priority_t> S, class V>
void describe(S& s, V& v) {
  v("name", s.name);
  v("priority", s.priority);
}

template <is<linux_resources::network_t> S, class V>
void describe(S& s, V& v) {
  v("classID", s.class_id);
  v("priorities", s.priorities);
}

template <is<linux_resources::rdma_t> S, class V>
void describe(S& s, V& v) {
  v("hcaHandles", s.hca_handles);
  v("hcaObjects", s.hca_objects);
}

template <is<linux_resources> S, class V>
void describe(S& s, V& v) {
  v("devices", s.devices);
  v("memory", s.memory);
  v("cpu", s.cpu);
  v("pids", s.pids);
  v("blockIO", s.block_io);
  v("hugepageLimits", s.hugepage_limits);
  v("network", s.network);
  v("rdma", s.rdma);
  v("unified", s.unified);
}

template <is<id_mapping> S, class V>
void describe(S& s, V& v) {
  v("containerID", s.container_id);
  v("hostID", s.host_id);
  v("size", s.size);
}

template <is<root> S, class V>
void describe(S& s, V& v) {
  v("path", s.path);
  v("readonly", s.readonly);
}

template <is<mount> S, class V>
void describe(S& s, V& v) {
  v("destination", s.destination);
  v("type", s.type);
  v("source", s.source);
  v("options", s.options);
  v("uidMappings", s.uid_mappings);
  v("gidMappings", s.gid_mappings);
}

template <is<hook> S, class V>
void describe(S& s, V& v) {
  v("path", s.path);
  v("args", s.args);
  v("env", s.env);
  v("timeout", s.timeout);
}

template <is<hooks> S, class V>
void describe(S& s, V& v) {
  v("prestart", s.prestart);
  v("createRuntime", s.create_runtime);
  v("createContainer", s.create_container);
  v("startContainer", s.start_container);
  v("poststart", s.poststart);
  v("poststop", s.poststop);
}

template <is<linux_namespace> S, class V>
void describe(S& s, V& v) {
  v("type", s.type);
  v("path", s.path);
}

template <is<linux_time_offset> S, class V>
void describe(S& s, V& v) {
  v("secs", s.secs);
  v("nanosecs", s.nanosecs);
}

template <is<linux_device> S, class V>
void describe(S& s, V& v) {
  v("path", s.path);
  v("type", s.type);
  v("major", s.major);
  v("minor", s.minor);
  v("fileMode", s.file_mode);
  v("uid", s.uid);
  v("gid", s.gid);
}

template <is<linux_seccomp_arg> S, class V>
void describe(S& s, V& v) {
  v("index", s.index);
  v("value", s.value);
  v("valueTwo", s.value_two);
  v("op", s.op);
}

template <is<linux_syscall> S, class V>
void describe(S& s, V& v) {
  v("names", s.names);
  v("action", s.action);
  v("errnoRet", s.errno_ret);
  v("args", s.args);
}

template <is<linux_seccomp> S, class V>
void describe(S& s, V& v) {
  v("defaultAction", s.default_action);
  v("defaultErrnoRet", s.default_errno_ret);
  v("architectures", s.architectures);
  v("flags", s.flags);
  v("listenerPath", s.listener_path);
  v("listenerMetadata", s.listener_metadata);
  v("syscalls", s.syscalls);
}

template <is<linux_intel_rdt> S, class V>
void describe(S& s, V& v) {
  v("closID", s.clos_id);
  v("l3CacheSchema", s.l3_cache_schema);
  v("memBwSchema", s.mem_bw_schema);
  v("schemata", s.schemata);
  v("enableMonitoring", s.enable_monitoring);
  v("enableCMT", s.enable_cmt);
  v("enableMBM", s.enable_mbm);
}

template <is<linux_personality> S, class V>
void describe(S& s, V& v) {
  v("domain", s.domain);
  v("flags", s.flags);
}

template <is<linux_net_device> S, class V>
void describe(S& s, V& v) {
  v("name", s.name);
}

template <is<linux_memory_policy> S, class V>
void describe(S& s, V& v) {
  v("mode", s.mode);
  v("nodes", s.nodes);
  v("flags", s.flags);
}

// Go's field order in type Linux; "timeOffsets", "netDevices" and
// "memoryPolicy" came later and follow it.
template <is<linux_config> S, class V>
void describe(S& s, V& v) {
  v("uidMappings", s.uid_mappings);
  v("gidMappings", s.gid_mappings);
  v("timeOffsets", s.time_offsets);
  v("sysctl", s.sysctl);
  v("resources", s.resources);
  v("cgroupsPath", s.cgroups_path);
  v("namespaces", s.namespaces);
  v("devices", s.devices);
  v("seccomp", s.seccomp);
  v("rootfsPropagation", s.rootfs_propagation);
  v("maskedPaths", s.masked_paths);
  v("readonlyPaths", s.readonly_paths);
  v("mountLabel", s.mount_label);
  v("intelRdt", s.intel_rdt);
  v("personality", s.personality);
  v("netDevices", s.net_devices);
  v("memoryPolicy", s.memory_policy);
}

// Go's field order in type Spec.
template <is<config> S, class V>
void describe(S& s, V& v) {
  v("ociVersion", s.oci_version);
  v("process", s.process);
  v("root", s.root);
  v("hostname", s.hostname);
  v("domainname", s.domainname);
  v("mounts", s.mounts);
  v("hooks", s.hooks);
  v("annotations", s.annotations);
  v("linux", s.linux_config);
}

}  // namespace runcpp::spec::detail
