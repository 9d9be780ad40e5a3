#!/usr/bin/env bash
# test_count_tests.sh: scripts/count-tests, which makes ./test's last line,
# on fake meson test logs: a suite killed by meson's timeout, one that
# crashed, one that failed after its tests passed (a leak found at exit),
# skipped Criterion tests, scripts that pass, skip or fail. Each case gives
# the line it must count to; a run that failed can never read "0 failed".
set -uo pipefail
root="${BSIM_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
count="$root/scripts/count-tests"
tmp=$(mktemp -d /tmp/bsim-count-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

syn() { # passing failing crashing: a Criterion synthesis line, as JSON string content
  printf '[====] Synthesis: Tested: %d | Passing: %d | Failing: %d | Crashing: %d \\n' $(($1 + $2 + $3)) "$1" "$2" "$3"
}
entry() { # name result stderr
  printf '{"name": "%s", "result": "%s", "returncode": 0, "stdout": "", "stderr": "%s"}\n' "$1" "$2" "$3"
}
check() { # what, expected "P F S", log lines on stdin
  local what=$1 want=$2 got
  cat >"$tmp/testlog.json"
  got=$("$count" "$tmp/testlog.json" 2>"$tmp/err")
  if [ "$got" = "$want" ]; then
    echo "ok - $what"
  else
    echo "not ok - $what: got \"$got\", want \"$want\" ($(cat "$tmp/err"))"
    fails=$((fails + 1))
  fi
}

entry jar OK "$(syn 5 0 0)" | check "passing suite" "5 0 0"
entry jar TIMEOUT "[RUN ] jar::slow\\n" | check "suite killed by the timeout, no synthesis" "0 1 0"
entry jar ERROR "" | check "suite that printed nothing" "0 1 0"
entry jar FAIL "$(syn 3 1 0)" | check "suite with one failing test" "3 1 0"
entry jar FAIL "$(syn 2 0 1)" | check "suite with a crashing test" "2 1 0"
entry jar FAIL "$(syn 4 0 0)==1==ERROR: LeakSanitizer: detected memory leaks\\n" |
  check "failed at exit after its tests passed" "4 1 0"
entry wpt OK "[SKIP] wpt::chromium: not found\\n[SKIP] wpt::firefox: not found\\n$(syn 0 0 0)" |
  check "skipped Criterion tests" "0 0 2"
entry wpt OK "\\u001b[0;33m[SKIP]\\u001b[0m wpt::chromium: not found\\n$(syn 1 0 0)" |
  check "skip tag in colour" "1 0 1"
{ entry install OK ""; entry manpage SKIP ""; entry clone FAIL ""; } | check "scripts without synthesis" "1 1 1"
{
  entry jar OK "$(syn 7 0 0)"
  entry dates TIMEOUT ""
  entry wpt OK "[SKIP] wpt::x: y\\n$(syn 0 0 0)"
} | check "a whole run with a timed-out suite" "7 1 1"
# No log at all (meson test could not start): an error, not a count.
if "$count" "$tmp/missing.json" >/dev/null 2>&1; then
  echo "not ok - a missing log is an error"; fails=$((fails + 1))
else
  echo "ok - a missing log is an error"
fi

[ "$fails" -eq 0 ]
