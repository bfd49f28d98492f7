#!/usr/bin/env bats
# Never hang on a pipe a descendant holds; leave nothing behind.
# Output goes to files, not through `run`: an escaped descendant would
# hold run's pipe open.

load helpers

@test "a grandchild holding the output pipe does not hang tmrun (sleep.sh)" {
	local t0 rc=0
	cd "$T"
	printf '#!/bin/sh\necho "in sleep"\nsh ./sleep1.sh\n' >sleep.sh
	printf 'echo $$ >"%s/sleep.pid"\nexec sleep 1000\n' "$T" >sleep1.sh
	chmod +x sleep.sh
	t0=$(now_ms)
	tm -t 1 -o LOG -- ./sleep.sh >"$T/out" 2>&1 || rc=$?
	[ "$rc" -eq 124 ]
	[ "$(since_ms "$t0")" -lt $((1000 + 5000 + 3000)) ]
	[ "$(cat LOG)" = "in sleep" ]
	wait_gone "$(cat "$T/sleep.pid")" 5
}

@test "leftovers holding the pipe after a normal exit are ended: TERM, then KILL" {
	local t0 rc=0
	t0=$(now_ms)
	# The leftover ignores TERM, before the command exits; its pid is the
	# sleep's own (exec).
	tm -v -k 1 -o "$T/log" -- sh -c 'sh -c '\''trap "" TERM
	    echo $$ >"$0/left.pid"; exec sleep 300'\'' "$0" &
	    until [ -s "$0/left.pid" ]; do sleep 0.01; done; echo main done' \
	    "$T" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(cat "$T/log")" = "main done" ]
	wait_gone "$(cat "$T/left.pid")" 1
	grep -n '^tmrun: sent SIG' "$T/err" >"$T/sent"
	[ "$(sed -n '1s/.*sent \(SIG[A-Z]*\).*/\1/p' "$T/sent")" = SIGTERM ]
	[ "$(sed -n '2s/.*sent \(SIG[A-Z]*\).*/\1/p' "$T/sent")" = SIGKILL ]
	[ "$(since_ms "$t0")" -lt 9000 ]
}

@test "a deadline passing while leftovers are ended keeps the command's status" {
	# The command exits 3 at once; its leftover ignores SIGTERM and lives
	# through -t until SIGKILL.
	run -3 tm -t 0.5 -k 2 -- sh -c '(trap "" TERM; exec sleep 30) & exit 3'
}

# live_tasks PID: how many of its threads are not zombies.
live_tasks() {
	cat /proc/"$1"/task/*/stat 2>/dev/null | sed 's/.*) //' |
	    awk '$1 != "Z" && $1 != "X" {n++} END {print n + 0}'
}

@test "a leftover whose main thread exited while others run is still ended" {
	local zl pid
	zl=$(dirname "$TMRUN")/tests/zombie-leader
	tm -- sh -c '"$0" >"$1" 2>/dev/null & sleep 0.3' "$zl" "$T/left.pid"
	pid=$(cat "$T/left.pid")
	[ "$(live_tasks "$pid")" -eq 0 ]
}

@test "with /proc not mounted, leftovers are still ended" {
	local rc=0
	unshare -m true 2>/dev/null || skip "no mount namespace here"
	# The sanitizers' runtime cannot start without /proc.
	unshare -m sh -c 'mount -t tmpfs none /proc && exec "$0" -- true' \
	    "$TMRUN" 2>/dev/null || skip "tmrun in this build needs /proc"
	unshare -m sh -c 'mount -t tmpfs none /proc && exec "$0" "$@"' \
	    "$TMRUN" -v -k 0.5 -- sh -c '(trap "" TERM; exec sleep 300) &
	    echo $! >"$0"' "$T/left.pid" 2>"$T/err" || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(grep -c '^tmrun: sent SIG' "$T/err")" -eq 2 ]
	[ "$(sed 's/.*) //' /proc/"$(cat "$T/left.pid")"/stat 2>/dev/null |
	    cut -c1)" != S ]
}

@test "--keep-orphans: a leftover that keeps writing cannot keep tmrun reading" {
	local t0 rc=0
	t0=$(now_ms)
	tm --keep-orphans -q -o "$T/log" -- sh -c 'yes & echo $! >"$0/left.pid"' "$T" || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(since_ms "$t0")" -lt 5000 ]
}

@test "--wait-delay lets leftovers finish and logs what they write (also with --keep-orphans)" {
	local t0 rc opt
	for opt in --wait-delay=10 --keep-orphans; do
		t0=$(now_ms) rc=0
		tm $opt --wait-delay=10 -o "$T/log" -- \
		    sh -c '(sleep 0.5; echo late) & echo early' >"$T/out" 2>&1 || rc=$?
		[ "$rc" -eq 0 ]
		[ "$(cat "$T/log")" = "$(printf 'early\nlate')" ]
		[ "$(since_ms "$t0")" -lt 5000 ]
	done
}

@test "--wait-delay ends leftovers that outstay it" {
	local t0 rc=0
	t0=$(now_ms)
	tm --wait-delay=0.5 -o "$T/log" -- sh -c 'sleep 300 & echo $! >"$0/left.pid"' "$T" \
	    >"$T/out" 2>&1 || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(since_ms "$t0")" -lt 4000 ]
	wait_gone "$(cat "$T/left.pid")" 1
}

@test "-i no longer applies once the command has exited: leftovers get the delay" {
	local rc=0
	tm -i 0.3 --wait-delay=10 -o "$T/log" -- \
	    sh -c '(sleep 1.5; echo late) & echo early' >"$T/out" 2>&1 || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(cat "$T/log")" = "$(printf 'early\nlate')" ]
}

@test "--keep-orphans leaves leftovers running and tmrun exits" {
	local t0 rc=0
	t0=$(now_ms)
	tm --keep-orphans -o "$T/log" -- sh -c 'sleep 300 & echo $! >"$0/left.pid"; echo hi' "$T" \
	    >"$T/out" 2>&1 || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(since_ms "$t0")" -lt 3000 ]
	[ "$(cat "$T/log")" = hi ]
	alive "$(cat "$T/left.pid")"
}

@test "--keep-orphans --wait-delay: what outstays the delay is left running" {
	local t0 rc=0
	t0=$(now_ms)
	tm -v --keep-orphans --wait-delay=0.5 -o "$T/log" -- \
	    sh -c 'sleep 300 & echo $! >"$0/left.pid"; echo hi' "$T" \
	    >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq 0 ]
	t0=$(since_ms "$t0")
	[ "$t0" -ge 400 ]
	[ "$t0" -lt 4000 ]
	[ "$(cat "$T/log")" = hi ]
	alive "$(cat "$T/left.pid")"
	! grep -q 'sent SIG' "$T/err"
}

@test "--keep-orphans: a deadline still kills the whole tree" {
	local rc=0
	tm --keep-orphans -t 1 -o "$T/log" -- sh -c 'sleep 300 & echo $! >"$0/left.pid"; wait' "$T" \
	    >"$T/out" 2>&1 || rc=$?
	[ "$rc" -eq 124 ]
	wait_gone "$(cat "$T/left.pid")" 5
}

@test "an escapee from the group holding the pipe cannot hang tmrun" {
	local t0 rc=0
	t0=$(now_ms)
	tm -o "$T/log" -- sh -c 'setsid sh -c "echo \$\$ >$0/esc.pid; exec sleep 300" &
	    echo main' "$T" >"$T/out" 2>&1 || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(since_ms "$t0")" -lt 3000 ]
	[ "$(cat "$T/log")" = main ]
}

@test "an escapee holding the pipe cannot hang tmrun past the deadline" {
	local t0 rc=0
	t0=$(now_ms)
	tm -t 1 -o "$T/log" -- sh -c 'setsid sh -c "echo \$\$ >$0/esc.pid; exec sleep 300" &
	    echo main; sleep 300' "$T" >"$T/out" 2>&1 || rc=$?
	[ "$rc" -eq 124 ]
	[ "$(since_ms "$t0")" -lt 4000 ]
	[ "$(cat "$T/log")" = main ]
}

@test "an escapee holding the pipe while output is still queued cannot hang tmrun" {
	local t0
	t0=$(now_ms)
	# A slow reader keeps the command's last bytes queued when it exits.
	{ tm -o "$T/log" -- sh -c 'setsid sh -c "echo \$\$ >$0/esc.pid; exec sleep 300" &
	    head -c 5000000 /dev/zero' "$T" 2>/dev/null; echo $? >"$T/rc"; } |
	    (sleep 1; cat) >"$T/echo"
	[ "$(cat "$T/rc")" -eq 0 ]
	[ "$(since_ms "$t0")" -lt 5000 ]
	[ "$(stat -c %s "$T/log")" -eq 5000000 ]
	[ "$(stat -c %s "$T/echo")" -eq 5000000 ]
}

@test "a deadline during --wait-delay is a timeout: the -s signal and 124" {
	local t0 rc=0
	t0=$(now_ms)
	tm -v -t 1 -s USR1 --wait-delay=30 -o "$T/log" -- sh -c \
	    'sleep 300 & echo $! >"$0/left.pid"' "$T" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq 124 ]
	[ "$(since_ms "$t0")" -lt 5000 ]
	grep -qx "tmrun: sent SIGUSR1 to 1 process" "$T/err"
	wait_gone "$(cat "$T/left.pid")" 5
}
