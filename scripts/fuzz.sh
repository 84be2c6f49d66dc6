#!/usr/bin/env bash
# The fuzz campaign: each cargo-fuzz target for
# SECONDS (default 1800, i.e. 30 CPU minutes), one after another, then the
# executions and coverage each reached. Findings land in fuzz/artifacts/;
# copy each into fuzz/regressions/<target>/ so that plain `cargo test`
# replays it (tests/fuzz_regressions.rs).
#   bash scripts/fuzz.sh [SECONDS] [TARGET ...]      (npm run fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-1800}"
shift || true
targets=("${@:-params date readers index stream snapshot}")
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
mkdir -p fuzz/logs
for target in ${targets[@]}; do
  cargo +nightly fuzz run "$target" -- -max_total_time="$seconds" -print_final_stats=1 2>&1 | tee "fuzz/logs/$target.log" | grep -E "DONE|ERROR|panicked" || true
  grep -E "stat::number_of_executed_units|cov:" "fuzz/logs/$target.log" | tail -2
done
