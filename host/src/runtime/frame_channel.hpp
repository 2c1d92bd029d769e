#pragma once
// FrameChannel: whole messages over a stream socket between the worker and a task process
// (`plugin.isolation: process`). Each frame is a 4-byte big-endian length and that many bytes, so
// a reader reassembles frames that arrive in pieces, and refuses a length over the limit before
// reading the body (a confused or hostile peer cannot make the worker allocate gigabytes).
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "common/result.hpp"

namespace sluice {

class FrameChannel {
 public:
  static constexpr size_t kDefaultMaxFrameBytes = 16u * 1024 * 1024;

  // Takes ownership of `fd` (a connected SOCK_STREAM socket) and closes it on destruction.
  explicit FrameChannel(int fd, size_t maxFrameBytes = kDefaultMaxFrameBytes);
  ~FrameChannel();
  FrameChannel(const FrameChannel&) = delete;
  FrameChannel& operator=(const FrameChannel&) = delete;

  // Any thread: writes one whole frame (frames from concurrent senders never interleave).
  Result<bool> send(const std::string& payload);
  // The receiving thread only: waits up to timeoutMs (negative: forever) for one whole frame;
  // an empty optional on timeout. An error once the peer closed, reset, or sent a frame over
  // the limit; the channel is unusable after an error.
  Result<std::optional<std::string>> receive(int timeoutMs);
  // After a receive error: true when the peer went away (closed or reset), false when it sent
  // something that is not a frame.
  bool peerClosed() const { return peerClosed_; }

 private:
  std::optional<std::string> takeFrame();

  int fd_;
  size_t maxFrameBytes_;
  std::string pending_;  // bytes read but not yet returned as a frame
  std::optional<std::string> broken_;
  bool peerClosed_ = false;
  std::mutex sendMutex_;
};

}  // namespace sluice
