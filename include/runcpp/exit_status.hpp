/// @file
/// How a process ended: exited with a code, or killed by a signal. The two are
/// never conflated (go-runc's default monitor reports -1 for any signal death;
/// containerd's reaper and runc itself report 128+signal). go_status() gives
/// the 128+signal convention; is_signaled()/signal() give the signal itself.
#pragma once

#include <string>

namespace runcpp {

/// How a process ended: exited with a code, or killed by a signal. A small value type.
class exit_status {
 public:
  /// A process that called exit(code); code is 0..255.
  static constexpr exit_status exited(int code) noexcept { return exit_status(code, 0, false); }
  /// A process killed by `signal`; core_dumped as reported by the kernel.
  static constexpr exit_status signaled(int signal, bool core_dumped = false) noexcept {
    return exit_status(0, signal, core_dumped);
  }
  /// Decodes a wait(2) status word (WIFEXITED/WIFSIGNALED).
  static exit_status from_wait_status(int status) noexcept;

  constexpr bool is_exited() const noexcept { return signal_ == 0; }    ///< it called exit()
  constexpr bool is_signaled() const noexcept { return signal_ != 0; }  ///< a signal killed it
  /// Exit code; 0 when signaled.
  constexpr int code() const noexcept { return code_; }
  /// Terminating signal; 0 when exited.
  constexpr int signal() const noexcept { return signal_; }
  constexpr bool core_dumped() const noexcept { return core_; }                   ///< killed with a core dump
  constexpr bool success() const noexcept { return signal_ == 0 && code_ == 0; }  ///< exited with code 0
  /// The shell / runc convention: the code, or 128+signal.
  constexpr int go_status() const noexcept { return signal_ != 0 ? 128 + signal_ : code_; }
  /// "exit status 3" or "killed by signal 9 (SIGKILL)".
  std::string to_string() const;

  /// Equal when code, signal and core dump flag are.
  friend constexpr bool operator==(const exit_status&, const exit_status&) = default;

 private:
  constexpr exit_status(int code, int sig, bool core) noexcept : code_(code), signal_(sig), core_(core) {}
  int code_ = 0;
  int signal_ = 0;
  bool core_ = false;
};

}  // namespace runcpp
