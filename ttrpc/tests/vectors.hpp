// Frames captured between containerd 1.6.20 and containerd-shim-runc-v2
// (research/containerd-shim-v2.md §2), as bytes.
#pragma once

#include <string>
#include <string_view>

namespace runcpp::ttrpc::testing {

// "0a17..." -> the bytes; throws std::invalid_argument on odd input.
std::string unhex(std::string_view hex);
std::string hex(std::string_view bytes);

// Connect request, stream 3: service containerd.task.v2.Task, method Connect,
// payload ConnectRequest{id:"cap1"}.
inline const std::string connect_request_hex =
    "0000002a00000003"
    "0100"
    "0a17636f6e7461696e6572642e7461736b2e76322e5461736b"
    "1207436f6e6e656374"
    "1a060a0463617031";
// Its response: payload ConnectResponse{shim_pid:9955, task_pid:10024}.
inline const std::string connect_response_hex =
    "000000080000000302001206"
    "08e34d10a84e";
// Shutdown request, stream 17, timeout_nano 2999991764.
inline const std::string shutdown_request_hex =
    "0000003100000011"
    "0100"
    "0a17636f6e7461696e6572642e7461736b2e76322e5461736b"
    "120853687574646f776e"
    "1a060a0463617031"
    "20d4fbc0960b";
// Its response: success, empty body.
inline const std::string shutdown_response_hex = "00000000000000110200";

}  // namespace runcpp::ttrpc::testing
