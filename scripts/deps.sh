#!/usr/bin/env bash
# Installs the Debian 12 packages safemodel needs to build, test and fuzz,
# skipping the apt round trip when everything is already there.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build pkg-config
  capnproto libcapnp-dev libsodium-dev libseccomp-dev libzip-dev
  zlib1g-dev libbz2-dev liblzma-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev pybind11-dev
  clang-14 libclang-rt-14-dev llvm-14
  minisign coreutils python3 python3-dev python3-numpy python3-sklearn python3-pandas
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
