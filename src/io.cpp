#include <runcpp/io.hpp>

namespace runcpp {
namespace {

// -1 in every slot: the spawner opens /dev/null read-write for each.
class null_io_impl final : public io {
 public:
  stdio_fds child_fds() const override { return {}; }
};

class inherit_io_impl final : public io {
 public:
  stdio_fds child_fds() const override { return {0, 1, 2}; }
};

}  // namespace

std::shared_ptr<io> null_io() { return std::make_shared<null_io_impl>(); }
std::shared_ptr<io> inherit_io() { return std::make_shared<inherit_io_impl>(); }

}  // namespace runcpp
