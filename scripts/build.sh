#!/usr/bin/env bash
# Builds the npm package into pkg/: one size-optimised .wasm (npm binaryen's
# wasm-opt; never Debian's v108, whose modules fail to load), the web build
# (ES module, browsers and bundlers) and the nodejs build (CommonJS, Node's
# `require` and `import` alike), the hand-written entries and types.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"

WASM_OPT="$PWD/node_modules/.bin/wasm-opt"
NAME=chats_per_department

cargo build --quiet --release --target wasm32-unknown-unknown
rm -rf pkg
mkdir -p pkg
for target in web nodejs; do
  out=pkg/$target
  [ "$target" = nodejs ] && out=pkg/node
  wasm-bindgen --target "$target" --out-dir "$out" --out-name "$NAME" \
    "target/wasm32-unknown-unknown/release/$NAME.wasm"
done
# --converge: the same passes, repeated until the module stops shrinking
# (about 30 bytes gzipped of the 100 KB budget). --low-memory-unused: a
# constant added to an address joins the load's offset (the saving is in
# docs/performance.md). Binaryen may assume so because nothing lives below
# 1 KiB: the stack comes first and grows down from 1 MiB toward 0 (the
# data segments start above it), so only a stack within 1 KiB of
# overflowing reaches there, and an address that wraps then traps instead
# of reading low memory.
"$WASM_OPT" -O3 --converge --low-memory-unused --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "pkg/web/${NAME}_bg.wasm" -o "pkg/web/${NAME}_bg.wasm"
# The types are packaging/types/ (hand-written, tested against the exports).
rm -f pkg/*/"$NAME.d.ts" pkg/*/"${NAME}_bg.wasm.d.ts"
# One .wasm: the targets emit the same module, so the nodejs build loads the
# web build's copy, and its CommonJS gets its JS snippets as CommonJS.
node scripts/node-build.mjs pkg/node "$NAME"

cp packaging/package.json packaging/web.js packaging/node.cjs packaging/node.mjs packaging/README.md packaging/types/wasm.d.ts LICENSE pkg/
cp packaging/types/wasm.d.ts pkg/wasm.d.cts
cat packaging/types/api.d.ts packaging/types/web.tail.d.ts > pkg/web.d.ts
cat packaging/types/api.d.ts packaging/types/node.tail.d.ts > pkg/node.d.mts
cat packaging/types/api.d.ts packaging/types/node.tail.d.ts > pkg/node.d.cts

raw=$(stat -c %s "pkg/web/${NAME}_bg.wasm")
gz=$(gzip -9 -c "pkg/web/${NAME}_bg.wasm" | wc -c)
echo "built pkg/: ${NAME}_bg.wasm ${raw} bytes, ${gz} bytes gzipped"
