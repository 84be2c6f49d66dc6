#!/usr/bin/env bash
# The dashboard: `build` generates the bundled sample into www/public/sample
# and builds www/ with Vite into www/dist; `dev` runs Vite's dev server.
# Needs the package built first (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-build}" in
  build)
    node www/sample/generate.mjs
    npx --no-install vite build --config www/vite.config.mjs
    ;;
  dev)
    node www/sample/generate.mjs
    # At info level, so that the dev server prints its URL (builds stay quiet).
    exec npx --no-install vite --config www/vite.config.mjs --logLevel info
    ;;
  *) echo "usage: $0 build|dev" >&2; exit 2 ;;
esac
