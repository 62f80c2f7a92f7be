/// @file
/// Signal names for client::kill, which takes a number like go-runc.
#pragma once

#include <string_view>

#include <runcpp/result.hpp>

namespace runcpp {

/// "SIGKILL", "KILL", "sigkill", "9", "SIGRTMIN+3" -> the signal number.
/// Names are matched without regard to ASCII case, with or without "SIG";
/// aliases IOT, CLD and POLL are accepted. Numbers are plain decimal 1..64.
/// Real-time signals use the userspace numbering of glibc, musl, kill(1) and
/// runc: SIGRTMIN = 34 (the kernel's 32 and 33 are reserved by the C library),
/// SIGRTMAX = 64; "RTMIN+n" and "RTMAX-n" must stay within 34..64.
/// Errors: errc::invalid_argument for an unknown name or a number out of range.
/// Thread-safe, allocation-free on success.
result<int> parse_signal(std::string_view name);

/// 9 -> "SIGKILL"; 35 -> "SIGRTMIN+1"; 50 -> "SIGRTMAX-14" (as kill -l prints);
/// 29 -> "SIGIO" (runc's name; glibc says SIGPOLL). An unknown number
/// (0, 32, 33, > 64, negative) -> "" (empty). The view refers to static storage.
std::string_view signal_name(int signal) noexcept;

}  // namespace runcpp
