#pragma once
// What the host checks when a plugin hands it a record through host->emit (the ABI boundary):
//  * the record is read only up to the plugin's own sizeof(sluice_record) (its manifest record_size),
//    so a host built with a later minor that appended members never reads past an older plugin's
//    struct; the members the plugin does not know get their "none" values (partition, timestamp_ms
//    and kafka_offset -1, everything else null);
//  * its source_partition and source_offset, which the host stores and later writes to the offset
//    file, are what Connect requires them to be: a JSON object, in valid UTF-8 (RFC 8259 section 8.1),
//    and of a bounded size.
#include <sluice/plugin.h>

#include <cstddef>
#include <string>

namespace sluice {

// The largest source_partition or source_offset the host accepts, in bytes. Connect keeps them as
// small maps; anything near this size is a plugin bug that would bloat every offset flush.
inline constexpr size_t kMaxSourcePositionBytes = 64 * 1024;

// A copy of the first min(recordSize, sizeof(sluice_record)) bytes of *emitted, the rest defaulted.
sluice_record readEmittedRecord(const sluice_record* emitted, size_t recordSize);

// "" when the record's source position is acceptable; otherwise what is wrong with it, e.g.
// "source_offset is not valid UTF-8 (byte 7)".
std::string checkSourcePosition(const sluice_record& record);

}  // namespace sluice
