#!/usr/bin/env bash
# Installs what building and testing need, idempotently: the wasm target,
# wasm-bindgen-cli and wasm-pack at the pinned versions, the npm packages,
# and (with --browser) the three browser engines the tests drive: Debian's
# Chromium + ChromeDriver, Firefox ESR + geckodriver (built from crates: it
# is not a Debian package), WebKitGTK's WebKitWebDriver + MiniBrowser, and
# Xvfb for WebKitGTK, which needs a display.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

# The CLI must match the crate's pinned wasm-bindgen exactly. Without
# --locked: with it the install fails on a webpki-roots version the registry lacks.
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
if ! command -v wasm-pack >/dev/null; then
  cargo install wasm-pack --locked
fi

# npm packages (binaryen's wasm-opt, the test oracles, Vite, Chart.js, playwright-core).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi

if [ "${1:-}" = "--browser" ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v firefox-esr >/dev/null \
    || ! command -v WebKitWebDriver >/dev/null || ! command -v Xvfb >/dev/null; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium chromium-driver firefox-esr webkit2gtk-driver xvfb xauth
  fi
  if ! command -v geckodriver >/dev/null; then
    cargo install geckodriver --locked
  fi
fi
