#!/usr/bin/env bash
# bench/ab/run.sh: two revisions' benchmarks, in alternated rounds.
#
#   bench/ab/run.sh OLD NEW [PATTERN] [ROUNDS] [BENCHTIME] [PACKAGE]
#
# OLD and NEW are git revisions (a commit, a branch, HEAD) or "." for the
# working tree as it is. Each is built once as a test binary of PACKAGE
# (default ./indicators). Then each round runs both binaries, one after the
# other, with
#
#   -test.run '^$' -test.bench PATTERN -test.cpu $CPU -test.benchtime BENCHTIME
#
# The order is swapped every round, so neither binary always runs first on a
# warmer or quieter machine. The defaults are BenchmarkScore, 7 rounds, 1000x
# and CPU=2.
#
# The script prints, per benchmark, the median and best ns/op of each revision
# and the change of the median. A shared host moves single runs by 10-30 %.
# Only pairs from the same rounds compare (docs/BENCHMARKS.md, issue 19).
set -euo pipefail

if [[ $# -lt 2 || $1 == -h || $1 == --help ]]; then
	sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
fi
old=$1 new=$2 pattern=${3:-BenchmarkScore} rounds=${4:-7} benchtime=${5:-1000x} pkg=${6:-./indicators}
cpu=${CPU:-2}
# shellcheck source=bench/ab/lib.sh
source "$(dirname "$0")/lib.sh"

# build SIDE REV: the test binary of REV's PACKAGE as $work/SIDE.test, and
# the directory to run it in (its package directory: tests read testdata).
build() {
	checkout "$1" "$2"
	local side=$1
	(cd "$src" && go test -c -o "$work/$side.test" "$pkg")
	echo "$src/${pkg#./}" > "$work/$side.dir"
}
build old "$old"
build new "$new"

for ((r = 1; r <= rounds; r++)); do
	order="old new"
	((r % 2 == 0)) && order="new old"
	echo "round $r/$rounds ($order)" >&2
	for side in $order; do
		(cd "$(cat "$work/$side.dir")" && "$work/$side.test" -test.run '^$' -test.bench "$pattern" \
			-test.cpu "$cpu" -test.benchtime "$benchtime") |
			awk -v side="$side" '/^Benchmark/ && $4 == "ns/op" {print $1, side, $3}' >> "$work/runs"
	done
done

# Median (the middle run, or the mean of the middle two) and best per benchmark and side.
printf '%-44s %14s %14s %8s\n' "benchmark (ns/op, $rounds rounds)" "old median" "new median" "change"
sort -k1,1 -k2,2 -k3,3g "$work/runs" | awk '
	function flush(   m) {
		if (n == 0) return
		m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		med[key] = m; best[key] = v[1]; names[name] = 1
		n = 0
	}
	{ k = $1 " " $2; if (k != key) { flush(); key = k; name = $1 }; v[++n] = $3 }
	END {
		flush()
		for (b in names) {
			o = b " old"; w = b " new"
			if (!(o in med) || !(w in med)) continue
			printf "%-44s %14.0f %14.0f %+7.1f%%   (best %.0f / %.0f)\n", b, med[o], med[w], 100 * (med[w] - med[o]) / med[o], best[o], best[w]
		}
	}' | sort
