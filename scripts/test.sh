#!/usr/bin/env bash
# Runs every test: the gates (rustfmt, clippy native and wasm32, ESLint),
# native Rust (unit, conformance, property, doc), wasm-bindgen tests in
# Node and in three browser engines (Chromium, Firefox ESR, WebKitGTK), the
# TypeScript surface, the package as consumers use it, the differential
# suites against real oracles (also inside each engine), and the page tests
# (the main path in each engine). Fails on the first failing suite; a
# browser run that executes zero tests, or runs somewhere else, counts as a
# failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
bash scripts/build.sh
bash scripts/www.sh build
export PATH="$HOME/.cargo/bin:$PATH"
log=$(mktemp -d)

step() { printf '\n=== %s\n' "$*"; }

# The output must show tests/wasm.rs really ran (count > 0), and in a
# browser run, in the browser named.
wasm_tests_ran() {
  local count
  count=$(sed -n '/Running tests\/wasm.rs/,$p' "$1" | grep -m1 -oE 'test result: ok\. [0-9]+ passed' | grep -oE '[0-9]+' || true)
  if [ -z "$count" ] || [ "$count" -eq 0 ]; then
    echo "FAIL: $2 ran no wasm tests"; return 1
  fi
  if [ -n "${3:-}" ] && ! grep -q "Running headless tests in $3" "$1"; then
    echo "FAIL: the $2 run did not run in $3"; return 1
  fi
  echo "$2: $count wasm-bindgen tests passed"
}

step "gates: rustfmt, clippy (native and wasm32), ESLint"
cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --all-targets --target wasm32-unknown-unknown -- -D warnings
npx --no-install eslint .
# The module's size budget: 100 KB gzipped (docs/architecture.md).
gz=$(gzip -9 -c pkg/web/chats_per_department_bg.wasm | wc -c)
if [ "$gz" -gt 102400 ]; then echo "FAIL: the .wasm is $gz bytes gzipped, over the 100 KB budget"; exit 1; fi
echo "gates: ok (.wasm $gz bytes gzipped, budget 102400)"

step "native: cargo test (unit, conformance, property, doc tests)"
cargo test --quiet 2>&1 | tee "$log/native.txt"

step "wasm-bindgen tests in Node"
wasm-pack test --node 2>&1 | tee "$log/node.txt"
wasm_tests_ran "$log/node.txt" "Node"

step "wasm-bindgen tests in headless Chromium"
WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome --chromedriver "$(command -v chromedriver)" 2>&1 | tee "$log/chrome.txt"
wasm_tests_ran "$log/chrome.txt" "Chromium" "Chrome"

step "wasm-bindgen tests in headless Firefox ESR"
WASM_BINDGEN_USE_BROWSER=1 WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/tests/engines/firefox.json" \
  wasm-pack test --headless --firefox --geckodriver "$(command -v geckodriver)" 2>&1 | tee "$log/firefox.txt"
wasm_tests_ran "$log/firefox.txt" "Firefox ESR" "Firefox"

step "wasm-bindgen tests in WebKitGTK (WebKitWebDriver, under Xvfb)"
# wasm-pack knows Safari only on macOS; the runner itself speaks to any
# WebDriver named by SAFARIDRIVER, here WebKitGTK's.
WASM_BINDGEN_USE_BROWSER=1 SAFARIDRIVER="$(command -v WebKitWebDriver)" WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/tests/engines/webkit.json" \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  xvfb-run -a cargo test --target wasm32-unknown-unknown --test wasm 2>&1 | tee "$log/webkit.txt"
wasm_tests_ran "$log/webkit.txt" "WebKitGTK" "Safari"

step "TypeScript surface"
npx --no-install tsc -p tests/types/tsconfig.json
if grep -nE '\bany\b' pkg/*.d.ts pkg/*.d.?ts | grep -vE '^[^:]+:[0-9]+:\s*(\*|//)'; then echo "FAIL: 'any' in the published types"; exit 1; fi
echo "types: ok, no 'any'"

step "JS: the package as consumers use it, differential suites (ajv@8, Node's Date.parse under several TZ, mingo pipelines), the library in three engines, page tests"
node --test --test-concurrency=1 --test-reporter=spec tests/serve/*.test.mjs tests/package/*.test.mjs tests/boundary/*.test.mjs tests/saved/*.test.mjs tests/differential/*.test.mjs tests/engines/*.test.mjs www/*.test.mjs 2>&1 | tee "$log/js.txt"
node scripts/engines-report.mjs

printf '\nall suites passed\n'
