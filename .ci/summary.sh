#!/usr/bin/env bash
# Usage: summary.sh <vitest log> <exit status of the test command>
# Prints "N passed, N failed" from vitest's summary line and exits non-zero
# when the command failed, when any test failed, or when there is no summary
# (the suite never ran: a failed global setup, say), whatever the exit status.
set -uo pipefail
log=$1
status=$2

# vitest's summary line: "Tests  12 passed | 1 failed (13)"
summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^\s+Tests\s' | tail -n 1)
passed=$(grep -oE '[0-9]+ passed' <<<"$summary" | grep -oE '[0-9]+' || true)
failed=$(grep -oE '[0-9]+ failed' <<<"$summary" | grep -oE '[0-9]+' || true)
passed=${passed:-0}
failed=${failed:-0}
if [ -z "$summary" ]; then failed=$((failed > 0 ? failed : 1)); fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed"
if [ "$failed" -gt 0 ]; then exit 1; fi
exit 0
