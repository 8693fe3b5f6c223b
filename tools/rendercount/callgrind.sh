#!/bin/bash
# Counts the instructions of one uncached dashboard render at 1 and 30 years
# of weekly records under valgrind --tool=callgrind, and their ratio (issue
# 17's target: 30 years within 1.5x of 1 year). Usage, from the repository:
#
#   tools/rendercount/callgrind.sh [DIR]
#
# DIR (default: a new temporary directory) keeps the history files
# (h1.db, h30.db, written once by this tree's code and reused) and the
# callgrind outputs (cg-<years>y-<n>.out, for callgrind_annotate). Per render
# = (count at HIGH renders - count at LOW) / (HIGH - LOW), LOW=2 and HIGH=10
# unless set in the environment: the start-up, the migration of an older file
# and the first, full read cancel out. The Go scheduler's and collector's
# background work differs from run to run by a few million instructions
# (threads spinning for work; valgrind runs one thread at a time), so the
# more renders between the two counts, the less that moves the figure: with
# 6 and 2 (the first figures in BENCHMARKS.md) it moved by up to 10 M. Each run gets a fresh copy
# of the history file. Set RENDERCOUNT_BIN to measure another build of the
# tool (an older tree with tools/rendercount copied in) on the same files.
# Takes about 5 minutes on an idle two-core machine.
#
# Valgrind 3.19 knows neither RDTSCP (the Go runtime's cputicks uses it when
# the CPU has it: SIGILL) nor how to follow Go's preemption signals
# (callgrind asserts), so the runs set GODEBUG=cpu.rdtscp=off,asyncpreemptoff=1
# (golang.org/x/sys/cpu prints "unknown cpu feature" for the first; the
# runtime honours it).
set -euo pipefail
dir=${1:-$(mktemp -d)}
mkdir -p "$dir"
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
bin=${RENDERCOUNT_BIN:-}
if [ -z "$bin" ]; then
	bin=$dir/rendercount
	go build -o "$bin" ./tools/rendercount
fi
for y in 1 30; do
	[ -f "$dir/h$y.db" ] || "$bin" -build -years "$y" -db "$dir/h$y.db"
done
count() { # years renders -> instructions
	local run=$dir/run.db
	rm -f "$run" "$run-wal" "$run-shm"
	cp "$dir/h$1.db" "$run"
	GODEBUG=cpu.rdtscp=off,asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file="$dir/cg-$1y-$2.out" "$bin" -db "$run" -renders "$2" \
		2>"$dir/cg-$1y-$2.log" >/dev/null
	rm -f "$run" "$run-wal" "$run-shm"
	sed -n 's/^summary: *//p' "$dir/cg-$1y-$2.out"
}
lo=${LOW:-2} hi=${HIGH:-10}
declare -A per
for y in 1 30; do
	clo=$(count "$y" "$lo")
	chi=$(count "$y" "$hi")
	per[$y]=$(( (chi - clo) / (hi - lo) ))
	printf '%2d years: %d at %d renders, %d at %d; per render %.1f M\n' "$y" "$clo" "$lo" "$chi" "$hi" "$(echo "${per[$y]} / 1000000" | bc -l)"
done
printf '30 years against 1 year: %.3f\n' "$(echo "${per[30]} / ${per[1]}" | bc -l)"
echo "outputs in $dir"
