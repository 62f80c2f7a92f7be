// JSON for spec::process and spec::linux_resources (runtime-spec 1.2).
//
// Each model type has one describe() overload that lists its JSON keys, one
// line per field; the same list drives both the writer and the reader, so a
// key can never be spelled differently in the two directions. The visitors
// dispatch on the C++ type of the field (bool, string, an integer of some
// width, vector, map, or another described struct).
//
// Reading never throws: the parse is non-throwing, every get<> is preceded by
// a type test, integers are range-checked into the field's exact type, and
// the first problem is reported as a parse_error naming the key by its path.
// Writing never throws either: bad UTF-8 is replaced, not rejected.

#include <runcpp/spec.hpp>

#include <concepts>
#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "parse.hpp"

namespace runcpp::spec {

namespace {

using json = nlohmann::json;
// Output keeps the declaration order (Go's field order) rather than sorting.
using ordered_json = nlohmann::ordered_json;

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

// ---- field kinds -----------------------------------------------------------

struct any_visitor {
  template <class F>
  void operator()(const char*, F&) {}
};

template <class T>
concept described = requires(T& t, any_visitor& v) {
  describe(t, v);
};

template <class T>
concept integer = std::integral<T> && !std::same_as<T, bool>;

template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

template <class T>
struct is_string_map : std::false_type {};
template <class T>
struct is_string_map<std::map<std::string, T>> : std::true_type {};

template <class T>
struct unsupported_field_type : std::false_type {};

// ---- writing ---------------------------------------------------------------

template <class T>
ordered_json to_value(const T& v);

class writer {
 public:
  explicit writer(ordered_json& obj) : obj_(obj) {}
  template <class T>
  void operator()(const char* key, const std::optional<T>& field) {
    if (field) obj_[key] = to_value(*field);
  }
  void operator()(const char* key, const bool& field) { obj_[key] = field; }

 private:
  ordered_json& obj_;
};

template <class T>
ordered_json to_value(const T& v) {
  if constexpr (std::same_as<T, bool> || std::same_as<T, std::string> || integer<T>) {
    return ordered_json(v);
  } else if constexpr (is_vector<T>::value) {
    ordered_json a = ordered_json::array();
    for (const auto& e : v) a.push_back(to_value(e));
    return a;
  } else if constexpr (is_string_map<T>::value) {
    ordered_json o = ordered_json::object();
    for (const auto& [k, e] : v) o[k] = to_value(e);
    return o;
  } else if constexpr (described<T>) {
    ordered_json o = ordered_json::object();
    writer w(o);
    describe(v, w);
    return o;
  } else {
    static_assert(unsupported_field_type<T>::value, "no JSON mapping for this field type");
  }
}

template <class T>
std::string write(const T& model) {
  // Replace, not throw, on invalid UTF-8 (Go substitutes U+FFFD too).
  return to_value(model).dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// ---- reading ---------------------------------------------------------------

template <class T>
std::string range_text() {
  return "an integer in [" + std::to_string(std::numeric_limits<T>::min()) + ", " +
         std::to_string(std::numeric_limits<T>::max()) + "]";
}

class reader {
 public:
  explicit reader(const char* what) : what_(what) {}

  bool failed() const noexcept { return failure_.has_value(); }
  runcpp::error take_error() && { return std::move(*failure_); }

  // Decodes j (whose path is path_) into out. False on error (recorded).
  template <class T>
  bool read(const json& j, T& out) {
    if constexpr (std::same_as<T, bool>) {
      if (!j.is_boolean()) return fail("a boolean");
      out = j.get<bool>();
    } else if constexpr (std::same_as<T, std::string>) {
      if (!j.is_string()) return fail("a string");
      out = j.get_ref<const std::string&>();
    } else if constexpr (integer<T>) {
      // nlohmann stores non-negative integers as unsigned, negative ones as
      // signed, and anything with a fraction, an exponent or more than 64
      // bits as a float: only the first two can be valid here.
      if (j.is_number_unsigned()) {
        const auto n = j.get<std::uint64_t>();
        if (!std::in_range<T>(n)) return fail(range_text<T>());
        out = static_cast<T>(n);
      } else if (j.is_number_integer()) {
        const auto n = j.get<std::int64_t>();
        if (!std::in_range<T>(n)) return fail(range_text<T>());
        out = static_cast<T>(n);
      } else {
        return fail(range_text<T>());
      }
    } else if constexpr (is_vector<T>::value) {
      if (!j.is_array()) return fail("an array");
      out.clear();
      out.reserve(j.size());
      for (std::size_t i = 0; i < j.size(); ++i) {
        const std::size_t mark = path_.size();
        path_ += '[';
        path_ += std::to_string(i);
        path_ += ']';
        if (!read(j[i], out.emplace_back())) return false;
        path_.resize(mark);
      }
    } else if constexpr (is_string_map<T>::value) {
      if (!j.is_object()) return fail("an object");
      out.clear();
      for (auto it = j.begin(); it != j.end(); ++it) {
        const std::size_t mark = path_.size();
        // The key as JSON would escape it, minus the quotes: the message
        // stays on one line whatever the key holds.
        const std::string quoted = json(it.key()).dump(-1, ' ', false, json::error_handler_t::replace);
        path_ += '[';
        path_.append(quoted, 1, quoted.size() - 2);
        path_ += ']';
        if (!read(*it, out[it.key()])) return false;
        path_.resize(mark);
      }
    } else if constexpr (described<T>) {
      if (!j.is_object()) return fail("an object");
      const json* const outer = obj_;
      obj_ = &j;
      describe(out, *this);
      obj_ = outer;
      if (failed()) return false;
    } else {
      static_assert(unsupported_field_type<T>::value, "no JSON mapping for this field type");
    }
    return true;
  }

  // Called by describe() for each key of the object being read. Absent and
  // null keys leave the field as it is (nullopt / false).
  template <class T>
  void operator()(const char* key, std::optional<T>& field) {
    const json* v = member(key);
    if (v == nullptr) return;
    const std::size_t mark = enter(key);
    T value{};
    if (read(*v, value)) field = std::move(value);
    path_.resize(mark);
  }
  void operator()(const char* key, bool& field) {
    const json* v = member(key);
    if (v == nullptr) return;
    const std::size_t mark = enter(key);
    read(*v, field);
    path_.resize(mark);
  }

 private:
  const json* member(const char* key) const {
    if (failed()) return nullptr;
    const auto it = obj_->find(key);
    if (it == obj_->end() || it->is_null()) return nullptr;
    return &*it;
  }

  std::size_t enter(const char* key) {
    const std::size_t mark = path_.size();
    if (!path_.empty()) path_ += '.';
    path_ += key;
    return mark;
  }

  bool fail(const std::string& expected) {
    if (!failure_) {
      std::string msg = what_;
      msg += ": key \"";
      msg += path_;
      msg += "\" is not ";
      msg += expected;
      failure_.emplace(errc::parse_error, std::move(msg));
    }
    return false;
  }

  const char* what_;
  const json* obj_ = nullptr;
  std::string path_;
  std::optional<runcpp::error> failure_;
};

using detail::parse_json;

template <class T>
result<T> parse(std::string_view text, const char* what) {
  const json j = parse_json(text);
  if (j.is_discarded()) return error(errc::parse_error, std::string(what) + ": not valid JSON");
  if (!j.is_object()) return error(errc::parse_error, std::string(what) + ": not a JSON object");
  T model{};
  reader r(what);
  if (!r.read(j, model)) return std::move(r).take_error();
  return model;
}

}  // namespace

std::string to_json(const process& p) { return write(p); }
std::string to_json(const linux_resources& r) { return write(r); }

result<process> parse_process_json(std::string_view text) { return parse<process>(text, "process JSON"); }

result<linux_resources> parse_linux_resources_json(std::string_view text) {
  return parse<linux_resources>(text, "linux resources JSON");
}

}  // namespace runcpp::spec
