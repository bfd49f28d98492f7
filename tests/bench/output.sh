#!/usr/bin/env bash
# Output capture: `tmrun -o LOG` against `tee LOG`, in one run.
#   1. throughput and CPU per GiB copying a BIG_MB MiB file into a log;
#   2. tmrun's own peak RSS while it logs 100 MiB and BIG_MB MiB;
#   3. lines/s with --timestamps, against tee (of the lines, and of the
#      same bytes as tmrun's log) and moreutils `ts`;
#   4. wake-ups while the command is silent.
# Rounds interleave the contenders (the order flips every round); the table
# gives medians, and tmrun/tee ratios as the median of the rounds' ratios.
# Every command runs under `timeout`; tmrun started in the background (to
# read its /proc entry) is reaped by a bounded wait.
# Rows say n/a where tmrun, GNU time or ts cannot do the job.
set -eu
export LC_ALL=C
tmrun=${1:-./tmrun}
big_mb=${BIG_MB:-1024} rounds=${ROUNDS:-7}
lines=${TS_LINES:-20000000} rounds_ts=${ROUNDS_TS:-7}
T=300	# seconds allowed to any one command
dir=$(mktemp -d "${TMPDIR:-/tmp}/tmrun-output.XXXXXX")
bg=
trap '[ -z "$bg" ] || kill -KILL "$bg" 2>/dev/null; rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM HUP

row() { printf '  %-46s %10s  %s\n' "$1" "$2" "${3:-}"; }
# median: of the numbers on stdin, one a line; n/a if there are none
median() {
	sort -g | awk '{a[NR] = $1}
		END {if (NR) print a[int((NR + 1) / 2)]; else print "n/a"}'
}
# med KEY COL: median of column COL of $dir/KEY ("rc wall_us cpu_s" rows);
# n/a if there are no rows or any run failed
med() {
	if [ ! -s "$dir/$1" ] || awk '$1 != 0 {f = 1} END {exit !f}' "$dir/$1"
	then echo n/a; return; fi
	awk -v c="$2" '{print $c}' "$dir/$1" | median
}
# paired A COLA B COLB: median over rounds of A's COLA / B's COLB, row by
# row (the machine drifts between rounds; a pair shares its state)
paired() {
	if [ ! -s "$dir/$1" ] || [ ! -s "$dir/$3" ] ||
	    awk '$1 != 0 {f = 1} END {exit !f}' "$dir/$1" "$dir/$3"
	then echo n/a; return; fi
	calc %.2f x x="$(paste -d ' ' "$dir/$1" "$dir/$3" |
		awk -v a="$2" -v b=$(($4 + 3)) '$b > 0 {print $a / $b}' | median)"
}
# calc FORMAT EXPR NAME=VALUE...: evaluate EXPR, n/a if any value is n/a
calc() {
	local fmt=$1 e=$2 v=(); shift 2
	case " $* " in *=n/a\ *) echo n/a; return ;; esac
	for a; do v+=(-v "$a"); done
	awk "${v[@]}" "BEGIN {printf \"$fmt\", $e}" 2>/dev/null || echo n/a
}
# settle: let the file system finish the last run's work (freeing a deleted
# log, discards, journal commits) before the next run is timed, so that no
# run pays for its predecessor's.
settle() { sync; }
# run KEY CMD...: time CMD (no stdin, stdout to /dev/null); add a row to $dir/KEY
run() {
	local k=$1 t0 rc=0 cpu=0; shift
	rm -f "$dir/cpu"
	settle
	t0=${EPOCHREALTIME/./}
	timeout "$T" "$@" </dev/null >/dev/null || rc=$?
	t0=$((${EPOCHREALTIME/./} - t0))
	if [ -s "$dir/cpu" ]; then	# GNU time's line is the last one
		cpu=$(tail -n 1 "$dir/cpu" | awk '{print $1 + $2}')
	fi
	echo "$rc $t0 $cpu" >>"$dir/$k"
	rm -f "$dir/log"	# keep the disk footprint to BIG plus one log
}
# reap PID: wait for it at most $T seconds, then kill it; status in $rc
reap() {
	local i
	for ((i = 0; i < T * 20; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$1" 2>/dev/null || true
	rc=0; wait "$1" 2>/dev/null || rc=$?
	bg=
}
# logged N: start tmrun in the background ($bg) logging N bytes of BIG, then
# a sleep that keeps it alive; return once the log is complete, so that
# tmrun's own figures can be read from /proc.  The bytes come from cat,
# as for tee, whatever N: head writes in smaller pieces.
logged() {
	local i
	settle
	"$tmrun" -o "$dir/log" -- sh -c 'if [ "$1" -lt "$(wc -c <"$2")" ]
		then head -c "$1" "$2" | cat; else cat "$2"; fi; sleep 1' \
		sh "$1" "$dir/big" </dev/null >/dev/null &
	bg=$!
	for ((i = 0; i < T * 100; i++)); do
		[ "$(stat -c %s "$dir/log" 2>/dev/null || echo 0)" -lt "$1" ] || break
		kill -0 "$bg" 2>/dev/null || break
		sleep 0.01
	done
}
# own_cpu: one row "rc 0 cpu_s" in $dir/c: tmrun's own user+sys seconds
# for logging BIG, from /proc/PID/stat (GNU time would add the command's).
own_cpu() {
	local ticks
	logged "$(stat -c %s "$dir/big")"
	ticks=$(awk '{print $14 + $15}' "/proc/$bg/stat" 2>/dev/null) || true
	reap "$bg"
	[ -n "$ticks" ] || rc=1
	echo "$rc 0 $(calc %.3f 't / h' t="${ticks:-0}" h="$(getconf CLK_TCK)")" >>"$dir/c"
	rm -f "$dir/log"
}
# probe ARGS...: can tmrun run `true` with these options? Says why not.
probe() {
	local err s
	err=$(timeout 10 "$tmrun" "$@" -o "$dir/log" -- true 2>&1 </dev/null) && return 0
	s=$?
	echo "  tmrun${*:+ $*} -o unavailable, rows n/a: ${err%%$'\n'*}${err:+ }(exit $s)"
	return 1
}

# Room for BIG plus one log, or the lines file plus two timestamped logs
# (under 48 bytes a line).
need=$((big_mb * 2 > lines / 11000 ? big_mb * 2 : lines / 11000))
avail=$(df -Pk "$dir" | awk 'NR == 2 {print int($4 / 1024)}')
if [ "$avail" -lt $((need + 64)) ]; then
	echo "need about $((need + 64)) MiB free in $dir, have $avail;" \
		"set TMPDIR, or lower BIG_MB / TS_LINES" >&2
	exit 1
fi
tm=(env)	# no GNU time: a transparent wrapper instead
if /usr/bin/time -f %U -o /dev/null true 2>/dev/null; then
	tm=(/usr/bin/time -o "$dir/cpu" -f '%U %S')
fi

echo "output capture, $tmrun against tee ($dir)"
echo "1. throughput: $big_mb MiB through a log, median of $rounds rounds"
# urandom|base64 is far too slow for a GiB: repeat one random MiB.
head -c 1048576 /dev/urandom >"$dir/chunk"
yes "$dir/chunk" | head -n "$big_mb" | xargs -d '\n' cat >"$dir/big"
cat "$dir/big" >/dev/null	# warm the page cache
have_o=; same=n/a
if probe; then
	have_o=1; same=no
	timeout "$T" "$tmrun" -o "$dir/log" -- cat "$dir/big" </dev/null >/dev/null &&
		cmp -s "$dir/big" "$dir/log" && same=yes
	rm -f "$dir/log"
fi
for ((r = 0; r < rounds; r++)); do
	order="a b c e"; if ((r % 2)); then order="e c b a"; fi
	for x in $order; do case $x in
	a) if [ "$have_o" ]; then
		run a "${tm[@]}" "$tmrun" -o "$dir/log" -- cat "$dir/big"; fi ;;
	# The floor both pay: filling the page cache, with no pipe to read.
	e) run e "${tm[@]}" dd if=/dev/zero of="$dir/log" bs=256K \
		count=$((big_mb * 4)) status=none ;;
	b) run b bash -c 'cat "$1" | "${@:3}" tee "$2"' _ \
		"$dir/big" "$dir/log" "${tm[@]}" ;;
	c) if [ "$have_o" ]; then own_cpu; fi ;;
	esac; done
done
wa=$(med a 2) wb=$(med b 2)
row "log identical to the input" "$same"
row "tmrun -o LOG -- cat BIG          (MiB/s)" \
	"$(calc %.0f 'm / w * 1e6' m="$big_mb" w="$wa")"
row "cat BIG | tee LOG                (MiB/s)" \
	"$(calc %.0f 'm / w * 1e6' m="$big_mb" w="$wb")"
row "throughput tmrun/tee (ratio of medians)" "$(calc %.2f 'b / a' a="$wa" b="$wb")"
row "throughput tmrun/tee (median of paired ratios)" "$(paired b 2 a 2)" \
	"(target >= 1.25)"
if [ "${tm[0]}" = env ]; then
	echo "  CPU rows skipped: no GNU time in /usr/bin/time (package time)"
else
	# tmrun's own CPU from /proc; tee's is measured on tee alone.
	own=$(calc %.3f 'c * 1024 / m' c="$(med c 3)" m="$big_mb")
	tee=$(calc %.3f 'b * 1024 / m' b="$(med b 3)" m="$big_mb")
	row "tmrun own CPU, s/GiB" "$own"
	row "tee own CPU, s/GiB" "$tee"
	row "dd of zeros into a file, s/GiB (the floor)" \
		"$(calc %.3f 'e * 1024 / m' e="$(med e 3)" m="$big_mb")"
	row "CPU tmrun/tee (ratio of medians)" "$(calc %.2f 'a / b' a="$own" b="$tee")"
	row "CPU tmrun/tee (median of paired ratios)" "$(paired c 3 b 3)" \
		"(target <= 0.6)"
fi

echo "2. peak RSS of tmrun itself (VmHWM, KiB)"
# GNU time's %M is the largest of tmrun and its children, so read tmrun's
# own VmHWM from /proc once the log is complete; the trailing sleep keeps
# tmrun alive until then.
sizes=$((big_mb < 100 ? big_mb : 100)); if ((big_mb > 100)); then sizes+=" $big_mb"; fi
for mb in $sizes; do
	hwm=n/a
	if [ "$have_o" ]; then
		logged $((mb * 1048576))
		hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$bg/status" 2>/dev/null) || true
		reap "$bg"
		[ "$rc" = 0 ] && [ -n "$hwm" ] || hwm=n/a
		rm -f "$dir/log"
	fi
	row "capturing $mb MiB" "$hwm" "(target: same for both sizes, < 1536)"
done
rm -f "$dir/big"

echo "3. --timestamps: $lines lines, median of $rounds_ts rounds (lines/s)"
seq "$lines" >"$dir/lines"
cat "$dir/lines" >/dev/null
have_ts=; have_mts=
if probe --timestamps; then
	have_ts=1
	# The same lines as tmrun logs them: tee writing the log's bytes.
	timeout "$T" "$tmrun" -q --timestamps -o "$dir/stamped" -- \
		cat "$dir/lines" </dev/null || have_ts=
fi
# moreutils ts, not some other `ts` (task-spooler has one too)
if echo x | ts %.s 2>/dev/null | grep -Eq '^[0-9]+\.[0-9]+ x$'; then have_mts=1; fi
for ((r = 0; r < rounds_ts; r++)); do
	order="a b d c"; if ((r % 2)); then order="c d b a"; fi
	for x in $order; do case $x in
	a) if [ "$have_ts" ]; then
		run ta "$tmrun" --timestamps -o "$dir/log" -- cat "$dir/lines"; fi ;;
	b) run tb bash -c 'cat "$1" | tee "$2"' _ "$dir/lines" "$dir/log" ;;
	d) if [ "$have_ts" ]; then
		run td bash -c 'cat "$1" | tee "$2"' _ "$dir/stamped" "$dir/log"; fi ;;
	# ts is some 300 times slower: one round tells enough.
	c) if [ "$have_mts" ] && ((r == 0)); then
		run tc bash -c 'cat "$1" | ts %.s >"$2"' _ "$dir/lines" "$dir/log"; fi ;;
	esac; done
done
rm -f "$dir/stamped"
wa=$(med ta 2) wb=$(med tb 2) wc=$(med tc 2) wd=$(med td 2)
rate() { calc %.0f 'n / w * 1e6' n="$lines" w="$1"; }
row "tmrun --timestamps -o LOG -- cat LINES" "$(rate "$wa")"
row "cat LINES | tee LOG" "$(rate "$wb")"
row "cat STAMPED | tee LOG (the log's bytes)" "$(rate "$wd")"
row "cat LINES | ts %.s >LOG (one round)" "$(rate "$wc")" \
	"$([ "$have_mts" ] || echo '(moreutils ts not installed)')"
row "tmrun/tee (median of paired ratios)" "$(paired tb 2 ta 2)" "(target >= 0.5)"
row "tmrun/tee writing the log's bytes (paired)" "$(paired td 2 ta 2)"
row "tmrun/ts" "$(calc %.2f 'c / a' a="$wa" c="$wc")"

echo "4. idle wake-ups of tmrun -o LOG -- sleep 3, over 2 s"
# Context switches of every tmrun thread; a silent command must cost none.
ctxt() {
	awk '/^State:/ && $2 == "Z" {z = 1} /ctxt_switches/ {n += $2}
		END {if (!z && NR) print n}' /proc/"$1"/task/*/status 2>/dev/null
}
d=n/a
if [ "$have_o" ]; then
	"$tmrun" -o "$dir/log" -- sleep 3 </dev/null >/dev/null &
	bg=$!
	sleep 0.5; c0=$(ctxt "$bg")
	sleep 2; c1=$(ctxt "$bg")
	reap "$bg"
	if [ "$rc" = 0 ] && [ -n "$c0" ] && [ -n "$c1" ]; then d=$((c1 - c0)); fi
fi
row "context switches while idle" "$d" "(target 0)"
