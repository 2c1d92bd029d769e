# The commands a user types. Each target installs what is missing first.
#   make demo    build, start the worker on the embedded cluster, run the reference pipeline
#   make test    build and run every test (ctest)
#   make build   build/bin/sluice and build/plugins/*.so
#   make bench   run the benchmarks
#   make fuzz    run every libFuzzer target (tests/fuzz/) for FUZZ_SECONDS each (clang, build-fuzz/)
# SANITIZE=1 builds with AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/,
# TSAN=1 with ThreadSanitizer into build-tsan/ (TSAN_OPTIONS: .ci/tsan.supp for librdkafka's internals).

SANITIZE ?= 0
TSAN ?= 0
ifeq ($(SANITIZE),1)
BUILD_DIR ?= build-asan
CMAKE_FLAGS += -DSLUICE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DSLUICE_BUILD_BENCH=OFF
else ifeq ($(TSAN),1)
BUILD_DIR ?= build-tsan
CMAKE_FLAGS += -DSLUICE_TSAN=ON -DCMAKE_BUILD_TYPE=Debug -DSLUICE_BUILD_BENCH=OFF
export TSAN_OPTIONS ?= suppressions=$(CURDIR)/.ci/tsan.supp halt_on_error=1 second_deadlock_stack=1
else
BUILD_DIR ?= build
endif
JOBS ?= $(shell nproc)
CTEST_ARGS ?=
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 300
FUZZ_TARGETS ?= rest_body worker_yaml connector_config json_converter datagen_schema pinot_validator

.PHONY: deps configure build test demo bench clean fuzz fuzz-build

deps:
	@scripts/install-deps.sh

# umask 022: the worker refuses plugins that group or others could write (plugin.path.permissions),
# so the built-in plugins must not inherit a shell's umask 002.
configure: deps
	@umask 022 && cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: configure
	@umask 022 && cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

demo: build
	@scripts/demo.sh $(BUILD_DIR)

bench: build
	@scripts/bench.sh $(BUILD_DIR)

# libFuzzer needs clang; the targets and their coverage-instrumented code live in their own build dir.
fuzz-build: deps
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -G Ninja -DSLUICE_FUZZ=ON -DSLUICE_BUILD_TESTS=OFF \
	  -DSLUICE_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets

# Each target fuzzes a scratch copy of its seed corpus (tests/fuzz/corpus/ stays as committed); a crash
# leaves its input in $(FUZZ_DIR)/artifacts/<target>/ and fails the run.
fuzz: fuzz-build
	@scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf build build-asan build-tsan build-fuzz

stack:  # needs docker: the full Kafka + ksqlDB + Pinot + Sluice stack (deploy/stack.sh)
	@deploy/stack.sh
