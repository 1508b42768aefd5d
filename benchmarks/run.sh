#!/usr/bin/env bash
# Builds the benchmarks jar and runs everything (JMH per-request path, then the load harness),
# 3 runs by default, writing Markdown tables to benchmarks/target/results.md.
# Extra arguments go to the harness, e.g.: benchmarks/run.sh --runs 5 --rate 2000 --open-seconds 20
# Load-harness options (defaults): --rate 2000 --open-seconds 10 --closed-seconds 10 --warmup-seconds 6 (per warm-up pass)
#   --slice-ms 1000 (bare and mesh alternate in slices this long) --concurrency 8
#   --tls both (plaintext|mtls|both) --mesh-telemetry on --slice-log false
# Parts: --heap true --fanout true --load true --jmh-warmup 3 --jmh-iterations 5; see BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -DskipTests package -pl benchmarks -am
exec java -jar benchmarks/target/benchmarks.jar all --out benchmarks/target/results.md "$@"
