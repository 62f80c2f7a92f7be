// console: the pty master received from runc (go-runc: console.Console).
#include <sys/ioctl.h>
#include <termios.h>

#include <memory>

#include <runcpp/socket.hpp>

#include "fd.hpp"

namespace runcpp {

struct console::saved_termios {
  termios attrs;
};

result<void> console::resize(unsigned short rows, unsigned short cols) const {
  winsize ws{};
  ws.ws_row = rows;
  ws.ws_col = cols;
  if (::ioctl(master_.get(), TIOCSWINSZ, &ws) != 0)
    return detail::sys_error(errc::io_error, "console resize (TIOCSWINSZ)");
  return {};
}

result<console::window_size> console::size() const {
  winsize ws{};
  if (::ioctl(master_.get(), TIOCGWINSZ, &ws) != 0)
    return detail::sys_error(errc::io_error, "console size (TIOCGWINSZ)");
  return window_size{ws.ws_row, ws.ws_col};
}

namespace {

// tcgetattr, remembering the result in `saved` if nothing was saved yet. A
// template because console::saved_termios is private (the member functions
// below name it).
template <class Saved>
result<termios> get_and_save(int fd, std::shared_ptr<Saved>& saved, const char* what) {
  termios t{};
  if (::tcgetattr(fd, &t) != 0) return detail::sys_error(errc::io_error, std::string(what) + " (tcgetattr)");
  if (!saved) saved = std::make_shared<Saved>(Saved{t});
  return t;
}

result<void> apply(int fd, const termios& t, const char* what) {
  if (::tcsetattr(fd, TCSANOW, &t) != 0)
    return detail::sys_error(errc::io_error, std::string(what) + " (tcsetattr)");
  return {};
}

}  // namespace

result<void> console::set_raw() {
  auto t = get_and_save(master_.get(), saved_, "console set_raw");
  if (!t) return std::move(t).error();
  ::cfmakeraw(&*t);
  return apply(master_.get(), *t, "console set_raw");
}

result<void> console::disable_echo() {
  auto t = get_and_save(master_.get(), saved_, "console disable_echo");
  if (!t) return std::move(t).error();
  t->c_lflag &= ~static_cast<tcflag_t>(ECHO);
  return apply(master_.get(), *t, "console disable_echo");
}

result<void> console::reset() {
  if (!saved_) return {};  // nothing was changed
  return apply(master_.get(), saved_->attrs, "console reset");
}

}  // namespace runcpp
