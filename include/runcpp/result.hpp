/// @file
/// result<T>: the return type of every fallible runcpp call. Its interface is a
/// subset of std::expected<T, runcpp::error> (has_value, operator bool, *, ->,
/// value, error, value_or, and_then, transform, or_else, transform_error), so it
/// can become an alias of std::expected once GCC and clang both ship it.
///
/// @code
///   runcpp::result<runcpp::container> c = client.state("web");
///   if (!c) std::cerr << c.error().to_string() << '\n';
///   else    std::cout << c->pid << '\n';
/// @endcode
#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include <runcpp/error.hpp>

namespace runcpp {

/// Thrown by result<T>::value() when the result holds an error. The only
/// exception runcpp throws besides std::bad_alloc.
class bad_result_access : public std::exception {
 public:
  /// Holds `e`; what() is e.to_string().
  explicit bad_result_access(runcpp::error e) : error_(std::move(e)), what_(error_.to_string()) {}
  const char* what() const noexcept override { return what_.c_str(); }  ///< error().to_string()
  const runcpp::error& error() const noexcept { return error_; }        ///< the error that value() found

 private:
  runcpp::error error_;
  std::string what_;
};

template <class T>
class [[nodiscard]] result;

namespace detail {
template <class R>
struct is_result : std::false_type {};
template <class U>
struct is_result<result<U>> : std::true_type {};
}  // namespace detail

/// Holds either a T or an error. Not thread-safe for concurrent mutation; const
/// access from several threads is fine (like any value type).
template <class T>
class [[nodiscard]] result {
  static_assert(!std::is_reference_v<T>, "result<T&> is not supported");

 public:
  /// @{
  /// Member types, as in std::expected.
  using value_type = T;
  using error_type = runcpp::error;
  /// @}

  /// Holds a value-initialized T.
  result() requires std::is_default_constructible_v<T> : v_(std::in_place_index<0>) {}
  /// @{
  /// Holds the value `v`; implicit, as std::expected is from a T.
  result(const T& v) : v_(std::in_place_index<0>, v) {}        // NOLINT: implicit like expected
  result(T&& v) : v_(std::in_place_index<0>, std::move(v)) {}  // NOLINT
  /// @}
  /// Holds the error `e`; implicit, so a function returning result<T> can `return err;`.
  result(runcpp::error e) : v_(std::in_place_index<1>, std::move(e)) {}  // NOLINT
  /// Holds a T made from `v`; implicit, as std::expected is.
  // Kept as written: clang-format 14 fuses a requires-clause with the declaration.
  // clang-format off
  template <class U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::remove_cvref_t<U>, T> &&
             !std::is_same_v<std::remove_cvref_t<U>, runcpp::error> &&
             !detail::is_result<std::remove_cvref_t<U>>::value)
  result(U&& v) : v_(std::in_place_index<0>, std::forward<U>(v)) {}  // NOLINT
  // clang-format on

  /// @{
  /// True if it holds a value, false if it holds an error.
  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  /// @}

  /// @{
  /// The value. Precondition: has_value() (unchecked, as in std::expected).
  T& operator*() & noexcept { return *std::get_if<0>(&v_); }
  const T& operator*() const& noexcept { return *std::get_if<0>(&v_); }
  T&& operator*() && noexcept { return std::move(*std::get_if<0>(&v_)); }
  /// @}
  /// @{
  /// Member access to the value. Precondition: has_value().
  T* operator->() noexcept { return std::get_if<0>(&v_); }
  const T* operator->() const noexcept { return std::get_if<0>(&v_); }
  /// @}

  /// @{
  /// The value; throws bad_result_access (holding a copy of the error) if there is none.
  T& value() & {
    check();
    return **this;
  }
  const T& value() const& {
    check();
    return **this;
  }
  T&& value() && {
    check();
    return std::move(**this);
  }
  /// @}

  /// @{
  /// The error. Precondition: !has_value().
  runcpp::error& error() & noexcept { return *std::get_if<1>(&v_); }
  const runcpp::error& error() const& noexcept { return *std::get_if<1>(&v_); }
  runcpp::error&& error() && noexcept { return std::move(*std::get_if<1>(&v_)); }
  /// @}

  /// @{
  /// The value if there is one, else `fallback` converted to T.
  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? **this : static_cast<T>(std::forward<U>(fallback));
  }
  template <class U>
  T value_or(U&& fallback) && {
    return has_value() ? std::move(**this) : static_cast<T>(std::forward<U>(fallback));
  }
  /// @}

  /// @{
  /// Chains a fallible step: `f(T)` returns a result; an error passes through unchanged.
  template <class F>
  auto and_then(F&& f) const& -> std::invoke_result_t<F, const T&> {
    if (has_value()) return std::invoke(std::forward<F>(f), **this);
    return error();
  }
  template <class F>
  auto and_then(F&& f) && -> std::invoke_result_t<F, T&&> {
    if (has_value()) return std::invoke(std::forward<F>(f), std::move(**this));
    return std::move(error());
  }
  /// @}
  /// Maps the value: `f(T)` returns a plain U (or void), giving `result<U>`; an error
  /// passes through unchanged.
  template <class F>
  auto transform(F&& f) const& -> result<std::invoke_result_t<F, const T&>> {
    using U = std::invoke_result_t<F, const T&>;
    if (!has_value()) return error();
    if constexpr (std::is_void_v<U>) {
      std::invoke(std::forward<F>(f), **this);
      return {};
    } else {
      return std::invoke(std::forward<F>(f), **this);
    }
  }
  /// Recovers from an error: `f(error)` returns a result of the same type; a value
  /// passes through unchanged.
  template <class F>
  result or_else(F&& f) const& {
    if (has_value()) return *this;
    return std::invoke(std::forward<F>(f), error());
  }
  /// Maps the error: `f(error)` returns a new error; a value passes through unchanged.
  template <class F>
  result transform_error(F&& f) const& {
    if (has_value()) return *this;
    return runcpp::error(std::invoke(std::forward<F>(f), error()));
  }

 private:
  void check() const {
    if (!has_value()) throw bad_result_access(error());
  }
  std::variant<T, runcpp::error> v_;
};

/// The result of a call that returns nothing on success: success, or an error.
/// Same interface as result<T> without a value.
template <>
class [[nodiscard]] result<void> {
 public:
  /// @{
  /// Member types, as in std::expected<void, error>.
  using value_type = void;
  using error_type = runcpp::error;
  /// @}

  /// Success.
  result() noexcept = default;
  /// Holds the error `e`; implicit, so a function returning result<void> can `return err;`.
  result(runcpp::error e) : e_(std::move(e)) {}  // NOLINT: implicit like unexpected

  /// @{
  /// True on success, false if it holds an error.
  bool has_value() const noexcept { return !e_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  /// @}
  /// Does nothing (std::expected<void, E> has it too).
  void operator*() const noexcept {}
  /// Throws bad_result_access (holding a copy of the error) if there is one.
  void value() const {
    if (e_) throw bad_result_access(*e_);
  }
  /// @{
  /// The error. Precondition: !has_value().
  runcpp::error& error() & noexcept { return *e_; }
  const runcpp::error& error() const& noexcept { return *e_; }
  runcpp::error&& error() && noexcept { return std::move(*e_); }
  /// @}

  /// Chains a fallible step: `f()` returns a result; an error passes through unchanged.
  template <class F>
  auto and_then(F&& f) const -> std::invoke_result_t<F> {
    if (has_value()) return std::invoke(std::forward<F>(f));
    return error();
  }
  /// On success returns `f()` as a result (result<void> if f returns void); an error
  /// passes through unchanged.
  template <class F>
  auto transform(F&& f) const -> result<std::invoke_result_t<F>> {
    using U = std::invoke_result_t<F>;
    if (!has_value()) return error();
    if constexpr (std::is_void_v<U>) {
      std::invoke(std::forward<F>(f));
      return {};
    } else {
      return std::invoke(std::forward<F>(f));
    }
  }
  /// Recovers from an error: `f(error)` returns a result<void>; success passes through.
  template <class F>
  result or_else(F&& f) const {
    if (has_value()) return *this;
    return std::invoke(std::forward<F>(f), error());
  }
  /// Maps the error: `f(error)` returns a new error; success passes through.
  template <class F>
  result transform_error(F&& f) const {
    if (has_value()) return *this;
    return runcpp::error(std::invoke(std::forward<F>(f), error()));
  }

 private:
  std::optional<runcpp::error> e_;
};

}  // namespace runcpp
