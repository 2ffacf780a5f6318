#!/usr/bin/env bash
# `npm run build:wasm`: the WebAssembly fallback (wasm32-wasip1) with Debian's toolchain only.
#
# rustup here has no wasm32 standard library and cannot download one, so this build uses
# Debian's second Rust toolchain (rustc-web/cargo-web, with the std source in rust-web-src) and
# builds std itself (build-std). The C pieces std links against (crt1-reactor.o, libc.a) come
# from Debian's wasi-libc, which is single-threaded: that is why the target is wasm32-wasip1 and
# not the threaded wasm32-wasip1-threads (see README, "Platforms"). wasm-ld is lld-22's.
# Nothing is written outside the repository: rustc is given a private sysroot (symlinks into
# /usr) in target/wasi/sysroot. Outputs land in the repository root, as `npm run build` does:
# ssr-hmr.wasm32-wasip1.wasm and its loaders (ssr-hmr.wasip1*.{cjs,js,d.cts,d.ts}). Arguments are
# passed on to `napi build` (`npm test` adds `--features testing`).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for need in /usr/bin/rustc /usr/bin/cargo /usr/lib/rustlib/src/rust/library/std /usr/lib/wasm32-wasi/crt1-reactor.o /usr/bin/wasm-ld-22; do
  [ -e "$need" ] || missing+=("$need")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "build:wasm needs Debian's rustc-web, cargo-web, rust-web-src, wasi-libc and lld-22; missing: ${missing[*]}" >&2
  echo "install them with: scripts/toolchain.sh wasm" >&2
  exit 1
fi

work="$PWD/target/wasi"
sysroot="$work/sysroot"
selfcontained="$sysroot/lib/rustlib/wasm32-wasip1/lib/self-contained"
mkdir -p "$selfcontained"
for dir in x86_64-unknown-linux-gnu src etc; do ln -sfn "/usr/lib/rustlib/$dir" "$sysroot/lib/rustlib/$dir"; done
for file in /usr/lib/wasm32-wasi/*; do ln -sfn "$file" "$selfcontained/"; done
cat > "$work/rustc" <<WRAP
#!/bin/sh
exec /usr/bin/rustc --sysroot "$sysroot" "\$@"
WRAP
chmod +x "$work/rustc"

export PATH="/usr/bin:$PATH"
export RUSTC="$work/rustc"
export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_TARGET_WASM32_WASIP1_LINKER=/usr/bin/wasm-ld-22
unset RUSTUP_TOOLCHAIN

exec npx napi build --platform --release --target wasm32-wasip1 \
  --manifest-path crates/ssr_hmr_binding/Cargo.toml --package-json-path package.json \
  --target-dir target/wasi --output-dir . --js binding.cjs --dts binding.d.cts "$@"
