#!/usr/bin/env bats
# -i: a deadline that moves with every byte of output.

load helpers

@test "-i fires on a command that goes silent" {
	local t0
	t0=$(now_ms)
	run -124 --separate-stderr tm -v -i 0.5 -- sh -c 'echo hello; sleep 30'
	[ "$output" = hello ]
	[ "$(since_ms "$t0")" -lt 4000 ]
	[ "${stderr_lines[0]}" = "tmrun: timed out after 0.5s without output (idle)" ]
}

@test "-i moves with every byte: a steady trickle runs to the end" {
	run -0 tm -i 1 -- sh -c 'for i in 1 2 3 4 5 6 7; do echo $i; sleep 0.3; done'
	[ "$(echo $output | tr -d ' ')" = 1234567 ]
}

@test "-i moves with a single byte, not only with whole lines" {
	run -0 tm -i 1 --timestamps -o "$T/log" -- sh -c \
	    'for i in 1 2 3 4 5 6 7; do printf .; sleep 0.3; done'
	[ "$output" = ....... ]
}

@test "-i counts stderr as output too" {
	run -0 tm -i 1 -- sh -c 'for i in 1 2 3 4 5 6; do echo $i >&2; sleep 0.3; done'
}

@test "-i and -t together: whichever comes first" {
	run -124 --separate-stderr tm -v -t 0.5 -i 10 -- sleep 30
	[ "${stderr_lines[0]}" = "tmrun: timed out after 0.5s (deadline)" ]
}

# behind_stuck ARGS...: tm ARGS, its stdout a FIFO this shell holds open
# but never reads; its stderr in $T/err, its status in $T/rc, the time it
# took in $T/ms.
behind_stuck() {
	local t0
	[ -p "$T/fifo" ] || mkfifo "$T/fifo"
	exec 5<>"$T/fifo"
	rm -f "$T/rc"
	t0=$(now_ms)
	(tm "$@" >"$T/fifo" 2>"$T/err" || echo $? >"$T/rc") 2>/dev/null
	since_ms "$t0" >"$T/ms"
	exec 5>&-
}

@test "-i fires on a silent command even while nobody reads its echo or log" {
	local opts
	for opts in "-o /dev/null" "-q -o $T/fifo"; do
		# More than the echo or log pipe holds, then silence.
		behind_stuck -v -i 1 -k 0.5 $opts -- sh -c 'head -c 100000 /dev/zero
		    echo $$ >"$0"; exec sleep 30' "$T/cmd.pid"
		[ "$(cat "$T/rc")" -eq 124 ]
		[ "$(cat "$T/ms")" -lt 8000 ]
		[ "$(head -n 1 "$T/err")" = "tmrun: timed out after 1s without output (idle)" ]
		wait_gone "$(cat "$T/cmd.pid")" 5
	done
}

@test "-i does not fire on a command held back by a reader that never reads" {
	local opts cmd
	mkfifo "$T/fifo"
	# yes fills the pipe; writes of 2100 bytes take a page each and block
	# it half full; 8 KiB reads (a log pipe with stamps) cut into a page.
	while IFS=: read -r opts cmd; do
		rm -f "$T/rc" "$T/cmd.pid"
		exec 5<>"$T/fifo"
		(exec 5>&-	# this shell is the one reader
		timeout -s KILL 60 "$TMRUN" -i 0.5 $opts -- sh -c 'echo $$ >"$0"
		    exec '"$cmd" "$T/cmd.pid" >"$T/fifo" 2>/dev/null 3>&- ||
		    echo $? >"$T/rc") 2>/dev/null &
		wait_file "$T/cmd.pid"
		sleep 2
		alive "$(cat "$T/cmd.pid")"
		[ ! -e "$T/rc" ]
		# The reader goes, and with it the echo or the log; then the
		# command, which kept writing all along.
		exec 5>&-
		sleep 1
		kill "$(cat "$T/cmd.pid")"
		wait_file "$T/rc"
		[ "$(cat "$T/rc")" -eq 143 ]
	done <<-EOF
	:yes
	:dd if=/dev/zero bs=2100 count=100000000 status=none
	-q --timestamps=elapsed -o $T/fifo:dd if=/dev/zero bs=2060 count=100000000 status=none
	EOF
}

@test "-i fires once nothing can write the pipe a stuck reader left full" {
	# The writer blocks on the full pipe and is killed; the command then
	# holds no end of the pipes.
	behind_stuck -v -i 1 -k 0.5 -- sh -c 'head -c 3000000 /dev/zero &
	    sleep 0.5; kill $!; exec sleep 30 >/dev/null 2>&1'
	[ "$(cat "$T/rc")" -eq 124 ]
	[ "$(head -n 1 "$T/err")" = "tmrun: timed out after 1s without output (idle)" ]
	[ "$(cat "$T/ms")" -lt 8000 ]
}

@test "-i does not fire on a command that writes while a reader holds tmrun back" {
	behind_stuck -v -t 3 -i 1 -k 0.5 -- sh -c 'head -c 70000 /dev/zero
	    while :; do printf x; sleep 0.2; done'
	[ "$(cat "$T/rc")" -eq 124 ]
	[ "$(head -n 1 "$T/err")" = "tmrun: timed out after 3s (deadline)" ]
	[ "$(cat "$T/ms")" -lt 8000 ]
}

@test "-i costs no wake-ups while a stuck reader holds the command back" {
	local guard p n
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"
	timeout -s KILL 60 "$TMRUN" -i 0.05 -- sh -c 'echo $$ >"$0"; exec yes' \
	    "$T/cmd.pid" >"$T/fifo" 2>/dev/null 3>&- 5>&- &
	guard=$!
	echo "$guard" >"$T/guard.pid"
	wait_file "$T/cmd.pid"
	p=$(cat "/proc/$guard/task/$guard/children")
	n=$(wakeups "${p%% *}")
	exec 5>&-
	kill "$(cat "$T/cmd.pid")"
	wait "$guard" || true
	[ "$n" -lt 10 ]
}
