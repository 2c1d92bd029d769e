# The commands a user types. Each target installs what is missing first.
#   make demo    build, start the worker on the embedded cluster, run the reference pipeline
#   make test    build and run every test (ctest)
#   make build   build/bin/sluice and build/plugins/*.so
#   make bench   run the benchmarks
# SANITIZE=1 builds with AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/.

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD_DIR ?= build-asan
CMAKE_FLAGS += -DSLUICE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DSLUICE_BUILD_BENCH=OFF
else
BUILD_DIR ?= build
endif
JOBS ?= $(shell nproc)
CTEST_ARGS ?=

.PHONY: deps configure build test demo bench clean

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

demo: build
	@scripts/demo.sh $(BUILD_DIR)

bench: build
	@scripts/bench.sh $(BUILD_DIR)

clean:
	rm -rf build build-asan

stack:  # needs docker: the full Kafka + ksqlDB + Pinot + Sluice stack (deploy/stack.sh)
	@deploy/stack.sh
