#!/usr/bin/env bash
# bench/ab/outputs.sh: do two revisions of dri give the same outputs?
#
#   bench/ab/outputs.sh OLD NEW
#
# OLD and NEW are git revisions, or "." for the working tree. The script
# builds dri at each and runs the same commands on the embedded data with
# both. It compares each command's stdout, stderr and exit status with cmp
# and prints "same" or "DIFF" per command. The exit status is 1 if any
# command differs. Set PAIR=DIR to add `dri score --imeta DIR/imeta.csv
# --idata DIR/idata.csv` under nine method choices (a COINr pair, such as
# the 200 x 300 one that cmd/dri's writeCOINrPair writes).
#
# Used for issue 19's "outputs cmp-equal on the embedded data" after each
# change to the scoring code (docs/BENCHMARKS.md).
set -euo pipefail

if [[ $# -ne 2 || $1 == -h || $1 == --help ]]; then
	sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
fi
# shellcheck source=bench/ab/lib.sh
source "$(dirname "$0")/lib.sh"

build() {
	checkout "$1" "$2"
	local side=$1
	(cd "$src" && go build -o "$work/dri-$side" ./cmd/dri)
}
build old "$1"
build new "$2"

cmds=()
for f in compass connectivity egdi egdi-tii gender ides uptake; do
	cmds+=("score --framework $f --year all --format csv")
done
cmds+=("score --framework compass --year all --format json" "score --framework ides --sex F,M --format csv")
cmds+=("gaps --format csv" "gaps --format csv --unit LDC,WLD,KEN" "gaps --by area --format csv")
cmds+=("compare KEN --format csv" "compare NGA --framework egdi --format csv"
	"compare BGD --framework ides --format json" "compare KAZ --framework uptake --format csv --membership current")
if [[ -n ${PAIR:-} ]]; then
	for opts in "" "--normalise zscore" "--aggregate gmean" "--treat jrc" "--treat winsorise:3" "--weights pca" \
		"--normalise minmax:1,100 --aggregate gmean" "--impute mean" "--weights equal"; do
		cmds+=("score --imeta $PAIR/imeta.csv --idata $PAIR/idata.csv $opts")
	done
fi

fail=0
run() { # run SIDE ARGS...: stdout, stderr and status of dri-SIDE ARGS into $work/SIDE.*
	local side=$1
	shift
	local rc=0
	"$work/dri-$side" "$@" > "$work/$side.out" 2> "$work/$side.err" || rc=$?
	echo "exit $rc" >> "$work/$side.err"
}
for c in "${cmds[@]}"; do
	# shellcheck disable=SC2086 # the command's words
	run old $c
	# shellcheck disable=SC2086
	run new $c
	if cmp -s "$work/old.out" "$work/new.out" && cmp -s "$work/old.err" "$work/new.err"; then
		printf 'same  %-70s %9d bytes, %s\n' "dri $c" "$(wc -c < "$work/new.out")" "$(tail -1 "$work/new.err")"
	else
		printf 'DIFF  %s\n' "dri $c"
		fail=1
	fi
done
for side in old new; do
	rc=0
	"$work/dri-$side" export --format csv --out "$work/export-$side" > /dev/null 2>&1 || rc=$?
	echo "exit $rc" > "$work/export-$side.rc"
done
if diff -r "$work/export-old" "$work/export-new" > /dev/null && cmp -s "$work/export-old.rc" "$work/export-new.rc"; then
	echo "same  dri export --format csv ($(find "$work/export-new" -type f | wc -l) files)"
else
	echo "DIFF  dri export --format csv"
	fail=1
fi
exit $fail
