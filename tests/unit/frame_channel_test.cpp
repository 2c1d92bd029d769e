// FrameChannel, the framing between the worker and an isolated task process: frames that arrive
// in pieces, frames over the limit, and a peer that closes mid-frame.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "runtime/frame_channel.hpp"

namespace sluice {
namespace {

struct SocketPair {
  int a = -1, b = -1;
  SocketPair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) throw std::runtime_error("socketpair failed");
    a = fds[0];
    b = fds[1];
  }
};

void writeRaw(int fd, const std::string& bytes) {
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
}

std::string header(uint32_t n) {
  return {static_cast<char>(n >> 24), static_cast<char>(n >> 16 & 0xff), static_cast<char>(n >> 8 & 0xff),
          static_cast<char>(n & 0xff)};
}

TEST(FrameChannel, DeliversFramesInOrderBothWays) {
  SocketPair s;
  FrameChannel left(s.a), right(s.b);
  ASSERT_TRUE(left.send("first").ok());
  ASSERT_TRUE(left.send("").ok());
  ASSERT_TRUE(left.send(std::string(200000, 'x')).ok());
  auto one = right.receive(1000);
  ASSERT_TRUE(one.ok()) << one.error();
  EXPECT_EQ(one.value(), "first");
  auto two = right.receive(1000);
  ASSERT_TRUE(two.ok() && two.value().has_value());
  EXPECT_EQ(*two.value(), "");
  auto three = right.receive(1000);
  ASSERT_TRUE(three.ok() && three.value().has_value());
  EXPECT_EQ(three.value()->size(), 200000u);
  ASSERT_TRUE(right.send("reply").ok());
  auto back = left.receive(1000);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), "reply");
}

TEST(FrameChannel, ReassemblesAFrameWrittenOneByteAtATime) {
  SocketPair s;
  FrameChannel reader(s.a);
  std::string frame = header(11) + "hello world" + header(2) + "ok";
  std::thread writer([&] {
    for (char c : frame) {
      ASSERT_EQ(::write(s.b, &c, 1), 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  auto first = reader.receive(10000);
  auto second = reader.receive(10000);
  writer.join();
  ::close(s.b);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first.value(), "hello world");
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(second.value(), "ok");
}

TEST(FrameChannel, TimesOutWithNoFrameInsteadOfBlocking) {
  SocketPair s;
  FrameChannel reader(s.a);
  writeRaw(s.b, header(5) + "ab");  // an incomplete frame is not delivered
  auto r = reader.receive(50);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value().has_value());
  writeRaw(s.b, "cde");
  auto whole = reader.receive(1000);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole.value(), "abcde");
  ::close(s.b);
}

TEST(FrameChannel, RefusesALengthOverTheLimitBeforeReadingTheBody) {
  SocketPair s;
  FrameChannel reader(s.a, 1024);
  writeRaw(s.b, header(1025));
  auto r = reader.receive(1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "refused a frame of 1025 bytes: over the limit of 1024 bytes");
  // The channel stays broken: what follows the bad header cannot be framed.
  writeRaw(s.b, header(1) + "x");
  EXPECT_FALSE(reader.receive(100).ok());
  ::close(s.b);
}

TEST(FrameChannel, RefusesToSendAFrameOverTheLimit) {
  SocketPair s;
  FrameChannel writer(s.a, 8);
  auto r = writer.send("123456789");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("refusing to send a frame of 9 bytes: over the limit of 8 bytes"), std::string::npos) << r.error();
  ::close(s.b);
}

TEST(FrameChannel, GarbageBytesAreRefusedAsAnOversizedFrame) {
  SocketPair s;
  FrameChannel reader(s.a);
  writeRaw(s.b, "garbage that is not a frame");  // "garb" read as a length: 1.7 GB
  auto r = reader.receive(1000);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("over the limit"), std::string::npos) << r.error();
  ::close(s.b);
}

TEST(FrameChannel, ReportsAPeerThatClosesMidFrame) {
  SocketPair s;
  FrameChannel reader(s.a);
  writeRaw(s.b, header(5) + "ab");
  ::close(s.b);
  auto r = reader.receive(1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "connection closed by the peer in the middle of a frame");
}

TEST(FrameChannel, DeliversFramesAlreadyReadBeforeReportingTheClose) {
  SocketPair s;
  FrameChannel reader(s.a);
  writeRaw(s.b, header(3) + "one" + header(3) + "two");
  ::close(s.b);
  auto one = reader.receive(1000);
  auto two = reader.receive(1000);
  auto end = reader.receive(1000);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(one.value(), "one");
  EXPECT_EQ(two.value(), "two");
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error(), "connection closed by the peer");
}

TEST(FrameChannel, SendToADeadPeerIsAnErrorNotASignal) {
  SocketPair s;
  FrameChannel writer(s.a);
  ::close(s.b);
  auto r = writer.send("anyone there?");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("send failed"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace sluice
