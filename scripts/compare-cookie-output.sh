#!/bin/bash
# compare-cookie-output.sh: `bsim cookie` must print byte for byte what it
# printed before a change that should not touch its output. Runs two
# builds of bsim (OLD, NEW) on every op file under tests/ and scenarios/,
# with the option sets below and from standard input, and compares exit
# code, stdout and stderr. Usage, from the source root:
#   scripts/compare-cookie-output.sh OLD_BSIM NEW_BSIM
# Prints each difference and, last, how many runs were compared.
set -u
old=$1 new=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0
same() {
	[ "$1" = "$2" ] && cmp -s "$tmp/o.out" "$tmp/n.out" && cmp -s "$tmp/o.err" "$tmp/n.err"
}
while IFS= read -r f; do
	for opts in "" "--explain" "--json" "--explain --json" "--session-restore" \
		"--engine firefox --explain" "--engine safari --explain --json" "--session-restore --json --explain" stdin; do
		if [ "$opts" = stdin ]; then
			"$old" cookie - <"$f" >"$tmp/o.out" 2>"$tmp/o.err"; oc=$?
			"$new" cookie - <"$f" >"$tmp/n.out" 2>"$tmp/n.err"; nc=$?
		else
			# shellcheck disable=SC2086 # the option sets are words
			"$old" cookie $opts "$f" >"$tmp/o.out" 2>"$tmp/o.err"; oc=$?
			# shellcheck disable=SC2086
			"$new" cookie $opts "$f" >"$tmp/n.out" 2>"$tmp/n.err"; nc=$?
		fi
		n=$((n + 1))
		if ! same "$oc" "$nc"; then
			bad=$((bad + 1))
			echo "differs: $f [$opts] exit $oc/$nc"
			diff "$tmp/o.out" "$tmp/n.out" | head -5
			diff "$tmp/o.err" "$tmp/n.err" | head -5
		fi
	done
done < <(find tests scenarios -name '*.ops' | sort)
echo "compared $n runs, $bad differ"
[ "$bad" -eq 0 ]
