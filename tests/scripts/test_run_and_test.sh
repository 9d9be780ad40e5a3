#!/usr/bin/env bash
# test_run_and_test.sh: how ./run and ./test set up their build folders
# (scripts/lib/build.sh) and read their options, with stand-ins for meson,
# ninja and the package tools on PATH that record every call: a folder a
# failed setup left half-made is set up again, the first setup error is
# shown and kept (no --wipe retry overwrites it), a tree ninja cannot load
# is set up again, and --help or an unknown option runs nothing.
set -uo pipefail
root="${BSIM_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
tmp=$(mktemp -d /tmp/bsim-runtest-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export CALLS="$tmp/calls" FAKE="$tmp"
mkdir -p "$tmp/bin"
fails=0

# meson: "setup DIR [OPTIONS]" makes DIR the way real meson does (meson-private
# first, build.ninja last), or fails with $FAKE/setup-error's text.
cat >"$tmp/bin/meson" <<'SH'
#!/usr/bin/env bash
echo "meson $*" >>"$CALLS"
[ "$1" = setup ] || exit 0
shift
dir=""
for a in "$@"; do case "$a" in -*) ;; *) [ -n "$dir" ] || dir=$a ;; esac; done
mkdir -p "$dir/meson-private"
if [ -f "$FAKE/setup-error" ]; then cat "$FAKE/setup-error"; exit 1; fi
touch "$dir/meson-private/coredata.dat" "$dir/build.ninja"
echo "Build targets in project: 1"
SH
# ninja: fails once, as on a tree it cannot load, when $FAKE/ninja-fails exists.
cat >"$tmp/bin/ninja" <<'SH'
#!/usr/bin/env bash
echo "ninja $*" >>"$CALLS"
if [ -f "$FAKE/ninja-fails" ]; then
  rm -f "$FAKE/ninja-fails"
  echo "ninja: error: loading 'build.ninja': No such file or directory"
  exit 1
fi
echo "[1/1] Linking target bsim"
SH
for tool in dpkg-query apt-get sudo; do
  printf '#!/bin/sh\necho "%s $*" >>"$CALLS"\nexit 1\n' "$tool" >"$tmp/bin/$tool"
done
chmod +x "$tmp/bin"/*
export PATH="$tmp/bin:$PATH"

ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
expect() { # what, command...: the command must succeed
  local what=$1; shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}

# shellcheck source=../../scripts/lib/build.sh
. "$root/scripts/lib/build.sh"

# 1. A folder a failed setup left behind (meson-private, no build.ninja) is set up anew.
: >"$CALLS"
mkdir -p "$tmp/b1/meson-private" && touch "$tmp/b1/meson-private/stale"
bsim_build "$tmp/b1" "$tmp/b1.setup.log" "$tmp/b1.build.log" -Dwerror=true 2>"$tmp/err"
expect "half-made folder: built" test $? -eq 0
expect "half-made folder: meson setup ran, without --wipe" grep -qx "meson setup $tmp/b1 -Dwerror=true" "$CALLS"
expect "half-made folder: started from nothing" test ! -e "$tmp/b1/meson-private/stale"
expect "half-made folder: then ninja" grep -qx "ninja -C $tmp/b1" "$CALLS"

# 2. The first setup error is shown and kept; nothing runs after it.
: >"$CALLS"
echo "ERROR: the first real error" >"$tmp/setup-error"
bsim_build "$tmp/b2" "$tmp/b2.setup.log" "$tmp/b2.build.log" 2>"$tmp/err"
expect "failed setup: returns 1" test $? -eq 1
expect "failed setup: the error is shown" grep -q "ERROR: the first real error" "$tmp/err"
expect "failed setup: the log keeps it" grep -q "ERROR: the first real error" "$tmp/b2.setup.log"
expect "failed setup: one setup, no --wipe retry, no ninja" test "$(cat "$CALLS")" = "meson setup $tmp/b2"
# ...and the next run, once the cause is gone, sets the same folder up again.
rm -f "$tmp/setup-error"
: >"$CALLS"
bsim_build "$tmp/b2" "$tmp/b2.setup.log" "$tmp/b2.build.log" 2>"$tmp/err"
expect "after a failed setup: the next run builds" test $? -eq 0
expect "after a failed setup: set up again" grep -qx "meson setup $tmp/b2" "$CALLS"

# 3. A tree ninja cannot load is set up again, once.
: >"$CALLS"
touch "$tmp/ninja-fails"
bsim_build "$tmp/b2" "$tmp/b2.setup.log" "$tmp/b2.build.log" 2>"$tmp/err"
expect "invalid tree: built after setting up again" test $? -eq 0
expect "invalid tree: says why" grep -q "not a usable build folder" "$tmp/err"
expect "invalid tree: one setup, two ninja runs" \
  test "$(cat "$CALLS")" = "ninja -C $tmp/b2"$'\n'"meson setup $tmp/b2"$'\n'"ninja -C $tmp/b2"

# 4. --help prints the help and runs nothing; an unknown option is refused (exit 2) and runs nothing.
for cmd in test run; do
  : >"$CALLS"
  out=$("$root/$cmd" --help 2>&1)
  expect "./$cmd --help: exit 0" test $? -eq 0
  expect "./$cmd --help: names itself" grep -q "\./$cmd" <<<"$out"
  expect "./$cmd --help: runs nothing" test ! -s "$CALLS"
  out=$("$root/$cmd" --workers 2>&1)
  expect "./$cmd --workers: exit 2" test $? -eq 2
  expect "./$cmd --workers: says why" grep -q "unknown option \"--workers\"" <<<"$out"
  expect "./$cmd --workers: runs nothing" test ! -s "$CALLS"
done

[ "$fails" -eq 0 ]
