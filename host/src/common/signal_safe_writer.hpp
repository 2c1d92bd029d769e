#pragma once
// SignalSafeWriter: text out to a file descriptor from a signal handler or an exit handler, where
// malloc, stdio and locks may be in an unknown state. Only write(2) (async-signal-safe per
// signal-safety(7)) and a fixed buffer; integers and JSON strings are formatted by hand.
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace sluice {

class SignalSafeWriter {
 public:
  explicit SignalSafeWriter(int fd) noexcept : fd_(fd) {}
  ~SignalSafeWriter() { flush(); }
  SignalSafeWriter(const SignalSafeWriter&) = delete;
  SignalSafeWriter& operator=(const SignalSafeWriter&) = delete;

  SignalSafeWriter& text(const char* s, size_t n) noexcept {
    for (size_t i = 0; i < n; ++i) put(s[i]);
    return *this;
  }
  SignalSafeWriter& text(const char* s) noexcept { return s ? text(s, std::strlen(s)) : *this; }
  SignalSafeWriter& number(int64_t v) noexcept {
    char digits[24];
    size_t n = 0;
    uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    do {
      digits[n++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u != 0);
    if (v < 0) put('-');
    while (n > 0) put(digits[--n]);
    return *this;
  }
  // A JSON string literal (RFC 8259 section 7): quotes, backslash and control characters escaped.
  SignalSafeWriter& jsonString(const char* s, size_t n) noexcept {
    static constexpr char kHex[] = "0123456789abcdef";
    put('"');
    for (size_t i = 0; i < n; ++i) {
      auto c = static_cast<unsigned char>(s[i]);
      if (c == '"' || c == '\\') {
        put('\\');
        put(static_cast<char>(c));
      } else if (c < 0x20) {
        text("\\u00", 4);
        put(kHex[c >> 4]);
        put(kHex[c & 0xF]);
      } else {
        put(static_cast<char>(c));
      }
    }
    put('"');
    return *this;
  }
  // False once any write failed.
  bool flush() noexcept {
    size_t done = 0;
    while (done < used_) {
      ssize_t n = ::write(fd_, buffer_ + done, used_ - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ok_ = false;
        break;
      }
      done += static_cast<size_t>(n);
    }
    used_ = 0;
    return ok_;
  }

 private:
  void put(char c) noexcept {
    if (used_ == sizeof buffer_) flush();
    buffer_[used_++] = c;
  }

  int fd_;
  char buffer_[512];
  size_t used_ = 0;
  bool ok_ = true;
};

}  // namespace sluice
