// Java's default partitioner: murmur2 against the vectors of Kafka's own UtilsTest.testMurmur2, and
// the partition choice toPositive(murmur2(key)) % partitions.
#include <gtest/gtest.h>

#include <string>

#include "kafka/java_partitioner.hpp"

namespace sluice {
namespace {

TEST(JavaPartitionerTest, Murmur2MatchesKafkasUtilsTestVectors) {
  EXPECT_EQ(javaMurmur2("21"), -973932308);
  EXPECT_EQ(javaMurmur2("foobar"), -790332482);
  EXPECT_EQ(javaMurmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(javaMurmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(javaMurmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  EXPECT_EQ(javaMurmur2(std::string{'a', 'b', 'c'}), 479470107);
}

TEST(JavaPartitionerTest, NegativeHashesArePositivisedByMaskingTheSignBit) {
  // toPositive(-973932308) = 1173551340 (mask, not abs); 1173551340 % 25 = 15.
  EXPECT_EQ(javaDefaultPartition("21", 25), 15);
  EXPECT_EQ(javaDefaultPartition("21", 50), 40);
  // toPositive(-790332482) = 1357151166; % 50 = 16.
  EXPECT_EQ(javaDefaultPartition("foobar", 50), 16);
  EXPECT_EQ(javaDefaultPartition("abc", 25), 7);
  EXPECT_EQ(javaDefaultPartition("anything", 1), 0);
}

}  // namespace
}  // namespace sluice
