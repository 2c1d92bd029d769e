/*
 * sluice/plugin.h: the C ABI between the Sluice host and its plugins.
 *
 * This header is the whole contract. It is pure C (C11 and C++ both compile it), and no C++ type
 * crosses it. Plugin authors in C++ should use <sluice/plugin.hpp>, which builds on this file.
 *
 * Rules (the host enforces them; a plugin that breaks one is refused, never half-loaded):
 *  1. Handshake. The host dlopen()s a .so with RTLD_NOW | RTLD_LOCAL, looks up the one exported
 *     symbol SLUICE_ENTRY_SYMBOL and calls it with the host API. The returned manifest is refused
 *     when it is NULL, its ABI major differs from the host's, its ABI minor is newer than the host's,
 *     any struct size it declares is smaller than that struct's first released (1.0) size, a plugin
 *     lacks a hook its kind requires, or a name is invalid or already taken.
 *  2. Versioning. Structs are append-only. A member added in a later minor is read only when the
 *     producer's struct_size shows it is present (SLUICE_HAS). tests/unit/abi_layout_test.cpp pins
 *     every size and offset and the hash of this file, so a change here is always deliberate.
 *  3. Memory. Descriptor strings and config tables are static; the host deep-copies them. Everything
 *     passed into a hook is borrowed for the duration of that call only. host->emit() copies, so a
 *     plugin may reuse its buffers as soon as emit returns. Whoever allocates frees. The host never
 *     dlclose()s a library (in ABI 1), so static data stays valid for the life of the process.
 *  4. Errors. Hooks return a sluice_status. Before returning an error a plugin should call
 *     host->set_error(ctx, message); the message becomes the task's `trace` in the REST status.
 *     No C++ exception may cross this boundary (the C++ SDK catches them all).
 *  5. Threading. create(), start(), poll(), apply(), tick(), held_offset(), put(), flush(),
 *     on_delivered() and destroy() of one instance are called on its task's thread, one at a time.
 *     stop() is the exception: it may come from another thread while poll(), put() or apply() runs,
 *     and must make that call return soon, so it must be safe to run concurrently with them (a flag
 *     the blocked call checks is enough). stop() never reaches an instance before or during its
 *     start(): a stop asked for while start() runs is delivered right after start() returns. stop()
 *     is called exactly once per instance, always before destroy(), even when start() failed or was
 *     never called because another plugin of the same task failed first. A task that does not
 *     return from a call within the worker's task.shutdown.graceful.timeout.ms after stop() is
 *     abandoned, as Connect abandons it: its thread keeps running until the call returns, then
 *     destroys the instance. poll() returns within timeout_ms even when there is no data. Plugins
 *     keep no mutable global state.
 *  6. Configuration crosses as strings (Kafka Connect's Map<String,String>). The host has already
 *     checked types, required keys and validators from the plugin's config table before validate()
 *     or create() is called.
 *  7. Tasks. A connector runs up to tasks.max tasks, each with its own instances on its own thread,
 *     and each instance finds "task.id" (0-based) and "task.count" among its props (Connect's
 *     Connector.taskConfigs(maxTasks)). A source must take a disjoint share of the work for its
 *     task.id (for example the files, tables or key ranges whose index modulo task.count equals
 *     task.id), or every record is produced task.count times. Kafka input needs nothing: the
 *     consumer group shares the partitions out.
 *  8. Offsets. A source names where each record came from with source_partition/source_offset.
 *     After each successful flush() of the sink the host calls on_delivered() once per source
 *     partition, with the last record of that partition the flush made durable (Connect's
 *     commitRecord; every earlier record of the partition is durable too), and records its offset,
 *     which the worker makes durable every offset.flush.interval.ms and read_offset() returns after
 *     a restart. Nothing is recorded for records the sink did not flush, so a restart resumes at or
 *     before the last durable record (at least once), never past it.
 */
#ifndef SLUICE_PLUGIN_H
#define SLUICE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define SLUICE_ABI_MAJOR 1
#define SLUICE_ABI_MINOR 1
#define SLUICE_ENTRY_SYMBOL "sluice_plugin_entry"

#if defined(__GNUC__) || defined(__clang__)
#define SLUICE_EXPORT __attribute__((visibility("default")))
#else
#define SLUICE_EXPORT
#endif

/* True when a struct produced by the other side (carrying struct_size) contains member m. */
#define SLUICE_HAS(ptr, type, m) ((ptr)->struct_size >= offsetof(type, m) + sizeof(((type*)0)->m))

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------- */
/* Status codes                                                                                     */

typedef int32_t sluice_status;
#define SLUICE_OK 0           /* success */
#define SLUICE_RETRY 1        /* transient failure: the host calls again later (errors.retry.*) */
#define SLUICE_END_OF_INPUT 2 /* source: nothing more will ever come; the task finishes cleanly */
#define SLUICE_ERR_CONFIG -1  /* the configuration is unusable; the instance fails */
#define SLUICE_ERR_FATAL -2   /* anything else; the instance fails with the message set_error gave */

/* Plugin kinds. The kind comes from here, never from the file name. */
typedef int32_t sluice_kind;
#define SLUICE_KIND_SOURCE 1
#define SLUICE_KIND_TRANSFORM 2
#define SLUICE_KIND_SINK 3

/* Log levels for host->log. */
#define SLUICE_LOG_TRACE 0
#define SLUICE_LOG_DEBUG 1
#define SLUICE_LOG_INFO 2
#define SLUICE_LOG_WARN 3
#define SLUICE_LOG_ERROR 4

/* ---------------------------------------------------------------------------------------------- */
/* Configuration definitions: Kafka Connect's ConfigDef as a static table.                           */

typedef int32_t sluice_config_type;
#define SLUICE_CFG_STRING 0
#define SLUICE_CFG_INT 1 /* 32-bit */
#define SLUICE_CFG_SHORT 2
#define SLUICE_CFG_LONG 3
#define SLUICE_CFG_DOUBLE 4
#define SLUICE_CFG_BOOLEAN 5
#define SLUICE_CFG_LIST 6 /* comma-separated */
#define SLUICE_CFG_CLASS 7
#define SLUICE_CFG_PASSWORD 8 /* shown as "[hidden]" by the REST API */

typedef int32_t sluice_importance;
#define SLUICE_IMPORTANCE_HIGH 0
#define SLUICE_IMPORTANCE_MEDIUM 1
#define SLUICE_IMPORTANCE_LOW 2

#define SLUICE_CFG_REQUIRED 1u /* flags: the key has no default and must be given */

/* One configuration key. OWNERSHIP: static, owned by the plugin; the host copies it at load. */
typedef struct sluice_config_def {
  const char* name;          /* dotted lower case, e.g. "kafka.topic"; never NULL */
  sluice_config_type type;   /* SLUICE_CFG_* */
  uint32_t flags;            /* SLUICE_CFG_REQUIRED or 0 */
  const char* default_value; /* NULL means the default is null (or, with REQUIRED, that there is none) */
  sluice_importance importance;
  int32_t order;             /* position within its group, -1 when unset */
  const char* documentation; /* one or two sentences; NULL means none */
  /* NULL means any value. "[min,max]" is an inclusive numeric range where either bound may be
     empty ("[1,]" is "at least 1"). Anything else is the comma-separated list of allowed values. */
  const char* validator;
  const char* group;         /* NULL means no group */
} sluice_config_def;

/* One configuration entry. OWNERSHIP: borrowed for the call it is passed to. value is never NULL. */
typedef struct sluice_kv {
  const char* key;
  const char* value;
} sluice_kv;

/* ---------------------------------------------------------------------------------------------- */
/* Records: views over bytes somebody else owns.                                                    */

/* A byte range. data == NULL means null (a Kafka tombstone value, a missing key); data != NULL with
   len == 0 means empty. OWNERSHIP: borrowed. */
typedef struct sluice_bytes {
  const uint8_t* data;
  size_t len;
} sluice_bytes;

typedef struct sluice_header {
  sluice_bytes key;   /* never null */
  sluice_bytes value; /* data == NULL means a null header value */
} sluice_header;

/* A record as it travels source -> transforms -> sink. Everything it points to is borrowed: valid for
   the duration of the hook call that received it, or, for a record passed to host->emit, until emit
   returns (emit copies). */
typedef struct sluice_record {
  sluice_bytes topic;        /* destination (source side) or origin (sink side); may be empty */
  int32_t partition;         /* -1 means unassigned: the Kafka producer's partitioner decides */
  int64_t timestamp_ms;      /* epoch milliseconds, -1 means none */
  sluice_bytes key;
  sluice_bytes value;
  const sluice_header* headers; /* NULL when header_count == 0 */
  size_t header_count;
  /* Connect's source partition and source offset, each a flat JSON object such as
     {"filename":"/tmp/in.txt"} / {"position":30}. Null for records without a source position. */
  sluice_bytes source_partition;
  sluice_bytes source_offset;
  int64_t kafka_offset;      /* the offset a record read from Kafka had, -1 otherwise */
} sluice_record;

/* ---------------------------------------------------------------------------------------------- */
/* The host side.                                                                                   */

typedef struct sluice_host_ctx sluice_host_ctx; /* one per instance (or per validate call); host-owned */
typedef struct sluice_batch sluice_batch;       /* an output collector; host-owned */
typedef struct sluice_instance sluice_instance; /* a plugin instance; plugin-owned */

typedef struct sluice_host_api {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
  /* Record why the next non-OK status is returned. Copies message. ctx: the instance's context. */
  void (*set_error)(sluice_host_ctx* ctx, const char* message);
  /* Log through the worker's logger (logger name "sluice.plugin.<name>"). Copies message. */
  void (*log)(sluice_host_ctx* ctx, int32_t level, const char* message);
  /* Append a copy of record to batch. The host reads only the first record_size bytes of *record
     (the plugin's manifest), so its sluice_record may be older and smaller than the host's. Returns
     SLUICE_OK, or SLUICE_ERR_FATAL when batch is NULL or the record's source_partition or
     source_offset is not a JSON object in valid UTF-8 of at most 64 KiB; such a record is not
     added, and the hook that emitted it fails with the reason, whatever it returns. */
  sluice_status (*emit)(sluice_batch* batch, const sluice_record* record);
  /* validate() only: attach an error to configuration key `key` (shown by .../config/validate). */
  void (*add_config_error)(sluice_host_ctx* ctx, const char* key, const char* message);
  /* Sources: the last committed source offset for a source partition (both flat JSON objects), as
     Connect's OffsetStorageReader. Returns NULL when none was committed. OWNERSHIP: the returned
     text belongs to the host and stays valid until the next call with the same ctx. */
  const char* (*read_offset)(sluice_host_ctx* ctx, const char* partition_json);

  /* ABI 1.1: present when SLUICE_HAS(host, sluice_host_api, report_health). */
  /* Sources and sinks that talk to an outside system (Kafka brokers, a database): whether they can
     reach it now. healthy == 0 marks the task degraded with message (e.g. "cannot reach Kafka brokers:
     1/1 brokers are down"): its REST status stays RUNNING, with the message and the time it started
     as its trace, and GET /health reports the worker unhealthy, naming the connector. healthy != 0
     clears it. Report changes, not every attempt. Any thread. Copies message. */
  void (*report_health)(sluice_host_ctx* ctx, int32_t healthy, const char* message);
} sluice_host_api;

/* ---------------------------------------------------------------------------------------------- */
/* The plugin side.                                                                                 */

/* One plugin. OWNERSHIP: static, owned by the plugin; the host copies names and config tables.
   A hook pointer that is NULL means "not implemented"; which hooks are required depends on kind. */
typedef struct sluice_plugin {
  uint32_t struct_size;
  sluice_kind kind;
  const char* name;                 /* [a-z0-9] words joined by '-', e.g. "windowed-aggregate" */
  const char* const* aliases;       /* NULL-terminated; NULL means none. Java class names go here. */
  const char* version;              /* the plugin's version, shown by GET /connector-plugins */
  const char* description;          /* one sentence */
  const sluice_config_def* config_defs; /* array of config_def_count entries; NULL when 0 */
  size_t config_def_count;

  /* Every kind. */
  /* Optional: checks beyond the table (cross-key rules). Report with host->add_config_error and
     return SLUICE_OK; return SLUICE_ERR_FATAL only when validation itself could not run. */
  sluice_status (*validate)(sluice_host_ctx* ctx, const sluice_kv* props, size_t n);
  /* Required: build an instance. *out is set on SLUICE_OK and untouched otherwise. ctx stays valid
     until destroy(); the plugin may keep it. */
  sluice_status (*create)(sluice_host_ctx* ctx, const sluice_kv* props, size_t n, sluice_instance** out);
  sluice_status (*start)(sluice_instance* self);  /* required: acquire resources, connect */
  void (*stop)(sluice_instance* self);            /* required: any thread; unblocks poll()/put() */
  void (*destroy)(sluice_instance* self);         /* required: frees everything create() made */

  /* Sources. */
  /* Required: emit 0..n records into out, returning within timeout_ms. SLUICE_END_OF_INPUT ends the
     task after the records emitted in this call are delivered. */
  sluice_status (*poll)(sluice_instance* self, sluice_batch* out, int32_t timeout_ms);
  /* Optional: the sink has made rec durable (Connect's commitRecord), and with it every earlier
     record of the same source partition: the host calls this after each successful sink flush for
     the last such record of each source partition (rec carries its source_partition/source_offset,
     or its topic/partition/kafka_offset for Kafka input). partition/offset say where it landed,
     -1 when unknown. */
  void (*on_delivered)(sluice_instance* self, const sluice_record* rec, int32_t partition, int64_t offset);

  /* Transforms. */
  /* Required: emit 0..n outputs for one input (0 filters it out). */
  sluice_status (*apply)(sluice_instance* self, const sluice_record* in, sluice_batch* out);
  /* Optional: time-driven emission (window closing on idle), called at least once a second. */
  sluice_status (*tick)(sluice_instance* self, int64_t now_ms, sluice_batch* out);
  /* Optional: for stateful transforms. The lowest Kafka offset of `topic`/`partition` whose record
     still contributes to state that has not been emitted, or -1 when nothing is held. The host never
     commits an input offset at or beyond it, so a restart replays what the state needs. */
  int64_t (*held_offset)(sluice_instance* self, const char* topic, int32_t partition);

  /* Sinks. */
  /* Required: take n records (an array of pointers, so struct growth never breaks the stride). */
  sluice_status (*put)(sluice_instance* self, const sluice_record* const* records, size_t n);
  /* Required: SLUICE_OK means everything put() so far is durable; the host then commits offsets. */
  sluice_status (*flush)(sluice_instance* self);
} sluice_plugin;

/* What sluice_plugin_entry returns. OWNERSHIP: static, owned by the plugin. */
typedef struct sluice_manifest {
  uint32_t struct_size;
  uint16_t abi_major;        /* SLUICE_ABI_MAJOR the plugin was built with */
  uint16_t abi_minor;        /* SLUICE_ABI_MINOR the plugin was built with */
  uint32_t config_def_size;  /* sizeof(sluice_config_def) as the plugin sees it (the array stride) */
  uint32_t record_size;      /* sizeof(sluice_record) as the plugin sees it */
  const sluice_plugin* const* plugins; /* one .so may carry several plugins */
  size_t plugin_count;
} sluice_manifest;

/* The only exported symbol. host is valid for the life of the process. Returning NULL means the
   plugin refuses to run with this host (the host reports "the plugin declined to load"). */
typedef const sluice_manifest* (*sluice_plugin_entry_fn)(const sluice_host_api* host);
SLUICE_EXPORT const sluice_manifest* sluice_plugin_entry(const sluice_host_api* host);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SLUICE_PLUGIN_H */
