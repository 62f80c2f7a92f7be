#include "runtime_options.hpp"

#include <filesystem>

namespace runcpp::shim {
namespace {

bool is_runc_options(const google::protobuf::Any& any) {
  constexpr std::string_view name = "containerd.runc.v1.Options";
  std::string_view url = any.type_url();
  return url == name || (url.ends_with(name) && url[url.size() - name.size() - 1] == '/');
}

}  // namespace

std::string runtime_root(std::string_view root, std::string_view ns) {
  const std::filesystem::path base(root.empty() ? std::string_view("/run/containerd/runcpp") : root);
  // filepath.Join cleans the result: no "//", no trailing '/'.
  std::string joined = (base / ns).lexically_normal().string();
  if (joined.size() > 1 && joined.ends_with('/')) joined.pop_back();
  return joined;
}

parsed_runtime_options parse_runtime_options(const google::protobuf::Any& options) {
  parsed_runtime_options out;
  if (!is_runc_options(options)) return out;
  ::containerd::runc::v1::Options o;
  if (!o.ParseFromString(options.value())) {
    out.error = "malformed runtime options " + options.type_url();
    return out;
  }
  runtime_options& v = out.value;
  if (!o.binary_name().empty()) v.binary = o.binary_name();
  v.root = o.root();
  v.systemd_cgroup = o.systemd_cgroup();
  v.no_pivot_root = o.no_pivot_root();
  v.no_new_keyring = o.no_new_keyring();
  v.io_uid = o.io_uid();
  v.io_gid = o.io_gid();
  v.shim_cgroup = o.shim_cgroup();
  v.criu_path = o.criu_path();
  v.criu_work_path = o.criu_work_path();
  return out;
}

parsed_runtime_options parse_start_options(std::string_view stdin_bytes) {
  google::protobuf::Any any;
  if (!any.ParseFromArray(stdin_bytes.data(), static_cast<int>(stdin_bytes.size()))) {
    parsed_runtime_options out;
    out.error = "runtime options on stdin: not a protobuf Any";
    return out;
  }
  return parse_runtime_options(any);
}

}  // namespace runcpp::shim
