#!/usr/bin/env bash
# The test suite on a busy machine: runs it RUNS times in a row while HOGS busy loops (one core each) spin
# beside it, each bounded to HOG_SECONDS so that nothing is left spinning, and prints one line per run (wall
# time, load average before and after, result). Fails when a run fails. Issue 12 point 7 asks for three
# green runs beside two busy loops.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres test/bench/busy-suite.sh
#   RUNS=1 HOGS=2 HOG_SECONDS=600 test/bench/busy-suite.sh
#   SUITE='npm test' test/bench/busy-suite.sh      # the whole of npm test (build and lint included)
#
# By default the suite is the unit, integration and e2e jest projects after one build (the CLI tests run
# dist/); the jest output of run N is kept in $OUT_DIR/run-N.log.
set -euo pipefail

RUNS=${RUNS:-3}
HOGS=${HOGS:-2}
HOG_SECONDS=${HOG_SECONDS:-900}
SUITE=${SUITE:-"npm run jest -- --selectProjects unit integration e2e"}
OUT_DIR=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/glc-busy-suite.XXXXXX")}

cd "$(dirname "$0")/../.."
if [[ -z "${DATABASE_URL:-}" ]]; then
  echo "busy-suite: DATABASE_URL is not set: the suite runs on the embedded database" >&2
fi

hog_pids=()
stop_hogs() {
  # Only the loops this script started, by their ids.
  for pid in "${hog_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${hog_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  hog_pids=()
}
trap stop_hogs EXIT INT TERM

start_hogs() {
  for _ in $(seq "$HOGS"); do
    node -e "const end = Date.now() + ${HOG_SECONDS} * 1000; while (Date.now() < end) {}" &
    hog_pids+=("$!")
  done
}

load() { cut -d' ' -f1 /proc/loadavg; }

if [[ "$SUITE" != npm\ test* ]]; then npm run build --silent; fi

failed=0
summary=()
for run in $(seq "$RUNS"); do
  start_hogs
  sleep 5 # the loops are already spinning when the suite starts
  load_before=$(load)
  started=$(date +%s)
  if bash -c "$SUITE" >"$OUT_DIR/run-$run.log" 2>&1; then result=passed; else result=FAILED; failed=1; fi
  seconds=$(($(date +%s) - started))
  load_after=$(load)
  stop_hogs
  suites=$(grep -E '^Test Suites:' "$OUT_DIR/run-$run.log" | tail -1 || true)
  summary+=("run $run: ${seconds} s, load ${load_before} -> ${load_after}, ${HOGS} busy loops, $result (${suites:-no jest summary})")
  echo "${summary[-1]}"
done

echo "--- $(nproc) cores, suite: $SUITE, logs in $OUT_DIR"
printf '%s\n' "${summary[@]}"
exit "$failed"
