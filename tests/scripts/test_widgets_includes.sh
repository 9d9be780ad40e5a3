#!/usr/bin/env bash
# test_widgets_includes.sh: the widget model is a page script, so
# sim/widgets may include from the floors below only the script view
# (include/bsim/script.h), plus sim/util, its own headers and system
# headers other than bsim's libraries (libcurl, libxml2, SQLite, libpsl,
# libidn2); and the script view itself hands on nothing but bsim/error.h and
# bsim/units.h, never the jar. Checked on the tree, and on a fake tree that
# breaks each rule, so the check can fail.
set -uo pipefail
shopt -s nullglob
root="${BSIM_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
tmp=$(mktemp -d /tmp/bsim-widgets-includes-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

# Every include that breaks the rules under $1 (a tree with sim/widgets and include/bsim), one per line.
offending() {
  local tree=$1 f line
  for f in "$tree"/sim/widgets/*.[ch]; do
    while IFS= read -r line; do
      case "$line" in
        *'"bsim/script.h"'* | *'"util/'* | *'"widgets/'*) ;;
        *'<curl/'* | *'<libxml/'* | *'<sqlite3.h>'* | *'<libpsl.h>'* | *'<idn2.h>'*) echo "${f#"$tree"/}: $line" ;;
        *'<'*) ;;
        *) echo "${f#"$tree"/}: $line" ;;
      esac
    done < <(grep -E '^[[:space:]]*#[[:space:]]*include' "$f")
  done
  while IFS= read -r line; do
    case "$line" in
      *'"bsim/error.h"'* | *'"bsim/units.h"'* | *'<std'*) ;;
      *) echo "include/bsim/script.h: $line" ;;
    esac
  done < <(grep -E '^[[:space:]]*#[[:space:]]*include' "$tree/include/bsim/script.h")
}

bad=$(offending "$root")
if [ -z "$bad" ]; then
  echo "ok - sim/widgets includes only the script view, util, its own headers and system headers"
else
  echo "not ok - includes that break the widget's floor:"
  sed 's/^/  /' <<<"$bad"
  fails=$((fails + 1))
fi

# The check itself: each forbidden include in a copy of the tree is named.
for inc in '"bsim/browser.h"' '"bsim/cookie.h"' '"net/url.h"' '"cookie/jar.h"' '<curl/curl.h>' '<sqlite3.h>'; do
  rm -rf "$tmp/tree"
  mkdir -p "$tmp/tree/sim/widgets" "$tmp/tree/include/bsim"
  cp "$root"/sim/widgets/*.[ch] "$tmp/tree/sim/widgets/"
  cp "$root/include/bsim/script.h" "$tmp/tree/include/bsim/"
  printf '#include %s\n' "$inc" >>"$tmp/tree/sim/widgets/model.c"
  if grep -qF "sim/widgets/model.c: #include $inc" <<<"$(offending "$tmp/tree")"; then
    echo "ok - a widget file including $inc is named"
  else
    echo "not ok - a widget file including $inc went unnoticed"
    fails=$((fails + 1))
  fi
done
rm -rf "$tmp/tree"
mkdir -p "$tmp/tree/sim/widgets" "$tmp/tree/include/bsim"
sed 's|#include "bsim/units.h"|#include "bsim/units.h"\n#include "bsim/cookie.h"|' "$root/include/bsim/script.h" \
  >"$tmp/tree/include/bsim/script.h"
if grep -qF 'include/bsim/script.h: #include "bsim/cookie.h"' <<<"$(offending "$tmp/tree")"; then
  echo "ok - a script view that hands on the jar is named"
else
  echo "not ok - a script view that hands on the jar went unnoticed"
  fails=$((fails + 1))
fi

[ "$fails" -eq 0 ]
