#!/bin/sh
# Startup cost: `tmrun -t 10 -- true` against `timeout 10 true` and bare
# `true`.  Rounds interleave the three; each round times a batch of runs;
# the table gives medians, and the median of the per-round ratios.
set -eu
tmrun=${1:-./tmrun}
rounds=${ROUNDS:-21}
batch=${BATCH:-100}
true_bin=/bin/true; [ -x "$true_bin" ] || true_bin=/usr/bin/true

exec bash -c '
tmrun=$1 rounds=$2 batch=$3 true_bin=$4
batch_us() {	# batch_us CMD...: microseconds for $batch runs
	local i t0=${EPOCHREALTIME/./}
	for ((i = 0; i < batch; i++)); do "$@"; done
	echo $(( ${EPOCHREALTIME/./} - t0 ))
}
median() { sort -n | awk "{a[NR] = \$1} END {print a[int((NR + 1) / 2)]}"; }
for ((r = 0; r < rounds; r++)); do
	b=$(batch_us "$true_bin")
	m=$(batch_us "$tmrun" -t 10 -- "$true_bin")
	g=$(batch_us timeout 10 "$true_bin")
	echo "$b $m $g"
done >"${TMPDIR:-/tmp}/tmrun-startup.$$"
f=${TMPDIR:-/tmp}/tmrun-startup.$$
bare=$(awk "{print \$1}" "$f" | median)
tm=$(awk "{print \$2}" "$f" | median)
gnu=$(awk "{print \$3}" "$f" | median)
ratio=$(awk "{printf \"%.4f\n\", \$2 / \$3}" "$f" | median)
rm -f "$f"
printf "startup, %d rounds of %d runs (median us per run)\n" "$rounds" "$batch"
awk -v b="$bare" -v g="$gnu" -v m="$tm" -v n="$batch" "BEGIN {
	printf \"  %-24s %8.1f\\n\", \"true\", b / n
	printf \"  %-24s %8.1f\\n\", \"timeout 10 true\", g / n
	printf \"  %-24s %8.1f\\n\", \"tmrun -t 10 -- true\", m / n
}"
printf "  tmrun/timeout (median of paired ratios): %s  (target <= 0.8)\n" "$ratio"
' bench "$tmrun" "$rounds" "$batch" "$true_bin"
