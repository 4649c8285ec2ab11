#!/usr/bin/env bash
# The project's whole test command (README's second command; CI runs it).
# Builds every target, then runs the test suite under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build
swift test --sanitize=thread --scratch-path .build-tsan 2>&1 | tee /tmp/chorus-test.log
