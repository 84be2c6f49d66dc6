#!/usr/bin/env bash
# Builds the npm package into pkg/: the web, bundler and nodejs targets,
# size-optimised with npm's binaryen wasm-opt (never Debian's: its v108
# produces modules that fail to load).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"

WASM_OPT="$PWD/node_modules/.bin/wasm-opt"
NAME=chats_per_department

rm -rf pkg
for target in web bundler nodejs; do
  wasm-pack build --quiet --release --target "$target" --out-dir "pkg/$target" --out-name "$NAME" --no-pack
  rm -f "pkg/$target/.gitignore"
  wasm="pkg/$target/${NAME}_bg.wasm"
  "$WASM_OPT" -O3 --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$wasm" -o "$wasm.opt"
  mv "$wasm.opt" "$wasm"
  # wasm-bindgen types the raw exports (InitOutput) with `any`; nothing
  # public may be `any`, so they become `unknown`.
  for dts in "pkg/$target/$NAME.d.ts" "pkg/$target/${NAME}_bg.wasm.d.ts"; do
    sed -i -E 's/\bany\b/unknown/g' "$dts"
  done
done
# The nodejs target is CommonJS inside an ESM package; its inline JS
# snippets are written as ES modules, so turn their exports into CommonJS
# (works on every Node version, unlike require() of an ES module).
echo '{"type":"commonjs"}' > pkg/nodejs/package.json
for snippet in pkg/nodejs/snippets/*/*.js; do
  [ -e "$snippet" ] || continue
  names=$(sed -nE 's/^export function ([A-Za-z0-9_$]+).*/\1/p' "$snippet")
  sed -i -E 's/^export function /function /' "$snippet"
  for name in $names; do echo "exports.$name = $name;" >> "$snippet"; done
done
cp packaging/package.json packaging/node.mjs packaging/node.d.ts pkg/
cp README.md pkg/

raw=$(stat -c %s "pkg/web/${NAME}_bg.wasm")
gz=$(gzip -9 -c "pkg/web/${NAME}_bg.wasm" | wc -c)
echo "built pkg/: ${NAME}_bg.wasm ${raw} bytes, ${gz} bytes gzipped"
