#!/usr/bin/env bats
# Signals to tmrun, and the signal state the command starts with.

load helpers

# tmrun's pid once the command has written $T/ready.
started() { wait_file "$T/ready" && cat "$T/tmrun.pid"; }

@test "SIGTERM to tmrun is forwarded and the whole group goes" {
	tm_bg -k 30 sh -c 'sleep 300 & echo $! >"$0/gc.pid"; echo >"$0/ready"; wait' "$T"
	kill -TERM "$(started)"
	tm_wait
	[ "$bg_status" -eq 143 ]
	wait_gone "$(cat "$T/gc.pid")" 5
}

@test "SIGINT to tmrun reaches the command" {
	tm_bg sh -c 'trap "echo got INT >\"$0/got\"; exit 9" INT; echo >"$0/ready"
	    while :; do sleep 0.1; done' "$T"
	kill -INT "$(started)"
	tm_wait
	[ "$bg_status" -eq 9 ]
	[ "$(cat "$T/got")" = "got INT" ]
}

@test "SIGUSR1 and SIGHUP to tmrun are forwarded too" {
	tm_bg sh -c 'trap "echo USR1 >>\"$0/got\"" USR1
	    trap "echo HUP >>\"$0/got\"; exit 4" HUP
	    echo >"$0/ready"; while :; do sleep 0.1; done' "$T"
	kill -USR1 "$(started)"
	wait_file "$T/got"
	kill -HUP "$(cat "$T/tmrun.pid")"
	tm_wait
	[ "$bg_status" -eq 4 ]
	[ "$(cat "$T/got")" = "$(printf 'USR1\nHUP')" ]
}

@test "a command that ignores a forwarded signal is killed after the grace" {
	local t0
	tm_bg -k 1 sh -c 'trap "" TERM; echo >"$0/ready"; sleep 300' "$T"
	t0=$(now_ms)
	kill -TERM "$(started)"
	tm_wait
	[ "$bg_status" -eq 137 ]
	[ "$(since_ms "$t0")" -lt 6000 ]
}

@test "a forwarded signal the command survives leaves -t and -i in force" {
	local t0 opt
	for opt in -t1 -i1; do
		rm -f "$T/ready"
		t0=$(now_ms)
		tm_bg -v "$opt" -k 30 sh -c 'trap "" USR1; echo >"$0/ready"
		    while :; do sleep 0.1; done' "$T"
		kill -USR1 "$(started)"
		tm_wait
		[ "$bg_status" -eq 124 ]
		[ "$(since_ms "$t0")" -lt 6000 ]
		# The signal came first, then the timeout.
		sed -n '1s/ to .*//p; 2s/ after .*//p' "$T/err" >"$T/seen"
		[ "$(cat "$T/seen")" = "tmrun: sent SIGUSR1
tmrun: timed out" ]
	done
}

@test "a command killed by a forwarded signal is not timed out by -t later" {
	tm_bg -t 1 -k 3 sh -c '(trap "" TERM; exec sleep 30) &
	    echo >"$0/ready"; sleep 30' "$T"
	kill -TERM "$(started)"
	tm_wait
	[ "$bg_status" -eq 143 ]
}

@test "a second SIGINT during the grace kills at once" {
	local t0
	tm_bg -k 30 sh -c 'trap "" INT; echo >"$0/ready"; sleep 300' "$T"
	kill -INT "$(started)"
	sleep 0.3
	t0=$(now_ms)
	kill -INT "$(cat "$T/tmrun.pid")"
	tm_wait
	[ "$bg_status" -eq 137 ]
	[ "$(since_ms "$t0")" -lt 5000 ]
}

@test "stray signals to tmrun neither end it nor fake the command's exit" {
	local s pid
	tm_bg sh -c 'echo >"$0/ready"; sleep 1; exit 5' "$T"
	pid=$(started)
	for s in ALRM CHLD PIPE TTIN TTOU URG CONT WINCH XFSZ XCPU VTALRM PROF IO \
	    PWR STKFLT RTMIN RTMIN+5 RTMAX; do
		kill -"$s" "$pid"
	done
	sleep 0.2
	kill -0 "$pid"
	tm_wait
	[ "$bg_status" -eq 5 ]
}

@test "tmrun killed with SIGKILL takes its child with it" {
	tm_bg sh -c 'echo $$ >"$0/child.pid"; exec sleep 300' "$T"
	wait_file "$T/child.pid"
	kill -KILL "$(cat "$T/tmrun.pid")"
	wait_gone "$(cat "$T/child.pid")" 5
}

@test "signals the caller ignored stay ignored in the command" {
	local want
	want=$(timeout 60 env --ignore-signal=INT,QUIT,PIPE,USR2 \
	    awk '/^SigIgn/ {print $2}' /proc/self/status)
	run -0 timeout 60 env --ignore-signal=INT,QUIT,PIPE,USR2 \
	    "$TMRUN" -- awk '/^SigIgn/ {print $2}' /proc/self/status
	[ "$output" = "$want" ]
}

@test "the command gets the caller's blocked mask back" {
	local want
	want=$(timeout 60 env --block-signal=USR1,TERM,CHLD \
	    awk '/^SigBlk/ {print $2}' /proc/self/status)
	run -0 timeout 60 env --block-signal=USR1,TERM,CHLD \
	    "$TMRUN" -t 30 -- awk '/^SigBlk/ {print $2}' /proc/self/status
	[ "$output" = "$want" ]
	[ "$output" != 0000000000000000 ]
}

@test "an ignored SIGCHLD is reset to default for the command" {
	run -0 timeout 60 env --ignore-signal=CHLD \
	    "$TMRUN" -- awk '/^SigIgn/ {print $2}' /proc/self/status
	# SIGCHLD is signal 17: bit 0x10000.
	[ $((0x$output & 0x10000)) -eq 0 ]
}

@test "an ignored SIGCHLD does not stop tmrun reaping the command" {
	run -7 timeout 60 env --ignore-signal=CHLD "$TMRUN" -- sh -c 'exit 7'
}

@test "blocked SIGCHLD and SIGALRM do not stop the deadline" {
	local t0
	t0=$(now_ms)
	run -124 timeout -s KILL 60 env --block-signal=CHLD,ALRM \
	    "$TMRUN" -t 0.5 -- sleep 30
	[ "$(since_ms "$t0")" -lt 5000 ]
}

@test "in the background on a 'stty tostop' terminal, tmrun writes and ends on time" {
	local t0
	t0=$(now_ms)
	timeout -s KILL 20 script -qc "stty tostop; set -m
	    '$TMRUN' -v -t 1 -k 1 -- sleep 10 & echo \$! >'$T/tmrun.pid'
	    wait \$!; echo rc=\$?" /dev/null </dev/null >"$T/screen" || true
	grep -q '^rc=124' "$T/screen"
	grep -q '^tmrun: timed out after 1s (deadline)' "$T/screen"
	[ "$(since_ms "$t0")" -lt 8000 ]
}
