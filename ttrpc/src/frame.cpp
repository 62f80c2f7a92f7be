#include <runcpp/ttrpc/frame.hpp>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace runcpp::ttrpc {
namespace {

void put_u32(char* out, std::uint32_t v) noexcept {
  out[0] = static_cast<char>(v >> 24);
  out[1] = static_cast<char>(v >> 16);
  out[2] = static_cast<char>(v >> 8);
  out[3] = static_cast<char>(v);
}

std::uint32_t get_u32(const char* in) noexcept {
  const auto b = [in](int i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])); };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

}  // namespace

void encode_header(const frame_header& h, char* out) noexcept {
  put_u32(out, h.length);
  put_u32(out + 4, h.stream_id);
  out[8] = static_cast<char>(h.type);
  out[9] = static_cast<char>(h.flags);
}

frame_header decode_header(const char* in) noexcept {
  return {get_u32(in), get_u32(in + 4), static_cast<std::uint8_t>(in[8]), static_cast<std::uint8_t>(in[9])};
}

std::size_t frame_decoder::feed(std::string_view data) {
  if (ready_) return 0;
  std::size_t used = 0;
  if (!in_body_) {
    const std::size_t n = std::min(frame_header_size - have_, data.size());
    std::copy_n(data.data(), n, header_ + have_);
    have_ += n;
    used = n;
    if (have_ < frame_header_size) return used;
    have_ = 0;
    in_body_ = true;
    current_ = frame{decode_header(header_), {}, false};
    remaining_ = current_.header.length;
    current_.oversized = remaining_ > max_;
    // The body is read into a string of its announced size only once it is
    // accepted; an oversized body is skipped without being stored.
    if (!current_.oversized) current_.body.reserve(remaining_);
  }
  const std::size_t n = std::min(remaining_, data.size() - used);
  if (!current_.oversized) current_.body.append(data.data() + used, n);
  remaining_ -= n;
  used += n;
  if (remaining_ == 0) {
    in_body_ = false;
    ready_ = std::move(current_);
    current_ = frame{};
  }
  return used;
}

std::optional<frame> frame_decoder::take() noexcept {
  std::optional<frame> f = std::move(ready_);
  ready_.reset();
  return f;
}

std::string encode_frame(std::uint32_t stream_id, message_type type, std::string_view body,
                         std::uint8_t flags) {
  if (body.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("ttrpc frame body too large");
  std::string out(frame_header_size, '\0');
  encode_header({static_cast<std::uint32_t>(body.size()), stream_id, static_cast<std::uint8_t>(type), flags},
                out.data());
  out.append(body);
  return out;
}

}  // namespace runcpp::ttrpc
