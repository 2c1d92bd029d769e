#!/usr/bin/env bash
# Installs the Debian packages Sluice builds, tests and benchmarks with. Idempotent: quiet and fast
# when everything is present; uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git curl
  librdkafka-dev libcpp-httplib-dev libyaml-cpp-dev libcurl4-openssl-dev
  libgtest-dev libgmock-dev nlohmann-json3-dev libsimdjson-dev libspdlog-dev libcli11-dev
  libbenchmark-dev kcat
  libssl-dev libcrypt-dev openssl   # the https listener (OpenSSL), crypt(3) password hashes; openssl makes test certificates
  wrk   # bench/rest_load.sh: the REST load rows
  clang libclang-rt-14-dev   # make fuzz: clang's libFuzzer, ASan and UBSan runtimes (Debian 12's clang is 14)
  docker-compose   # only to validate deploy/docker-compose.yml in the tests (no engine needed)
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
