#!/usr/bin/env bats
# --output-on-failure: quiet on success, the whole output on failure.

load helpers

@test "--output-on-failure prints nothing when the command succeeds" {
	run -0 --separate-stderr tm --output-on-failure -- sh -c 'echo out; echo err >&2'
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "--output-on-failure replays a failed command's output to the right streams" {
	run -2 --separate-stderr tm --output-on-failure -- sh -c \
	    'echo out1; echo err1 >&2; echo out2; exit 2'
	[ "$output" = "$(printf 'out1\nout2')" ]
	[ "$stderr" = err1 ]
}

@test "--output-on-failure: a replay that cannot be written is said once" {
	local rc=0
	tm --output-on-failure -- sh -c 'seq 1000; echo e >&2; exit 3' \
	    >/dev/full 2>"$T/err" || rc=$?
	[ "$rc" -eq 3 ]
	[ "$(cat "$T/err")" = "$(printf '%s\n' \
	    'tmrun: cannot write standard output: No space left on device' e)" ]
}

@test "--output-on-failure: when poll fails, the whole output is replayed" {
	local p
	grep -q __asan_init "$TMRUN" && skip "the sanitizers' runtime opens files at exit"
	command -v prlimit >/dev/null || skip "no prlimit"
	mkfifo "$T/fifo"
	cat "$T/fifo" >"$T/shown" &
	echo $! >"$T/cat.pid"
	# The replay goes to a pipe: it is written only as poll allows.
	tm_bg_to "$T/fifo" "$T/err" -t 20 --output-on-failure -- sh -c \
	    'seq 100000; echo >"$0"; until [ -e "$0.go" ]; do sleep 0.05; done
	    echo last; sleep 30' "$T/up"
	p=$(cat "$T/tmrun.pid")
	wait_file "$T/up"
	# Fewer descriptors allowed than tmrun polls: poll says EINVAL once
	# "last" wakes it.
	prlimit --pid "$p" --nofile=2:2
	touch "$T/up.go"
	tm_wait
	wait "$(cat "$T/cat.pid")"
	[ "$bg_status" -eq 125 ]
	[ "$(cat "$T/err")" = "tmrun: poll: Invalid argument" ]
	cmp "$T/shown" <(seq 100000; echo last)
}

@test "-v: the summary comes after the replay" {
	run -2 --separate-stderr tm -v --output-on-failure -- sh -c \
	    'echo err >&2; exit 2'
	[ "${stderr_lines[0]}" = err ]
	[[ "${stderr_lines[1]}" = "tmrun: command exited with status 2 after "* ]]
	[ "${#stderr_lines[@]}" -eq 2 ]
}

@test "--output-on-failure: an echo that failed once the spool did is not retried" {
	local rc=0
	(ulimit -f 1
	exec "$TMRUN" --output-on-failure -- sh -c 'echo first; sleep 0.2
	    head -c 3000 /dev/zero; exit 3') >/dev/full 2>"$T/err" || rc=$?
	[ "$rc" -eq 3 ]
	[ "$(grep -c '^tmrun: cannot write standard output' "$T/err")" -eq 1 ]
	grep -q '^tmrun: cannot hold the output back' "$T/err"
}

@test "--output-on-failure replays in arrival order" {
	local rc=0
	tm --output-on-failure -o "$T/log" -- sh -c "$interleaved; exit 1" "$T/log" \
	    >"$T/all" 2>&1 || rc=$?
	[ "$rc" -eq 1 ]
	[ "$(cat "$T/all")" = "$(printf 'e1\no1\ne2\no2\ne3\no3')" ]
}

@test "--output-on-failure prints the output of a command that timed out" {
	run -124 --separate-stderr tm --output-on-failure -t 1 -- sh -c 'echo before; sleep 30'
	[ "$output" = before ]
}

@test "--output-on-failure with -o: the log still gets everything live" {
	run -0 tm --output-on-failure -o "$T/log" -- sh -c 'echo out; echo err >&2'
	[ -z "$output" ]
	[ "$(cat "$T/log")" = "$(printf 'out\nerr')" ]
}

@test "--output-on-failure holds the output in an unlinked file, not in memory" {
	TMPDIR=$T tm_bg --output-on-failure -- sh -c 'head -c 100000000 /dev/zero
	    echo >"$0/ready"; until [ -e "$0/go" ]; do sleep 0.05; done; exit 1' "$T"
	local pid
	wait_file "$T/ready"
	pid=$(cat "$T/tmrun.pid")
	ls -l "/proc/$pid/fd" | grep -q "$T/tmrun\..* (deleted)"
	# 100 MB held, yet tmrun's own peak memory stays small.
	[ "$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")" -lt 8192 ]
	touch "$T/go"
	tm_wait
	[ "$bg_status" -eq 1 ]
	cmp "$T/out" <(head -c 100000000 /dev/zero)
}

@test "--output-on-failure with an empty TMPDIR holds the output in /tmp" {
	TMPDIR= tm_bg --output-on-failure -- sh -c 'echo held
	    echo >"$0/ready"; until [ -e "$0/go" ]; do sleep 0.05; done; exit 1' "$T"
	local pid
	wait_file "$T/ready"
	pid=$(cat "$T/tmrun.pid")
	ls -l "/proc/$pid/fd" | grep -q -- "-> /tmp/tmrun\..* (deleted)"
	touch "$T/go"
	tm_wait
	[ "$bg_status" -eq 1 ]
	[ "$(cat "$T/out")" = held ]
}

@test "--output-on-failure with a full TMPDIR shows what it cannot hold" {
	local rc=0 off
	local held='seq 1000; sleep 0.3; seq 1001 100000; exit $0'
	[ "$(id -u)" -eq 0 ] || skip "mounting a small tmpfs needs root"
	mkdir "$T/mnt"
	mount -t tmpfs -o size=64k tmpfs "$T/mnt" || skip "cannot mount a tmpfs"
	TMPDIR=$T/mnt tm --output-on-failure -- sh -c "$held" 0 >"$T/ok" \
	    2>"$T/okerr" || rc=$?
	TMPDIR=$T/mnt tm --output-on-failure -- sh -c "$held" 3 >"$T/out" \
	    2>"$T/err" || rc=$((rc + $?))
	TMPDIR=$T/mnt tm -q --output-on-failure -- sh -c "$held" 4 >"$T/qout" \
	    2>"$T/qerr" || rc=$((rc + $?))
	umount "$T/mnt"
	[ "$rc" -eq 7 ]
	# -q: only what was held, from the start.
	[ "$(cat "$T/qerr")" = "tmrun: cannot hold the output back: No space left on device; the rest is not kept" ]
	[ "$(wc -c <"$T/qout")" -ge "$(seq 1000 | wc -c)" ]
	seq 100000 | head -c "$(wc -c <"$T/qout")" | cmp - "$T/qout"
	[ "$(cat "$T/err")" = "tmrun: cannot hold the output back: No space left on device; showing the rest as it comes" ]
	cmp "$T/okerr" "$T/err"
	# Success: what was held stays unseen; the rest is shown as it came.
	seq 100000 | tail -c +$(($(seq 1000 | wc -c) + 1)) | tail -c \
	    "$(wc -c <"$T/ok")" | cmp - "$T/ok"
	# Failure: the rest as it came, then what was held; every byte once.
	off=$(grep -bx 100000 "$T/out" | cut -d: -f1)
	[ "$off" -lt $(($(seq 100000 | wc -c) - $(seq 1000 | wc -c))) ]
	cmp <(tail -c +$((off + 8)) "$T/out"; head -c $((off + 7)) "$T/out") \
	    <(seq 100000)
}

@test "-q with --output-on-failure still prints on failure" {
	run -1 tm -q --output-on-failure -- sh -c 'echo shown; exit 1'
	[ "$output" = shown ]
}

@test "--output-on-failure prints a timed-out run's output under --preserve-status" {
	run -0 tm --output-on-failure --preserve-status -t 1 -- sh -c \
	    'trap "exit 0" TERM; echo shown; sleep 10 & wait'
	[ "$output" = shown ]
}

@test "--output-on-failure: a stdout nobody reads cannot hold the replay past the grace" {
	local t0 rc=0
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"
	t0=$(now_ms)
	(tm -t 1 -k 1 --output-on-failure -- sh -c 'head -c 1000000 /dev/zero
	    echo err >&2; exit 3' >"$T/fifo" 2>"$T/err") 2>"$T/sh.err" || rc=$?
	exec 5>&-
	[ "$rc" -eq 3 ]
	[ "$(since_ms "$t0")" -lt 7000 ]
	# stderr is a file: it gets its replay all the same, and is told.
	[ "$(cat "$T/err")" = "tmrun: standard output is not read in time; the rest of its output is not shown
err" ]
}

@test "--output-on-failure: a terminal nobody reads cannot hold the replay past the grace" {
	command -v script >/dev/null || skip "no script(1) to make a terminal"
	local t0
	t0=$(now_ms)
	stuck_tty "timeout -s KILL 60 '$TMRUN' -t 1 -k 1 --output-on-failure -- \
	    sh -c 'seq 300000; exit 3'"
	[ "$(cat "$T/rc")" -eq 3 ]
	[ "$(since_ms "$t0")" -lt 8000 ]
}

@test "--output-on-failure: SIGTERM to tmrun stops a replay stuck on its reader" {
	local pid rc=0
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"
	timeout -s KILL 60 "$TMRUN" --output-on-failure -- sh -c \
	    'head -c 1000000 /dev/zero; echo >"$0/done"; exit 3' "$T" >"$T/fifo" 3>&- &
	pid=$!
	echo "$pid" >"$T/guard.pid"
	# The command has ended; tmrun is replaying into the stuck pipe.
	wait_file "$T/done"
	cat /proc/$pid/task/$pid/children >"$T/tmrun.pid"
	sleep 0.5
	kill -TERM "$(cat "$T/tmrun.pid")"
	wait "$pid" || rc=$?
	exec 5>&-
	[ "$rc" -eq 3 ]
}
