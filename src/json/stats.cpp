// Decoding of `runc events` output: the stats payload (runc's types/events.go)
// and the event envelope. The decoder is type-driven: each block lists its
// keys once, one line per field, and the C++ type of the member chooses the
// JSON check (unsigned, signed, number, string, array, object, map). Parsed
// with RapidJSON (rapid.hpp); every Get* is preceded by a type test. Paths are
// assembled only when something is wrong.

#include <runcpp/stats.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "rapid.hpp"

namespace runcpp {

namespace {

using json = detail::rapid::value;
using detail::rapid::view;

// Makes untrusted text (map keys) safe to put inside a one-line message.
void append_printable(std::string& out, std::string_view s) {
  constexpr std::size_t max_len = 64;
  for (char c : s.substr(0, max_len)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (s.size() > max_len) out += "...";
}

char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII case-insensitive equality (Go's EqualFold without the Unicode folds,
// which no runc key needs).
bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

class decoder;

// The keys of each block. Declared here so that decoder's templates find them.
void fields(decoder& d, const json& o, stats& s);
void fields(decoder& d, const json& o, stats::psi_data_t& p);
void fields(decoder& d, const json& o, stats::psi_t& p);
void fields(decoder& d, const json& o, stats::cpu_usage_t& u);
void fields(decoder& d, const json& o, stats::throttling_t& t);
void fields(decoder& d, const json& o, stats::cpu_t& c);
void fields(decoder& d, const json& o, stats::cpuset_t& c);
void fields(decoder& d, const json& o, stats::memory_entry_t& e);
void fields(decoder& d, const json& o, stats::memory_t& m);
void fields(decoder& d, const json& o, stats::pids_t& p);
void fields(decoder& d, const json& o, stats::blkio_entry_t& e);
void fields(decoder& d, const json& o, stats::blkio_t& b);
void fields(decoder& d, const json& o, stats::hugetlb_t& h);
void fields(decoder& d, const json& o, stats::l3_cache_info_t& l);
void fields(decoder& d, const json& o, stats::mem_bw_info_t& m);
void fields(decoder& d, const json& o, stats::mbm_numa_node_t& n);
void fields(decoder& d, const json& o, stats::cmt_numa_node_t& n);
void fields(decoder& d, const json& o, stats::intel_rdt_t& r);
void fields(decoder& d, const json& o, stats::network_interface_t& n);

// Walks the document, remembering the first type error and where it was.
class decoder {
 public:
  // `what` starts every message ("stats JSON"); `root` is the path of the
  // decoded value inside a larger document ("data"), empty for a whole one.
  decoder(std::string_view what, std::string_view root) : what_(what) {
    if (!root.empty()) path_.push_back({root, 0, false});
  }

  bool failed() const noexcept { return failure_.has_value(); }
  runcpp::error take_error() && { return std::move(*failure_); }

  // Decodes v as T (a block, a list, a map or a scalar).
  template <class T>
  bool decode(const json& v, T& out) {
    return read(v, out);
  }

  // obj[key] into out, unless absent or null (Go decodes null as "not given").
  template <class T>
  void field(const json& obj, std::string_view key, std::optional<T>& out) {
    if (const json* v = failed() ? nullptr : member(obj, key)) store(*v, key, out);
  }

  // Like field, for Go fields without a JSON tag: encoding/json then matches
  // the key case-insensitively, preferring an exact match.
  template <class T>
  void field_any_case(const json& obj, std::string_view key, std::optional<T>& out) {
    if (const json* v = failed() ? nullptr : member_any_case(obj, key)) store(*v, key, out);
  }

  // An object of counters whose key set is open-ended: members that are not
  // unsigned integers are skipped instead of failing the whole document.
  void counters(const json& obj, std::string_view key,
                std::optional<std::map<std::string, std::uint64_t>>& out) {
    const json* v = failed() ? nullptr : member(obj, key);
    if (v == nullptr) return;
    const scope s(*this, key);
    if (!v->IsObject()) return static_cast<void>(fail("an object"));
    std::map<std::string, std::uint64_t> items;
    // In document order, so the last of duplicate keys decides, as before.
    for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
      if (it->value.IsUint64())
        items.insert_or_assign(std::string(view(it->name)), it->value.GetUint64());
      else
        items.erase(std::string(view(it->name)));
    }
    out = std::move(items);
  }

  // An array of strings, or one string holding newline-separated lines.
  void lines(const json& obj, std::string_view key, std::optional<std::vector<std::string>>& out) {
    const json* v = failed() ? nullptr : member(obj, key);
    if (v == nullptr) return;
    if (!v->IsString()) return store(*v, key, out);
    std::vector<std::string> items;
    std::string_view text = view(*v);
    while (!text.empty()) {
      const auto nl = text.find('\n');
      items.emplace_back(text.substr(0, nl));
      text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    }
    out = std::move(items);
  }

 private:
  struct segment {
    std::string_view key;
    std::size_t index;
    bool is_index;
  };

  // Pushes one path segment for the lifetime of the scope.
  class scope {
   public:
    scope(decoder& d, std::string_view key) : d_(d) { d_.path_.push_back({key, 0, false}); }
    scope(decoder& d, std::size_t index) : d_(d) { d_.path_.push_back({{}, index, true}); }
    scope(const scope&) = delete;
    scope& operator=(const scope&) = delete;
    ~scope() { d_.path_.pop_back(); }

   private:
    decoder& d_;
  };

  static const json* member(const json& obj, std::string_view key) {
    const json* v = detail::rapid::find_last(obj, key);
    return v == nullptr || v->IsNull() ? nullptr : v;
  }

  // Without an exact match, the case-insensitive match that comes first in
  // key order (the last of duplicates), as encoding/json over nlohmann's map.
  static const json* member_any_case(const json& obj, std::string_view key) {
    if (const json* exact = detail::rapid::find_last(obj, key)) return exact->IsNull() ? nullptr : exact;
    const json* found = nullptr;
    std::string_view found_key;
    for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
      const std::string_view k = view(it->name);
      if (iequals(k, key) && (found == nullptr || k <= found_key)) {
        found = &it->value;
        found_key = k;
      }
    }
    return found == nullptr || found->IsNull() ? nullptr : found;
  }

  template <class T>
  void store(const json& v, std::string_view key, std::optional<T>& out) {
    const scope s(*this, key);
    T value{};
    if (read(v, value)) out = std::move(value);
  }

  bool read(const json& v, std::uint64_t& out) {
    if (!v.IsUint64()) return fail("an unsigned integer");
    out = v.GetUint64();
    return true;
  }
  bool read(const json& v, std::uint16_t& out) {
    if (!v.IsUint64() || v.GetUint64() > std::numeric_limits<std::uint16_t>::max())
      return fail("an unsigned 16-bit integer");
    out = static_cast<std::uint16_t>(v.GetUint64());
    return true;
  }
  bool read(const json& v, std::int64_t& out) {
    if (v.IsUint64() && !v.IsInt64()) return fail("a 64-bit signed integer");
    if (!v.IsInt64()) return fail("an integer");
    out = v.GetInt64();
    return true;
  }
  bool read(const json& v, double& out) {
    if (!v.IsNumber()) return fail("a number");
    out = v.GetDouble();
    return true;
  }
  bool read(const json& v, std::string& out) {
    if (!v.IsString()) return fail("a string");
    out.assign(v.GetString(), v.GetStringLength());
    return true;
  }
  // A null element keeps its zero value, as in Go.
  template <class T>
  bool read(const json& v, std::vector<T>& out) {
    if (!v.IsArray()) return fail("an array");
    out.reserve(v.Size());
    std::size_t index = 0;
    for (auto e = v.Begin(); e != v.End(); ++e) {
      const scope s(*this, index++);
      T item{};
      if (!e->IsNull() && !read(*e, item)) return false;
      out.push_back(std::move(item));
    }
    return true;
  }
  // In document order, the last of duplicate keys winning. If an item is bad,
  // the map is decoded again as nlohmann saw it (sorted, duplicates dropped),
  // so that a bad value hidden by a later duplicate is no error and the error
  // names the same key as before.
  template <class T>
  bool read(const json& v, std::map<std::string, T>& out) {
    if (!v.IsObject()) return fail("an object");
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      if (!read_item(it->name, it->value, out)) {
        failure_.reset();  // set by this item alone: nothing was decoded before a failure
        out.clear();
        for (const auto* m : detail::rapid::sorted_last_members(v)) {
          if (!read_item(m->name, m->value, out)) return false;
        }
        return true;
      }
    }
    return true;
  }
  template <class T>
  bool read_item(const json& name, const json& value, std::map<std::string, T>& out) {
    const scope s(*this, view(name));
    T item{};
    if (!value.IsNull() && !read(value, item)) return false;
    out.insert_or_assign(std::string(view(name)), std::move(item));
    return true;
  }
  // A block: its keys are listed by the matching fields() overload.
  template <class T>
  requires std::is_class_v<T>
  bool read(const json& v, T& out) {
    if (!v.IsObject()) return fail("an object");
    fields(*this, v, out);
    return !failed();
  }

  bool fail(std::string_view expected) {
    if (failure_) return false;
    std::string msg(what_);
    if (path_.empty()) {
      msg += ": not ";
    } else {
      msg += ": key \"";
      bool first = true;
      for (const segment& s : path_) {
        if (s.is_index) {
          msg += '[';
          msg += std::to_string(s.index);
          msg += ']';
        } else {
          if (!first) msg += '.';
          append_printable(msg, s.key);
        }
        first = false;
      }
      msg += "\" is not ";
    }
    msg += expected;
    failure_.emplace(errc::parse_error, std::move(msg));
    return false;
  }

  std::string_view what_;
  std::vector<segment> path_;
  std::optional<runcpp::error> failure_;
};

void fields(decoder& d, const json& o, stats& s) {
  d.field(o, "cpu", s.cpu);
  d.field(o, "cpuset", s.cpuset);
  d.field(o, "memory", s.memory);
  d.field(o, "pids", s.pids);
  d.field(o, "blkio", s.blkio);
  d.field(o, "hugetlb", s.hugetlb);
  d.field(o, "intel_rdt", s.intel_rdt);
  d.field(o, "network_interfaces", s.network_interfaces);
}

void fields(decoder& d, const json& o, stats::psi_data_t& p) {
  d.field(o, "avg10", p.avg10);
  d.field(o, "avg60", p.avg60);
  d.field(o, "avg300", p.avg300);
  d.field(o, "total", p.total);
}

void fields(decoder& d, const json& o, stats::psi_t& p) {
  d.field(o, "some", p.some);
  d.field(o, "full", p.full);
}

void fields(decoder& d, const json& o, stats::cpu_usage_t& u) {
  d.field(o, "total", u.total);
  d.field(o, "percpu", u.percpu);
  d.field(o, "percpu_kernel", u.percpu_kernel);
  d.field(o, "percpu_user", u.percpu_user);
  d.field(o, "kernel", u.kernel);
  d.field(o, "user", u.user);
}

void fields(decoder& d, const json& o, stats::throttling_t& t) {
  d.field(o, "periods", t.periods);
  d.field(o, "throttledPeriods", t.throttled_periods);
  d.field(o, "throttledTime", t.throttled_time);
}

void fields(decoder& d, const json& o, stats::cpu_t& c) {
  d.field(o, "usage", c.usage);
  d.field(o, "throttling", c.throttling);
  d.field(o, "psi", c.psi);
}

void fields(decoder& d, const json& o, stats::cpuset_t& c) {
  d.field(o, "cpus", c.cpus);
  d.field(o, "mems", c.mems);
  d.field(o, "cpu_exclusive", c.cpu_exclusive);
  d.field(o, "mem_hardwall", c.mem_hardwall);
  d.field(o, "mem_exclusive", c.mem_exclusive);
  d.field(o, "memory_migrate", c.memory_migrate);
  d.field(o, "memory_spread_page", c.memory_spread_page);
  d.field(o, "memory_spread_slab", c.memory_spread_slab);
  d.field(o, "memory_pressure", c.memory_pressure);
  d.field(o, "sched_load_balance", c.sched_load_balance);
  d.field(o, "sched_relax_domain_level", c.sched_relax_domain_level);
}

void fields(decoder& d, const json& o, stats::memory_entry_t& e) {
  d.field(o, "limit", e.limit);
  d.field(o, "usage", e.usage);
  d.field(o, "max", e.max);
  d.field(o, "failcnt", e.failcnt);
}

void fields(decoder& d, const json& o, stats::memory_t& m) {
  d.field(o, "cache", m.cache);
  d.field(o, "usage", m.usage);
  d.field(o, "swap", m.swap);
  d.field(o, "kernel", m.kernel);
  d.field(o, "kernelTCP", m.kernel_tcp);
  d.field(o, "raw", m.raw);
  d.field(o, "psi", m.psi);
  d.counters(o, "event_count", m.event_count);
}

void fields(decoder& d, const json& o, stats::pids_t& p) {
  d.field(o, "current", p.current);
  d.field(o, "limit", p.limit);
}

void fields(decoder& d, const json& o, stats::blkio_entry_t& e) {
  d.field(o, "major", e.major);
  d.field(o, "minor", e.minor);
  d.field(o, "op", e.op);
  d.field(o, "value", e.value);
}

void fields(decoder& d, const json& o, stats::blkio_t& b) {
  d.field(o, "ioServiceBytesRecursive", b.io_service_bytes_recursive);
  d.field(o, "ioServicedRecursive", b.io_serviced_recursive);
  d.field(o, "ioQueueRecursive", b.io_queued_recursive);
  d.field(o, "ioServiceTimeRecursive", b.io_service_time_recursive);
  d.field(o, "ioWaitTimeRecursive", b.io_wait_time_recursive);
  d.field(o, "ioMergedRecursive", b.io_merged_recursive);
  d.field(o, "ioTimeRecursive", b.io_time_recursive);
  d.field(o, "sectorsRecursive", b.sectors_recursive);
  d.field(o, "psi", b.psi);
}

void fields(decoder& d, const json& o, stats::hugetlb_t& h) {
  d.field(o, "usage", h.usage);
  d.field(o, "max", h.max);
  d.field(o, "failcnt", h.failcnt);
}

void fields(decoder& d, const json& o, stats::l3_cache_info_t& l) {
  d.field(o, "cbm_mask", l.cbm_mask);
  d.field(o, "min_cbm_bits", l.min_cbm_bits);
  d.field(o, "num_closids", l.num_closids);
}

void fields(decoder& d, const json& o, stats::mem_bw_info_t& m) {
  d.field(o, "bandwidth_gran", m.bandwidth_gran);
  d.field(o, "delay_linear", m.delay_linear);
  d.field(o, "min_bandwidth", m.min_bandwidth);
  d.field(o, "num_closids", m.num_closids);
}

void fields(decoder& d, const json& o, stats::mbm_numa_node_t& n) {
  d.field(o, "mbm_total_bytes", n.mbm_total_bytes);
  d.field(o, "mbm_local_bytes", n.mbm_local_bytes);
}

void fields(decoder& d, const json& o, stats::cmt_numa_node_t& n) {
  d.field(o, "llc_occupancy", n.llc_occupancy);
}

void fields(decoder& d, const json& o, stats::intel_rdt_t& r) {
  d.field(o, "l3_cache_info", r.l3_cache_info);
  d.field(o, "l3_cache_schema_root", r.l3_cache_schema_root);
  d.field(o, "l3_cache_schema", r.l3_cache_schema);
  d.field(o, "mem_bw_info", r.mem_bw_info);
  d.field(o, "mem_bw_schema_root", r.mem_bw_schema_root);
  d.field(o, "mem_bw_schema", r.mem_bw_schema);
  d.field(o, "mbm_stats", r.mbm_stats);
  d.field(o, "cmt_stats", r.cmt_stats);
  d.lines(o, "schemata", r.schemata);
}

void fields(decoder& d, const json& o, stats::network_interface_t& n) {
  d.field_any_case(o, "Name", n.name);
  d.field_any_case(o, "RxBytes", n.rx_bytes);
  d.field_any_case(o, "RxPackets", n.rx_packets);
  d.field_any_case(o, "RxErrors", n.rx_errors);
  d.field_any_case(o, "RxDropped", n.rx_dropped);
  d.field_any_case(o, "TxBytes", n.tx_bytes);
  d.field_any_case(o, "TxPackets", n.tx_packets);
  d.field_any_case(o, "TxErrors", n.tx_errors);
  d.field_any_case(o, "TxDropped", n.tx_dropped);
}

// Decodes a stats object found at `root` ("" or "data") of a document.
result<stats> decode_stats(const json& v, std::string_view what, std::string_view root) {
  stats s;
  decoder d(what, root);
  if (!d.decode(v, s)) return std::move(d).take_error();
  return s;
}

}  // namespace

event_type parse_event_type(std::string_view type) noexcept {
  if (type == "stats") return event_type::stats;
  if (type == "oom") return event_type::oom;
  return event_type::other;
}

result<stats> parse_stats_json(std::string_view text) {
  detail::rapid::document doc;
  if (!doc.parse(text)) return error(errc::parse_error, "stats JSON: " + std::string(doc.failure()));
  const json& j = doc.root();
  if (!j.IsObject()) return error(errc::parse_error, "stats JSON: not a JSON object");
  return decode_stats(j, "stats JSON", "");
}

result<event> parse_event_json(std::string_view text) {
  constexpr std::string_view what = "event JSON";
  detail::rapid::document doc;
  if (!doc.parse(text)) return error(errc::parse_error, "event JSON: " + std::string(doc.failure()));
  const json& j = doc.root();
  if (!j.IsObject()) return error(errc::parse_error, "event JSON: not a JSON object");

  std::optional<std::string> type, id;
  decoder d(what, "");
  d.field(j, "type", type);
  d.field(j, "id", id);
  if (d.failed()) return std::move(d).take_error();
  if (!type) return error(errc::parse_error, "event JSON: key \"type\" is missing");

  event e;
  e.type = std::move(*type);
  if (id) e.id = std::move(*id);
  if (e.kind() == event_type::stats) {
    const json* data = detail::rapid::find_last(j, "data");
    if (data != nullptr && !data->IsNull()) {
      auto s = decode_stats(*data, what, "data");
      if (!s) return std::move(s).error();
      e.data = std::move(*s);
    }
  }
  return e;
}

}  // namespace runcpp
