#!/usr/bin/env bash
# `npm run build:targets`: every binary this machine can build, each checked as far as this
# machine can check it (scripts/check-binaries.js). Windows msvc is built by the release
# workflow only: its CRT and SDK come from no registry.
#
#   aarch64-unknown-linux-gnu   Debian's prebuilt arm64 std, zig as linker; run under QEMU
#   x86_64-unknown-linux-musl   build-std, zig; symbol check against musl
#   aarch64-unknown-linux-musl  build-std, zig; symbol check against musl (under QEMU)
#   x86_64-apple-darwin         build-std, zig (no SDK needed); Mach-O structural check
#   aarch64-apple-darwin        build-std, zig; Mach-O structural check, ad-hoc signature
#   wasm32-wasip1               scripts/build-wasm.sh; loaded and used in Node
#
# Binaries land in target/cross/artifacts/ under their release names (what the workflow's
# build jobs upload). Pass target triples to build only those: build:targets -- x86_64-apple-darwin
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/toolchain.sh cross
tools="$PWD/.tmp/toolchain"
out="$PWD/target/cross/artifacts"
mkdir -p "$out" "$tools/bin"
# rustc strips Apple binaries with `rust-objcopy`, which rustup ships and Debian's Rust does not;
# LLVM's own objcopy is the same tool.
ln -sfn /usr/bin/llvm-objcopy-14 "$tools/bin/rust-objcopy"

all=(aarch64-unknown-linux-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-musl x86_64-apple-darwin aarch64-apple-darwin wasm32-wasip1)
targets=("${@:-${all[@]}}")
[ $# -eq 0 ] && targets=("${all[@]}")

for target in "${targets[@]}"; do
  echo "== $target"
  started=$SECONDS
  if [ "$target" = wasm32-wasip1 ]; then
    scripts/build-wasm.sh
    cp ssr-hmr.wasm32-wasip1.wasm "$out/"
  else
    (
      # Debian's Rust first (it can build std for any target), then zig and cargo-zigbuild.
      export PATH="$tools/venv/bin:$tools/bin:/usr/bin:$PATH"
      unset RUSTUP_TOOLCHAIN
      case "$target" in
        aarch64-unknown-linux-gnu) ;; # libstd-rust-web-dev:arm64 is a prebuilt std
        *) export RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_unwind ;;
      esac
      # The oldest macOS each binary supports: 10.13 as napi-rs projects ship, 11.0 for arm64
      # (the first macOS on Apple silicon). zig would otherwise stamp its own default (15.0).
      case "$target" in
        x86_64-apple-darwin) export MACOSX_DEPLOYMENT_TARGET=10.13 ;;
        aarch64-apple-darwin) export MACOSX_DEPLOYMENT_TARGET=11.0 ;;
      esac
      npx napi build --platform --release --target "$target" --cross-compile \
        --manifest-path crates/ssr_hmr_binding/Cargo.toml --package-json-path package.json \
        --target-dir target/cross --output-dir "$out" --no-js
    )
  fi
  echo "== $target built in $((SECONDS - started)) s"
done

node scripts/check-binaries.js "$out" "${targets[@]}"
