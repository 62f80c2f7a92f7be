// Internal: the generic JSON reader and writer of the runtime-spec models,
// driven by the describe() key lists (spec_keys.hpp). The visitors dispatch on
// the C++ type of each field: bool, string, an integer of some width, vector,
// map by string, or another described struct (with its json_extras).
//
// Reading never throws: every Get* follows a type test, integers are
// range-checked into the field's exact type, and the first problem is
// reported as a parse_error naming the key by its path. Writing never fails:
// bad UTF-8 is replaced, and unknown members are kept as checked raw_json.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <runcpp/error.hpp>
#include <runcpp/result.hpp>

#include "rapid.hpp"
#include "rapid_writer.hpp"
#include "spec_keys.hpp"

namespace runcpp::spec::detail {

namespace rapid = runcpp::detail::rapid;

// ---- field kinds -----------------------------------------------------------

struct any_visitor {
  template <class F>
  void operator()(const char*, F&) {}
};

template <class T>
concept described = requires(T& t, any_visitor& v) {
  describe(t, v);
  t.extras;
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

// Whether `key` names a field of T; if so, whether that field holds a value.
class field_finder {
 public:
  explicit field_finder(std::string_view key) : key_(key) {}
  template <class F>
  void operator()(const char* name, const F& field) {
    if (found_ || key_ != name) return;
    found_ = true;
    if constexpr (std::same_as<F, bool>) {
      set_ = true;
    } else {
      set_ = field.has_value();
    }
  }
  bool found() const noexcept { return found_; }
  bool set() const noexcept { return set_; }

 private:
  std::string_view key_;
  bool found_ = false, set_ = false;
};

template <described T>
bool is_known_key(const T& s, std::string_view key) {
  field_finder f(key);
  describe(s, f);
  return f.found();
}

// ---- writing ---------------------------------------------------------------

template <class W>
void put_raw(W& w, const raw_json& raw) {
  rapid::document doc;
  // A raw_json is valid JSON by construction; parse cannot fail.
  if (!doc.parse(raw.text())) {
    w.Null();
    return;
  }
  rapid::put_value(w, doc.root());
}

template <class W, class T>
void put(W& w, const T& v);

// Writes the members of one described struct in the order json_extras
// documents: the keys of key_order as they come; a set field that key_order
// does not name right after the last key_order field declared before it (or
// first, if none is), so a newly set field lands beside its neighbours in
// specs-go's order; then the unknown members key_order does not name.
template <class W, described T>
class object_writer {
 public:
  object_writer(W& w, const T& s) : w_(w), s_(s), unknown_done_(s.extras.unknown.size()) {}

  void write() {
    describe(s_, *this);  // collects fields_
    const std::vector<std::string>& order = s_.extras.key_order;
    for (std::size_t p = 0; p < order.size(); ++p) {
      const std::size_t i = field_index(order[p]);
      if (i != npos && fields_[i].position == npos) fields_[i].position = p;
    }
    // after[0]: before key_order[0]; after[p + 1]: right after key_order[p].
    std::vector<std::vector<std::size_t>> after(order.size() + 1);
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (!fields_[i].set || fields_[i].position != npos) continue;
      std::size_t slot = 0;
      for (std::size_t j = 0; j < i; ++j)
        if (fields_[j].position != npos) slot = std::max(slot, fields_[j].position + 1);
      after[slot].push_back(i);
    }
    w_.StartObject();
    put_fields(after[0]);
    for (std::size_t p = 0; p < order.size(); ++p) {
      const std::size_t i = field_index(order[p]);
      if (i != npos && fields_[i].set) {
        put_field(i);
      } else {
        put_unknown(order[p]);
      }
      put_fields(after[p + 1]);
    }
    for (std::size_t u = 0; u < s_.extras.unknown.size(); ++u) put_unknown_at(u);
    w_.EndObject();
  }

  // describe() visits each field: collects it on the first pass, writes the
  // field numbered target_ on later ones.
  template <class F>
  void operator()(const char* name, const F& field) {
    const std::size_t index = visited_++;
    bool set = true;
    if constexpr (!std::same_as<F, bool>) set = field.has_value();
    if (collecting_) {
      fields_.push_back({name, set, npos, false});
      return;
    }
    if (index != target_) return;
    w_.Key(name);
    if constexpr (std::same_as<F, bool>) {
      put(w_, field);
    } else {
      put(w_, *field);
    }
  }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  struct field_info {
    std::string_view name;
    bool set;
    std::size_t position;  // first place in key_order, or npos
    bool done;
  };

  std::size_t field_index(std::string_view key) const {
    for (std::size_t i = 0; i < fields_.size(); ++i)
      if (fields_[i].name == key) return i;
    return npos;
  }
  void put_field(std::size_t i) {
    if (fields_[i].done) return;
    fields_[i].done = true;
    collecting_ = false;
    target_ = i;
    visited_ = 0;
    describe(s_, *this);
  }
  void put_fields(const std::vector<std::size_t>& indexes) {
    for (const std::size_t i : indexes) put_field(i);
  }
  void put_unknown(std::string_view key) {
    for (std::size_t u = 0; u < s_.extras.unknown.size(); ++u) {
      if (s_.extras.unknown[u].key == key) {
        put_unknown_at(u);
        return;
      }
    }
  }
  void put_unknown_at(std::size_t u) {
    if (unknown_done_[u]) return;
    unknown_done_[u] = true;
    const unknown_member& m = s_.extras.unknown[u];
    const std::size_t i = field_index(m.key);
    if (i != npos && fields_[i].set) return;  // the field wins
    rapid::put_key(w_, m.key);
    put_raw(w_, m.value);
  }

  W& w_;
  const T& s_;
  std::vector<field_info> fields_;
  std::vector<bool> unknown_done_;
  bool collecting_ = true;
  std::size_t target_ = npos;
  std::size_t visited_ = 0;
};

template <class W, class T>
void put(W& w, const T& v) {
  if constexpr (std::same_as<T, bool>) {
    w.Bool(v);
  } else if constexpr (std::same_as<T, std::string>) {
    rapid::put_string(w, v);
  } else if constexpr (integer<T> && std::is_signed_v<T>) {
    w.Int64(static_cast<std::int64_t>(v));
  } else if constexpr (integer<T>) {
    w.Uint64(static_cast<std::uint64_t>(v));
  } else if constexpr (is_vector<T>::value) {
    w.StartArray();
    for (const auto& e : v) put(w, e);
    w.EndArray();
  } else if constexpr (is_string_map<T>::value) {
    w.StartObject();
    for (const auto& [k, e] : v) {
      rapid::put_key(w, k);
      put(w, e);
    }
    w.EndObject();
  } else if constexpr (described<T>) {
    object_writer<W, T>(w, v).write();
  } else {
    static_assert(unsupported_field_type<T>::value, "no JSON mapping for this field type");
  }
}

// Compact or indented JSON text of a model.
template <class T>
std::string write_compact(const T& model) {
  rapidjson::StringBuffer buffer;
  rapid::compact_writer w(buffer);
  put(w, model);
  return rapid::text_of(buffer);
}

template <class T>
std::string write_indented(const T& model) {
  rapidjson::StringBuffer buffer;
  rapid::pretty_writer w(buffer);
  w.SetIndent('\t', 1);
  put(w, model);
  return rapid::text_of(buffer);
}

// ---- reading ---------------------------------------------------------------

template <class T>
std::string range_text() {
  return "an integer in [" + std::to_string(std::numeric_limits<T>::min()) + ", " +
         std::to_string(std::numeric_limits<T>::max()) + "]";
}

// The compact text of a parsed value, as a raw_json.
raw_json to_raw(const rapid::value& v);

class reader {
 public:
  explicit reader(const char* what) : what_(what) {}

  bool failed() const noexcept { return failure_.has_value(); }
  runcpp::error take_error() && { return std::move(*failure_); }

  // Decodes j (whose path is path_) into out. False on error (recorded).
  template <class T>
  bool read(const rapid::value& j, T& out) {
    if constexpr (std::same_as<T, bool>) {
      if (!j.IsBool()) return fail("a boolean");
      out = j.GetBool();
    } else if constexpr (std::same_as<T, std::string>) {
      if (!j.IsString()) return fail("a string");
      out.assign(j.GetString(), j.GetStringLength());
    } else if constexpr (integer<T>) {
      // Non-negative integers are stored as uint64, negative ones as int64,
      // anything with a fraction, an exponent or more than 64 bits as a
      // double (rapid.hpp): only the first two can be valid here.
      if (j.IsUint64()) {
        const auto n = j.GetUint64();
        if (!std::in_range<T>(n)) return fail(range_text<T>());
        out = static_cast<T>(n);
      } else if (j.IsInt64()) {
        const auto n = j.GetInt64();
        if (!std::in_range<T>(n)) return fail(range_text<T>());
        out = static_cast<T>(n);
      } else {
        return fail(range_text<T>());
      }
    } else if constexpr (is_vector<T>::value) {
      return read_array(j, out);
    } else if constexpr (is_string_map<T>::value) {
      return read_map(j, out);
    } else if constexpr (described<T>) {
      return read_object(j, out);
    } else {
      static_assert(unsupported_field_type<T>::value, "no JSON mapping for this field type");
    }
    return true;
  }

  // Called by describe() for each key of the object being read. Absent and
  // null keys leave the field as it is (nullopt / false).
  template <class T>
  void operator()(const char* key, std::optional<T>& field) {
    const rapid::value* v = member(key);
    if (v == nullptr) return;
    const std::size_t mark = enter(key);
    T value{};
    if (read(*v, value)) field = std::move(value);
    path_.resize(mark);
  }
  void operator()(const char* key, bool& field) {
    const rapid::value* v = member(key);
    if (v == nullptr) return;
    const std::size_t mark = enter(key);
    read(*v, field);
    path_.resize(mark);
  }

 private:
  template <class T>
  bool read_array(const rapid::value& j, std::vector<T>& out) {
    if (!j.IsArray()) return fail("an array");
    out.clear();
    out.reserve(j.Size());
    for (rapidjson::SizeType i = 0; i < j.Size(); ++i) {
      const std::size_t mark = path_.size();
      path_ += '[';
      path_ += std::to_string(i);
      path_ += ']';
      if (!read(j[i], out.emplace_back())) return false;
      path_.resize(mark);
    }
    return true;
  }

  // Keys in std::string order, the last of duplicates (what a std::map
  // holds), so the first error reported is the same whatever the input order.
  template <class T>
  bool read_map(const rapid::value& j, std::map<std::string, T>& out) {
    if (!j.IsObject()) return fail("an object");
    out.clear();
    for (const rapid::member* m : rapid::sorted_last_members(j)) {
      const std::size_t mark = path_.size();
      path_ += '[';
      path_ += rapid::escaped(rapid::view(m->name));
      path_ += ']';
      if (!read(m->value, out[std::string(rapid::view(m->name))])) return false;
      path_.resize(mark);
    }
    return true;
  }

  template <described T>
  bool read_object(const rapid::value& j, T& out) {
    if (!j.IsObject()) return fail("an object");
    const rapid::value* const outer = obj_;
    obj_ = &j;
    describe(out, *this);
    obj_ = outer;
    if (failed()) return false;
    keep_extras(j, out);
    return true;
  }

  // Fills out.extras: every key in input order (once), and the members
  // without a field (the last value of a duplicate, where it first appeared).
  template <described T>
  void keep_extras(const rapid::value& j, T& out) {
    json_extras& x = out.extras;
    std::unordered_set<std::string_view> seen;
    std::unordered_map<std::string_view, std::size_t> unknown_at;
    x.key_order.reserve(j.MemberCount());
    for (auto it = j.MemberBegin(); it != j.MemberEnd(); ++it) {
      const std::string_view key = rapid::view(it->name);
      const bool first = seen.insert(key).second;
      if (first) x.key_order.emplace_back(key);
      if (is_known_key(out, key)) continue;
      const auto [at, added] = unknown_at.try_emplace(key, x.unknown.size());
      if (added) {
        x.unknown.push_back({std::string(key), to_raw(it->value)});
      } else {
        x.unknown[at->second].value = to_raw(it->value);
      }
    }
  }

  const rapid::value* member(const char* key) const {
    if (failed()) return nullptr;
    const rapid::value* v = rapid::find_last(*obj_, key);
    if (v == nullptr || v->IsNull()) return nullptr;
    return v;
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
  const rapid::value* obj_ = nullptr;
  std::string path_;
  std::optional<runcpp::error> failure_;
};

// Parses `text` as one JSON object into a T; `what` names the document in
// messages ("process JSON").
template <class T>
result<T> parse(std::string_view text, const char* what) {
  rapid::document doc;
  if (!doc.parse(text)) return error(errc::parse_error, std::string(what) + ": not valid JSON");
  if (!doc.root().IsObject()) return error(errc::parse_error, std::string(what) + ": not a JSON object");
  T model{};
  reader r(what);
  if (!r.read(doc.root(), model)) return std::move(r).take_error();
  return model;
}

}  // namespace runcpp::spec::detail
