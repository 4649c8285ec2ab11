#!/usr/bin/env bash
# Fuzzes every parser that reads outside bytes with libFuzzer and
# AddressSanitizer: builds Fuzz/chorus-fuzz, then runs each target (one per
# directory of seeds in Fuzz/corpus/) for SECONDS_PER_TARGET (default 60).
# Prints executions per second and crashes per target; crash inputs stay in
# .fuzz-artifacts/ (replay one: CHORUS_FUZZ_TARGET=NAME
# .build-fuzz/debug/chorus-fuzz FILE). Exits 1 when any target crashed, hung
# or leaked. The first build takes ~14 min on 2 cores (every dependency with
# ASan); later ones are incremental as long as PATH is the same.
# CHORUS_FUZZ_SEED=N fixes libFuzzer's seed, so a short pass (CI's) tries
# the same inputs each time.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
scratch=.build-fuzz
artifacts=.fuzz-artifacts
mkdir -p "$artifacts"
flags=(--scratch-path "$scratch" -j 1 --product chorus-fuzz --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer)
seed=()
if [ -n "${CHORUS_FUZZ_SEED:-}" ]; then seed=(-seed="$CHORUS_FUZZ_SEED"); fi
start=$SECONDS
if ! CHORUS_FUZZ=1 swift build "${flags[@]}" >"$artifacts/build.log" 2>&1; then
  grep -v "Cannot export local symbol" "$artifacts/build.log" | tail -40 >&2
  echo "fuzz.sh: the fuzz build failed (log: $artifacts/build.log)" >&2
  exit 1
fi
bin="$(CHORUS_FUZZ=1 swift build "${flags[@]}" --show-bin-path)/chorus-fuzz"
echo "fuzz.sh: built in $((SECONDS - start)) s; ${seconds} s per target"
failed=0
printf '%-18s %10s %12s  %s\n' target exec/s runs crashes
for seeds in Fuzz/corpus/*/; do
  target="$(basename "$seeds")"
  corpus="$scratch/corpus/$target"   # new inputs land here, not in the repository
  mkdir -p "$corpus"
  log="$artifacts/$target.log"
  before="$(ls "$artifacts" | grep -c "^$target-" || true)"
  status=0
  SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=Fuzz/lsan.supp CHORUS_FUZZ_TARGET="$target" "$bin" "$corpus" "$seeds" \
    -max_total_time="$seconds" "${seed[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$target-" >"$log" 2>&1 || status=$?
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  found=$(( $(ls "$artifacts" | grep -c "^$target-" || true) - before ))
  if [ "$status" -ne 0 ]; then
    failed=1
    printf '%-18s %10s %12s  %s\n' "$target" "${rate:-?}" "${runs:-?}" "$found (exit $status; $log)"
    grep -m1 -E "Fatal error|Precondition failed|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)" "$log" | cut -c1-300 >&2 || true
  else
    printf '%-18s %10s %12s  %s\n' "$target" "${rate:-?}" "${runs:-?}" 0
  fi
done
echo "fuzz.sh: done in $((SECONDS - start)) s"
exit "$failed"
