#include "runtime/frame_channel.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace sluice {

namespace {

constexpr size_t kHeaderBytes = 4;

uint32_t readLength(const std::string& buffer) {
  auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(buffer[i])); };
  return byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
}

std::string oversized(size_t length, size_t limit) {
  return "frame of " + std::to_string(length) + " bytes: over the limit of " + std::to_string(limit) + " bytes";
}

}  // namespace

FrameChannel::FrameChannel(int fd, size_t maxFrameBytes) : fd_(fd), maxFrameBytes_(maxFrameBytes) {}

FrameChannel::~FrameChannel() {
  if (fd_ >= 0) ::close(fd_);
}

Result<bool> FrameChannel::send(const std::string& payload) {
  if (payload.size() > maxFrameBytes_) return Error{"refusing to send a " + oversized(payload.size(), maxFrameBytes_)};
  std::string frame(kHeaderBytes, '\0');
  uint32_t n = static_cast<uint32_t>(payload.size());
  for (size_t i = 0; i < kHeaderBytes; ++i) frame[i] = static_cast<char>((n >> (24 - 8 * i)) & 0xff);
  frame += payload;
  std::lock_guard<std::mutex> lock(sendMutex_);
  size_t sent = 0;
  while (sent < frame.size()) {
    // MSG_NOSIGNAL: a peer that died must be an error here, not a SIGPIPE for the whole process.
    ssize_t w = ::send(fd_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Error{std::string("send failed: ") + std::strerror(errno)};
    }
    sent += static_cast<size_t>(w);
  }
  return true;
}

std::optional<std::string> FrameChannel::takeFrame() {
  if (pending_.size() < kHeaderBytes) return std::nullopt;
  size_t length = readLength(pending_);
  if (length > maxFrameBytes_) {
    broken_ = "refused a " + oversized(length, maxFrameBytes_);
    return std::nullopt;
  }
  if (pending_.size() < kHeaderBytes + length) return std::nullopt;
  std::string frame = pending_.substr(kHeaderBytes, length);
  pending_.erase(0, kHeaderBytes + length);
  return frame;
}

Result<std::optional<std::string>> FrameChannel::receive(int timeoutMs) {
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs < 0 ? 0 : timeoutMs);
  while (true) {
    // Frames already read are delivered even after the peer closed.
    if (auto frame = takeFrame()) return std::optional<std::string>(std::move(*frame));
    if (broken_) return Error{*broken_};
    int wait = -1;
    if (timeoutMs >= 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return std::optional<std::string>();
      wait = static_cast<int>(left);
    }
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, wait);
    if (ready < 0 && errno != EINTR) return Error{std::string("poll failed: ") + std::strerror(errno)};
    if (ready <= 0) continue;
    char chunk[65536];
    ssize_t r = ::recv(fd_, chunk, sizeof chunk, 0);
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      peerClosed_ = true;
      broken_ = std::string("connection lost: ") + std::strerror(errno);
    } else if (r == 0) {
      peerClosed_ = true;
      broken_ = pending_.empty() ? "connection closed by the peer"
                                 : "connection closed by the peer in the middle of a frame";
    } else {
      pending_.append(chunk, static_cast<size_t>(r));
    }
  }
}

}  // namespace sluice
