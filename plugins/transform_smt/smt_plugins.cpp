// The transform-smt library: Kafka Connect's common single message transforms as native plugins.
#include "cast.hpp"
#include "extract_field.hpp"
#include "filter.hpp"
#include "flatten.hpp"
#include "headers.hpp"
#include "hoist_field.hpp"
#include "insert_field.hpp"
#include "mask_field.hpp"
#include "regex_router.hpp"
#include "replace_field.hpp"
#include "timestamp_converter.hpp"
#include "timestamp_router.hpp"
#include "value_to_key.hpp"

namespace s = sluice::smt;

SLUICE_PLUGINS(s::InsertFieldKey, s::InsertFieldValue, s::ReplaceFieldKey, s::ReplaceFieldValue, s::MaskFieldKey,
               s::MaskFieldValue, s::ValueToKey, s::ExtractFieldKey, s::ExtractFieldValue, s::CastKey, s::CastValue,
               s::TimestampRouter, s::RegexRouter, s::Filter, s::HoistFieldKey, s::HoistFieldValue, s::FlattenKey,
               s::FlattenValue, s::InsertHeader, s::DropHeaders, s::HeaderFromKey, s::HeaderFromValue,
               s::TimestampConverterKey, s::TimestampConverterValue)
