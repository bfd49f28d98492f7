#!/usr/bin/env bats
# The deadline: first signal, grace, SIGKILL, the whole group.

load helpers

@test "the deadline ends a long command promptly with 124" {
	local t0
	t0=$(now_ms)
	run -124 tm -t 1 sleep 30
	[ "$(since_ms "$t0")" -lt 4000 ]
}

@test "a command that ignores the first signal gets SIGKILL after the grace" {
	local t0
	t0=$(now_ms)
	run -124 --separate-stderr tm -v -t 1 -k 1 sh -c 'trap "" TERM; sleep 30'
	[ "$(since_ms "$t0")" -lt 6000 ]
	[ "$(since_ms "$t0")" -ge 1400 ]
	[ "${stderr_lines[1]}" = "tmrun: sent SIGTERM to 2 processes" ]
	[ "${stderr_lines[2]}" = "tmrun: sent SIGKILL to 2 processes" ]
}

@test "-k 0 sends SIGKILL at once" {
	local t0
	t0=$(now_ms)
	run -124 tm -t 1 -k 0 sh -c 'trap "" TERM; sleep 30'
	[ "$(since_ms "$t0")" -lt 3000 ]
}

@test "-s picks the first signal by name, SIG name, any case or number" {
	local s
	for s in INT SIGINT sigint int 2; do
		run -130 tm --preserve-status -t 0.2 -s "$s" sleep 10
	done
	run -138 tm --preserve-status -t 0.2 --signal=usr1 sleep 10
}

@test "-s takes every name kill -l gives, RTMIN+N and RTMAX-N too; -v says it" {
	local s
	for s in $(kill -l | tr '\t' '\n' | sed -n 's/^ *[0-9]*) SIG//p'); do
		run -0 tm -s "$s" true
	done
	for s in PWR IO STKFLT RTMIN RTMIN+1 RTMAX-2 RTMAX; do
		run -$((128 + $(kill -l "$s"))) --separate-stderr \
		    tm -v --preserve-status -t 0.2 -s "$s" sleep 10
		[[ "$stderr" = *"sent SIG$s to 1 process"* ]]
	done
	run -$((128 + $(kill -l ABRT))) tm --preserve-status -t 0.2 -s IOT sleep 10
	run --separate-stderr tm -v -t 0.2 -s rtmin+1 sleep 10
	[[ "$stderr" = *"sent SIGRTMIN+1 to 1 process"* ]]
}

@test "a bad signal is a usage error" {
	local s
	for s in NOPE SIGNOPE 0 -1 99999 '' 1x RTMIN+99 RTMAX+1 RTMIN- RT; do
		run -125 --separate-stderr tm -s "$s" true
		[ "$stderr" = "tmrun: invalid signal: '$s' (see 'tmrun --help')" ]
	done
}

@test "a stopped command still dies on the first signal (SIGCONT follows it)" {
	local t0
	t0=$(now_ms)
	run -143 tm --preserve-status -t 1 -k 30 sh -c 'kill -STOP $$; sleep 30'
	[ "$(since_ms "$t0")" -lt 10000 ]
}

@test "the deadline kills a grandchild in the command's group" {
	local rc=0
	tm -t 1 sh -c 'sleep 300 & echo $! >"$0/gc.pid"; wait' "$T" \
	    >"$T/out" 2>&1 || rc=$?
	[ "$rc" -eq 124 ]
	wait_gone "$(cat "$T/gc.pid")" 5
}

@test "the command runs as its own process group leader" {
	run -0 tm sh -c 'ps -o pid=,pgid= -p $$'
	read -r pid pgid <<<"$output"
	[ "$pid" = "$pgid" ]
	[ "$pgid" != "$(ps -o pgid= -p $$ | tr -d ' ')" ]
}

@test "what the command leaves running after it exits is ended (TERM, then KILL)" {
	local rc=0
	tm -k 1 sh -c 'sleep 300 & echo $! >"$0/a.pid"
	    sh -c "trap \"\" TERM; exec sleep 300" & echo $! >"$0/b.pid"; exit 3' "$T" \
	    >"$T/out" 2>&1 || rc=$?
	[ "$rc" -eq 3 ]
	wait_gone "$(cat "$T/a.pid")" 5
	wait_gone "$(cat "$T/b.pid")" 5
}

@test "a stopped and continued tmrun acts on a passed deadline at once" {
	tm_bg -t 1 -k 30 sleep 30
	kill -STOP "$(cat "$T/tmrun.pid")"
	sleep 2
	local t0
	t0=$(now_ms)
	kill -CONT "$(cat "$T/tmrun.pid")"
	tm_wait
	[ "$bg_status" -eq 124 ]
	[ "$(since_ms "$t0")" -lt 2000 ]
}

@test "continued past the deadline and the grace, tmrun kills at once (G10)" {
	local t0
	tm_bg -t 0.3 -k 2 -- sh -c 'trap "" TERM; echo $$ >"$0"
	    while :; do sleep 0.1; done' "$T/cmd.pid"
	wait_file "$T/cmd.pid"
	kill -STOP "$(cat "$T/tmrun.pid")"
	sleep 2.6
	t0=$(now_ms)
	kill -CONT "$(cat "$T/tmrun.pid")"
	tm_wait
	[ "$bg_status" -eq 124 ]
	[ "$(since_ms "$t0")" -lt 1500 ]
	wait_gone "$(cat "$T/cmd.pid")" 1
}

@test "tmrun does not wake up while it waits (no polling)" {
	tm_bg -t 60 sleep 30
	[ "$(wakeups "$(cat "$T/tmrun.pid")")" -le 1 ]
	kill -TERM "$(cat "$T/tmrun.pid")"	# forwarded: the command ends
	tm_wait
	[ "$bg_status" -eq 143 ]
}
