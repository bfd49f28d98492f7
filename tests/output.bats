#!/usr/bin/env bats
# Capture: echo to the right stream, the log gets every byte.

load helpers

@test "without capture the command writes to tmrun's own stdout directly" {
	tm -- sh -c 'readlink /proc/$$/fd/1' >"$T/o"
	[ "$(cat "$T/o")" = "$T/o" ]
}

@test "without capture options, -t -v -k still leave stdout and stderr uncopied" {
	tm -t 5 -k 1 -v -- sh -c 'readlink /proc/$$/fd/1 /proc/$$/fd/2' >"$T/o" 2>"$T/e"
	[ "$(cat "$T/o")" = "$(printf '%s\n' "$T/o" "$T/e")" ]
}

@test "with -o the command's stdout and stderr are pipes" {
	tm -o "$T/log" -- sh -c 'readlink /proc/$$/fd/1 /proc/$$/fd/2' >"$T/o"
	[[ "$(sed -n 1p "$T/o")" == pipe:* ]]
	[[ "$(sed -n 2p "$T/o")" == pipe:* ]]
	[ "$(sed -n 1p "$T/o")" != "$(sed -n 2p "$T/o")" ]
}

@test "stdout is echoed to stdout, stderr to stderr, both to the log" {
	run -0 --separate-stderr tm -o "$T/log" -- sh -c 'echo out; sleep 0.1; echo err >&2'
	[ "$output" = out ]
	[ "$stderr" = err ]
	[ "$(cat "$T/log")" = "$(printf 'out\nerr')" ]
}

@test "the log takes stdout and stderr live, in the order they were written" {
	run -0 tm -q -o "$T/log" -- sh -c "$interleaved" "$T/log"
	[ "$(cat "$T/log")" = "$(printf 'e1\no1\ne2\no2\ne3\no3')" ]
}

@test "-q echoes nothing and still logs" {
	run -0 --separate-stderr tm -q -o "$T/log" -- sh -c 'echo out; echo err >&2'
	[ -z "$output" ]
	[ -z "$stderr" ]
	[ "$(sort "$T/log")" = "$(printf 'err\nout')" ]
}

@test "-q, -a, --timestamps and --max-output without -o are usage errors" {
	run -125 --separate-stderr tm -q true
	[ "$stderr" = "tmrun: --quiet needs --output or --output-on-failure (see 'tmrun --help')" ]
	run -125 --separate-stderr tm -a true
	[ "$stderr" = "tmrun: --append needs --output (see 'tmrun --help')" ]
	run -125 tm --timestamps true
	run -125 tm --max-output=1K true
	run -125 tm --max-output=18446744073709551615 true
	run -125 tm --max-output=17179869184G true
}

@test "a last line with no newline and NUL bytes reach the log byte-exact" {
	run -0 tm -o "$T/log" -- printf 'a\0b\nc\0\0d'
	printf 'a\0b\nc\0\0d' >"$T/want"
	cmp "$T/want" "$T/log"
	tm -o "$T/log2" -- printf 'a\0b\nc\0\0d' >"$T/echo"
	cmp "$T/want" "$T/echo"
}

@test "output written just before a kill reaches the log" {
	run -124 tm -t 1 -o "$T/log" -- sh -c \
	    'trap "printf bye; exit 1" TERM; echo start; sleep 30 & wait'
	[ "$(cat "$T/log")" = "$(printf 'start\nbye')" ]
}

@test "a 1 GiB stream reaches the log and the echo byte-exact" {
	head -c 1048576 /dev/urandom >"$T/block"
	gen() { local i; for ((i = 0; i < 1024; i++)); do cat "$T/block"; done; }
	export -f gen
	export T
	tm -o "$T/log" -- bash -c gen | cmp - <(gen)
	cmp "$T/log" <(gen)
	[ "$(stat -c %s "$T/log")" -eq 1073741824 ]
	rm -f "$T/log"
}

@test "a broken stdout stops the echo, not the command or the log" {
	local rc
	tm -o "$T/log" -- sh -c 'seq 200000; exit 3' | head -c1 >/dev/null
	rc=${PIPESTATUS[0]}
	[ "$rc" -eq 3 ]
	cmp "$T/log" <(seq 200000)
}

@test "an echo that cannot be written is said once; the command and the log go on" {
	local rc=0
	# e comes once the log holds all of stdout: its place is certain.
	tm -o "$T/log" -- sh -c 'seq 100000
	    until grep -qx 100000 "$0"; do sleep 0.01; done; echo e >&2; exit 3' \
	    "$T/log" >/dev/full 2>"$T/err" || rc=$?
	[ "$rc" -eq 3 ]
	[ "$(cat "$T/err")" = "$(printf '%s\n' \
	    'tmrun: cannot write standard output: No space left on device' e)" ]
	cmp "$T/log" <(seq 100000; echo e)
	rc=0
	tm -i 5 -- sh -c 'echo o; echo e >&2' >"$T/out" 2>/dev/full || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(cat "$T/out")" = o ]
}

@test "a stdout open only for reading is not written through another door" {
	local rc=0
	# cat's stdin is the pipe tmrun's stdout reads from.
	printf 'x\n' | tm -t 10 -o "$T/log" -- cat 1<&0 2>"$T/err" || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(cat "$T/log")" = x ]
	[ "$(cat "$T/err")" = \
	    "tmrun: cannot write standard output: Bad file descriptor" ]
	# A writer that stays: poll would never say there is room.
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"
	rc=0
	tm -t 5 -o "$T/log" -- seq 3 1<"$T/fifo" 2>/dev/null || rc=$?
	exec 5>&-
	[ "$rc" -eq 0 ]
	cmp "$T/log" <(seq 3)
}

@test "a closed stdout still leaves the log complete" {
	run -0 timeout 60 "$TMRUN" -o "$T/log" -- seq 100000 >&-
	cmp "$T/log" <(seq 100000)
}

@test "a stdout nobody reads cannot hold tmrun past the deadline and grace" {
	local t0 rc=0
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"	# a reader that never reads
	t0=$(now_ms)
	(tm -t 1 -k 1 -o "$T/log" -- seq 100000000 >"$T/fifo") 2>"$T/sh.err" || rc=$?
	exec 5>&-
	[ "$rc" -eq 124 ]
	[ "$(since_ms "$t0")" -lt 6000 ]
	# What was read is logged in full: a prefix of the command's output.
	[ "$(stat -c %s "$T/log")" -gt 0 ]
	cmp "$T/log" <(seq 100000000) 2>&1 | grep -q EOF
}

@test "a terminal nobody reads cannot hold tmrun past the deadline and grace" {
	command -v script >/dev/null || skip "no script(1) to make a terminal"
	local t0
	t0=$(now_ms)
	stuck_tty "timeout -s KILL 60 '$TMRUN' -t 1 -k 1 -o '$T/log' -- \
	    seq 100000000"
	[ "$(cat "$T/rc")" -eq 124 ]
	[ "$(since_ms "$t0")" -lt 8000 ]
}

@test "another user's terminal nobody reads cannot hold tmrun past the grace" {
	command -v script >/dev/null || skip "no script(1) to make a terminal"
	command -v setpriv >/dev/null || skip "no setpriv(1) to change user"
	[ "$(id -u)" -eq 0 ] || skip "changing user needs root"
	setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$TMRUN" ||
	    skip "nobody cannot run $TMRUN"
	local t0
	t0=$(now_ms)
	# The terminal is root's: nobody cannot open it by name, only as
	# its controlling terminal.
	stuck_tty "setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    timeout -s KILL 60 '$TMRUN' -t 1 -k 1 -i 60 -- seq 100000000"
	[ "$(cat "$T/rc")" -eq 124 ]
	[ "$(since_ms "$t0")" -lt 8000 ]
}

@test "-v messages to a stderr nobody reads cannot hold tmrun" {
	local t0
	mkfifo "$T/fifo"
	exec 8<>"$T/fifo"	# a reader that never reads
	t0=$(now_ms)
	# The shell's own words (as "Killed") must not go to the stuck stderr.
	(timeout -s KILL 60 "$TMRUN" -v -t 1 -k 1 -o "$T/log" -- \
	    sh -c 'yes >&2' 2>"$T/fifo" 3>&- || echo $? >"$T/rc") 2>/dev/null
	exec 8>&-
	[ "$(cat "$T/rc")" -eq 124 ]
	[ "$(since_ms "$t0")" -lt 6000 ]
}

@test "a slow reader loses nothing" {
	tm -o "$T/log" -- seq 300000 | (sleep 0.5; cat) >"$T/echo"
	cmp "$T/echo" <(seq 300000)
	cmp "$T/log" <(seq 300000)
}

@test "a slow pipe as the log loses nothing once the echo is broken" {
	local rc reader
	mkfifo "$T/logfifo"
	# The reader opens the log at once, then is slow to read it.
	(exec <"$T/logfifo"; sleep 1; exec cat >"$T/log") &
	reader=$!
	tm -o "$T/logfifo" -- head -c 5000000 /dev/zero | head -c1 >/dev/null
	rc=${PIPESTATUS[0]}
	wait "$reader"
	[ "$rc" -eq 0 ]
	cmp "$T/log" <(head -c 5000000 /dev/zero)
}

@test "echo to a file, an appended file and a pipe is byte-exact, log too" {
	head -c 3000000 /dev/urandom >"$T/data"
	tm -o "$T/log1" -- cat "$T/data" >"$T/file"
	cmp "$T/data" "$T/file"
	cmp "$T/data" "$T/log1"
	echo head >"$T/app"
	tm -o "$T/log2" -- cat "$T/data" >>"$T/app"
	cmp <(echo head; cat "$T/data") "$T/app"
	cmp "$T/data" "$T/log2"
	tm -a -o "$T/log2" -- cat "$T/data" | cat >"$T/piped"
	cmp "$T/data" "$T/piped"
	cmp <(cat "$T/data" "$T/data") "$T/log2"
}

@test "capturing a silent command costs no wake-ups" {
	tm_bg -t 60 -i 60 -o "$T/log" -- sleep 30
	[ "$(wakeups "$(cat "$T/tmrun.pid")")" -le 1 ]
	kill -TERM "$(cat "$T/tmrun.pid")"	# forwarded: the command ends
	tm_wait
	[ "$bg_status" -eq 143 ]
}

@test "with a deadline, a stdout nobody reads cannot hold tmrun after a normal exit" {
	local t0 rc=0
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"
	t0=$(now_ms)
	# More than the reader's pipe holds, less than the capture pipe: the
	# command ends on its own, the echo is stuck.
	(tm -t 2 -k 1 -o "$T/log" -- head -c 200000 /dev/zero >"$T/fifo") \
	    2>"$T/sh.err" || rc=$?
	exec 5>&-
	[ "$rc" -eq 0 ]
	[ "$(since_ms "$t0")" -lt 8000 ]
	[ "$(stat -c %s "$T/log")" -eq 200000 ]
}

@test "stdout and stderr on one stuck pipe cannot hold tmrun past the grace" {
	local i t0 rc
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"
	for i in 1 2 3; do
		rc=0
		t0=$(now_ms)
		(tm -t 1 -k 1 --timestamps -o "$T/log" -- sh -c 'yes out & yes err >&2' \
		    >"$T/fifo" 2>&1) 2>"$T/sh.err" || rc=$?
		[ "$rc" -eq 124 ]
		[ "$(since_ms "$t0")" -lt 7000 ]
	done
	exec 5>&-
}

@test "-i is not fooled by a slow reader: waiting on it is not silence" {
	{ tm -i 1 -o "$T/log" -- head -c 3000000 /dev/zero; echo $? >"$T/rc"; } |
	    (sleep 3; cat >/dev/null)
	[ "$(cat "$T/rc")" -eq 0 ]
	[ "$(stat -c %s "$T/log")" -eq 3000000 ]
}

@test "a log past ulimit -f is a log error, not the end of tmrun" {
	run -0 --separate-stderr bash -c 'set -o pipefail; ulimit -f 100
	    "$@" | wc -c' _ timeout 60 "$TMRUN" -o "$T/log" -- head -c 1000000 /dev/zero
	[ "$stderr" = "tmrun: $T/log: cannot write the log: File too large" ]
	[ "$output" -eq 1000000 ]	# the echo went on
	[ "$(stat -c %s "$T/log")" -eq 102400 ]
}

@test "at a deadline, what the pipe still holds behind a stuck echo reaches the log" {
	local rc=0
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"	# a reader that never reads
	# The first 100000 bytes fill the reader's pipe and the echo sticks;
	# once tmrun has logged some, the next 100000 wait in the capture pipe.
	(tm -t 2 -k 1 -o "$T/log" -- sh -c 'head -c 100000 /dev/zero
	    until [ "$(stat -c %s "$0")" -ge 60000 ]; do sleep 0.01; done
	    head -c 100000 /dev/zero; sleep 300' "$T/log" >"$T/fifo") \
	    2>"$T/sh.err" || rc=$?
	exec 5>&-
	[ "$rc" -eq 124 ]
	[ "$(stat -c %s "$T/log")" -eq 200000 ]
}

@test "past the grace, a stuck stdout echo holds back no stderr echo" {
	local rc opt
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"	# a reader that never reads
	# 200000 bytes stick the echo, yet fit in a capture pipe: "after" is written.
	for opt in -o"$T/log" -i1h; do
		rc=0
		tm -t 1 -k 1 "$opt" -- sh -c 'head -c 200000 /dev/zero
		    echo after >&2; sleep 300' >"$T/fifo" 2>"$T/err" || rc=$?
		[ "$rc" -eq 124 ]
		[ "$(cat "$T/err")" = after ]
	done
	exec 5>&-
}

@test "one SIGINT gets tmrun out of a drain stuck on both echoes" {
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"	# a reader that never reads
	# No deadline: the drain waits on the reader until told to stop.
	tm_bg_to "$T/fifo" "$T/fifo" -o "$T/log" -- sh -c '
	    head -c 300000 /dev/zero; echo after >&2; echo >"$0/done"' "$T"
	wait_file "$T/done"
	sleep 0.5
	kill -INT "$(cat "$T/tmrun.pid")"
	tm_wait
	exec 5>&-
	[ "$bg_status" -eq 0 ]
	[ "$(tail -c 6 "$T/log")" = after ]
}

@test "a signal during the drain still lets a fast reader take its echo" {
	local cat_pid
	mkfifo "$T/logfifo" "$T/out"
	exec 5<>"$T/logfifo"	# a log nobody reads holds the drain
	cat "$T/out" >"$T/echo" &
	cat_pid=$!
	tm_bg_to "$T/out" "$T/out" -o "$T/logfifo" -- sh -c \
	    'head -c 200000 /dev/zero; echo >"$0/done"; exit 1' "$T"
	wait_file "$T/done"
	sleep 0.5
	kill -INT "$(cat "$T/tmrun.pid")"
	tm_wait
	wait "$cat_pid"
	exec 5>&-
	[ "$bg_status" -eq 1 ]
	# The zeros, and the warning about the log on the same pipe
	[ "$(tr -cd '\0' <"$T/echo" | wc -c)" -eq 200000 ]
}

@test "a signal while leftovers are ended bounds a stuck echo too" {
	local t0
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"	# a reader that never reads
	tm_bg_to "$T/fifo" "$T/err" -k 1 -o "$T/log" -- sh -c '
	    (trap "" TERM; exec sleep 30) >/dev/null 2>&1 &
	    head -c 300000 /dev/zero; echo >"$0/done"' "$T"
	wait_file "$T/done"
	sleep 0.3
	t0=$(now_ms)
	kill -TERM "$(cat "$T/tmrun.pid")"
	tm_wait
	exec 5>&-
	[ "$bg_status" -eq 0 ]
	[ "$(since_ms "$t0")" -lt 6000 ]
}

@test "a closed stdout ends the echo, not the log, on the --timestamps and -a paths" {
	local opt
	for opt in --timestamps=elapsed -a; do
		rm -f "$T/log"
		run -0 --separate-stderr bash -c 'set -o pipefail; "$@" | head -c1' _ \
		    timeout 60 "$TMRUN" "$opt" -o "$T/log" -- sh -c 'seq 200000; echo end >&2'
		[ "$output" = 1 ]
		[ "$(sed -E 's/^\+[0-9]+\.[0-9]{3} //' "$T/log" | grep -c .)" -eq 200001 ]
	done
}

@test "a stdout pipe that another writer keeps full cannot hold tmrun" {
	local opt t0
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"	# keeps the pipe open once the reader is gone
	yes >"$T/fifo" 2>/dev/null 3>&- &
	echo $! >"$T/yes.pid"
	for opt in -v --timestamps; do	# the fast path, then the read path
		# A reader until 0.5 s: tmrun and yes race for all the room it makes.
		timeout 0.5 cat "$T/fifo" >/dev/null 3>&- &
		echo $! >"$T/cat.pid"
		t0=$(now_ms)
		rm -f "$T/rc"
		(timeout -s KILL 60 "$TMRUN" -t 1 -k 1 "$opt" -o "$T/log" -- \
		    seq 100000000 >"$T/fifo" 3>&- || echo $? >"$T/rc") 2>/dev/null
		[ "$(cat "$T/rc")" -eq 124 ]
		[ "$(since_ms "$t0")" -lt 7000 ]
	done
	exec 5>&-
}

@test "stdout and stderr echoed into one slow pipe keep the log's order" {
	tm --max-output=1G -o "$T/log" -- sh -c 'for i in 1 2 3 4 5 6; do
	    seq 30000; seq 30000 >&2; done' 2>&1 | (sleep 0.5; cat) >"$T/echo"
	cmp "$T/echo" "$T/log"
	[ "$(wc -l <"$T/log")" -eq 360000 ]
}

@test "stderr written after stdout that a slow reader holds back is logged after it" {
	# B is in tmrun's pipe, behind what the stuck echo holds, before A
	# is written; the reader starts only after A had time to be read.
	tm -o "$T/log" -- sh -c 'head -c 200000 /dev/zero | tr "\0" x; echo
	    echo B; echo A >&2; touch "$0"' "$T/done" 2>/dev/null |
	    { until [ -e "$T/done" ]; do sleep 0.05; done; sleep 0.3
	      cat >/dev/null; }
	{ head -c 200000 /dev/zero | tr '\0' x; printf '\nB\nA\n'; } >"$T/want"
	cmp "$T/want" "$T/log"
}

@test "stdout waiting in the pipe goes to the log before stderr written after it" {
	seq 400000 >"$T/nums"
	{ cat "$T/nums"; echo LAST; } >"$T/want"
	tm -o "$T/log" -- sh -c 'cat "$0"; echo LAST >&2' "$T/nums" \
	    >>"$T/out" 2>&1
	cmp "$T/want" "$T/log"
	cmp "$T/want" "$T/out"
	tm -o "$T/log" -- sh -c 'cat "$0"; echo LAST >&2' "$T/nums" 2>&1 |
	    cat >"$T/out"
	cmp "$T/want" "$T/log"
	cmp "$T/want" "$T/out"
}

@test "behind a slow reader, stderr comes before stdout written after it" {
	tm -o "$T/log" -- sh -c 'head -c 300000 /dev/zero; echo B >&2
	    sleep 0.3; echo C' 2>/dev/null | { sleep 1; cat >/dev/null; }
	{ head -c 300000 /dev/zero; printf 'B\nC\n'; } >"$T/want"
	cmp "$T/want" "$T/log"
}

# fill_stopped: once the command is up (it made $T/size.up), the background
# tmrun is stopped while the command (which waits for $T/size.go) writes
# 1 MiB, then goes on; the command writes the size of its stdout pipe, taken
# after that, to $T/size.
fill_stopped() {
	local pid end=$((SECONDS + 20))
	pid=$(cat "$T/tmrun.pid")
	until [ -e "$T/size.up" ] || [ "$SECONDS" -ge "$end" ]; do
		sleep 0.02
	done
	kill -STOP "$pid"
	touch "$T/size.go"
	sleep 1
	kill -CONT "$pid"
	tm_wait
	[ "$bg_status" -eq 0 ]
	rm "$T/size.up" "$T/size.go"
}
fill=': >"$1.up"; until [ -e "$1.go" ]; do sleep 0.01; done
	head -c 1048576 /dev/zero; "$0" 3 3>&1 >"$1"'

@test "fast-path capture pipes grow only once found full" {
	local ps small
	grep -q '^#define HAVE_SPLICE 1' "$(dirname "$TMRUN")/config.h" ||
	    skip "no fast path in this build"
	ps=$(dirname "$TMRUN")/tests/pipe-size
	# The echo and the log are files: a quiet command leaves them small.
	tm -o "$T/log" -- sh -c '"$0" 3 4 3>&1 4>&2 >"$1"' "$ps" "$T/size" \
	    >"$T/out"
	small=$(head -n 1 "$T/size")
	[ "$small" -gt 0 ] || skip "no pipe sizes here"
	[ "$(tail -n 1 "$T/size")" = "$small" ]
	# A command that fills it makes it grow.
	tm_bg -o "$T/log" -- sh -c "$fill" "$ps" "$T/size"
	fill_stopped
	[ "$(cat "$T/size")" -gt "$small" ]
	# Not once the echo broke: the read path needs no more.
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"
	tm_bg_to "$T/fifo" "$T/err" -o "$T/log" -- sh -c "echo x; $fill" \
	    "$ps" "$T/size" 5<&-
	read -r _ <&5
	exec 5<&-	# no reader: the echo breaks at its next write
	fill_stopped
	[ "$(cat "$T/size")" -eq "$small" ]
}
