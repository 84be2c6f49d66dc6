#!/usr/bin/env bash
# The main job: builds everything, generates the bundled sample, prints the
# chart for it, and serves the dashboard on http://127.0.0.1:${PORT:-8080}/.
#   bash scripts/start.sh --proxy https://chat.example.com/   also proxies the
#   page's /api/ to that Rocket.Chat server (no CORS setting needed there).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
bash scripts/www.sh build
node scripts/summary.mjs
exec node scripts/serve.mjs www/dist "$@"
