// topicsNamedIn: which topics the worker creates on the embedded cluster for a connector.
#include "runtime/connector_topics.hpp"

#include <gtest/gtest.h>

namespace sluice {
namespace {

using Topics = std::vector<std::string>;

TEST(ConnectorTopics, SinkTopicsListIsSplitAndTrimmed) {
  EXPECT_EQ(topicsNamedIn({{"topics", " orders, audit ,,orders"}}), (Topics{"audit", "orders"}));
}

TEST(ConnectorTopics, SingleTopicKeysOfSourcesTransformsAndTheDeadLetterQueue) {
  EXPECT_EQ(topicsNamedIn({{"topic", "lines"},
                           {"kafka.topic", "transactions"},
                           {"transforms.window.output.topic", "transactions_aggregate_sluice"},
                           {"transforms.window.late.records.topic", ""},
                           {"errors.deadletterqueue.topic.name", "dlq"}}),
            (Topics{"dlq", "lines", "transactions", "transactions_aggregate_sluice"}));
}

TEST(ConnectorTopics, KeysThatOnlyMentionATopicAreNotTopicNames) {
  EXPECT_TRUE(topicsNamedIn({{"topics.regex", "orders-.*"},
                             {"transforms.route.topic.format", "${topic}-${timestamp}"},
                             {"transforms.insert.topic.field", "source_topic"},
                             {"errors.deadletterqueue.topic.replication.factor", "3"}})
                  .empty());
}

}  // namespace
}  // namespace sluice
