// Pins the plugin ABI: every struct's size and member offsets on LP64, and the hash of plugin.h.
// If this fails you changed the ABI. Structs are append-only: add members at the end, bump
// SLUICE_ABI_MINOR, and update the numbers here deliberately (a removal or reorder needs a major).
#include <gtest/gtest.h>
#include <sluice/plugin.h>

#include <cstddef>

#include "plugin/plugin_loader.hpp"

static_assert(sizeof(void*) == 8, "the pinned layout is for LP64");

static_assert(sizeof(sluice_config_def) == 56);
static_assert(offsetof(sluice_config_def, type) == 8);
static_assert(offsetof(sluice_config_def, default_value) == 16);
static_assert(offsetof(sluice_config_def, importance) == 24);
static_assert(offsetof(sluice_config_def, documentation) == 32);
static_assert(offsetof(sluice_config_def, validator) == 40);
static_assert(offsetof(sluice_config_def, group) == 48);

static_assert(sizeof(sluice_record) == 120);
static_assert(offsetof(sluice_record, partition) == 16);
static_assert(offsetof(sluice_record, timestamp_ms) == 24);
static_assert(offsetof(sluice_record, key) == 32);
static_assert(offsetof(sluice_record, value) == 48);
static_assert(offsetof(sluice_record, headers) == 64);
static_assert(offsetof(sluice_record, header_count) == 72);
static_assert(offsetof(sluice_record, source_partition) == 80);
static_assert(offsetof(sluice_record, source_offset) == 96);
static_assert(offsetof(sluice_record, kafka_offset) == 112);

static_assert(sizeof(sluice_host_api) == 56);  // 48 in ABI 1.0; report_health appended in 1.1
static_assert(offsetof(sluice_host_api, set_error) == 8);
static_assert(offsetof(sluice_host_api, emit) == 24);
static_assert(offsetof(sluice_host_api, read_offset) == 40);
static_assert(offsetof(sluice_host_api, report_health) == 48);

static_assert(sizeof(sluice_plugin) == 152);
static_assert(offsetof(sluice_plugin, kind) == 4);
static_assert(offsetof(sluice_plugin, name) == 8);
static_assert(offsetof(sluice_plugin, config_defs) == 40);
static_assert(offsetof(sluice_plugin, validate) == 56);
static_assert(offsetof(sluice_plugin, create) == 64);
static_assert(offsetof(sluice_plugin, poll) == 96);
static_assert(offsetof(sluice_plugin, apply) == 112);
static_assert(offsetof(sluice_plugin, held_offset) == 128);
static_assert(offsetof(sluice_plugin, put) == 136);
static_assert(offsetof(sluice_plugin, flush) == 144);

static_assert(sizeof(sluice_manifest) == 32);
static_assert(offsetof(sluice_manifest, abi_major) == 4);
static_assert(offsetof(sluice_manifest, config_def_size) == 8);
static_assert(offsetof(sluice_manifest, plugins) == 16);
static_assert(offsetof(sluice_manifest, plugin_count) == 24);

TEST(AbiLayout, FirstReleasedSizesMatchTheHeader) {
  // ABI 1.1 appended to sluice_host_api only, so the plugin-side structs still have their 1.0 sizes.
  EXPECT_EQ(sluice::kManifestSizeV1_0, sizeof(sluice_manifest));
  EXPECT_EQ(sluice::kPluginSizeV1_0, sizeof(sluice_plugin));
  EXPECT_EQ(sluice::kConfigDefSizeV1_0, sizeof(sluice_config_def));
  EXPECT_EQ(sluice::kRecordSizeV1_0, sizeof(sluice_record));
}

TEST(AbiLayout, HeaderHashIsPinned) {
  // Update together with SLUICE_ABI_MINOR (or MAJOR) when plugin.h changes on purpose; a change to
  // its comments alone (the threading contract, say) updates only this pin.
  constexpr const char* kPinnedSha256 = "d27bf590a84b3be818fc7c36a4858dbc4d791bfb4f8a34d2c82ecde25570a746";
  EXPECT_STREQ(SLUICE_PLUGIN_H_SHA256, kPinnedSha256)
      << "plugins/sdk/include/sluice/plugin.h changed: is the ABI version bumped and the change append-only?";
  EXPECT_EQ(SLUICE_ABI_MAJOR, 1);
  EXPECT_EQ(SLUICE_ABI_MINOR, 1);
}
