#!/usr/bin/env bash
# test_install.sh: what `meson install` gives a user, in a temporary DESTDIR:
# every file where a distribution expects it (the binary, the schema, the
# public headers, libbsim.a and bsim.pc, the bsim(1) man page), the
# installed bsim running a scenario from a folder outside the source tree
# with no bsim variables set, the man page covering every command and
# option of the installed binary's help, and a small C program compiled and
# linked against the installed libbsim through the installed bsim.pc.
#
# usage: test_install.sh BUILD_DIR PREFIX BINDIR LIBDIR INCLUDEDIR DATADIR MANDIR SANITIZE
# (meson passes its own; the directories as meson's options give them)
set -uo pipefail
[ $# -eq 8 ] || { echo "usage: test_install.sh BUILD PREFIX BINDIR LIBDIR INCLUDEDIR DATADIR MANDIR SANITIZE" >&2; exit 2; }
build=$1 prefix=$2 sanitize=$8
under() { case "$1" in /*) echo "$1" ;; *) echo "$prefix/$1" ;; esac; }
bindir=$(under "$3") libdir=$(under "$4") includedir=$(under "$5") datadir=$(under "$6") mandir=$(under "$7")
root="${BSIM_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
tmp=$(mktemp -d /tmp/bsim-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
dest="$tmp/dest"
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
expect() { # what, command...
  local what=$1; shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}

if ! meson install -C "$build" --no-rebuild --destdir "$dest" >"$tmp/install.log" 2>&1; then
  cat "$tmp/install.log"
  echo "not ok - meson install --destdir failed"
  exit 1
fi
ok "meson install --destdir"

bsim="$dest$bindir/bsim"
expect "the binary: $bindir/bsim" test -x "$bsim"
expect "the library: $libdir/libbsim.a" test -f "$dest$libdir/libbsim.a"
expect "pkg-config file: $libdir/pkgconfig/bsim.pc" test -f "$dest$libdir/pkgconfig/bsim.pc"
expect "the schema: $datadir/bsim/bsim.rng, as in the source tree" cmp -s "$dest$datadir/bsim/bsim.rng" "$root/scenarios/bsim.rng"
expect "the man page: $mandir/man1/bsim.1" test -f "$dest$mandir/man1/bsim.1"
for h in "$root"/include/bsim/*.h; do
  expect "public header: $includedir/bsim/${h##*/}" cmp -s "$dest$includedir/bsim/${h##*/}" "$h"
done

# The installed binary, run from elsewhere with a clean environment: it must
# need nothing from the source tree (its schema is compiled in).
mkdir -p "$tmp/work"
cp "$root/scenarios/examples/navigate-set-cookie.xml" "$tmp/work/"
clean_env=(env -i PATH=/usr/bin:/bin HOME="$tmp" NO_COLOR=1)
(cd "$tmp/work" && "${clean_env[@]}" "$bsim" check navigate-set-cookie.xml) >"$tmp/check.log" 2>&1
expect "installed bsim check: a scenario is valid" test $? -eq 0
(cd "$tmp/work" && "${clean_env[@]}" "$bsim" run --no-timing navigate-set-cookie.xml) >"$tmp/run.log" 2>&1
expect "installed bsim run: exit 0" test $? -eq 0
expect "installed bsim run: every scenario passed" grep -qE '^[1-9][0-9]* passed, 0 failed' "$tmp/run.log"
printf '<scenarios><scenario name="x"><bogus/></scenario></scenarios>\n' >"$tmp/work/bad.xml"
(cd "$tmp/work" && "${clean_env[@]}" "$bsim" check bad.xml) >"$tmp/bad.log" 2>&1
expect "installed bsim check: an invalid file is refused (exit 2) by the compiled-in schema" test $? -eq 2

# The man page: a section for every command of the installed binary's help,
# every option of each command's help in it, and groff finds nothing wrong.
man="$dest$mandir/man1/bsim.1"
plain=$(sed 's/\\-/-/g; s/\\e/\\/g' "$man")
for cmd in $("$bsim" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p'); do
  [ "$cmd" = help ] && continue
  upper=$(echo "$cmd" | tr 'a-z' 'A-Z')
  expect "bsim.1 has a section for bsim $cmd" grep -qx ".SH BSIM $upper" <<<"$plain"
  missing=""
  for opt in $("$bsim" help "$cmd" | grep -oE -- '(^| |\[|,)--?[a-z][a-z-]*' | sed 's/^[ [,]//' | sort -u); do
    grep -qF -- "$opt" <<<"$plain" || missing="$missing $opt"
  done
  expect "bsim.1 has every option of bsim $cmd's help${missing:+ (missing:$missing)}" test -z "$missing"
done
if command -v groff >/dev/null; then
  expect "groff reads bsim.1 without a warning" test -z "$(groff -man -Tutf8 -ww -z "$man" 2>&1)"
fi

# A program using libbsim through the installed bsim.pc alone (it names its
# paths from where it lies, so PKG_CONFIG_PATH is all it takes).
cat >"$tmp/work/jar.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bsim/cookie.h>

int main(void)
{
	bsim_jar *jar;
	char *header;
	const char *set = "sid=42; Path=/";
	bsim_cookie_ctx nav = BSIM_COOKIE_CTX_NAVIGATE;
	if (bsim_jar_new(&jar, BSIM_ENGINE_CHROMIUM) != 0 ||
	    bsim_jar_set_cookie(jar, "https://www.example.com/", set, strlen(set), &nav) != 0 ||
	    bsim_jar_cookie_header(&header, jar, "https://www.example.com/cart", &nav) != 0) {
		fprintf(stderr, "jar: %s\n", bsim_error_last()->message);
		return 1;
	}
	printf("%s\n", header);
	free(header);
	bsim_jar_free(jar);
	return 0;
}
C
export PKG_CONFIG_PATH="$dest$libdir/pkgconfig"
if flags=$(pkg-config --cflags --libs bsim 2>"$tmp/pc.err"); then
  ok "pkg-config --cflags --libs bsim"
  san=()
  [ "$sanitize" = none ] || san=("-fsanitize=$sanitize")
  # shellcheck disable=SC2086 # the flags are words
  if cc -std=c11 -Wall -Wextra -Werror "${san[@]}" -o "$tmp/work/jar" "$tmp/work/jar.c" $flags 2>"$tmp/cc.err"; then
    ok "a C program compiles and links against the installed libbsim"
    expect "the program's jar sends the cookie" test "$("$tmp/work/jar")" = "sid=42"
  else
    bad "a C program compiles and links against the installed libbsim: $(head -5 "$tmp/cc.err")"
  fi
else
  bad "pkg-config --cflags --libs bsim: $(cat "$tmp/pc.err")"
fi

[ "$fails" -eq 0 ]
