#!/bin/bash
# Counts the instructions of one API list request that follows a write,
# under valgrind --tool=callgrind: issue 15's target, a page of 50 sessions
# (and check-ins) from ten years of weekly records against the demo year's
# full list. Usage, from the repository:
#
#   tools/rendercount/listcount.sh [DIR]
#
# DIR (default: a new temporary directory) keeps the files (demo.db, h10.db,
# written once by this tree's code and reused) and the callgrind outputs.
# As in callgrind.sh: per request = (count at HIGH requests - count at LOW) /
# (HIGH - LOW), with the count of the writes alone (-path none) on the same
# file taken away, so that what is left is the request: reading the records,
# encoding them and answering. Instruction counts do not move with what else
# the machine is doing; wall-clock figures on our shared two-core machines
# move by 20-40% between rounds. Set RENDERCOUNT_BIN to measure another build.
set -euo pipefail
dir=${1:-$(mktemp -d)}
mkdir -p "$dir"
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
bin=${RENDERCOUNT_BIN:-}
if [ -z "$bin" ]; then
	bin=$dir/rendercount
	go build -o "$bin" ./tools/rendercount
fi
[ -f "$dir/demo.db" ] || "$bin" -build -demo -db "$dir/demo.db"
[ -f "$dir/h10.db" ] || "$bin" -build -years 10 -db "$dir/h10.db"
count() { # file path requests -> instructions
	local run=$dir/run.db out
	out=$dir/cg-$1-$(echo "$2" | tr -c 'a-z0-9\n' '_')-$3.out
	rm -f "$run" "$run-wal" "$run-shm"
	cp "$dir/$1.db" "$run"
	GODEBUG=cpu.rdtscp=off,asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" -db "$run" -path "$2" -renders "$3" \
		2>"$out.log" >/dev/null
	rm -f "$run" "$run-wal" "$run-shm"
	sed -n 's/^summary: *//p' "$out"
}
lo=${LOW:-2} hi=${HIGH:-12}
per() { # file path -> instructions per request, the writes taken away
	echo $(( ( $(count "$1" "$2" "$hi") - $(count "$1" "$2" "$lo") - $(count "$1" none "$hi") + $(count "$1" none "$lo") ) / (hi - lo) ))
}
for kind in sessions checkins; do
	full=$(per demo "/api/v1/$kind")
	page=$(per h10 "/api/v1/$kind?limit=50")
	printf '%-8s demo year full list %.3f M, ten years page of 50 %.3f M: page/list %.3f\n' "$kind" \
		"$(echo "$full / 1000000" | bc -l)" "$(echo "$page / 1000000" | bc -l)" "$(echo "$page / $full" | bc -l)"
done
echo "outputs in $dir"
