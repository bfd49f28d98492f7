# Shared by every suite.  TMRUN is set by `make check`.
bats_require_minimum_version 1.5.0

: "${TMRUN:?run the tests through make check}"

# Every run of tmrun sits under a guard, so a hang fails one test (137).
tm() { timeout -s KILL 60 "$TMRUN" "$@" 3>&-; }

# The first CPU this shell may run on; fails without taskset.
first_cpu() {
	local l
	l=$(taskset -pc $$ 2>/dev/null) || return 1
	l=${l##*: }
	echo "${l%%[-,]*}"
}

# Milliseconds since an earlier "$(now_ms)".
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
since_ms() { echo $(($(now_ms) - $1)); }

# alive PID: it exists and is not a zombie (an init that does not reap
# leaves those behind).
alive() {
	local st
	kill -0 "$1" 2>/dev/null || return 1
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "${st%% *}" != Z ] && [ "${st%% *}" != X ]
}

# wait_gone PID [SECONDS]: true once PID is no longer alive.
wait_gone() {
	local end=$((SECONDS + ${2:-10}))
	while alive "$1"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# wait_file FILE [SECONDS]: true once FILE exists and is not empty.
wait_file() {
	local end=$((SECONDS + ${2:-10}))
	until [ -s "$1" ]; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# A script for `sh -c SCRIPT LOG`: e1 to stderr, o1 to stdout, e2, o2, e3,
# o3, each written only once LOG holds the line before, so the order in
# which tmrun sees them is certain.
interleaved='for i in 1 2 3; do
	echo e$i >&2; until grep -qx e$i "$0"; do sleep 0.01; done
	echo o$i; until grep -qx o$i "$0"; do sleep 0.01; done
done'

# Start tmrun in the background, its pid in $T/tmrun.pid; output to files.
# SIGINT and SIGQUIT are set back to default, as an interactive shell would.
tm_bg() { tm_bg_to "$T/out" "$T/err" "$@"; }

# tm_bg_to OUT ERR ARGS...: tm_bg, with tmrun's stdout and stderr opened on
# OUT and ERR (a FIFO, say).
tm_bg_to() {
	local out=$1 err=$2
	shift 2
	timeout -s KILL 60 env --default-signal=INT,QUIT "$TMRUN" "$@" \
	    >"$out" 2>"$err" 3>&- &
	echo $! >"$T/guard.pid"
	# The guard execs nothing: find tmrun as its child.
	local end=$((SECONDS + 10)) p=
	while [ -z "$p" ] && [ "$SECONDS" -lt "$end" ]; do
		p=$(cat /proc/$!/task/$!/children 2>/dev/null)
		[ -n "$p" ] || sleep 0.02
	done
	echo "${p%% *}" >"$T/tmrun.pid"
}

# Wait for the background tmrun started by tm_bg; its status in $bg_status.
# (Not in $(...): a subshell cannot wait for this shell's children.)
tm_wait() {
	bg_status=0
	wait "$(cat "$T/guard.pid")" || bg_status=$?
}

# wakeups PID: how often PID was scheduled over 2 s, from 0.5 s on.
wakeups() {
	local a b
	sleep 0.5
	a=$(awk '/ctxt_switches/ {n += $2} END {print n}' /proc/"$1"/status)
	sleep 2
	b=$(awk '/ctxt_switches/ {n += $2} END {print n}' /proc/"$1"/status)
	echo $((b - a))
}

setup() {
	T=$BATS_TEST_TMPDIR
}

# Kill only what this test recorded.
teardown() {
	local f
	for f in "$T"/*.pid; do
		[ -e "$f" ] && kill -KILL $(cat "$f") 2>/dev/null
	done
	return 0
}

# stuck_tty SHELL-COMMAND: run it on a terminal nobody reads (script(1)
# writing to a FIFO that is never read); its status lands in $T/rc, if it
# ends within 20 s.
stuck_tty() {
	local sc
	mkfifo "$T/screen" "$T/keys"
	exec 5<>"$T/screen" 6<>"$T/keys"	# never read, never typed on
	script -q -c "$1; echo \$? >'$T/rc'" /dev/null <"$T/keys" >"$T/screen" &
	sc=$!
	wait_file "$T/rc" 20 || true
	kill -KILL "$sc"
	wait "$sc" || true
	exec 5>&- 6>&-
}
